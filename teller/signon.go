package teller

import (
	"fmt"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/ledger"
	"guitai/widgets"
)

// SignOn is the teller's sign-on screen: teller id and password, the
// business date, and the reason a sign-on was refused (wrong password,
// locked after five failures). It takes the whole window until the teller
// is signed on.
type SignOn struct {
	ID, Password *widget.Entry
	Button       *widget.Button
	Message      *widget.Label
	// Detail is the line under Message with the ledger's code of a
	// refusal (E_BAD_CREDENTIALS), for the help desk; hidden without one.
	Detail *widget.Label
	// TriesLeft, if set, tells how many wrong passwords id may still type
	// before it is locked (ok false when it cannot tell); a refused
	// password then says so. It runs off the UI goroutine.
	TriesLeft func(id string) (left int, ok bool)
	// Finger is the fingerprint sign-on button, once EnableFinger added it.
	Finger *widget.Button

	extra *fyne.Container // the fingerprint row, hidden until enabled

	win  fyne.Window
	lang string
	// check runs the sign-on (off the UI goroutine) and returns the message
	// of a refusal in the window's language.
	check func(id, password string) error
	done  func()
	busy  atomic.Bool // a sign-on is being checked
}

// ShowSignOn fills win with the sign-on screen. check is called with what
// was typed, off the UI goroutine; a nil error calls done on the UI
// goroutine. date is the business date shown; hint a line under the form
// (the demo credentials).
func ShowSignOn(win fyne.Window, lang, date, hint string, check func(id, password string) error, done func()) *SignOn {
	s := &SignOn{win: win, lang: lang, check: check, done: done}
	t := func(zh, en string) string {
		if lang == "en" {
			return en
		}
		return zh
	}
	title := widget.NewLabelWithStyle(t("柜台 · 柜员签到", "Guitai · Teller sign-on"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.ID = widget.NewEntry()
	s.ID.SetPlaceHolder(t("柜员号", "Teller id"))
	s.Password = widget.NewPasswordEntry()
	s.Password.SetPlaceHolder(t("密码", "Password"))
	s.Message = widget.NewLabel("")
	s.Message.Importance = widget.DangerImportance
	s.Message.Wrapping = fyne.TextWrapWord
	s.Message.Hide()
	s.Detail = widget.NewLabel("")
	s.Detail.Importance = widget.LowImportance
	s.Detail.Wrapping = fyne.TextWrapWord
	s.Detail.Hide()
	s.Button = widget.NewButtonWithIcon(t("签到", "Sign on"), theme.LoginIcon(), s.submit)
	s.Button.Importance = widget.HighImportance
	s.ID.OnSubmitted = func(string) { win.Canvas().Focus(s.Password) }
	s.Password.OnSubmitted = func(string) { s.submit() }
	form := widget.NewForm(
		widget.NewFormItem(t("柜员号", "Teller"), s.ID),
		widget.NewFormItem(t("密码", "Password"), s.Password),
	)
	dateLine := widget.NewLabelWithStyle(t("营业日期 ", "Business date ")+date, fyne.TextAlignCenter, fyne.TextStyle{})
	hintLine := hintLines(hint)
	s.extra = container.NewVBox()
	s.extra.Hide()
	card := widgets.NewGroupBox("", container.NewPadded(container.NewVBox(title, dateLine, form, s.Message, s.Detail, s.Button, s.extra, hintLine)))
	// The card grows with the text (a larger font scale).
	box := container.New(&fixedWidth{w: signOnWidth * textScale()}, card)
	win.SetContent(container.NewCenter(box))
	win.Canvas().Focus(s.ID)
	return s
}

func (s *SignOn) submit() {
	if s.busy.Load() {
		return
	}
	id, pw := strings.TrimSpace(s.ID.Text), s.Password.Text
	if id == "" {
		s.win.Canvas().Focus(s.ID)
		return
	}
	s.busy.Store(true)
	s.Button.Disable()
	background(func() {
		err := s.check(id, pw)
		msg := s.refusal(id, err)
		fyne.Do(func() {
			defer s.busy.Store(false) // last: what follows is done when it reads false
			s.Button.Enable()
			if err != nil {
				s.Message.Importance = widget.DangerImportance
				s.Message.SetText(msg)
				s.Message.Show()
				s.showDetail(err)
				s.Password.SetText("")
				s.win.Canvas().Focus(s.Password)
				return
			}
			s.done()
		})
	})
}

// refusal is what the main line says of a refused sign-on of id: the
// ledger's message without its code, and after a wrong password how many
// tries are left before the teller is locked. It runs off the UI
// goroutine (TriesLeft reads the ledger).
func (s *SignOn) refusal(id string, err error) string {
	if err == nil {
		return ""
	}
	msg, _ := errorText(err, s.lang)
	if errorCode(err) != "E_BAD_CREDENTIALS" || s.TriesLeft == nil {
		return msg
	}
	left, ok := s.TriesLeft(id)
	switch {
	case !ok:
	case left <= 0 && s.lang == "en":
		msg += "; the user is now locked (a supervisor unlocks it)"
	case left <= 0:
		msg += "，该柜员已锁定，请联系主管解锁"
	case s.lang == "en":
		msg += fmt.Sprintf("; %d tries left", left)
	default:
		msg += fmt.Sprintf("，还可尝试 %d 次", left)
	}
	return msg
}

// showDetail shows the code of a refusal under the message, or hides the
// line when there is none.
func (s *SignOn) showDetail(err error) {
	_, detail := errorText(err, s.lang)
	s.Detail.SetText(detail)
	if detail == "" {
		s.Detail.Hide()
	} else {
		s.Detail.Show()
	}
}

// background runs slow work (a password hash, a posting) off the UI
// goroutine; its results come back through fyne.Do. Tests run it inline,
// since the test driver's fyne.Do does not serialise with the test.
var background = func(f func()) { go f() }

// signOnWidth is the sign-on card's width at text scale 1.
const signOnWidth = 420

// fixedWidth gives its single child a fixed width.
type fixedWidth struct{ w float32 }

func (f *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(f.w, objs[0].MinSize().Height)
}

func (f *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}

// EnableFinger adds sign-on by fingerprint: a button that waits for a
// finger on the module and signs its owner on. signOn runs off the UI
// goroutine and returns the refusal in the window's language; demo lists
// the fingers of a simulated module, offered in a select.
func (s *SignOn) EnableFinger(demo []DemoFinger, signOn func(demo string) error) {
	t := func(zh, en string) string {
		if s.lang == "en" {
			return en
		}
		return zh
	}
	pick := demoSelect(demo, firstOf(demo, ledger.RoleTeller), s.lang)
	s.Finger = widget.NewButtonWithIcon(t("指纹签到", "Sign on by fingerprint"), theme.AccountIcon(), nil)
	s.Finger.OnTapped = func() {
		if s.busy.Swap(true) {
			return
		}
		s.Finger.Disable()
		s.Message.Importance = widget.MediumImportance
		s.Message.SetText(t("请在指纹仪上按手指…", "Place your finger on the sensor…"))
		s.Message.Show()
		who := demoUser(pick)
		background(func() {
			err := signOn(who)
			fyne.Do(func() {
				defer s.busy.Store(false)
				s.Finger.Enable()
				if err != nil {
					msg, _ := errorText(err, s.lang)
					s.Message.Importance = widget.DangerImportance
					s.Message.SetText(msg)
					s.Message.Refresh()
					s.showDetail(err)
					return
				}
				s.done()
			})
		})
	}
	items := []fyne.CanvasObject{s.Finger}
	if pick != nil {
		items = append([]fyne.CanvasObject{pick}, items...)
	}
	s.extra.Objects = items
	s.extra.Show()
	s.extra.Refresh()
}

// hintLines shows the hint a line each; a line of ASCII only (the demo
// password) in the monospaced face, whose g cannot read as a q as it did
// at this size in the proportional one ("quitai-demo").
func hintLines(hint string) fyne.CanvasObject {
	box := container.NewVBox()
	for _, line := range strings.Split(hint, "\n") {
		if line == "" {
			continue // no hint (not a demo ledger): no empty line either
		}
		ascii := true
		for _, r := range line {
			ascii = ascii && r < 0x80
		}
		l := widget.NewLabelWithStyle(line, fyne.TextAlignCenter, fyne.TextStyle{Monospace: ascii})
		l.Wrapping = fyne.TextWrapWord // a larger text scale, a longer hint
		box.Add(l)
	}
	return box
}
