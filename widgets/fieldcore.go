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

	"guitai/dsl"
)

// This file holds what is shared by AmountEntry, AccountEntry and IDCardEntry: the
// formatting entry inside them (fieldEntry), the state beside it (fieldCore)
// and the renderer putting the hint or error line under it (fieldRenderer).

// fieldRules describes one kind of formatted field. The field holds a raw
// value (the characters that matter, e.g. "1234.5"); the entry shows
// format(raw), which may only add sep runes ("1,234.5").
type fieldRules struct {
	// mapRune maps a typed rune to the rune kept (full-width digits to ASCII,
	// x to X); false refuses the keystroke.
	mapRune func(r rune) (rune, bool)
	// refuseRune is why mapRune refuses r, said under the field.
	refuseRune func(r rune) dsl.Text
	// sep is the separator format inserts; 0 for none.
	sep rune
	// pasteSkip lists runes dropped from pasted text besides sep and white
	// space: runes that do not change the value. Any other rune mapRune
	// refuses refuses the whole paste, with its reason.
	pasteSkip string
	// pasteCheck, if not nil, is why pasted text whose dropped runes would
	// change its value is refused ("1,23" is not 123); zero to take it.
	pasteCheck func(text string) dsl.Text
	// format returns the display text of raw.
	format func(raw string) string
	// normalize, if not nil, tidies raw after an edit and moves the cursor
	// (a count of runes of raw) with it.
	normalize func(raw string, cur int) (string, int)
	// accept returns why raw may not replace prev after an edit, or the
	// zero Text when it may; a refused edit is undone and the field says
	// why, which is how keystrokes are refused.
	accept func(raw, prev string) dsl.Text
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
	// refused is given why a keystroke or paste was refused, and the zero
	// Text when an edit was accepted, the teller left the field or the
	// program set the value: the note under the field follows it.
	refused func(why dsl.Text)
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
// restores the text before the keystroke and says why (hooks.refused):
// input is never silently dropped nor turned into another value.
type fieldEntry struct {
	widget.Entry

	rules   fieldRules
	hooks   fieldHooks
	raw     string
	focused bool
	// err is the validation error shown, which the Validator returns.
	err error

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
	// The entry shows the error given by SetValidationError (red border
	// and icon when not focused) until it is cleared; the Validator only
	// gives it back. Fyne keeps the room of the icon free of text only for
	// an entry with a Validator: without one a long amount ran under the
	// error icon.
	e.AlwaysShowValidationError = true
	e.Validator = func(string) error { return e.err }
	e.Entry.OnSubmitted = func(string) { call(e.hooks.submitted) }
	e.ExtendBaseWidget(e)
	return e
}

// TypedRune inserts r if the rules map it and the result is accepted, and
// says why not otherwise.
func (e *fieldEntry) TypedRune(r rune) {
	if e.Disabled() {
		return
	}
	m, ok := e.rules.mapRune(r)
	if !ok {
		e.say(e.rules.refuseRune(r))
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

// TypedShortcut pastes text whole or refuses it whole with the reason,
// keeps its own undo history and lets the Entry do the rest.
func (e *fieldEntry) TypedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutPaste:
		if e.Disabled() || s.Clipboard == nil {
			return
		}
		text, why := e.cleanPaste(s.Clipboard.Content())
		if !why.IsZero() {
			e.say(why)
			return
		}
		if text == "" {
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

// FocusLost shows the value masked, if the rules mask it, drops the note
// of a refused keystroke (the field's own check replaces it) and tells
// the owner.
func (e *fieldEntry) FocusLost() {
	e.focused = false
	e.Entry.FocusLost()
	if e.rules.blurred != nil {
		e.show(0)
	}
	e.say(dsl.Text{})
	call(e.hooks.focusLost)
}

// say tells the owner why the last keystroke or paste was refused; the
// zero Text that nothing was.
func (e *fieldEntry) say(why dsl.Text) {
	if e.hooks.refused != nil {
		e.hooks.refused(why)
	}
}

// Keyboard returns the virtual keyboard of the field on mobile devices.
func (e *fieldEntry) Keyboard() mobile.KeyboardType {
	return e.rules.keyboard
}

// setRaw sets the value from the program: it clears the undo history, like
// Entry.SetText, and reports a change.
func (e *fieldEntry) setRaw(raw string) {
	e.undo, e.redo = nil, nil
	e.say(dsl.Text{})
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
// and reconciles the result with the rules: it keeps the new value, or
// restores the text before op and says why the rules refuse it.
func (e *fieldEntry) edit(op func()) {
	if e.Text != e.rules.format(e.raw) { // masked: edit the plain text
		e.show(len([]rune(e.raw)))
	}
	beforeText, beforeCol := e.Text, e.CursorColumn
	before := fieldState{e.raw, e.rawCursor()}
	op()
	if e.Text == beforeText {
		e.say(dsl.Text{})
		return
	}
	raw, cur := e.rawAt(e.Text, e.CursorColumn)
	if e.rules.normalize != nil {
		raw, cur = e.rules.normalize(raw, cur)
	}
	why := e.invalid(raw)
	if why.IsZero() {
		why = e.rules.accept(raw, e.raw)
	}
	if !why.IsZero() {
		e.CursorRow, e.CursorColumn = 0, beforeCol
		e.Entry.SetText(beforeText)
		e.say(why)
		return
	}
	e.say(dsl.Text{})
	changed := raw != e.raw
	e.raw = raw
	e.show(cur)
	if changed {
		e.undo = append(e.undo, before)
		e.redo = nil
		call(e.hooks.changed)
	}
}

// invalid is why the field refuses the first rune of raw that mapRune
// does not keep as it is, or the zero Text when it keeps them all.
func (e *fieldEntry) invalid(raw string) dsl.Text {
	for _, r := range raw {
		if m, ok := e.rules.mapRune(r); !ok || m != r {
			return e.rules.refuseRune(r)
		}
	}
	return dsl.Text{}
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
// separators and the pasteSkip runes, which do not change its value; it
// returns why the paste is refused when anything else is in it (a minus
// sign, a letter) or pasteCheck refuses it.
func (e *fieldEntry) cleanPaste(text string) (string, dsl.Text) {
	var b strings.Builder
	for _, r := range text {
		if unicode.IsSpace(r) || (e.rules.sep != 0 && r == e.rules.sep) || strings.ContainsRune(e.rules.pasteSkip, r) {
			continue
		}
		m, ok := e.rules.mapRune(r)
		if !ok {
			return "", e.rules.refuseRune(r)
		}
		b.WriteRune(m)
	}
	if e.rules.pasteCheck != nil {
		if why := e.rules.pasteCheck(text); !why.IsZero() {
			return "", why
		}
	}
	return b.String(), dsl.Text{}
}

// fixedClipboard hands cleaned text to the Entry's paste.
type fixedClipboard struct{ text string }

func (c *fixedClipboard) Content() string     { return c.text }
func (c *fixedClipboard) SetContent(s string) { c.text = s }

// fieldCore is the state the field widgets share: their entry, the
// validation error set by the form and the note of a refused keystroke.
type fieldCore struct {
	owner themedWidget
	entry *fieldEntry
	err   string
	// note is why the last keystroke or paste was refused: shown in the
	// error colour in place of the error and the hint until the next
	// accepted edit, or until the teller leaves the field and its own
	// check (the form's validation error) takes the line.
	note dsl.Text
	lang func() string // the language of the note
	help string        // SetHint's line, when the widget has nothing more specific to say
	keys fkey
}

// themedWidget is a field widget: a widget with BaseWidget's Theme.
type themedWidget interface {
	fyne.Widget
	Theme() fyne.Theme
}

// init makes the entry of owner; lang gives the language its refusals
// are said in ("en", or Chinese otherwise).
func (f *fieldCore) init(owner themedWidget, lang func() string, rules fieldRules, hooks fieldHooks) {
	f.owner = owner
	f.lang = lang
	hooks.fkey = func(k *fyne.KeyEvent) bool { return f.keys.take(k) }
	hooks.refused = f.setNote
	f.entry = newFieldEntry(rules, hooks)
}

// setNote shows why a keystroke was refused; the zero Text takes the note
// away.
func (f *fieldCore) setNote(why dsl.Text) {
	if why == f.note {
		return
	}
	f.note = why
	f.owner.Refresh()
}

// Refusal returns why the last keystroke or paste was refused, in the
// widget's language, as shown under the entry; "" when the note is gone.
func (f *fieldCore) Refusal() string {
	if f.note.IsZero() {
		return ""
	}
	return f.note.In(f.lang())
}

// setFunctionKeys routes the function keys typed in the field to the
// form's window.
func (f *fieldCore) setFunctionKeys(k fkey) { f.keys = k }

func (f *fieldCore) setError(msg string) {
	if msg == f.err {
		return
	}
	f.err = msg
	if msg != "" { // newer than the note
		f.note = dsl.Text{}
	}
	f.entry.err = nil
	if msg != "" {
		f.entry.err = errors.New(msg)
	}
	f.entry.Entry.SetValidationError(f.entry.err)
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
// text: the refusal note or else the error in the error colour when there
// is one, otherwise the hint in the placeholder colour. The line is always
// there, so a form does not move when it fills.
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
	if note := r.core.Refusal(); note != "" {
		r.line.Text = note
		r.line.Color = th.Color(theme.ColorNameError, v)
	} else if r.core.err != "" {
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
