package teller

import (
	"guitai/internal/screenshot"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/devices/emv"
	"guitai/ledger"
	"guitai/money"
	"guitai/widgets"
)

var formLayout = reflect.TypeOf(layout.NewFormLayout())

// texts lists the visible buttons' and labels' texts under o.
func texts(o fyne.CanvasObject) (buttons, labels []string) {
	for _, x := range test.LaidOutObjects(o) {
		switch x := x.(type) {
		case *widget.Button:
			if x.Visible() {
				buttons = append(buttons, x.Text)
			}
		case *widget.Label:
			if x.Visible() {
				labels = append(labels, x.Text)
			}
		}
	}
	return buttons, labels
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fillLargeDeposit fills a cash deposit over the authorization limit.
func fillLargeDeposit(t *testing.T, s *Shell, acct string) {
	t.Helper()
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	f := s.Current()
	for k, v := range map[string]any{"account": acct, "amount": money.MustParse("60000"),
		"depositor_name": "王伟", "depositor_id": "11010519491231002X", "fund_source": "business"} {
		if err := f.Scope.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if p := f.Validate(); len(p) > 0 {
		t.Fatalf("the deposit does not validate: %v", p)
	}
}

// The confirmation speaks the window's language (not the process's Yes and
// No), shows a choice by its label, is wide enough for an ID number on one
// line, has no icon over the text, and answers Esc and Enter.
func TestConfirmationInTheWindowsLanguage(t *testing.T) {
	s, w, store := shellOnLedger(t)
	acct := firstAccount(t, store, 0)
	press := func(k fyne.KeyName) { w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k}) }
	for _, tt := range []struct {
		lang, yes, no, source string
	}{
		{"zh", "确认 Enter", "取消 Esc", "经营收入"},
		{"en", "Confirm Enter", "Cancel Esc", "Business income"},
	} {
		s.setLang(tt.lang)
		fillLargeDeposit(t, s, acct)
		s.submit()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatalf("%s: no confirmation", tt.lang)
		}
		buttons, labels := texts(top)
		if !has(buttons, tt.yes) || !has(buttons, tt.no) || has(buttons, "Yes") || has(buttons, "No") {
			t.Errorf("%s: buttons %q, want %q and %q", tt.lang, buttons, tt.yes, tt.no)
		}
		if !has(labels, tt.source) || has(labels, "business") {
			t.Errorf("%s: the source of funds is not shown as %q: %q", tt.lang, tt.source, labels)
		}
		for _, o := range test.LaidOutObjects(top) {
			switch x := o.(type) {
			case *canvas.Image:
				if x.Visible() && x.Size().Width > 2*theme.IconInlineSize() { // not a button's icon
					t.Errorf("%s: an image (Fyne's question mark) in the confirmation", tt.lang)
				}
			case *widget.Label:
				if x.Text == "11010519491231002X" {
					if h := x.Size().Height; h > x.MinSize().Height+0.5 || x.Size().Width < 300 {
						t.Errorf("%s: the ID number is given %v", tt.lang, x.Size())
					}
				}
			}
		}
		for _, p := range screenshot.CheckLayout(w.Canvas()) {
			if strings.HasPrefix(p, "dialog") {
				t.Errorf("%s: %s", tt.lang, p)
			}
		}
		if w := top.(*widget.PopUp).Content.Size().Width; w < confirmWidth {
			t.Errorf("%s: the confirmation is %.0f wide, want at least %d", tt.lang, w, confirmWidth)
		}
		// Esc cancels: nothing is posted, and the keys are the form's again.
		press(fyne.KeyEscape)
		if w.Canvas().Overlays().Top() != nil || s.posting.Load() || s.Modal() != "" {
			t.Fatalf("%s: Esc did not cancel the confirmation", tt.lang)
		}
		// Enter confirms: the supervisor is asked next.
		s.submit()
		press(fyne.KeyF10) // held back while the confirmation waits
		if n := len(w.Canvas().Overlays().List()); n != 1 {
			t.Errorf("%s: F10 over the confirmation opened %d dialogs", tt.lang, n)
		}
		press(fyne.KeyReturn)
		if top := w.Canvas().Overlays().Top(); top == nil || findForm(top) == nil {
			t.Fatalf("%s: Enter did not confirm (no supervisor dialog)", tt.lang)
		}
		// Esc in the supervisor's id field cancels the authorization.
		focused := w.Canvas().Focused()
		if focused == nil {
			t.Fatalf("%s: nothing has the focus in the supervisor dialog", tt.lang)
		}
		focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if w.Canvas().Overlays().Top() != nil || s.Modal() != "" {
			t.Fatalf("%s: Esc did not close the supervisor dialog (%q on top)", tt.lang, s.Modal())
		}
	}
}

