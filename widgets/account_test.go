package widgets

import (
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// Card numbers with a correct Luhn check digit.
const (
	pan19 = "6222020012345678903"
	pan16 = "6222020012345671"
)

func TestAccountEntryTyping(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name      string
		maxDigits int // 0: default
		keys      string
		paste     string
		text      string
		value     string
		cursor    int // -1: not checked
	}{
		{"grouped by four", 0, pan19, "", "6222 0200 1234 5678 903", pan19, 23},
		{"19 digits at most", 0, pan19 + "12", "", "6222 0200 1234 5678 903", pan19, -1},
		{"MaxDigits", 16, pan19, "", "6222 0200 1234 5678", pan19[:16], -1},
		{"letters and signs ignored", 0, "62a2-2 0.2", "", "6222 02", "622202", 7},
		{"full-width digits", 0, "６２２２０", "", "6222 0", "62220", 6},
		{"backspace over a space", 0, "62220←\b", "", "6220", "6220", 3},
		{"insert regroups", 0, "62220⇤1", "", "1622 20", "162220", 1},
		{"paste with spaces and dashes", 0, "", "6222-0200 1234\t5678", "6222 0200 1234 5678", "6222020012345678", -1},
		{"paste of letters rejected", 0, "62", "12ab", "62", "62", -1},
		{"paste beyond MaxDigits rejected", 0, "6222", pan19, "6222", "6222", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAccountEntry()
			if tt.maxDigits > 0 {
				a.MaxDigits = tt.maxDigits
			}
			fldShow(t, a)
			fldKeys(a.fieldCore.entry, tt.keys)
			if tt.paste != "" {
				fldPaste(a.fieldCore.entry, tt.paste)
			}
			if got := a.Text(); got != tt.text {
				t.Errorf("text = %q, want %q", got, tt.text)
			}
			if got := a.Value(); got != tt.value {
				t.Errorf("Value() = %q, want %q", got, tt.value)
			}
			if c := a.fieldCore.entry.CursorColumn; tt.cursor >= 0 && c != tt.cursor {
				t.Errorf("cursor at %d, want %d", c, tt.cursor)
			}
		})
	}
}

func TestAccountEntryMasked(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		name    string
		masked  bool
		value   string
		blurred string
	}{
		{"19 digits masked", true, pan19, "6222 **** **** 8903"},
		{"16 digits masked", true, pan16, "6222 **** **** 5671"},
		{"short number shown", true, "62220200", "6222 0200"},
		{"unmasked", false, pan19, "6222 0200 1234 5678 903"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAccountEntry()
			a.Masked = tt.masked
			other := NewAmountEntry()
			w := fldShow(t, container.NewVBox(a, other))
			w.Canvas().Focus(a.Entry())
			fldKeys(a.fieldCore.entry, tt.value)
			if got, want := a.Text(), accountFormat(tt.value); got != want {
				t.Errorf("focused text = %q, want %q", got, want)
			}
			w.Canvas().Focus(other.Entry())
			if got := a.Text(); got != tt.blurred {
				t.Errorf("text after focus lost = %q, want %q", got, tt.blurred)
			}
			if a.Value() != tt.value {
				t.Errorf("Value() = %q, want %q", a.Value(), tt.value)
			}
			w.Canvas().Focus(a.Entry())
			if got, want := a.Text(), accountFormat(tt.value); got != want {
				t.Errorf("text on focus again = %q, want %q", got, want)
			}
			fldKeys(a.fieldCore.entry, "\b")
			if got, want := a.Value(), tt.value[:len(tt.value)-1]; got != want {
				t.Errorf("after backspace Value() = %q, want %q", got, want)
			}
		})
	}
}

func TestAccountEntryMaskToggle(t *testing.T) {
	test.NewTempApp(t)
	a := NewAccountEntry()
	fldShow(t, a)
	a.SetValue(pan19)
	a.Masked = true
	a.Refresh()
	if got := a.Text(); got != "6222 **** **** 8903" {
		t.Errorf("masked text = %q", got)
	}
	a.Masked = false
	a.Refresh()
	if got := a.Text(); got != "6222 0200 1234 5678 903" {
		t.Errorf("unmasked text = %q", got)
	}
}

func TestAccountEntryLuhn(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		value string
		valid bool
	}{
		{pan19, true},
		{pan16, true},
		{"6222020012345678904", false},
		{"6222020012345672", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			a := NewAccountEntry()
			fldShow(t, a)
			a.SetValue(tt.value)
			if a.Valid() != tt.valid {
				t.Errorf("Valid() = %v, want %v", a.Valid(), tt.valid)
			}
		})
	}
}

func TestAccountEntryFillFromCard(t *testing.T) {
	test.NewTempApp(t)
	a := NewAccountEntry()
	fldShow(t, a)
	var changes []string
	a.OnChanged = func(v string) { changes = append(changes, v) }

	a.FillFromCard(" 6222 0200 1234 5678 903 ")
	if a.Value() != pan19 || !a.CardRead() {
		t.Errorf("after FillFromCard: %q, card read %v", a.Value(), a.CardRead())
	}
	if text, color := fldLine(t, a); text != "(卡)" || color != theme.ColorNamePlaceHolder {
		t.Errorf("line = %q in %q, want (卡)", text, color)
	}
	a.SetValidationError("卡号校验位错误")
	if text, color := fldLine(t, a); text != "卡号校验位错误" || color != theme.ColorNameError {
		t.Errorf("line = %q in %q, want the error", text, color)
	}
	a.SetValidationError("")

	test.Type(a.Entry(), "1") // 20 digits: rejected, still from the card
	if !a.CardRead() {
		t.Error("a rejected keystroke cleared the card mark")
	}
	fldKeys(a.fieldCore.entry, "\b")
	if a.CardRead() {
		t.Error("editing kept the card mark")
	}
	if text, _ := fldLine(t, a); text != "" {
		t.Errorf("line after editing = %q", text)
	}
	a.FillFromCard(pan16)
	a.SetValue(pan19)
	if a.CardRead() {
		t.Error("SetValue kept the card mark")
	}
	want := []string{pan19, pan19[:18], pan16, pan19}
	if len(changes) != len(want) {
		t.Fatalf("OnChanged calls %q, want %q", changes, want)
	}
	for i := range want {
		if changes[i] != want[i] {
			t.Errorf("OnChanged call %d = %q, want %q", i, changes[i], want[i])
		}
	}
}

// The card mark under the account field is in the form's language.
func TestAccountCardMarkInTheFormsLanguage(t *testing.T) {
	test.NewTempApp(t)
	for _, tt := range []struct{ lang, want string }{{"zh", "(卡)"}, {"en", "(card)"}} {
		f, _, _, _ := render(t, depositForm, tt.lang)
		var a *AccountEntry
		for _, o := range test.LaidOutObjects(f.Object()) {
			if x, ok := o.(*AccountEntry); ok {
				a = x
			}
		}
		if a == nil {
			t.Fatal("no account entry in the form")
		}
		a.FillFromCard(pan16)
		if text, _ := fldLine(t, a); text != tt.want {
			t.Errorf("%s: card mark %q, want %q", tt.lang, text, tt.want)
		}
	}
}
