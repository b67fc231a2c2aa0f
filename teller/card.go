package teller

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"guitai/devices"
	"guitai/devices/emv"
	"guitai/dsl"
	"guitai/widgets"
)

// CardReader is what CardWatcher needs of an IC-card reader; both
// *emv.SimReader and *pcsc.Reader have it.
type CardReader interface {
	// ReadCard waits for a card and reads its UnionPay application.
	ReadCard(ctx context.Context, term emv.Terminal) (*emv.Card, error)
	// Subscribe calls fn for the reader's events (card-inserted,
	// card-removed) until cancel.
	Subscribe(fn func(devices.Event)) (cancel func())
}

// CardReadTimeout bounds one read: waiting for the card (Read with no card
// in) and the APDU exchange.
const CardReadTimeout = 30 * time.Second

// CardWatcher reads the IC card when it is put in the reader and hands its
// number (PAN) to fill, on the UI goroutine. It reads when the reader
// reports a card inserted, and when Read is called (the form's "read card"
// button, or a reader that reports insertion only while it is being read,
// like *pcsc.Reader). A read runs off the UI goroutine; what went wrong is
// told through status, in the watcher's language.
type CardWatcher struct {
	dev    CardReader
	lang   string
	fill   func(pan string)
	status func(msg string)

	// ui runs f on the UI goroutine: fyne.Do, replaced by tests.
	ui func(f func())
	// spawn runs f off the UI goroutine: go f(), replaced by tests.
	spawn func(f func())

	mu      sync.Mutex
	stopped bool
	stopSub func()
	cancel  context.CancelFunc // of the read under way, nil when none
	removed bool               // the card left during the read under way
	timeout bool               // the read under way ran out of time
	wg      sync.WaitGroup
}

// NewCardWatcher returns a watcher of dev; lang ("zh" or "en") is the
// language of the status messages. Start it with Start.
func NewCardWatcher(dev CardReader, lang string, fill func(pan string), status func(msg string)) *CardWatcher {
	return &CardWatcher{dev: dev, lang: lang, fill: fill, status: status,
		ui: fyne.Do, spawn: func(f func()) { go f() }}
}

// Start follows the reader's events: a card put in is read.
func (w *CardWatcher) Start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopSub == nil && !w.stopped {
		w.stopSub = w.dev.Subscribe(w.event)
	}
}

// Stop stops following the reader, cancels a read under way and waits for
// it to end. The watcher cannot be started again.
func (w *CardWatcher) Stop() {
	w.mu.Lock()
	w.stopped = true
	if w.stopSub != nil {
		w.stopSub()
		w.stopSub = nil
	}
	if w.cancel != nil {
		w.cancel()
	}
	w.mu.Unlock()
	w.wg.Wait()
}

func (w *CardWatcher) event(ev devices.Event) {
	if ev.Kind != devices.EventStatus {
		return
	}
	switch ev.Status {
	case devices.StatusCardInserted:
		w.read(true)
	case devices.StatusCardRemoved:
		w.mu.Lock()
		if w.cancel != nil {
			w.removed = true
			w.cancel()
		}
		w.mu.Unlock()
	}
}

// Read reads the card now, waiting up to CardReadTimeout for one to be
// put in. A read already under way is not doubled.
func (w *CardWatcher) Read() { w.read(false) }

