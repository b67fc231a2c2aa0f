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
type Outline struct {
	ed      *Editor
	tree    *widget.Tree
	syncing bool
	shape   string            // the tree's structure when last shown
	labels  map[string]string // row texts when last shown
	shown   string            // selection when last shown
	rows    []*treeRow        // every row object the tree made, for drag hit tests

	// nodes by id, as of document change number indexAt of indexDoc: the
	// tree asks for each open node's children and kind on every refresh,
	// and a walk of the form for each made that quadratic.
	index    map[string]*dsl.Node
	indexAt  int
	indexDoc any
}

// node returns the form's node with id, or nil.
func (o *Outline) node(id string) *dsl.Node {
	doc := o.ed.doc
	if o.index == nil || o.indexAt != doc.Changes() || o.indexDoc != any(doc) {
		o.index = map[string]*dsl.Node{}
		var add func(n *dsl.Node)
		add = func(n *dsl.Node) {
			if _, dup := o.index[n.ID]; !dup { // the first in tree order, as Find
				o.index[n.ID] = n
			}
			for _, k := range n.Children {
				add(k)
			}
		}
		if f := doc.Form(); f.Root != nil {
			add(f.Root)
		}
		o.indexAt, o.indexDoc = doc.Changes(), doc
	}
	return o.index[id]
}

func newOutline(ed *Editor) *Outline {
	o := &Outline{ed: ed}
	o.tree = widget.NewTree(o.children, o.isBranch, o.create, o.update)
	o.tree.OnSelected = func(id widget.TreeNodeID) {
		if !o.syncing && id != ed.doc.Selected() {
			ed.doc.Select(fromTree, id)
		}
	}
	return o
}

func (o *Outline) children(uid widget.TreeNodeID) []widget.TreeNodeID {
	f := o.ed.doc.Form()
	if uid == "" {
		if f.Root == nil {
			return nil
		}
		return []string{f.Root.ID}
	}
	n := o.node(uid)
	if n == nil {
		return nil
	}
	ids := make([]string, len(n.Children))
	for i, c := range n.Children {
		ids[i] = c.ID
	}
	return ids
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
	r.id = uid
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
	o.ed.doc.Form().Walk(func(_ []string, n *dsl.Node) bool {
		shape.WriteString(n.ID)
		shape.WriteByte('(')
		shape.WriteString(strconv.Itoa(len(n.Children)))
		l := nodeLabel(n, o.ed.lang)
		labels[n.ID] = l
		if o.labels[n.ID] != l {
			changed = append(changed, n.ID)
		}
		return true
	})
	if s := shape.String(); s != o.shape {
		o.shape = s
		o.tree.Refresh()
	} else {
		for _, id := range changed {
			o.tree.RefreshItem(id)
		}
	}
	o.labels = labels
	id := o.ed.doc.Selected()
	if id == o.shown {
		return
	}
	o.shown = id
	if id == "" {
		o.tree.UnselectAll()
		return
	}
	p := o.ed.doc.SelectedPath()
	for _, a := range p[:len(p)-1] {
		if !o.tree.IsBranchOpen(a) {
			o.tree.OpenBranch(a)
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
	if r.id == "" || r.id == r.ed.doc.Form().Root.ID {
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
		if row.id == "" || row == r || !row.Visible() || d.CanvasForObject(row) == nil {
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
	ed.doc.Select(fromTree, r.id)
	menu := fyne.NewMenu("",
		fyne.NewMenuItem("插入文本框 Insert text", func() { ed.insertHere("text") }),
		fyne.NewMenuItem("插入分组 Insert group", func() { ed.insertHere("group") }),
		fyne.NewMenuItem("复制一份 Duplicate", func() { ed.report(ed.doc.Duplicate(fromTree)) }),
		fyne.NewMenuItem("打包为分组 Wrap in group", func() { ed.report(ed.doc.WrapInGroup(fromTree)) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("删除 Delete", func() { ed.report(ed.doc.Delete(fromTree)) }),
	)
	widget.ShowPopUpMenuAtPosition(menu, ed.win.Canvas(), e.AbsolutePosition)
}
