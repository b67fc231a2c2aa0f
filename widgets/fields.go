package widgets

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/money"
)

// hooks are the renderer's callbacks, shared by every field adapter.
type hooks struct {
	changed, submitted, left func()
	quiet                    bool // set while SetValue writes, so no change is reported
	fkey                     fkey // the window's function keys
}

func (h *hooks) Watch(changed, submitted, left func()) {
	h.changed, h.submitted, h.left = changed, submitted, left
}

func (h *hooks) fireChanged() {
	if !h.quiet && h.changed != nil {
		h.changed()
	}
}

func (h *hooks) fireSubmitted() {
	if h.submitted != nil {
		h.submitted()
	}
}

// enterKey reports whether k is Enter, after moving on as Enter does: the
// choice and check fields, which Fyne gives no OnSubmitted, call it first.
func (h *hooks) enterKey(k *fyne.KeyEvent) bool {
	if k.Name != fyne.KeyReturn && k.Name != fyne.KeyEnter {
		return false
	}
	h.fireSubmitted()
	return true
}

func (h *hooks) fireLeft() {
	if h.left != nil {
		h.left()
	}
}

// errorLine is the line under a standard input: the error in the error
// colour when there is one, otherwise the field's hint (the form's "hint"
// prop) in small text of the placeholder colour, as under the banking
// entries; nothing when there is neither. An error takes the hint's place,
// and the refusal of a keystroke (only digits in a number) the error's
// until the next accepted key or until the teller leaves the field.
type errorLine struct {
	label   *widget.Label // the refusal or the error
	note    *canvas.Text  // the hint
	line    *fyne.Container
	err     string // set by the form
	refusal string // why the last keystroke or paste was refused
}

func newErrorLine(hint string) *errorLine {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.SizeName = "subHeadingText"
	l.Hide()
	th := theme.Current()
	note := canvas.NewText(hint, th.Color(theme.ColorNamePlaceHolder, fyne.CurrentApp().Settings().ThemeVariant()))
	note.TextSize = th.Size(theme.SizeNameCaptionText)
	pad := th.Size(theme.SizeNameInnerPadding) / 2
	e := &errorLine{label: l, note: note,
		line: container.New(layout.NewCustomPaddedLayout(0, 0, pad, 0), note)}
	if hint == "" {
		e.line.Hide()
		note.Hide()
	}
	return e
}

// under stacks the input and its line.
func (e *errorLine) under(input fyne.CanvasObject) *fyne.Container {
	return container.NewVBox(input, e.label, e.line)
}

// SetError shows msg under the input in place of the hint; "" clears it.
// An error set takes the place of a refusal shown before it.
func (e *errorLine) SetError(msg string) {
	if msg != "" && msg != e.err {
		e.refusal = ""
	}
	e.err = msg
	e.show()
}

// setRefusal shows why a keystroke was refused in place of the error and
// the hint; "" takes it away.
func (e *errorLine) setRefusal(msg string) {
	if msg != e.refusal {
		e.refusal = msg
		e.show()
	}
}

// show draws the refusal, else the error, else the hint.
func (e *errorLine) show() {
	msg := e.refusal
	if msg == "" {
		msg = e.err
	}
	if msg == e.label.Text && (msg == "") == !e.label.Visible() {
		return
	}
	e.label.SetText(msg)
	if msg == "" {
		e.label.Hide()
		if e.note.Text != "" {
			e.note.Show()
			e.line.Show()
		}
	} else {
		e.label.Show()
		e.note.Hide()
		e.line.Hide()
	}
}

// keyEntry is an Entry that reports Enter, Escape and focus loss, and can
// refuse what is typed or pasted, saying why.
type keyEntry struct {
	widget.Entry
	h      *hooks
	cancel func()
	// accept, if not nil, returns why the field refuses r (the zero Text
	// when it takes it).
	accept func(r rune) dsl.Text
	// maxLen, if not 0, is the most runes the field takes.
	maxLen int
	// refused shows why a keystroke or paste was refused in the form's
	// language; "" when an edit was accepted or the teller left.
	refused func(why string)
	lang    string
}

// Why a plain field refuses a keystroke or a paste.
var (
	whyPhoneChars = dsl.Text{Zh: "只能输入数字和 -", En: "Digits and - only"}
	whyDateChars  = dsl.Text{Zh: "只能输入数字和 -（YYYY-MM-DD）", En: "Digits and - only (YYYY-MM-DD)"}
)