// read starts a read; inserted says the reader reported a card put in.
func (w *CardWatcher) read(inserted bool) {
	w.mu.Lock()
	if w.stopped || w.cancel != nil {
		w.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel, w.removed, w.timeout = cancel, false, false
	w.wg.Add(1)
	w.mu.Unlock()
	// Cancel rather than a deadline: a reader that times out is marked
	// in error by its lifecycle, one that is cancelled stays ready.
	timer := time.AfterFunc(CardReadTimeout, func() {
		w.mu.Lock()
		w.timeout = true
		w.mu.Unlock()
		cancel()
	})
	if inserted {
		w.say(w.t("正在读卡，请勿拔卡…", "Reading the card; keep it in…"))
	} else {
		w.say(w.t("请插入IC卡…", "Insert the IC card…"))
	}
	w.spawn(func() {
		defer w.wg.Done()
		card, err := w.dev.ReadCard(ctx, emv.DefaultTerminal())
		timer.Stop()
		w.mu.Lock()
		removed, timedOut, stopped := w.removed, w.timeout, w.stopped
		w.cancel = nil
		w.mu.Unlock()
		cancel()
		switch {
		case err == nil:
			pan := card.PAN
			w.ui(func() { w.fill(pan) })
			w.say(w.t("已读卡 ", "Card read: ") + emv.MaskPAN(pan))
		case stopped && !removed:
			// Stopped by the application: nothing to tell.
		case inserted && devices.CodeOf(err) == devices.Busy:
			// Someone else is reading the card just put in.
		default:
			w.say(CardMessage(err, removed, timedOut, w.lang))
		}
	})
}

func (w *CardWatcher) say(msg string) {
	if w.status != nil {
		w.ui(func() { w.status(msg) })
	}
}

func (w *CardWatcher) t(zh, en string) string {
	if w.lang == "en" {
		return en
	}
	return zh
}

// CardMessage explains a failed card read to the teller in lang ("zh" or
// "en"): removed says the reader reported the card gone during the read,
// timedOut that the read ran out of time.
func CardMessage(err error, removed, timedOut bool, lang string) string {
	t := func(zh, en string) string {
		if lang == "en" {
			return en
		}
		return zh
	}
	var de *devices.Error
	errors.As(err, &de)
	code := devices.CodeOf(err)
	switch {
	case removed || errors.Is(err, emv.ErrCardRemoved) ||
		code == devices.UserError && de != nil && strings.Contains(de.Msg, "removed"):
		return t("读卡中卡片被拔出，请重新插卡", "The card was removed while it was being read; insert it again")
	case timedOut:
		return t("读卡超时，请重新插卡", "The card was not read in time; insert it again")
	case code == devices.UserError && de != nil && strings.Contains(de.Msg, "UnionPay"):
		return t("不是银联卡，请换一张银联借记卡", "This is not a UnionPay card; use a UnionPay debit card")
	case code == devices.UserError:
		return t("读卡失败，请重新插卡", "The card could not be read; insert it again")
	case code == devices.Busy:
		return t("读卡器正忙，请稍候再试", "The card reader is busy; try again in a moment")
	case code == devices.NotClaimed, code == devices.Offline, code == devices.NoHardware:
		return t("读卡器未就绪，请检查连接", "The card reader is not ready; check its cable")
	case code == devices.Canceled:
		return t("读卡已取消", "Card reading was cancelled")
	case code == devices.HWError:
		return t("卡片无法读取（芯片故障或插反），请重新插卡", "The chip could not be read (faulty or inserted the wrong way); insert it again")
	}
	// A mute card, no usable application, ...: the device says it in the
	// teller's language.
	return devices.Say(err, lang)
}

// CardTarget returns the account entry a card read fills in form f, shown
// on canvas c (nil for none): the focused account field if there is one,
// otherwise the first account node with "cardReader": true that is shown
// and takes input. It returns nil when the form has none.
func CardTarget(f *widgets.Form, c fyne.Canvas) *widgets.AccountEntry {
	var focused fyne.Focusable
	if c != nil {
		focused = c.Focused()
	}
	var first *widgets.AccountEntry
	var hit *widgets.AccountEntry
	f.Def.Walk(func(_ []string, n *dsl.Node) bool {
		if hit != nil || !f.Visible(n.ID) {
			return false // hidden: so are its children
		}
		if n.Type != "account" {
			return true
		}
		e := accountEntryIn(f.NodeObject(n.ID))
		if e == nil || !f.Enabled(n.ID) || e.Disabled() {
			return true
		}
		if focused != nil && focused == e.Entry() {
			hit = e
			return false
		}
		if first == nil && n.PropBool("cardReader") {
			first = e
		}
		return true
	})
	if hit != nil {
		return hit
	}
	return first
}

// FillFromCard fills the account field CardTarget picks with pan and
// reports whether there was one.
func FillFromCard(f *widgets.Form, c fyne.Canvas, pan string) bool {
	e := CardTarget(f, c)
	if e == nil {
		return false
	}
	e.FillFromCard(pan)
	return true
}

// accountEntryIn finds the AccountEntry in a node's outer object (the
// entry itself, or the caption row holding it).
func accountEntryIn(o fyne.CanvasObject) *widgets.AccountEntry {
	switch x := o.(type) {
	case *widgets.AccountEntry:
		return x
	case *fyne.Container:
		for _, c := range x.Objects {
			if e := accountEntryIn(c); e != nil {
				return e
			}
		}
	}
	return nil
}

// demoCardReader is a reader a demo card can be put in: *emv.SimReader.
type demoCardReader interface {
	Insert(c *emv.VirtualCard)
	Remove()
}

// IsDemoCardReader reports whether a demo card can be put in dev (a
// simulated reader), for the demo keys' "when".
func IsDemoCardReader(dev any) bool {
	_, ok := dev.(demoCardReader)
	return ok
}

// InsertDemoCard puts the demo card (6222 0212 3456 7890 123, ZHANG/SAN)
// in a simulated reader, as a debug key does in the demo, and returns
// false for a real reader. With a CardWatcher started, the card is read
// and fills the form.
func InsertDemoCard(dev any) bool {
	r, ok := dev.(demoCardReader)
	if ok {
		r.Insert(emv.NewVirtualCard())
	}
	return ok
}

// RemoveDemoCard takes the card out of a simulated reader and returns
// false for a real reader.
func RemoveDemoCard(dev any) bool {
	r, ok := dev.(demoCardReader)
	if ok {
		r.Remove()
	}
	return ok
}

// The demo keys of a simulated card reader: Ctrl+Shift+I puts the demo
// card in, Ctrl+Shift+R takes it out.
var (
	InsertCardKey = &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}
	RemoveCardKey = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}
)

