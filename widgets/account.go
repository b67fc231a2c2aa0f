package widgets

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/idnum"
)

// DefaultAccountDigits is the MaxDigits of a new AccountEntry: the longest
// bank card number (PAN).
const DefaultAccountDigits = 19

// AccountEntry is the entry of a bank card or account number. It takes
// digits only, up to MaxDigits, and shows them in groups of four
// ("6222 0200 1234 5678 901"). When Masked is set and the entry has no
// focus it shows only the first and last four digits
// ("6222 **** **** 8901"). A number read from an IC card by FillFromCard is
// marked "(卡)" ("(card)" when Lang is "en") on the line under the entry
// until the teller edits it. A letter, or a digit past MaxDigits, typed or
// pasted is refused and the line under the entry says why (账号最多 19 位)
// until the next accepted key; dashes and spaces in a pasted number are
// dropped.
//
// The widget itself is not focusable: the entry inside it is, see Entry.
type AccountEntry struct {
	widget.BaseWidget

	// MaxDigits is the most digits a keystroke may make (19 for a new
	// entry).
	MaxDigits int
	// Masked hides the middle digits while the entry has no focus; call
	// Refresh after changing it.
	Masked bool
	// Lang is the language of the card mark and of refusals: "en" or
	// Chinese otherwise.
	Lang string

	// OnChanged is called after every change of the number, typed, pasted,
	// read from a card or set by SetValue; value is the digits.
	OnChanged func(value string) `json:"-"`
	// OnSubmitted is called when Enter or Return is pressed in the entry.
	OnSubmitted func() `json:"-"`
	// OnFocusLost is called after the entry has lost the keyboard focus.
	OnFocusLost func() `json:"-"`
	// OnCancel is called when Escape is pressed in the entry.
	OnCancel func() `json:"-"`

	fieldCore
	cardRead bool
	setting  bool // a change made by FillFromCard, not by the teller
}

// NewAccountEntry returns an empty, unmasked account entry taking up to
// DefaultAccountDigits digits.
func NewAccountEntry() *AccountEntry {
	a := &AccountEntry{MaxDigits: DefaultAccountDigits}
	a.ExtendBaseWidget(a)
	a.fieldCore.init(a, func() string { return a.Lang }, fieldRules{
		mapRune:    digitRune,
		refuseRune: func(rune) dsl.Text { return whyDigitsOnly },
		sep:        ' ',
		pasteSkip:  "-",
		format:     accountFormat,
		accept:     a.accept,
		blurred:    a.blurred,
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
func (a *AccountEntry) CreateRenderer() fyne.WidgetRenderer {
	return a.fieldCore.renderer(a.hint)
}

// Refresh redraws the widget, masking or unmasking the number after a
// change of Masked.
func (a *AccountEntry) Refresh() {
	if e := a.fieldCore.entry; e.Text != e.display() {
		e.show(len(e.raw))
	}
	a.BaseWidget.Refresh()
}

// Value returns the digits of the number, without spaces.
func (a *AccountEntry) Value() string {
	return a.fieldCore.entry.raw
}

// SetValue sets the number; anything but digits in s (spaces, dashes) is
// dropped. It is not limited by MaxDigits and clears the card mark.
func (a *AccountEntry) SetValue(s string) {
	a.cardRead = false
	a.fieldCore.entry.setRaw(onlyDigits(s))
	a.Refresh()
}

// FillFromCard sets the number read from an IC or magnetic-stripe card
// and marks it as read from the card. Anything but digits in pan is
// dropped.
func (a *AccountEntry) FillFromCard(pan string) {
	a.setting, a.cardRead = true, true
	a.fieldCore.entry.setRaw(onlyDigits(pan))
	a.setting = false
	a.Refresh()
}

// CardRead reports whether the number was read from a card by
// FillFromCard and has not been edited since.
func (a *AccountEntry) CardRead() bool {
	return a.cardRead
}

// Valid reports whether the number passes the Luhn check.
func (a *AccountEntry) Valid() bool {
	return idnum.Luhn(a.fieldCore.entry.raw)
}

func (a *AccountEntry) hint() string {
	if a.cardRead {
		if a.Lang == "en" {
			return "(card)"
		}
		return "(卡)"
	}
	return ""
}

func (a *AccountEntry) changed() {
	if !a.setting {
		a.cardRead = false
	}
	if a.OnChanged != nil {
		a.OnChanged(a.fieldCore.entry.raw)
	}
	a.Refresh()
}

// whyDigitsOnly is the refusal of anything but a digit.
var whyDigitsOnly = dsl.Text{Zh: "只能输入数字", En: "Digits only"}

// accept takes digits up to MaxDigits; deleting is always allowed.
func (a *AccountEntry) accept(raw, prev string) dsl.Text {
	switch {
	case !allDigits(raw):
		return whyDigitsOnly
	case len(raw) > a.MaxDigits && len(raw) >= len(prev):
		return dsl.Text{Zh: fmt.Sprintf("账号最多 %d 位", a.MaxDigits), En: fmt.Sprintf("At most %d digits", a.MaxDigits)}
	}
	return dsl.Text{}
}

// blurred masks all but the first and last four digits when Masked.
func (a *AccountEntry) blurred(raw string) string {
	if !a.Masked || len(raw) <= 8 {
		return accountFormat(raw)
	}
	return raw[:4] + " **** **** " + raw[len(raw)-4:]
}

// accountFormat groups digits by four with spaces.
func accountFormat(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(raw[i])
	}
	return b.String()
}

// digitRune takes ASCII and full-width digits.
func digitRune(r rune) (rune, bool) {
	switch {
	case r >= '0' && r <= '9':
		return r, true
	case r >= '０' && r <= '９':
		return '0' + (r - '０'), true
	}
	return 0, false
}

// onlyDigits keeps the digits of s, full-width ones as ASCII.
func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if d, ok := digitRune(r); ok {
			b.WriteRune(d)
		}
	}
	return b.String()
}