// whyMaxLen is the refusal of a rune past maxLength.
func whyMaxLen(n int) dsl.Text {
	return dsl.Text{Zh: fmt.Sprintf("最多 %d 个字符", n), En: fmt.Sprintf("At most %d characters", n)}
}

// textAccept is the accept of the plain field types that take only some
// runes.
var textAccept = map[string]func(r rune) dsl.Text{
	"number": func(r rune) dsl.Text { return refuseUnless(r >= '0' && r <= '9', whyDigitsOnly) },
	"phone":  func(r rune) dsl.Text { return refuseUnless((r >= '0' && r <= '9') || r == '-', whyPhoneChars) },
	"date":   func(r rune) dsl.Text { return refuseUnless((r >= '0' && r <= '9') || r == '-', whyDateChars) },
}

// refuseUnless is why when ok is false, the zero Text otherwise.
func refuseUnless(ok bool, why dsl.Text) dsl.Text {
	if ok {
		return dsl.Text{}
	}
	return why
}

// say shows why a keystroke was refused; the zero Text takes it away.
func (e *keyEntry) say(why dsl.Text) {
	if e.refused != nil {
		e.refused(why.In(e.lang))
	}
}

// refusal is why the entry refuses to take text in place of its selection.
func (e *keyEntry) refusal(text string) dsl.Text {
	if e.accept != nil {
		for _, r := range text {
			if why := e.accept(r); !why.IsZero() {
				return why
			}
		}
	}
	if e.maxLen > 0 {
		n := len([]rune(e.Text)) - len([]rune(e.SelectedText())) + len([]rune(text))
		if n > e.maxLen && n > len([]rune(e.Text)) {
			return whyMaxLen(e.maxLen)
		}
	}
	return dsl.Text{}
}

func newKeyEntry(h *hooks, cancel func(), multiLine bool) *keyEntry {
	e := &keyEntry{h: h, cancel: cancel}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	e.OnChanged = func(string) { h.fireChanged() }
	e.OnSubmitted = func(string) { h.fireSubmitted() }
	return e
}

// TypedRune refuses, saying why, the characters the field does not take.
func (e *keyEntry) TypedRune(r rune) {
	if e.Disabled() {
		return
	}
	why := e.refusal(string(r))
	e.say(why)
	if why.IsZero() {
		e.Entry.TypedRune(r)
	}
}

// AcceptsTab is false even for a multi-line field: Tab moves to the next
// field everywhere on a form (Fyne's multi-line Entry takes it as a tab
// character, trapping the teller in the address box).
func (e *keyEntry) AcceptsTab() bool { return false }

// isNewLine reports whether s is Ctrl+Enter, the new line of a multi-line
// field.
func isNewLine(s fyne.Shortcut) bool {
	c, ok := s.(*desktop.CustomShortcut)
	return ok && (c.KeyName == fyne.KeyReturn || c.KeyName == fyne.KeyEnter) && c.Modifier == fyne.KeyModifierControl
}

// TypedShortcut pastes text whole or refuses it whole, saying why; white
// space is dropped from a paste into a field that takes none ("138 0000
// 0000" into a phone number), as it does not change the value. Ctrl+Enter
// starts a new line in a multi-line field.
func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	if isNewLine(s) {
		if e.MultiLine && !e.Disabled() {
			why := e.refusal("\n")
			e.say(why)
			if why.IsZero() {
				e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			}
		}
		return
	}
	p, ok := s.(*fyne.ShortcutPaste)
	if !ok || p.Clipboard == nil || e.Disabled() || (e.accept == nil && e.maxLen == 0) {
		e.Entry.TypedShortcut(s)
		return
	}
	text := p.Clipboard.Content()
	if e.accept != nil {
		text = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, text)
	}
	why := e.refusal(text)
	e.say(why)
	if why.IsZero() {
		e.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &fixedClipboard{text}})
	}
}

// TypedKey turns Escape into cancel; in a multi-line field Enter moves on
// as in any other field (Ctrl+Enter is the new line).
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if e.h.fkey.take(k) {
		return
	}
	if k.Name == fyne.KeyEscape && e.cancel != nil {
		e.cancel()
		return
	}
	if e.MultiLine && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) {
		e.h.fireSubmitted()
		return
	}
	if k.Name == fyne.KeyBackspace || k.Name == fyne.KeyDelete {
		e.say(dsl.Text{})
	}
	e.Entry.TypedKey(k)
}

