package teller

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/devices/manager"
	"guitai/devices/pinpad"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/widgets"
)

// simPad is a PIN pad driver on a simulated pad.
func simPad(t *testing.T) (*pinpad.Sim, *pinpad.Pad) {
	t.Helper()
	sim, err := pinpad.NewSim(pinpad.DemoMasterKey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	pad := pinpad.NewPad("pinpad", pinpad.Config{Port: sim.Path(), MasterKey: pinpad.DemoMasterKey})
	ctx := context.Background()
	for _, step := range []func(context.Context) error{pad.Open, pad.Claim, pad.Enable} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { pad.Close(context.Background()) })
	return sim, pad
}

// padEvents are the window's "pinpad ..." trace events, and every event
// traced, to check that none carries a PIN. The pad's goroutine hands its
// UI work to the test's goroutine (padDo), which runs it while it waits
// for an event: the test's goroutine is the window's UI goroutine.
type padEvents struct {
	ui      chan func()
	pending []string
	all     []string
}

func tracePad(t *testing.T, s *Shell) *padEvents {
	p := &padEvents{ui: make(chan func(), 64)}
	s.cfg.Trace = func(ev string) {
		p.all = append(p.all, ev)
		if strings.HasPrefix(ev, "pinpad ") {
			p.pending = append(p.pending, ev)
		}
	}
	old := padDo
	padDo = func(f func()) { p.ui <- f }
	t.Cleanup(func() { padDo = old })
	return p
}

// next runs the pad's UI work until the next pinpad event, and fails
// unless it is want.
func (p *padEvents) next(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for len(p.pending) == 0 {
		select {
		case f := <-p.ui:
			f()
		case <-timeout:
			t.Fatalf("no trace %q", want)
		}
	}
	ev := p.pending[0]
	p.pending = p.pending[1:]
	if ev != want {
		t.Fatalf("trace %q, want %q", ev, want)
	}
}

