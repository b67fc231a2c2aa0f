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
func Diff(a, b *dsl.Form) ([]Change, error) {
	var out []Change
	if ha, hb := HeaderOf(a), HeaderOf(b); !reflect.DeepEqual(ha, hb) {
		out = append(out, Change{Header: &hb})
	}
	whole := append(out[:len(out):len(out)], Change{Root: cloneNode(b.Root)})
	if a.Root == nil || b.Root == nil || a.Root.ID != b.Root.ID || a.Root.Type != b.Root.Type ||
		!reflect.DeepEqual(a.Root.Extra, b.Root.Extra) {
		return whole, nil
	}
	work := a.Clone()
	dd := &differ{work: work, want: b, nodes: map[string]*dsl.Node{}, parent: map[string]string{}}
	work.Walk(func(p []string, n *dsl.Node) bool {
		dd.nodes[n.ID] = n
		if len(p) > 1 {
			dd.parent[n.ID] = p[len(p)-2]
		}
		return true
	})
	if _, err := apply(work, Change{Header: ptr(HeaderOf(b))}); err != nil {
		return nil, err
	}
	if !dd.node(b.Root, []string{b.Root.ID}) || !dd.prune() ||
		!bytes.Equal(dsl.Encode(work), dsl.Encode(b)) {
		return whole, nil
	}
	return append(out, dd.ops...), nil
}

// differ builds the operations on a working copy, keeping an index of its
// nodes and their parents so that each step is a map lookup, not a walk.
type differ struct {
	work   *dsl.Form
	want   *dsl.Form
	ops    []Change
	nodes  map[string]*dsl.Node // work nodes by id
	parent map[string]string    // work parent id by node id
}

func (d *differ) do(op dsl.Op) bool {
	if _, err := dsl.Apply(d.work, op); err != nil {
		return false
	}
	d.ops = append(d.ops, OpChange(op))
	switch op.Op {
	case "insert":
		pid := op.ParentPath[len(op.ParentPath)-1]
		n := d.nodes[pid].Children[op.Index]
		d.nodes[n.ID], d.parent[n.ID] = n, pid
	case "move":
		d.parent[op.Path[len(op.Path)-1]] = op.ParentPath[len(op.ParentPath)-1]
	case "delete":
		var drop func(n *dsl.Node)
		drop = func(n *dsl.Node) {
			delete(d.nodes, n.ID)
			delete(d.parent, n.ID)
			for _, k := range n.Children {
				drop(k)
			}
		}
		drop(d.nodes[op.Path[len(op.Path)-1]])
	}
	return true
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

// prune deletes the work nodes want does not have, topmost first.
func (d *differ) prune() bool {
	keep := map[string]bool{}
	d.want.Walk(func(_ []string, n *dsl.Node) bool { keep[n.ID] = true; return true })
	var gone [][]string
	d.work.Walk(func(p []string, n *dsl.Node) bool {
		if !keep[n.ID] {
			gone = append(gone, clonePath(p))
			return false
		}
		return true
	})
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
	set := map[string]any{}
	str := func(k, x, y string) {
		if x != y {
			if y == "" {
				set[k] = nil
			} else {
				set[k] = y
			}
		}
	}
	str("bind", a.Bind, b.Bind)
	str("value", a.Value, b.Value)
	str("visibleWhen", a.VisibleWhen, b.VisibleWhen)
	str("enabledWhen", a.EnabledWhen, b.EnabledWhen)
	if ra, rb := rulesJSON(a.Rules), rulesJSON(b.Rules); !reflect.DeepEqual(ra, rb) {
		set["rules"] = rb
	}
	for k, v := range b.Props {
		if old, ok := a.Props[k]; !ok || !reflect.DeepEqual(old, v) {
			set["props."+k] = dsl.CloneValue(v)
		}
	}
	for k := range a.Props {
		if _, ok := b.Props[k]; !ok {
			set["props."+k] = nil
		}
	}
	if len(set) == 0 {
		return nil
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
