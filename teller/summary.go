package teller

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"guitai/devices/manager"
	"guitai/ledger"
	"guitai/money"
	"guitai/state"
	"guitai/widgets"
)

// summaryPane is the status line along the bottom of the window and the
// figures it reads: the last message (or who, where and the ledger when
// there is none), the count of fields a refused submit left to fix, the
// audit log's anchoring, each device's state, and the teller's cash box as
// the welcome screen and the sign-off confirmation tell it.
//
// It reads what it shows through the configuration it is given (the
// StateBus, the audit and lookup hooks) and is told the rest through its
// methods: it holds nothing of the shell's. The shell builds a new one
// for each language.
type summaryPane struct {
	lang   string
	base   string // Config.Status: who, where, the ledger
	bus    *state.Bus
	audits func() (AuditState, error)
	lookup func(txn string, values map[string]any) (*ledger.Result, error)

	status  *widget.Label
	devices *widget.Label // each device's state, from the StateBus
	audit   *widget.Label // the audit log's anchoring
	// line holds the status, the audit log's state and the devices.
	line    *fyne.Container
	stopDev func()
	// invalid is the status a refused submit showed ("有 2 处需要修改"),
	// while the status still shows it: it follows the fixes and goes with
	// the last one, or when the form is cleared, closed or replaced.
	invalid string
}

// newSummary builds the status line in lang from the window's
// configuration.
func newSummary(cfg Config, lang string) *summaryPane {
	p := &summaryPane{lang: lang, base: cfg.Status, bus: cfg.Bus, audits: cfg.Audit, lookup: cfg.Lookup}
	p.status = widget.NewLabel(p.baseStatus())
	p.status.Importance = widget.MediumImportance
	// The status line's left part (who, where, the last message) wraps
	// onto a second line rather than widen the window.
	p.status.Wrapping = fyne.TextWrapWord
	p.devices = widget.NewLabel("")
	p.audit = widget.NewLabel("")
	p.line = container.NewBorder(nil, nil, nil, container.NewHBox(p.audit, p.devices), p.status)
	return p
}

// object is the status line, for the layout to place.
func (p *summaryPane) object() fyne.CanvasObject { return p.line }

// t is zh or en, in the summary's language.
func (p *summaryPane) t(zh, en string) string {
	if p.lang == "en" {
		return en
	}
	return zh
}

// say shows msg in the status line.
func (p *summaryPane) say(msg string) { p.status.SetText(msg) }

// unsay takes msg off the status line, when it still shows it.
func (p *summaryPane) unsay(msg string) {
	if p.status.Text == msg {
		p.status.SetText(p.baseStatus())
	}
}

// text is what the status line shows.
func (p *summaryPane) text() string { return p.status.Text }

// baseStatus is the status line with no message in it (who, where, the
// ledger), with the business date's caption and the demo-card hint in the
// window's language, whichever language the line was made in.
func (p *summaryPane) baseStatus() string {
	other := "en"
	if p.lang == "en" {
		other = "zh"
	}
	s := strings.Replace(p.base, BusinessDateCaption(other)+" ", BusinessDateCaption(p.lang)+" ", 1)
	return strings.Replace(s, DemoCardHint(), DemoCardHintIn(p.lang), 1)
}

// refuse shows that a submit was refused for n fields to fix.
func (p *summaryPane) refuse(n int) {
	p.invalid = p.invalidText(n)
	p.status.SetText(p.invalid)
}

// resetStatus takes the count of fields to fix off the status line when
// it is there.
func (p *summaryPane) resetStatus() {
	if p.invalid != "" && p.status.Text == p.invalid {
		p.status.SetText(p.baseStatus())
	}
	p.invalid = ""
}

// recount follows the teller's fixes to f, the open form, after a refused
// submit: the count of fields to fix drops with each, and the line goes
// with the last.
func (p *summaryPane) recount(f *widgets.Form) {
	if p.invalid == "" || f == nil {
		return
	}
	if p.status.Text != p.invalid {
		p.invalid = "" // another message took its place
		return
	}
	n := len(f.Problems())
	if n == 0 {
		p.resetStatus()
		return
	}
	p.invalid = p.invalidText(n)
	p.status.SetText(p.invalid)
}

// invalidText is the status of a submit refused for n fields.
func (p *summaryPane) invalidText(n int) string {
	return fmt.Sprintf(p.t("有 %d 处需要修改", "%d fields need attention"), n)
}

// refreshAudit reads the audit log's anchoring off the UI goroutine and
// shows it in the status bar.
func (p *summaryPane) refreshAudit() {
	if p.audits == nil {
		return
	}
	background(func() {
		st, err := p.audits()
		fyne.Do(func() { p.showAudit(st, err) })
	})
}

