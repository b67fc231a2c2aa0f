package teller

import (
	"fmt"
	"image"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
	"guitai/state"
	"guitai/widgets"
)

// Config is what the window needs from the outside.
type Config struct {
	// Forms are the forms the window opens; with a FormSource, the ones
	// it opens until the source's first read.
	Forms []*dsl.Form
	// FormSource, when not nil, is read off the UI goroutine every
	// FormsEvery while the teller is signed on: when its generation
	// changes, the navigator shows its forms in place of the last ones
	// (an open form keeps its version until it is posted or closed), and
	// the status bar names the packages it set aside. Nil: Forms, as
	// they are, for the whole session.
	FormSource FormSource
	// FormOf returns the exact form a journal entry was posted with, by
	// its form id, version and release package digest ("" for the
	// built-in forms), for the electronic journal to reopen it
	// (ledger.Releases.FormOf). Nil: only entries posted with the
	// window's own version of a built-in form reopen.
	FormOf func(formID, version, packageDigest string) (*dsl.Form, error)
	// ReceiptTemplate gives the receipt template name of the release
	// package whose digest is packageDigest, when the package carries one
	// (ledger.Releases.ReceiptTemplate): an entry posted with a package
	// prints with its template. Nil: the built-in templates only.
	ReceiptTemplate func(packageDigest, name string) (string, bool, error)
	// FormsChanged, when not nil, receives when the forms may have
	// changed (the ledger's notification of an activation or rollback):
	// FormSource is read at once rather than at its next poll.
	FormsChanged <-chan struct{}
	// FormsEvery is how often FormSource is read; zero is
	// DefaultFormsEvery.
	FormsEvery time.Duration
	Bus        *state.Bus
	Lang       string // "zh" or "en"
	// Seal loads seal specimens for the seal widget.
	Seal func(specimen string) (cheque, seal image.Image, err error)
	// Submit posts a validated form and returns the ledger's result: the
	// journal serial, the returned values and query rows (written back
	// into the form when it binds them). It runs off the UI goroutine.
	// values carries the submission's idempotency key under
	// ledger.KeyField, so a double click or a retry posts once.
	Submit func(f *dsl.Form, values map[string]any) (*ledger.Result, error)
	// Counterpart says which param of catalog transaction txn names the
	// other teller of a cash handover, who confirms it with their own
	// password or finger before it posts (the ledger's dual control), or
	// "". Nil: no transaction asks for one.
	Counterpart func(txn string) (string, error)
	// Authorizers says how many supervisors the ledger needs for a
	// posting of form f with values (its policy; the form's
	// authorize.when may make it one earlier): the window asks for them
	// one after the other, the second a different person. It runs off
	// the UI goroutine. Nil: one, when the form's authorize.when says.
	Authorizers func(f *dsl.Form, values map[string]any) (int, error)
	// Lookup runs a read-only catalog transaction for a form being filled
	// in (dsl.Lookup: the holder's name once the account is complete, the
	// day-end figures when the form opens), values keyed by the
	// transaction's param names. It runs off the UI goroutine; nil runs no
	// lookups.
	Lookup func(txn string, values map[string]any) (*ledger.Result, error)
	// Status is the line shown at the bottom of the window.
	Status string
	// SignOff signs the teller off; the ledger refuses while anything is
	// pending (an unbalanced box, receipts to print), and the refusal is
	// shown. Nil hides the button.
	SignOff func() error
	// SignedOff is called after a sign-off succeeded (the window goes back
	// to the sign-on screen).
	SignedOff func()
	// User names the signed-on teller ("010101 张敏") on the lock screen.
	User string
	// IdleLock locks the session after this long without activity; zero
	// never locks.
	IdleLock time.Duration
	// Unlock checks the signed-on teller's password to take the lock
	// away; nil disables locking.
	Unlock func(password string) error
	// Finger scans a finger on the fingerprint module, for supervisor
	// authorization; nil hides the fingerprint button.
	Finger FingerScan
	// DemoFingers lists the fingers enrolled on a simulated module.
	DemoFingers []DemoFinger
	// PinPad is the customer's PIN pad: a PIN field of a form is filled
	// from it (its button, or F7); nil without one, and PINs are typed.
	PinPad PinPad
	// CardReader is the IC card reader: inserting a card fills the
	// form's account field; nil without one.
	CardReader CardReader
	// Display is the customer-facing window; nil without one.
	Display *CustomerDisplay
	// Now is the clock, for tests; nil is time.Now.
	Now func() time.Time
	// Journal reads the electronic journal and the receipt queue (a
	// *ledger.Store); nil prints no receipts and has no journal screen.
	Journal JournalSource
	// Printer prints receipts; nil shows a preview and leaves them queued.
	Printer Printer
	// Teller and Terminal are who is signed on where: the journal's
	// default filter, the reprint queue.
	Teller, Terminal string
	// BusinessDate is the ledger's business date of the teller's branch:
	// shown in the header and the journal's default date; "" is today
	// (and not shown).
	BusinessDate string
	// Bank and Branch head the receipts.
	Bank, Branch string
	// Audit reports how much of the audit log is anchored by a signed
	// checkpoint, for the status bar; nil shows nothing.
	Audit func() (AuditState, error)
	// Trace, if not nil, is told what the window did, one event a call,
	// on the UI goroutine: "ready" once the shell is built, "open <form>"
	// once a form has the focus,
	// "dialog <title>" when one shows, "answered <title>" when it goes,
	// "set <key>" when a key of the open form changed and the frame
	// that shows it was drawn, "posted <form>", "refused <form>",
	// "invalid <form> <field>: <problem>" when submit found one, "forms
	// <generation>" when a set of forms read from FormSource applies. The
	// real-window tests and the keystroke benchmark wait on these
	// instead of sleeping.
	Trace func(event string)
}

