package widgets

import (
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// labelRow lays out a caption in a fixed-width column on the left and the
// input filling the rest, the way paper bank forms align their captions.
type labelRow struct {
	width float32
}

func (l *labelRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	label, field := objs[0].MinSize(), objs[1].MinSize()
	pad := theme.Padding()
	return fyne.NewSize(l.width+pad+field.Width, max(label.Height, field.Height))
}

func (l *labelRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	label, field := objs[0], objs[1]
	// The caption lines up with the first line of the input.
	lh := min(label.MinSize().Height, theme.InputBorderSize()*2+theme.TextSize()+theme.InnerPadding()*2)
	label.Move(fyne.NewPos(0, 0))
	label.Resize(fyne.NewSize(l.width, lh))
	field.Move(fyne.NewPos(l.width+pad, 0))
	field.Resize(fyne.NewSize(size.Width-l.width-pad, size.Height))
}

// Caption is the label of a field: right-aligned in its column, cut with an
// ellipsis when the column is too narrow, with a red asterisk when the field
// is required. It draws two canvas.Texts: shaping a rich text on every
// layout costs a form of 200 fields tens of milliseconds.
type Caption struct {
	widget.BaseWidget
	Text     string
	Required bool
	Align    fyne.TextAlign

	mu  sync.Mutex
	cut bool
}

// NewCaption returns a right-aligned caption.
func NewCaption(text string, required bool) *Caption {
	c := &Caption{Text: text, Required: required, Align: fyne.TextAlignTrailing}
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (c *Caption) CreateRenderer() fyne.WidgetRenderer {
	r := &captionRenderer{c: c, star: canvas.NewText("*", color.Black), text: canvas.NewText("", color.Black)}
	r.Refresh()
	return r
}

// Truncated reports whether the caption was cut to fit its column when it
// was last laid out.
func (c *Caption) Truncated() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cut
}

type captionRenderer struct {
	c          *Caption
	star, text *canvas.Text
	shown      string // c.Text as it fits the last width laid out
}

func (r *captionRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	avail := size.Width - pad
	if r.c.Required {
		avail -= r.star.MinSize().Width
	}
	r.fit(avail)
	tw := r.text.MinSize().Width
	x := size.Width - pad - tw // trailing
	if r.c.Align == fyne.TextAlignLeading {
		x = 0
		if r.c.Required {
			x = r.star.MinSize().Width
		}
	}
	h := r.text.MinSize().Height
	y := (size.Height - h) / 2
	r.text.Move(fyne.NewPos(x, y))
	r.text.Resize(fyne.NewSize(tw, h))
	r.star.Move(fyne.NewPos(x-r.star.MinSize().Width, y))
	r.star.Resize(r.star.MinSize())
}

// fit cuts the text to the width with an ellipsis.
func (r *captionRenderer) fit(width float32) {
	full := r.c.Text
	text := full
	for runes := []rune(full); len(runes) > 0; runes = runes[:len(runes)-1] {
		if fyne.MeasureText(text, r.text.TextSize, r.text.TextStyle).Width <= width {
			break
		}
		text = string(runes[:len(runes)-1]) + "…"
	}
	r.c.mu.Lock()
	r.c.cut = text != full
	r.c.mu.Unlock()
	if text != r.shown {
		r.shown = text
		r.text.Text = text
		r.text.Refresh()
	}
}

func (r *captionRenderer) MinSize() fyne.Size {
	s := fyne.MeasureText(r.c.Text, r.text.TextSize, r.text.TextStyle)
	return fyne.NewSize(min(s.Width, 40)+theme.InnerPadding(), s.Height+theme.InnerPadding()*2)
}

func (r *captionRenderer) Refresh() {
	th := r.c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.star.Color = th.Color(theme.ColorNameError, v)
	r.star.TextSize = r.text.TextSize
	r.star.Hidden = !r.c.Required
	r.shown = ""
	r.text.Text = r.c.Text
	r.Layout(r.c.Size())
	r.star.Refresh()
}

func (r *captionRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.star, r.text}
}

func (r *captionRenderer) Destroy() {}

// GroupBox is a titled card holding related fields: a tinted panel with a
// thin border and a bold title, lighter than widget.Card so that a dense
// form still fits on the teller's screen.
type GroupBox struct {
	widget.BaseWidget
	Title   string
	Content fyne.CanvasObject
}

// NewGroupBox returns a group box around content.
func NewGroupBox(title string, content fyne.CanvasObject) *GroupBox {
	g := &GroupBox{Title: title, Content: content}
	g.ExtendBaseWidget(g)
	return g
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (g *GroupBox) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = theme.InputRadiusSize()
	bg.StrokeWidth = 1
	bar := canvas.NewRectangle(color.Transparent)
	title := canvas.NewText(g.Title, color.Black)
	title.TextStyle = fyne.TextStyle{Bold: true}
	r := &groupRenderer{g: g, bg: bg, bar: bar, title: title}
	r.Refresh()
	return r
}

type groupRenderer struct {
	g     *GroupBox
	bg    *canvas.Rectangle
	bar   *canvas.Rectangle
	title *canvas.Text
}

func (r *groupRenderer) titleHeight() float32 {
	if r.g.Title == "" {
		return 0
	}
	return r.title.MinSize().Height + theme.Padding()*2
}

