package ledger_test

import (
	"context"
	"testing"

	"guitai/ledger"
	"guitai/money"
)

// reservationRow is a large-cash reservation (1407) as the ledger holds it.
type reservationRow struct {
	Status     string `db:"status"`
	UsedSerial string `db:"used_serial"`
	Version    int64  `db:"version"`
}

func (e *env) reservation(t *testing.T, id string) reservationRow {
	t.Helper()
	var r reservationRow
	db := e.store.DB()
	if err := db.Get(&r, db.Rebind(`SELECT status, used_serial, version FROM cash_reservations WHERE id = ?`), id); err != nil {
		t.Fatalf("reservation %s: %v", id, err)
	}
	return r
}

// reservedToday is what reservation_lookup (the 1402 form's) shows for acct.
func (e *env) reservedToday(t *testing.T, acct string) any {
	t.Helper()
	res, err := e.exec.Lookup(context.Background(), ledger.Request{Txn: "reservation_lookup", Values: map[string]any{"account": acct}, Teller: T1, Terminal: "T-01"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Values["reserved_amount"]
}

// TestWithdrawalUsesReservation: a cash withdrawal (1402) of an account
// with a large-cash reservation (1407) booked for the business date, of
// at most the amount booked, marks it used by its serial, so a second
// withdrawal finds none; a withdrawal above the amount booked, or without
// a reservation, posts as before and uses none; a reservation of another
// day stays booked; reversing the withdrawal (1901) books the reservation
// again, and a later withdrawal uses it anew. A used reservation cannot
// be cancelled.
func TestWithdrawalUsesReservation(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		acct, seeded := ledger.DemoReservedAccount, ledger.DemoReservation
		e.must(t, "cashbox_allocate", T1, nil, allocate("300000", 3000))
		if got := e.reservedToday(t, acct); got != money.Fen(ledger.DemoReservedAmount) {
			t.Fatalf("the demo reservation %v", got)
		}
		tomorrow := e.must(t, "cash_reservation", T1, nil, map[string]any{"action": "book", "account": acct, "amount": "60000.00", "withdraw_on": "2026-11-24"})
		withdraw := func(amount string, auth *ledger.Credentials) *ledger.Result {
			t.Helper()
			return e.must(t, "cash_withdrawal", T1, auth, map[string]any{"account": acct, "amount": amount})
		}

		// Above the amount booked: posted, the reservation left as it is.
		over := withdraw("80000.01", sup())
		if over.Values["reservation_no"] != nil || e.reservation(t, seeded) != (reservationRow{Status: "booked"}) {
			t.Fatalf("a withdrawal above the reservation: %v, reservation %+v", over.Values, e.reservation(t, seeded))
		}
		// Another account's withdrawal uses none.
		if r := e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": "100.00"}); r.Values["reservation_no"] != nil {
			t.Fatalf("a withdrawal without a reservation returned %v", r.Values)
		}

		used := withdraw("80000.00", sup())
		if used.Values["reservation_no"] != seeded {
			t.Fatalf("the withdrawal of the amount booked returned %v", used.Values)
		}
		if r := e.reservation(t, seeded); r.Status != "used" || r.UsedSerial != used.Serial {
			t.Fatalf("reservation after the withdrawal %+v, want used by %s", r, used.Serial)
		}
		if got := e.reservedToday(t, acct); got != money.Fen(0) {
			t.Fatalf("the 1402 form still shows a reservation of %v", got)
		}
		if r := e.reservation(t, tomorrow.Serial); r.Status != "booked" || r.UsedSerial != "" {
			t.Fatalf("tomorrow's reservation %+v", r)
		}
		// Used once only: the next withdrawal of the day finds none.
		again := withdraw("100.00", nil)
		if again.Values["reservation_no"] != nil || e.reservation(t, seeded).UsedSerial != used.Serial {
			t.Fatalf("a second withdrawal %v, reservation %+v", again.Values, e.reservation(t, seeded))
		}
		e.refusedAt(t, "cash_reservation", nil, map[string]any{"action": "cancel", "account": acct, "withdraw_on": bizDate}, "E_RESERVATION_NONE", "withdraw_on")

		// Reversing a withdrawal that used none leaves it used.
		e.must(t, "reversal", T1, sup(), map[string]any{"orig_serial": again.Serial, "orig_date": bizDate, "reason": "录入错误"})
		if r := e.reservation(t, seeded); r.Status != "used" || r.UsedSerial != used.Serial {
			t.Fatalf("reservation after reversing %s: %+v", again.Serial, r)
		}
		// Reversing the one that used it books it again.
		e.must(t, "reversal", T1, sup(), map[string]any{"orig_serial": used.Serial, "orig_date": bizDate, "reason": "录入错误"})
		if r := e.reservation(t, seeded); r.Status != "booked" || r.UsedSerial != "" {
			t.Fatalf("reservation after reversing %s: %+v", used.Serial, r)
		}
		if got := e.reservedToday(t, acct); got != money.Fen(ledger.DemoReservedAmount) {
			t.Fatalf("the 1402 form shows %v after the reversal", got)
		}
		anew := withdraw("50000.00", nil)
		if r := e.reservation(t, seeded); anew.Values["reservation_no"] != seeded || r.Status != "used" || r.UsedSerial != anew.Serial {
			t.Fatalf("withdrawal after the reversal %v, reservation %+v", anew.Values, r)
		}
		if r := e.reservation(t, tomorrow.Serial); r.Status != "booked" {
			t.Fatalf("tomorrow's reservation %+v", r)
		}
		e.books(t)
	})
}