// Credentials are what a supervisor types into the authorization dialog.
type Credentials struct {
	ID, Password string
	// Finger is the supervisor's fingerprint match, when they authorized
	// by finger instead of a password.
	Finger *ledger.FingerMatch
}

// Ledger returns c as the ledger takes them, or nil for nil: what the
// window's submit hook hands to ledger.Request.
func (c *Credentials) Ledger() *ledger.Credentials {
	if c == nil {
		return nil
	}
	return &ledger.Credentials{ID: c.ID, Password: c.Password, Finger: c.Finger}
}

// Shell is the teller window's content: the session of the signed-on
// teller. It holds what lasts the session (the configuration with the
// ledger's hooks, the forms and their codes, the postings, the idle lock,
// the dialogs, the card reader, the receipts) and three panes it goes
// between: the layout (the window's content: navigator, header, host),
// the form host (the open form, its lookups and fills) and the summary
// (the status line and its figures). The panes do not know the shell:
// they ask it through small interfaces and callbacks.
type Shell struct {
	cfg    Config
	win    fyne.Window
	lang   string
	forms  []*dsl.Form
	byCode map[string]*dsl.Form

	layout  *layoutPane  // the window's content (layout.go)
	form    *formHost    // the open form (formhost.go)
	summary *summaryPane // the status line (summary.go), new with each language

	posts   int         // submissions made, for idempotency keys
	posting atomic.Bool // a submission is being posted
	// authorizers hold the credentials typed for the submission under
	// way, in the order they were asked for; Authorizer hands them to the
	// ledger one by one (under authMu: the ledger asks off the UI
	// goroutine).
	authMu      sync.Mutex
	authorizers []*Credentials
	// counterpart holds the other teller's confirmation of the handover
	// under way; Counterpart hands it to the ledger.
	counterpart *Credentials

	extra      []Command    // function keys bound by configured services
	lastActive atomic.Int64 // unix nanoseconds of the last activity
	lock       *lockScreen  // non-nil while the session is locked
	stopIdle   func()
	card       *CardWatcher
	padRead    *padReading // the PIN pad entry under way (pinpad.go)
	// modals are the shell's dialogs on screen, the top one last: it
	// takes Enter and Esc (dialogs.go).
	modals []*modal

	rx   shellReceipts // receipts, the reprint queue and the journal screen
	live liveForms     // the follow of Config.FormSource (forms_live.go)
}

