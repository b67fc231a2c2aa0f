package designer

import (
	"bytes"
	"reflect"

	"guitai/dsl"
)

// Diff returns the changes that turn form a into form b, neither of which it
// modifies: a header change when the header differs, then node operations
// (moves, updates, inserts, deletes) matched by node id, so that a JSON
// edit undoes as precisely as an edit made on the canvas. When the trees
// cannot be matched (the root was renamed, say) the tree is replaced whole.
// Applying the result to a gives b's canonical bytes; Diff checks that.
//
// b may share subtrees with a (the same *dsl.Node, as a pane that edits
// one node builds it): those are equal by construction and not compared,
// so an edit of one node costs that node, not the form.
func Diff(a, b *dsl.Form) ([]Change, error) {
	var out []Change
	if ha, hb := HeaderOf(a), HeaderOf(b); !reflect.DeepEqual(ha, hb) {
		out = append(out, Change{Header: &hb})
	}
	whole := func() []Change { return append(out[:len(out):len(out)], Change{Root: cloneNode(b.Root)}) }
	if a.Root == nil || b.Root == nil || a.Root.ID != b.Root.ID || a.Root.Type != b.Root.Type ||
		!reflect.DeepEqual(a.Root.Extra, b.Root.Extra) || !distinctIDs(a.Root) || !distinctIDs(b.Root) {
		// Nodes are matched by id: a tree where one is empty or used twice
		// (a JSON edit on its way to a valid form) has nothing to match by,
		// and its parent links would go round in a circle.
		return whole(), nil
	}
	work := a.Clone()
	dd := &differ{work: work, want: b, nodes: map[string]*dsl.Node{}, parent: map[string]string{},
		orig: map[string]*dsl.Node{}, dirty: map[string]bool{}}
	var index func(n *dsl.Node)
	index = func(n *dsl.Node) {
		dd.nodes[n.ID] = n
		for _, k := range n.Children {
			dd.parent[k.ID] = n.ID
			index(k)
		}
	}
	index(work.Root)
	var orig func(n *dsl.Node)
	orig = func(n *dsl.Node) {
		dd.orig[n.ID] = n
		for _, k := range n.Children {
			orig(k)
		}
	}
	orig(a.Root)
	if _, err := apply(work, Change{Header: ptr(HeaderOf(b))}); err != nil {
		return nil, err
	}
	if !dd.node(b.Root, []string{b.Root.ID}) || !dd.prune() || !dd.same(b) {
		return whole(), nil
	}
	return append(out, dd.ops...), nil
}

// distinctIDs reports whether every node under root has an id of its own.
func distinctIDs(root *dsl.Node) bool {
	seen := map[string]bool{}
	ok := true
	var walk func(n *dsl.Node)
	walk = func(n *dsl.Node) {
		if n.ID == "" || seen[n.ID] {
			ok = false
			return
		}
		seen[n.ID] = true
		for _, k := range n.Children {
			if walk(k); !ok {
				return
			}
		}
	}
	walk(root)
	return ok
}

// differ builds the operations on a working copy, keeping an index of its
// nodes and their parents so that each step is a map lookup, not a walk.
type differ struct {
	work   *dsl.Form
	want   *dsl.Form
	ops    []Change
	nodes  map[string]*dsl.Node // work nodes by id
	parent map[string]string    // work parent id by node id
	orig   map[string]*dsl.Node // a's nodes by id, as work was copied from
	dirty  map[string]bool      // work nodes an operation changed, and their ancestors
}

// shared reports whether want is a node of a (so equal to its copy in
// work) whose subtree no operation has changed in work: then want's
// subtree and work's are equal.
func (d *differ) shared(want *dsl.Node) bool {
	return d.orig[want.ID] == want && !d.dirty[want.ID]
}

// touch marks the work node with id and its ancestors changed.
func (d *differ) touch(id string) {
	for ; id != ""; id = d.parent[id] {
		d.dirty[id] = true
	}
}

