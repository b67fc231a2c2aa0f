package ui

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
)

// Outline is the tree of the form's nodes. Its selection follows the
// document's; a right click offers insert, duplicate, delete and wrap.
//
// The tree names each row by a key: the node's id, for the first node in
// tree order that has it (the one Find and the document's selection
// mean), and a key of its own for a node whose id is empty or already
// taken, as a JSON edit may leave one on the way to a valid form. The
// empty key is the tree's own root: a node without an id taken for it
// made the outline its own ancestor, and the designer overflowed its stack.
type Outline struct {
	ed      *Editor
	tree    *widget.Tree
	syncing bool
	shape   string            // the tree's structure when last shown
	labels  map[string]string // row texts when last shown, by key
	shown   string            // selection when last shown
	rows    []*treeRow        // every row object the tree made, for drag hit tests

	// the rows' keys, as of document change number indexAt of indexDoc:
	// the tree asks for each open node's children and kind on every
	// refresh, and a walk of the form for each made that quadratic.
	index    outlineIndex
	indexAt  int
	indexDoc any
}

// outlineIndex maps the form's nodes to the outline's keys and back.
type outlineIndex struct {
	root   string               // the key of the form's root, "" when it has none
	byKey  map[string]*dsl.Node // the node of each key
	keys   map[*dsl.Node]string // the key of each node
	parent map[string]string    // the key of each node's parent ("" for the root)
	kids   map[string][]string  // the keys of each node's children
}

// idKeyless starts the key of a node that cannot be keyed by its id. No
// identifier holds it; an id that does is itself keyless.
const idKeyless = "\x00"

// buildIndex keys the nodes of the form rooted at root.
func buildIndex(root *dsl.Node) outlineIndex {
	x := outlineIndex{byKey: map[string]*dsl.Node{}, keys: map[*dsl.Node]string{},
		parent: map[string]string{}, kids: map[string][]string{}}
	if root == nil {
		return x
	}
	// Ids first, each for its first node in tree order, as Find.
	var byID func(n *dsl.Node)
	byID = func(n *dsl.Node) {
		if _, dup := x.byKey[n.ID]; n.ID != "" && !strings.HasPrefix(n.ID, idKeyless) && !dup {
			x.byKey[n.ID], x.keys[n] = n, n.ID
		}
		for _, k := range n.Children {
			byID(k)
		}
	}
	byID(root)
	// Then the others, by where they stand.
	var rest func(n *dsl.Node, ptr, parent string)
	rest = func(n *dsl.Node, ptr, parent string) {
		key, ok := x.keys[n]
		if !ok {
			key = idKeyless + ptr
			for x.byKey[key] != nil {
				key += idKeyless
			}
			x.byKey[key], x.keys[n] = n, key
		}
		x.parent[key] = parent
		kids := make([]string, len(n.Children))
		for i, k := range n.Children {
			rest(k, ptr+"/children/"+strconv.Itoa(i), key)
			kids[i] = x.keys[k]
		}
		x.kids[key] = kids
	}
	rest(root, "/root", "")
	x.root = x.keys[root]
	return x
}

// idx returns the outline's keys for the document as it is now.
func (o *Outline) idx() *outlineIndex {
	doc := o.ed.doc
	if o.index.byKey == nil || o.indexAt != doc.Changes() || o.indexDoc != any(doc) {
		o.index = buildIndex(doc.Form().Root)
		o.indexAt, o.indexDoc = doc.Changes(), doc
	}
	return &o.index
}

// node returns the form's node of a row key, or nil.
func (o *Outline) node(key string) *dsl.Node { return o.idx().byKey[key] }

// idOf returns the id by which the document knows a row's node, or ""
// for a node without one of its own.
func (o *Outline) idOf(key string) string {
	if n := o.node(key); n != nil && n.ID == key {
		return key
	}
	return ""
}

func newOutline(ed *Editor) *Outline {
	o := &Outline{ed: ed}
	o.tree = widget.NewTree(o.children, o.isBranch, o.create, o.update)
	o.tree.OnSelected = func(key widget.TreeNodeID) {
		if o.syncing {
			return
		}
		id := o.idOf(key)
		if id == "" {
			// Nothing else can show it: say why, and select nothing.
			ed.doc.Select(fromTree, "")
			ed.status("✗ " + keylessHint)
			return
		}
		if id != ed.doc.Selected() {
			ed.doc.Select(fromTree, id)
		}
	}
	return o
}

// keylessHint is the status line for a row whose node has no id of its
// own.
const keylessHint = "该节点没有唯一的 id，请在 JSON 源码中补上 this node has no id of its own: give it one in the JSON pane"