// DemoCardHint names the demo keys for the status line, in both
// languages, for a caller that does not know the window's language; the
// shell shows it in its own language (DemoCardHintIn), and again in the
// other when the teller switches.
func DemoCardHint() string {
	return "演示卡 demo card: Ctrl+Shift+I 插 in, Ctrl+Shift+R 拔 out"
}

// DemoCardHintIn names the demo keys for the status line in lang.
func DemoCardHintIn(lang string) string {
	if lang == "en" {
		return "Demo card: Ctrl+Shift+I inserts it, Ctrl+Shift+R removes it"
	}
	return "演示卡：Ctrl+Shift+I 插卡，Ctrl+Shift+R 拔卡"
}

// BindDemoCardKeys binds InsertCardKey and RemoveCardKey on w to put the
// demo card in the simulated reader dev and take it out; did, when not
// nil, is told which (true for in) after the reader has it. It binds
// nothing and returns false for a real reader.
//
// Fyne hands a shortcut to the focused widget instead of the canvas, and a
// text field drops the ones it does not know, so canvas shortcuts alone
// would not fire while a form field has the focus (nearly always). On the
// desktop driver the keys are therefore also taken off the window's key
// events before Fyne sees them; call BindDemoCardKeys after w is shown.
func BindDemoCardKeys(w fyne.Window, dev any, did func(inserted bool)) bool {
	if !IsDemoCardReader(dev) {
		return false
	}
	insert := func() {
		InsertDemoCard(dev)
		if did != nil {
			did(true)
		}
	}
	remove := func() {
		RemoveDemoCard(dev)
		if did != nil {
			did(false)
		}
	}
	w.Canvas().AddShortcut(InsertCardKey, func(fyne.Shortcut) { insert() })
	w.Canvas().AddShortcut(RemoveCardKey, func(fyne.Shortcut) { remove() })
	routeKeys(w, map[desktop.CustomShortcut]func(){*InsertCardKey: insert, *RemoveCardKey: remove})
	return true
}
