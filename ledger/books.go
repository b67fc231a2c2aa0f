package ledger

import (
	"context"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"

	"guitai/money"
)

// Books is the state of the books: the totals by kind, and whatever does
// not hold. A ledger is sound when OK reports true.
type Books struct {
	Entries    int       `json:"entries"`    // journal entries with postings
	Customer   money.Fen `json:"customer"`   // Σ customer account balances (liability)
	Cash       money.Fen `json:"cash"`       // Σ cash boxes + vaults (asset)
	Suspense   money.Fen `json:"suspense"`   // Σ suspense (asset)
	Equity     money.Fen `json:"equity"`     // Σ equity (liability)
	Unbalanced []string  `json:"unbalanced"` // serials whose postings do not sum to zero
	Mismatched []string  `json:"mismatched"` // books (accounts, GL books, cash boxes by day) whose balance is not what their postings give
}

// Net is assets − liabilities; double entry keeps it at zero.
func (b Books) Net() money.Fen { return b.Cash + b.Suspense - b.Customer - b.Equity }

// OK reports whether every entry balances, every book agrees with its
// postings and the net is zero.
func (b Books) OK() bool { return len(b.Unbalanced) == 0 && len(b.Mismatched) == 0 && b.Net() == 0 }

// CheckBooks reads the whole ledger and reports its totals and faults.
func (s *Store) CheckBooks(ctx context.Context) (Books, error) {
	var b Books
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return b, wrapDB(err)
	}
	defer tx.Rollback()
	if err := tx.SelectContext(ctx, &b.Unbalanced, `SELECT serial FROM postings GROUP BY serial HAVING SUM(amount) <> 0 ORDER BY serial`); err != nil {
		return b, wrapDB(err)
	}
	if err := tx.GetContext(ctx, &b.Entries, `SELECT COUNT(DISTINCT serial) FROM postings`); err != nil {
		return b, wrapDB(err)
	}
	sums := map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT book, SUM(amount) FROM postings GROUP BY book`)
	if err != nil {
		return b, wrapDB(err)
	}
	for rows.Next() {
		var book string
		var sum int64
		if err := rows.Scan(&book, &sum); err != nil {
			rows.Close()
			return b, wrapDB(err)
		}
		sums[book] = sum
	}
	rows.Close()
	type bal struct {
		Book    string `db:"book"`
		Kind    string `db:"kind"`
		Balance int64  `db:"balance"`
	}
	var all []bal
	if err := tx.SelectContext(ctx, &all, `
		SELECT number AS book, 'customer' AS kind, balance FROM accounts
		UNION ALL SELECT code, kind, balance FROM gl_books
		UNION ALL SELECT book, 'box', balance FROM cash_boxes c
		  WHERE business_date = (SELECT MAX(business_date) FROM cash_boxes d WHERE d.teller = c.teller)`); err != nil {
		return b, wrapDB(err)
	}
	seen := map[string]bool{}
	for _, r := range all {
		seen[r.Book] = true
		want := sums[r.Book]
		switch r.Kind {
		case "customer":
			b.Customer += money.Fen(r.Balance)
			want = -want
		case "equity":
			b.Equity += money.Fen(r.Balance)
			want = -want
		case "suspense":
			b.Suspense += money.Fen(r.Balance)
		default: // vault, box
			b.Cash += money.Fen(r.Balance)
		}
		if r.Balance != want {
			b.Mismatched = append(b.Mismatched, fmt.Sprintf("%s: balance %d, postings %d", r.Book, r.Balance, want))
		}
	}
	for book, sum := range sums {
		if !seen[book] && sum != 0 {
			b.Mismatched = append(b.Mismatched, fmt.Sprintf("%s: postings %d on no book", book, sum))
		}
	}
	var boxes []string
	if err := tx.SelectContext(ctx, &boxes, `SELECT teller || '/' || business_date FROM cash_boxes
		WHERE balance <> opening + cash_in - cash_out + over_short`); err != nil {
		return b, wrapDB(err)
	}
	for _, x := range boxes {
		b.Mismatched = append(b.Mismatched, "box "+x+": balance is not opening + in − out + over/short")
	}
	// Re-derive every cash box from the postings: its opening is what
	// its book's postings of earlier business days sum to, its balance
	// that plus the day's postings.
	faults, err := s.boxesFromPostings(ctx, tx)
	if err != nil {
		return b, wrapDB(err)
	}
	b.Mismatched = append(b.Mismatched, faults...)
	sort.Strings(b.Mismatched)
	return b, nil
}

// boxesFromPostings re-derives each cash box's opening and balance from
// the postings on its book by business date, and lists the boxes that
// differ.
func (s *Store) boxesFromPostings(ctx context.Context, tx *sqlx.Tx) ([]string, error) {
	type day struct {
		Book string `db:"book"`
		Date string `db:"business_date"`
		Sum  int64  `db:"total"`
	}
	var days []day
	if err := tx.SelectContext(ctx, &days, `SELECT p.book, j.business_date, SUM(p.amount) AS total
		FROM postings p JOIN journal j ON j.serial = p.serial
		WHERE p.book LIKE 'BOX-%' GROUP BY p.book, j.business_date ORDER BY p.book, j.business_date`); err != nil {
		return nil, err
	}
	byBook := map[string][]day{}
	for _, d := range days {
		byBook[d.Book] = append(byBook[d.Book], d)
	}
	type box struct {
		Teller  string `db:"teller"`
		Date    string `db:"business_date"`
		Book    string `db:"book"`
		Opening int64  `db:"opening"`
		Balance int64  `db:"balance"`
	}
	var boxes []box
	if err := tx.SelectContext(ctx, &boxes, `SELECT teller, business_date, book, opening, balance FROM cash_boxes ORDER BY book, business_date`); err != nil {
		return nil, err
	}
	var out []string
	for _, c := range boxes {
		var before, on int64
		for _, d := range byBook[c.Book] {
			switch {
			case d.Date < c.Date:
				before += d.Sum
			case d.Date == c.Date:
				on = d.Sum
			}
		}
		if c.Opening != before || c.Balance != before+on {
			out = append(out, fmt.Sprintf("box %s/%s: opening %d, balance %d; postings give %d, %d",
				c.Teller, c.Date, c.Opening, c.Balance, before, before+on))
		}
	}
	return out, nil
}

// BoxReport is one cash box at day end.
type BoxReport struct {
	Teller    string    `db:"teller" json:"teller"`
	Date      string    `db:"business_date" json:"business_date"`
	Opening   money.Fen `db:"opening" json:"opening"`
	CashIn    money.Fen `db:"cash_in" json:"cash_in"`
	CashOut   money.Fen `db:"cash_out" json:"cash_out"`
	OverShort money.Fen `db:"over_short" json:"over_short"`
	Balance   money.Fen `db:"balance" json:"balance"`
	Status    string    `db:"status" json:"status"`
	Entries   int       `db:"entries" json:"entries"`
	Pending   int       `db:"pending" json:"pending_receipts"`
}

// EODReport is the end-of-day report of a branch.
type EODReport struct {
	Branch string      `json:"branch"`
	Date   string      `json:"business_date"`
	Boxes  []BoxReport `json:"boxes"`
	Books  Books       `json:"books"`
	Vault  money.Fen   `json:"vault"`
}

// Ready reports whether the day can close: every box that moved cash is
// balanced, no receipt waits and the books are sound.
func (r EODReport) Ready() bool {
	for _, b := range r.Boxes {
		if b.Pending > 0 || (b.Status != "balanced" && (b.Balance != 0 || b.CashIn != 0 || b.CashOut != 0)) {
			return false
		}
	}
	return r.Books.OK()
}

// EOD reports a branch's boxes and the books for its business date.
func (s *Store) EOD(ctx context.Context, branch string) (EODReport, error) {
	r := EODReport{Branch: branch}
	db := s.db
	if err := db.GetContext(ctx, &r.Date, db.Rebind(`SELECT business_date FROM branches WHERE code = ?`), branch); err != nil {
		return r, errf("E_DB", "branch", err)
	}
	if err := db.SelectContext(ctx, &r.Boxes, db.Rebind(`SELECT c.teller, c.business_date, c.opening, c.cash_in, c.cash_out,
		c.over_short, c.balance, c.status,
		(SELECT COUNT(*) FROM journal j WHERE j.teller = c.teller AND j.business_date = c.business_date) AS entries,
		(SELECT COUNT(*) FROM receipts p WHERE p.teller = c.teller AND p.status = 'pending') AS pending
		FROM cash_boxes c WHERE c.branch = ? AND c.business_date = ? ORDER BY c.teller`), branch, r.Date); err != nil {
		return r, wrapDB(err)
	}
	if err := db.GetContext(ctx, &r.Vault, db.Rebind(`SELECT balance FROM gl_books WHERE code = ?`), bookCode("vault", branch)); err != nil {
		return r, wrapDB(err)
	}
	var err error
	r.Books, err = s.CheckBooks(ctx)
	return r, err
}
