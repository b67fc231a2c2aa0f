package widgets

import "fyne.io/fyne/v2"

// IsFunctionKey reports whether n is one of F1 to F12: the keys a teller
// window binds to its own commands whatever field has the focus.
func IsFunctionKey(n fyne.KeyName) bool {
	switch n {
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5, fyne.KeyF6,
		fyne.KeyF7, fyne.KeyF8, fyne.KeyF9, fyne.KeyF10, fyne.KeyF11, fyne.KeyF12:
		return true
	}
	return false
}

// functionKey hands a function key typed in one of the form's fields to
// Options.OnKey, and reports whether the window took it. Fyne gives an
// unmodified key only to the focused widget, so without this a window
// could not bind F-keys while the teller is typing.
func (c *Context) functionKey(k *fyne.KeyEvent) bool {
	if c == nil || c.opts == nil || c.opts.OnKey == nil || !IsFunctionKey(k.Name) {
		return false
	}
	return c.opts.OnKey(k)
}

// fkey is the function-key hook of a field.
type fkey func(*fyne.KeyEvent) bool

func (f fkey) take(k *fyne.KeyEvent) bool { return f != nil && f(k) }

// FunctionKeyed is a widget that passes the function keys typed in it to
// the window itself (every input a form renders does). The window gives
// them to its commands on key-down for any other focused widget (a radio
// option, a button), which would drop them.
type FunctionKeyed interface {
	TakesFunctionKeys() bool
}

// TakesFunctionKeys reports that the entry passes F1-F12 on.
func (e *fieldEntry) TakesFunctionKeys() bool { return true }

// TakesFunctionKeys reports that the entry passes F1-F12 on.
func (e *keyEntry) TakesFunctionKeys() bool { return true }

// TakesFunctionKeys reports that the select passes F1-F12 on.
func (s *selectEntry) TakesFunctionKeys() bool { return true }

// TakesFunctionKeys reports that the check passes F1-F12 on.
func (c *checkEntry) TakesFunctionKeys() bool { return true }
