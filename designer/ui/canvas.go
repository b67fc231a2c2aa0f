package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/state"
	"guitai/widgets"
)

// rect is where a node stands on the design surface.
type rect struct {
	pos     fyne.Position
	size    fyne.Size
	visible bool
}

func (r rect) contains(p fyne.Position) bool {
	return r.visible && p.X >= r.pos.X && p.Y >= r.pos.Y && p.X < r.pos.X+r.size.Width && p.Y < r.pos.Y+r.size.Height
}

// block is the runtime render of one child of the root, kept while its
// source is unchanged, so one edit re-renders one block, not the form.
type block struct {
	key  string // canonical JSON of the design copy of the child
	form *widgets.Form
	obj  fyne.CanvasObject
}

// Canvas is the design surface: the real runtime render of the form in
// design mode (every node shows whatever its conditions, and computed values
// show as their expressions; see widgets.Options.Design), covered by a glass pane that takes the mouse: a
// click selects the node under it, a drag moves it, and palette items
// dropped on it are inserted where the marker shows.
type Canvas struct {
	widget.BaseWidget

	ed       *Editor
	root     *fyne.Container // the root's VBox of blocks, as the "form" widget builds it
	blocks   map[string]*block
	rootKey  string
	scope    *state.Scope
	scroll   *container.Scroll
	glass    *glass
	def      *dsl.Form         // the form rendered (the document's; never changed here)
	measured bool              // parent and owner are current; rects caches since
	parent   map[string]string // each node's parent id
	owner    map[string]*block // the block rendering each node
	rects    map[string]rect   // each node's rectangle, as far as asked for
	retrying bool              // a measure is due once new objects are on the canvas
	tabSel   map[string]int    // the tab forward in each tabs node, by id

	// drag state
	dragID    string        // node being moved, "" for a palette item
	dragType  string        // palette type being dropped
	dragAt    fyne.Position // current pointer, surface coordinates
	dragging  bool
	target    dropTarget
	hasTarget bool
}

// dropTarget is where a drop would go.
type dropTarget struct {
	parent []string
	index  int
	marker rect
}

func newCanvas(ed *Editor) *Canvas {
	c := &Canvas{ed: ed, blocks: map[string]*block{}, tabSel: map[string]int{}, scope: state.NewBus().Scope("design")}
	c.root = container.NewVBox()
	c.glass = &glass{c: c}
	c.glass.ExtendBaseWidget(c.glass)
	c.scroll = container.NewScroll(container.NewPadded(container.NewStack(c.root, c.glass)))
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (c *Canvas) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	return &canvasRenderer{c: c, bg: bg}
}

type canvasRenderer struct {
	c  *Canvas
	bg *canvas.Rectangle
}

func (r *canvasRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.c.scroll.Resize(size)
	r.c.measured = false
	r.c.glass.Refresh()
}
func (r *canvasRenderer) MinSize() fyne.Size { return fyne.NewSize(200, 200) }
func (r *canvasRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameBackground)
	r.bg.Refresh()
}
func (r *canvasRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.c.scroll}
}
func (r *canvasRenderer) Destroy() {}