func (d *differ) do(op dsl.Op) bool {
	last := func(p []string) string { return p[len(p)-1] }
	// Before: the parents a node leaves.
	switch op.Op {
	case "move", "delete":
		d.touch(d.parent[last(op.Path)])
	}
	if _, err := dsl.Apply(d.work, op); err != nil {
		return false
	}
	d.ops = append(d.ops, OpChange(op))
	switch op.Op {
	case "insert":
		pid := last(op.ParentPath)
		n := d.nodes[pid].Children[op.Index]
		var add func(n *dsl.Node, pid string)
		add = func(n *dsl.Node, pid string) {
			d.nodes[n.ID], d.parent[n.ID] = n, pid
			d.dirty[n.ID] = true
			for _, k := range n.Children {
				add(k, n.ID)
			}
		}
		add(n, pid)
		d.touch(pid)
	case "move":
		d.parent[last(op.Path)] = last(op.ParentPath)
		d.touch(last(op.Path))
	case "update":
		d.touch(last(op.Path))
	case "delete":
		var drop func(n *dsl.Node)
		drop = func(n *dsl.Node) {
			delete(d.nodes, n.ID)
			delete(d.parent, n.ID)
			for _, k := range n.Children {
				drop(k)
			}
		}
		drop(d.nodes[last(op.Path)])
	}
	return true
}

// same reports whether work now encodes to b's bytes: equal headers, and
// trees equal node by node, subtrees shared with a and untouched taken as
// equal; when the structures differ (a nil map against an empty one, say)
// it compares the encodings.
func (d *differ) same(b *dsl.Form) bool {
	var eq func(w, x *dsl.Node) bool
	eq = func(w, x *dsl.Node) bool {
		if w.ID != x.ID {
			return false
		}
		if d.shared(x) {
			return true
		}
		if w.Type != x.Type || w.Bind != x.Bind || w.Value != x.Value || w.VisibleWhen != x.VisibleWhen ||
			w.EnabledWhen != x.EnabledWhen || len(w.Children) != len(x.Children) ||
			!reflect.DeepEqual(w.Props, x.Props) || !reflect.DeepEqual(w.Rules, x.Rules) || !reflect.DeepEqual(w.Extra, x.Extra) {
			return false
		}
		for i := range w.Children {
			if !eq(w.Children[i], x.Children[i]) {
				return false
			}
		}
		return true
	}
	if reflect.DeepEqual(HeaderOf(d.work), HeaderOf(b)) && eq(d.work.Root, b.Root) {
		return true
	}
	return bytes.Equal(dsl.Encode(d.work), dsl.Encode(b))
}

