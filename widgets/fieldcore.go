package widgets

import (
	"errors"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// This file holds what is shared by AmountEntry, AccountEntry and IDCardEntry: the
// formatting entry inside them (fieldEntry), the state beside it (fieldCore)
// and the renderer putting the hint or error line under it (fieldRenderer).

// fieldRules describes one kind of formatted field. The field holds a raw
// value (the characters that matter, e.g. "1234.5"); the entry shows
// format(raw), which may only add sep runes ("1,234.5").
type fieldRules struct {
	// mapRune maps a typed rune to the rune kept (full-width digits to ASCII,
	// x to X); false rejects the keystroke.
	mapRune func(r rune) (rune, bool)
	// sep is the separator format inserts; 0 for none.
	sep rune
	// pasteSkip lists runes dropped from pasted text besides sep and white
	// space; any other rune mapRune refuses rejects the whole paste.
	pasteSkip string
	// format returns the display text of raw.
	format func(raw string) string
	// normalize, if not nil, tidies raw after an edit and moves the cursor
	// (a count of runes of raw) with it.
	normalize func(raw string, cur int) (string, int)
	// accept reports whether raw may replace prev after an edit; when it
	// does not the edit is undone, which is how keystrokes are rejected.
	accept func(raw, prev string) bool
	// blurred, if not nil, is the display text when the entry has no focus
	// (a masked account number).
	blurred func(raw string) string
	// keyboard is the virtual keyboard asked for on mobile devices.
	keyboard mobile.KeyboardType
}

// fieldHooks are the owner's callbacks.
type fieldHooks struct {
	changed   func() // raw changed, by the teller or by the program
	submitted func() // Enter or Return
	focusLost func() // after the entry lost focus (and is redrawn blurred)
	cancel    func() // Escape
	fkey      fkey   // function keys, for the window
}

// fieldState is a value and cursor for undo and redo.
type fieldState struct {
	raw string
	cur int
}

// fieldEntry is a single-line widget.Entry that keeps its raw value as the
// truth and shows it formatted. Every editing operation of the Entry runs
// on the display text; edit then derives the new raw value from the result
// (dropping separators), normalises it, and either shows it formatted with
// the cursor after the same raw character, or, if the rules refuse it,
// restores the text before the keystroke.
type fieldEntry struct {
	widget.Entry

	rules   fieldRules
	hooks   fieldHooks
	raw     string
	focused bool

	undo, redo []fieldState
}

var (
	_ fyne.Focusable      = (*fieldEntry)(nil)
	_ fyne.Shortcutable   = (*fieldEntry)(nil)
	_ mobile.Keyboardable = (*fieldEntry)(nil)
)

func newFieldEntry(rules fieldRules, hooks fieldHooks) *fieldEntry {
	e := &fieldEntry{rules: rules, hooks: hooks}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	// No Validator: the entry shows the error given by SetValidationError
	// (red border and icon when not focused) until it is cleared.
	e.AlwaysShowValidationError = true
	e.Entry.OnSubmitted = func(string) { call(e.hooks.submitted) }
	e.ExtendBaseWidget(e)
	return e
}

// TypedRune inserts r if the rules map it and the result is accepted.
func (e *fieldEntry) TypedRune(r rune) {
	if e.Disabled() {
		return
	}
	m, ok := e.rules.mapRune(r)
	if !ok {
		return
	}
	e.edit(func() { e.Entry.TypedRune(m) })
}

// TypedKey handles a key; Backspace and Delete next to a separator remove
// the character beyond it.
func (e *fieldEntry) TypedKey(key *fyne.KeyEvent) {
	if e.Disabled() {
		return
	}
	if e.hooks.fkey.take(key) {
		return
	}
	switch key.Name {
	case fyne.KeyEscape:
		call(e.hooks.cancel)
	case fyne.KeyBackspace, fyne.KeyDelete:
		e.edit(func() {
			if e.rules.sep != 0 && e.SelectedText() == "" {
				text := []rune(e.Text)
				col := e.CursorColumn
				if key.Name == fyne.KeyBackspace && col > 1 && col <= len(text) && text[col-1] == e.rules.sep {
					e.CursorColumn--
				} else if key.Name == fyne.KeyDelete && col < len(text)-1 && text[col] == e.rules.sep {
					e.CursorColumn++
				}
			}
			e.Entry.TypedKey(key)
		})
	default:
		e.Entry.TypedKey(key)
	}
}

// TypedShortcut cleans pasted text, keeps its own undo history and lets the
// Entry do the rest.
func (e *fieldEntry) TypedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutPaste:
		if e.Disabled() || s.Clipboard == nil {
			return
		}
		text, ok := e.cleanPaste(s.Clipboard.Content())
		if !ok {
			return
		}
		e.edit(func() { e.Entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &fixedClipboard{text}}) })
	case *fyne.ShortcutUndo:
		e.Undo()
	case *fyne.ShortcutRedo:
		e.Redo()
	case *fyne.ShortcutCopy, *fyne.ShortcutSelectAll:
		e.Entry.TypedShortcut(s)
	default: // cut, delete word, moving by word
		e.edit(func() { e.Entry.TypedShortcut(s) })
	}
}

