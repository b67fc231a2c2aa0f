package ledger_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"guitai/ledger"
	"guitai/money"
)

// vaultCash is a 3104 posting's values: dir ("request" or "return") of
// n hundred-yuan notes, confirmed by T2 as the vault keeper.
func vaultCash(dir string, n100 int64) map[string]any {
	return map[string]any{"direction": dir, "amount": money.Fen(n100 * 10000).String(), "handover_id": T2,
		"n100": fmt.Sprint(n100), "memo": "日间调剂"}
}

// TestVaultCash: 3104 tops up an open box from the vault and returns part
// of it during the day, the box staying open; the vault keeper must
// confirm; a box not opened today (3101) or already balanced is sent to
// 3101 or 3102; neither side can go below zero; a reversal puts the cash
// back. The books balance throughout.
func TestVaultCash(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		start := e.books(t)
		// No box today yet: 3104 does not open one.
		e.refusedAt(t, "vault_cash", nil, vaultCash("request", 10), "E_VAULT_BOX_NOT_OPEN", "")
		e.must(t, "cashbox_allocate", T1, nil, allocate("1000", 10))
		vault, box := e.glBalance(t, "VAULT-0101"), e.box(t, T1)

		// The keeper must confirm, and be the one named.
		req := ledger.Request{Txn: "vault_cash", Values: vaultCash("request", 50), Teller: T1, Terminal: "T-01", Key: key()}
		if _, err := e.exec.Submit(context.Background(), req); ledger.CodeOf(err) != "E_COUNTERPART_REQUIRED" {
			t.Fatalf("without the keeper: %v", err)
		}
		req.Key, req.Counterpart = key(), sup()
		if _, err := e.exec.Submit(context.Background(), req); ledger.CodeOf(err) != "E_COUNTERPART_MISMATCH" {
			t.Fatalf("confirmed by another: %v", err)
		}

		r := e.must(t, "vault_cash", T1, nil, vaultCash("request", 50))
		if got := e.box(t, T1); got.Balance != box.Balance+500000 || got.CashIn != box.CashIn+500000 || got.CashOut != box.CashOut {
			t.Fatalf("box after a request %+v, was %+v", got, box)
		}
		if v := e.glBalance(t, "VAULT-0101"); v != vault-500000 {
			t.Fatalf("vault %d after a request, was %d", v, vault)
		}
		if r.Values["box_balance"] != money.Fen(box.Balance+500000) || r.Values["keeper_name"] == "" || r.Values["vault_balance"] != money.Fen(vault-500000) {
			t.Fatalf("returned %v", r.Values)
		}

		ret := e.must(t, "vault_cash", T1, nil, vaultCash("return", 20))
		got := e.box(t, T1)
		if got.Balance != box.Balance+300000 || got.CashOut != box.CashOut+200000 {
			t.Fatalf("box after a return %+v, was %+v", got, box)
		}
		if v := e.glBalance(t, "VAULT-0101"); v != vault-300000 {
			t.Fatalf("vault %d after a return, was %d", v, vault)
		}
		var status string
		db := e.store.DB()
		if err := db.Get(&status, db.Rebind(`SELECT status FROM cash_boxes WHERE teller = ? AND business_date = ?`), T1, bizDate); err != nil || status != "open" {
			t.Fatalf("box %q after a partial return (%v), want open", status, err)
		}

		// Refusals, each at its field, nothing moved.
		e.refusedAt(t, "vault_cash", nil, vaultCash("return", 1000), "E_BOX_INSUFFICIENT", "amount")
		e.refusedAt(t, "vault_cash", nil, vaultCash("request", vault/10000+1), "E_VAULT_INSUFFICIENT", "amount")
		e.refusedAt(t, "vault_cash", nil, vaultCash("lend", 1), "E_VAULT_DIRECTION", "direction")
		bad := vaultCash("request", 1)
		bad["n100"] = "2"
		e.refusedAt(t, "vault_cash", nil, bad, "E_DENOMINATIONS", "amount")
		self := vaultCash("request", 1)
		self["handover_id"] = T1
		e.refusedAt(t, "vault_cash", nil, self, "E_VAULT_KEEPER", "handover_id")
		other := vaultCash("request", 1)
		other["handover_id"] = "010201" // a teller of branch 0102
		e.refusedAt(t, "vault_cash", nil, other, "E_VAULT_KEEPER", "handover_id")
		if b := e.box(t, T1); b != got {
			t.Fatalf("box %+v after refusals, was %+v", b, got)
		}

		// A reversal (supervisor) undoes the return: the cash back in the box.
		e.must(t, "reversal", T1, sup(), map[string]any{"orig_serial": ret.Serial, "orig_date": bizDate, "reason": "上缴金额有误"})
		if b := e.box(t, T1); b.Balance != box.Balance+500000 {
			t.Fatalf("box after reversing the return %+v", b)
		}
		if v := e.glBalance(t, "VAULT-0101"); v != vault-500000 {
			t.Fatalf("vault %d after reversing the return", v)
		}

		// A balanced box is handed in with 3102, not 3104.
		bal := e.box(t, T1).Balance
		e.must(t, "day_end_balance", T1, nil, map[string]any{"n100": fmt.Sprint(bal / 10000), "f1": fmt.Sprint(bal % 10000)})
		e.refusedAt(t, "vault_cash", nil, vaultCash("return", 1), "E_VAULT_BOX_NOT_OPEN", "")
		if end := e.books(t); end.Net() != 0 || end.Cash != start.Cash || end.Equity != start.Equity {
			t.Fatalf("books %+v after %+v", end, start)
		}
	})
}

