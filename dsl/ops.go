package dsl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Op is one change to a form document: the only way the designer edits a
// form, and the unit of its undo log. In JSON:
//
//	{"op":"insert","parentPath":["root","acct"],"index":2,"node":{...}}
//	{"op":"update","path":["root","amount"],"set":{"props.label.zh":"金额","bind":"amt"}}
//	{"op":"delete","path":["root","memo"]}
//	{"op":"move","path":["root","memo"],"parentPath":["root","acct"],"index":0}
//
// In "set", a key is a node field (bind, value, visibleWhen, enabledWhen,
// rules) or "props." followed by a dotted path into the props; the value
// null removes the key.
type Op struct {
	Op         string         `json:"op"`
	Path       []string       `json:"path,omitempty"`
	ParentPath []string       `json:"parentPath,omitempty"`
	Index      int            `json:"index,omitempty"`
	Node       *Node          `json:"-"`
	Set        map[string]any `json:"set,omitempty"`
}

// opJSON is Op's wire form, with the node as raw JSON.
type opJSON struct {
	Op         string          `json:"op"`
	Path       []string        `json:"path,omitempty"`
	ParentPath []string        `json:"parentPath,omitempty"`
	Index      int             `json:"index"`
	Node       json.RawMessage `json:"node,omitempty"`
	Set        map[string]any  `json:"set,omitempty"`
}

