package ledger_test

import (
	"context"
	"testing"

	"guitai/ledger"
)

// TestPriorDayReversal: 1902 reverses yesterday's cash deposit today,
// under two supervisors, the cash paid back out of today's box; today's
// entries, a second reversal and a reversal short of cash in the box are
// refused, and the books stay balanced.
func TestPriorDayReversal(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sup2 := func() *ledger.Credentials { return &ledger.Credentials{ID: "010197", Password: ledger.DemoPassword} }
		reverse := func(auth, second *ledger.Credentials, vals map[string]any) (*ledger.Result, error) {
			return e.exec.Submit(ctx, ledger.Request{Txn: "prior_day_reversal", Values: vals, Teller: T1, Terminal: "T-01",
				Authorizer: auth, Second: second, Key: key()})
		}
		// Day 1: a cash deposit of 300.00 into A1, the box handed in, the
		// day closed.
		e.must(t, "cashbox_allocate", T1, nil, map[string]any{"amount": "100", "handover_id": T2, "n100": "1"})
		dep := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "300.00"})
		today := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "10.00"})
		if _, err := reverse(sup(), sup2(), map[string]any{"orig_serial": today.Serial, "orig_date": dep.BusinessDate, "reason": "录入错误"}); ledger.CodeOf(err) != "E_REVERSAL_SAME_DAY" {
			t.Fatalf("today's entry: %v", err)
		}
		e.must(t, "cashbox_settle", T1, nil, map[string]any{"amount": "410", "handover_id": T2, "n100": "4", "n10": "1"})
		e.must(t, "day_end_balance", T1, nil, map[string]any{})
		if _, err := e.store.CloseDay(ctx, "0101", "test"); err != nil {
			t.Fatal(err)
		}
		before, start := e.balance(t, A1), e.books(t)

		// Day 2: 200.00 in the box, too little to pay 300.00 back.
		e.must(t, "cashbox_allocate", T1, nil, map[string]any{"amount": "200", "handover_id": T2, "n100": "2"})
		vals := map[string]any{"orig_serial": dep.Serial, "orig_date": dep.BusinessDate, "reason": "客户要求撤销昨日存款"}
		refusals := []struct {
			name         string
			auth, second *ledger.Credentials
			code         ledger.Code
		}{
			{"one supervisor", sup(), nil, "E_AUTH_REQUIRED"},
			{"the same supervisor twice", sup(), sup(), "E_AUTH_DUPLICATE"},
			{"the box short of cash", sup(), sup2(), "E_BOX_INSUFFICIENT"},
		}
		for _, r := range refusals {
			if _, err := reverse(r.auth, r.second, vals); ledger.CodeOf(err) != r.code {
				t.Fatalf("%s: %v, want %s", r.name, err, r.code)
			}
		}
		e.must(t, "cashbox_allocate", T1, nil, map[string]any{"amount": "100", "handover_id": T2, "n100": "1"})
		res, err := reverse(sup(), sup2(), vals)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.balance(t, A1); got != before-30000 {
			t.Errorf("A1 %d after the reversal, want %d", got, before-30000)
		}
		if b := e.books(t); b.Customer != start.Customer-30000 || b.Cash != start.Cash-30000 {
			t.Errorf("books after the reversal: customer %s cash %s, before customer %s cash %s", b.Customer, b.Cash, start.Customer, start.Cash)
		}
		var reversedBy string
		db := e.store.DB()
		if err := db.Get(&reversedBy, db.Rebind(`SELECT reversed_by FROM journal WHERE serial = ?`), dep.Serial); err != nil || reversedBy != res.Serial {
			t.Errorf("original reversed by %q (%v), want %s", reversedBy, err, res.Serial)
		}
		var auths int
		if err := db.Get(&auths, db.Rebind(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action = 'authorization'`), res.Serial); err != nil || auths != 2 {
			t.Errorf("%d authorization records (%v), want 2", auths, err)
		}
		var box int64
		if err := db.Get(&box, db.Rebind(`SELECT balance FROM cash_boxes WHERE book = ? AND business_date = ?`), "BOX-"+T1, res.BusinessDate); err != nil || box != 0 {
			t.Errorf("today's box holds %d (%v), want 0: 300.00 paid out of 300.00", box, err)
		}
		if _, err := reverse(sup(), sup2(), vals); ledger.CodeOf(err) != "E_ALREADY_REVERSED" {
			t.Fatalf("second reversal: %v", err)
		}
	})
}