// New builds the shell into win.
func New(win fyne.Window, cfg Config) *Shell {
	s := &Shell{cfg: cfg, win: win, lang: cfg.Lang, byCode: map[string]*dsl.Form{}}
	if s.lang == "" {
		s.lang = "zh"
	}
	if d, err := time.Parse(time.DateOnly, cfg.BusinessDate); err == nil {
		// Forms' today() and date fields that default to today are the
		// branch's business date, not this machine's calendar.
		dsl.Today = func() time.Time { return d }
	}
	s.indexForms()
	s.layout = newLayout(win, s.forms, s)
	s.form = newFormHost(win, cfg, s.lang, s.byCode, s.formHooks())
	s.build()
	s.touch()
	s.watchIdle()
	s.watchCard()
	s.watchForms()
	s.bindPinPad()
	s.trace("ready")
	return s
}

// indexForms sorts the configured forms by code and indexes them by it.
func (s *Shell) indexForms() { s.index(s.cfg.Forms) }

// index makes forms, sorted by code, the ones the window opens, and
// indexes them by code in place: the form host shares the index.
func (s *Shell) index(forms []*dsl.Form) {
	s.forms = append([]*dsl.Form(nil), forms...)
	sort.SliceStable(s.forms, func(i, j int) bool { return s.forms[i].Code < s.forms[j].Code })
	clear(s.byCode)
	for _, f := range s.forms {
		if f.Code != "" {
			s.byCode[f.Code] = f
		}
	}
}

// formHooks are what the form host asks of the shell.
func (s *Shell) formHooks() formHooks {
	return formHooks{
		key:    s.functionKey,
		submit: func() { s.submit() },
		cancel: func() { s.cancel() },
		readCard: func() {
			if s.card != nil {
				s.card.Read()
			}
		},
		pinPad:  s.pinPadReader,
		changed: func() { s.summary.recount(s.form.current) },
		cleared: func() { s.summary.resetStatus() },
		touch:   s.touch,
		trace:   s.trace,
		refused: func(err error) { s.summary.say(s.message(err)) },
	}
}

// watchCard starts the card reader's watch, when there is one: a card
// read fills the open form's account.
func (s *Shell) watchCard() {
	if s.cfg.CardReader == nil {
		return
	}
	s.card = NewCardWatcher(s.cfg.CardReader, s.lang, s.form.fillCard,
		func(m string) { s.summary.say(m) })
	s.card.Start()
}

// idleDisplay turns the customer display back to its welcome.
func (s *Shell) idleDisplay() {
	if s.cfg.Display != nil {
		s.cfg.Display.Idle()
	}
}

// now is the configured clock's time.
func (s *Shell) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// t is zh or en, in the window's language.
func (s *Shell) t(zh, en string) string {
	if s.lang == "en" {
		return en
	}
	return zh
}

// build makes the window's content in the window's language (a new
// summary with it), binds the window's keys and shows the welcome screen.
func (s *Shell) build() {
	if s.summary != nil {
		s.summary.stop()
	}
	s.summary = newSummary(s.cfg, s.lang)
	s.win.SetContent(s.layout.build(s.lang, s.tools(), s.summary.object()))
	s.summary.refreshAudit()
	s.summary.watchDevices()
	s.bindKeys()
	s.showWelcome()
	// After sign-on (and after a change of language) the teller types a
	// fast-path code first; -open, or the form the language change keeps,
	// moves the focus on into the form.
	s.layout.focusCode()
}

