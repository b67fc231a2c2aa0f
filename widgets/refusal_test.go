package widgets

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/money"
)

// refusalCase is a keystroke or a paste a banking entry refuses: typed
// after keys (or pasted, when paste is set), it must leave the text and
// the value as they were and say why, in each language, in the error
// colour on the line under the entry; next, an accepted key, takes the
// note away.
type refusalCase struct {
	name   string
	keys   string // typed first, all accepted
	refuse string // the refused key (typed with fldKeys)
	paste  string // or the refused paste
	zh, en string // why
	next   string // an accepted key after it
	max    int64  // a limit of the entry: an amount's Max; 0 for none
}

// bankUnderTest is what the refusal tests need of a banking entry.
type bankUnderTest interface {
	fyne.Widget
	Text() string
	Refusal() string
}

// checkRefusals runs the cases on entries made by mk in both languages;
// value returns what the entry holds, to compare before and after.
func checkRefusals(t *testing.T, cases []refusalCase, mk func(tc refusalCase, lang string) (bankUnderTest, *fieldEntry), value func(bankUnderTest) any) {
	t.Helper()
	for _, tc := range cases {
		for _, lang := range []string{"zh", "en"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				w, e := mk(tc, lang)
				fldShow(t, w)
				fldKeys(e, tc.keys)
				if n := w.Refusal(); n != "" {
					t.Fatalf("keys %q were refused: %q", tc.keys, n)
				}
				text, v, col := w.Text(), value(w), e.CursorColumn
				if tc.paste != "" {
					fldPaste(e, tc.paste)
				} else {
					fldKeys(e, tc.refuse)
				}
				want := tc.zh
				if lang == "en" {
					want = tc.en
				}
				if got := w.Text(); got != text {
					t.Errorf("text %q became %q", text, got)
				}
				if got := value(w); got != v {
					t.Errorf("value %v became %v", v, got)
				}
				if e.CursorColumn != col {
					t.Errorf("cursor moved from %d to %d", col, e.CursorColumn)
				}
				if line, color := fldLine(t, w); line != want || color != theme.ColorNameError {
					t.Errorf("line = %q in %q, want %q in the error colour", line, color, want)
				}
				fldKeys(e, tc.next)
				if w.Text() == text {
					t.Fatalf("the next key %q was not taken", tc.next)
				}
				if n := w.Refusal(); n != "" {
					t.Errorf("after the accepted key %q the note is still %q", tc.next, n)
				}
				if line, _ := fldLine(t, w); line == want {
					t.Errorf("after the accepted key %q the line still says %q", tc.next, line)
				}
			})
		}
	}
}

func TestAmountEntrySaysWhyItRefuses(t *testing.T) {
	test.NewTempApp(t)
	const (
		chars    = "只能输入数字和小数点|Digits and a decimal point only"
		negative = "金额不能为负数|Amount cannot be negative"
		decimals = "金额最多两位小数|At most two decimals (fen)"
		points   = "只能有一个小数点|One decimal point only"
		yuan     = "金额最多 13 位整数|At most 13 digits before the point"
		above    = "金额不能超过 1,000.00|Amount cannot exceed 1,000.00"
		grouping = "千分位逗号位置不对|Thousands commas out of place"
	)
	rows := []struct {
		name, keys, refuse, paste, why, next string
		max                                  int64
	}{
		{"letter", "12", "a", "", chars, "3", 0},
		{"letter first", "", "x", "", chars, "3", 0},
		{"minus sign", "12", "-", "", negative, "3", 0},
		{"minus sign first", "", "-", "", negative, "1", 0},
		{"full-width minus", "5", "－", "", negative, "\b", 0},
		{"third decimal", "12.34", "5", "", decimals, "\b", 0},
		{"point making a third decimal", "12345←←←", ".", "", decimals, "\b", 0},
		{"second point", "12.3", ".", "", points, "4", 0},
		{"14th yuan digit", "1234567890123", "4", "", yuan, ".", 0},
		{"above Max", "1000", "1", "", above, ".", 100000},
		{"paste negative", "", "", "-100", negative, "1", 0},
		{"paste three decimals", "", "", "12.345", decimals, "1", 0},
		{"paste with a letter", "", "", "1,23a", chars, "1", 0},
		{"paste with a misplaced comma", "", "", "1,23", grouping, "1", 0},
		{"paste with two points", "9", "", "1.2.3", points, "1", 0},
		{"paste above Max", "", "", "2,000", above, "1", 100000},
	}
	var cases []refusalCase
	for _, r := range rows {
		zh, en, _ := strings.Cut(r.why, "|")
		cases = append(cases, refusalCase{r.name, r.keys, r.refuse, r.paste, zh, en, r.next, r.max})
	}
	checkRefusals(t, cases, func(tc refusalCase, lang string) (bankUnderTest, *fieldEntry) {
		a := NewAmountEntry()
		a.Lang = lang
		a.Max = money.Fen(tc.max)
		return a, a.fieldCore.entry
	}, func(w bankUnderTest) any {
		v, ok := w.(*AmountEntry).Value()
		return [2]any{v, ok}
	})
}

