package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"guitai/designer"
	"guitai/dsl"
	"guitai/widgets"
)

// Patching: the incremental re-render of a built block after an edit
// that only sets leaves' fields or reorders children.

// patch brings a built block up to date without rendering it again when
// the changes only set fields of leaves (nodes without children) of it, or
// only reorder the children of some of its nodes, and the parents hold
// those children in a plain container (a group's, a row's, a column's; not
// tabs, whose headers show their children's titles). A leaf is rendered
// alone, as the block would render it, and put in its old object's place;
// a reorder puts the children's objects in the new order. It reports
// whether it did; when not, the block is left as it was.
func (c *Canvas) patch(b *block, child *dsl.Node, key string, changes []designer.Change) bool {
	leaves, orders, ok := patchable(b.id, changes)
	if !ok {
		return false
	}
	tree := indexTree(child)
	var done swaps
	for id := range orders {
		if !reorder(b, tree, id, &done) {
			done.undo()
			return false
		}
	}
	for id := range leaves {
		if !c.swapLeaf(b, tree, id, &done) {
			done.undo()
			return false
		}
	}
	done.apply(b)
	b.key = key
	c.stats.patches++
	return true
}

// patchable reads the changes of one edit for the block of the root's
// child id: the leaves whose own fields changed, or the parents whose
// children only changed places. It reports false when a change it cannot
// patch touches the block (any other operation, a document change that
// is neither an operation nor a header edit), when none touches it, and
// when the changes are of both kinds.
func patchable(id string, changes []designer.Change) (leaves, orders map[string]bool, ok bool) {
	leaves = map[string]bool{}
	orders = map[string]bool{} // parents whose children only changed places
	for _, ch := range changes {
		op := ch.Op
		if op == nil {
			if ch.Header != nil {
				continue
			}
			return nil, nil, false
		}
		touches := (len(op.Path) >= 2 && op.Path[1] == id) || (len(op.ParentPath) >= 2 && op.ParentPath[1] == id)
		if !touches {
			continue
		}
		switch {
		case op.Op == "update" && len(op.Path) >= 3:
			leaves[op.Path[len(op.Path)-1]] = true
		case op.Op == "move" && len(op.Path) >= 3 && slices.Equal(op.ParentPath, op.Path[:len(op.Path)-1]):
			orders[op.ParentPath[len(op.ParentPath)-1]] = true
		default:
			return nil, nil, false
		}
	}
	if len(leaves)+len(orders) == 0 || (len(leaves) > 0 && len(orders) > 0) {
		return nil, nil, false
	}
	return leaves, orders, true
}

// blockTree indexes the design copy of a block's child: every node of its
// subtree by id, and each node's parent.
type blockTree struct {
	nodes   map[string]*dsl.Node
	parents map[string]*dsl.Node
}

// indexTree indexes the subtree of child.
func indexTree(child *dsl.Node) blockTree {
	t := blockTree{nodes: map[string]*dsl.Node{}, parents: map[string]*dsl.Node{}}
	(&dsl.Form{Root: child}).Walk(func(_ []string, n *dsl.Node) bool {
		t.nodes[n.ID] = n
		for _, k := range n.Children {
			t.parents[k.ID] = n
		}
		return true
	})
	return t
}

// boxOf is the plain container of b's render holding the children of the
// node id (a container's own, or a group box's content), or nil: for
// tabs, and for a node not in the tree or not rendered so.
func (t blockTree) boxOf(b *block, id string) *fyne.Container {
	n := t.nodes[id]
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

// A swap is one change a patch made to a box of the block.
type swap struct {
	box  *fyne.Container
	objs []fyne.CanvasObject // the box's objects before
	id   string              // the leaf rendered again, "" for a reorder
	lf   *widgets.Form
}

// swaps are the changes a patch made so far, in order.
type swaps []swap

// undo puts the boxes' objects back and closes the leaves rendered again.
func (d swaps) undo() {
	for _, s := range d {
		s.box.Objects = s.objs
		if s.lf != nil {
			s.lf.Close()
		}
	}
}

// apply finishes a patch that succeeded: a reordered box is laid out again
// (at the same size) and a box with a new leaf drawn, and b keeps each
// leaf's render in patches, closing one it replaces.
func (d swaps) apply(b *block) {
	for _, s := range d {
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
}

// reorder puts the objects of the children of the node id in their new
// order in its box, adding the change to done. It reports false when the
// box does not hold exactly the children's objects, or when the new order
// would change the box's minimum size (its neighbours would move).
func reorder(b *block, tree blockTree, id string, done *swaps) bool {
	box := tree.boxOf(b, id)
	if box == nil || len(box.Objects) != len(tree.nodes[id].Children) {
		return false
	}
	had := map[fyne.CanvasObject]bool{}
	for _, o := range box.Objects {
		had[o] = true
	}
	want := make([]fyne.CanvasObject, 0, len(box.Objects))
	for _, k := range tree.nodes[id].Children {
		o := b.nodeObject(k.ID)
		if o == nil || !had[o] {
			return false
		}
		delete(had, o)
		want = append(want, o)
	}
	before := box.MinSize()
	*done = append(*done, swap{box: box, objs: box.Objects})
	box.Objects = want
	return box.MinSize() == before
}

// swapLeaf renders the leaf id alone and puts its object in the old one's
// place in its parent's box, at the old one's position and size, adding
// the change to done. It reports false when id is not a leaf of the tree
// whose object its parent's box holds, or when the new render does not
// render or is of another minimum size (its neighbours would move).
func (c *Canvas) swapLeaf(b *block, tree blockTree, id string, done *swaps) bool {
	n, parent := tree.nodes[id], tree.parents[id]
	if n == nil || parent == nil || len(n.Children) > 0 {
		return false
	}
	old := b.nodeObject(id)
	box := tree.boxOf(b, parent.ID)
	i := -1
	if box != nil && old != nil {
		for k, o := range box.Objects {
			if o == old {
				i = k
			}
		}
	}
	if i < 0 {
		return false
	}
	lf, obj := c.renderLeaf(n)
	if obj == nil || obj.MinSize() != old.MinSize() {
		// Another size would move its neighbours: render the block.
		if lf != nil {
			lf.Close()
		}
		return false
	}
	objs := append([]fyne.CanvasObject(nil), box.Objects...)
	*done = append(*done, swap{box: box, objs: box.Objects, id: id, lf: lf})
	objs[i] = obj
	box.Objects = objs
	obj.Move(old.Position())
	obj.Resize(old.Size())
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