func (o *Outline) children(uid widget.TreeNodeID) []widget.TreeNodeID {
	x := o.idx()
	if uid == "" {
		if _, ok := x.byKey[x.root]; !ok {
			return nil
		}
		return []string{x.root}
	}
	return x.kids[uid]
}

func (o *Outline) isBranch(uid widget.TreeNodeID) bool {
	if uid == "" {
		return true
	}
	n := o.node(uid)
	return n != nil && (isContainer(n.Type) || len(n.Children) > 0)
}

func (o *Outline) create(bool) fyne.CanvasObject {
	r := &treeRow{ed: o.ed, o: o}
	o.rows = append(o.rows, r)
	r.label = newLineText("")
	r.ExtendBaseWidget(r)
	return r
}

func (o *Outline) update(uid widget.TreeNodeID, _ bool, obj fyne.CanvasObject) {
	r := obj.(*treeRow)
	r.id = uid // the row's key: its node's id unless that has none of its own
	n := o.node(uid)
	if n == nil {
		r.label.SetText(uid)
		return
	}
	r.label.SetText(nodeLabel(n, o.ed.lang))
}

// nodeLabel is how the outline names a node: its caption, id and type.
func nodeLabel(n *dsl.Node, lang string) string {
	text := n.PropText("label").In(lang)
	if text == "" {
		text = n.PropText("title").In(lang)
	}
	if text == "" {
		text = n.PropText("text").In(lang)
	}
	typ := n.Type
	if s, ok := dsl.Types[n.Type]; ok {
		typ = s.Title.In(lang)
	}
	if text == "" {
		return n.ID + " · " + typ
	}
	return text + "  " + n.ID + " · " + typ
}

// sync shows the document: the whole tree again when its structure
// changed, else only the rows whose text changed; then the document's
// selection, with its ancestors open.
func (o *Outline) sync() {
	o.syncing = true
	defer func() { o.syncing = false }()
	var shape strings.Builder
	labels := make(map[string]string, len(o.labels))
	var changed []string
	x := o.idx()
	var walk func(key string)
	walk = func(key string) {
		n := x.byKey[key]
		shape.WriteString(strconv.Quote(key)) // keyless keys hold "/" and "\x00"
		shape.WriteByte('(')
		shape.WriteString(strconv.Itoa(len(n.Children)))
		l := nodeLabel(n, o.ed.lang)
		labels[key] = l
		if o.labels[key] != l {
			changed = append(changed, key)
		}
		for _, k := range x.kids[key] {
			walk(k)
		}
	}
	if x.byKey[x.root] != nil {
		walk(x.root)
	}
	if s := shape.String(); s != o.shape {
		o.shape = s
		o.tree.Refresh()
	} else {
		for _, key := range changed {
			o.tree.RefreshItem(key)
		}
	}
	o.labels = labels
	id := o.ed.doc.Selected()
	if id == o.shown {
		return
	}
	o.shown = id
	if id == "" || x.byKey[id] == nil {
		o.tree.UnselectAll()
		return
	}
	var up []string
	for a := x.parent[id]; a != ""; a = x.parent[a] {
		up = append(up, a)
	}
	for i := len(up) - 1; i >= 0; i-- {
		if !o.tree.IsBranchOpen(up[i]) {
			o.tree.OpenBranch(up[i])
		}
	}
	o.tree.Select(id)
	o.tree.ScrollTo(id)
}

// Where a row drop goes relative to the row under the pointer.
const (
	dropNone = iota
	dropBefore
	dropInto
	dropAfter
)

