package teller

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"guitai/money"
)

// This file holds what the shell says of the teller's cash box where the
// teller looks: on the welcome screen (an empty box: allocate cash first),
// and in the sign-off confirmation (cash still in the box: hand it in).

// boxFigures reads the teller's cash box through the cashbox_summary
// lookup off the UI goroutine and gives its balance and status to then,
// on the UI goroutine; ok is false when there is no box yet (nothing
// allocated today) or no ledger.
func (s *Shell) boxFigures(then func(balance money.Fen, status string, ok bool)) {
	if s.cfg.Lookup == nil {
		then(0, "", false)
		return
	}
	background(func() {
		res, err := s.cfg.Lookup("cashbox_summary", map[string]any{})
		fyne.Do(func() {
			if err != nil || res == nil {
				then(0, "", false)
				return
			}
			bal, _ := res.Values["box_balance"].(money.Fen)
			status, _ := res.Values["box_status"].(string)
			then(bal, status, true)
		})
	})
}

// boxHint is what the welcome screen says of the box: allocate cash first
// while it is empty and open; "" otherwise.
func (s *Shell) boxHint(balance money.Fen, status string, ok bool) string {
	if !ok || (balance == 0 && status == "open") {
		return s.t("尾箱暂无现金：办理现金业务前，请先领现（3101 尾箱领现）。",
			"The cash box is empty: before cash transactions, allocate cash (3101 cash box allocation).")
	}
	return ""
}

// showBoxHint adds the box's hint under the welcome text.
func (s *Shell) showBoxHint(welcome *fyne.Container) {
	s.boxFigures(func(balance money.Fen, status string, ok bool) {
		if hint := s.boxHint(balance, status, ok); hint != "" && s.current == nil {
			l := widget.NewLabel(hint)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			welcome.Add(l)
		}
	})
}

// signOffBody is the sign-off confirmation: a warning first when cash is
// still in the box.
func (s *Shell) signOffBody(balance money.Fen, ok bool) fyne.CanvasObject {
	body := container.NewVBox()
	if ok && balance != 0 {
		warn := widget.NewLabel(fmt.Sprintf(s.t("尾箱仍有现金 ¥%s，签退前请上缴（3102 尾箱上缴）。",
			"The cash box still holds ¥%s: hand it in before signing off (3102 cash box hand-in)."), balance.Grouped()))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.DangerImportance
		body.Add(warn)
	}
	body.Add(widget.NewLabel(s.t("确认签退？", "Sign off now?")))
	return body
}

// BusinessDateCaption names the business date in the status line.
func BusinessDateCaption(lang string) string {
	if lang == "en" {
		return "business date"
	}
	return "营业日"
}
