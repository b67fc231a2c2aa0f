package widgets

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"guitai/money"
)

// Helpers shared by the field widget tests.

// fldShow puts obj in a test window of the test app of t.
func fldShow(t testing.TB, obj fyne.CanvasObject) fyne.Window {
	t.Helper()
	w := test.NewTempWindow(t, obj)
	w.Resize(fyne.NewSize(420, 200))
	return w
}

// fldKeys types s into e: runes are typed, and these stand for keys:
// '\b' Backspace, '\x7f' Delete, '←' Left, '→' Right, '⇤' Home, '⇥' End,
// '⌘' select all.
func fldKeys(e *fieldEntry, s string) {
	for _, r := range s {
		switch r {
		case '\b':
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		case '\x7f':
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
		case '←':
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
		case '→':
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
		case '⇤':
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyHome})
		case '⇥':
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
		case '⌘':
			e.TypedShortcut(&fyne.ShortcutSelectAll{})
		default:
			e.TypedRune(r)
		}
	}
}

func fldPaste(e *fieldEntry, text string) {
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &fixedClipboard{text}})
}

// fldLine returns the text and colour name of the line under a field widget.
func fldLine(t *testing.T, w fyne.Widget) (string, fyne.ThemeColorName) {
	t.Helper()
	r, ok := test.WidgetRenderer(w).(*fieldRenderer)
	if !ok {
		t.Fatalf("renderer of %T is %T", w, test.WidgetRenderer(w))
	}
	th := test.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for _, n := range []fyne.ThemeColorName{theme.ColorNameError, theme.ColorNamePlaceHolder} {
		if r.line.Color == th.Color(n, v) {
			return r.line.Text, n
		}
	}
	return r.line.Text, ""
}

func TestAmountEntryTyping(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name   string
		keys   string
		max    money.Fen
		text   string
		value  money.Fen
		empty  bool
		cursor int // -1: not checked
	}{
		{"grouped as typed", "1234567.8", 0, "1,234,567.8", 123456780, false, 11},
		{"third decimal rejected", "12.345", 0, "12.34", 1234, false, 5},
		{"letters ignored", "abc", 0, "", 0, true, 0},
		{"letters between digits", "1a2b3", 0, "123", 12300, false, 3},
		{"second point rejected", "1..2.", 0, "1.2", 120, false, 3},
		{"leading zeros dropped", "0005", 0, "5", 500, false, 1},
		{"zero kept", "000", 0, "0", 0, false, 1},
		{"leading point", ".5", 0, "0.5", 50, false, 3},
		{"full-width digits", "１２３４。５", 0, "1,234.5", 123450, false, 7},
		{"backspace", "12345\b", 0, "1,234", 123400, false, 5},
		{"backspace over a comma", "1234←←←\b", 0, "234", 23400, false, 0},
		{"delete over a comma", "1234⇤→\x7f", 0, "134", 13400, false, 1},
		{"backspace to empty", "12\b\b\b", 0, "", 0, true, 0},
		{"insert in the middle", "1234⇤9", 0, "91,234", 9123400, false, 1},
		{"cursor kept after regrouping", "123456←←←9", 0, "1,239,456", 123945600, false, 5},
		{"select all and retype", "1234.56⌘7", 0, "7", 700, false, 1},
		{"select all and backspace", "1234.56⌘\b", 0, "", 0, true, 0},
		{"13 yuan digits at most", "12345678901234", 0, "1,234,567,890,123", 123456789012300, false, -1},
		{"max reached", "10001", 100000, "1,000", 100000, false, -1},
		{"max in fen", "1000.01", 100000, "1,000.0", 100000, false, -1},
		{"max exact", "1000.00", 100000, "1,000.00", 100000, false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAmountEntry()
			a.Max = tt.max
			fldShow(t, a)
			fldKeys(a.fieldCore.entry, tt.keys)
			if got := a.Text(); got != tt.text {
				t.Errorf("text = %q, want %q", got, tt.text)
			}
			v, ok := a.Value()
			if v != tt.value || ok == tt.empty {
				t.Errorf("Value() = %d, %v; want %d, %v", v, ok, tt.value, !tt.empty)
			}
			if c := a.fieldCore.entry.CursorColumn; tt.cursor >= 0 && c != tt.cursor {
				t.Errorf("cursor at %d, want %d", c, tt.cursor)
			}
		})
	}
}

func TestAmountEntryTestType(t *testing.T) {
	test.NewTempApp(t)
	a := NewAmountEntry()
	fldShow(t, a)
	test.Type(a.Entry(), "1234567.8")
	if got := a.Text(); got != "1,234,567.8" {
		t.Errorf("text = %q", got)
	}
	if v, ok := a.Value(); !ok || v != 123456780 {
		t.Errorf("Value() = %d, %v", v, ok)
	}
}