// FocusLost takes a refusal away and reports that the teller left the
// field, whose own check then has the line.
func (e *keyEntry) FocusLost() {
	e.Entry.FocusLost()
	e.say(dsl.Text{})
	e.h.fireLeft()
}

// textField adapts a plain entry: text, textarea, password, phone, number
// and date.
type textField struct {
	hooks
	*errorLine
	entry   *keyEntry
	kind    string
	caption string // the caption, for the PIN pad's dialog
	box     *fyne.Container
}

func newTextField(c *Context, n *dsl.Node) *textField {
	f := &textField{kind: n.Type, errorLine: newErrorLine(c.T(n.PropText("hint")))}
	f.hooks.fkey = c.functionKey
	f.entry = newKeyEntry(&f.hooks, c.Cancel, n.Type == "textarea")
	e := f.entry
	if n.Type == "textarea" {
		e.SetMinRowsVisible(n.PropInt("rows", 3))
	}
	e.Password = n.Type == "password"
	if e.Password {
		// Never Fyne's eye: the PIN pad's button or nothing (pin.go).
		f.caption = c.T(n.PropText("label"))
		e.ActionItem = pinAction(c, f)
	}
	e.accept = textAccept[n.Type]
	if n.Type == "date" {
		e.SetPlaceHolder("YYYY-MM-DD")
	}
	e.maxLen = max(n.PropInt("maxLength", 0), 0)
	e.lang, e.refused = c.Lang, f.setRefusal
	if ph := c.T(n.PropText("placeholder")); ph != "" {
		e.SetPlaceHolder(ph)
	}
	if n.PropBool("readOnly") {
		e.Disable()
	}
	if n.Type == "date" && n.PropBool("defaultToday") {
		e.SetText(dsl.Today().Format("2006-01-02"))
	}
	f.box = f.under(e)
	return f
}

func (f *textField) Value() any {
	s := strings.TrimSpace(f.entry.Text)
	if f.kind == "password" || f.kind == "textarea" {
		s = f.entry.Text
	}
	if s == "" {
		return nil
	}
	switch f.kind {
	case "number":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return s // Problem reports it
		}
		return n
	case "date":
		if t, err := parseDate(s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s
}

// Problem reports a value the field's type cannot hold, before any rule.
func (f *textField) Problem() dsl.Text {
	s := strings.TrimSpace(f.entry.Text)
	if s == "" {
		return dsl.Text{}
	}
	switch f.kind {
	case "number":
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return dsl.Text{Zh: "请输入整数", En: "Enter a whole number"}
		}
	case "date":
		if _, err := parseDate(s); err != nil {
			return dsl.Text{Zh: "日期格式为 YYYY-MM-DD", En: "Date is YYYY-MM-DD"}
		}
	}
	return dsl.Text{}
}

func parseDate(s string) (time.Time, error) {
	if len(s) == 8 {
		return time.Parse("20060102", s)
	}
	return time.Parse("2006-01-02", s)
}

func (f *textField) SetValue(v any) {
	f.quiet = true
	defer func() { f.quiet = false }()
	f.setRefusal("")
	if v == nil {
		f.entry.SetText("")
		return
	}
	f.entry.SetText(fmt.Sprint(v))
}

func (f *textField) SetEnabled(on bool) { setEnabled(f.entry, on) }

func (f *textField) Focusable() fyne.Focusable { return f.entry }

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// selectEntry is a Select that moves on with Enter.
type selectEntry struct {
	widget.Select
	h *hooks
}

// TypedKey moves to the next field on Enter.
func (s *selectEntry) TypedKey(k *fyne.KeyEvent) {
	if !s.h.fkey.take(k) && !s.h.enterKey(k) {
		s.Select.TypedKey(k)
	}
}

// FocusLost reports that the teller left the field.
func (s *selectEntry) FocusLost() {
	s.Select.FocusLost()
	s.h.fireLeft()
}

// choiceField adapts select and radio: labels shown, option values stored.
type choiceField struct {
	hooks
	*errorLine
	options []dsl.Option
	labels  []string
	sel     *selectEntry
	radio   *widget.RadioGroup
	box     *fyne.Container
}

