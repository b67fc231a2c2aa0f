package ui

import (
	"image/color"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
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
// source is unchanged, so one edit re-renders one block, not the form. A
// block out of sight is not built until it comes into sight (or something
// asks where one of its nodes stands): a placeholder of about its height
// holds its place.
type block struct {
	id    string // the child's id
	key   string // canonical JSON of the design copy of the child
	nodes int    // nodes in the child's subtree
	form  *widgets.Form
	obj   fyne.CanvasObject // the render, or the placeholder while not built
	built bool
	// patches are leaves rendered again on their own after an edit of
	// their own fields, their objects put in the old ones' place.
	patches map[string]*widgets.Form
}

func (b *block) close() {
	if b.form != nil {
		b.form.Close()
	}
	for _, p := range b.patches {
		p.Close()
	}
	b.patches = nil
}

// nodeObject is the object showing the node with id in a built block.
func (b *block) nodeObject(id string) fyne.CanvasObject {
	if p := b.patches[id]; p != nil {
		return p.NodeObject(id)
	}
	if b.form == nil {
		return nil
	}
	return b.form.NodeObject(id)
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
	def      *dsl.Form                      // the form rendered (the document's; never changed here)
	measured bool                           // parent and owner are current; rects caches since
	parent   map[string]string              // each node's parent id
	owner    map[string]*block              // the block rendering each node
	rects    map[string]rect                // each node's rectangle, as far as asked for
	retrying bool                           // a measure is due once new objects are on the canvas
	tabSel   map[string]int                 // the tab forward in each tabs node, by id
	seen     int                            // the document's Changes() the blocks show, -1 for none
	perNode  float32                        // height per node of the blocks built, for placeholders
	stats    struct{ renders, patches int } // blocks rendered and patched, for tests

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
	c := &Canvas{ed: ed, blocks: map[string]*block{}, tabSel: map[string]int{}, scope: state.NewBus().Scope("design"), seen: -1}
	c.root = container.NewVBox()
	c.glass = &glass{c: c}
	c.glass.ExtendBaseWidget(c.glass)
	c.scroll = container.NewScroll(container.NewPadded(container.NewStack(c.root, c.glass)))
	c.scroll.OnScrolled = func(fyne.Position) {
		if c.fill() {
			c.fitScroll()
		}
	}
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
	if r.c.fill() {
		r.c.fitScroll()
	}
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

// reset forgets every block, as when another document is shown.
func (c *Canvas) reset() {
	for _, b := range c.blocks {
		b.close()
	}
	c.blocks, c.rootKey, c.seen = map[string]*block{}, "", -1
}

// Update re-renders what changed since the last call: each child of the
// root is one block, re-rendered only when its JSON changed. When the
// canvas showed the state just before the document's last change, only
// the children that change touched are looked at (see designer.Touched);
// an edit of a leaf's own fields renders that leaf alone. Blocks out of
// sight are left as placeholders until they come into sight.
func (c *Canvas) Update() {
	doc := c.ed.doc
	def := doc.Form()
	c.def = def
	root := def.Root
	var touched map[string]bool
	all := true
	if at := doc.Changes(); at == c.seen+1 && c.seen >= 0 {
		touched, all = designer.Touched(doc.LastChanges())
	}
	c.seen = doc.Changes()
	rootKey := string(dsl.EncodeNode(&dsl.Node{ID: root.ID, Type: root.Type, Props: root.Props})) + c.ed.lang
	if rootKey != c.rootKey {
		for id, b := range c.blocks {
			b.close()
			delete(c.blocks, id)
		}
		c.rootKey = rootKey
	}
	top, bottom := c.viewport()
	objs := make([]fyne.CanvasObject, 0, len(root.Children))
	seen := make(map[string]bool, len(root.Children))
	for _, child := range root.Children {
		b := c.blocks[child.ID]
		seen[child.ID] = true
		if b != nil && !all && !touched[child.ID] {
			objs = append(objs, b.obj)
			continue
		}
		key := string(dsl.EncodeNode(child))
		switch {
		case b != nil && b.key == key:
		case b != nil && b.built && !all && c.patch(b, child, key, doc.LastChanges()):
		case b != nil && b.built && c.inView(b.obj, top, bottom):
			b.close()
			b = c.render(def, child, key)
			c.blocks[child.ID] = b
		default:
			h := float32(-1)
			if b != nil {
				h = b.obj.Size().Height // an edit out of sight keeps the height it had
				b.close()
			}
			b = c.placeholder(child, key, h)
			c.blocks[child.ID] = b
		}
		objs = append(objs, b.obj)
	}
	if len(objs) == 0 {
		hint := widget.NewLabelWithStyle("把左侧控件拖到这里，或选中后按 ⏎ 插入\nDrag widgets here from the palette, or press Enter to insert",
			fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
		objs = append(objs, container.New(&minHeightLayout{h: 160}, hint))
	}
	for id, b := range c.blocks {
		if !seen[id] {
			b.close()
			delete(c.blocks, id)
		}
	}
	c.place(objs)
	if c.fill() {
		c.fitScroll()
	}
	c.measured = false
	c.glass.Refresh()
}

// viewport is the part of the root box in sight (and a margin), in the
// box's coordinates; before the surface is laid out, about a screen.
func (c *Canvas) viewport() (top, bottom float32) {
	h := c.scroll.Size().Height
	if h <= 0 {
		h = 1000
	}
	const margin = 200
	top = c.scroll.Offset.Y - theme.Padding() // the box stands in a padded container
	return top - margin, top + h + margin
}

func (c *Canvas) inView(o fyne.CanvasObject, top, bottom float32) bool {
	y := o.Position().Y
	return y < bottom && y+o.Size().Height > top
}

// subtreeSize counts the nodes of n's subtree.
func subtreeSize(n *dsl.Node) int {
	k := 1
	for _, c := range n.Children {
		k += subtreeSize(c)
	}
	return k
}

// placeholder stands for a block not built yet: h high, or when h < 0 as
// high as the blocks built so far suggest.
func (c *Canvas) placeholder(child *dsl.Node, key string, h float32) *block {
	n := subtreeSize(child)
	if h <= 0 {
		per := c.perNode
		if per <= 0 {
			per = 24
		}
		h = per * float32(n)
	}
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return &block{id: child.ID, key: key, nodes: n, obj: r}
}

// fill builds the placeholders in sight, in the order of the box, each
// built block's real height placing the next; it reports whether it built
// any (the box is then laid out again).
func (c *Canvas) fill() bool {
	if c.def == nil || c.def.Root == nil {
		return false
	}
	top, bottom := c.viewport()
	sight := c.scroll.Offset.Y - theme.Padding() // the top of what is in sight
	y, pad := float32(0), theme.Padding()
	built, shift := false, float32(0)
	for _, child := range c.def.Root.Children {
		b := c.blocks[child.ID]
		if b == nil {
			continue
		}
		if y >= bottom {
			break
		}
		h := heightOf(b.obj)
		if !b.built && y+h > top {
			c.build(b, child)
			built = true
			nh := b.obj.MinSize().Height
			if y < sight {
				shift += nh - h
			}
			h = nh
		}
		y += h + pad
	}
	if !built {
		return false
	}
	// Placeholders take the height the blocks built suggest.
	y = 0
	for _, child := range c.def.Root.Children {
		b := c.blocks[child.ID]
		if b == nil {
			continue
		}
		h := heightOf(b.obj)
		if r, ok := b.obj.(*canvas.Rectangle); ok && !b.built {
			if nh := c.perNode * float32(b.nodes); nh > 0 && nh != h {
				r.SetMinSize(fyne.NewSize(0, nh))
				if y < sight {
					shift += nh - h
				}
				h = nh
			}
		}
		y += h + pad
	}
	relayout(c.root)
	if shift != 0 {
		// A block above grew or shrank from its placeholder's height:
		// what is in sight stays where it was.
		c.scroll.Offset.Y = max(c.scroll.Offset.Y+shift, 0)
	}
	c.measured = false
	return true
}

// relayout lays box out again at its size and has it drawn: what
// Container.Refresh does without refreshing every object inside, which
// for the root box is every widget of every block built.
func relayout(box *fyne.Container) {
	if box.Layout != nil {
		box.Layout.Layout(box.Objects, box.Size())
	}
	canvas.Refresh(box)
}

// heightOf is the height o was laid out at, or its minimum before.
func heightOf(o fyne.CanvasObject) float32 {
	if h := o.Size().Height; h > 0 {
		return h
	}
	return o.MinSize().Height
}

// build renders a placeholder's block and puts it in the placeholder's
// place in the box; the caller lays the box out.
func (c *Canvas) build(b *block, child *dsl.Node) {
	old := b.obj
	nb := c.render(c.def, child, b.key)
	b.form, b.obj, b.built = nb.form, nb.obj, true
	for i, o := range c.root.Objects {
		if o == old {
			c.root.Objects[i] = b.obj
		}
	}
	if h := b.obj.MinSize().Height; h > 0 {
		// A running mean, so placeholders grow as like the blocks seen.
		if c.perNode <= 0 {
			c.perNode = h / float32(b.nodes)
		} else {
			c.perNode = (c.perNode*3 + h/float32(b.nodes)) / 4
		}
	}
}

// ensure builds the block of the node with id when it is a placeholder,
// laying the box out again; it reports whether it built it.
func (c *Canvas) ensure(id string) bool {
	c.measure()
	b := c.owner[id]
	if b == nil || b.built {
		return false
	}
	for _, child := range c.def.Root.Children {
		if child.ID == b.id {
			c.build(b, child)
			relayout(c.root)
			c.measured = false
			c.measure()
			return true
		}
	}
	return false
}

// patch brings a built block up to date without rendering it again when
// the changes only set fields of leaves (nodes without children) of it, or
// only reorder the children of some of its nodes, and the parents hold
// those children in a plain container (a group's, a row's, a column's; not
// tabs, whose headers show their children's titles). A leaf is rendered
// alone, as the block would render it, and put in its old object's place;
// a reorder puts the children's objects in the new order. It reports
// whether it did; when not, the block is left as it was.
func (c *Canvas) patch(b *block, child *dsl.Node, key string, changes []designer.Change) bool {
	leaves := map[string]bool{}
	orders := map[string]bool{} // parents whose children only changed places
	for _, ch := range changes {
		op := ch.Op
		if op == nil {
			if ch.Header != nil {
				continue
			}
			return false
		}
		touches := (len(op.Path) >= 2 && op.Path[1] == b.id) || (len(op.ParentPath) >= 2 && op.ParentPath[1] == b.id)
		if !touches {
			continue
		}
		switch {
		case op.Op == "update" && len(op.Path) >= 3:
			leaves[op.Path[len(op.Path)-1]] = true
		case op.Op == "move" && len(op.Path) >= 3 && slices.Equal(op.ParentPath, op.Path[:len(op.Path)-1]):
			orders[op.ParentPath[len(op.ParentPath)-1]] = true
		default:
			return false
		}
	}
	if len(leaves)+len(orders) == 0 || (len(leaves) > 0 && len(orders) > 0) {
		return false
	}
	nodes := map[string]*dsl.Node{}
	parents := map[string]*dsl.Node{}
	(&dsl.Form{Root: child}).Walk(func(_ []string, n *dsl.Node) bool {
		nodes[n.ID] = n
		for _, k := range n.Children {
			parents[k.ID] = n
		}
		return true
	})
	// boxOf is the plain container holding the children of node id.
	boxOf := func(id string) *fyne.Container {
		n := nodes[id]
		if n == nil || n.Type == "tabs" {
			return nil
		}
		switch p := b.nodeObject(id).(type) {
		case *fyne.Container:
			return p
		case *widgets.GroupBox:
			box, _ := p.Content.(*fyne.Container)
			return box
		}
		return nil
	}
	type swap struct {
		box  *fyne.Container
		objs []fyne.CanvasObject // the box's objects before
		id   string              // the leaf rendered again, "" for a reorder
		lf   *widgets.Form
	}
	var done []swap
	undo := func() {
		for _, s := range done {
			s.box.Objects = s.objs
			if s.lf != nil {
				s.lf.Close()
			}
		}
	}
	for id := range orders {
		box := boxOf(id)
		if box == nil || len(box.Objects) != len(nodes[id].Children) {
			undo()
			return false
		}
		had := map[fyne.CanvasObject]bool{}
		for _, o := range box.Objects {
			had[o] = true
		}
		want := make([]fyne.CanvasObject, 0, len(box.Objects))
		for _, k := range nodes[id].Children {
			o := b.nodeObject(k.ID)
			if o == nil || !had[o] {
				undo()
				return false
			}
			delete(had, o)
			want = append(want, o)
		}
		before := box.MinSize()
		done = append(done, swap{box: box, objs: box.Objects})
		box.Objects = want
		if box.MinSize() != before {
			undo()
			return false
		}
	}
	for id := range leaves {
		n, parent := nodes[id], parents[id]
		if n == nil || parent == nil || len(n.Children) > 0 {
			undo()
			return false
		}
		old := b.nodeObject(id)
		box := boxOf(parent.ID)
		i := -1
		if box != nil && old != nil {
			for k, o := range box.Objects {
				if o == old {
					i = k
				}
			}
		}
		if i < 0 {
			undo()
			return false
		}
		lf, obj := c.renderLeaf(n)
		if obj == nil || obj.MinSize() != old.MinSize() {
			// Another size would move its neighbours: render the block.
			if lf != nil {
				lf.Close()
			}
			undo()
			return false
		}
		objs := append([]fyne.CanvasObject(nil), box.Objects...)
		done = append(done, swap{box: box, objs: box.Objects, id: id, lf: lf})
		objs[i] = obj
		box.Objects = objs
		obj.Move(old.Position())
		obj.Resize(old.Size())
	}
	for _, s := range done {
		if s.id == "" {
			relayout(s.box) // the same size: the children change places
			continue
		}
		canvas.Refresh(s.box)
		if b.patches == nil {
			b.patches = map[string]*widgets.Form{}
		}
		if p := b.patches[s.id]; p != nil {
			p.Close()
		}
		b.patches[s.id] = s.lf
	}
	b.key = key
	c.stats.patches++
	return true
}

// renderLeaf renders the leaf n alone, in design mode, as render renders
// it inside its block; nil when it does not render.
func (c *Canvas) renderLeaf(n *dsl.Node) (*widgets.Form, fyne.CanvasObject) {
	def := c.def
	leaf := (&dsl.Form{Root: n}).Clone().Root
	mini := &dsl.Form{DSL: def.DSL, ID: "design", Version: "0.0.0", Title: def.Title,
		Root: &dsl.Node{ID: def.Root.ID, Type: def.Root.Type, Props: cloneProps(def.Root.Props), Children: []*dsl.Node{leaf}}}
	lf, err := widgets.Render(mini, c.scope, widgets.Options{Lang: c.ed.lang, Design: true, Image: func(string) fyne.Resource { return nil }})
	if err != nil {
		return nil, nil
	}
	return lf, lf.NodeObject(leaf.ID)
}

// place puts the blocks in the root box. When only some blocks were
// replaced by ones of the same height, they take the old ones' place and
// the rest of the form is not laid out again: one edit costs one block.
func (c *Canvas) place(objs []fyne.CanvasObject) {
	old := c.root.Objects
	c.root.Objects = objs
	if len(old) != len(objs) {
		relayout(c.root)
		return
	}
	var fresh []int
	for i := range objs {
		if objs[i] != old[i] {
			if objs[i].MinSize().Height != old[i].Size().Height {
				relayout(c.root)
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
	c.stats.renders++
	nodes := subtreeSize(child)
	child = (&dsl.Form{Root: child}).Clone().Root
	mini := &dsl.Form{DSL: def.DSL, ID: "design", Version: "0.0.0", Title: def.Title,
		Root: &dsl.Node{ID: def.Root.ID, Type: def.Root.Type, Props: cloneProps(def.Root.Props), Children: []*dsl.Node{child}}}
	lf, err := widgets.Render(mini, c.scope, widgets.Options{Lang: c.ed.lang, Design: true, Image: func(string) fyne.Resource { return nil }})
	if err != nil {
		l := widget.NewLabel("⚠ " + child.ID + ": " + err.Error())
		l.Wrapping = fyne.TextWrapWord
		return &block{id: child.ID, key: key, nodes: nodes, form: &widgets.Form{}, obj: l, built: true}
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
	return &block{id: child.ID, key: key, nodes: nodes, form: lf, obj: lf.NodeObject(child.ID), built: true}
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
		off = top
	case bottom > off+view:
		off = min(top, bottom-view)
	default:
		return
	}
	// ScrollToOffset lays the content and bars out at the offset;
	// Scroll.Refresh would refresh every widget of the surface too.
	c.fitScroll()
	c.scroll.ScrollToOffset(fyne.NewPos(c.scroll.Offset.X, off))
	// Build what came into sight; blocks built above keep the node in
	// place.
	if c.fill() {
		c.fitScroll()
	}
	c.measured = false
}

// fitScroll has the scroll fit its content to the box's height (blocks
// built or placed since) and lay out its bars at the current offset,
// clamped, as Scroll.Refresh does without refreshing every widget of the
// surface.
func (c *Canvas) fitScroll() {
	want := c.scroll.Offset
	c.scroll.Offset = want.Add(fyne.NewPos(0, 1)) // ScrollToOffset acts on a change only
	c.scroll.ScrollToOffset(want)
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
