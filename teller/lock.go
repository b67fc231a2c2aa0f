package teller

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// touch records that the teller did something: the idle lock counts from
// the last touch.
func (s *Shell) touch() { s.lastActive.Store(s.now().UnixNano()) }

// Locked reports whether the session is locked.
func (s *Shell) Locked() bool { return s.lock != nil }

// watchIdle locks the session after cfg.IdleLock without activity. It
// checks a few times per period on its own goroutine until stop is closed.
func (s *Shell) watchIdle() {
	if s.cfg.IdleLock <= 0 || s.stopIdle != nil {
		return
	}
	every := s.cfg.IdleLock / 4
	if every > 15*time.Second {
		every = 15 * time.Second
	}
	stop := make(chan struct{})
	s.stopIdle = func() { close(stop) }
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(func() { s.checkIdle(s.now()) })
			}
		}
	}()
}

// checkIdle locks the session when it has been idle for cfg.IdleLock at
// now. A posting under way is never interrupted: the lock waits for it.
func (s *Shell) checkIdle(now time.Time) {
	if s.cfg.IdleLock <= 0 || s.Locked() || s.posting.Load() {
		return
	}
	if now.Sub(time.Unix(0, s.lastActive.Load())) >= s.cfg.IdleLock {
		s.Lock()
	}
}

// lockScreen is what the window shows while the session is locked; it
// keeps what it covers, dialogs included, to put back on unlock.
type lockScreen struct {
	content  fyne.CanvasObject
	overlays []fyne.CanvasObject
	password *widget.Entry
	message  *widget.Label
}

// Lock covers the window with the lock screen. Only the signed-on teller's
// password (Config.Unlock) takes it away; the open form, what was typed in
// it and any open dialog come back as they were.
func (s *Shell) Lock() {
	if s.Locked() || s.cfg.Unlock == nil {
		return
	}
	c := s.win.Canvas()
	l := &lockScreen{content: s.win.Content(), overlays: c.Overlays().List()}
	for _, o := range l.overlays {
		c.Overlays().Remove(o)
	}
	l.password = widget.NewPasswordEntry()
	l.password.SetPlaceHolder(s.t("密码", "Password"))
	l.message = widget.NewLabel("")
	l.message.Importance = widget.DangerImportance
	l.message.Wrapping = fyne.TextWrapWord
	l.message.Hide()
	unlock := widget.NewButtonWithIcon(s.t("解锁", "Unlock"), theme.LoginIcon(), func() { s.unlock(l) })
	unlock.Importance = widget.HighImportance
	l.password.OnSubmitted = func(string) { s.unlock(l) }
	title := widget.NewLabelWithStyle(s.t("屏幕已锁定", "Screen locked"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	who := widget.NewLabelWithStyle(s.t("柜员 ", "Teller ")+s.cfg.User, fyne.TextAlignCenter, fyne.TextStyle{})
	hint := widget.NewLabelWithStyle(s.t("只有本柜员可以解锁", "Only the signed-on teller can unlock"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	card := container.NewVBox(widget.NewIcon(theme.VisibilityOffIcon()), title, who, l.password, unlock, l.message, hint)
	s.lock = l
	s.win.SetContent(container.NewCenter(container.New(&fixedWidth{w: 360}, card)))
	c.Focus(l.password)
}

// unlock checks the password off the UI goroutine and puts the session
// back when it is the signed-on teller's.
func (s *Shell) unlock(l *lockScreen) {
	pw := l.password.Text
	background(func() {
		err := s.cfg.Unlock(pw)
		fyne.Do(func() {
			if s.lock != l {
				return
			}
			if err != nil {
				l.password.SetText("")
				l.message.SetText(s.message(err))
				l.message.Show()
				s.win.Canvas().Focus(l.password)
				return
			}
			s.lock = nil
			s.win.SetContent(l.content)
			for _, o := range l.overlays {
				s.win.Canvas().Overlays().Add(o)
			}
			s.touch()
		})
	})
}