// MarshalJSON writes the op with its node in canonical form.
func (o Op) MarshalJSON() ([]byte, error) {
	w := opJSON{Op: o.Op, Path: o.Path, ParentPath: o.ParentPath, Index: o.Index, Set: o.Set}
	if o.Node != nil {
		w.Node = EncodeNode(o.Node)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // expressions hold < > &
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// UnmarshalJSON reads an op; its node is decoded strictly.
func (o *Op) UnmarshalJSON(b []byte) error {
	var w opJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*o = Op{Op: w.Op, Path: w.Path, ParentPath: w.ParentPath, Index: w.Index, Set: w.Set}
	if len(w.Node) > 0 {
		n, err := DecodeNode(w.Node)
		if err != nil {
			return err
		}
		o.Node = n
	}
	return nil
}

// DecodeNode reads a single node (with its subtree), checking its JSON shape.
func DecodeNode(data []byte) (*Node, error) {
	root, err := parseJSON(data)
	if err != nil {
		se := err.(*syntaxError)
		line, col := lineCol(data, se.off)
		return nil, ErrorList{{Code: CodeSyntax, Pointer: se.ptr, Line: line, Column: col, Msg: se.msg, offset: se.off}}
	}
	d := &decoder{}
	n := d.node(root)
	if len(d.errs) > 0 {
		locate(d.errs, data, root)
		return nil, d.errs
	}
	return n, nil
}

// opError is a failed op: a located *Error with no line.
func opError(code Code, path []string, format string, args ...any) error {
	return &Error{Code: code, Pointer: pointer(path...), Msg: fmt.Sprintf(format, args...), offset: -1}
}

// Apply performs op on f and returns its exact inverse: applying the inverse
// restores f to the same canonical bytes. On error f is unchanged. Apply
// checks structure (paths, indexes, ids, cycles); whether the result is a
// valid form is Validate's question, since a designer passes through invalid
// states on the way to a valid one.
func Apply(f *Form, op Op) (Op, error) {
	var inv Op
	var err error
	switch op.Op {
	case "insert":
		inv, err = applyInsert(f, op)
	case "delete":
		inv, err = applyDelete(f, op)
	case "move":
		inv, err = applyMove(f, op)
	case "update":
		inv, err = applyUpdate(f, op)
	default:
		return Op{}, opError(CodeBadOp, nil, "unknown op %q: insert, update, delete or move", op.Op)
	}
	if err == nil {
		f.prog = nil
	}
	return inv, err
}

// lookup finds the node at an id path and its parent.
func lookup(f *Form, path []string) (node, parent *Node, index int, err error) {
	if len(path) == 0 || f.Root == nil || path[0] != f.Root.ID {
		return nil, nil, 0, opError(CodeNotFound, path, "no node at path %q", path)
	}
	node, index = f.Root, -1
	for _, id := range path[1:] {
		parent, node, index = node, nil, -1
		for i, c := range parent.Children {
			if c.ID == id {
				node, index = c, i
				break
			}
		}
		if node == nil {
			return nil, nil, 0, opError(CodeNotFound, path, "no node %q under %q", id, parent.ID)
		}
	}
	return node, parent, index, nil
}

func container(f *Form, path []string) (*Node, error) {
	n, _, _, err := lookup(f, path)
	if err != nil {
		return nil, err
	}
	if spec, ok := Types[n.Type]; ok && !spec.Container {
		return nil, opError(CodeNotContainer, path, "a %q cannot hold children", n.Type)
	}
	return n, nil
}

// eachNode calls fn for n and every node below it.
func eachNode(n *Node, fn func(*Node)) {
	fn(n)
	for _, c := range n.Children {
		eachNode(c, fn)
	}
}

func insertAt(list []*Node, i int, n *Node) []*Node {
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = n
	return list
}

func removeAt(list []*Node, i int) []*Node {
	return append(list[:i:i], list[i+1:]...)
}

func applyInsert(f *Form, op Op) (Op, error) {
	if op.Node == nil {
		return Op{}, opError(CodeBadOp, op.ParentPath, "insert needs a node")
	}
	parent, err := container(f, op.ParentPath)
	if err != nil {
		return Op{}, err
	}
	if op.Index < 0 || op.Index > len(parent.Children) {
		return Op{}, opError(CodeBadOp, op.ParentPath, "index %d out of range 0..%d", op.Index, len(parent.Children))
	}
	// The new ids are few and the form's many: collect the new ones, then
	// look each form node up in that small set without allocating.
	fresh := map[string]bool{}
	dup, bad := "", false
	eachNode(op.Node, func(n *Node) {
		if !bad && (n.ID == "" || fresh[n.ID]) {
			dup, bad = n.ID, true
		}
		fresh[n.ID] = true
	})
	if !bad {
		eachNode(f.Root, func(n *Node) {
			if !bad && fresh[n.ID] {
				dup, bad = n.ID, true
			}
		})
	}
	if bad {
		return Op{}, opError(CodeDuplicateID, op.ParentPath, "cannot insert: id %q is empty or already used", dup)
	}
	node := cloneNode(op.Node)
	parent.Children = insertAt(parent.Children, op.Index, node)
	return Op{Op: "delete", Path: append(clonePath(op.ParentPath), node.ID)}, nil
}

func applyDelete(f *Form, op Op) (Op, error) {
	node, parent, index, err := lookup(f, op.Path)
	if err != nil {
		return Op{}, err
	}
	if parent == nil {
		return Op{}, opError(CodeBadOp, op.Path, "the root cannot be deleted")
	}
	parent.Children = removeAt(parent.Children, index)
	return Op{Op: "insert", ParentPath: clonePath(op.Path[:len(op.Path)-1]), Index: index, Node: node}, nil
}

func applyMove(f *Form, op Op) (Op, error) {
	node, parent, index, err := lookup(f, op.Path)
	if err != nil {
		return Op{}, err
	}
	if parent == nil {
		return Op{}, opError(CodeBadOp, op.Path, "the root cannot be moved")
	}
	if len(op.ParentPath) >= len(op.Path) && slices.Equal(op.ParentPath[:len(op.Path)], op.Path) {
		return Op{}, opError(CodeBadOp, op.Path, "cannot move a node into its own subtree")
	}
	target, err := container(f, op.ParentPath)
	if err != nil {
		return Op{}, err
	}
	n := len(target.Children)
	if target == parent {
		n-- // the node leaves the list before it is put back
	}
	if op.Index < 0 || op.Index > n {
		return Op{}, opError(CodeBadOp, op.ParentPath, "index %d out of range 0..%d", op.Index, n)
	}
	parent.Children = removeAt(parent.Children, index)
	target.Children = insertAt(target.Children, op.Index, node)
	return Op{Op: "move", Path: append(clonePath(op.ParentPath), node.ID),
		ParentPath: clonePath(op.Path[:len(op.Path)-1]), Index: index}, nil
}

// updatable are the node fields "set" may change besides props.
var updatable = map[string]bool{"bind": true, "value": true, "visibleWhen": true, "enabledWhen": true, "rules": true}

func applyUpdate(f *Form, op Op) (Op, error) {
	node, _, _, err := lookup(f, op.Path)
	if err != nil {
		return Op{}, err
	}
	if len(op.Set) == 0 {
		return Op{}, opError(CodeBadOp, op.Path, "update sets nothing")
	}
	keys := make([]string, 0, len(op.Set))
	for k := range op.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Check everything first so that a bad key leaves the node unchanged.
	for _, k := range keys {
		for _, other := range keys {
			if strings.HasPrefix(other, k+".") {
				return Op{}, opError(CodeBadOp, op.Path, "set keys %q and %q overlap", k, other)
			}
		}
		if prop, ok := strings.CutPrefix(k, "props."); ok {
			if prop == "" || strings.Contains(prop, "..") || strings.HasSuffix(prop, ".") {
				return Op{}, opError(CodeBadOp, op.Path, "bad prop path %q", k)
			}
			if err := checkPropPath(node.Props, strings.Split(prop, ".")); err != nil {
				return Op{}, opError(CodeBadOp, op.Path, "%s: %v", k, err)
			}
			continue
		}
		if !updatable[k] {
			return Op{}, opError(CodeBadOp, op.Path, "cannot set %q: settable are bind, value, visibleWhen, enabledWhen, rules and props.*", k)
		}
		if k == "rules" {
			if _, err := rulesOf(op.Set[k]); err != nil {
				return Op{}, opError(CodeBadOp, op.Path, "rules: %v", err)
			}
		} else if _, ok := op.Set[k].(string); !ok && op.Set[k] != nil {
			return Op{}, opError(CodeType, op.Path, "%s wants a string or null", k)
		}
	}
	inv := Op{Op: "update", Path: clonePath(op.Path), Set: map[string]any{}}
	for _, k := range keys {
		v := op.Set[k]
		if prop, ok := strings.CutPrefix(k, "props."); ok {
			oldKey, old := setProp(node, strings.Split(prop, "."), CloneValue(v))
			inv.Set["props."+oldKey] = old
			continue
		}
		switch k {
		case "rules":
			inv.Set[k] = rulesValue(node.Rules)
			node.Rules, _ = rulesOf(v)
		default:
			s, _ := v.(string)
			field := map[string]*string{"bind": &node.Bind, "value": &node.Value, "visibleWhen": &node.VisibleWhen, "enabledWhen": &node.EnabledWhen}[k]
			if *field == "" {
				inv.Set[k] = nil
			} else {
				inv.Set[k] = *field
			}
			*field = s
		}
	}
	// A set that created an object is undone by removing that object, which
	// also undoes any later set beneath it in the same op.
	for k := range inv.Set {
		for parent := k; strings.Contains(parent, "."); {
			parent = parent[:strings.LastIndex(parent, ".")]
			if pv, ok := inv.Set[parent]; ok && pv == nil {
				delete(inv.Set, k)
				break
			}
		}
	}
	return inv, nil
}

// checkPropPath fails when a path goes through a value that is not an object.
func checkPropPath(m map[string]any, path []string) error {
	for _, p := range path[:len(path)-1] {
		next, exists := m[p]
		if !exists || next == nil {
			return nil
		}
		nm, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%q is not an object", p)
		}
		m = nm
	}
	return nil
}

// setProp sets (or with nil removes) the value at path in the node's props
// and returns the key and value that undo it: the old value at path, or,
// when the set created objects on the way, nil at the first one created.
func setProp(n *Node, path []string, v any) (string, any) {
	if n.Props == nil {
		n.Props = map[string]any{}
	}
	m := n.Props
	for i, p := range path[:len(path)-1] {
		next, exists := m[p]
		if !exists || next == nil {
			if v == nil {
				return strings.Join(path, "."), nil // nothing to remove
			}
			created := map[string]any{}
			m[p] = created
			setPath(created, path[i+1:], v)
			return strings.Join(path[:i+1], "."), nil
		}
		m = next.(map[string]any)
	}
	last := path[len(path)-1]
	old, had := m[last]
	if v == nil {
		delete(m, last)
	} else {
		m[last] = v
	}
	if !had {
		old = nil
	}
	if len(n.Props) == 0 {
		n.Props = nil
	}
	return strings.Join(path, "."), old
}

func setPath(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next := map[string]any{}
		m[p] = next
		m = next
	}
	m[path[len(path)-1]] = v
}

