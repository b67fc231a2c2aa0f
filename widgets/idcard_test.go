package widgets

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// Identity numbers with a correct check character.
const (
	idDigit = "110105199003070025"
	idX     = "11010519900307005X"
)

func TestIDCardEntry(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name  string
		keys  string
		paste string
		value string
		valid bool
		hint  string // the line under the entry: the birth date, or why the last key was refused
	}{
		{"valid", idDigit, "", idDigit, true, "1990-03-07"},
		{"valid with lower-case x", "11010519900307005x", "", idX, true, "1990-03-07"},
		{"full-width", "１１０１０５１９９００３０７００５ｘ", "", idX, true, "1990-03-07"},
		{"wrong check character", "110105199003070026", "", "110105199003070026", false, ""},
		{"impossible birth date", "110105199002300021", "", "110105199002300021", false, ""},
		{"too short", "11010519900307", "", "11010519900307", false, ""},
		{"19th character refused", idDigit + "1", "", idDigit, true, "证件号码最多 18 位"},
		{"x only in the last place", "1101x05", "", "110105", false, ""},
		{"letters ignored", "11a01b05", "", "110105", false, ""},
		{"paste", "", " 11010519900307005x\n", idX, true, "1990-03-07"},
		{"paste of 19 refused", "", idDigit + "1", "", false, "证件号码最多 18 位"},
		{"delete before the X", idX + "⇤\x7f", "", idX[1:], false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewIDCardEntry()
			fldShow(t, c)
			fldKeys(c.fieldCore.entry, tt.keys)
			if tt.paste != "" {
				fldPaste(c.fieldCore.entry, tt.paste)
			}
			if got := c.Value(); got != tt.value {
				t.Errorf("Value() = %q, want %q", got, tt.value)
			}
			if c.Valid() != tt.valid {
				t.Errorf("Valid() = %v, want %v", c.Valid(), tt.valid)
			}
			want := fyne.ThemeColorName(theme.ColorNamePlaceHolder)
			if strings.HasSuffix(tt.name, " refused") { // the line says why, in the error colour
				want = theme.ColorNameError
			}
			if text, color := fldLine(t, c); text != tt.hint || color != want {
				t.Errorf("line = %q in %q, want %q in %q", text, color, tt.hint, want)
			}
		})
	}
}

func TestIDCardEntryAPI(t *testing.T) {
	test.NewTempApp(t)
	c := NewIDCardEntry()
	w := fldShow(t, c)
	var changed []string
	submitted, lost := 0, 0
	c.OnChanged = func(v string) { changed = append(changed, v) }
	c.OnSubmitted = func() { submitted++ }
	c.OnFocusLost = func() { lost++ }

	c.SetValue("11010519900307005x")
	if c.Value() != idX || !c.Valid() {
		t.Errorf("SetValue: %q valid %v", c.Value(), c.Valid())
	}
	c.SetValidationError("证件号码与姓名不符")
	if text, color := fldLine(t, c); text != "证件号码与姓名不符" || color != theme.ColorNameError {
		t.Errorf("line = %q in %q, want the error", text, color)
	}
	w.Canvas().Focus(c.Entry())
	c.fieldCore.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	w.Canvas().Unfocus()
	if submitted != 1 || lost != 1 {
		t.Errorf("submitted %d, focus lost %d; want 1, 1", submitted, lost)
	}
	if len(changed) != 1 || changed[0] != idX {
		t.Errorf("OnChanged calls %q", changed)
	}
}
