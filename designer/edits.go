package designer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"guitai/dsl"
)

// Select makes the node with id the selection ("" for none) and tells the
// listeners; an id the form does not hold selects nothing.
func (d *Document) Select(src Source, id string) {
	if id != "" && d.form.Find(id) == nil {
		id = ""
	}
	if id == d.selected {
		return
	}
	d.selected = id
	d.Seal()
	d.notify(Event{Source: src})
}

// Selected returns the id of the selected node, or "".
func (d *Document) Selected() string { return d.selected }

// SelectedPath returns the id path of the selection, or nil.
func (d *Document) SelectedPath() []string {
	if d.selected == "" {
		return nil
	}
	return PathOf(d.form, d.selected)
}

// keepSelection drops a selection whose node is gone.
func (d *Document) keepSelection() {
	if d.selected != "" && d.form.Find(d.selected) == nil {
		d.selected = ""
	}
}

// ErrNoSelection is returned by edits of the selection when nothing is
// selected, and ErrRoot by those that cannot apply to the root.
var (
	ErrNoSelection = errors.New("nothing is selected")
	ErrRoot        = errors.New("the root cannot be moved, deleted or copied")
)

// IsContainer reports whether nodes of type t hold children.
func IsContainer(t string) bool {
	s, ok := dsl.Types[t]
	return ok && s.Container
}

// UniqueID returns base, or base_2, base_3…, whichever the form does not
// use yet, not counting the ids in taken.
func UniqueID(f *dsl.Form, base string, taken map[string]bool) string {
	used := map[string]bool{}
	f.Walk(func(_ []string, n *dsl.Node) bool { used[n.ID] = true; return true })
	if i := strings.LastIndexByte(base, '_'); i > 0 {
		if _, err := strconv.Atoi(base[i+1:]); err == nil {
			base = base[:i]
		}
	}
	id := base
	for i := 2; used[id] || taken[id]; i++ {
		id = base + "_" + strconv.Itoa(i)
	}
	return id
}

// NewNode returns a node of widget type t with a fresh id and the props a
// designer expects to fill in: a label from the type's title, a binding
// named after the id for input types (never a reserved name, nor one
// another node binds: see FreshBind), two sample options for choices.
func NewNode(f *dsl.Form, t string) (*dsl.Node, error) {
	spec, ok := dsl.Types[t]
	if !ok {
		return nil, fmt.Errorf("unknown widget type %q", t)
	}
	n := &dsl.Node{ID: UniqueID(f, t, nil), Type: t, Props: map[string]any{}}
	title := map[string]any{"zh": spec.Title.Zh, "en": spec.Title.En}
	switch {
	case spec.Prop("label") != nil && t != "seal":
		n.Props["label"] = title
	case spec.Prop("title") != nil:
		n.Props["title"] = title
	case t == "button":
		n.Props["text"] = map[string]any{"zh": "提交", "en": "Submit"}
	}
	if t == "seal" {
		n.Props["label"] = title
	}
	if spec.Prop("options") != nil {
		n.Props["options"] = []any{
			map[string]any{"value": "a", "label": map[string]any{"zh": "选项一", "en": "Option 1"}},
			map[string]any{"value": "b", "label": map[string]any{"zh": "选项二", "en": "Option 2"}},
		}
	}
	if OwnsBind(t) {
		n.Bind = FreshBind(f, n.ID, nil)
	}
	if len(n.Props) == 0 {
		n.Props = nil
	}
	return n, nil
}

// InsertTarget is where the selection says a new node goes: into the
// selected container (at its end), else after the selected node, else at
// the end of the root.
func (d *Document) InsertTarget() (parent []string, index int) {
	f := d.form
	p := d.SelectedPath()
	if p == nil {
		return []string{f.Root.ID}, len(f.Root.Children)
	}
	n := f.Find(d.selected)
	if IsContainer(n.Type) {
		return p, len(n.Children)
	}
	parentNode := f.Find(p[len(p)-2])
	return p[:len(p)-1], indexOf(parentNode, n.ID) + 1
}

