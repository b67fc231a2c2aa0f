package ledger_test

import (
	"fmt"
	"sync"
	"testing"

	"guitai/ledger"
	"guitai/money"
)

// item is an over_short_items row.
type item struct {
	Kind        string `db:"kind"`
	Amount      int64  `db:"amount"`
	Outstanding int64  `db:"outstanding"`
	LastSerial  string `db:"last_serial"`
}

func (e *env) item(t *testing.T, serial string) item {
	t.Helper()
	var it item
	db := e.store.DB()
	if err := db.Get(&it, db.Rebind(`SELECT kind, amount, outstanding, last_serial FROM over_short_items WHERE serial = ?`), serial); err != nil {
		t.Fatalf("item %s: %v", serial, err)
	}
	return it
}

// glOr0 is a GL book's balance, 0 while the book does not exist.
func (e *env) glOr0(t *testing.T, code string) int64 {
	t.Helper()
	var v int64
	db := e.store.DB()
	if err := db.Get(&v, db.Rebind(`SELECT COALESCE(SUM(balance), 0) FROM gl_books WHERE code = ?`), code); err != nil {
		t.Fatal(err)
	}
	return v
}

func clearing(item, action, amount string) map[string]any {
	return map[string]any{"item": item, "action": action, "amount": amount, "reason": "长短款核实处理"}
}

// demoItem is the serial of the demo's outstanding overage.
func (e *env) demoItem(t *testing.T) string {
	t.Helper()
	var serial string
	db := e.store.DB()
	if err := db.Get(&serial, `SELECT serial FROM over_short_items WHERE kind = 'over' AND outstanding > 0 ORDER BY serial LIMIT 1`); err != nil {
		t.Fatalf("no demo overage: %v", err)
	}
	return serial
}

