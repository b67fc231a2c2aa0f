package ledger_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"guitai/ledger"
	"guitai/money"
)

// TestLargeCash: the large cash report of two business dates. Branch 0101
// works 2026-11-23; branch 0102 is closed to 2026-11-24 and works that
// day. Demo account n of branch 0101 belongs to customer n (C0101 and
// n as 8 digits, n ≤ 200; account 201 to customer 1 again), account n of
// branch 0102 to customer 50+n.
func TestLargeCash(t *testing.T) {
	ctx := context.Background()
	a := func(n int64) string { return ledger.AccountNumber("0101", n) }
	b := func(n int64) string { return ledger.AccountNumber("0102", n) }
	cust := func(n int) string { return fmt.Sprintf("C0101%08d", n) }
	const day2, day3 = "2026-11-24", "2026-11-25"
	const T3 = "010201" // teller, branch 0102
	eachDB(t, func(t *testing.T, e *env) {
		dep := func(teller, acct, amount string) string {
			var auth *ledger.Credentials
			if money.MustParse(amount) > ledger.LargeCashThreshold {
				auth = sup()
				if teller == T3 {
					t.Fatal("no supervisor at branch 0102")
				}
			}
			return e.must(t, "cash_deposit", teller, auth, map[string]any{"account": acct, "amount": amount}).Serial
		}
		wd := func(teller, acct, amount string) {
			e.must(t, "cash_withdrawal", teller, nil, map[string]any{"account": acct, "amount": amount})
		}
		// 2026-11-23, branch 0101.
		dep(T1, a(1), "30000.00") // customer 1 on two accounts: 50,000.01 (reported)
		dep(T1, a(201), "20000.01")
		dep(T1, a(2), "50000.00") // customer 2: exactly 50,000.00 (reported)
		dep(T1, a(3), "49999.99") // customer 3: just under (not)
		dep(T1, a(4), "30000.00") // customer 4: 30,000.00 once the 25,000.00 is reversed (not)
		rev := dep(T1, a(4), "25000.00")
		e.must(t, "reversal", T1, sup(), map[string]any{"orig_serial": rev, "orig_date": bizDate, "reason": "wrong account"})
		dep(T1, a(5), "40000.00") // customer 5: 40,000.00 in and 40,000.00 out, summed apart (not)
		wd(T1, a(5), "40000.00")
		dep(T1, a(14), "100.00") // customer 14 (a rich account): 50,000.00 out (reported)
		wd(T1, a(14), "50000.00")
		dep(T1, a(51), "30000.00") // customer 51: 30,000.00 today, 30,000.00 tomorrow (not)
		// Customer 6: 20,000.00 into the demand account and a one-year
		// term deposit of 30,000.00 opened in cash, 50,000.00 in all
		// (reported); a term deposit opened from the account moves no
		// cash.
		dep(T1, a(6), "20000.00")
		term := e.must(t, "term_open", T1, nil, map[string]any{"account": a(6), "product": "Y1", "amount": "30000.00", "source": "cash"}).Values["account_no"].(string)
		e.must(t, "term_open", T1, nil, map[string]any{"account": a(6), "product": "Y1", "amount": "100.00", "source": "transfer"})
		// 2026-11-24, branch 0102.
		if next, err := e.store.CloseDay(ctx, "0102", "test"); err != nil || next != day2 {
			t.Fatalf("close 0102: %q, %v", next, err)
		}
		dep(T3, b(1), "30000.00") // customer 51 again
		dep(T3, b(2), "49999.99") // customer 52 (not)
		dep(T3, b(3), "50000.00") // customer 53 (reported)
		wd(T3, b(7), "50000.00")  // customer 57, a rich account: 50,000.00 out (reported)

		type row struct {
			Customer string
			Accounts []string
			In, Out  money.Fen
			Count    int
		}
		tests := []struct {
			name      string
			date      string
			threshold money.Fen
			want      []row
		}{
			{"first day", bizDate, ledger.LargeCashThreshold, []row{
				{cust(1), []string{a(1), a(201)}, 5_000_001, 0, 2},
				{cust(2), []string{a(2)}, 5_000_000, 0, 1},
				{cust(6), []string{a(6), term}, 5_000_000, 0, 2},
				{cust(14), []string{a(14)}, 10_000, 5_000_000, 2},
			}},
			{"second day", day2, ledger.LargeCashThreshold, []row{
				{cust(53), []string{b(3)}, 5_000_000, 0, 1},
				{cust(57), []string{b(7)}, 0, 5_000_000, 1},
			}},
			{"no cash", day3, ledger.LargeCashThreshold, nil},
			{"lower threshold", bizDate, 3_000_000, []row{
				{cust(1), []string{a(1), a(201)}, 5_000_001, 0, 2},
				{cust(2), []string{a(2)}, 5_000_000, 0, 1},
				{cust(3), []string{a(3)}, 4_999_999, 0, 1},
				{cust(4), []string{a(4)}, 3_000_000, 0, 1},
				{cust(5), []string{a(5)}, 4_000_000, 4_000_000, 2},
				{cust(6), []string{a(6), term}, 5_000_000, 0, 2},
				{cust(14), []string{a(14)}, 10_000, 5_000_000, 2},
				{cust(51), []string{a(51)}, 3_000_000, 0, 1},
			}},
		}
		masked := regexp.MustCompile(`^110101\*{8}\d{3}[0-9X]$`)
		for _, tt := range tests {
			rows, err := e.store.LargeCash(ctx, tt.date, tt.threshold)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var got []row
			for _, r := range rows {
				got = append(got, row{r.CustomerID, r.Accounts, r.CashIn, r.CashOut, r.Count})
				var n int
				fmt.Sscanf(r.CustomerID[5:], "%d", &n)
				if !masked.MatchString(r.IDNumber) || r.IDNumber[14:17] != fmt.Sprintf("%03d", n-1) || r.Name == "" {
					t.Errorf("%s: customer %s shown as %q %q, want the name and the ID number masked", tt.name, r.CustomerID, r.Name, r.IDNumber)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: LargeCash(%s, %s) =\n%v\nwant\n%v", tt.name, tt.date, tt.threshold, got, tt.want)
			}
		}
		for _, bad := range []struct {
			date      string
			threshold money.Fen
			code      string
		}{
			{"2026-11-31", ledger.LargeCashThreshold, "E_DATE_SYNTAX"},
			{"20261123", ledger.LargeCashThreshold, "E_DATE_SYNTAX"},
			{bizDate, 0, "E_AMOUNT_MIN"},
		} {
			if _, err := e.store.LargeCash(ctx, bad.date, bad.threshold); string(ledger.CodeOf(err)) != bad.code {
				t.Errorf("LargeCash(%q, %s): %v, want %s", bad.date, bad.threshold, err, bad.code)
			}
		}
	})
}
