package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A form's "password" field holds a PIN or a password: it never shows
// what it holds. Fyne's password Entry offers an eye that reveals the
// text; the field takes its place with its own action item, so the eye is
// never built: the PIN pad's button when the window has a pad
// (Options.PinPad), nothing otherwise.

// PINTarget is a password field the PIN pad can fill.
type PINTarget interface {
	// Fill puts pin in the field as if typed, then moves on as Enter does.
	Fill(pin string)
	// Label is the field's caption ("新密码"), for the pad's dialog.
	Label() string
}

// pinTarget is the PINTarget of a password field.
type pinTarget struct{ f *textField }

// Fill sets the text as typed (the form takes the edit) and moves on.
func (t pinTarget) Fill(pin string) {
	if t.f.entry.Disabled() {
		return
	}
	t.f.entry.SetText(pin)
	t.f.hooks.fireSubmitted()
}

// Label is the field's caption.
func (t pinTarget) Label() string { return t.f.caption }

// pinAction is the action item of a password entry: the PIN pad button,
// or an empty object without a pad. It never reveals the text.
func pinAction(c *Context, f *textField) fyne.CanvasObject {
	if c.opts == nil || c.opts.PinPad == nil || c.opts.Design {
		r := canvas.NewRectangle(color.Transparent)
		r.SetMinSize(fyne.NewSize(0, 0))
		return r
	}
	read := c.opts.PinPad
	return newPadButton(func() {
		if !f.entry.Disabled() {
			read(pinTarget{f})
		}
	})
}

// padButton is the PIN pad's icon in a password entry: tapping it asks
// the customer for the PIN on the pad. It takes no focus, so Tab goes
// from field to field as before.
type padButton struct {
	widget.BaseWidget
	tapped func()
}

func newPadButton(tapped func()) *padButton {
	b := &padButton{tapped: tapped}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped reads the pad.
func (b *padButton) Tapped(*fyne.PointEvent) { b.tapped() }

// CreateRenderer draws the pad's icon.
func (b *padButton) CreateRenderer() fyne.WidgetRenderer {
	icon := widget.NewIcon(theme.GridIcon())
	return &padButtonRenderer{icon: icon}
}

type padButtonRenderer struct{ icon *widget.Icon }

func (r *padButtonRenderer) Layout(s fyne.Size) {
	side := min(s.Width, s.Height, theme.IconInlineSize())
	r.icon.Resize(fyne.NewSquareSize(side))
	r.icon.Move(fyne.NewPos((s.Width-side)/2, (s.Height-side)/2))
}

func (r *padButtonRenderer) MinSize() fyne.Size {
	return fyne.NewSquareSize(theme.IconInlineSize() + theme.InnerPadding())
}

func (r *padButtonRenderer) Refresh()                     { r.icon.Refresh() }
func (r *padButtonRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.icon} }
func (r *padButtonRenderer) Destroy()                     {}

// PINTarget is the password field the PIN pad should fill: the one that
// has the focus, else the first empty one the teller can reach; nil when
// the form has none.
func (f *Form) PINTarget(focused fyne.Focusable) PINTarget {
	var first *textField
	for _, l := range f.fields {
		tf, ok := l.el.Field.(*textField)
		if !ok || tf.kind != "password" || !f.active(l) {
			continue
		}
		if focused != nil && fyne.Focusable(tf.entry) == focused {
			return pinTarget{tf}
		}
		if first == nil && tf.entry.Text == "" {
			first = tf
		}
	}
	if first == nil {
		return nil
	}
	return pinTarget{first}
}