func newChoiceField(c *Context, n *dsl.Node) *choiceField {
	f := &choiceField{options: n.PropOptions("options"), errorLine: newErrorLine(c.T(n.PropText("hint")))}
	for _, o := range f.options {
		f.labels = append(f.labels, c.T(o.Label))
	}
	changed := func(string) { f.fireChanged() }
	if n.Type == "radio" {
		r := newRadioRow(f.labels, changed)
		r.Horizontal = n.PropBool("horizontal")
		f.radio = &r.RadioGroup
		f.box = f.under(r)
		return f
	}
	f.hooks.fkey = c.functionKey
	f.sel = &selectEntry{h: &f.hooks}
	f.sel.Options = f.labels
	f.sel.OnChanged = changed
	f.sel.PlaceHolder = c.T(n.PropText("placeholder"))
	if f.sel.PlaceHolder == "" {
		f.sel.PlaceHolder = c.T(dsl.Text{Zh: "请选择", En: "Select"})
	}
	f.sel.ExtendBaseWidget(f.sel)
	f.box = f.under(f.sel)
	return f
}

func (f *choiceField) selected() string {
	if f.radio != nil {
		return f.radio.Selected
	}
	return f.sel.Selected
}

func (f *choiceField) Value() any {
	s := f.selected()
	for i, l := range f.labels {
		if l == s {
			return f.options[i].Value
		}
	}
	return nil
}

func (f *choiceField) SetValue(v any) {
	f.quiet = true
	defer func() { f.quiet = false }()
	label := ""
	for i, o := range f.options {
		if o.Value == v {
			label = f.labels[i]
		}
	}
	if f.radio != nil {
		f.radio.SetSelected(label)
	} else if label == "" {
		f.sel.ClearSelected()
	} else {
		f.sel.SetSelected(label)
	}
}

func (f *choiceField) SetEnabled(on bool) {
	if f.radio != nil {
		setEnabled(f.radio, on)
	} else {
		setEnabled(f.sel, on)
	}
}

func (f *choiceField) Focusable() fyne.Focusable {
	if f.sel != nil {
		return f.sel
	}
	return nil
}

// radioRow is a RadioGroup whose horizontal options take each its own
// width, side by side: Fyne gives every option the widest one's width, so
// three options with one long caption ("Deposit certificate") need three
// times that and push the form wider than the window.
type radioRow struct {
	widget.RadioGroup
}

func newRadioRow(options []string, changed func(string)) *radioRow {
	r := &radioRow{}
	r.Options = options
	r.OnChanged = changed
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (r *radioRow) CreateRenderer() fyne.WidgetRenderer {
	return &radioRowRenderer{WidgetRenderer: r.RadioGroup.CreateRenderer(), r: r}
}

// radioRowRenderer lays out the RadioGroup's own options when horizontal.
type radioRowRenderer struct {
	fyne.WidgetRenderer
	r *radioRow
}

func (rr *radioRowRenderer) MinSize() fyne.Size {
	if !rr.r.Horizontal {
		return rr.WidgetRenderer.MinSize()
	}
	var w, h float32
	for _, o := range rr.Objects() {
		m := o.MinSize()
		w += m.Width
		h = max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}

func (rr *radioRowRenderer) Layout(size fyne.Size) {
	if !rr.r.Horizontal {
		rr.WidgetRenderer.Layout(size)
		return
	}
	h := rr.MinSize().Height
	x := float32(0)
	for _, o := range rr.Objects() {
		w := o.MinSize().Width
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, h))
		x += w
	}
}

// Refresh lays the options out again: the RadioGroup's own Refresh lays
// them out its way when they change.
func (rr *radioRowRenderer) Refresh() {
	rr.WidgetRenderer.Refresh()
	rr.Layout(rr.r.Size())
}

// checkEntry is a Check that moves on with Enter.
type checkEntry struct {
	widget.Check
	h *hooks
}

// TypedKey moves to the next field on Enter.
func (c *checkEntry) TypedKey(k *fyne.KeyEvent) {
	if !c.h.fkey.take(k) && !c.h.enterKey(k) {
		c.Check.TypedKey(k)
	}
}

// FocusLost reports that the teller left the field.
func (c *checkEntry) FocusLost() {
	c.Check.FocusLost()
	c.h.fireLeft()
}

type checkField struct {
	hooks
	*errorLine
	check *checkEntry
	box   *fyne.Container
}