// TestVaultDayEndVouchers: day-end (3901) counts the box's unused
// vouchers with the cash: a count that differs from the books refuses the
// balancing at the count, the right count or none (the form warns) is
// accepted, and the posting returns the lines the day-end receipt prints,
// one per kind with its serial range.
func TestVaultDayEndVouchers(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.must(t, "cashbox_allocate", T1, nil, allocate("100", 1))
		all := 4 * ledger.DemoBoxVouchers
		vals := map[string]any{"n100": "1", "voucher_counted": fmt.Sprint(all - 1)}
		e.refusedAt(t, "day_end_balance", nil, vals, "E_VOUCHER_COUNT", "voucher_counted")
		if b := e.box(t, T1); b.Balance != 10000 {
			t.Fatalf("box %+v after a refused count", b)
		}
		vals["voucher_counted"] = fmt.Sprint(all)
		r := e.must(t, "day_end_balance", T1, nil, vals)
		if r.Values["box_vouchers"] != int64(all) {
			t.Fatalf("box_vouchers %v, want %d", r.Values["box_vouchers"], all)
		}
		lines, _ := r.Values["voucher_lines"].(string)
		first := ledger.DemoVoucherBase("0101") + 1
		want := fmt.Sprintf(".cols 存单 Certificate|%d|%d-%d", ledger.DemoBoxVouchers, first, first+ledger.DemoBoxVouchers-1)
		if n := strings.Count(lines, "\n") + 1; n != 4 || !strings.Contains(lines, want) {
			t.Fatalf("voucher lines (%d):\n%s\nwant 4 lines with %q", n, lines, want)
		}
		// Another teller's box, not counted: accepted, the form warned.
		e.must(t, "day_end_balance", T2, nil, map[string]any{})
	})
}