// tools are the header's buttons: the journal and the reprint queue, the
// lock and the sign-off as configured, the key help and the language.
func (s *Shell) tools() []headerTool {
	var tools []headerTool
	tool := func(zh, en string, key fyne.KeyName, icon fyne.Resource, run func()) {
		tools = append(tools, newHeaderTool(s.t(zh, en), key, icon, run))
	}
	if d := s.cfg.BusinessDate; d != "" {
		// The ledger's business date of the branch, the day every
		// posting goes to: in the header, where the teller looks.
		// The date alone, so the tools keep their captions; its tooltip
		// would be the caption, but the status line says it in words.
		full := widget.NewLabelWithStyle(d, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		// Too tight for it (a narrow window, large text), the header
		// drops it; the status line still says it.
		tools = append(tools, headerTool{full: full, short: layout.NewSpacer()})
	}
	if s.cfg.Journal != nil {
		tool("电子流水", "Journal", fyne.KeyF4, theme.ListIcon(), s.ShowJournal)
		tool("补打", "Reprint", fyne.KeyF5, theme.DocumentPrintIcon(), s.ShowReprintQueue)
	}
	if s.cfg.Unlock != nil {
		tool("锁屏", "Lock", fyne.KeyF9, theme.VisibilityOffIcon(), s.Lock)
	}
	if s.cfg.SignOff != nil {
		tool("签退", "Sign off", fyne.KeyF12, theme.LogoutIcon(), s.signOff)
	}
	help := widget.NewButtonWithIcon("F1", theme.HelpIcon(), s.showKeys)
	lang := s.langPicker()
	return append(tools, headerTool{full: help, short: help}, headerTool{full: lang, short: lang})
}

// langPicker chooses the window's language.
func (s *Shell) langPicker() *widget.Select {
	lang := widget.NewSelect([]string{"中文", "English"}, func(v string) {
		if v == "English" {
			s.setLang("en")
		} else {
			s.setLang("zh")
		}
	})
	if s.lang == "en" {
		lang.SetSelected("English")
	} else {
		lang.SetSelected("中文")
	}
	return lang
}

// bindKeys gives the window's keys to the dialog on top, else to the
// function-key commands.
func (s *Shell) bindKeys() {
	if dc, ok := s.win.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(s.keyDown)
	}
	s.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if s.modalKey(k) {
			s.touch()
			return
		}
		if !s.functionKey(k) {
			s.touch()
		}
	})
}

// signOff asks the ledger to sign the teller off and says why when it
// refuses.
func (s *Shell) signOff() {
	s.summary.boxFigures(func(balance money.Fen, _ string, known bool) {
		s.confirmSignOff(s.summary.signOffBody(balance, known))
	})
}

// confirmSignOff asks the teller to confirm body, then signs off.
func (s *Shell) confirmSignOff(body fyne.CanvasObject) {
	s.ask(s.t("签退", "Sign off"), body, func(ok bool) {
		if !ok {
			return
		}
		background(func() {
			err := s.cfg.SignOff()
			fyne.Do(func() {
				if err != nil {
					s.summary.say(s.message(err))
					s.showError(err)
					return
				}
				s.signedOff()
			})
		})
	})
}

// signedOff ends the session once the ledger signed the teller off: the
// form, the watches and the card reader stop, and the window goes back
// to the sign-on screen.
func (s *Shell) signedOff() {
	if s.form.current != nil {
		s.close()
	}
	s.Close()
	if s.cfg.SignedOff != nil {
		s.cfg.SignedOff()
	}
}

// Close stops the session's background work: the watches, the idle
// lock, the card reader and the reading of Config.FormSource. Signing off
// does it; a window closed without a sign-off calls it.
func (s *Shell) Close() {
	s.stopPinPad()
	s.summary.stop()
	if s.stopIdle != nil {
		s.stopIdle()
		s.stopIdle = nil
	}
	if s.card != nil {
		s.card.Stop()
	}
	s.stopForms()
}