// TestOverShortClear: 3108 clears what 3106 booked to suspense, by its
// serial: an overage to the branch's income or back to the customer in
// cash, a shortage recovered from the teller in cash or written off to
// the branch's losses. Every clearing takes a supervisor (the ledger's
// policy); none clears more than is outstanding, an item cleared in full
// is refused, an overage is not recovered nor a shortage taken to income;
// cash goes through the teller's box. The demo seed holds an outstanding
// overage. The clearings show in the journal query and the day's summary,
// and the books balance throughout.
func TestOverShortClear(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		start := e.books(t)
		demo := e.demoItem(t)
		if it := e.item(t, demo); it.Kind != "over" || it.Amount != ledger.DemoOverage || it.Outstanding != ledger.DemoOverage {
			t.Fatalf("demo item %+v", it)
		}
		susp := e.glBalance(t, "SUSP-0101")

		// Refusals, each at its field; nothing moves.
		e.refusedAt(t, "over_short_clear", nil, clearing(demo, "income", "30.00"), "E_AUTH_REQUIRED", "authorizer")
		e.refusedAt(t, "over_short_clear", sup(), clearing("202611230101999999", "income", "30.00"), "E_OVER_SHORT_ITEM", "item")
		e.refusedAt(t, "over_short_clear", sup(), clearing(demo, "recover", "30.00"), "E_OVER_SHORT_CLEAR_ACTION", "action")
		e.refusedAt(t, "over_short_clear", sup(), clearing(demo, "writeoff", "30.00"), "E_OVER_SHORT_CLEAR_ACTION", "action")
		e.refusedAt(t, "over_short_clear", sup(), clearing(demo, "income", "50.01"), "E_OVER_SHORT_EXCEEDS", "amount")
		short := clearing(demo, "income", "30.00")
		short["reason"] = "无"
		e.refusedAt(t, "over_short_clear", sup(), short, "E_OVER_SHORT_REASON", "reason")
		// A refund is cash out of the teller's box: none in it yet.
		e.refusedAt(t, "over_short_clear", sup(), clearing(demo, "refund", "20.00"), "E_BOX_INSUFFICIENT", "amount")
		if it := e.item(t, demo); it.Outstanding != ledger.DemoOverage || e.glBalance(t, "SUSP-0101") != susp {
			t.Fatalf("after refusals: item %+v, suspense %d", it, e.glBalance(t, "SUSP-0101"))
		}

		// 30.00 of the overage unclaimed: to income.
		r := e.must(t, "over_short_clear", T1, sup(), clearing(demo, "income", "30.00"))
		if r.Authorizer != SUP || r.Values["outstanding_amount"] != money.Fen(2000) || r.Values["suspense_balance"] != money.Fen(susp+3000) {
			t.Fatalf("income: %+v", r)
		}
		if it := e.item(t, demo); it.Outstanding != 2000 || it.LastSerial != r.Serial {
			t.Fatalf("item after income %+v", it)
		}
		if inc := e.glBalance(t, "INCOME-0101"); inc != 3000 {
			t.Fatalf("income book %d, want 3000", inc)
		}
		// The customer claims the rest: cash out of the box.
		e.must(t, "cashbox_allocate", T1, nil, allocate("1000", 10))
		box := e.box(t, T1)
		e.refusedAt(t, "over_short_clear", sup(), clearing(demo, "refund", "20.01"), "E_OVER_SHORT_EXCEEDS", "amount")
		e.must(t, "over_short_clear", T1, sup(), clearing(demo, "refund", "20.00"))
		if b := e.box(t, T1); b.Balance != box.Balance-2000 || b.CashOut != box.CashOut+2000 || b.OverShort != box.OverShort {
			t.Fatalf("box after a refund %+v, was %+v", b, box)
		}
		if it := e.item(t, demo); it.Outstanding != 0 {
			t.Fatalf("item after the refund %+v", it)
		}
		if s := e.glBalance(t, "SUSP-0101"); s != susp+ledger.DemoOverage {
			t.Fatalf("suspense %d after clearing the overage, was %d", s, susp)
		}
		// Cleared in full: not again.
		e.refusedAt(t, "over_short_clear", sup(), clearing(demo, "income", "0.01"), "E_OVER_SHORT_CLEARED", "item")

		// A shortage: 5.00 paid by the teller, 7.00 written off.
		s := e.must(t, "cash_over_short", T1, sup(), map[string]any{"action": "short", "amount": "12.00", "reason": "点钞差错短款"})
		if it := e.item(t, s.Serial); it.Kind != "short" || it.Amount != 1200 || it.Outstanding != 1200 {
			t.Fatalf("3106 item %+v", it)
		}
		e.refusedAt(t, "over_short_clear", sup(), clearing(s.Serial, "income", "5.00"), "E_OVER_SHORT_CLEAR_ACTION", "action")
		box, susp = e.box(t, T1), e.glBalance(t, "SUSP-0101")
		e.must(t, "over_short_clear", T1, sup(), clearing(s.Serial, "recover", "5.00"))
		if b := e.box(t, T1); b.Balance != box.Balance+500 || b.CashIn != box.CashIn+500 {
			t.Fatalf("box after a recovery %+v, was %+v", b, box)
		}
		e.refusedAt(t, "over_short_clear", nil, clearing(s.Serial, "writeoff", "7.00"), "E_AUTH_REQUIRED", "authorizer")
		w := e.must(t, "over_short_clear", T1, sup(), clearing(s.Serial, "writeoff", "7.00"))
		if w.Authorizer != SUP {
			t.Fatalf("write-off authorized by %q", w.Authorizer)
		}
		if loss := e.glBalance(t, "LOSS-0101"); loss != -700 {
			t.Fatalf("loss book %d, want -700", loss)
		}
		if v := e.glBalance(t, "SUSP-0101"); v != susp-1200 {
			t.Fatalf("suspense %d after clearing the shortage, was %d", v, susp)
		}
		e.refusedAt(t, "over_short_clear", sup(), clearing(s.Serial, "writeoff", "0.01"), "E_OVER_SHORT_CLEARED", "item")

		// Two clearings of one item at once: one wins, the other is
		// refused, never cleared twice.
		o := e.must(t, "cash_over_short", T1, sup(), map[string]any{"action": "over", "amount": "10.00", "reason": "客户多付未取回"})
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.post("over_short_clear", T1, sup(), clearing(o.Serial, "income", "10.00"))
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch ledger.CodeOf(err) {
			case "":
				if err != nil {
					t.Fatal(err)
				}
				won++
			case "E_OVER_SHORT_CLEARED", "E_OVER_SHORT_EXCEEDS":
			default:
				t.Fatalf("concurrent clearing: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d concurrent clearings of one item posted, want 1", won)
		}
		if it := e.item(t, o.Serial); it.Outstanding != 0 {
			t.Fatalf("item after concurrent clearings %+v", it)
		}
		if inc := e.glBalance(t, "INCOME-0101"); inc != 3000+1000 {
			t.Fatalf("income book %d after the concurrent clearings", inc)
		}

		// The journal query and the day's summary show the clearings.
		q := e.must(t, "journal_query", T1, nil, map[string]any{"date_from": bizDate, "date_to": bizDate, "txn_code": "3108"})
		if n := len(q.Rows["journal_rows"]); n != 5 {
			t.Fatalf("journal query of 3108: %d rows, want 5: %v", n, q.Rows["journal_rows"])
		}
		sum := e.must(t, "cashbox_summary", T1, nil, nil)
		found := false
		for _, row := range sum.Rows["summary_rows"] {
			if fmt.Sprint(row["code"]) == "3108" {
				found = true
				if c := fmt.Sprint(row["count"]); c != "5" {
					t.Errorf("day summary 3108 count %s, want 5", c)
				}
			}
		}
		if !found {
			t.Errorf("day summary has no 3108 row: %v", sum.Rows["summary_rows"])
		}
		end := e.books(t)
		if end.Equity != start.Equity+3000+1000-700 {
			t.Fatalf("equity %d, was %d", end.Equity, start.Equity)
		}
	})
}