func (r *groupRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	r.bg.Resize(size)
	th := r.titleHeight()
	r.bar.Move(fyne.NewPos(pad, theme.Padding()+2))
	r.bar.Resize(fyne.NewSize(3, max(th-theme.Padding()*2-4, 0)))
	r.title.Move(fyne.NewPos(pad+8, theme.Padding()))
	r.g.Content.Move(fyne.NewPos(pad, th+theme.Padding()))
	r.g.Content.Resize(fyne.NewSize(size.Width-pad*2, size.Height-th-theme.Padding()-pad))
}

func (r *groupRenderer) MinSize() fyne.Size {
	pad := theme.InnerPadding()
	c := r.g.Content.MinSize()
	w := max(c.Width, r.title.MinSize().Width+8)
	return fyne.NewSize(w+pad*2, c.Height+r.titleHeight()+theme.Padding()+pad)
}

func (r *groupRenderer) Refresh() {
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := r.g.Theme()
	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.bg.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	r.bar.FillColor = th.Color(theme.ColorNamePrimary, v)
	r.title.Text = r.g.Title
	r.title.Color = th.Color(theme.ColorNameForeground, v)
	r.title.TextSize = th.Size(theme.SizeNameSubHeadingText) * 0.8
	r.bg.Refresh()
	r.bar.Refresh()
	r.title.Refresh()
}

func (r *groupRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.bar, r.title, r.g.Content}
}

func (r *groupRenderer) Destroy() {}

// minHeight keeps a scroll area at least h tall.
type minHeight struct {
	h float32
}

func (m *minHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := objs[0].MinSize()
	return fyne.NewSize(s.Width, max(m.h, 0))
}

func (m *minHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// fitGrid lays its visible objects out in a grid of cols equal columns,
// as Fyne's GridWithColumns does, while the width it is given holds cols
// of its widest cell side by side; narrower (a larger text scale, long
// English options), it drops to as many columns as fit, down to one, so
// the form is never wider than the window and never scrolls sideways.
//
// A width decides its columns once, the first time the grid is laid out
// at it, and keeps them: values growing in the cells as the teller types
// (a long 大写 beside an amount, an error under a field) never re-flow
// the form while the window keeps its width.
//
// Its minimum width is therefore its widest cell's, and its minimum height
// that of the rows it had at the width it was last laid out at: like a
// wrapping label's, which the window's next frame follows (its minimum
// changed, so its parents are laid out again).
type fitGrid struct {
	cols    int
	width   float32 // the width last laid out at; 0 before the first layout
	decided map[gridWidth]int
}

// gridWidth is what a fitGrid's columns are decided for: a width at a text
// size (a new scale decides again).
type gridWidth struct{ width, text float32 }

// maxDecided bounds the widths a fitGrid remembers (a window dragged
// wider and narrower passes many).
const maxDecided = 64

// newFitGrid returns a container of objs in a fitGrid of cols columns.
func newFitGrid(cols int, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&fitGrid{cols: max(cols, 1)}, objs...)
}

// cell is the largest minimum size of the visible objects, and how many
// are visible.
func (g *fitGrid) cell(objs []fyne.CanvasObject) (fyne.Size, int) {
	var s fyne.Size
	n := 0
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
			n++
		}
	}
	return s, n
}

// columns is how many columns objs have at width: cols when width is 0
// (not laid out yet), else what the width decided the first time, from the
// widest cell then (see fit).
func (g *fitGrid) columns(objs []fyne.CanvasObject, width float32) int {
	if width <= 0 {
		return g.cols
	}
	key := gridWidth{width, theme.TextSize()}
	if c, ok := g.decided[key]; ok {
		return c
	}
	cell, _ := g.cell(objs)
	c := g.fit(cell, width)
	if g.decided == nil || len(g.decided) >= maxDecided {
		g.decided = map[gridWidth]int{}
	}
	g.decided[key] = c
	return c
}

// fit is how many columns of cells cell wide fit in width: cols when wide
// enough, fewer down to one.
func (g *fitGrid) fit(cell fyne.Size, width float32) int {
	pad := theme.Padding()
	for c := g.cols; c > 1; c-- {
		if float32(c)*cell.Width+float32(c-1)*pad <= width+0.5 {
			return c
		}
	}
	return 1
}

// rows is how many rows n objects take in cols columns.
func rows(n, cols int) int { return (n + cols - 1) / cols }

func (g *fitGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	cell, n := g.cell(objs)
	if n == 0 {
		return fyne.Size{}
	}
	r := rows(n, g.columns(objs, g.width))
	return fyne.NewSize(cell.Width, float32(r)*cell.Height+float32(r-1)*theme.Padding())
}

func (g *fitGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	g.width = size.Width
	_, n := g.cell(objs)
	if n == 0 {
		return
	}
	cols := g.columns(objs, size.Width)
	r := rows(n, cols)
	pad := theme.Padding()
	// The cells share the room as Fyne's grid shares it.
	cw := float64(size.Width-float32(cols-1)*pad) / float64(cols)
	ch := float64(size.Height-float32(r-1)*pad) / float64(r)
	lead := func(cell float64, i int) float32 { return float32((cell + float64(pad)) * float64(i)) }
	i := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		row, col := i/cols, i%cols
		x, y := lead(cw, col), lead(ch, row)
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(lead(cw, col+1)-pad-x, lead(ch, row+1)-pad-y))
		i++
	}
}