// setLang redraws the window in another language, keeping the open form.
func (s *Shell) setLang(l string) {
	if l == s.lang {
		return
	}
	s.lang = l
	s.form.lang = l
	cur := s.currentDef()
	s.build()
	if cur != nil {
		s.open(cur)
	}
}

// showWelcome shows the welcome screen, with the cash box's hint under
// it when the box is empty.
func (s *Shell) showWelcome() {
	welcome := s.layout.showWelcome()
	s.summary.showBoxHint(welcome, func() bool { return s.form.current == nil })
}

// currentDef is the open form's definition, or nil.
func (s *Shell) currentDef() *dsl.Form { return s.form.currentDef() }

// openCode opens the form of a code typed in the code box.
func (s *Shell) openCode(code string) {
	f, ok := s.byCode[code]
	if !ok {
		s.inform(s.t("交易码", "Code"), s.t("没有交易码 ", "No transaction has code ")+code)
		return
	}
	s.layout.clearCode()
	s.open(f)
}

// Open shows a form by id; it is what the menu, the search and the code box
// end in.
func (s *Shell) Open(id string) error {
	if f := s.formByID(id); f != nil {
		s.open(f)
		return nil
	}
	return fmt.Errorf("no form %q", id)
}

// Current is the open form, or nil.
func (s *Shell) Current() *widgets.Form { return s.form.current }

// open has the form host open def and shows it in the layout's host, the
// focus in its first field.
func (s *Shell) open(def *dsl.Form) {
	live, err := s.form.open(def)
	if err != nil {
		s.showError(err)
		return
	}
	s.summary.resetStatus()
	s.dropNewerNote()
	s.tellNewer() // a form kept open over a change of language
	s.touch()
	s.layout.setTitle(def.Code + "  " + def.Title.In(s.lang))
	s.layout.show(s.form.body(live))
	s.form.focusFirst(live)
	s.trace("open " + def.ID)
}

// trace tells Config.Trace of an event.
func (s *Shell) trace(event string) {
	if s.cfg.Trace != nil {
		s.cfg.Trace(event)
	}
}

// cancel is Esc in a form, and its Close button: a form holding what the
// teller typed asks before it is discarded; one with nothing typed (empty,
// or only what lookups and defaults filled in) closes at once.
func (s *Shell) cancel() {
	f := s.form.current
	if f == nil || !f.Typed() {
		s.close()
		return
	}
	msg := widget.NewLabel(s.t("表单中有已输入的内容，关闭后将丢失。", "The form holds what was typed; closing it loses that."))
	msg.Wrapping = fyne.TextWrapWord
	s.ask(s.t("放弃已输入的内容？", "Discard what was typed?"), msg, func(ok bool) {
		if ok && s.form.current == f {
			s.close()
		}
	})
}

// close closes the open form and goes back to the welcome screen.
func (s *Shell) close() {
	s.idleDisplay()
	s.summary.resetStatus()
	s.dropNewerNote()
	s.form.close()
	s.showWelcome()
	// The closed form's field had the focus; the code box takes it, so
	// the next fast-path code can be typed at once.
	s.layout.focusCode()
}

// Authorizer hands out the credentials typed for the submission under
// way, the first supervisor's at the first call and the second's at the
// next (a posting the ledger's policy puts under two), then nil: the
// ledger asks for them while it posts (ledger.AuthorizeFunc).
func (s *Shell) Authorizer() *Credentials {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	if len(s.authorizers) == 0 {
		return nil
	}
	c := s.authorizers[0]
	s.authorizers = s.authorizers[1:]
	return c
}

// setAuthorizers sets the credentials Authorizer hands out.
func (s *Shell) setAuthorizers(c []*Credentials) {
	s.authMu.Lock()
	defer s.authMu.Unlock()
	s.authorizers = c
}

// Counterpart returns the other teller's confirmation of the cash handover
// under way, or nil: the ledger asks for it while it posts.
func (s *Shell) Counterpart() *Credentials { return s.counterpart }
