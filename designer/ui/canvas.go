package ui

import (
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

// The canvas, in files by concern: this one holds the widget, its
// renderer and Update, which keeps each block of the root's children,
// patches it (canvas_patch.go), renders it again or leaves it a
// placeholder until it comes into sight (canvas_build.go). Where nodes
// stand is canvas_geometry.go, drag and drop canvas_drag.go, and the pane
// over the render that takes the mouse canvas_glass.go.

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