// treeRow is one row of the outline: a context menu, and drag to move the
// node before, after or into the row it is dropped on.
type treeRow struct {
	widget.BaseWidget
	ed    *Editor
	o     *Outline
	id    string
	label *lineText
	mark  int // drop marker shown on this row

	start   fyne.Position // drag start, absolute
	delta   fyne.Delta
	moving  bool
	over    *treeRow
	overPos int
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (r *treeRow) CreateRenderer() fyne.WidgetRenderer {
	bar := canvas.NewRectangle(color.NRGBA{R: 0xe0, G: 0x60, B: 0x10, A: 0xff})
	box := canvas.NewRectangle(color.Transparent)
	box.StrokeColor = color.NRGBA{R: 0xe0, G: 0x60, B: 0x10, A: 0xff}
	box.StrokeWidth = 2
	bar.Hide()
	box.Hide()
	return &treeRowRenderer{r: r, bar: bar, box: box}
}

type treeRowRenderer struct {
	r        *treeRow
	bar, box *canvas.Rectangle
}

func (x *treeRowRenderer) Layout(size fyne.Size) {
	x.r.label.Resize(size)
	x.box.Resize(size)
	x.bar.Resize(fyne.NewSize(size.Width, 3))
	if x.r.mark == dropAfter {
		x.bar.Move(fyne.NewPos(0, size.Height-3))
	} else {
		x.bar.Move(fyne.NewPos(0, 0))
	}
}
func (x *treeRowRenderer) MinSize() fyne.Size { return x.r.label.MinSize() }
func (x *treeRowRenderer) Refresh() {
	x.bar.Hidden = x.r.mark != dropBefore && x.r.mark != dropAfter
	x.box.Hidden = x.r.mark != dropInto
	x.Layout(x.r.Size())
	x.bar.Refresh()
	x.box.Refresh()
	x.r.label.Refresh()
}
func (x *treeRowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{x.r.label, x.box, x.bar}
}
func (x *treeRowRenderer) Destroy() {}

// Dragged shows where the node would go among the rows under the pointer.
func (r *treeRow) Dragged(e *fyne.DragEvent) {
	if id := r.o.idOf(r.id); id == "" || id == r.ed.doc.Form().Root.ID {
		return
	}
	d := fyne.CurrentApp().Driver()
	if !r.moving {
		r.moving = true
		r.start = d.AbsolutePositionForObject(r).Add(e.Position)
		r.delta = fyne.Delta{}
	}
	r.delta.DX += e.Dragged.DX
	r.delta.DY += e.Dragged.DY
	at := r.start.Add(r.delta)
	if r.over != nil {
		r.over.mark = dropNone
		r.over.Refresh()
		r.over = nil
	}
	for _, row := range r.o.rows {
		if r.o.idOf(row.id) == "" || row == r || !row.Visible() || d.CanvasForObject(row) == nil {
			continue
		}
		p := at.Subtract(d.AbsolutePositionForObject(row))
		s := row.Size()
		if p.X < 0 || p.Y < 0 || p.X >= s.Width || p.Y >= s.Height {
			continue
		}
		n := r.ed.doc.Form().Find(row.id)
		switch {
		case n == nil:
			continue
		case isContainer(n.Type) && (p.Y > s.Height/4 && p.Y < s.Height*3/4 || n == r.ed.doc.Form().Root):
			r.overPos = dropInto
		case p.Y < s.Height/2:
			r.overPos = dropBefore
		default:
			r.overPos = dropAfter
		}
		r.over = row
		row.mark = r.overPos
		row.Refresh()
		return
	}
}

// DragEnd moves the node to the marked place.
func (r *treeRow) DragEnd() {
	over, pos := r.over, r.overPos
	r.moving, r.over = false, nil
	if over == nil {
		return
	}
	over.mark = dropNone
	over.Refresh()
	doc := r.ed.doc
	f := doc.Form()
	target := f.Find(over.id)
	if target == nil {
		return
	}
	if pos == dropInto {
		r.ed.report(doc.MoveTo(fromTree, r.id, pathOf(f, target.ID), len(target.Children)))
		return
	}
	p := pathOf(f, target.ID)
	parent := f.Find(p[len(p)-2])
	i := 0
	for k, c := range parent.Children {
		if c.ID == target.ID {
			i = k
		}
	}
	if pos == dropAfter {
		i++
	}
	r.ed.report(doc.MoveTo(fromTree, r.id, p[:len(p)-1], i))
}

// TappedSecondary selects the row's node and opens its context menu.
func (r *treeRow) TappedSecondary(e *fyne.PointEvent) {
	ed := r.ed
	if r.o.idOf(r.id) == "" {
		ed.doc.Select(fromTree, "")
		ed.status("✗ " + keylessHint)
		return
	}
	ed.doc.Select(fromTree, r.id)
	menu := fyne.NewMenu("",
		fyne.NewMenuItem("插入文本框 Insert text", func() { ed.insertHere("text") }),
		fyne.NewMenuItem("插入分组 Insert group", func() { ed.insertHere("group") }),
		fyne.NewMenuItem("复制一份 Duplicate", ed.Duplicate),
		fyne.NewMenuItem("打包为分组 Wrap in group", func() { ed.report(ed.doc.WrapInGroup(fromTree)) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("删除 Delete", func() { ed.report(ed.doc.Delete(fromTree)) }),
	)
	widget.ShowPopUpMenuAtPosition(menu, ed.win.Canvas(), e.AbsolutePosition)
}
