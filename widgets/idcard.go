package widgets

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/idnum"
)

// idCardLen is the length of a resident identity number.
const idCardLen = 18

// IDCardEntry is the entry of an 18-character resident identity number
// (居民身份证号码). It takes digits, and X (a typed x is upper-cased) as the
// check character in the last place only; anything else typed or pasted is
// refused and the line under the entry says why until the next accepted
// key. When the number is valid the line shows the birth date it carries
// ("1990-03-07").
//
// The widget itself is not focusable: the entry inside it is, see Entry.
type IDCardEntry struct {
	widget.BaseWidget

	// OnChanged is called after every change of the number, typed, pasted
	// or set by SetValue.
	OnChanged func(value string) `json:"-"`
	// OnSubmitted is called when Enter or Return is pressed in the entry.
	OnSubmitted func() `json:"-"`
	// OnFocusLost is called after the entry has lost the keyboard focus.
	OnFocusLost func() `json:"-"`
	// OnCancel is called when Escape is pressed in the entry.
	OnCancel func() `json:"-"`

	// Lang is the language refusals are said in: "en", or Chinese
	// otherwise.
	Lang string

	fieldCore
}

// NewIDCardEntry returns an empty identity number entry.
func NewIDCardEntry() *IDCardEntry {
	c := &IDCardEntry{}
	c.ExtendBaseWidget(c)
	c.fieldCore.init(c, func() string { return c.Lang }, fieldRules{
		mapRune:    idCardRune,
		refuseRune: func(rune) dsl.Text { return whyIDCardChars },
		format:     func(raw string) string { return raw },
		accept:     idCardAccept,
		keyboard:   mobile.SingleLineKeyboard, // letters, for the X
	}, fieldHooks{
		changed:   c.changed,
		submitted: func() { call(c.OnSubmitted) },
		focusLost: func() { call(c.OnFocusLost) },
		cancel:    func() { call(c.OnCancel) },
	})
	return c
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (c *IDCardEntry) CreateRenderer() fyne.WidgetRenderer {
	return c.fieldCore.renderer(c.hint)
}

// Value returns the number typed, with an upper-case X.
func (c *IDCardEntry) Value() string {
	return c.fieldCore.entry.raw
}

// SetValue sets the number: digits and x or X are kept (x upper-cased),
// anything else is dropped.
func (c *IDCardEntry) SetValue(s string) {
	var b strings.Builder
	for _, r := range s {
		if m, ok := idCardRune(r); ok {
			b.WriteRune(m)
		}
	}
	c.fieldCore.entry.setRaw(b.String())
}

// Valid reports whether the number is a valid identity number: check
// character and birth date (idnum.IDCard).
func (c *IDCardEntry) Valid() bool {
	return idnum.IDCard(c.fieldCore.entry.raw)
}

// hint is the birth date of a valid number.
func (c *IDCardEntry) hint() string {
	birth, ok := idnum.IDCardBirth(c.fieldCore.entry.raw)
	if !ok {
		return ""
	}
	return birth.Format("2006-01-02")
}

func (c *IDCardEntry) changed() {
	if c.OnChanged != nil {
		c.OnChanged(c.fieldCore.entry.raw)
	}
	c.Refresh()
}

// idCardRune takes ASCII and full-width digits and x or X, as X.
func idCardRune(r rune) (rune, bool) {
	switch r {
	case 'x', 'X', 'ｘ', 'Ｘ':
		return 'X', true
	}
	return digitRune(r)
}

// Why an IDCardEntry refuses a keystroke or a paste.
var (
	whyIDCardChars = dsl.Text{Zh: "只能输入数字和 X", En: "Digits and X only"}
	whyIDCardLen   = dsl.Text{Zh: "证件号码最多 18 位", En: "At most 18 characters"}
	whyIDCardX     = dsl.Text{Zh: "X 只能是最后一位", En: "X only as the last character"}
)

// idCardAccept lets a keystroke make at most 18 characters with an X only
// in the last place. Deleting is always allowed.
func idCardAccept(raw, prev string) dsl.Text {
	if len(raw) < len(prev) {
		return dsl.Text{}
	}
	if len(raw) > idCardLen {
		return whyIDCardLen
	}
	if i := strings.IndexByte(raw, 'X'); i >= 0 && i != idCardLen-1 {
		return whyIDCardX
	}
	return dsl.Text{}
}