// Update re-renders what changed since the last call: each child of the
// root is one block, re-rendered only when its JSON changed.
func (c *Canvas) Update() {
	def := c.ed.doc.Form()
	c.def = def
	root := def.Root
	rootKey := string(dsl.EncodeNode(&dsl.Node{ID: root.ID, Type: root.Type, Props: root.Props})) + c.ed.lang
	if rootKey != c.rootKey {
		for id, b := range c.blocks {
			b.form.Close()
			delete(c.blocks, id)
		}
		c.rootKey = rootKey
	}
	objs := make([]fyne.CanvasObject, 0, len(root.Children))
	seen := map[string]bool{}
	for _, child := range root.Children {
		key := string(dsl.EncodeNode(child))
		b := c.blocks[child.ID]
		if b == nil || b.key != key {
			if b != nil {
				b.form.Close()
			}
			b = c.render(def, child, key)
			c.blocks[child.ID] = b
		}
		seen[child.ID] = true
		objs = append(objs, b.obj)
	}
	if len(objs) == 0 {
		hint := widget.NewLabelWithStyle("把左侧控件拖到这里，或选中后按 ⏎ 插入\nDrag widgets here from the palette, or press Enter to insert",
			fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
		objs = append(objs, container.New(&minHeightLayout{h: 160}, hint))
	}
	for id, b := range c.blocks {
		if !seen[id] {
			b.form.Close()
			delete(c.blocks, id)
		}
	}
	c.place(objs)
	c.measured = false
	c.glass.Refresh()
}

// place puts the blocks in the root box. When only some blocks were
// replaced by ones of the same height, they take the old ones' place and
// the rest of the form is not laid out again: one edit costs one block.
func (c *Canvas) place(objs []fyne.CanvasObject) {
	old := c.root.Objects
	c.root.Objects = objs
	if len(old) != len(objs) {
		c.root.Refresh()
		return
	}
	var fresh []int
	for i := range objs {
		if objs[i] != old[i] {
			if objs[i].MinSize().Height != old[i].Size().Height {
				c.root.Refresh()
				return
			}
			fresh = append(fresh, i)
		}
	}
	for _, i := range fresh {
		objs[i].Move(old[i].Position())
		objs[i].Resize(old[i].Size())
		canvas.Refresh(objs[i])
	}
}

// render builds one block as a form of its own holding only a copy of that
// child, in design mode: every node shows, computed values show as their
// expressions, and an expression that does not compile (one naming a field
// of another block, or a broken one) is left out instead of failing it.
func (c *Canvas) render(def *dsl.Form, child *dsl.Node, key string) *block {
	child = (&dsl.Form{Root: child}).Clone().Root
	mini := &dsl.Form{DSL: def.DSL, ID: "design", Version: "0.0.0", Title: def.Title,
		Root: &dsl.Node{ID: def.Root.ID, Type: def.Root.Type, Props: cloneProps(def.Root.Props), Children: []*dsl.Node{child}}}
	lf, err := widgets.Render(mini, c.scope, widgets.Options{Lang: c.ed.lang, Design: true, Image: func(string) fyne.Resource { return nil }})
	if err != nil {
		l := widget.NewLabel("⚠ " + child.ID + ": " + err.Error())
		l.Wrapping = fyne.TextWrapWord
		return &block{key: key, form: &widgets.Form{}, obj: l}
	}
	// Tabs keep the tab last brought forward.
	(&dsl.Form{Root: child}).Walk(func(_ []string, n *dsl.Node) bool {
		if i, ok := c.tabSel[n.ID]; ok {
			if tabs, ok := lf.NodeObject(n.ID).(*container.AppTabs); ok && i < len(tabs.Items) {
				tabs.SelectIndex(i)
			}
		}
		return true
	})
	return &block{key: key, form: lf, obj: lf.NodeObject(child.ID)}
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
	for _, child := range root.Children {
		b := c.blocks[child.ID]
		c.parent[child.ID] = root.ID
		(&dsl.Form{Root: child}).Walk(func(_ []string, n *dsl.Node) bool {
			c.owner[n.ID] = b
			for _, k := range n.Children {
				c.parent[k.ID] = n.ID
			}
			return true
		})
	}
	c.rects = map[string]rect{root.ID: {pos: fyne.Position{}, size: c.root.Size(), visible: true}}
	c.measured = true
}

// nodeObject is the object the runtime render shows a node with (its
// outer object, caption included), or nil.
func (c *Canvas) nodeObject(id string) fyne.CanvasObject {
	b := c.owner[id]
	if b == nil {
		return nil
	}
	if o := b.form.NodeObject(id); o != nil {
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
// forward).
func (c *Canvas) rectOf(id string) (rect, bool) {
	c.measure()
	if r, ok := c.rects[id]; ok {
		return r, true
	}
	obj := c.nodeObject(id)
	if obj == nil {
		return rect{}, false
	}
	pr, _ := c.rectOf(c.parent[id])
	r := rect{size: obj.Size(), visible: pr.visible && obj.Visible()}
	if r.visible {
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
	c.measure()
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

// Rect returns where the node with id stands on the surface, for tests
// and screenshots.
func (c *Canvas) Rect(id string) (fyne.Position, fyne.Size, bool) {
	r, ok := c.rectOf(id)
	return r.pos, r.size, ok && r.visible
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
	ghostBg := canvas.NewRectangle(color.NRGBA{R: 0xe0, G: 0x60, B: 0x10, A: 0xe0})
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

// tabAt returns the innermost tabs node whose tab bar holds the surface
// point p, and the index of the tab header under p, or -1 between and
// after the headers; nil when p is on no tab bar.
func (c *Canvas) tabAt(p fyne.Position) (*dsl.Node, int) {
	c.measure()
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

// showTab brings tab i of the tabs node id forward and remembers it, so a
// re-render of its block keeps it forward.
func (c *Canvas) showTab(id string, i int) {
	tabs, ok := c.nodeObject(id).(*container.AppTabs)
	if !ok || i >= len(tabs.Items) {
		return
	}
	c.tabSel[id] = i
	if tabs.SelectedIndex() != i {
		tabs.SelectIndex(i)
	}
	c.measured = false
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
		if rc, ok := c.rectOf(id); ok && rc.visible {
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
			gs := r.ghost.MinSize()
			at := c.target.marker.pos.Add(fyne.NewPos(8, 6))
			r.ghostBg.Move(at)
			r.ghostBg.Resize(gs.Add(fyne.NewSize(12, 6)))
			r.ghost.Move(at.Add(fyne.NewPos(6, 3)))
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

// MarkerShown reports whether the drop marker is up, for tests.
func (c *Canvas) MarkerShown() bool { return c.hasTarget }

// reveal scrolls the surface so the node with id is in view, first
// bringing forward the tab that holds it.
func (c *Canvas) reveal(id string) {
	if r, ok := c.rectOf(id); ok && !r.visible {
		p := pathOf(c.def, id)
		for i := 0; i+1 < len(p); i++ {
			tabs, ok := c.nodeObject(p[i]).(*container.AppTabs)
			if !ok {
				continue
			}
			for k, child := range c.def.Find(p[i]).Children {
				if child.ID == p[i+1] && k < len(tabs.Items) && tabs.SelectedIndex() != k {
					c.showTab(p[i], k)
				}
			}
		}
	}
	r, ok := c.rectOf(id)
	if !ok || !r.visible {
		return
	}
	view := c.scroll.Size().Height
	off := c.scroll.Offset.Y
	top, bottom := r.pos.Y, r.pos.Y+r.size.Height+2*theme.Padding()
	switch {
	case top < off:
		c.scroll.Offset.Y = top
	case bottom > off+view:
		c.scroll.Offset.Y = min(top, bottom-view)
	default:
		return
	}
	c.scroll.Refresh()
}

// minHeightLayout stacks its objects, at least h high.
type minHeightLayout struct{ h float32 }

func (m *minHeightLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, m.h)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m *minHeightLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.Position{})
	}
}

func cloneProps(p map[string]any) map[string]any {
	if p == nil {
		return nil
	}
	return (&dsl.Form{Root: &dsl.Node{Props: p}}).Clone().Root.Props
}
