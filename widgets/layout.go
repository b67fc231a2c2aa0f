package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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

// caption is the label of a field: right-aligned, cut with an ellipsis if
// the column is too narrow, and marked when the field is required.
func caption(text string, required bool) *widget.RichText {
	segs := []widget.RichTextSegment{}
	if required {
		segs = append(segs, &widget.TextSegment{Text: "*", Style: widget.RichTextStyle{
			Inline: true, ColorName: theme.ColorNameError, Alignment: fyne.TextAlignTrailing}})
	}
	segs = append(segs, &widget.TextSegment{Text: text, Style: widget.RichTextStyle{
		Inline: true, ColorName: theme.ColorNameForeground, Alignment: fyne.TextAlignTrailing}})
	rt := widget.NewRichText(segs...)
	rt.Truncation = fyne.TextTruncateEllipsis
	return rt
}

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
