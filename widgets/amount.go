package widgets

import (
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/money"
)

// maxAmountIntDigits is the number of yuan digits money.MaxFen has.
const maxAmountIntDigits = 13

// AmountEntry is the entry of an amount of yuan (CNY) in fen. The figure is
// grouped by thousands as it is typed ("1234567.8" shows "1,234,567.8"); only
// digits and one decimal point are taken. A keystroke that would make a
// minus sign, a letter, a second point, a third decimal place, more than 13
// yuan digits or an amount above Max is refused, and so is a paste that
// would (a paste is taken whole or not at all, never cleaned into another
// amount): the text stays as it was and the line under the entry says why
// (金额最多两位小数) until the next accepted key. Otherwise the line shows
// the amount in uppercase Chinese (大写, when ShowUpper is set) or the
// validation error set by the form.
//
// The widget itself is not focusable: the entry inside it is, see Entry.
type AmountEntry struct {
	widget.BaseWidget

	// Max is the largest amount a keystroke may make; 0 means no limit other
	// than money.MaxFen. SetValue is not limited by it.
	Max money.Fen
	// ShowUpper shows the uppercase Chinese amount under the entry. It is
	// true for a new AmountEntry; call Refresh after changing it.
	ShowUpper bool
	// Lang is the language refusals are said in: "en", or Chinese
	// otherwise.
	Lang string

	// OnChanged is called after every change of the amount, by the teller or
	// by SetValue and Clear; empty is true (and v zero) when nothing is typed.
	OnChanged func(v money.Fen, empty bool) `json:"-"`
	// OnSubmitted is called when Enter or Return is pressed in the entry.
	OnSubmitted func() `json:"-"`
	// OnFocusLost is called after the entry has lost the keyboard focus.
	OnFocusLost func() `json:"-"`
	// OnCancel is called when Escape is pressed in the entry.
	OnCancel func() `json:"-"`

	fieldCore
}

