package teller

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/devices"
	"guitai/devices/emv"
	"guitai/dsl"
	"guitai/state"
	"guitai/widgets"
)

// enabledSim returns a simulated reader ready to read.
func enabledSim(t *testing.T) *emv.SimReader {
	t.Helper()
	r := emv.NewSimReader("cardreader")
	ctx := context.Background()
	for _, step := range []func(context.Context) error{r.Open, r.Claim, r.Enable} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	return r
}

// recorder collects what a watcher hands to the UI. Its methods run on
// the reading goroutine (ui is inline), so it locks.
type recorder struct {
	mu     sync.Mutex
	filled []string
	said   []string
	done   chan struct{} // closed by the first message that ends a read
}

func newRecorder() *recorder { return &recorder{done: make(chan struct{})} }

func (r *recorder) fill(pan string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.filled = append(r.filled, pan)
}

func (r *recorder) status(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.said = append(r.said, msg)
	if len(r.said) == 2 { // the "reading…" line, then the outcome
		close(r.done)
	}
}

func (r *recorder) last() (filled []string, said string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.said) > 0 {
		said = r.said[len(r.said)-1]
	}
	return append([]string(nil), r.filled...), said
}

// wait waits for the read's outcome; the bound only stops a hung test.
func (r *recorder) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the read never ended")
	}
}

func newTestWatcher(dev CardReader, lang string, rec *recorder, inline bool) *CardWatcher {
	w := NewCardWatcher(dev, lang, rec.fill, rec.status)
	w.ui = func(f func()) { f() }
	if inline {
		w.spawn = func(f func()) { f() }
	}
	return w
}

func TestCardWatcherSimReader(t *testing.T) {
	tests := []struct {
		name   string
		lang   string
		pull   int // PullAfter this many APDUs; 0 never
		enable bool
		want   string // the last status
		filled bool
	}{
		{"card read fills", "zh", 0, true, "已读卡 6222***********0123", true},
		{"card read fills (en)", "en", 0, true, "Card read: 6222***********0123", true},
		{"pulled at the first APDU", "zh", 1, true, "读卡中卡片被拔出，请重新插卡", false},
		{"pulled mid-read", "zh", 5, true, "读卡中卡片被拔出，请重新插卡", false},
		{"pulled mid-read (en)", "en", 8, true, "The card was removed while it was being read; insert it again", false},
		{"reader not enabled", "zh", 0, false, "读卡器未就绪，请检查连接", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *emv.SimReader
			if tt.enable {
				r = enabledSim(t)
			} else {
				r = emv.NewSimReader("cardreader")
			}
			rec := newRecorder()
			w := newTestWatcher(r, tt.lang, rec, true)
			w.Start()
			defer w.Stop()
			card := emv.NewVirtualCard()
			if tt.pull > 0 {
				card.PullAfter(tt.pull)
			}
			r.Insert(card) // the reader says card-inserted: the watcher reads
			rec.wait(t)
			filled, said := rec.last()
			if said != tt.want {
				t.Errorf("status %q, want %q", said, tt.want)
			}
			if got := len(filled) == 1 && filled[0] == emv.DemoPAN; got != tt.filled {
				t.Errorf("filled %q", filled)
			}
			if tt.pull > 0 && !card.Pulled() {
				t.Error("the card was not pulled: the test read nothing")
			}
		})
	}
}

// blockingReader waits in ReadCard until its context ends, as a reader
// waiting for a card does, and lets the test send reader events.
type blockingReader struct {
	mu      sync.Mutex
	subs    []func(devices.Event)
	reading chan struct{}
	reads   int
}

func (b *blockingReader) ReadCard(ctx context.Context, _ emv.Terminal) (*emv.Card, error) {
	b.mu.Lock()
	b.reads++
	b.mu.Unlock()
	close(b.reading)
	<-ctx.Done()
	return nil, &devices.Error{Code: devices.CodeOf(ctx.Err()), Op: "read-card", Err: ctx.Err()}
}

func (b *blockingReader) Subscribe(fn func(devices.Event)) func() {
	b.mu.Lock()
	b.subs = append(b.subs, fn)
	b.mu.Unlock()
	return func() {}
}

func (b *blockingReader) emit(status string) {
	b.mu.Lock()
	subs := append([]func(devices.Event){}, b.subs...)
	b.mu.Unlock()
	for _, fn := range subs {
		fn(devices.Event{Kind: devices.EventStatus, Status: status})
	}
}