// rulesOf turns the JSON form of rules back into Rules.
func rulesOf(v any) ([]Rule, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want an array of rules")
	}
	out := make([]Rule, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("rule %d is not an object", i)
		}
		var r Rule
		for k, a := range m {
			if k == "message" {
				if msg := checkText(a); msg != "" {
					return nil, fmt.Errorf("rule %d message: %s", i, msg)
				}
				r.Message = textOf(a)
				continue
			}
			if r.Kind != "" {
				return nil, fmt.Errorf("rule %d has two kinds", i)
			}
			r.Kind, r.Arg = k, CloneValue(a)
		}
		if r.Kind == "" {
			return nil, fmt.Errorf("rule %d has no kind", i)
		}
		out = append(out, r)
	}
	return out, nil
}

// rulesValue is the JSON form of rules, for an inverse op: nil stays nil.
func rulesValue(rules []Rule) any {
	if rules == nil {
		return nil
	}
	return RulesJSON(rules)
}

// RulesJSON returns rules in their JSON form, a list of objects such as
// {"required": true} or {"expr": "...", "message": {...}}: what an update
// op's "rules" key takes, and what the designer's source pane shows.
func RulesJSON(rules []Rule) []any {
	out := make([]any, len(rules))
	for i, r := range rules {
		m := map[string]any{r.Kind: CloneValue(r.Arg)}
		if !r.Message.IsZero() {
			t := map[string]any{}
			if r.Message.Zh != "" {
				t["zh"] = r.Message.Zh
			}
			if r.Message.En != "" {
				t["en"] = r.Message.En
			}
			m["message"] = t
		}
		out[i] = m
	}
	return out
}