func newCheckField(c *Context, n *dsl.Node) *checkField {
	f := &checkField{errorLine: newErrorLine(c.T(n.PropText("hint")))}
	f.hooks.fkey = c.functionKey
	f.check = &checkEntry{h: &f.hooks}
	f.check.Text = c.T(n.PropText("label"))
	f.check.OnChanged = func(bool) { f.fireChanged() }
	f.check.ExtendBaseWidget(f.check)
	f.box = f.under(f.check)
	return f
}

func (f *checkField) Value() any { return f.check.Checked }

func (f *checkField) SetValue(v any) {
	f.quiet = true
	defer func() { f.quiet = false }()
	b, _ := v.(bool)
	f.check.SetChecked(b)
}

func (f *checkField) SetEnabled(on bool)        { setEnabled(f.check, on) }
func (f *checkField) Focusable() fyne.Focusable { return f.check }

// bankEntry is what AmountEntry, AccountEntry and IDCardEntry share.
type bankEntry interface {
	fyne.CanvasObject
	fyne.Disableable
	Entry() fyne.Focusable
	SetValidationError(string)
}

// bankField adapts a banking entry; get and set convert its value to and
// from the state type.
type bankField struct {
	hooks
	w   bankEntry
	get func() any
	set func(any)
}

func (f *bankField) Value() any { return f.get() }

func (f *bankField) SetValue(v any) {
	f.quiet = true
	defer func() { f.quiet = false }()
	f.set(v)
}

func (f *bankField) SetError(msg string)       { f.w.SetValidationError(msg) }
func (f *bankField) SetEnabled(on bool)        { setEnabled(f.w, on) }
func (f *bankField) Focusable() fyne.Focusable { return f.w.Entry() }

// watch wires the entry's callbacks to the field's hooks and the form.
func (f *bankField) watch(c *Context, n *dsl.Node, onSubmitted, onFocusLost, onCancel *func()) {
	*onSubmitted, *onFocusLost, *onCancel = f.fireSubmitted, f.fireLeft, c.Cancel
	f.w.(interface{ setFunctionKeys(fkey) }).setFunctionKeys(c.functionKey)
	if n.PropBool("readOnly") {
		f.w.Disable()
	}
}

// orNil turns the empty string into nil, the state's "nothing entered".
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func newAmountField(c *Context, n *dsl.Node) *bankField {
	w := NewAmountEntry()
	w.Lang = c.Lang
	w.SetHint(c.T(n.PropText("hint")))
	if s := n.PropString("max"); s != "" {
		w.Max, _ = money.Parse(s)
	}
	w.ShowUpper = n.PropBool("upper")
	f := &bankField{w: w,
		get: func() any {
			if v, ok := w.Value(); ok {
				return v
			}
			return nil
		},
		set: func(v any) {
			if fen, ok := v.(money.Fen); ok {
				w.SetValue(fen)
			} else {
				w.Clear()
			}
		}}
	w.OnChanged = func(money.Fen, bool) { f.fireChanged() }
	f.watch(c, n, &w.OnSubmitted, &w.OnFocusLost, &w.OnCancel)
	return f
}

func newAccountField(c *Context, n *dsl.Node) *bankField {
	w := NewAccountEntry()
	w.SetHint(c.T(n.PropText("hint")))
	w.Masked = n.PropBool("masked")
	w.Lang = c.Lang
	w.MaxDigits = n.PropInt("maxDigits", DefaultAccountDigits)
	f := &bankField{w: w,
		get: func() any { return orNil(w.Value()) },
		set: func(v any) { s, _ := v.(string); w.SetValue(s) }}
	w.OnChanged = func(string) { f.fireChanged() }
	f.watch(c, n, &w.OnSubmitted, &w.OnFocusLost, &w.OnCancel)
	return f
}

func newIDField(c *Context, n *dsl.Node) *bankField {
	w := NewIDCardEntry()
	w.Lang = c.Lang
	w.SetHint(c.T(n.PropText("hint")))
	f := &bankField{w: w,
		get: func() any { return orNil(w.Value()) },
		set: func(v any) { s, _ := v.(string); w.SetValue(s) }}
	w.OnChanged = func(string) { f.fireChanged() }
	f.watch(c, n, &w.OnSubmitted, &w.OnFocusLost, &w.OnCancel)
	return f
}