// SummaryRows shows a choice by its option's label, money in figures.
func TestSummaryRowsShowOptionLabels(t *testing.T) {
	s, _, store := shellOnLedger(t)
	fillLargeDeposit(t, s, firstAccount(t, store, 0))
	f := s.Current()
	for lang, want := range map[string]string{"zh": "经营收入", "en": "Business income"} {
		rows := SummaryRows(f.Def, f.Values(), lang)
		got := map[string]string{}
		for _, r := range rows {
			got[r[1]] = r[0]
		}
		if _, ok := got[want]; !ok {
			t.Errorf("%s: rows %q lack %q", lang, rows, want)
		}
		if _, ok := got["¥60,000.00"]; !ok {
			t.Errorf("%s: rows %q lack the amount", lang, rows)
		}
		if !strings.Contains(Summary(f.Def, f.Values(), lang), want) {
			t.Errorf("%s: Summary lacks %q", lang, want)
		}
	}
}

// Sign-off asks in the window's language too.
func TestSignOffAsksInTheWindowsLanguage(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	signedOff := false
	s.cfg.SignOff = func() error { return nil }
	s.cfg.SignedOff = func() { signedOff = true }
	s.setLang("en")
	s.signOff()
	buttons, _ := texts(w.Canvas().Overlays().Top())
	if !has(buttons, "Confirm Enter") || has(buttons, "Yes") {
		t.Fatalf("sign-off buttons %q", buttons)
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !signedOff {
		t.Error("Enter did not sign off")
	}
}

// The key help is a grid of key and action, with the demo card's keys
// when the card reader is the simulator.
func TestKeyHelpGrid(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	for _, demo := range []bool{false, true} {
		if demo {
			s.cfg.CardReader = emv.NewSimReader("cardreader")
		}
		s.showKeys()
		top := w.Canvas().Overlays().Top()
		var grid *fyne.Container
		for _, o := range test.LaidOutObjects(top) {
			if c, ok := o.(*fyne.Container); ok && grid == nil && reflect.TypeOf(c.Layout) == formLayout {
				grid = c
			}
		}
		if grid == nil {
			t.Fatal("the key help is not a grid")
		}
		var cells []string
		for _, o := range grid.Objects {
			cells = append(cells, o.(*widget.Label).Text)
		}
		// Key and action in their own cells, side by side.
		if len(cells) < 4 || cells[0] != "F1" || cells[1] != "按键帮助" {
			t.Errorf("cells %q", cells)
		}
		if l0, l1 := grid.Objects[0], grid.Objects[1]; l1.Position().X < l0.Position().X+l0.Size().Width ||
			l1.Position().Y != l0.Position().Y {
			t.Error("the action is not beside its key")
		}
		if got := has(cells, "Ctrl+Shift+I") && has(cells, "Ctrl+Shift+R"); got != demo {
			t.Errorf("demo card reader %v: demo card keys listed %v", demo, got)
		}
		w.Canvas().Overlays().Remove(top)
	}
}

// largeShell is the window with every header button (journal, reprint,
// lock, sign-off), a long status line and the text at scale 1.25.
func largeShell(t *testing.T, lang string) (*Shell, fyne.Window, *ledger.Store) {
	t.Helper()
	s, w, store, _ := shellWithPrinter(t)
	fyne.CurrentApp().Settings().SetTheme(widgets.Theme{Scale: 1.25})
	s.cfg.Unlock = func(string) error { return nil }
	s.cfg.SignOff = func() error { return nil }
	s.cfg.Status = "010101 张敏 · 0101 T01 · /home/teller/.local/share/guitai/ledger.db · " + DemoCardHint()
	s.lang = ""
	s.setLang(lang) // rebuilt with the above
	return s, w, store
}

// At text scale 1.25 the window still fits 1280 px with the widest form
// open, in both languages: the form scrolls, the navigator keeps its
// width. Narrower, the header's buttons drop their captions and the status
// line wraps; wider, the buttons have their captions.
func TestWindowFitsAtTextScale125(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		s, w, _ := largeShell(t, lang)
		if err := s.Open("card_loss_report"); err != nil {
			t.Fatal(err)
		}
		full := s.t("电子流水 F4", "Journal F4")
		for _, width := range []float32{1280, 1000, 1900} {
			w.Resize(fyne.NewSize(width, 800))
			w.Content().Refresh() // lay out again, as a frame does
			if min := w.Content().MinSize().Width; min > width {
				t.Errorf("%s: the window needs %.0f px, has %.0f", lang, min, width)
			}
			for _, p := range screenshot.CheckLayout(w.Canvas()) {
				t.Errorf("%s at %.0f px: %s", lang, width, p)
			}
			if width == 1000 && s.summary.status.Size().Height < 1.5*widget.NewLabel("x").MinSize().Height {
				t.Errorf("%s at %.0f px: the long status line is on one line", lang, width)
			}
			for _, o := range test.LaidOutObjects(w.Content()) {
				if sp, ok := o.(*container.Split); ok && sp.Leading.Size().Width+0.5 < 200*textScale() {
					t.Errorf("%s at %.0f px: the navigator is %.0f px wide", lang, width, sp.Leading.Size().Width)
				}
			}
			buttons, _ := texts(w.Content())
			switch {
			case width == 1000 && (!has(buttons, "F4") || has(buttons, full)):
				t.Errorf("%s: header buttons %q at %.0f px, want the short ones", lang, buttons, width)
			case width == 1900 && (has(buttons, "F4") || !has(buttons, full)):
				t.Errorf("%s: header buttons %q at %.0f px, want the captions", lang, buttons, width)
			}
		}
	}
}