// showAudit shows the audit log's anchoring, or why it is not known.
func (p *summaryPane) showAudit(st AuditState, err error) {
	if err != nil {
		p.audit.SetText(p.t("审计 ✗ ", "Audit ✗ ") + err.Error())
		p.audit.Importance = widget.DangerImportance
	} else {
		p.audit.SetText(st.Text(p.lang))
		p.audit.Importance = widget.MediumImportance
	}
	// Laid out again: a longer text must not be squeezed.
	p.line.Refresh()
}

// deviceNames are the captions of the devices the status bar knows.
var deviceNames = map[string][2]string{
	"printer":    {"打印机", "Printer"},
	"cardreader": {"读卡器", "Card reader"},
	"finger":     {"指纹仪", "Fingerprint"},
	"pinpad":     {"密码键盘", "PIN pad"},
}

// deviceStates are the words for a device's state in the status bar.
var deviceStates = map[string][2]string{
	"busy":       {"使用中", "busy"},
	"error":      {"故障", "error"},
	"connecting": {"连接中", "connecting"},
	"offline":    {"离线", "offline"},
	"closed":     {"未连接", "closed"},
}

// watchDevices shows the devices scope of the StateBus in the status bar:
// each device with ✓ when ready and its state otherwise.
func (p *summaryPane) watchDevices() {
	p.stop()
	scope := p.bus.Scope(manager.Scope)
	show := func() {
		p.devices.SetText(p.deviceLine(scope.Snapshot()))
		p.line.Refresh()
	}
	show()
	p.stopDev = scope.Subscribe(nil, func(state.Change) { show() })
}

// stop stops watching the devices.
func (p *summaryPane) stop() {
	if p.stopDev != nil {
		p.stopDev()
		p.stopDev = nil
	}
}

// deviceLine is the devices' part of the status line: each device by its
// caption, in name order, with its mark.
func (p *summaryPane) deviceLine(snap map[string]any) string {
	names := make([]string, 0, len(snap))
	for n := range snap {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		caption := n
		if c, ok := deviceNames[n]; ok {
			caption = p.t(c[0], c[1])
		}
		parts = append(parts, caption+" "+p.deviceMark(snap[n]))
	}
	return strings.Join(parts, "  ")
}

// deviceMark is ✓ for a ready device, its state (and detail) otherwise,
// and ? when the StateBus holds no status for it.
func (p *summaryPane) deviceMark(v any) string {
	st, ok := v.(manager.Status)
	if !ok {
		return "?"
	}
	if st.State == "ready" {
		return "✓"
	}
	mark := st.State
	if w, ok := deviceStates[st.State]; ok {
		mark = p.t(w[0], w[1])
	}
	if st.Detail != "" {
		mark += " " + st.Detail
	}
	return mark
}

// The teller's cash box, as the summary tells it where the teller looks:
// on the welcome screen (an empty box: allocate cash first), and in the
// sign-off confirmation (cash still in the box: hand it in).

// boxFigures reads the teller's cash box through the cashbox_summary
// lookup off the UI goroutine and gives its balance and status to then,
// on the UI goroutine; ok is false when there is no box yet (nothing
// allocated today) or no ledger.
func (p *summaryPane) boxFigures(then func(balance money.Fen, status string, ok bool)) {
	if p.lookup == nil {
		then(0, "", false)
		return
	}
	background(func() {
		res, err := p.lookup("cashbox_summary", map[string]any{})
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
func (p *summaryPane) boxHint(balance money.Fen, status string, ok bool) string {
	if !ok || (balance == 0 && status == "open") {
		return p.t("尾箱暂无现金：办理现金业务前，请先领现（3101 尾箱领现）。",
			"The cash box is empty: before cash transactions, allocate cash (3101 cash box allocation).")
	}
	return ""
}

// showBoxHint adds the box's hint under the welcome text, while still
// reports that the welcome screen is shown.
func (p *summaryPane) showBoxHint(welcome *fyne.Container, still func() bool) {
	p.boxFigures(func(balance money.Fen, status string, ok bool) {
		if hint := p.boxHint(balance, status, ok); hint != "" && still() {
			l := widget.NewLabel(hint)
			l.Wrapping = fyne.TextWrapWord
			l.Importance = widget.WarningImportance
			welcome.Add(l)
		}
	})
}

// signOffBody is the sign-off confirmation: a warning first when cash is
// still in the box.
func (p *summaryPane) signOffBody(balance money.Fen, ok bool) fyne.CanvasObject {
	body := container.NewVBox()
	if ok && balance != 0 {
		warn := widget.NewLabel(fmt.Sprintf(p.t("尾箱仍有现金 ¥%s，签退前请上缴（3102 尾箱上缴）。",
			"The cash box still holds ¥%s: hand it in before signing off (3102 cash box hand-in)."), balance.Grouped()))
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.DangerImportance
		body.Add(warn)
	}
	body.Add(widget.NewLabel(p.t("确认签退？", "Sign off now?")))
	return body
}

// BusinessDateCaption names the business date in the header and the
// status line.
func BusinessDateCaption(lang string) string {
	if lang == "en" {
		return "business date"
	}
	return "营业日"
}