// TestVaultStatement: 1406 prints an account's postings between two dates
// with the running balance from the opening balance, counts the print in
// the journal, and refuses a period of more than 50 entries at the first
// date and dates the wrong way round or in the future at the last.
func TestVaultStatement(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.must(t, "cashbox_allocate", T1, nil, allocate("1000", 10))
		// The demo seed's opening deposit is the day's first entry.
		seeded := e.balance(t, A1)
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1234.56", "memo": "工资"})
		e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": "200.05"})
		vals := map[string]any{"account": A1, "from_date": bizDate, "to_date": bizDate}
		r := e.must(t, "statement_print", T1, nil, vals)
		closing := seeded + 123456 - 20005
		if r.Values["opening_balance"] != money.Fen(0) || r.Values["closing_balance"] != money.Fen(closing) ||
			r.Values["row_count"] != int64(3) || r.Values["credits"] != money.Fen(seeded+123456) || r.Values["debits"] != money.Fen(20005) {
			t.Fatalf("returned %v, seeded %d", r.Values, seeded)
		}
		rows := r.Rows["statement_rows"]
		if len(rows) != 3 || fmt.Sprint(rows[1]["code"]) != "1401" || fmt.Sprint(rows[2]["code"]) != "1402" {
			t.Fatalf("rows %v", rows)
		}
		if fmt.Sprint(rows[2]["balance"]) != fmt.Sprint(closing) && fmt.Sprint(rows[2]["balance"]) != money.Fen(closing).String() {
			t.Fatalf("running balance %v, want %d", rows[2]["balance"], closing)
		}
		lines, _ := r.Values["statement_lines"].(string)
		want := fmt.Sprintf(".cols %s 1402|-200.05|%s\n", bizDate, money.Fen(closing).String())
		if !strings.HasSuffix(lines+"\n", want) || !strings.Contains(lines, "|1234.56|") {
			t.Fatalf("lines:\n%s\nwant them to end with %q", lines, want)
		}
		var n int
		db := e.store.DB()
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM journal WHERE txn_code = '1406' AND account = ? AND amount = 0`), A1); err != nil || n != 1 {
			t.Fatalf("%d journal rows of the print (%v)", n, err)
		}

		// An earlier period: nothing, the balance before the seed's deposit.
		r = e.must(t, "statement_print", T1, nil, map[string]any{"account": A1, "from_date": "2026-11-01", "to_date": "2026-11-22"})
		if r.Values["row_count"] != int64(0) || r.Values["closing_balance"] != money.Fen(0) || r.Rows["statement_rows"] != nil && len(r.Rows["statement_rows"]) != 0 {
			t.Fatalf("earlier period %v", r.Values)
		}

		e.refusedAt(t, "statement_print", nil, map[string]any{"account": A1, "from_date": bizDate, "to_date": "2026-11-22"}, "E_STATEMENT_DATES", "to_date")
		e.refusedAt(t, "statement_print", nil, map[string]any{"account": A1, "from_date": bizDate, "to_date": "2026-11-24"}, "E_STATEMENT_DATES", "to_date")
		e.refusedAt(t, "statement_print", nil, map[string]any{"account": "6200000000000000", "from_date": bizDate, "to_date": bizDate}, "E_ACCOUNT_UNKNOWN", "account")
		for i := 0; i < 47; i++ {
			e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1.00"})
		}
		if r := e.must(t, "statement_print", T1, nil, vals); r.Values["row_count"] != int64(50) {
			t.Fatalf("50 entries: %v", r.Values["row_count"])
		}
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1.00"})
		e.refusedAt(t, "statement_print", nil, vals, "E_STATEMENT_TOO_MANY", "from_date")
	})
}

// TestVaultReservation: 1407 books a cash withdrawal of 50,000 yuan or
// more for a later business day, once per account and day, cancels it,
// and on that day the withdrawal form's lookup finds the booking.
func TestVaultReservation(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		next := "2026-11-24"
		vals := map[string]any{"account": A1, "amount": "60000.00", "withdraw_on": next, "phone": "13800001111"}
		r := e.must(t, "cash_reservation", T1, nil, vals)
		if r.Values["acct_name"] == "" {
			t.Fatalf("returned %v", r.Values)
		}
		var booked struct {
			Amount int64  `db:"amount"`
			By     string `db:"booked_by"`
			On     string `db:"booked_on"`
		}
		db := e.store.DB()
		if err := db.Get(&booked, db.Rebind(`SELECT amount, booked_by, booked_on FROM cash_reservations WHERE id = ? AND account = ? AND withdraw_on = ?`), r.Serial, A1, next); err != nil {
			t.Fatal(err)
		}
		if booked.Amount != 6000000 || booked.By != T1 || booked.On != bizDate {
			t.Fatalf("booked %+v", booked)
		}
		e.refusedAt(t, "cash_reservation", nil, vals, "E_RESERVATION_EXISTS", "withdraw_on")
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"account": A2, "amount": "49999.99", "withdraw_on": next}, "E_RESERVATION_AMOUNT", "amount")
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"account": A2, "amount": "50000.00", "withdraw_on": bizDate}, "E_RESERVATION_DATE", "withdraw_on")
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"account": "6200000000000000", "amount": "50000.00", "withdraw_on": next}, "E_ACCOUNT_UNKNOWN", "account")
		if _, err := db.Exec(db.Rebind(`UPDATE accounts SET status = 'closed' WHERE number = ?`), A3); err != nil {
			t.Fatal(err)
		}
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"account": A3, "amount": "50000.00", "withdraw_on": next}, "E_RESERVATION_ACCOUNT", "account")

		// Cancelled before the day, it can be booked again (another amount).
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"action": "cancel", "account": A2, "withdraw_on": next}, "E_RESERVATION_NONE", "withdraw_on")
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"action": "lend", "account": A1, "withdraw_on": next}, "E_RESERVATION_ACTION", "action")
		c := e.must(t, "cash_reservation", T1, nil, map[string]any{"action": "cancel", "account": A1, "withdraw_on": next})
		if c.Values["reserved_amount"] != money.Fen(6000000) || c.Values["booking_no"] != r.Serial {
			t.Fatalf("cancel returned %v", c.Values)
		}
		var status, cancel string
		if err := db.QueryRowx(db.Rebind(`SELECT status, cancel_serial FROM cash_reservations WHERE id = ?`), r.Serial).Scan(&status, &cancel); err != nil || status != "cancelled" || cancel != c.Serial {
			t.Fatalf("after the cancel: %s %s (%v)", status, cancel, err)
		}
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"action": "cancel", "account": A1, "withdraw_on": next}, "E_RESERVATION_NONE", "withdraw_on")
		e.must(t, "cash_reservation", T1, nil, map[string]any{"action": "book", "account": A1, "amount": "70000.00", "withdraw_on": next})

		lookup := func(acct string) any {
			t.Helper()
			res, err := e.exec.Lookup(ctx, ledger.Request{Txn: "reservation_lookup", Values: map[string]any{"account": acct}, Teller: T1, Terminal: "T-01"})
			if err != nil {
				t.Fatal(err)
			}
			return res.Values["reserved_amount"]
		}
		if got := lookup(A1); got != money.Fen(0) {
			t.Fatalf("reserved today (for tomorrow) %v, want 0", got)
		}
		if got := lookup(ledger.DemoReservedAccount); got != money.Fen(ledger.DemoReservedAmount) {
			t.Fatalf("the demo reservation %v, want %d", got, ledger.DemoReservedAmount)
		}
		if d, err := e.store.CloseDay(ctx, "0101", "test"); err != nil || d != next {
			t.Fatalf("closed to %q: %v", d, err)
		}
		if got := lookup(A1); got != money.Fen(7000000) {
			t.Fatalf("reserved on the day %v, want the new booking's 70,000.00", got)
		}
		if got := lookup(A2); got != money.Fen(0) {
			t.Fatalf("another account's reservation %v", got)
		}
	})
}
