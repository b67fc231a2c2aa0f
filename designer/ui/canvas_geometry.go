package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"guitai/dsl"
	"guitai/widgets"
)

// Geometry: where each node of the render stands on the design surface
// (measured lazily and cached until the render or the layout changes),
// and which node or tab header stands at a point.

// rect is where a node stands on the design surface.
type rect struct {
	pos     fyne.Position
	size    fyne.Size
	visible bool
}

func (r rect) contains(p fyne.Position) bool {
	return r.visible && p.X >= r.pos.X && p.Y >= r.pos.Y && p.X < r.pos.X+r.size.Width && p.Y < r.pos.Y+r.size.Height
}

// measure starts a new measurement: it notes each node's parent and block;
// rectOf then measures nodes as asked.
func (c *Canvas) measure() {
	if c.measured || c.def == nil {
		return
	}
	c.parent = map[string]string{}
	c.owner = map[string]*block{}
	root := c.def.Root
	// An id used twice (a JSON edit on its way to a valid form) means its
	// first node in tree order, as Find: a later one noted over it could
	// make a node its own ancestor, and rectIn recurse for ever.
	var note func(n *dsl.Node, b *block)
	note = func(n *dsl.Node, b *block) {
		if _, dup := c.owner[n.ID]; !dup {
			c.owner[n.ID] = b
		}
		for _, k := range n.Children {
			if _, dup := c.parent[k.ID]; !dup && k.ID != root.ID {
				c.parent[k.ID] = n.ID
			}
			note(k, b)
		}
	}
	for _, child := range root.Children {
		if _, dup := c.parent[child.ID]; !dup && child.ID != root.ID {
			c.parent[child.ID] = root.ID
		}
		note(child, c.blocks[child.ID])
	}
	c.rects = map[string]rect{root.ID: {pos: fyne.Position{}, size: c.root.Size(), visible: true}}
	c.measured = true
}

// nodeObject is the object the runtime render shows a node with (its
// outer object, caption included), or nil. A child of the root whose block
// is not built is its placeholder.
func (c *Canvas) nodeObject(id string) fyne.CanvasObject {
	b := c.owner[id]
	if b == nil {
		return nil
	}
	if !b.built {
		if id == b.id {
			return b.obj
		}
		return nil
	}
	if o := b.nodeObject(id); o != nil {
		return o
	}
	if c.parent[id] == c.def.Root.ID {
		return b.obj // a block that failed to render
	}
	return nil
}

// rectOf returns where the node with id stands on the surface, in surface
// coordinates, and whether it is on it: a node is visible when its object
// and its parent are (a tab's content is hidden while another tab is
// forward). A node of a block not built yet is built first.
func (c *Canvas) rectOf(id string) (rect, bool) {
	c.measure()
	if _, ok := c.rects[id]; !ok {
		if b := c.owner[id]; b != nil && !b.built && id != b.id {
			c.ensure(id)
		}
	}
	return c.rectIn(id)
}

// shownRect is rectOf without building: a node of a block not built yet
// (out of sight) is not visible.
func (c *Canvas) shownRect(id string) (rect, bool) {
	c.measure()
	if b := c.owner[id]; b != nil && !b.built && id != b.id {
		return rect{}, true
	}
	return c.rectIn(id)
}

func (c *Canvas) rectIn(id string) (rect, bool) {
	if r, ok := c.rects[id]; ok {
		return r, true
	}
	obj := c.nodeObject(id)
	if obj == nil {
		return rect{}, false
	}
	pr, _ := c.rectIn(c.parent[id])
	r := rect{size: obj.Size(), visible: pr.visible && obj.Visible()}
	if r.visible {
		if p, ok := c.boxPos(id, obj); ok {
			r.pos = p
			c.rects[id] = r
			return r, true
		}
		d := fyne.CurrentApp().Driver()
		if d.CanvasForObject(obj) == nil {
			// Rendered since the last frame: the driver places it at
			// the next one. Measure again then.
			c.remeasureSoon()
			return rect{size: r.size}, true
		}
		// Both move together when the surface scrolls or moves. The
		// glass stands where the root box does, and the box comes first
		// in the window's tree: finding it walks none of the form.
		r.pos = d.AbsolutePositionForObject(obj).Subtract(d.AbsolutePositionForObject(c.root))
	}
	c.rects[id] = r
	return r, true
}