func TestAccountEntrySaysWhyItRefuses(t *testing.T) {
	test.NewTempApp(t)
	cases := []refusalCase{
		{"letter", "62", "a", "", "只能输入数字", "Digits only", "2", 0},
		{"point", "62", ".", "", "只能输入数字", "Digits only", "2", 0},
		{"20th digit", pan19, "1", "", "账号最多 19 位", "At most 19 digits", "\b", 0},
		{"paste with letters", "62", "", "12ab", "只能输入数字", "Digits only", "2", 0},
		{"paste beyond 19 digits", "6222", "", pan19, "账号最多 19 位", "At most 19 digits", "0", 0},
	}
	checkRefusals(t, cases, func(_ refusalCase, lang string) (bankUnderTest, *fieldEntry) {
		a := NewAccountEntry()
		a.Lang = lang
		return a, a.fieldCore.entry
	}, func(w bankUnderTest) any { return w.(*AccountEntry).Value() })

	// MaxDigits is what the note counts.
	a := NewAccountEntry()
	a.MaxDigits = 16
	fldShow(t, a)
	fldKeys(a.fieldCore.entry, pan19)
	if got := a.Refusal(); got != "账号最多 16 位" || a.Value() != pan19[:16] {
		t.Errorf("17th digit of 16: %q, value %q", got, a.Value())
	}
}

func TestIDCardEntrySaysWhyItRefuses(t *testing.T) {
	test.NewTempApp(t)
	cases := []refusalCase{
		{"letter", "1101", "a", "", "只能输入数字和 X", "Digits and X only", "0", 0},
		{"X before the end", "1101", "x", "", "X 只能是最后一位", "X only as the last character", "0", 0},
		{"19th character", idDigit, "1", "", "证件号码最多 18 位", "At most 18 characters", "\b", 0},
		{"paste with a dash", "", "", "110105-19900307", "只能输入数字和 X", "Digits and X only", "1", 0},
		{"paste with X inside", "", "", "1101X05", "X 只能是最后一位", "X only as the last character", "1", 0},
	}
	checkRefusals(t, cases, func(_ refusalCase, lang string) (bankUnderTest, *fieldEntry) {
		c := NewIDCardEntry()
		c.Lang = lang
		return c, c.fieldCore.entry
	}, func(w bankUnderTest) any { return w.(*IDCardEntry).Value() })
}

// A pasted value is taken whole when only separators and white space are
// dropped from it, which leave its value as it was.
func TestPasteDropsOnlySeparators(t *testing.T) {
	test.NewTempApp(t)
	a := NewAmountEntry()
	fldShow(t, a)
	fldPaste(a.fieldCore.entry, " ¥1,234,567.50 ")
	if v, ok := a.Value(); !ok || v != 123456750 || a.Refusal() != "" {
		t.Errorf("amount paste: %d, %v, note %q", v, ok, a.Refusal())
	}
	acct := NewAccountEntry()
	fldShow(t, acct)
	fldPaste(acct.fieldCore.entry, "6222-0200 1234 5678 903")
	if acct.Value() != pan19 || acct.Refusal() != "" {
		t.Errorf("account paste: %q, note %q", acct.Value(), acct.Refusal())
	}
}