// Undo restores the value before the last edit by the teller.
func (e *fieldEntry) Undo() {
	if len(e.undo) == 0 || e.Disabled() {
		return
	}
	st := e.undo[len(e.undo)-1]
	e.undo = e.undo[:len(e.undo)-1]
	e.redo = append(e.redo, fieldState{e.raw, e.rawCursor()})
	e.restore(st)
}

// Redo re-applies the last edit undone.
func (e *fieldEntry) Redo() {
	if len(e.redo) == 0 || e.Disabled() {
		return
	}
	st := e.redo[len(e.redo)-1]
	e.redo = e.redo[:len(e.redo)-1]
	e.undo = append(e.undo, fieldState{e.raw, e.rawCursor()})
	e.restore(st)
}

func (e *fieldEntry) restore(st fieldState) {
	changed := st.raw != e.raw
	e.raw = st.raw
	e.show(st.cur)
	if changed {
		call(e.hooks.changed)
	}
}

// FocusGained shows the value unmasked.
func (e *fieldEntry) FocusGained() {
	e.focused = true
	e.Entry.FocusGained()
	if e.rules.blurred != nil {
		e.show(len([]rune(e.raw)))
	}
}

// FocusLost shows the value masked, if the rules mask it, and tells the
// owner.
func (e *fieldEntry) FocusLost() {
	e.focused = false
	e.Entry.FocusLost()
	if e.rules.blurred != nil {
		e.show(0)
	}
	call(e.hooks.focusLost)
}

// Keyboard returns the virtual keyboard of the field on mobile devices.
func (e *fieldEntry) Keyboard() mobile.KeyboardType {
	return e.rules.keyboard
}

// setRaw sets the value from the program: it clears the undo history, like
// Entry.SetText, and reports a change.
func (e *fieldEntry) setRaw(raw string) {
	e.undo, e.redo = nil, nil
	changed := raw != e.raw
	e.raw = raw
	e.show(len([]rune(raw)))
	if changed {
		call(e.hooks.changed)
	}
}

// display returns the text the entry should show now.
func (e *fieldEntry) display() string {
	if e.rules.blurred != nil && !e.focused {
		return e.rules.blurred(e.raw)
	}
	return e.rules.format(e.raw)
}

// show displays the value with the cursor after cur runes of raw.
func (e *fieldEntry) show(cur int) {
	text := e.display()
	e.CursorRow = 0
	e.CursorColumn = e.displayColumn(text, cur)
	// SetText keeps the cursor set above (it only clamps it) and syncs the
	// selection with it.
	e.Entry.SetText(text)
}