func TestAmountEntryPaste(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		before, paste string
		text          string
		value         money.Fen
	}{
		{"", "1,234.5", "1,234.5", 123450},
		{"", "¥ 1,234.50", "1,234.50", 123450},
		{"", "12abc", "", 0},
		{"", "1.234", "", 0},
		{"9", "1,000", "91,000", 9100000},
	}
	for _, tt := range tests {
		t.Run(tt.paste, func(t *testing.T) {
			a := NewAmountEntry()
			fldShow(t, a)
			fldKeys(a.fieldCore.entry, tt.before)
			fldPaste(a.fieldCore.entry, tt.paste)
			if got := a.Text(); got != tt.text {
				t.Errorf("text = %q, want %q", got, tt.text)
			}
			if v, _ := a.Value(); v != tt.value {
				t.Errorf("value = %d, want %d", v, tt.value)
			}
		})
	}
}

func TestAmountEntryUndoRedo(t *testing.T) {
	test.NewTempApp(t)
	a := NewAmountEntry()
	fldShow(t, a)
	fldKeys(a.fieldCore.entry, "1234")
	a.fieldCore.entry.TypedShortcut(&fyne.ShortcutUndo{})
	if got := a.Text(); got != "123" {
		t.Errorf("after undo text = %q, want 123", got)
	}
	a.fieldCore.entry.TypedShortcut(&fyne.ShortcutRedo{})
	if got := a.Text(); got != "1,234" {
		t.Errorf("after redo text = %q, want 1,234", got)
	}
}

func TestAmountEntryUpper(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		keys      string
		showUpper bool
		err       string
		line      string
		color     fyne.ThemeColorName
	}{
		{"1234.5", true, "", "壹仟贰佰叁拾肆元伍角整", theme.ColorNamePlaceHolder},
		{"100000", true, "", "壹拾万元整", theme.ColorNamePlaceHolder},
		{"0.05", true, "", "伍分", theme.ColorNamePlaceHolder},
		{"", true, "", "", theme.ColorNamePlaceHolder},
		{"1234.5", false, "", "", theme.ColorNamePlaceHolder},
		{"1234.5", true, "超过单笔限额", "超过单笔限额", theme.ColorNameError},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			a := NewAmountEntry()
			a.ShowUpper = tt.showUpper
			fldShow(t, a)
			fldKeys(a.fieldCore.entry, tt.keys)
			a.SetValidationError(tt.err)
			text, color := fldLine(t, a)
			if text != tt.line || color != tt.color {
				t.Errorf("line = %q in %q, want %q in %q", text, color, tt.line, tt.color)
			}
			if tt.err == "" {
				return
			}
			a.SetValidationError("")
			if text, color := fldLine(t, a); text != "壹仟贰佰叁拾肆元伍角整" || color != theme.ColorNamePlaceHolder {
				t.Errorf("after clearing the error line = %q in %q", text, color)
			}
		})
	}
}