// boxPos finds where obj stands in the root box from the block's own
// objects: the block in the box, then the containers and group boxes down
// to obj, adding their positions as the driver does. It reports false when
// obj is not reached that way (inside tabs, a split, a scroll): the
// driver then finds it.
func (c *Canvas) boxPos(id string, obj fyne.CanvasObject) (fyne.Position, bool) {
	b := c.owner[id]
	if b == nil || !b.obj.Visible() {
		return fyne.Position{}, false
	}
	var find func(o fyne.CanvasObject, at fyne.Position) (fyne.Position, bool)
	find = func(o fyne.CanvasObject, at fyne.Position) (fyne.Position, bool) {
		at = at.Add(o.Position())
		if o == obj {
			return at, true
		}
		var kids []fyne.CanvasObject
		switch x := o.(type) {
		case *fyne.Container:
			kids = x.Objects
		case *widgets.GroupBox:
			kids = []fyne.CanvasObject{x.Content}
		}
		for _, k := range kids {
			if k == nil || !k.Visible() {
				continue
			}
			if p, ok := find(k, at); ok {
				return p, true
			}
		}
		return fyne.Position{}, false
	}
	return find(b.obj, fyne.Position{})
}

// remeasureSoon measures again and redraws the selection shortly, once new
// objects have been put on the canvas.
func (c *Canvas) remeasureSoon() {
	if c.retrying {
		return
	}
	c.retrying = true
	time.AfterFunc(50*time.Millisecond, func() {
		fyne.Do(func() {
			c.retrying = false
			c.measured = false
			c.glass.Refresh()
		})
	})
}

// nodeAt returns the deepest visible node at p, not entering skip's subtree
// when containersOnly (a drop cannot go into the node being dragged).
func (c *Canvas) nodeAt(p fyne.Position, containersOnly bool, skip string) *dsl.Node {
	c.buildAt(p)
	var best *dsl.Node
	var walk func(n *dsl.Node)
	walk = func(n *dsl.Node) {
		if n.ID == skip {
			return
		}
		r, ok := c.rectOf(n.ID)
		if !ok || !r.contains(p) {
			return
		}
		if !containersOnly || isContainer(n.Type) {
			best = n
		}
		for _, k := range n.Children {
			walk(k)
		}
	}
	root := c.def.Root
	best = root
	for _, k := range root.Children {
		walk(k)
	}
	return best
}

// buildAt builds the placeholders under the surface point p, so what
// stands there can be found, and starts a new measurement.
func (c *Canvas) buildAt(p fyne.Position) {
	c.measure()
	for _, child := range c.def.Root.Children {
		if b := c.blocks[child.ID]; b != nil && !b.built {
			if r, _ := c.rectIn(child.ID); r.contains(p) {
				c.ensure(child.ID)
			}
		}
	}
	c.measure()
}

// Rect returns where the node with id stands on the surface, for tests
// and screenshots.
func (c *Canvas) Rect(id string) (fyne.Position, fyne.Size, bool) {
	r, ok := c.rectOf(id)
	return r.pos, r.size, ok && r.visible
}

// tabAt returns the innermost tabs node whose tab bar holds the surface
// point p, and the index of the tab header under p, or -1 between and
// after the headers; nil when p is on no tab bar.
func (c *Canvas) tabAt(p fyne.Position) (*dsl.Node, int) {
	c.buildAt(p)
	var hit *dsl.Node
	index := -1
	var walk func(n *dsl.Node)
	walk = func(n *dsl.Node) {
		r, ok := c.rectOf(n.ID)
		if !ok || !r.contains(p) {
			return
		}
		if n.Type == "tabs" {
			if tabs, ok := c.nodeObject(n.ID).(*container.AppTabs); ok {
				if i, on := tabHeaderAt(tabs, p.Subtract(r.pos)); on {
					hit, index = n, i
					return
				}
			}
		}
		for _, k := range n.Children {
			walk(k)
		}
	}
	for _, k := range c.def.Root.Children {
		walk(k)
	}
	return hit, index
}

// tabHeaderAt reports whether p (relative to tabs) is on the tab bar of
// tabs, and which header it is on (-1 for none). The headers are laid out
// as Fyne's AppTabs lays them at the top: side by side from the left,
// each as wide as its bold title and twice the inner padding, the theme's
// padding between them.
func tabHeaderAt(tabs *container.AppTabs, p fyne.Position) (int, bool) {
	if len(tabs.Items) == 0 {
		return -1, false
	}
	sel := tabs.Selected()
	if sel == nil || sel.Content == nil {
		return -1, false
	}
	bar := sel.Content.Position().Y - theme.Padding()
	if p.Y < 0 || p.Y >= bar {
		return -1, false
	}
	inner, gap := theme.InnerPadding(), theme.Padding()
	x := float32(0)
	for i, it := range tabs.Items {
		w := fyne.MeasureText(it.Text, theme.TextSize(), fyne.TextStyle{Bold: true}).Width + 2*inner
		if p.X >= x && p.X < x+w {
			return i, true
		}
		x += w + gap
	}
	return -1, true
}