// edit runs op, an editing operation of the Entry on the display text,
// and reconciles the result with the rules.
func (e *fieldEntry) edit(op func()) {
	if e.Text != e.rules.format(e.raw) { // masked: edit the plain text
		e.show(len([]rune(e.raw)))
	}
	beforeText, beforeCol := e.Text, e.CursorColumn
	before := fieldState{e.raw, e.rawCursor()}
	op()
	if e.Text == beforeText {
		return
	}
	raw, cur := e.rawAt(e.Text, e.CursorColumn)
	if e.rules.normalize != nil {
		raw, cur = e.rules.normalize(raw, cur)
	}
	if !e.valid(raw) || !e.rules.accept(raw, e.raw) {
		e.CursorRow, e.CursorColumn = 0, beforeCol
		e.Entry.SetText(beforeText)
		return
	}
	changed := raw != e.raw
	e.raw = raw
	e.show(cur)
	if changed {
		e.undo = append(e.undo, before)
		e.redo = nil
		call(e.hooks.changed)
	}
}

// valid reports whether every rune of raw is one mapRune keeps as it is.
func (e *fieldEntry) valid(raw string) bool {
	for _, r := range raw {
		if m, ok := e.rules.mapRune(r); !ok || m != r {
			return false
		}
	}
	return true
}

// rawAt returns the text without separators and the number of its runes
// before display column col.
func (e *fieldEntry) rawAt(text string, col int) (string, int) {
	var b strings.Builder
	cur := 0
	for i, r := range []rune(text) {
		if e.rules.sep != 0 && r == e.rules.sep {
			continue
		}
		b.WriteRune(r)
		if i < col {
			cur++
		}
	}
	return b.String(), cur
}

// rawCursor is the cursor as a count of raw runes before it.
func (e *fieldEntry) rawCursor() int {
	if e.Text != e.rules.format(e.raw) {
		return len([]rune(e.raw))
	}
	_, cur := e.rawAt(e.Text, e.CursorColumn)
	return cur
}

// displayColumn returns the column just after the cur-th raw rune of text.
func (e *fieldEntry) displayColumn(text string, cur int) int {
	if cur <= 0 {
		return 0
	}
	n := 0
	runes := []rune(text)
	for i, r := range runes {
		if e.rules.sep != 0 && r == e.rules.sep {
			continue
		}
		n++
		if n == cur {
			return i + 1
		}
	}
	return len(runes)
}

// cleanPaste maps pasted text to runes of the field, dropping white space,
// separators and the pasteSkip runes; false if anything else is in it.
func (e *fieldEntry) cleanPaste(text string) (string, bool) {
	var b strings.Builder
	for _, r := range text {
		if unicode.IsSpace(r) || (e.rules.sep != 0 && r == e.rules.sep) || strings.ContainsRune(e.rules.pasteSkip, r) {
			continue
		}
		m, ok := e.rules.mapRune(r)
		if !ok {
			return "", false
		}
		b.WriteRune(m)
	}
	return b.String(), b.Len() > 0
}

// fixedClipboard hands cleaned text to the Entry's paste.
type fixedClipboard struct{ text string }

func (c *fixedClipboard) Content() string     { return c.text }
func (c *fixedClipboard) SetContent(s string) { c.text = s }

// fieldCore is the state the field widgets share: their entry and the
// validation error set by the form.
type fieldCore struct {
	owner themedWidget
	entry *fieldEntry
	err   string
	help  string // SetHint's line, when the widget has nothing more specific to say
	keys  fkey
}

// themedWidget is a field widget: a widget with BaseWidget's Theme.
type themedWidget interface {
	fyne.Widget
	Theme() fyne.Theme
}

func (f *fieldCore) init(owner themedWidget, rules fieldRules, hooks fieldHooks) {
	f.owner = owner
	hooks.fkey = func(k *fyne.KeyEvent) bool { return f.keys.take(k) }
	f.entry = newFieldEntry(rules, hooks)
}

// setFunctionKeys routes the function keys typed in the field to the
// form's window.
func (f *fieldCore) setFunctionKeys(k fkey) { f.keys = k }

func (f *fieldCore) setError(msg string) {
	if msg == f.err {
		return
	}
	f.err = msg
	if msg == "" {
		f.entry.Entry.SetValidationError(nil)
	} else {
		f.entry.Entry.SetValidationError(errors.New(msg))
	}
	f.owner.Refresh()
}