func indexOf(parent *dsl.Node, id string) int {
	for i, c := range parent.Children {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// Insert adds a new node of type t at index of the container at parent and
// selects it.
func (d *Document) Insert(src Source, t string, parent []string, index int) (*dsl.Node, error) {
	n, err := NewNode(d.form, t)
	if err != nil {
		return nil, err
	}
	return n, d.InsertNode(src, "插入 Insert "+t, n, parent, index)
}

// InsertNode inserts n (ids already unique) and selects it.
func (d *Document) InsertNode(src Source, label string, n *dsl.Node, parent []string, index int) error {
	d.selected = n.ID
	if err := d.Edit(src, label, "", OpChange(dsl.Op{Op: "insert", ParentPath: parent, Index: index, Node: n})); err != nil {
		d.keepSelection()
		return err
	}
	return nil
}

// Delete removes the selected node; the selection moves to its next
// sibling, else the previous one, else its parent.
func (d *Document) Delete(src Source) error {
	p := d.SelectedPath()
	if p == nil {
		return ErrNoSelection
	}
	if len(p) == 1 {
		return ErrRoot
	}
	parent := d.form.Find(p[len(p)-2])
	i := indexOf(parent, d.selected)
	next := parent.ID
	switch {
	case i+1 < len(parent.Children):
		next = parent.Children[i+1].ID
	case i > 0:
		next = parent.Children[i-1].ID
	}
	if err := d.Edit(src, "删除 Delete "+d.selected, "", OpChange(dsl.Op{Op: "delete", Path: p})); err != nil {
		return err
	}
	d.Select(src, next)
	return nil
}

// Direction is a structure move of the selection.
type Direction int

// Structure moves: up and down among siblings, into the container just
// before (at its end), out of the parent (just after it).
const (
	Up Direction = iota
	Down
	Into
	Out
)

// Move moves the selected node one step in direction dir. A move that
// cannot be made (the first child up) returns an error and changes nothing.
func (d *Document) Move(src Source, dir Direction) error {
	p := d.SelectedPath()
	if p == nil {
		return ErrNoSelection
	}
	if len(p) == 1 {
		return ErrRoot
	}
	parentPath := p[:len(p)-1]
	parent := d.form.Find(parentPath[len(parentPath)-1])
	i := indexOf(parent, d.selected)
	var op dsl.Op
	switch dir {
	case Up:
		if i == 0 {
			return errors.New("already the first")
		}
		op = dsl.Op{Op: "move", Path: p, ParentPath: parentPath, Index: i - 1}
	case Down:
		if i == len(parent.Children)-1 {
			return errors.New("already the last")
		}
		op = dsl.Op{Op: "move", Path: p, ParentPath: parentPath, Index: i + 1}
	case Into:
		if i == 0 || !IsContainer(parent.Children[i-1].Type) {
			return errors.New("no container just before to move into")
		}
		prev := parent.Children[i-1]
		op = dsl.Op{Op: "move", Path: p, ParentPath: append(clonePath(parentPath), prev.ID), Index: len(prev.Children)}
	case Out:
		if len(parentPath) < 2 {
			return errors.New("already at the top")
		}
		gp := parentPath[:len(parentPath)-1]
		gparent := d.form.Find(gp[len(gp)-1])
		op = dsl.Op{Op: "move", Path: p, ParentPath: clonePath(gp), Index: indexOf(gparent, parent.ID) + 1}
	}
	return d.Edit(src, "移动 Move "+d.selected, "", OpChange(op))
}

// MoveTo moves the node with id into the container at parent, before the
// child now at index, as a drop marker shows it: dropping on the marker
// between siblings a and b puts the node between them, even when it comes
// from the same container.
func (d *Document) MoveTo(src Source, id string, parent []string, index int) error {
	p := PathOf(d.form, id)
	if p == nil {
		return fmt.Errorf("no node %q", id)
	}
	if len(p) == 1 {
		return ErrRoot
	}
	if equalPath(p[:len(p)-1], parent) {
		old := indexOf(d.form.Find(parent[len(parent)-1]), id)
		if index > old {
			index--
		}
		if index == old {
			return nil
		}
	}
	d.selected = id
	return d.Edit(src, "移动 Move "+id, "", OpChange(dsl.Op{Op: "move", Path: p, ParentPath: parent, Index: index}))
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Copy puts a copy of the selected subtree on the clipboard.
func (d *Document) Copy() error {
	p := d.SelectedPath()
	if p == nil {
		return ErrNoSelection
	}
	if len(p) == 1 {
		return ErrRoot
	}
	d.clip = cloneNode(d.form.Find(d.selected))
	return nil
}

// Cut copies the selection and deletes it.
func (d *Document) Cut(src Source) error {
	if err := d.Copy(); err != nil {
		return err
	}
	return d.Delete(src)
}

// Clipboard returns the canonical JSON of the clipboard, or nil.
func (d *Document) Clipboard() []byte {
	if d.clip == nil {
		return nil
	}
	return dsl.EncodeNode(d.clip)
}

// Paste inserts a copy of the clipboard where InsertTarget says, with every
// id in it renamed when the form already uses it, and selects it.
func (d *Document) Paste(src Source) error {
	if d.clip == nil {
		return errors.New("the clipboard is empty")
	}
	n := d.freshCopy(d.clip)
	parent, index := d.InsertTarget()
	return d.InsertNode(src, "粘贴 Paste "+n.ID, n, parent, index)
}

// Duplicate inserts a copy of the selected subtree just after it, with
// new ids and new bind keys (see freshCopy), and selects it.
func (d *Document) Duplicate(src Source) error {
	p := d.SelectedPath()
	if p == nil {
		return ErrNoSelection
	}
	if len(p) == 1 {
		return ErrRoot
	}
	orig := d.form.Find(d.selected)
	n := d.freshCopy(orig)
	parent := d.form.Find(p[len(p)-2])
	return d.InsertNode(src, "复制 Duplicate "+orig.ID, n, p[:len(p)-1], indexOf(parent, orig.ID)+1)
}

// freshCopy clones n giving each node an id the form does not use, and
// each input a bind key no node binds yet (FreshBind), so the copy is a
// field of its own rather than a second view of the same value: a key
// named after the old id follows the new id (amount_2 binds amount_2).
// Labels keep the key they show. A cut node pasted back keeps its key, as
// nothing binds it any more.
func (d *Document) freshCopy(n *dsl.Node) *dsl.Node {
	c := cloneNode(n)
	taken, binds := map[string]bool{}, map[string]bool{}
	var rename func(*dsl.Node)
	rename = func(x *dsl.Node) {
		old := x.ID
		x.ID = UniqueID(d.form, x.ID, taken)
		taken[x.ID] = true
		if x.Bind != "" && OwnsBind(x.Type) {
			base := x.Bind
			if base == old {
				base = x.ID
			}
			x.Bind = FreshBind(d.form, base, binds)
			binds[x.Bind] = true
		}
		for _, k := range x.Children {
			rename(k)
		}
	}
	rename(c)
	return c
}

// WrapInGroup puts the selected node into a new group at its place.
func (d *Document) WrapInGroup(src Source) error {
	p := d.SelectedPath()
	if p == nil {
		return ErrNoSelection
	}
	if len(p) == 1 {
		return ErrRoot
	}
	g, _ := NewNode(d.form, "group")
	parentPath := p[:len(p)-1]
	i := indexOf(d.form.Find(parentPath[len(parentPath)-1]), d.selected)
	d.selected = g.ID
	return d.Edit(src, "打包为分组 Wrap in group", "",
		OpChange(dsl.Op{Op: "insert", ParentPath: clonePath(parentPath), Index: i + 1, Node: g}),
		OpChange(dsl.Op{Op: "move", Path: p, ParentPath: append(clonePath(parentPath), g.ID), Index: 0}),
	)
}

// Set changes one settable key of a node (see dsl.Op: "bind",
// "visibleWhen", "props.label.zh"…); nil removes it. Successive sets of the
// same key of the same node join one undo step while they come quickly.
func (d *Document) Set(src Source, id, key string, v any) error {
	p := PathOf(d.form, id)
	if p == nil {
		return fmt.Errorf("no node %q", id)
	}
	if s, ok := v.(string); ok && s == "" && !strings.HasPrefix(key, "props.") {
		v = nil
	}
	return d.Edit(src, "设置 Set "+id+"."+key, "set:"+id+":"+key,
		OpChange(dsl.Op{Op: "update", Path: p, Set: map[string]any{key: v}}))
}

// SetHeader changes the form's header (id, title, code, submit…) as one
// step; successive changes of the same field group like Set's.
func (d *Document) SetHeader(src Source, field string, edit func(h *Header)) error {
	h := HeaderOf(d.form)
	edit(&h)
	return d.Edit(src, "设置 Set "+field, "header:"+field, Change{Header: &h})
}

// Rename gives the node with id a new id, as one step: a copy under the
// new id takes its place and its children, then the old node goes.
func (d *Document) Rename(src Source, id, to string) error {
	p := PathOf(d.form, id)
	switch {
	case p == nil:
		return fmt.Errorf("no node %q", id)
	case len(p) == 1:
		return ErrRoot
	case to == id:
		return nil
	case d.form.Find(to) != nil:
		return fmt.Errorf("id %q is already used", to)
	}
	n := d.form.Find(id)
	parentPath := p[:len(p)-1]
	i := indexOf(d.form.Find(parentPath[len(parentPath)-1]), id)
	c := cloneNode(n)
	c.ID, c.Children = to, nil
	changes := []Change{OpChange(dsl.Op{Op: "insert", ParentPath: clonePath(parentPath), Index: i, Node: c})}
	for k, child := range n.Children {
		changes = append(changes, OpChange(dsl.Op{Op: "move", Path: append(clonePath(p), child.ID),
			ParentPath: append(clonePath(parentPath), to), Index: k}))
	}
	changes = append(changes, OpChange(dsl.Op{Op: "delete", Path: clonePath(p)}))
	sel := d.selected
	if sel == id {
		d.selected = to
	}
	if err := d.Edit(src, "改名 Rename "+id+" → "+to, "", changes...); err != nil {
		d.selected = sel
		return err
	}
	return nil
}

// SetClipboard puts a copy of n on the clipboard, as when a node's JSON is
// pasted from another window.
func (d *Document) SetClipboard(n *dsl.Node) { d.clip = cloneNode(n) }
