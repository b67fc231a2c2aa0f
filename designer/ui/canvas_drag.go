package ui

import (
	"fyne.io/fyne/v2"

	"guitai/dsl"
)

// Drag and drop: moving a node on the surface, dropping a palette item
// on it, and where the drop marker and the dragged chip stand.

// dropTarget is where a drop would go.
type dropTarget struct {
	parent []string
	index  int
	marker rect
}

// horizontal reports whether a container lays its children out side by
// side (then the marker is a vertical bar).
func horizontal(n *dsl.Node) bool {
	switch n.Type {
	case "row", "grid":
		return true
	case "group":
		return n.PropInt("columns", 1) > 1
	case "split":
		return n.PropString("direction") != "vertical"
	}
	return false
}

// dropAt works out where a drop at p goes and where its marker stands.
func (c *Canvas) dropAt(p fyne.Position, skip string) dropTarget {
	parent := c.nodeAt(p, true, skip)
	path := pathOf(c.def, parent.ID)
	pr, _ := c.rectOf(parent.ID)
	horiz := horizontal(parent)
	var kids []rect
	for _, k := range parent.Children {
		r, _ := c.rectOf(k.ID)
		kids = append(kids, r)
	}
	index := 0
	for _, r := range kids {
		before := p.Y > r.pos.Y+r.size.Height/2
		if horiz {
			before = p.Y > r.pos.Y+r.size.Height || (p.Y >= r.pos.Y && p.X > r.pos.X+r.size.Width/2)
		}
		if before {
			index++
		}
	}
	const bar = 4
	var m rect
	switch {
	case len(kids) == 0:
		m = rect{pos: fyne.NewPos(pr.pos.X+8, pr.pos.Y+pr.size.Height/2-bar/2), size: fyne.NewSize(max(pr.size.Width-16, 20), bar)}
	case index < len(kids) && horiz:
		r := kids[index]
		m = rect{pos: fyne.NewPos(r.pos.X-bar, r.pos.Y), size: fyne.NewSize(bar, r.size.Height)}
	case index < len(kids):
		r := kids[index]
		m = rect{pos: fyne.NewPos(r.pos.X, r.pos.Y-bar), size: fyne.NewSize(r.size.Width, bar)}
	case horiz:
		r := kids[len(kids)-1]
		m = rect{pos: fyne.NewPos(r.pos.X+r.size.Width, r.pos.Y), size: fyne.NewSize(bar, r.size.Height)}
	default:
		r := kids[len(kids)-1]
		m = rect{pos: fyne.NewPos(r.pos.X, r.pos.Y+r.size.Height), size: fyne.NewSize(r.size.Width, bar)}
	}
	m.visible = true
	return dropTarget{parent: path, index: index, marker: m}
}

// toSurface turns an absolute canvas position into surface coordinates.
func (c *Canvas) toSurface(abs fyne.Position) fyne.Position {
	d := fyne.CurrentApp().Driver()
	return abs.Subtract(d.AbsolutePositionForObject(c.root)) // where the glass is
}

// over reports whether an absolute position is over the visible surface.
func (c *Canvas) over(abs fyne.Position) bool {
	d := fyne.CurrentApp().Driver()
	p := abs.Subtract(d.AbsolutePositionForObject(c.scroll))
	s := c.scroll.Size()
	return p.X >= 0 && p.Y >= 0 && p.X < s.Width && p.Y < s.Height
}

// DragOver shows the insertion marker for a palette item of type t held at
// the absolute position abs; it reports whether abs is over the surface.
func (c *Canvas) DragOver(t string, abs fyne.Position) bool {
	c.dragType, c.dragID = t, ""
	if !c.over(abs) {
		c.hasTarget = false
		c.glass.Refresh()
		return false
	}
	c.target = c.dropAt(c.toSurface(abs), "")
	c.hasTarget = true
	c.glass.Refresh()
	c.scroll.Refresh()
	return true
}

// Drop inserts the palette item held over the surface where the marker
// is; it reports whether something was inserted.
func (c *Canvas) Drop() bool {
	defer c.endDrag()
	if !c.hasTarget || c.dragType == "" {
		return false
	}
	_, err := c.ed.doc.Insert(fromPalette, c.dragType, c.target.parent, c.target.index)
	c.ed.report(err)
	return err == nil
}

func (c *Canvas) endDrag() {
	c.dragType, c.dragID, c.dragging, c.hasTarget = "", "", false, false
	c.glass.Refresh()
}

// Dragged moves the node under the drag's start.
func (g *glass) Dragged(e *fyne.DragEvent) {
	c := g.c
	if !c.dragging {
		c.dragging = true
		c.dragAt = e.Position
		n := c.nodeAt(e.Position, false, "")
		if n.ID == c.def.Root.ID {
			c.dragID = ""
		} else {
			c.dragID = n.ID
			c.ed.doc.Select(fromCanvas, n.ID)
		}
	}
	c.dragAt = c.dragAt.Add(e.Dragged)
	if !e.AbsolutePosition.IsZero() {
		c.dragAt = c.toSurface(e.AbsolutePosition) // exact under the desktop driver
	}
	if c.dragID == "" {
		return
	}
	c.target = c.dropAt(c.dragAt, c.dragID)
	c.hasTarget = true
	g.Refresh()
	c.scroll.Refresh() // else the GL painter may keep the old frame of the surface
}

// DragEnd drops the dragged node at the marker.
func (g *glass) DragEnd() {
	c := g.c
	id, t, ok := c.dragID, c.target, c.hasTarget
	c.endDrag()
	if id != "" && ok {
		c.ed.report(c.ed.doc.MoveTo(fromCanvas, id, t.parent, t.index))
	}
}

// The drag chip's padding around its text.
const ghostPadX, ghostPadY = 6, 3

// ghostPos is where the drag chip of a palette item (its size chip) stands
// by the drop marker m in the container in (where the drop goes), clear of
// the captions beside the marker: a block's caption is at its left, so the
// chip goes on the side of the marker away from the next block's caption.
// By a vertical bar (siblings side by side) it sits left of the bar, over
// the end of the block before, centred on the bar; with no room there
// inside the container (the bar at its left edge) above the bar, or below
// when that is off the surface. By a horizontal bar (siblings stacked, or
// an empty container) it sits at the bar's right end, centred on it, over
// the ends of the fields rather than their captions.
func ghostPos(m, in rect, chip fyne.Size) fyne.Position {
	const gap = 4
	var at fyne.Position
	if m.size.Height > m.size.Width { // a vertical bar
		at = fyne.NewPos(m.pos.X-gap-chip.Width, m.pos.Y+(m.size.Height-chip.Height)/2)
		if at.X < max(in.pos.X, 0) {
			at = fyne.NewPos(m.pos.X+m.size.Width+gap, m.pos.Y-gap-chip.Height)
			if at.Y < 0 {
				at.Y = m.pos.Y + m.size.Height + gap
			}
		}
	} else {
		at = fyne.NewPos(max(m.pos.X, m.pos.X+m.size.Width-chip.Width), m.pos.Y+(m.size.Height-chip.Height)/2)
	}
	return fyne.NewPos(max(at.X, 0), max(at.Y, 0))
}

// MarkerShown reports whether the drop marker is up, for tests.
func (c *Canvas) MarkerShown() bool { return c.hasTarget }
