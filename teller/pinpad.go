package teller

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/devices"
	"guitai/devices/pinpad"
	"guitai/widgets"
)

// PinPad is the customer's PIN pad as the window uses it (a
// *pinpad.Pad): ReadPIN asks the customer for the PIN, reporting the
// digits' count as they type, and gives it back encrypted; Reveal hands
// its digits to use and wipes them after.
type PinPad interface {
	ReadPIN(ctx context.Context, p pinpad.Prompt) (*pinpad.PIN, error)
	Reveal(pin *pinpad.PIN, use func(digits []byte) error) error
}

// PinPadKey is the function key that reads the PIN pad into the focused
// PIN field (or the first empty one).
const PinPadKey = fyne.KeyF7

// pinPadCommand is the function key of the PIN pad, when there is one.
func pinPadCommand() Command {
	return Command{Key: PinPadKey, Zh: "密码键盘输入", En: "PIN from the pad", run: (*Shell).pinPadKey,
		when: func(s *Shell) bool { return s.cfg.PinPad != nil && s.form.current != nil }}
}

// bindPinPad binds the PIN pad's key when the window has a pad.
func (s *Shell) bindPinPad() {
	if s.cfg.PinPad == nil {
		return
	}
	for _, c := range s.extra {
		if c.Key == PinPadKey {
			return
		}
	}
	s.extra = append(s.extra, pinPadCommand())
}

// SetPinPad gives the window a PIN pad (nil takes it away) for the forms
// opened from now on, and binds its key.
func (s *Shell) SetPinPad(p PinPad) {
	s.cfg.PinPad = p
	s.bindPinPad()
}

// padDo runs f on the UI goroutine: fyne.Do; the tests queue f to run
// it on theirs.
var padDo = fyne.Do

// padReading is a PIN entry under way.
type padReading struct {
	cancel context.CancelFunc
	m      *modal
	dots   *widget.Label
}

// pinPadReader is the form host's Options.PinPad: nil without a pad, so
// the PIN fields show no pad button and are typed.
func (s *Shell) pinPadReader() func(widgets.PINTarget) {
	if s.cfg.PinPad == nil {
		return nil
	}
	return s.readPIN
}

// pinPadKey reads the pad into the focused PIN field of the open form, or
// its first empty one.
func (s *Shell) pinPadKey() {
	f := s.form.current
	if f == nil || s.cfg.PinPad == nil {
		return
	}
	t := f.PINTarget(s.win.Canvas().Focused())
	if t == nil {
		s.summary.say(s.t("本交易没有待输入的密码", "This form has no PIN to enter"))
		return
	}
	s.readPIN(t)
}

// accountPAN is the open form's account number, to bind the PIN block
// to (ISO 9564 format 0), or "" when it has none.
func (s *Shell) accountPAN() string {
	if s.form.current == nil {
		return ""
	}
	v, _ := s.form.current.Values()["account"].(string)
	if len(v) < 13 || len(v) > 19 || strings.Trim(v, "0123456789") != "" {
		return ""
	}
	return v
}

// readPIN asks the customer for a PIN on the pad and puts it in t: a
// dialog says so and shows a dot for each digit as it arrives; Esc (or
// its Cancel button) stops the entry on the pad. A failure goes to the
// status line; the field keeps what it had.
func (s *Shell) readPIN(t widgets.PINTarget) {
	pad := s.cfg.PinPad
	if pad == nil || s.padRead != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &padReading{cancel: cancel, dots: widget.NewLabelWithStyle(" ", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})}
	r.dots.SizeName = theme.SizeNameHeadingText
	s.padRead = r
	title := s.t("密码键盘", "PIN pad")
	ask := widget.NewLabel(s.t("请客户输入密码", "Customer: enter PIN on the pad"))
	ask.Wrapping = fyne.TextWrapWord
	if l := t.Label(); l != "" {
		ask.SetText(l + " · " + ask.Text)
	}
	ask.Importance = widget.HighImportance
	stop := widget.NewButtonWithIcon(s.t("取消 Esc", "Cancel Esc"), theme.CancelIcon(), func() { r.m.answer(false) })
	body := container.NewVBox(ask, r.dots)
	if k := s.demoKeypad(pad); k != nil {
		body.Add(k)
	}
	body.Add(widget.NewSeparator())
	body.Add(container.NewHBox(layout.NewSpacer(), stop))
	d := dialog.NewCustomWithoutButtons(title, container.New(&minWidth{w: confirmWidth * textScale()}, body), s.win)
	r.m = s.push(title, d, func(bool) {
		// Closed by the teller (Esc, Cancel): stop the entry on the pad.
		// Closed because the entry ended: cancel is a no-op.
		cancel()
	})
	// The customer presses Enter on the pad; the keyboard's Enter does
	// nothing here.
	r.m.enterIgnored = true
	prompt := pinpad.Prompt{
		Text: "请输入密码 Enter PIN",
		PAN:  s.accountPAN(),
		Keys: func(n int) {
			padDo(func() {
				r.dots.SetText(strings.Repeat("●", n) + " ")
				s.trace(fmt.Sprintf("pinpad keys %d", n))
			})
		},
	}
	// Its own goroutine, also in tests (which run background's work
	// inline): the customer types while the window waits.
	go func() {
		defer cancel()
		pin, err := pad.ReadPIN(ctx, prompt)
		var entered string
		if err == nil {
			err = pad.Reveal(pin, func(d []byte) error {
				// The field holds text: this copy cannot be wiped, the
				// pad's buffers are.
				entered = string(d)
				return nil
			})
			pin.Zero()
		}
		padDo(func() {
			s.padRead = nil
			byTeller := r.m.answered
			r.m.answer(true)
			switch {
			case err == nil:
				t.Fill(entered)
				s.summary.say(s.t("已从密码键盘取得密码", "PIN taken from the pad"))
				s.trace("pinpad entered")
			case byTeller && errors.Is(err, devices.ErrCanceled):
				s.summary.say(s.t("已取消密码输入", "PIN entry cancelled"))
				s.trace("pinpad cancelled")
			default:
				s.summary.say(devices.Say(err, s.lang))
				s.trace("pinpad failed " + pinpad.Code(err))
			}
			entered = ""
		})
	}()
}

// demoPad is a simulated pad whose keys the demo presses on screen
// (*manager.SimPinPad).
type demoPad interface {
	Press(keys string) error
}

// demoKeypad is the simulated pad's keys in the dialog, standing in for
// the customer in the demo; nil for a real pad.
func (s *Shell) demoKeypad(pad PinPad) fyne.CanvasObject {
	d, ok := pad.(demoPad)
	if !ok {
		return nil
	}
	key := func(label, keys string) fyne.CanvasObject {
		return widget.NewButton(label, func() { _ = d.Press(keys) })
	}
	grid := container.NewGridWithColumns(3)
	for _, k := range "123456789" {
		grid.Add(key(string(k), string(k)))
	}
	grid.Add(key(s.t("清除", "Clear"), string(pinpad.KeyClear)))
	grid.Add(key("0", "0"))
	grid.Add(key(s.t("确认", "Enter"), string(pinpad.KeyEnter)))
	note := widget.NewLabel(s.t("模拟密码键盘（演示）", "Simulated PIN pad (demo)"))
	note.Importance = widget.LowImportance
	return container.NewVBox(note, grid)
}

// stopPinPad cancels the entry under way, if any (the form closed, the
// session ended).
func (s *Shell) stopPinPad() {
	if s.padRead != nil {
		s.padRead.m.answer(false)
	}
}