// A card-removed event during a read cancels it and says why; a second
// insertion while a read runs does not start another.
func TestCardWatcherRemovedEventCancelsRead(t *testing.T) {
	b := &blockingReader{reading: make(chan struct{})}
	rec := newRecorder()
	w := newTestWatcher(b, "zh", rec, false)
	w.Start()
	defer w.Stop()
	b.emit(devices.StatusCardInserted)
	<-b.reading
	b.emit(devices.StatusCardInserted) // bounce: already reading
	b.emit(devices.StatusCardRemoved)
	rec.wait(t)
	if _, said := rec.last(); said != "读卡中卡片被拔出，请重新插卡" {
		t.Errorf("status %q", said)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.reads != 1 {
		t.Errorf("%d reads", b.reads)
	}
}

// Stop cancels a read under way without a message.
func TestCardWatcherStop(t *testing.T) {
	b := &blockingReader{reading: make(chan struct{})}
	rec := newRecorder()
	w := newTestWatcher(b, "zh", rec, false)
	w.Start()
	w.Read()
	<-b.reading
	w.Stop() // waits for the read to end
	filled, said := rec.last()
	if len(filled) != 0 || said != "请插入IC卡…" {
		t.Errorf("after Stop: filled %q, said %q", filled, said)
	}
	w.Read() // stopped: no read
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.reads != 1 {
		t.Errorf("%d reads", b.reads)
	}
}

func TestCardMessage(t *testing.T) {
	pcscRemoved := &devices.Error{Code: devices.UserError, Device: "cardreader", Op: "transmit", Msg: "the card was removed"}
	foreign := &devices.Error{Code: devices.UserError, Op: "read-card", Msg: "no UnionPay application on the card"}
	tests := []struct {
		err              error
		removed, timeout bool
		lang, want       string
	}{
		{emv.ErrCardRemoved, false, false, "zh", "读卡中卡片被拔出，请重新插卡"},
		{fmt.Errorf("read: %w", pcscRemoved), false, false, "en", "The card was removed while it was being read; insert it again"},
		{context.Canceled, true, false, "zh", "读卡中卡片被拔出，请重新插卡"},
		{&devices.Error{Code: devices.Canceled}, false, true, "zh", "读卡超时，请重新插卡"},
		{foreign, false, false, "zh", "不是银联卡，请换一张银联借记卡"},
		{&devices.Error{Code: devices.Busy}, false, false, "en", "The card reader is busy; try again in a moment"},
		{&devices.Error{Code: devices.Offline}, false, false, "zh", "读卡器未就绪，请检查连接"},
		{&devices.Error{Code: devices.HWError, Msg: "bad PPSE answer"}, false, false, "zh", "卡片无法读取（芯片故障或插反），请重新插卡"},
		// Anything else in the teller's language, never raw English.
		{errors.New("boom"), false, false, "zh", devices.Say(errors.New("boom"), "zh")},
		{&devices.Error{Code: devices.Timeout, Op: "transmit", Msg: "context deadline exceeded"}, false, false, "zh",
			devices.Timeout.Teller().Zh},
	}
	for _, tt := range tests {
		if got := CardMessage(tt.err, tt.removed, tt.timeout, tt.lang); got != tt.want {
			t.Errorf("CardMessage(%v, %v, %v) = %q, want %q", tt.err, tt.removed, tt.timeout, got, tt.want)
		}
	}
}

const cardForm = `{"dsl": "guitai.form/1", "id": "card", "version": "1.0.0", "code": "9999",
"title": {"zh": "测试", "en": "Test"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "g", "type": "group", "visibleWhen": "!hideGroup", "children": [
    {"id": "payer", "type": "account", "bind": "payer", "props": {"cardReader": true, "label": {"zh": "付款账号"}}}
  ]},
  {"id": "payee", "type": "account", "bind": "payee", "props": {"label": {"zh": "收款账号"}}},
  {"id": "other", "type": "account", "bind": "other", "props": {"cardReader": true, "label": {"zh": "其他账号"}}},
  {"id": "hideGroup", "type": "check", "bind": "hideGroup", "props": {"label": {"zh": "隐藏"}}},
  {"id": "name", "type": "text", "bind": "name", "props": {"label": {"zh": "户名"}}}
]}}`

func TestCardTarget(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name  string
		focus string // node to focus
		hide  bool   // hide the group holding payer
		want  string // node filled, "" for none
	}{
		{"no focus: first card-reader account", "", false, "payer"},
		{"focus on an account without cardReader", "payee", false, "payee"},
		{"focus on a text field", "name", false, "payer"},
		{"first one hidden with its group", "", true, "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def, err := dsl.Decode([]byte(cardForm))
			if err != nil {
				t.Fatal(err)
			}
			scope := state.NewBus().Scope("form:card")
			f, err := widgets.Render(def, scope, widgets.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			win := test.NewWindow(f.Object())
			defer win.Close()
			if tt.hide {
				scope.Set("hideGroup", true)
			}
			if tt.focus != "" {
				win.Canvas().Focus(f.Field(tt.focus).Focusable())
			}
			if !FillFromCard(f, win.Canvas(), emv.DemoPAN) {
				t.Fatal("no account field to fill")
			}
			for _, id := range []string{"payer", "payee", "other"} {
				v, _ := scope.Get(id)
				if got := v == emv.DemoPAN; got != (id == tt.want) {
					t.Errorf("%s = %v", id, v)
				}
			}
			if e := CardTarget(f, win.Canvas()); e == nil || !e.CardRead() {
				t.Error("the filled entry is not marked as read from the card")
			}
		})
	}
	// A form with no account field.
	def, _ := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "x", "version": "1.0.0", "code": "9998",
		"title": {"zh": "无"}, "root": {"id": "root", "type": "form", "children": [
		{"id": "name", "type": "text", "bind": "name"}]}}`))
	f, err := widgets.Render(def, state.NewBus().Scope("form:x"), widgets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if FillFromCard(f, nil, emv.DemoPAN) || CardTarget(f, nil) != nil {
		t.Error("filled a form with no account field")
	}
}

// The demo key's card, read through a started watcher, ends up in the
// open form's account field.
func TestInsertDemoCard(t *testing.T) {
	test.NewTempApp(t)
	r := enabledSim(t)
	def, _ := dsl.Decode([]byte(cardForm))
	scope := state.NewBus().Scope("form:demo")
	f, _ := widgets.Render(def, scope, widgets.Options{})
	win := test.NewWindow(f.Object())
	defer win.Close()
	rec := newRecorder()
	w := newTestWatcher(r, "zh", rec, true)
	w.fill = func(pan string) { FillFromCard(f, win.Canvas(), pan) }
	w.Start()
	defer w.Stop()
	if !InsertDemoCard(r) {
		t.Fatal("InsertDemoCard refused the simulated reader")
	}
	rec.wait(t)
	if v, _ := scope.Get("payer"); v != emv.DemoPAN {
		t.Errorf("payer = %v", v)
	}
	if !RemoveDemoCard(r) || InsertDemoCard(struct{}{}) || RemoveDemoCard(nil) || !IsDemoCardReader(r) || IsDemoCardReader(nil) {
		t.Error("demo card on the wrong readers")
	}
}

// TestBindDemoCardKeys puts the demo card in a simulated reader with
// Ctrl+Shift+I and takes it out with Ctrl+Shift+R; a reader that is not a
// simulator gets no keys.
func TestBindDemoCardKeys(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("keys")
	defer w.Close()
	sim := enabledSim(t)
	events := make(chan string, 4)
	defer sim.Subscribe(func(ev devices.Event) {
		if ev.Kind == devices.EventStatus {
			events <- ev.Status
		}
	})()
	var told []bool
	if !BindDemoCardKeys(w, sim, func(in bool) { told = append(told, in) }) {
		t.Fatal("no demo keys for the simulated reader")
	}
	c := w.Canvas().(fyne.Shortcutable)
	for _, step := range []struct {
		key  fyne.Shortcut
		want string
	}{{InsertCardKey, devices.StatusCardInserted}, {RemoveCardKey, devices.StatusCardRemoved}} {
		c.TypedShortcut(step.key)
		select {
		case got := <-events:
			if got != step.want {
				t.Errorf("%s: reader says %v, want %v", step.key.ShortcutName(), got, step.want)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%s: nothing happened in the reader", step.key.ShortcutName())
		}
	}
	if len(told) != 2 || !told[0] || told[1] {
		t.Errorf("told %v, want [true false]", told)
	}
	if !strings.Contains(DemoCardHint(), "Ctrl+Shift+I") || !strings.Contains(DemoCardHint(), "Ctrl+Shift+R") {
		t.Errorf("hint %q does not name the keys", DemoCardHint())
	}

	w2 := a.NewWindow("real reader")
	defer w2.Close()
	if BindDemoCardKeys(w2, &struct{ CardReader }{}, nil) {
		t.Error("demo keys bound for a reader that is not a simulator")
	}
}
