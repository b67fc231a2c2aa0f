package teller

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/dsl"
	"guitai/internal/eventually"
	"guitai/ledger"
)

// TestPriorDayReversalE2E runs 1902 隔日冲正 through the window.
func TestPriorDayReversalE2E(t *testing.T) {
	for _, tt := range reversalE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

func init() { moduleE2ECases = append(moduleE2ECases, reversalE2ECases...) }

var reversalE2ECases = []e2eCase{
	{"1902 previous-day reversal under two supervisors", priorDayReversalE2E},
}

// nextDay closes the branch's business day on the ledger (the box handed
// in, day-end balanced) and moves the window to the next one, as the
// next morning's sign-on would.
func (e *e2e) nextDay() string {
	e.t.Helper()
	ctx := context.Background()
	var box int64
	if err := e.store.DB().Get(&box, e.store.DB().Rebind(`SELECT balance FROM cash_boxes WHERE book = 'BOX-010101' AND business_date = ?`), e.date); err != nil {
		e.t.Fatal(err)
	}
	e.setups++
	if _, err := e.x.Submit(ctx, ledger.Request{Txn: "cashbox_settle", Teller: "010101", Terminal: "T01", Key: fmt.Sprintf("e2e-setup-%d", e.setups),
		Values:      map[string]any{"amount": fmt.Sprint(box / 100), "handover_id": "010102", "n1": fmt.Sprint(box / 100)},
		Counterpart: &ledger.Credentials{ID: "010102", Password: ledger.DemoPassword}}); err != nil {
		e.t.Fatalf("hand-in: %v", err)
	}
	e.post("day_end_balance", map[string]any{}, false)
	next, err := e.store.CloseDay(ctx, "0101", "e2e")
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := time.Parse(time.DateOnly, next)
	if err != nil {
		e.t.Fatal(err)
	}
	prev := dsl.Today
	dsl.Today = func() time.Time { return d }
	e.t.Cleanup(func() { dsl.Today = prev })
	e.date, e.s.cfg.BusinessDate = next, next
	return next
}

// priorDayReversalE2E: yesterday's cash deposit of 300.00 is reversed
// today; the window asks for two supervisors, one after the other, and
// the cash comes out of today's box.
func priorDayReversalE2E(t *testing.T, e *e2e) {
	acct := e.account(0, 6)
	e.allocate(100)
	dep := e.post("cash_deposit", map[string]any{"account": acct, "amount": "300.00"}, false)
	e.nextDay()
	e.allocate(500)
	before := balance(t, e.store, acct)

	f := e.openCode("1902", "prior_day_reversal")
	e.typeIn(f, "orig_serial", dep.Serial)
	e.typeIn(f, "orig_date", dep.BusinessDate)
	e.typeIn(f, "reason", "客户要求撤销昨日存款")
	e.dismiss()
	lines := len(e.sim.Lines())
	e.submitButton()
	tap(t, e.w, confirmZh)
	for _, sup := range []string{"010199", "010197"} {
		eventually.True(t, 10*time.Second, func() bool { return e.dialogHas("授权 Enter") }, "no authorization dialog for %s", sup)
		authorizeAs(t, e.w, sup)
	}
	wait(t, e.s)
	o := outcome{serial: e.lastSerial(), auth: true, printed: strings.Join(e.sim.Lines()[lines:], "\n")}
	e.checkPosted(o, want{code: "1902", authorizer: "010199", account: acct, amount: 30000, receipt: []string{dep.Serial, "客户要求撤销昨日存款"}})
	if got := balance(t, e.store, acct); got != before-30000 {
		t.Errorf("balance %s after the reversal, want 300.00 less than %s", got.Grouped(), before.Grouped())
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action = 'authorization'`, o.serial); n != 2 {
		t.Errorf("%d authorization records, want 2", n)
	}
	if b := e.box(); b.Balance != 20000 {
		t.Errorf("today's box holds %d fen, want 200.00 (500.00 in, 300.00 paid back)", b.Balance)
	}
}

// authorizeAs types supervisor id and the demo password into the
// authorization dialog on top and presses 授权 Enter.
func authorizeAs(t *testing.T, w fyne.Window, id string) {
	t.Helper()
	var entries []*dialogEntry
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if e, ok := o.(*dialogEntry); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) < 2 {
		t.Fatalf("authorization dialog has %d entries", len(entries))
	}
	entries[0].SetText("")
	test.Type(entries[0], id)
	test.Type(entries[1], ledger.DemoPassword)
	tap(t, w, "授权 Enter")
}