// path is the id path of a work node.
func (d *differ) path(id string) []string {
	var p []string
	for ; id != ""; id = d.parent[id] {
		p = append(p, id)
	}
	for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// node makes the work node at path (which exists, with want's id and type)
// equal to want: its own fields, then its children in order.
func (d *differ) node(want *dsl.Node, path []string) bool {
	if d.shared(want) {
		return true
	}
	cur := d.nodes[want.ID]
	if set := fieldDiff(cur, want); len(set) > 0 && !d.do(dsl.Op{Op: "update", Path: clonePath(path), Set: set}) {
		return false
	}
	for i, wc := range want.Children {
		parent := d.nodes[want.ID]
		c := d.nodes[wc.ID]
		if c != nil && (c.Type != wc.Type || !reflect.DeepEqual(c.Extra, wc.Extra)) {
			// The same id now names another kind of node: put its children
			// aside under the root, then replace it.
			cp := d.path(c.ID)
			for len(c.Children) > 0 {
				k := c.Children[0]
				if !d.do(dsl.Op{Op: "move", Path: append(clonePath(cp), k.ID), ParentPath: []string{d.work.Root.ID}, Index: len(d.work.Root.Children)}) {
					return false
				}
			}
			if !d.do(dsl.Op{Op: "delete", Path: cp}) {
				return false
			}
			c = nil
		}
		if c == nil {
			n := cloneNode(wc)
			n.Children = nil
			if !d.do(dsl.Op{Op: "insert", ParentPath: clonePath(path), Index: i, Node: n}) {
				return false
			}
		} else if i >= len(parent.Children) || parent.Children[i] != c {
			if !d.do(dsl.Op{Op: "move", Path: d.path(wc.ID), ParentPath: clonePath(path), Index: i}) {
				return false
			}
		}
		if !d.node(wc, append(clonePath(path), wc.ID)) {
			return false
		}
	}
	return true
}

// prune deletes the work nodes want does not have, topmost first. A
// subtree shared with a and untouched holds the same ids in both.
func (d *differ) prune() bool {
	keep := map[string]*dsl.Node{} // want's nodes by id
	var collect func(n *dsl.Node)
	collect = func(n *dsl.Node) {
		keep[n.ID] = n
		if d.shared(n) {
			return
		}
		for _, k := range n.Children {
			collect(k)
		}
	}
	collect(d.want.Root)
	var gone [][]string
	var walk func(p []string, n *dsl.Node)
	walk = func(p []string, n *dsl.Node) {
		p = append(p, n.ID)
		w := keep[n.ID]
		if w == nil {
			gone = append(gone, clonePath(p))
			return
		}
		if d.shared(w) {
			return
		}
		for _, k := range n.Children {
			walk(p, k)
		}
	}
	walk(nil, d.work.Root)
	for _, p := range gone {
		if !d.do(dsl.Op{Op: "delete", Path: p}) {
			return false
		}
	}
	return true
}

// fieldDiff returns the "set" of an update op turning a's own fields (not
// its children) into b's, or nil when they are equal.
func fieldDiff(a, b *dsl.Node) map[string]any {
	var set map[string]any
	put := func(k string, v any) {
		if set == nil {
			set = map[string]any{}
		}
		set[k] = v
	}
	str := func(k, x, y string) {
		if x != y {
			if y == "" {
				put(k, nil)
			} else {
				put(k, y)
			}
		}
	}
	str("bind", a.Bind, b.Bind)
	str("value", a.Value, b.Value)
	str("visibleWhen", a.VisibleWhen, b.VisibleWhen)
	str("enabledWhen", a.EnabledWhen, b.EnabledWhen)
	if !reflect.DeepEqual(a.Rules, b.Rules) {
		if ra, rb := rulesJSON(a.Rules), rulesJSON(b.Rules); !reflect.DeepEqual(ra, rb) {
			put("rules", rb)
		}
	}
	for k, v := range b.Props {
		if old, ok := a.Props[k]; !ok || !reflect.DeepEqual(old, v) {
			put("props."+k, dsl.CloneValue(v))
		}
	}
	for k := range a.Props {
		if _, ok := b.Props[k]; !ok {
			put("props."+k, nil)
		}
	}
	return set
}

// rulesJSON is the JSON value of rules as an update op's "set" takes it;
// no rules is nil, so an empty list and none compare equal.
func rulesJSON(rules []dsl.Rule) any {
	if len(rules) == 0 {
		return nil
	}
	return dsl.RulesJSON(rules)
}

// WithNode returns a form like f with its node id (not the root) replaced
// by n, or nil when f has no such node. Only the nodes on the way down are
// copied; the rest is shared with f, which Diff takes as unchanged without
// comparing: a pane editing one node's JSON builds the form it makes so.
// Nothing may change the result.
func WithNode(f *dsl.Form, id string, n *dsl.Node) *dsl.Form {
	var copyDown func(x *dsl.Node) *dsl.Node
	copyDown = func(x *dsl.Node) *dsl.Node {
		for i, k := range x.Children {
			var nk *dsl.Node
			if k.ID == id {
				nk = n
			} else if nk = copyDown(k); nk == nil {
				continue
			}
			c := *x
			c.Children = append([]*dsl.Node(nil), x.Children...)
			c.Children[i] = nk
			return &c
		}
		return nil
	}
	if f.Root == nil {
		return nil
	}
	root := copyDown(f.Root)
	if root == nil {
		return nil
	}
	return &dsl.Form{DSL: f.DSL, ID: f.ID, Version: f.Version, Code: f.Code, Title: f.Title,
		Root: root, Submit: f.Submit, Extra: f.Extra}
}

// PathOf returns the id path of the node with the given id, or nil.
func PathOf(f *dsl.Form, id string) []string {
	var out []string
	f.Walk(func(p []string, n *dsl.Node) bool {
		if out != nil {
			return false
		}
		if n.ID == id {
			out = clonePath(p)
			return false
		}
		return true
	})
	return out
}

func clonePath(p []string) []string { return append([]string(nil), p...) }

func cloneNode(n *dsl.Node) *dsl.Node {
	if n == nil {
		return nil
	}
	return (&dsl.Form{Root: n}).Clone().Root
}