func clonePath(p []string) []string { return append([]string(nil), p...) }

// CloneValue deep-copies a generic JSON value (maps, lists and scalars as
// props hold them).
func CloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = CloneValue(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = CloneValue(e)
		}
		return a
	}
	return v
}

// cloneNode deep-copies a node and its subtree.
func cloneNode(n *Node) *Node {
	c := *n
	if n.Props != nil {
		c.Props = CloneValue(n.Props).(map[string]any)
	}
	if n.Extra != nil {
		c.Extra = CloneValue(n.Extra).(map[string]any)
	}
	if n.Rules != nil {
		c.Rules = make([]Rule, len(n.Rules))
		for i, r := range n.Rules {
			c.Rules[i] = Rule{Kind: r.Kind, Arg: CloneValue(r.Arg), Message: r.Message}
		}
	}
	if n.Children != nil {
		c.Children = make([]*Node, len(n.Children))
		for i, ch := range n.Children {
			c.Children[i] = cloneNode(ch)
		}
	}
	return &c
}

// Clone deep-copies a form.
func (f *Form) Clone() *Form {
	c := *f
	c.prog = nil
	if f.Root != nil {
		c.Root = cloneNode(f.Root)
	}
	if f.Submit != nil {
		s := *f.Submit
		if s.Authorize != nil {
			a := *s.Authorize
			s.Authorize = &a
		}
		if s.Extra != nil {
			s.Extra = CloneValue(s.Extra).(map[string]any)
		}
		c.Submit = &s
	}
	if f.Extra != nil {
		c.Extra = CloneValue(f.Extra).(map[string]any)
	}
	return &c
}
