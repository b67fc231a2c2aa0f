package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
)

// The glass: the transparent pane over the render that takes taps and
// draws the selection, the drop marker and the dragged chip.

// glass is the transparent pane over the render: it takes taps and drags
// and draws the selection and the drop marker.
type glass struct {
	widget.BaseWidget
	c *Canvas
}

func (g *glass) CreateRenderer() fyne.WidgetRenderer {
	sel := canvas.NewRectangle(color.Transparent)
	sel.StrokeWidth = 2
	sel.CornerRadius = 3
	hover := canvas.NewRectangle(color.Transparent)
	marker := canvas.NewRectangle(color.Transparent)
	marker.CornerRadius = 2
	tag := canvas.NewText("", color.White)
	tag.TextSize = 11
	tagBg := canvas.NewRectangle(color.Transparent)
	ghost := canvas.NewText("", color.White)
	// Opaque, with a light rim: a chip floating over the form, whose text
	// never mixes with what lies under it.
	ghostBg := canvas.NewRectangle(color.NRGBA{R: 0xe0, G: 0x60, B: 0x10, A: 0xff})
	ghostBg.StrokeColor = color.White
	ghostBg.StrokeWidth = 1
	ghostBg.CornerRadius = 4
	return &glassRenderer{g: g, sel: sel, marker: marker, hover: hover, tag: tag, tagBg: tagBg, ghost: ghost, ghostBg: ghostBg}
}

// Tapped selects the node under the pointer. On a tab bar, a tab's
// header brings that tab forward and selects its node, as it would in the
// teller's window; the rest of the bar selects the tabs node.
func (g *glass) Tapped(e *fyne.PointEvent) {
	c := g.c
	if n, i := c.tabAt(e.Position); n != nil {
		if i < 0 || i >= len(n.Children) {
			c.ed.doc.Select(fromCanvas, n.ID)
			return
		}
		c.showTab(n.ID, i)
		c.ed.doc.Select(fromCanvas, n.Children[i].ID)
		c.glass.Refresh()
		return
	}
	n := c.nodeAt(e.Position, false, "")
	c.ed.doc.Select(fromCanvas, n.ID)
}

type glassRenderer struct {
	g                         *glass
	sel, marker, hover, tagBg *canvas.Rectangle
	tag, ghost                *canvas.Text
	ghostBg                   *canvas.Rectangle
}

func (r *glassRenderer) Layout(fyne.Size) { r.Refresh() }
func (r *glassRenderer) MinSize() fyne.Size {
	return fyne.NewSize(0, 0)
}
func (r *glassRenderer) Refresh() {
	c := r.g.c
	primary := theme.Color(theme.ColorNamePrimary)
	r.sel.Hide()
	r.tag.Hide()
	r.tagBg.Hide()
	if id := c.ed.doc.Selected(); id != "" && c.def != nil && id != c.def.Root.ID {
		if rc, ok := c.shownRect(id); ok && rc.visible {
			r.sel.StrokeColor = primary
			r.sel.FillColor = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0x14}
			r.sel.Move(rc.pos.Subtract(fyne.NewPos(2, 2)))
			r.sel.Resize(rc.size.Add(fyne.NewSize(4, 4)))
			r.sel.Show()
			r.tag.Text = id
			r.tag.Refresh()
			ts := r.tag.MinSize()
			tp := fyne.NewPos(rc.pos.X+rc.size.Width-ts.Width-8, rc.pos.Y-ts.Height-2)
			if tp.Y < 0 {
				tp.Y = rc.pos.Y
			}
			r.tagBg.FillColor = primary
			r.tagBg.Move(tp)
			r.tagBg.Resize(ts.Add(fyne.NewSize(8, 0)))
			r.tag.Move(tp.Add(fyne.NewPos(4, 0)))
			r.tagBg.Show()
			r.tag.Show()
		}
	}
	r.ghost.Hide()
	r.ghostBg.Hide()
	if c.hasTarget && c.dragType != "" {
		if s, ok := dsl.Types[c.dragType]; ok {
			r.ghost.Text = "＋ " + s.Title.In(c.ed.lang) + "  " + s.Name
			r.ghost.Refresh()
			chip := r.ghost.MinSize().Add(fyne.NewSize(2*ghostPadX, 2*ghostPadY))
			var in rect
			if p := c.target.parent; len(p) > 0 {
				in, _ = c.rectOf(p[len(p)-1])
			}
			at := ghostPos(c.target.marker, in, chip)
			r.ghostBg.Move(at)
			r.ghostBg.Resize(chip)
			r.ghost.Move(at.Add(fyne.NewPos(ghostPadX, ghostPadY)))
			r.ghostBg.Show()
			r.ghost.Show()
		}
	}
	if c.hasTarget {
		r.marker.FillColor = color.NRGBA{R: 0xe0, G: 0x60, B: 0x10, A: 0xff}
		r.marker.Move(c.target.marker.pos)
		r.marker.Resize(c.target.marker.size)
		r.marker.Show()
	} else {
		r.marker.Hide()
	}
	r.sel.Refresh()
	r.marker.Refresh()
	r.tagBg.Refresh()
	r.ghostBg.Refresh()
}
func (r *glassRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.hover, r.sel, r.marker, r.tagBg, r.tag, r.ghostBg, r.ghost}
}
func (r *glassRenderer) Destroy() {}