func (f *fieldCore) renderer(hint func() string) fyne.WidgetRenderer {
	line := canvas.NewText("", nil)
	r := &fieldRenderer{core: f, hint: hint, line: line}
	r.objects = []fyne.CanvasObject{f.entry, line}
	r.Refresh()
	return r
}

// fieldRenderer puts the entry on top and, under it, one line of smaller
// text: the error in the error colour when there is one, otherwise the hint
// in the placeholder colour. The line is always there, so a form does not
// move when it fills.
type fieldRenderer struct {
	core    *fieldCore
	hint    func() string
	line    *canvas.Text
	objects []fyne.CanvasObject
	size    fyne.Size
}

func (r *fieldRenderer) Destroy() {}

func (r *fieldRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *fieldRenderer) lineHeight() float32 {
	th := r.core.owner.Theme()
	return fyne.MeasureText("0", th.Size(theme.SizeNameCaptionText), r.line.TextStyle).Height
}

func (r *fieldRenderer) MinSize() fyne.Size {
	m := r.core.entry.MinSize()
	return fyne.NewSize(m.Width, m.Height+r.lineHeight())
}

func (r *fieldRenderer) Layout(size fyne.Size) {
	r.size = size
	eh := r.core.entry.MinSize().Height
	r.core.entry.Move(fyne.NewPos(0, 0))
	r.core.entry.Resize(fyne.NewSize(size.Width, eh))
	r.fitLine()
}

// fitLine places the line under the entry, shrinking the text when it is
// wider than the field (a long 大写 amount) rather than spilling over.
func (r *fieldRenderer) fitLine() {
	th := r.core.owner.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	avail := r.size.Width - pad
	r.line.TextSize = th.Size(theme.SizeNameCaptionText)
	if w := fyne.MeasureText(r.line.Text, r.line.TextSize, r.line.TextStyle).Width; w > avail && avail > 0 {
		r.line.TextSize = max(r.line.TextSize*avail/w, 8)
	}
	eh := r.core.entry.MinSize().Height
	r.line.Move(fyne.NewPos(pad/2, eh))
	r.line.Resize(fyne.NewSize(avail, r.lineHeight()))
}

func (r *fieldRenderer) Refresh() {
	th := r.core.owner.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	if r.core.err != "" {
		r.line.Text = r.core.err
		r.line.Color = th.Color(theme.ColorNameError, v)
	} else {
		r.line.Text = r.hint()
		if r.line.Text == "" {
			r.line.Text = r.core.help
		}
		r.line.Color = th.Color(theme.ColorNamePlaceHolder, v)
	}
	r.fitLine()
	r.line.Refresh()
	r.core.entry.Refresh()
}

// Text returns the entry's text as displayed, with its separators.
func (f *fieldCore) Text() string { return f.entry.Text }

// Entry returns the focusable entry inside the widget: give it to
// Canvas.Focus to put the cursor in this field.
func (f *fieldCore) Entry() fyne.Focusable { return f.entry }

// SetHint sets the help line shown under the entry (the form's "hint"
// prop) when there is no error and the widget has nothing more specific
// to show there: the 大写 of an amount, "(卡)" after a card read, the
// birth date of an ID number.
func (f *fieldCore) SetHint(s string) {
	f.help = s
	f.owner.Refresh()
}

// SetValidationError shows msg under the entry in the error colour, in
// place of the hint, and marks the entry as in error; "" clears it.
func (f *fieldCore) SetValidationError(msg string) { f.setError(msg) }

// ValidationError returns the message set by SetValidationError.
func (f *fieldCore) ValidationError() string { return f.err }

// SetPlaceHolder sets the text shown in the empty entry.
func (f *fieldCore) SetPlaceHolder(text string) { f.entry.SetPlaceHolder(text) }

// Disable stops the entry taking input.
func (f *fieldCore) Disable() { f.entry.Disable() }

// Enable lets the entry take input again.
func (f *fieldCore) Enable() { f.entry.Enable() }

// Disabled reports whether the entry is disabled.
func (f *fieldCore) Disabled() bool { return f.entry.Disabled() }