// The note of a refused key gives way to the field's own check when the
// teller leaves the field, and to an error the form sets.
func TestRefusalGivesWayToTheFieldsCheck(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "why", "version": "1.0.0", "title": {"zh": "拒绝"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "amount", "type": "amount", "bind": "amount", "props": {"label": {"zh": "金额"}},
   "rules": [{"expr": "amount > 100", "message": {"zh": "金额须大于一百", "en": "More than 100"}}]},
  {"id": "sheets", "type": "number", "bind": "sheets", "props": {"label": {"zh": "张数"}}, "rules": [{"required": true}]},
  {"id": "memo", "type": "text", "bind": "memo", "props": {"label": {"zh": "附言"}}}
]}}`
	f, _, w, _ := render(t, src, "zh")
	amt := f.Field("amount").(*bankField).w.(*AmountEntry)
	w.Canvas().Focus(amt.Entry())
	test.Type(amt.Entry(), "12-")
	if line, color := fldLine(t, amt); line != "金额不能为负数" || color != theme.ColorNameError {
		t.Fatalf("line after '-' = %q in %q", line, color)
	}
	w.Canvas().Focus(f.Field("memo").Focusable())
	if line, _ := fldLine(t, amt); line != "金额须大于一百" || amt.ValidationError() != line {
		t.Errorf("after leaving the line is %q, the error %q; want the rule's message", line, amt.ValidationError())
	}

	count := f.Field("sheets").(*textField)
	w.Canvas().Focus(count.Focusable())
	test.Type(count.Focusable(), "a")
	if count.label.Text != "只能输入数字" || !count.label.Visible() {
		t.Fatalf("number line after 'a' = %q (shown %v)", count.label.Text, count.label.Visible())
	}
	w.Canvas().Focus(f.Field("memo").Focusable())
	if count.label.Text == "只能输入数字" || count.label.Text == "" || count.label.Text != count.err {
		t.Errorf("after leaving the number line is %q, the error %q; want the required message", count.label.Text, count.err)
	}
}

// TestPlainFieldsSayWhyTheyRefuse: number, phone and date fields, and a
// field with a maxLength, refuse a key or a paste they do not take, say why
// in the form's language, keep their text and value, and take the note away
// at the next accepted key.
func TestPlainFieldsSayWhyTheyRefuse(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "plain", "version": "1.0.0", "title": {"zh": "输入"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "sheets", "type": "number", "bind": "sheets", "props": {"label": {"zh": "张数"}}},
  {"id": "phone", "type": "phone", "bind": "phone", "props": {"label": {"zh": "电话"}}},
  {"id": "day", "type": "date", "bind": "day", "props": {"label": {"zh": "日期"}}},
  {"id": "code", "type": "text", "bind": "code", "props": {"label": {"zh": "代码"}, "maxLength": 4}}
]}}`
	tests := []struct {
		id, keys, refuse, paste, zh, en, next string
	}{
		{"sheets", "12", "a", "", "只能输入数字", "Digits only", "3"},
		{"sheets", "12", "-", "", "只能输入数字", "Digits only", "3"},
		{"sheets", "12", "", "3a", "只能输入数字", "Digits only", "3"},
		{"phone", "138", "x", "", "只能输入数字和 -", "Digits and - only", "0"},
		{"day", "2024", "/", "", "只能输入数字和 -（YYYY-MM-DD）", "Digits and - only (YYYY-MM-DD)", "-"},
		{"code", "abcd", "e", "", "最多 4 个字符", "At most 4 characters", "\b"},
		{"code", "ab", "", "cde", "最多 4 个字符", "At most 4 characters", "c"},
	}
	for _, tt := range tests {
		for _, lang := range []string{"zh", "en"} {
			t.Run(tt.id+"/"+tt.refuse+tt.paste+"/"+lang, func(t *testing.T) {
				f, scope, w, _ := render(t, src, lang)
				fl := f.Field(tt.id).(*textField)
				e := fl.entry
				w.Canvas().Focus(e)
				test.Type(e, tt.keys)
				text, v := e.Text, fl.Value()
				sv, _ := scope.Get(tt.id)
				if tt.paste != "" {
					e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &fixedClipboard{tt.paste}})
				} else {
					test.Type(e, tt.refuse)
				}
				want := tt.zh
				if lang == "en" {
					want = tt.en
				}
				if e.Text != text || fl.Value() != v {
					t.Errorf("text %q (%v) became %q (%v)", text, v, e.Text, fl.Value())
				}
				if got, _ := scope.Get(tt.id); got != sv {
					t.Errorf("scope %v became %v", sv, got)
				}
				if fl.label.Text != want || !fl.label.Visible() || fl.label.Importance != widget.DangerImportance {
					t.Errorf("line = %q (shown %v), want %q", fl.label.Text, fl.label.Visible(), want)
				}
				for _, r := range tt.next {
					if r == '\b' {
						e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
					} else {
						e.TypedRune(r)
					}
				}
				if e.Text == text {
					t.Fatalf("the next key %q was not taken", tt.next)
				}
				if fl.label.Visible() {
					t.Errorf("after an accepted key the line still says %q", fl.label.Text)
				}
			})
		}
	}
	// White space does not change a pasted phone number.
	f, _, _, _ := render(t, src, "zh")
	ph := f.Field("phone").(*textField)
	ph.entry.TypedShortcut(&fyne.ShortcutPaste{Clipboard: &fixedClipboard{"138 0013 8000"}})
	if ph.entry.Text != "13800138000" || ph.label.Visible() {
		t.Errorf("phone paste: %q, line %q", ph.entry.Text, ph.label.Text)
	}
}