func TestAmountEntrySetValueClear(t *testing.T) {
	test.NewTempApp(t)
	a := NewAmountEntry()
	fldShow(t, a)
	type change struct {
		v     money.Fen
		empty bool
	}
	var got []change
	a.OnChanged = func(v money.Fen, empty bool) { got = append(got, change{v, empty}) }

	a.SetValue(123450)
	if a.Text() != "1,234.50" {
		t.Errorf("SetValue text = %q", a.Text())
	}
	if text, _ := fldLine(t, a); text != "壹仟贰佰叁拾肆元伍角整" {
		t.Errorf("line after SetValue = %q", text)
	}
	fldKeys(a.fieldCore.entry, "\b")
	a.Clear()
	if v, ok := a.Value(); ok || v != 0 || a.Text() != "" {
		t.Errorf("after Clear: %d, %v, %q", v, ok, a.Text())
	}
	a.SetValue(-5)
	want := []change{{123450, false}, {123450, false}, {0, true}}
	if len(got) != len(want) {
		t.Fatalf("OnChanged calls = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("OnChanged call %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestAmountEntryHooks(t *testing.T) {
	test.NewTempApp(t)
	a, b := NewAmountEntry(), NewAmountEntry()
	w := fldShow(t, container.NewVBox(a, b))
	submitted, lost := 0, 0
	a.OnSubmitted = func() { submitted++ }
	a.OnFocusLost = func() { lost++ }

	w.Canvas().Focus(a.Entry())
	fldKeys(a.fieldCore.entry, "12")
	a.fieldCore.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if submitted != 1 {
		t.Errorf("OnSubmitted called %d times, want 1", submitted)
	}
	test.FocusNext(w.Canvas()) // what Tab does
	if w.Canvas().Focused() != b.Entry() {
		t.Errorf("focus after Tab on %v, want the second amount", w.Canvas().Focused())
	}
	if lost != 1 {
		t.Errorf("OnFocusLost called %d times, want 1", lost)
	}
}

func TestAmountEntryDisabled(t *testing.T) {
	test.NewTempApp(t)
	a := NewAmountEntry()
	fldShow(t, a)
	a.Disable()
	fldKeys(a.fieldCore.entry, "12")
	fldPaste(a.fieldCore.entry, "3")
	if a.Text() != "" || !a.Disabled() {
		t.Errorf("disabled entry took %q", a.Text())
	}
	a.Enable()
	fldKeys(a.fieldCore.entry, "12")
	if a.Text() != "12" {
		t.Errorf("enabled entry shows %q", a.Text())
	}
}

// FuzzAmountTyping types random keys; the display must always be empty or
// an amount equal to Value(), with at most two decimals. A key that is
// refused leaves text and value as they were and says why; a key that
// changes the text leaves no note.
func FuzzAmountTyping(f *testing.F) {
	for _, s := range []string{"1234567.8", "12.345", "abc", "1234<<<\b", "^9.99$\x7f.1", "0000.", "..,,1", "-1-2", "12.3a4"} {
		f.Add(s)
	}
	test.NewTempApp(f)
	f.Fuzz(func(t *testing.T, s string) {
		a := NewAmountEntry()
		w := test.NewWindow(a)
		defer w.Close()
		e := a.fieldCore.entry
		for _, r := range s {
			switch r {
			case '<':
				r = '←'
			case '>':
				r = '→'
			case '^':
				r = '⇤'
			case '$':
				r = '⇥'
			}
			beforeText, beforeCol := a.Text(), e.CursorColumn
			beforeV, beforeOK := a.Value()
			fldKeys(e, string(r))
			text := a.Text()
			v, ok := a.Value()
			nav := strings.ContainsRune("←→⇤⇥⌘", r) // moves the cursor, keeps a note
			if note := a.Refusal(); note != "" && !nav {
				if text != beforeText || v != beforeV || ok != beforeOK || e.CursorColumn != beforeCol {
					t.Fatalf("%q: %q refused (%s) yet %q became %q", s, r, note, beforeText, text)
				}
				if line, _ := fldLine(t, a); line != note {
					t.Fatalf("%q: %q refused (%s) but the line says %q", s, r, note, line)
				}
			} else if _, ok := amountRune(r); !ok && !nav && r != '\b' && r != '\x7f' {
				t.Fatalf("%q: %q taken silently", s, r)
			}
			if text == "" {
				if ok {
					t.Fatalf("%q: empty text but Value() = %d, true", s, v)
				}
				continue
			}
			p, err := money.Parse(text)
			if err != nil || !ok || p != v {
				t.Fatalf("%q: text %q parses to %d, %v; Value() = %d, %v", s, text, p, err, v, ok)
			}
			if _, frac, ok := strings.Cut(text, "."); ok && len(frac) > 2 {
				t.Fatalf("%q: text %q has more than two decimals", s, text)
			}
			if c := e.CursorColumn; c < 0 || c > len([]rune(text)) {
				t.Fatalf("%q: cursor %d outside %q", s, c, text)
			}
		}
	})
}

// placed is an object of a widget's tree and where it is in the window.
type placed struct {
	obj fyne.CanvasObject
	at  fyne.Position
}

// placedObjects lists the visible objects under o with their positions
// relative to o's parent.
func placedObjects(o fyne.CanvasObject, at fyne.Position) []placed {
	if !o.Visible() {
		return nil
	}
	p := at.Add(o.Position())
	out := []placed{{o, p}}
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case fyne.Widget:
		kids = test.WidgetRenderer(x).Objects()
	case *fyne.Container:
		kids = x.Objects
	}
	for _, k := range kids {
		out = append(out, placedObjects(k, p)...)
	}
	return out
}

// TestErrorIconNeverCoversText: with a validation error and a value too
// long for the field, the area the value is drawn (and clipped) in ends
// before the error icon, for every banking entry.
func TestErrorIconNeverCoversText(t *testing.T) {
	test.NewTempApp(t)
	amount := NewAmountEntry()
	amount.SetValue(money.MustParse("1234567890123.45"))
	account := NewAccountEntry()
	account.SetValue(pan19)
	id := NewIDCardEntry()
	id.SetValue(idX)
	for _, w := range []interface {
		fyne.Widget
		SetValidationError(string)
	}{amount, account, id} {
		t.Run(fmt.Sprintf("%T", w), func(t *testing.T) {
			win := fldShow(t, w)
			win.Resize(fyne.NewSize(150, 100))
			w.SetValidationError("超过单笔限额")
			var icon, clip, text *placed
			for _, p := range placedObjects(w, fyne.Position{}) {
				switch fmt.Sprintf("%T", p.obj) {
				case "*widget.validationStatus":
					icon = &p
				case "*widget.Scroll": // the entry's text area, which clips it
					clip = &p
				case "*canvas.Text":
					if tx := p.obj.(*canvas.Text); text == nil && strings.ContainsAny(tx.Text, "0123456789") {
						text = &p
					}
				}
			}
			if icon == nil || clip == nil || text == nil {
				t.Fatalf("icon %v, text area %v, text %v", icon, clip, text)
			}
			if text.obj.Size().Width <= icon.at.X-clip.at.X {
				t.Fatalf("the value (%v wide) fits before the icon: nothing is tested", text.obj.Size().Width)
			}
			if right := clip.at.X + clip.obj.Size().Width; right > icon.at.X {
				t.Errorf("the text is drawn up to x=%v, under the error icon at x=%v", right, icon.at.X)
			}
		})
	}
}