// The sign-on card grows with the text: nothing on it is squeezed or cut
// at scale 1.25, the demo hint included.
func TestSignOnFitsAtTextScale125(t *testing.T) {
	test.NewTempApp(t)
	fyne.CurrentApp().Settings().SetTheme(widgets.Theme{Scale: 1.25})
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1280, 800))
	ShowSignOn(w, "zh", "2026-01-02", "演示 demo: 010101 / guitai-demo · 主管 supervisor 010199",
		func(string, string) error { return nil }, func() {})
	w.Content().Refresh() // lay out again, as a frame does
	if p := screenshot.CheckLayout(w.Canvas()); len(p) > 0 {
		t.Errorf("sign-on at scale 1.25: %q", p)
	}
}

// The journal's columns fit their cells at scale 1.25.
func TestJournalColumnsFitAtTextScale125(t *testing.T) {
	s, w, store := largeShell(t, "zh")
	w.Resize(fyne.NewSize(1280, 800))
	deposit(t, s, w, store, firstAccount(t, store, 0), "1234.56")
	for _, lang := range []string{"zh", "en"} {
		s.setLang(lang)
		s.ShowJournal()
		if len(s.rx.journal.entries) == 0 {
			t.Fatal("no journal rows")
		}
		if cuts := s.journalCuts(); len(cuts) > 0 {
			t.Errorf("%s: %q", lang, cuts)
		}
		// The widths journalCuts reads are the table's.
		cell := s.rx.journal.table.CreateCell()
		for i, c := range journalColumns {
			s.rx.journal.table.UpdateCell(widget.TableCellID{Row: 0, Col: i}, cell)
			if w := cell.MinSize().Width; w > c.width+0.5 {
				t.Errorf("%s: column %d is %.0f wide, its first cell needs %.0f", lang, i, c.width, w)
			}
		}
	}
}

// Opening a form focuses its first field on the shell's own window, also
// when another window was made after it (the customer display; Fyne knows
// which canvas a new form is on only once it has been drawn).
func TestOpenFocusesTheFirstField(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	test.NewTempWindow(t, widget.NewLabel("another window"))
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	want := s.Current().FirstFocusable()
	if want == nil || w.Canvas().Focused() != want {
		t.Errorf("focus on %T, want the first field %T", w.Canvas().Focused(), want)
	}
}

