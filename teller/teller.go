package teller

import (
	"bytes"
	"fmt"
	"fyne.io/fyne/v2/driver/desktop"
	"image"
	"image/png"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/assets"
	"guitai/devices/manager"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
	sealfile "guitai/seal"
	"guitai/state"
	"guitai/widgets"
)

// Config is what the window needs from the outside.
type Config struct {
	Forms []*dsl.Form
	Bus   *state.Bus
	Lang  string // "zh" or "en"
	// Seal loads seal specimens for the seal widget.
	Seal func(specimen string) (cheque, seal image.Image, err error)
	// Submit posts a validated form and returns the ledger's result: the
	// journal serial, the returned values and query rows (written back
	// into the form when it binds them). It runs off the UI goroutine.
	// values carries the submission's idempotency key under
	// ledger.KeyField, so a double click or a retry posts once.
	Submit func(f *dsl.Form, values map[string]any) (*ledger.Result, error)
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
	// BusinessDate is the journal's default date; "" is today.
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
	// "invalid <form> <field>: <problem>" when submit found one. The
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

// Shell is the teller window's content.
type Shell struct {
	cfg    Config
	win    fyne.Window
	lang   string
	forms  []*dsl.Form
	byCode map[string]*dsl.Form

	nav     *navTree
	groups  []navGroup // what the navigator shows (after search)
	keys    map[*dsl.Form]searchKey
	code    *shellEntry
	search  *shellEntry
	host    *fyne.Container
	title   *widget.Label
	header  *fyne.Container // the title and the tool buttons (newHeader)
	status  *widget.Label
	current *widgets.Form
	devices *widget.Label // each device's state, from the StateBus
	audit   *widget.Label // the audit log's anchoring
	stopDev func()
	opened  int
	posts   int         // submissions made, for idempotency keys
	posting atomic.Bool // a submission is being posted
	// lookingUp counts the lookups under way (dsl.Lookup).
	lookingUp atomic.Int32

	// authorizer holds the credentials typed for the submission under
	// way; Authorize hands them to the ledger.
	authorizer *Credentials

	extra      []Command    // function keys bound by configured services
	lastActive atomic.Int64 // unix nanoseconds of the last activity
	lock       *lockScreen  // non-nil while the session is locked
	stopIdle   func()
	stopForm   func()         // unsubscribes the open form's activity and lookup watches
	onOpen     []*lookupWatch // the open form's lookups run when it opens
	card       *CardWatcher
	// modals are the shell's dialogs on screen, the top one last: it
	// takes Enter and Esc (dialogs.go).
	modals []*modal
	// statusLine holds the status, the audit log's state and the devices.
	statusLine *fyne.Container
	// invalid is the status a refused submit showed ("有 2 处需要修改"),
	// while the status still shows it: it follows the fixes and goes with
	// the last one, or when the form is cleared, closed or replaced.
	invalid string

	rx shellReceipts // receipts, the reprint queue and the journal screen
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
	s.forms = append(s.forms, cfg.Forms...)
	sort.Slice(s.forms, func(i, j int) bool { return s.forms[i].Code < s.forms[j].Code })
	for _, f := range s.forms {
		if f.Code != "" {
			s.byCode[f.Code] = f
		}
	}
	s.build()
	s.touch()
	s.watchIdle()
	if cfg.CardReader != nil {
		s.card = NewCardWatcher(cfg.CardReader, s.lang, func(pan string) {
			if s.current != nil {
				FillFromCard(s.current, s.win.Canvas(), pan)
			}
		}, func(m string) { s.status.SetText(m) })
		s.card.Start()
	}
	s.trace("ready")
	return s
}

// refreshAudit reads the audit log's anchoring off the UI goroutine and
// shows it in the status bar.
func (s *Shell) refreshAudit() {
	if s.cfg.Audit == nil {
		return
	}
	background(func() {
		st, err := s.cfg.Audit()
		fyne.Do(func() {
			if err != nil {
				s.audit.SetText(s.t("审计 ✗ ", "Audit ✗ ") + err.Error())
				s.audit.Importance = widget.DangerImportance
			} else {
				s.audit.SetText(st.Text(s.lang))
				s.audit.Importance = widget.MediumImportance
			}
			// Laid out again: a longer text must not be squeezed.
			s.statusLine.Refresh()
		})
	})
}

// idleDisplay turns the customer display back to its welcome.
func (s *Shell) idleDisplay() {
	if s.cfg.Display != nil {
		s.cfg.Display.Idle()
	}
}

func (s *Shell) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

func (s *Shell) t(zh, en string) string {
	if s.lang == "en" {
		return en
	}
	return zh
}

func (s *Shell) build() {
	s.code = s.newEntry()
	s.code.SetPlaceHolder(s.t("交易码 F2", "Code F2"))
	s.code.OnSubmitted = func(code string) { s.openCode(strings.TrimSpace(code)) }
	s.search = s.newEntry()
	s.search.SetPlaceHolder(s.t("搜索 F3", "Search F3"))
	s.search.OnChanged = func(q string) { s.filter(q) }
	s.search.OnSubmitted = func(string) { s.openFirst() }
	if s.keys == nil {
		s.keys = map[*dsl.Form]searchKey{}
		for _, f := range s.forms {
			s.keys[f] = newSearchKey(f)
		}
	}
	s.groups = groupForms(s.forms, s.keys, "")
	s.nav = s.newNavigator()
	s.title = widget.NewLabel("")
	s.title.TextStyle = fyne.TextStyle{Bold: true}
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.host = container.NewStack()
	s.status = widget.NewLabel(s.baseStatus())
	s.status.Importance = widget.MediumImportance

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
	nav := container.NewBorder(
		container.NewVBox(container.NewGridWithColumns(2, s.code, s.search)), nil, nil, nil, s.nav)
	// The header: the title, then the tool buttons, each as its caption
	// and key when the row has room and as its icon and key otherwise.
	var tools []headerTool
	tool := func(zh, en string, key fyne.KeyName, icon fyne.Resource, run func()) {
		tools = append(tools, headerTool{
			full:  widget.NewButtonWithIcon(s.t(zh, en)+" "+string(key), icon, run),
			short: widget.NewButtonWithIcon(string(key), icon, run),
		})
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
	tools = append(tools, headerTool{full: help, short: help}, headerTool{full: lang, short: lang})
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.header = newHeader(s.title, tools)
	right := container.NewBorder(s.header, nil, nil, nil, s.host)
	// The navigator keeps its width: a wide form scrolls in the host
	// rather than push the divider over the menu.
	split := container.NewHSplit(container.New(&minWidth{w: 200 * textScale()}, nav), right)
	split.Offset = 0.22
	s.devices = widget.NewLabel("")
	s.audit = widget.NewLabel("")
	// The status line's left part (who, where, the last message) wraps
	// onto a second line rather than widen the window.
	s.status.Wrapping = fyne.TextWrapWord
	s.statusLine = container.NewBorder(nil, nil, nil, container.NewHBox(s.audit, s.devices), s.status)
	s.win.SetContent(container.NewBorder(nil, s.statusLine, nil, nil, split))
	s.refreshAudit()
	s.watchDevices()
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
	s.showWelcome()
	// After sign-on (and after a change of language) the teller types a
	// fast-path code first; -open, or the form the language change keeps,
	// moves the focus on into the form.
	s.win.Canvas().Focus(s.code)
}

// baseStatus is the status line with no message in it (who, where, the
// ledger), with the demo-card hint in the window's language.
func (s *Shell) baseStatus() string {
	return strings.Replace(s.cfg.Status, DemoCardHint(), DemoCardHintIn(s.lang), 1)
}

// resetStatus takes the count of fields to fix off the status line when
// it is there.
func (s *Shell) resetStatus() {
	if s.invalid != "" && s.status.Text == s.invalid {
		s.status.SetText(s.baseStatus())
	}
	s.invalid = ""
}

// recount follows the teller's fixes after a refused submit: the count of
// fields to fix drops with each, and the line goes with the last.
func (s *Shell) recount() {
	f := s.current
	if s.invalid == "" || f == nil {
		return
	}
	if s.status.Text != s.invalid {
		s.invalid = "" // another message took its place
		return
	}
	n := len(f.Problems())
	if n == 0 {
		s.resetStatus()
		return
	}
	s.invalid = s.invalidText(n)
	s.status.SetText(s.invalid)
}

// invalidText is the status of a submit refused for n fields.
func (s *Shell) invalidText(n int) string {
	return fmt.Sprintf(s.t("有 %d 处需要修改", "%d fields need attention"), n)
}

// signOff asks the ledger to sign the teller off and says why when it
// refuses.
func (s *Shell) signOff() {
	s.boxFigures(func(balance money.Fen, _ string, known bool) {
		s.confirmSignOff(s.signOffBody(balance, known))
	})
}

func (s *Shell) confirmSignOff(body fyne.CanvasObject) {
	s.ask(s.t("签退", "Sign off"), body, func(ok bool) {
		if !ok {
			return
		}
		background(func() {
			err := s.cfg.SignOff()
			fyne.Do(func() {
				if err != nil {
					s.status.SetText(s.message(err))
					s.showError(err)
					return
				}
				if s.current != nil {
					s.close()
				}
				if s.stopDev != nil {
					s.stopDev()
				}
				if s.stopIdle != nil {
					s.stopIdle()
					s.stopIdle = nil
				}
				if s.card != nil {
					s.card.Stop()
				}
				if s.cfg.SignedOff != nil {
					s.cfg.SignedOff()
				}
			})
		})
	})
}

// setLang redraws the window in another language, keeping the open form.
func (s *Shell) setLang(l string) {
	if l == s.lang {
		return
	}
	s.lang = l
	cur := s.currentDef()
	s.build()
	if cur != nil {
		s.open(cur)
	}
}

func (s *Shell) showWelcome() {
	s.setTitle(s.t("柜台 Guitai", "Guitai teller"))
	hint := widget.NewLabel(s.t("从左侧菜单选择交易，或输入交易码（如 1401）后回车。", "Pick a transaction on the left, or type its code (e.g. 1401) and press Enter."))
	hint.Wrapping = fyne.TextWrapWord
	welcome := container.NewVBox(hint)
	s.host.Objects = []fyne.CanvasObject{welcome}
	s.host.Refresh()
	s.showBoxHint(welcome)
}

// setTitle shows the title in the header and lays the header out again:
// whether the tool buttons keep their captions depends on the title's
// length, which the header's least width (the title is cut at need) does
// not tell Fyne.
func (s *Shell) setTitle(text string) {
	s.title.SetText(text)
	s.header.Refresh()
}

func (s *Shell) currentDef() *dsl.Form {
	if s.current == nil {
		return nil
	}
	return s.current.Def
}

// filter shows the forms q finds, grouped, every group open.
func (s *Shell) filter(q string) {
	s.groups = groupForms(s.forms, s.keys, q)
	s.nav.UnselectAll()
	s.nav.Refresh()
	s.nav.OpenAllBranches()
}

// openFirst opens the first form the search shows (Enter in the search box).
func (s *Shell) openFirst() {
	for _, g := range s.groups {
		if len(g.forms) > 0 {
			s.search.SetText("")
			s.open(g.forms[0])
			return
		}
	}
}

func (s *Shell) openCode(code string) {
	f, ok := s.byCode[code]
	if !ok {
		s.inform(s.t("交易码", "Code"), s.t("没有交易码 ", "No transaction has code ")+code)
		return
	}
	s.code.SetText("")
	s.open(f)
}

// Open shows a form by id; it is what the menu, the search and the code box
// end in.
func (s *Shell) Open(id string) error {
	for _, f := range s.forms {
		if f.ID == id {
			s.open(f)
			return nil
		}
	}
	return fmt.Errorf("no form %q", id)
}

// Current is the open form, or nil.
func (s *Shell) Current() *widgets.Form { return s.current }

func (s *Shell) open(def *dsl.Form) {
	if s.current != nil {
		s.current.Close()
		s.cfg.Bus.Drop(s.current.Scope.Name())
	}
	s.opened++
	scope := s.cfg.Bus.Scope(fmt.Sprintf("form:%s#%d", def.ID, s.opened))
	var live *widgets.Form
	live, err := widgets.Render(def, scope, widgets.Options{
		Lang:     s.lang,
		Seal:     s.cfg.Seal,
		OnKey:    s.functionKey,
		OnChange: func() { s.recount() },
		OnAction: func(action string) {
			switch action {
			case "submit", "query":
				s.submit()
			case "cancel":
				s.cancel()
			case "clear":
				s.clearForm(live)
			case "readCard":
				if s.card != nil {
					s.card.Read()
				}
			}
		},
	})
	if err != nil {
		s.showError(err)
		return
	}
	s.current = live
	s.resetStatus()
	if s.stopForm != nil {
		s.stopForm()
	}
	stopTouch := scope.Subscribe(nil, func(c state.Change) {
		s.touch()
		for _, k := range c.Keys {
			s.trace("set " + k)
		}
	})
	stopLookups := s.watchLookups(live)
	stopID := s.watchID(live)
	s.stopForm = func() { stopTouch(); stopLookups(); stopID() }
	s.touch()
	s.setTitle(def.Code + "  " + def.Title.In(s.lang))
	submitText := s.t("提交 F10", "Submit F10")
	if isQuery(def) {
		submitText = s.t("查询 F10", "Search F10")
	}
	submit := widget.NewButtonWithIcon(submitText, theme.ConfirmIcon(), s.submit)
	submit.Importance = widget.HighImportance
	clearBtn := widget.NewButtonWithIcon(s.t("清空 F6", "Clear F6"), theme.ContentClearIcon(), func() { s.clearForm(live) })
	cancel := widget.NewButtonWithIcon(s.t("关闭 Esc", "Close Esc"), theme.CancelIcon(), s.cancel)
	bar := container.NewHBox(layout.NewSpacer(), cancel, clearBtn, submit)
	// The form scrolls both ways: one wider than the host (long English
	// options, a larger text scale) must not push the navigator aside.
	body := container.NewScroll(container.NewPadded(live.Object()))
	s.host.Objects = []fyne.CanvasObject{container.NewBorder(nil, bar, nil, nil, body)}
	s.host.Refresh()
	s.focusFirst(live)
	s.trace("open " + def.ID)
}

// trace tells Config.Trace of an event.
func (s *Shell) trace(event string) {
	if s.cfg.Trace != nil {
		s.cfg.Trace(event)
	}
}

// focusFirst puts the keyboard focus in the form's first input. It goes
// through the window's canvas, which knows the form as soon as it is in
// the content: Form.FocusFirst finds the canvas only once the form has
// been drawn, and does nothing for a form opened before the window shows
// (-open) or just put in the host.
func (s *Shell) focusFirst(f *widgets.Form) {
	if t := f.FirstFocusable(); t != nil {
		s.win.Canvas().Focus(t)
	}
}

// cancel is Esc in a form, and its Close button: a form holding what the
// teller typed asks before it is discarded; one with nothing typed (empty,
// or only what lookups and defaults filled in) closes at once.
func (s *Shell) cancel() {
	f := s.current
	if f == nil || !f.Typed() {
		s.close()
		return
	}
	msg := widget.NewLabel(s.t("表单中有已输入的内容，关闭后将丢失。", "The form holds what was typed; closing it loses that."))
	msg.Wrapping = fyne.TextWrapWord
	s.ask(s.t("放弃已输入的内容？", "Discard what was typed?"), msg, func(ok bool) {
		if ok && s.current == f {
			s.close()
		}
	})
}

func (s *Shell) close() {
	s.idleDisplay()
	s.resetStatus()
	if s.stopForm != nil {
		s.stopForm()
		s.stopForm = nil
	}
	if s.current != nil {
		s.current.Close()
		s.cfg.Bus.Drop(s.current.Scope.Name())
		s.current = nil
	}
	s.showWelcome()
	// The closed form's field had the focus; the code box takes it, so
	// the next fast-path code can be typed at once.
	s.win.Canvas().Focus(s.code)
}

// Authorizer returns the credentials typed for the submission under way, or
// nil: the ledger asks for them while it posts.
func (s *Shell) Authorizer() *Credentials { return s.authorizer }

// Summary lists the submitted values with their captions, money in figures,
// one "caption: value" a line.
func Summary(def *dsl.Form, values map[string]any, lang string) string {
	var b strings.Builder
	for _, r := range SummaryRows(def, values, lang) {
		fmt.Fprintf(&b, "%s: %s\n", r[0], r[1])
	}
	return strings.TrimRight(b.String(), "\n")
}

// PostedRows is what the success message shows: the journal serial, then
// each value the posting returned that the form binds, under the form's
// caption for it (the holder's name, say), as SummaryRows shows values.
func PostedRows(def *dsl.Form, res *ledger.Result, lang string) [][2]string {
	caption := "流水号"
	if lang == "en" {
		caption = "Journal no."
	}
	rows := [][2]string{}
	if res.Serial != "" {
		rows = append(rows, [2]string{caption, res.Serial})
	}
	return append(rows, SummaryRows(def, res.Values, lang)...)
}

// postedMessage is the status line after a posting: the journal serial,
// then the values it returned that the form shows, each under the form's
// caption for it ("尾箱余额: 1,000.00"), never under the ledger's key.
func postedMessage(def *dsl.Form, res *ledger.Result, lang string) string {
	parts := []string{"交易成功"}
	if lang == "en" {
		parts[0] = "Posted"
	}
	if res.Serial != "" {
		parts[0] = firstLine(res.Message(lang)) // the serial line alone
	}
	for _, r := range SummaryRows(def, res.Values, lang) {
		parts = append(parts, r[0]+": "+r[1])
	}
	return strings.Join(parts, " · ")
}

// SummaryRows lists the submitted values as caption and value, in the
// form's order: money in figures, a choice by its option's label in lang,
// passwords hidden and masked accounts masked.
func SummaryRows(def *dsl.Form, values map[string]any, lang string) [][2]string {
	var rows [][2]string
	def.Walk(func(_ []string, n *dsl.Node) bool {
		v, ok := values[n.Bind]
		if n.Bind == "" || !ok {
			return true
		}
		label := n.PropText("label").In(lang)
		if label == "" {
			return true // no caption: a raw key is no caption
		}
		var shown string
		switch x := v.(type) {
		case money.Fen:
			shown = "¥" + x.Grouped()
		case bool:
			shown = map[bool]string{true: "✓", false: "✗"}[x]
		default:
			shown = fmt.Sprint(v)
			if n.Type == "password" {
				shown = "******"
			}
			if n.Type == "account" && n.PropBool("masked") {
				shown = dsl.Mask(shown)
			}
			for _, o := range n.PropOptions("options") {
				if o.Value == shown {
					if l := o.Label.In(lang); l != "" {
						shown = l
					}
					break
				}
			}
		}
		rows = append(rows, [2]string{label, shown})
		return true
	})
	return rows
}

// summaryGrid shows summary rows as two columns: the captions, and the
// values in bold. A value too long for half the confirmation's width wraps
// rather than widen it (only then: a wrapping label asks for its height
// before it has its width, and a dialog laid out with that keeps it).
func summaryGrid(rows [][2]string) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 2*len(rows))
	bold := fyne.TextStyle{Bold: true}
	for _, r := range rows {
		caption := widget.NewLabel(r[0])
		caption.Alignment = fyne.TextAlignTrailing
		value := widget.NewLabelWithStyle(r[1], fyne.TextAlignLeading, bold)
		if fyne.MeasureText(r[1], theme.TextSize(), bold).Width > confirmWidth*textScale()/2 {
			value.Wrapping = fyne.TextWrapWord
		}
		objs = append(objs, caption, value)
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// confirmWidth is the least width of a confirmation at text scale 1: an
// 18-character ID number and its caption on one line.
const confirmWidth = 520

// textScale is how much larger than Fyne's default the theme's text is.
func textScale() float32 {
	return theme.TextSize() / theme.DefaultTheme().Size(theme.SizeNameText)
}

// minWidth gives its objects at least w of width.
type minWidth struct{ w float32 }

func (m *minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(max(s.Width, m.w), s.Height)
}

func (m *minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// headerTool is a header button in its two forms: with its caption and
// key, and with its key only (the same object when it has one form).
type headerTool struct{ full, short fyne.CanvasObject }

// header lays out the window's header: the title on the left and the
// tools on the right, each in its full form when the row has room for them
// all and the whole title, in its short form otherwise. Its least width is
// the short tools' and the title's, cut with an ellipsis: the header
// never widens the window.
type header struct {
	title *widget.Label
	tools []headerTool
}

func newHeader(title *widget.Label, tools []headerTool) *fyne.Container {
	h := &header{title: title, tools: tools}
	objs := []fyne.CanvasObject{title}
	for _, t := range tools {
		objs = append(objs, t.full)
		if t.short != t.full {
			objs = append(objs, t.short)
		}
	}
	return container.New(h, objs...)
}

// toolsWidth is the width of the tools side by side, short or full.
func (h *header) toolsWidth(short bool) float32 {
	w := float32(0)
	for i, t := range h.tools {
		o := t.full
		if short {
			o = t.short
		}
		if i > 0 {
			w += theme.Padding()
		}
		w += o.MinSize().Width
	}
	return w
}

// short reports whether the tools are shown in their short form for a
// header of this width.
func (h *header) short(width float32) bool {
	th := fyne.CurrentApp().Settings().Theme()
	size := h.title.SizeName
	if size == "" {
		size = theme.SizeNameText
	}
	title := fyne.MeasureText(h.title.Text, th.Size(size), h.title.TextStyle).Width +
		2*th.Size(theme.SizeNameInnerPadding)
	return title+theme.Padding()+h.toolsWidth(false) > width
}

func (h *header) MinSize([]fyne.CanvasObject) fyne.Size {
	height := h.title.MinSize().Height
	for _, t := range h.tools {
		height = max(height, t.full.MinSize().Height, t.short.MinSize().Height)
	}
	return fyne.NewSize(h.title.MinSize().Width+theme.Padding()+h.toolsWidth(true), height)
}

func (h *header) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	short := h.short(size.Width)
	x := size.Width
	for i := len(h.tools) - 1; i >= 0; i-- {
		show, hide := h.tools[i].full, h.tools[i].short
		if short {
			show, hide = hide, show
		}
		if hide != show {
			hide.Hide()
		}
		show.Show()
		m := show.MinSize()
		x -= m.Width
		show.Move(fyne.NewPos(x, (size.Height-m.Height)/2))
		show.Resize(m)
		x -= theme.Padding()
	}
	h.title.Move(fyne.NewPos(0, 0))
	h.title.Resize(fyne.NewSize(max(x, 0), size.Height))
}

// DemoSeal loads the demo seal specimen shipped in assets: the cheque image
// and the specimen decrypted in memory with the demo key.
//
// The cheque image is decoded once and shared (it is 3 MB decoded and no
// secret); the seal specimen is decrypted anew for each form, so its plain
// image lives only as long as the form that shows it.
func DemoSeal(string) (cheque, seal image.Image, err error) {
	chequePNG, blob, key, err := assets.DemoSeal()
	if err != nil {
		return nil, nil, err
	}
	demoCheque.once.Do(func() {
		demoCheque.img, demoCheque.err = png.Decode(bytes.NewReader(chequePNG))
	})
	if demoCheque.err != nil {
		return nil, nil, fmt.Errorf("demo cheque: %w", demoCheque.err)
	}
	cheque = demoCheque.img
	seal, err = sealfile.Decrypt(key, blob)
	if err != nil {
		return nil, nil, err
	}
	return cheque, seal, nil
}

// demoCheque is the demo cheque image, decoded on first use.
var demoCheque struct {
	once sync.Once
	img  image.Image
	err  error
}

// deviceNames are the captions of the devices the status bar knows.
var deviceNames = map[string][2]string{
	"printer":    {"打印机", "Printer"},
	"cardreader": {"读卡器", "Card reader"},
	"finger":     {"指纹仪", "Fingerprint"},
}

// watchDevices shows the devices scope of the StateBus in the status bar:
// each device with ✓ when ready and its state otherwise.
func (s *Shell) watchDevices() {
	if s.stopDev != nil {
		s.stopDev()
	}
	scope := s.cfg.Bus.Scope(manager.Scope)
	show := func() {
		snap := scope.Snapshot()
		names := make([]string, 0, len(snap))
		for n := range snap {
			names = append(names, n)
		}
		sort.Strings(names)
		var parts []string
		for _, n := range names {
			caption := n
			if c, ok := deviceNames[n]; ok {
				caption = s.t(c[0], c[1])
			}
			mark := "?"
			if st, ok := snap[n].(manager.Status); ok {
				switch st.State {
				case "ready":
					mark = "✓"
				default:
					mark = st.State
					if st.Detail != "" {
						mark += " " + st.Detail
					}
				}
			}
			parts = append(parts, caption+" "+mark)
		}
		s.devices.SetText(strings.Join(parts, "  "))
		if s.statusLine != nil {
			s.statusLine.Refresh()
		}
	}
	show()
	s.stopDev = scope.Subscribe(nil, func(state.Change) { show() })
}
