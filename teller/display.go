package teller

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/money"
)

// DisplayConfig configures the customer-facing display.
type DisplayConfig struct {
	// Bank is the bank's name, shown at the top; empty shows "Guitai".
	Bank dsl.Text
	// Monitor picks the monitor by its number in the desktop's list,
	// from 1; 0 takes the first monitor that is not the primary one.
	Monitor int
	// Windowed keeps a normal window on the second monitor instead of
	// covering it with a borderless one.
	Windowed bool
	// Size is the window's size when it floats (one monitor) or is
	// Windowed; zero means 960×600.
	Size fyne.Size
}

// The lines the customer display shows.
const (
	displayWelcome = "欢迎光临 Welcome"
	displayPrompt  = "请核对并确认 Please check and confirm"
)

// CustomerDisplay is the second window, turned to the customer: the bank's
// name, and either a welcome line (Idle) or the transaction to confirm
// (Show): its title, the masked account, the amount in figures and in
// Chinese capitals (大写), and "请核对并确认 Please check and confirm".
//
// It goes on the second monitor, covering it, when the desktop has one
// (see DisplayConfig), and floats as a normal window otherwise. Every
// method must be called on the UI goroutine (in a Fyne callback or
// fyne.Do): placing the window calls GLFW, which runs on the main thread.
type CustomerDisplay struct {
	win    fyne.Window
	cfg    DisplayConfig
	placed string // where the window went, for the log

	bank, welcome                  *bigLine
	title, account, figures, upper *bigLine
	prompt                         *bigLine
	idle, txn                      *fyne.Container
}

// NewCustomerDisplay opens the customer display in a new window of a,
// idle, and places it (see CustomerDisplay).
func NewCustomerDisplay(a fyne.App, cfg DisplayConfig) *CustomerDisplay {
	if cfg.Size.IsZero() {
		cfg.Size = fyne.NewSize(960, 600)
	}
	d := &CustomerDisplay{cfg: cfg, win: a.NewWindow("客户显示 Customer display")}
	bank := cfg.Bank.In("zh")
	if en := cfg.Bank.In("en"); en != bank {
		bank += " " + en
	}
	if bank == "" {
		bank = "Guitai"
	}
	// Only the figures are bold: Fyne's bold font has no Chinese, so a
	// bold line mixing Chinese and English would be half bold.
	d.bank = newBigLine(bank, 2.2, false, theme.ColorNamePrimary)
	d.welcome = newBigLine(displayWelcome, 3, false, theme.ColorNameForeground)
	d.title = newBigLine("", 2.2, false, theme.ColorNameForeground)
	d.account = newBigLine("", 2.2, false, theme.ColorNameForeground)
	d.figures = newBigLine("", 3.4, true, theme.ColorNameForeground)
	d.upper = newBigLine("", 2, false, theme.ColorNameForeground)
	d.prompt = newBigLine(displayPrompt, 1.8, false, theme.ColorNamePrimary)

	d.idle = container.NewVBox(layout.NewSpacer(), d.welcome, layout.NewSpacer())
	d.txn = container.NewVBox(layout.NewSpacer(), d.title, d.account, d.figures, d.upper,
		layout.NewSpacer(), d.prompt, layout.NewSpacer())
	body := container.NewStack(d.idle, d.txn)
	d.win.SetContent(container.NewBorder(
		container.NewVBox(d.bank, widget.NewSeparator()), nil, nil, nil,
		container.NewPadded(body)))
	// The teller cannot close the customer's screen by accident; the
	// application closes it with Close.
	d.win.SetCloseIntercept(func() {})
	d.win.Resize(cfg.Size)
	d.Idle()
	d.win.Show()
	d.placed = placeOnSecondMonitor(d.win, cfg)
	return d
}

// Window returns the display's window.
func (d *CustomerDisplay) Window() fyne.Window { return d.win }

// Placement says where the window went: "monitor 2 at 1280,0 1024×768" or
// why it floats ("floating: one monitor").
func (d *CustomerDisplay) Placement() string { return d.placed }

// Show puts a transaction before the customer: title in lang ("zh" or
// "en"), the account masked as dsl.Mask does (the line is left out when
// account is empty), and the amount as "¥12,345.67" with its 大写 (the
// amount lines are left out when amount is zero, as for an inquiry).
func (d *CustomerDisplay) Show(title dsl.Text, account string, amount money.Fen, lang string) {
	d.title.SetText(title.In(lang))
	if account != "" {
		d.account.SetText("账号 Account  " + dsl.Mask(account))
		d.account.Show()
	} else {
		d.account.Hide()
	}
	if amount != 0 {
		d.figures.SetText("¥" + amount.Grouped())
		d.upper.SetText("人民币" + amount.Upper())
		d.figures.Show()
		d.upper.Show()
	} else {
		d.figures.Hide()
		d.upper.Hide()
	}
	d.idle.Hide()
	d.txn.Show()
}