// TestMigration00017: a ledger from before migration 00017 with several
// class I accounts of one person and 3106 entries keeps them: the extra
// class I accounts are ranked (the index is made), the person opens no
// further class I account, and every 3106 entry becomes an item
// outstanding in full.
func TestMigration00017(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.must(t, "cashbox_allocate", T1, nil, allocate("1000", 10))
		over := e.must(t, "cash_over_short", T1, sup(), map[string]any{"action": "over", "amount": "3.00", "reason": "客户多付未取回"})
		short := e.must(t, "cash_over_short", T1, sup(), map[string]any{"action": "short", "amount": "4.00", "reason": "点钞差错短款"})
		db := e.store.DB()
		for _, q := range append(downTo(t, 16), `DELETE FROM goose_db_version WHERE version_id >= 17`,
			// Before the rule: every demo account class I.
			`UPDATE accounts SET class = 'I' WHERE class = 'II'`) {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(q, err)
			}
		}
		e.store.Close()
		e = openEnv(t, e.name, e.dsn, false)
		db = e.store.DB()
		var dup int
		if err := db.Get(&dup, `SELECT COUNT(*) FROM accounts WHERE class = 'I' AND class_i_rank > 0`); err != nil || dup == 0 {
			t.Fatalf("%d ranked duplicates (%v), want some", dup, err)
		}
		var bad int
		if err := db.Get(&bad, `SELECT COUNT(*) FROM (SELECT customer_id FROM accounts WHERE class = 'I' AND status <> 'closed'
			AND product NOT IN ('term', 'notice') AND class_i_rank = 0 GROUP BY customer_id HAVING COUNT(*) > 1) x`); err != nil || bad != 0 {
			t.Fatalf("%d people with two rank-0 class I accounts (%v)", bad, err)
		}
		vals := openVals("林晓雯", ledger.DemoHolderID)
		e.refusedAt(t, "open_account", nil, vals, "E_CLASS_I_EXISTS", "idcard")
		if it := e.item(t, over.Serial); it.Kind != "over" || it.Outstanding != 300 {
			t.Fatalf("3106 over after the migration: %+v", it)
		}
		if it := e.item(t, short.Serial); it.Kind != "short" || it.Outstanding != 400 {
			t.Fatalf("3106 short after the migration: %+v", it)
		}
		e.must(t, "over_short_clear", T1, sup(), clearing(short.Serial, "recover", "4.00"))
		e.books(t)
	})
}

// openVals are 2101's values for a person of name and ID number id
// (1990-03-15, female, as the demo holder), no initial deposit.
func openVals(name, id string) map[string]any {
	return map[string]any{"cust_name": name, "idcard": id, "gender": "f", "birth_date": id[6:10] + "-" + id[10:12] + "-" + id[12:14],
		"phone": "13800003333", "occupation": "clerk", "address": "北京", "product": "demand"}
}

// TestDayEndDifferenceIsAnItem: a day-end balancing that counts less cash
// than the books books the shortage to suspense as an over/short item,
// which 3108 then clears like one of 3106's.
func TestDayEndDifferenceIsAnItem(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		susp := e.glBalance(t, "SUSP-0101")
		e.must(t, "cashbox_allocate", T1, nil, allocate("1000", 10))
		r := e.must(t, "day_end_balance", T1, sup(), map[string]any{"n100": "9", "diff_reason": "点钞差错短款"})
		if r.Values["over_short"] != money.Fen(-10000) {
			t.Fatalf("day end: %+v", r.Values)
		}
		if it := e.item(t, r.Serial); it.Kind != "short" || it.Amount != 10000 || it.Outstanding != 10000 {
			t.Fatalf("item of the day end: %+v", it)
		}
		if s := e.glBalance(t, "SUSP-0101"); s != susp+10000 {
			t.Fatalf("suspense %d after a shortage of 100.00, was %d", s, susp)
		}
		e.must(t, "over_short_clear", T1, sup(), clearing(r.Serial, "writeoff", "100.00"))
		if it := e.item(t, r.Serial); it.Outstanding != 0 {
			t.Fatalf("item after the write-off: %+v", it)
		}
		if s := e.glBalance(t, "SUSP-0101"); s != susp {
			t.Fatalf("suspense %d after the write-off, want %d", s, susp)
		}
		// A balanced day end makes no item.
		e.must(t, "cashbox_allocate", T2, nil, map[string]any{"amount": "1000", "handover_id": T1, "n100": "10"})
		r = e.must(t, "day_end_balance", T2, nil, map[string]any{"n100": "10"})
		var n int
		db := e.store.DB()
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM over_short_items WHERE serial = ?`), r.Serial); err != nil || n != 0 {
			t.Fatalf("a balanced day end made %d items (%v)", n, err)
		}
	})
}
