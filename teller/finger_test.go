package teller

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/devices/manager"
	"guitai/ledger"
	"guitai/money"
	"guitai/state"
)

// A supervisor authorizes a large deposit with their finger on the
// (simulated) R30x module; a teller's own finger is refused.
func TestSupervisorAuthorizesByFinger(t *testing.T) {
	s, w, store := shellOnLedger(t)
	ctx := context.Background()
	m, err := manager.New(manager.Config{Devices: []manager.DeviceConfig{{Name: "finger", Driver: "r30x-sim"}}}, state.NewBus())
	if err != nil {
		t.Fatal(err)
	}
	m.Start(ctx)
	defer m.Close(ctx)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := m.WaitReady(wctx); err != nil {
		t.Fatal(err)
	}
	var demo []ledger.User
	for _, id := range []string{"010199", "010101"} {
		u, err := store.GetUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		demo = append(demo, u)
	}
	scan, fingers, err := ModuleFinger(ctx, m.Device("finger"), "finger", store, demo)
	if err != nil {
		t.Fatal(err)
	}
	if len(fingers) != 2 {
		t.Fatalf("demo fingers %v", fingers)
	}
	s.cfg.Finger, s.cfg.DemoFingers = scan, fingers

	var acct string
	store.DB().Get(&acct, `SELECT number FROM accounts WHERE status = 'active' ORDER BY number LIMIT 1`)
	before := balance(t, store, acct)
	post := func(finger string) {
		t.Helper()
		s.Open("cash_deposit")
		f := s.Current()
		f.Scope.Set("account", acct)
		f.Scope.Set("amount", money.MustParse("60000"))
		f.Scope.Set("depositor_name", "王伟")
		f.Scope.Set("depositor_id", "11010519491231002X")
		f.Scope.Set("fund_source", "salary")
		s.submit()
		tap(t, w, confirmZh)
		top := w.Canvas().Overlays().Top()
		for _, o := range test.LaidOutObjects(top) {
			if sel, ok := o.(*widget.Select); ok {
				for _, opt := range sel.Options {
					if opt[:6] == finger {
						sel.SetSelected(opt)
					}
				}
			}
		}
		tap(t, w, "指纹授权")
		wait(t, s)
		if top := w.Canvas().Overlays().Top(); top != nil {
			for _, o := range test.LaidOutObjects(top) {
				if l, ok := o.(*widget.Label); ok && l.Visible() {
					t.Logf("dialog: %q", l.Text)
				}
			}
		}
	}
	// The teller's own finger: the ledger refuses, nothing is posted.
	post("010101")
	if got := balance(t, store, acct); got != before {
		t.Fatalf("self-authorized by finger: balance moved by %s", (got - before).Grouped())
	}
	if top := w.Canvas().Overlays().Top(); top != nil {
		top.Hide()
		w.Canvas().Overlays().Remove(top)
	}
	for w.Canvas().Overlays().Top() != nil {
		w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	}
	// The supervisor's finger.
	post("010199")
	checkAuthorized60000(t, s, store, acct, before)
}

// TestDemoFingerDefaults: the sign-on screen offers a teller's finger
// first, the supervisor dialog a supervisor's.
func TestDemoFingerDefaults(t *testing.T) {
	test.NewTempApp(t)
	fingers := []DemoFinger{{User: "010199", Name: "陈静", Role: "supervisor"}, {User: "010101", Name: "张敏", Role: "teller"}}
	tests := []struct{ role, want string }{{"teller", "010101"}, {"supervisor", "010199"}, {"admin", "010199"}}
	for _, tt := range tests {
		if got := demoUser(demoSelect(fingers, firstOf(fingers, tt.role), "zh")); got != tt.want {
			t.Errorf("%s: picked %s, want %s", tt.role, got, tt.want)
		}
	}
}