// Idle shows the welcome line.
func (d *CustomerDisplay) Idle() {
	d.txn.Hide()
	d.idle.Show()
}

// Close closes the window.
func (d *CustomerDisplay) Close() {
	d.win.SetCloseIntercept(nil)
	d.win.Close()
}

// lines returns the text of every line shown, top to bottom, for tests
// and the log.
func (d *CustomerDisplay) lines() []string {
	out := []string{d.bank.Text()}
	if d.idle.Visible() {
		return append(out, d.welcome.Text())
	}
	for _, l := range []*bigLine{d.title, d.account, d.figures, d.upper, d.prompt} {
		if l.Visible() {
			out = append(out, l.Text())
		}
	}
	return out
}

// String lists the lines shown.
func (d *CustomerDisplay) String() string { return fmt.Sprint(d.lines()) }

// bigLine is one centred line of large text: scale times the theme's text
// size, shrunk to fit when the window is narrower than the line.
type bigLine struct {
	widget.BaseWidget
	text  string
	scale float32
	bold  bool
	color fyne.ThemeColorName
}

func newBigLine(text string, scale float32, bold bool, color fyne.ThemeColorName) *bigLine {
	l := &bigLine{text: text, scale: scale, bold: bold, color: color}
	l.ExtendBaseWidget(l)
	return l
}

// Text returns the line's text.
func (l *bigLine) Text() string { return l.text }

// SetText changes the line's text.
func (l *bigLine) SetText(s string) {
	l.text = s
	l.Refresh()
}

// CreateRenderer is a private method to Fyne which links this widget to
// its renderer.
func (l *bigLine) CreateRenderer() fyne.WidgetRenderer {
	t := canvas.NewText(l.text, nil)
	t.Alignment = fyne.TextAlignCenter
	t.TextStyle = fyne.TextStyle{Bold: l.bold}
	r := &bigLineRenderer{l: l, t: t}
	r.Refresh()
	return r
}

type bigLineRenderer struct {
	l    *bigLine
	t    *canvas.Text
	size fyne.Size
}

func (r *bigLineRenderer) full() float32 {
	return r.l.Theme().Size(theme.SizeNameText) * r.l.scale
}

func (r *bigLineRenderer) MinSize() fyne.Size {
	// As narrow as a few characters: the text shrinks rather than forcing
	// the window wider.
	h := fyne.MeasureText("国", r.full(), r.t.TextStyle).Height
	return fyne.NewSize(h*4, h+r.l.Theme().Size(theme.SizeNamePadding)*2)
}

func (r *bigLineRenderer) Layout(size fyne.Size) {
	r.size = size
	r.fit()
}

// fit sets the text size: the full size, or smaller so the line fits the
// width it has.
func (r *bigLineRenderer) fit() {
	r.t.TextSize = r.full()
	avail := r.size.Width - r.l.Theme().Size(theme.SizeNameInnerPadding)*2
	if w := fyne.MeasureText(r.t.Text, r.t.TextSize, r.t.TextStyle).Width; avail > 0 && w > avail {
		r.t.TextSize = max(r.t.TextSize*avail/w, 8)
	}
	r.t.Move(fyne.NewPos(0, 0))
	r.t.Resize(r.size)
}

func (r *bigLineRenderer) Refresh() {
	th := r.l.Theme()
	r.t.Text = r.l.text
	r.t.Color = th.Color(r.l.color, fyne.CurrentApp().Settings().ThemeVariant())
	r.fit()
	r.t.Refresh()
}

func (r *bigLineRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t} }

func (r *bigLineRenderer) Destroy() {}

// DisplayValues picks what the customer display shows of a submission:
// the value of the first account node and of the first amount node of
// def, in tree order, that values holds (as Form.Values gives them).
func DisplayValues(def *dsl.Form, values map[string]any) (account string, amount money.Fen) {
	var gotAccount, gotAmount bool
	def.Walk(func(_ []string, n *dsl.Node) bool {
		v, ok := values[n.Bind]
		if n.Bind == "" || !ok {
			return true
		}
		switch n.Type {
		case "account":
			if s, ok := v.(string); ok && !gotAccount {
				account, gotAccount = s, true
			}
		case "amount":
			if f, ok := v.(money.Fen); ok && !gotAmount {
				amount, gotAmount = f, true
			}
		}
		return true
	})
	return account, amount
}

// FitsItself tells the layout check that the line scales to its width.
func (l *bigLine) FitsItself() bool { return true }

// ShownText is the line's text, for the layout check's reports.
func (l *bigLine) ShownText() string { return l.text }