// padButtonOf is the PIN pad's button in a PIN field.
func padButtonOf(t *testing.T, f *widgets.Form, id string) fyne.Tappable {
	t.Helper()
	var found fyne.Tappable
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if tp, ok := o.(fyne.Tappable); ok && strings.HasSuffix(reflect.TypeOf(o).String(), "padButton") {
			found = tp
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(f.Field(id).Focusable().(fyne.CanvasObject))
	if found == nil {
		t.Fatalf("no PIN pad button in %s", id)
	}
	return found
}

// TestPinPadFillsPINChange fills the PINs of a 2203 PIN change from the
// simulated pad, ●● showing as the customer types, cancels one entry from
// the keyboard and one on the pad, and posts.
func TestPinPadFillsPINChange(t *testing.T) {
	e := newE2E(t)
	if cmds := e.s.Commands(); hasKey(cmds, PinPadKey) {
		t.Errorf("%s bound without a PIN pad", PinPadKey)
	}
	sim, pad := simPad(t)
	e.s.SetPinPad(pad)
	if !hasKey(e.s.Commands(), PinPadKey) {
		t.Fatalf("%s not bound with a PIN pad", PinPadKey)
	}
	events := tracePad(t, e.s)
	acct := ledger.DemoPINAccount
	before, _ := e.pinHash(acct)
	f := e.openCode("2203", "pin_change")
	f.Scope.Set("action", "change")
	e.typeIn(f, "account", acct)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Old PIN: F7 in the field, the customer types digit by digit.
	old := f.Field("old_pin").Focusable()
	e.w.Canvas().Focus(old)
	old.TypedKey(&fyne.KeyEvent{Name: PinPadKey})
	if e.s.Modal() != "密码键盘" {
		t.Fatalf("dialog %q after %s", e.s.Modal(), PinPadKey)
	}
	if !e.dialogShows("原密码 · 请客户输入密码") {
		t.Error("the dialog does not ask the customer for the old PIN")
	}
	if e.dialogShows("模拟密码键盘（演示）") {
		t.Error("a real pad's dialog shows the demo keypad")
	}
	pr, err := sim.WaitPrompt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pr.PAN != acct || pr.Min != 6 || pr.Max != 6 {
		t.Errorf("pad prompt %+v", pr)
	}
	for i, d := range ledger.DemoPIN {
		if err := sim.Press(string(d)); err != nil {
			t.Fatal(err)
		}
		events.next(t, "pinpad keys "+string(rune('1'+i)))
		if got, want := strings.TrimSpace(e.s.padRead.dots.Text), strings.Repeat("●", i+1); got != want {
			t.Fatalf("dialog shows %q after %d digits, want %q", got, i+1, want)
		}
	}
	if err := sim.Press("E"); err != nil {
		t.Fatal(err)
	}
	events.next(t, "pinpad entered")
	if e.s.Modal() != "" {
		t.Errorf("dialog %q still up", e.s.Modal())
	}
	if got := f.Values()["old_pin"]; got != ledger.DemoPIN {
		t.Fatalf("old_pin = %v", got)
	}
	newPIN := f.Field("new_pin").Focusable()
	if e.w.Canvas().Focused() != newPIN {
		t.Errorf("focus on %T after the old PIN, want the new PIN", e.w.Canvas().Focused())
	}

	// New PIN: F7 again; Esc stops the entry on the pad, the field stays
	// empty.
	newPIN.TypedKey(&fyne.KeyEvent{Name: PinPadKey})
	if _, err := sim.WaitPrompt(ctx); err != nil {
		t.Fatal(err)
	}
	sim.Press("24")
	events.next(t, "pinpad keys 1")
	events.next(t, "pinpad keys 2")
	e.s.modalKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	events.next(t, "pinpad cancelled")
	if sim.Entering() {
		t.Error("the pad still takes the PIN after Esc")
	}
	if v := f.Values()["new_pin"]; v != nil {
		t.Errorf("new_pin = %v after Esc", v)
	}
	// The customer cancels on the pad (scripted before the entry starts:
	// the pad takes a script when an entry begins).
	sim.Script("X")
	newPIN.TypedKey(&fyne.KeyEvent{Name: PinPadKey})
	events.next(t, "pinpad failed E_PIN_CANCELED")
	if st := e.s.summary.status.Text; st != "客户已在密码键盘上取消" {
		t.Errorf("status %q", st)
	}
	// Then types it, correcting once.
	sim.Script("13579C246813E")
	newPIN.TypedKey(&fyne.KeyEvent{Name: PinPadKey})
	for _, n := range []string{"1", "2", "3", "4", "5", "0", "1", "2", "3", "4", "5", "6"} {
		events.next(t, "pinpad keys "+n)
	}
	events.next(t, "pinpad entered")

	// Confirm: the pad's button in the field.
	sim.Script("246813E")
	test.Tap(padButtonOf(t, f, "confirm_pin"))
	for _, n := range "123456" {
		events.next(t, "pinpad keys "+string(n))
	}
	events.next(t, "pinpad entered")
	if v := f.Values(); v["new_pin"] != "246813" || v["confirm_pin"] != "246813" {
		t.Fatalf("new %v confirm %v", v["new_pin"], v["confirm_pin"])
	}

	summary := Summary(f.Def, f.Values(), "zh")
	o := e.submit(false)
	e.checkPosted(o, want{code: "2203", account: acct, receipt: []string{o.serial, dsl.Mask(acct), "修改密码"}})
	e.noPINShown(summary, o, ledger.DemoPIN, "246813")
	if after, n := e.pinHash(acct); after == before || n != 0 {
		t.Errorf("PIN hash not replaced (failures %d)", n)
	}
	for _, ev := range events.all {
		if strings.Contains(ev, ledger.DemoPIN) || strings.Contains(ev, "246813") {
			t.Errorf("trace %q carries a PIN", ev)
		}
	}
}

// dialogShows reports whether the top dialog shows a label with text.
func (e *e2e) dialogShows(text string) bool {
	top := e.w.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && l.Text == text {
			return true
		}
	}
	return false
}

func hasKey(cmds []Command, k fyne.KeyName) bool {
	for _, c := range cmds {
		if c.Key == k {
			return true
		}
	}
	return false
}

// TestPinPadDemoKeypad enters a PIN with the on-screen keys of the
// simulated pad, as the demo does, in English.
func TestPinPadDemoKeypad(t *testing.T) {
	e := newE2E(t)
	sim, pad := simPad(t)
	e.s.SetPinPad(&manager.SimPinPad{Pad: pad, Sim: sim})
	e.s.setLang("en")
	events := tracePad(t, e.s)
	f := e.openCode("2203", "pin_change")
	f.Scope.Set("action", "change")
	e.typeIn(f, "account", ledger.DemoPINAccount)
	e.w.Canvas().Focus(f.Field("new_pin").Focusable())
	e.s.functionKey(&fyne.KeyEvent{Name: PinPadKey})
	if !e.dialogShows("New PIN · Customer: enter PIN on the pad") || !e.dialogShows("Simulated PIN pad (demo)") {
		t.Fatal("no demo keypad in the PIN pad dialog")
	}
	if _, err := sim.WaitPrompt(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, k := range "97531" {
		tap(t, e.w, string(k))
		events.next(t, "pinpad keys "+string(rune('1'+i)))
	}
	tap(t, e.w, "Enter") // too short: the pad ignores it
	tap(t, e.w, "Clear")
	events.next(t, "pinpad keys 0")
	for i, k := range "864209" {
		tap(t, e.w, string(k))
		events.next(t, "pinpad keys "+string(rune('1'+i)))
	}
	tap(t, e.w, "Enter")
	events.next(t, "pinpad entered")
	if got := f.Values()["new_pin"]; got != "864209" {
		t.Errorf("new_pin = %v", got)
	}
}