// NewAmountEntry returns an empty amount entry with ShowUpper set.
func NewAmountEntry() *AmountEntry {
	a := &AmountEntry{ShowUpper: true}
	a.ExtendBaseWidget(a)
	a.fieldCore.init(a, func() string { return a.Lang }, fieldRules{
		mapRune:    amountRune,
		refuseRune: amountRefusal,
		sep:        ',',
		pasteSkip:  ",，¥￥",
		pasteCheck: amountGrouping,
		format:     amountFormat,
		normalize:  amountNormalize,
		accept:     a.accept,
		keyboard:   mobile.NumberKeyboard,
	}, fieldHooks{
		changed:   a.changed,
		submitted: func() { call(a.OnSubmitted) },
		focusLost: func() { call(a.OnFocusLost) },
		cancel:    func() { call(a.OnCancel) },
	})
	return a
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (a *AmountEntry) CreateRenderer() fyne.WidgetRenderer {
	return a.fieldCore.renderer(a.hint)
}

// Value returns the amount typed, and false when the entry is empty.
func (a *AmountEntry) Value() (money.Fen, bool) {
	if a.fieldCore.entry.raw == "" {
		return 0, false
	}
	v, err := money.Parse(a.fieldCore.entry.raw)
	if err != nil { // cannot happen: accept lets only amounts through
		return 0, false
	}
	return v, true
}

// SetValue shows v with two decimal places ("1,234.50"). An AmountEntry
// holds no negative amount: a negative v clears the entry.
func (a *AmountEntry) SetValue(v money.Fen) {
	if v < 0 {
		a.Clear()
		return
	}
	a.fieldCore.entry.setRaw(v.String())
}

// Clear empties the entry.
func (a *AmountEntry) Clear() {
	a.fieldCore.entry.setRaw("")
}

func (a *AmountEntry) hint() string {
	if !a.ShowUpper {
		return ""
	}
	v, ok := a.Value()
	if !ok {
		return ""
	}
	return v.Upper()
}

func (a *AmountEntry) changed() {
	if a.OnChanged != nil {
		v, ok := a.Value()
		a.OnChanged(v, !ok)
	}
	a.Refresh()
}

// Why an AmountEntry refuses a keystroke or a paste.
var (
	whyAmountNegative = dsl.Text{Zh: "金额不能为负数", En: "Amount cannot be negative"}
	whyAmountChars    = dsl.Text{Zh: "只能输入数字和小数点", En: "Digits and a decimal point only"}
	whyAmountPoints   = dsl.Text{Zh: "只能有一个小数点", En: "One decimal point only"}
	whyAmountDecimals = dsl.Text{Zh: "金额最多两位小数", En: "At most two decimals (fen)"}
	whyAmountYuan     = dsl.Text{Zh: "金额最多 13 位整数", En: "At most 13 digits before the point"}
	whyAmountGrouping = dsl.Text{Zh: "千分位逗号位置不对", En: "Thousands commas out of place"}
)

// whyAmountAbove is the refusal of an amount above max.
func whyAmountAbove(max money.Fen) dsl.Text {
	return dsl.Text{Zh: "金额不能超过 " + max.Grouped(), En: "Amount cannot exceed " + max.Grouped()}
}

// accept returns why raw, the digits and point left after an edit of prev,
// is not an amount the entry may hold; the zero Text when it is. Deleting
// is allowed even when what is left is still too large (a lower Max).
func (a *AmountEntry) accept(raw, prev string) dsl.Text {
	intPart, frac, hasDot := strings.Cut(raw, ".")
	switch {
	case strings.Contains(frac, "."):
		return whyAmountPoints
	case !allDigits(intPart) || !allDigits(frac) || (intPart == "" && hasDot):
		return whyAmountChars // amountNormalize writes "0." for "."
	case len(frac) > 2:
		return whyAmountDecimals
	}
	if len(raw) < len(prev) {
		return dsl.Text{}
	}
	if len(intPart) > maxAmountIntDigits {
		return whyAmountYuan
	}
	if a.Max > 0 && raw != "" {
		v, err := money.Parse(raw)
		if err != nil {
			return whyAmountYuan
		}
		if v > a.Max {
			return whyAmountAbove(a.Max)
		}
	}
	return dsl.Text{}
}

// amountRefusal is why amountRune refuses r.
func amountRefusal(r rune) dsl.Text {
	switch r {
	case '-', '－', '−', '–', '—':
		return whyAmountNegative
	}
	return whyAmountChars
}

// amountGrouping refuses pasted text whose commas are not the thousands
// of its yuan ("1,23" may mean 1.23: it is not taken as 123).
func amountGrouping(text string) dsl.Text {
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == ',' || r == '，':
			b.WriteByte(',')
		case r == '¥' || r == '￥' || unicode.IsSpace(r):
		default:
			if m, ok := amountRune(r); ok {
				b.WriteRune(m)
			}
		}
	}
	intPart, frac, _ := strings.Cut(b.String(), ".")
	if strings.Contains(frac, ",") {
		return whyAmountGrouping
	}
	if strings.Contains(intPart, ",") && money.Group(strings.ReplaceAll(intPart, ",", "")) != intPart {
		return whyAmountGrouping
	}
	return dsl.Text{}
}

// amountRune takes ASCII and full-width digits and points.
func amountRune(r rune) (rune, bool) {
	switch {
	case r >= '0' && r <= '9', r == '.':
		return r, true
	case r >= '０' && r <= '９':
		return '0' + (r - '０'), true
	case r == '。' || r == '．':
		return '.', true
	}
	return 0, false
}

// amountFormat groups the yuan digits by thousands.
func amountFormat(raw string) string {
	intPart, frac, hasDot := strings.Cut(raw, ".")
	s := money.Group(intPart)
	if hasDot {
		s += "." + frac
	}
	return s
}

// amountNormalize drops leading zeros ("007" is "7") and writes "0." for a
// leading point, moving the cursor cur (in runes of raw) with the text.
func amountNormalize(raw string, cur int) (string, int) {
	if strings.HasPrefix(raw, ".") {
		return "0" + raw, cur + 1
	}
	intPart, _, _ := strings.Cut(raw, ".")
	zeros := 0
	for zeros < len(intPart)-1 && intPart[zeros] == '0' {
		zeros++
	}
	if zeros == 0 {
		return raw, cur
	}
	return raw[zeros:], cur - min(cur, zeros)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func call(f func()) {
	if f != nil {
		f()
	}
}
