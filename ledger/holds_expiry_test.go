package ledger_test

import (
	"context"
	"testing"

	"guitai/ledger"
)

// TestDayEndExpiresHolds: day-end ends the holds whose expiry date has
// come, and the freeze waiting (轮候) behind an expired whole-account
// freeze takes effect on the next day; a hold still in its term stays.
func TestDayEndExpiresHolds(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := ledger.AccountNumber("0101", 231)
		p := ledger.AccountNumber("0101", 232)
		freeze := func(vals map[string]any) string {
			t.Helper()
			v := map[string]any{"action": "freeze", "authority": ledger.DemoFreezeAuthority, "document_no": "（2026）京0101执保12号",
				"officer1": "王立新", "officer1_id": "京法0101023", "officer2": "赵敏", "officer2_id": "京法0101077"}
			for k, x := range vals {
				v[k] = x
			}
			return e.must(t, "freeze", T1, sup(), v).Serial
		}
		status := func(id string) (st, start string) {
			t.Helper()
			db := e.store.DB()
			if err := db.QueryRow(db.Rebind(`SELECT status, start_date FROM holds WHERE id = ?`), id).Scan(&st, &start); err != nil {
				t.Fatal(err)
			}
			return st, start
		}
		first := freeze(map[string]any{"account": f, "kind": "judicial_freeze", "scope": "full", "expiry_date": "2026-11-24"})
		waiting := freeze(map[string]any{"account": f, "kind": "admin_freeze", "scope": "full", "authority": "北京市公安局东城分局",
			"document_no": "京公东冻字〔2026〕40号", "expiry_date": "2027-05-01"})
		partial := freeze(map[string]any{"account": p, "kind": "judicial_freeze", "scope": "partial", "freeze_amount": "10.00",
			"expiry_date": "2026-11-24"})

		// 2026-11-23 closes: every hold is still in its term.
		if next, err := e.store.CloseDay(ctx, "0101", "test"); err != nil || next != "2026-11-24" {
			t.Fatalf("first day-end: %s %v", next, err)
		}
		for _, id := range []string{first, partial} {
			if st, _ := status(id); st != "active" {
				t.Fatalf("hold %s is %s on its last day", id, st)
			}
		}
		if st, _ := status(waiting); st != "waiting" {
			t.Fatalf("the waiting freeze is %s", st)
		}

		// 2026-11-24, their last day, closes: they end, the waiting one starts.
		if next, err := e.store.CloseDay(ctx, "0101", "test"); err != nil || next != "2026-11-25" {
			t.Fatalf("second day-end: %s %v", next, err)
		}
		for _, id := range []string{first, partial} {
			if st, _ := status(id); st != "expired" {
				t.Fatalf("hold %s is %s after its expiry date", id, st)
			}
		}
		if st, start := status(waiting); st != "active" || start != "2026-11-25" {
			t.Fatalf("the waiting freeze is %s from %q, want active from 2026-11-25", st, start)
		}
		if _, err := e.post("cash_withdrawal", T1, nil, map[string]any{"account": f, "amount": "0.01"}); ledger.CodeOf(err) != "E_ACCOUNT_HELD" {
			t.Fatalf("withdrawal under the freeze that took effect: %v", err)
		}
	})
}
