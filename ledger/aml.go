package ledger

import (
	"context"
	"fmt"
	"time"

	"guitai/money"
)

// This file holds the large cash transaction report (大额现金交易报告) of
// 《金融机构大额交易和可疑交易报告管理办法》(中国人民银行令〔2016〕第3号,
// article 5): a customer's cash deposits (现金缴存) or cash withdrawals
// (现金支取) of one day, single or summed, of 50,000 yuan or more.

// LargeCashThreshold is the large cash report's threshold: 50,000.00 yuan,
// reached by a day's cash in or a day's cash out of one customer.
const LargeCashThreshold = money.Fen(5_000_000)

// LargeCashRow is one customer of the large cash report: the day's cash in
// and cash out over all of the customer's accounts, each summed on its own.
type LargeCashRow struct {
	CustomerID string `json:"customer_id"`
	Name       string `json:"name"`
	// IDNumber is the resident ID number masked as on a receipt: the
	// first 6 and the last 4 characters.
	IDNumber string    `json:"id_number"`
	Accounts []string  `json:"accounts"` // the accounts that moved cash that day, in order
	CashIn   money.Fen `json:"cash_in"`
	CashOut  money.Fen `json:"cash_out"`
	Count    int       `json:"count"` // the cash entries summed
}

// largeCashQuery sums the cash each entry of the business date moved
// over the counter for a customer's account — what its postings put into
// (cash in) or took out of (cash out) a teller's cash box, whatever the
// module: a cash deposit, an opening's initial deposit, a withdrawal, a
// term or notice deposit opened or paid in cash — per customer and
// account, and keeps the customers whose cash in or cash out reaches the
// threshold. A reversed entry and its reversal both drop out: the one has
// reversed_by set, the other reversal_of. Moves between boxes and vaults
// name no customer account and do not count.
const largeCashQuery = `WITH moves AS (
	SELECT j.serial, j.account, CAST(SUM(p.amount) AS BIGINT) AS cash
	FROM journal j JOIN postings p ON p.serial = j.serial AND p.book LIKE 'BOX-%'
	WHERE j.business_date = :date AND j.account <> '' AND j.reversed_by IS NULL AND j.reversal_of IS NULL
	GROUP BY j.serial, j.account
), cash AS (
	SELECT a.customer_id, m.account,
		CAST(SUM(CASE WHEN m.cash > 0 THEN m.cash ELSE 0 END) AS BIGINT) AS cash_in,
		CAST(SUM(CASE WHEN m.cash < 0 THEN 0 - m.cash ELSE 0 END) AS BIGINT) AS cash_out,
		COUNT(*) AS n
	FROM moves m JOIN accounts a ON a.number = m.account
	WHERE m.cash <> 0
	GROUP BY a.customer_id, m.account
)
SELECT cash.customer_id, c.name, c.id_cipher, cash.account, cash.cash_in, cash.cash_out, cash.n
FROM cash JOIN customers c ON c.id = cash.customer_id
WHERE cash.customer_id IN (SELECT customer_id FROM cash GROUP BY customer_id
	HAVING SUM(cash_in) >= CAST(:threshold AS BIGINT) OR SUM(cash_out) >= CAST(:threshold AS BIGINT))
ORDER BY cash.customer_id, cash.account`

// LargeCash is the large cash report of the business date (YYYY-MM-DD):
// every customer whose cash in or whose cash out over the counter on that
// date (largeCashQuery: what the entries put into or took out of a cash
// box for the customer's accounts), over all their accounts and summed
// separately, reach
// threshold (LargeCashThreshold for the regulatory report). Reversed
// entries do not count. Rows are in customer order; the ID number is
// masked. E_DATE_SYNTAX for a malformed date, E_AMOUNT_MIN for a
// threshold that is not positive.
func (s *Store) LargeCash(ctx context.Context, date string, threshold money.Fen) ([]LargeCashRow, error) {
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return nil, errf("E_DATE_SYNTAX", "date", fmt.Errorf("%q", date))
	}
	if threshold <= 0 {
		return nil, errf("E_AMOUNT_MIN", "threshold", fmt.Errorf("%s", threshold))
	}
	var rows []struct {
		CustomerID string `db:"customer_id"`
		Name       string `db:"name"`
		Cipher     string `db:"id_cipher"`
		Account    string `db:"account"`
		CashIn     int64  `db:"cash_in"`
		CashOut    int64  `db:"cash_out"`
		N          int64  `db:"n"`
	}
	if err := s.selectNamed(ctx, &rows, largeCashQuery, map[string]any{"date": date, "threshold": int64(threshold)}); err != nil {
		return nil, wrapDB(err)
	}
	var out []LargeCashRow
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].CustomerID != r.CustomerID {
			id, err := s.keys.openID(r.Cipher)
			if err != nil {
				return nil, errf("E_DB", "id_number", fmt.Errorf("customer %s: %w", r.CustomerID, err))
			}
			out = append(out, LargeCashRow{CustomerID: r.CustomerID, Name: r.Name, IDNumber: maskID(id)})
		}
		row := &out[len(out)-1]
		row.Accounts = append(row.Accounts, r.Account)
		row.CashIn += money.Fen(r.CashIn)
		row.CashOut += money.Fen(r.CashOut)
		row.Count += int(r.N)
	}
	return out, nil
}
