package teller

import (
	"fmt"
	"strings"
	"testing"

	"guitai/ledger"
)

// TestSuspenseE2E runs 3108 (over_short_clear, 长短款销账) through the
// window: the demo's outstanding overage, shown when the form opens, goes
// to the branch's income with a supervisor; a second clearing of it is
// refused at the serial; a 3106 shortage is recovered from the teller in
// cash, a recovery beyond what is outstanding refused by the form first.
func TestSuspenseE2E(t *testing.T) {
	for _, tt := range suspenseE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

func init() { moduleE2ECases = append(moduleE2ECases, suspenseE2ECases...) }

var suspenseE2ECases = []e2eCase{
	{"3108 over/short cleared: overage to income, shortage recovered", overShortClearE2E},
}

// outstanding is what an over/short item still has to clear.
func (e *e2e) outstanding(serial string) int64 {
	e.t.Helper()
	var v int64
	if err := e.store.DB().Get(&v, e.store.DB().Rebind(`SELECT outstanding FROM over_short_items WHERE serial = ?`), serial); err != nil {
		e.t.Fatalf("item %s: %v", serial, err)
	}
	return v
}

func overShortClearE2E(t *testing.T, e *e2e) {
	var item string
	if err := e.store.DB().Get(&item, `SELECT serial FROM over_short_items WHERE kind = 'over' AND outstanding > 0 ORDER BY serial LIMIT 1`); err != nil {
		t.Fatalf("no outstanding overage on the demo ledger: %v", err)
	}
	susp := e.suspense()

	f := e.openCode("3108", "over_short_clear")
	if rows, _ := f.Scope.Get("item_rows"); !strings.Contains(fmt.Sprint(rows), item) {
		t.Errorf("outstanding items shown %v, want %s", rows, item)
	}
	e.typeIn(f, "item", item)
	if k, _ := f.Scope.Get("item_kind_name"); k != "长款 Over" {
		t.Errorf("kind of %s shown %v", item, k)
	}
	f.Scope.Set("action", "income")
	e.typeAll(f, "amount", "50", "reason", "长款无人认领转收入")
	o := e.submit(false)
	e.checkPosted(o, want{code: "3108", authorizer: "010199", amount: yuan("50"),
		receipt: []string{o.serial, item, "转营业外收入 To income", "50.00", "长款无人认领转收入", "010199"}})
	if v := e.outstanding(item); v != 0 {
		t.Errorf("item %s outstanding %d after clearing it", item, v)
	}
	if s := e.suspense(); s != susp+ledger.DemoOverage {
		t.Errorf("suspense %d, was %d", s, susp)
	}
	if n := e.count(`SELECT COUNT(*) FROM gl_books WHERE code = 'INCOME-0101' AND balance = ?`, ledger.DemoOverage); n != 1 {
		t.Errorf("income book does not hold the overage")
	}

	// Cleared in full: a second clearing is refused at the serial.
	f = e.openCode("3108", "over_short_clear")
	e.typeIn(f, "item", item)
	f.Scope.Set("action", "income")
	e.typeAll(f, "amount", "1", "reason", "重复处理试试")
	o = e.submit(false)
	e.checkRefused(o, f, "item", "E_OVER_SHORT_CLEARED")

	// A shortage of 12.00 (3106), recovered from the teller in cash.
	e.allocate(1000)
	short := e.post("cash_over_short", map[string]any{"action": "short", "amount": "12.00", "reason": "点钞差错短款"}, true)
	box := e.box()
	f = e.openCode("3108", "over_short_clear")
	e.typeIn(f, "item", short.Serial)
	if k, _ := f.Scope.Get("item_kind_name"); k != "短款 Short" {
		t.Errorf("kind of %s shown %v", short.Serial, k)
	}
	f.Scope.Set("action", "recover")
	e.typeAll(f, "amount", "13", "reason", "柜员赔补短款")
	o = e.submit(false)
	e.checkRefused(o, f, "amount", "")
	f.Field("amount").SetValue(nil)
	e.typeIn(f, "amount", "12")
	o = e.submit(false)
	e.checkPosted(o, want{code: "3108", authorizer: "010199", amount: yuan("12"),
		receipt: []string{o.serial, short.Serial, "柜员赔补 Recovered", "12.00"}})
	if b := e.box(); b.Balance != box.Balance+1200 || b.CashIn != box.CashIn+1200 {
		t.Errorf("box %+v after the recovery, was %+v", b, box)
	}
	if v := e.outstanding(short.Serial); v != 0 {
		t.Errorf("shortage %s outstanding %d after the recovery", short.Serial, v)
	}
}
