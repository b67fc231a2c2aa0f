package teller

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/ledger"
)

// credentialPrompt is what a credentials dialog asks for and says: a
// supervisor's authorization, or the other teller's confirmation of a
// cash handover (dual control).
type credentialPrompt struct {
	title, who, idHint, button, finger, place dsl.Text
	// id is the one person who may answer ("" lets whoever answers type
	// their id): the other teller a handover names.
	id string
	// demo is the simulated finger the dialog offers first.
	demo string
}

// supervisorPrompt asks for any supervisor's authorization.
func (s *Shell) supervisorPrompt() credentialPrompt {
	return credentialPrompt{
		title:  dsl.Text{Zh: "主管授权", En: "Supervisor authorization"},
		who:    dsl.Text{Zh: "主管", En: "Supervisor"},
		idHint: dsl.Text{Zh: "主管柜员号", En: "Supervisor id"},
		button: dsl.Text{Zh: "授权 Enter", En: "Authorize Enter"},
		finger: dsl.Text{Zh: "指纹授权", En: "Fingerprint"},
		place:  dsl.Text{Zh: "请主管在指纹仪上按手指…", En: "Supervisor: place your finger on the sensor…"},
		demo:   firstOf(s.cfg.DemoFingers, ledger.RoleSupervisor),
	}
}

// secondSupervisorPrompt asks for the second supervisor of a posting the
// ledger puts under two: another person than the first.
func (s *Shell) secondSupervisorPrompt() credentialPrompt {
	p := s.supervisorPrompt()
	p.title = dsl.Text{Zh: "第二主管授权", En: "Second supervisor"}
	p.who = dsl.Text{Zh: "第二主管", En: "Second supervisor"}
	p.idHint = dsl.Text{Zh: "另一名主管的柜员号", En: "Another supervisor's id"}
	p.place = dsl.Text{Zh: "请第二名主管在指纹仪上按手指…", En: "Second supervisor: place your finger on the sensor…"}
	return p
}

// counterpartPrompt asks the teller id names to confirm a cash handover
// with their own password or finger.
func counterpartPrompt(id string) credentialPrompt {
	return credentialPrompt{
		title:  dsl.Text{Zh: "交接确认", En: "Handover confirmation"},
		who:    dsl.Text{Zh: "交接人", En: "Other teller"},
		idHint: dsl.Text{Zh: "柜员号", En: "Teller id"},
		button: dsl.Text{Zh: "确认交接 Enter", En: "Confirm Enter"},
		finger: dsl.Text{Zh: "指纹确认", En: "Fingerprint"},
		place:  dsl.Text{Zh: "请交接人在指纹仪上按手指…", En: "Other teller: place your finger on the sensor…"},
		id:     id,
		demo:   id,
	}
}

// askSupervisor shows the authorization dialog: the supervisor's id and
// password, or their finger on the module when one is configured. then is
// called with what was given.
func (s *Shell) askSupervisor(then func(*Credentials)) {
	s.askCredentials(s.supervisorPrompt(), then)
}

// askCredentials shows a credentials dialog for p; then is called with
// what was given, and not at all when the dialog is cancelled.
func (s *Shell) askCredentials(p credentialPrompt, then func(*Credentials)) {
	var m *modal
	cancelDialog := func() { m.answer(false) }
	id := newDialogEntry(false, cancelDialog)
	id.SetPlaceHolder(p.idHint.In(s.lang))
	if p.id != "" {
		id.SetText(p.id)
		id.Disable() // the handover names who confirms it
	}
	pw := newDialogEntry(true, cancelDialog)
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	msg.Hide()
	form := widget.NewForm(
		widget.NewFormItem(p.who.In(s.lang), id),
		widget.NewFormItem(s.t("密码", "Password"), pw),
	)
	given := func(c *Credentials) {
		m.answer(true)
		then(c)
	}
	submit := func() {
		if strings.TrimSpace(id.Text) == "" {
			s.win.Canvas().Focus(id)
			return
		}
		given(&Credentials{ID: strings.TrimSpace(id.Text), Password: pw.Text})
	}
	ok := widget.NewButtonWithIcon(p.button.In(s.lang), theme.ConfirmIcon(), submit)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(s.t("取消 Esc", "Cancel Esc"), theme.CancelIcon(), cancelDialog)
	buttons := []fyne.CanvasObject{layout.NewSpacer(), cancel}
	body := []fyne.CanvasObject{form}
	if s.cfg.Finger != nil {
		finger, demo := s.fingerButton(p, msg, func() string { return strings.TrimSpace(id.Text) }, given)
		if demo != nil {
			body = append(body, widget.NewForm(widget.NewFormItem(s.t("模拟", "Simulator"), demo)))
		}
		buttons = append(buttons, finger)
	}
	buttons = append(buttons, ok)
	id.OnSubmitted = func(string) { s.win.Canvas().Focus(pw) }
	pw.OnSubmitted = func(string) { submit() }
	content := container.NewVBox(append(body, msg, container.NewHBox(buttons...))...)
	title := p.title.In(s.lang)
	d := dialog.NewCustomWithoutButtons(title, content, s.win)
	d.Resize(fyne.NewSize(460, 0))
	m = s.push(title, d, func(ok bool) {
		if !ok {
			s.idleDisplay() // nothing is posted: the customer display goes back to its welcome
		}
	})
	m.onEnter = submit
	if p.id != "" {
		s.win.Canvas().Focus(pw)
	} else {
		s.win.Canvas().Focus(id)
	}
}

// fingerButton is a credentials dialog's fingerprint button (and the
// simulator's finger picker, nil with a real module): a scan gives the
// matched finger, with the id typed (or fixed) for the ledger to check.
func (s *Shell) fingerButton(p credentialPrompt, msg *widget.Label, typedID func() string, given func(*Credentials)) (*widget.Button, *widget.Select) {
	demo := s.demoPicker(p.demo)
	var finger *widget.Button
	finger = widget.NewButtonWithIcon(p.finger.In(s.lang), theme.AccountIcon(), func() {
		finger.Disable()
		msg.SetText(p.place.In(s.lang))
		msg.Importance = widget.MediumImportance
		msg.Show()
		who := demoUser(demo)
		background(func() {
			fm, err := s.cfg.Finger(who)
			fyne.Do(func() {
				finger.Enable()
				if err != nil {
					msg.Importance = widget.DangerImportance
					msg.SetText(s.message(err))
					msg.Refresh()
					return
				}
				given(&Credentials{ID: typedID(), Finger: fm})
			})
		})
	})
	return finger, demo
}
