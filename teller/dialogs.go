package teller

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/widgets"
)

// This file holds the shell's dialogs. Every one of them is a modal: while
// it is on top, Enter and Esc answer it, the function keys wait, and no key
// reaches the form behind it (the form's field loses the focus while the
// dialog shows and gets it back after). They speak the window's language
// (Fyne's stock dialogs say Yes, No and OK in the process's locale).

// modal is one dialog on screen.
type modal struct {
	title    string
	canvas   fyne.Canvas
	top      fyne.CanvasObject // its overlay
	answer   func(ok bool)
	answered bool
	// escapeIsYes: Esc closes it as Enter does (a message); otherwise Esc
	// answers no.
	escapeIsYes bool
	// enterIgnored: Enter is the body's (a list), not an answer.
	enterIgnored bool
	// onEnter, if set, is what Enter does instead of answering yes (the
	// supervisor dialog authorizes with what was typed).
	onEnter func()
}

// key answers with Enter and Esc and holds the function keys back, while
// the modal is on top; it reports whether it took k.
func (m *modal) key(k *fyne.KeyEvent) bool {
	if m.answered || m.canvas.Overlays().Top() != m.top {
		return false // answered, or another dialog over it
	}
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		switch {
		case m.onEnter != nil:
			m.onEnter()
		case !m.enterIgnored:
			m.answer(true)
		}
	case fyne.KeyEscape:
		m.answer(m.escapeIsYes)
	default:
		return widgets.IsFunctionKey(k.Name)
	}
	return true
}

// modalKey gives k to the dialog on top, if any; it reports whether the
// dialog took it.
func (s *Shell) modalKey(k *fyne.KeyEvent) bool {
	s.prune()
	if len(s.modals) == 0 {
		return false
	}
	return s.modals[len(s.modals)-1].key(k)
}

// Modal is the title of the dialog on top, or "": for tests and the trace.
func (s *Shell) Modal() string {
	s.prune()
	if len(s.modals) == 0 {
		return ""
	}
	return s.modals[len(s.modals)-1].title
}

// prune forgets the modals whose overlay went without an answer (taken
// off the canvas by other means).
func (s *Shell) prune() {
	overlays := s.win.Canvas().Overlays().List()
	s.modals = slices.DeleteFunc(s.modals, func(m *modal) bool {
		return !m.answered && m.top != nil && !slices.Contains(overlays, m.top)
	})
}

// push shows d as a modal titled title and returns it; closed runs once
// when it goes, by its own button or by a key, with the answer.
func (s *Shell) push(title string, d dialog.Dialog, closed func(ok bool)) *modal {
	c := s.win.Canvas()
	prev := c.Focused()
	m := &modal{title: title, canvas: c}
	m.answer = func(ok bool) {
		if m.answered {
			return
		}
		m.answered = true
		d.Hide()
		if i := slices.Index(s.modals, m); i >= 0 {
			s.modals = slices.Delete(s.modals, i, i+1)
		}
		// The focus goes back where it was, before closed runs (which
		// may move it on).
		if len(s.modals) == 0 && prev != nil && c.Focused() == nil {
			c.Focus(prev)
		}
		if closed != nil {
			closed(ok)
		}
		s.trace("answered " + title)
	}
	d.SetOnClosed(func() { m.answer(true) })
	// No key may reach the form behind the dialog: Space would tick its
	// check box, Enter move to its next field.
	c.Unfocus()
	d.Show()
	m.top = c.Overlays().Top()
	s.modals = append(s.modals, m)
	s.trace("dialog " + title)
	return m
}

// ask shows a confirmation over the window: title, body, and the buttons
// 取消 Esc and 确认 Enter. While it is on top Enter confirms, Esc cancels
// and the function keys wait for the answer. done gets the answer once.
func (s *Shell) ask(title string, body fyne.CanvasObject, done func(ok bool)) {
	s.dialog(title, body, true, done)
}

// tell shows a result with one button, 确定 Enter; Enter and Esc close it
// too, then done runs.
func (s *Shell) tell(title string, body fyne.CanvasObject, done func()) {
	s.dialog(title, body, false, func(bool) { done() })
}

func (s *Shell) dialog(title string, body fyne.CanvasObject, cancel bool, done func(ok bool)) {
	var m *modal
	yes := widget.NewButtonWithIcon(s.t("确认 Enter", "Confirm Enter"), theme.ConfirmIcon(), func() { m.answer(true) })
	yes.Importance = widget.HighImportance
	buttons := container.NewHBox(layout.NewSpacer())
	if cancel {
		buttons.Add(widget.NewButtonWithIcon(s.t("取消 Esc", "Cancel Esc"), theme.CancelIcon(), func() { m.answer(false) }))
	} else {
		yes.SetText(s.t("确定 Enter", "OK Enter"))
	}
	buttons.Add(yes)
	content := container.NewVBox(body, widget.NewSeparator(), buttons)
	d := dialog.NewCustomWithoutButtons(title, container.New(&minWidth{w: confirmWidth * textScale()}, content), s.win)
	m = s.push(title, d, done)
	m.escapeIsYes = !cancel
}

// closable shows d, a dialog with its own Close button (the key help, a
// receipt preview, the reprint queue), as a modal that Esc closes too,
// and Enter when enter is set.
func (s *Shell) closable(title string, d dialog.Dialog, enter bool) {
	m := s.push(title, d, nil)
	m.escapeIsYes, m.enterIgnored = true, !enter
}

// showError shows err in the window's language, with 确定 Enter: a ledger
// error by its message, its code and cause below it as the detail.
func (s *Shell) showError(err error) {
	msg, code := errorText(err, s.lang)
	main := widget.NewLabel(msg)
	main.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(main)
	if code != "" {
		detail := widget.NewLabel(code)
		detail.Importance = widget.LowImportance
		detail.Wrapping = fyne.TextWrapWord
		body.Add(detail)
	}
	s.tell(s.t("出错了", "Error"), body, func() {})
}

// inform shows a message with 确定 Enter.
func (s *Shell) inform(title, msg string) {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	s.tell(title, l, func() {})
}

// dialogEntry is an Entry in a dialog: Esc answers the dialog instead of
// being lost in the field.
type dialogEntry struct {
	widget.Entry
	escape func()
}

func newDialogEntry(password bool, escape func()) *dialogEntry {
	e := &dialogEntry{escape: escape}
	e.Password = password
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives Esc to the dialog.
func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(k)
}
