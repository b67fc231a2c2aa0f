package ledger_test

import (
	"context"
	"testing"
	"time"

	"guitai/ledger"
)

// TestBusinessDay: a branch's day is opened by its first sign-on of a
// later calendar day in China (UTC+8), but not while a box of the old day
// still holds cash; day-end (CloseDay) is refused then, and otherwise
// moves the branch to the next day. Both are in the audit log.
func TestBusinessDay(t *testing.T) {
	ctx := context.Background()
	eachDB(t, func(t *testing.T, e *env) {
		// The next morning in Beijing (00:30 UTC is 08:30 in UTC+8).
		next := time.Date(2026, 11, 24, 0, 30, 0, 0, time.UTC)
		s, err := ledger.Open(ctx, e.dsn, ledger.Options{PasswordIterations: 1000, Now: func() time.Time { return next }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		date := func() string {
			t.Helper()
			d, err := s.BusinessDate(ctx, "0101")
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		// A box of 2026-11-23 with cash in it keeps the branch on that day.
		x := e.exec
		if _, err := x.Submit(ctx, ledger.Request{Txn: "cashbox_allocate", Teller: T1, Terminal: "T-01", Key: "day-alloc",
			Values: map[string]any{"amount": "100", "handover_id": T2, "n100": "1"}, Counterpart: t2()}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignOn(ctx, T2, ledger.DemoPassword, "T-02"); err != nil {
			t.Fatal(err)
		}
		if got := date(); got != bizDate {
			t.Fatalf("opened %s while a box of %s holds cash", got, bizDate)
		}
		if _, err := s.CloseDay(ctx, "0101", "test"); ledger.CodeOf(err) != "E_DAY_OPEN" {
			t.Fatalf("closed a day with a box open: %v", err)
		}
		// Handed in and balanced: the day closes and the branch moves on.
		if _, err := x.Submit(ctx, ledger.Request{Txn: "cashbox_settle", Teller: T1, Terminal: "T-01", Key: "day-settle",
			Values: map[string]any{"amount": "100", "handover_id": T2, "n100": "1"}, Counterpart: t2()}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CloseDay(ctx, "0101", "test"); ledger.CodeOf(err) != "E_DAY_OPEN" {
			t.Fatalf("closed a day whose box moved cash and was not balanced: %v", err)
		}
		if _, err := x.Submit(ctx, ledger.Request{Txn: "day_end_balance", Teller: T1, Terminal: "T-01", Key: "day-end",
			Values: map[string]any{}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.CloseDay(ctx, "0101", "test")
		if err != nil || got != "2026-11-24" || date() != "2026-11-24" {
			t.Fatalf("closed to %q (%v), branch on %s", got, err, date())
		}
		// Branch 0102 had nothing open: its first sign-on opens today.
		if _, err := s.SignOn(ctx, "010201", ledger.DemoPassword, "T-03"); err != nil {
			t.Fatal(err)
		}
		if d, _ := s.BusinessDate(ctx, "0102"); d != "2026-11-24" {
			t.Errorf("branch 0102 on %s after its first sign-on of 2026-11-24", d)
		}
		for _, action := range []string{"day_open", "day_close"} {
			var n int
			if err := s.DB().Get(&n, s.DB().Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = ?`), action); err != nil || n != 1 {
				t.Errorf("%d %s audit records (%v)", n, action, err)
			}
		}
	})
}

// pinnedNow is the clock of the tests' ledgers: 2026-11-23 (bizDate) in
// Beijing.
func pinnedNow() time.Time { return time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) }