// A longer title (a form opened) makes the header lay its buttons out
// again: they drop their captions rather than cut the title.
func TestHeaderFollowsTheTitle(t *testing.T) {
	s, w, _ := largeShell(t, "en")
	w.Resize(fyne.NewSize(1280, 800))
	h := s.layout.header.Layout.(*header)
	s.showWelcome()
	long := "3102  " + s.byCode["3102"].Title.En
	s.layout.title.Text = long
	width := screenshot.LabelWidth(s.layout.title) + theme.Padding() + h.toolsWidth(false) - 10
	s.showWelcome()
	s.layout.header.Resize(fyne.NewSize(width, s.layout.header.MinSize().Height))
	if buttons, _ := texts(s.layout.header); !has(buttons, "Journal F4") {
		t.Fatalf("the welcome title leaves no room for the captions: %q", buttons)
	}
	if err := s.Open("cashbox_settle"); err != nil {
		t.Fatal(err)
	}
	if s.layout.title.Text != long {
		t.Fatalf("title %q", s.layout.title.Text)
	}
	if got, need := s.layout.title.Size().Width, screenshot.LabelWidth(s.layout.title); got+0.5 < need {
		t.Errorf("the title is cut to %.0f px (needs %.0f); buttons %q", got, need, func() []string { b, _ := texts(s.layout.header); return b }())
	}
}

// No form scrolls sideways in a 1280×800 window at text scale 1.25, in
// either language: a group whose columns do not fit side by side drops to
// fewer (the loss report's three lost items in English did not fit two to
// a row), and nothing is squeezed, cut or overlapping for it.
func TestFormsDoNotScrollSidewaysAtTextScale125(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		s, w, _ := largeShell(t, lang)
		w.Resize(fyne.NewSize(1280, 800))
		for _, f := range s.forms {
			if err := s.Open(f.ID); err != nil {
				t.Fatal(err)
			}
			w.Content().Refresh() // lay out again, as a frame does
			for _, p := range screenshot.CheckLayout(w.Canvas()) {
				t.Errorf("%s %s: %s", lang, f.ID, p)
			}
		}
		// The loss report's hint under an oral report, shown.
		if err := s.Open("card_loss_report"); err != nil {
			t.Fatal(err)
		}
		if err := s.Current().Scope.Set("loss_type", "oral"); err != nil {
			t.Fatal(err)
		}
		w.Content().Refresh()
		w.Content().Refresh() // the hint's wrapped height, as the next frame
		if !s.Current().Visible("oral_hint") {
			t.Fatalf("%s: the oral report's hint is hidden", lang)
		}
		for _, p := range screenshot.CheckLayout(w.Canvas()) {
			t.Errorf("%s card_loss_report, oral: %s", lang, p)
		}
	}
}

// F10 pressed while a widget that drops the keys it does not know has the
// focus (a radio option, a button) still submits the form: the window
// takes function keys on key-down from such widgets.
func TestFunctionKeyFromAButton(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	if err := s.Open("open_account"); err != nil {
		t.Fatal(err)
	}
	var clear *widget.Button
	for _, o := range test.LaidOutObjects(w.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "清空 F6" {
			clear = b
		}
	}
	if clear == nil {
		t.Fatal("no clear button")
	}
	w.Canvas().Focus(clear)
	if w.Canvas().Focused() != clear {
		t.Fatalf("focus on %T, not the button", w.Canvas().Focused())
	}
	clear.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF10}) // a button does nothing with it
	if s.summary.status.Text != "" && strings.Contains(s.summary.status.Text, "处需要修改") {
		t.Fatal("the button submitted by itself")
	}
	s.keyDown(&fyne.KeyEvent{Name: fyne.KeyF10})
	// The empty form was submitted: its problems are counted in the
	// status line.
	if !strings.Contains(s.summary.status.Text, "处需要修改") {
		t.Errorf("F10 from a button did not submit: status %q", s.summary.status.Text)
	}
	// In a field of the form, the field passes it on itself: no second
	// submission on key-down.
	w.Canvas().Focus(s.Current().Field("cust_name").Focusable())
	s.summary.status.SetText("")
	s.keyDown(&fyne.KeyEvent{Name: fyne.KeyF10})
	if s.summary.status.Text != "" {
		t.Errorf("key-down submitted from a field that passes F10 on itself: %q", s.summary.status.Text)
	}
}
