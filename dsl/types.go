package dsl

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// Current is the value of the "dsl" key this package writes, and Version the
// schema version number in it.
const (
	Current = "guitai.form/1"
	Version = 1
)

// Text is a string in the languages the teller window speaks. In JSON it is
// an object {"zh": "...", "en": "..."}; either may be absent.
type Text struct {
	Zh string
	En string
}

// In returns the text in lang ("zh" or "en"), falling back to the other
// language when the asked one is empty.
func (t Text) In(lang string) string {
	if lang == "en" {
		if t.En != "" {
			return t.En
		}
		return t.Zh
	}
	if t.Zh != "" {
		return t.Zh
	}
	return t.En
}

// IsZero reports whether both languages are empty.
func (t Text) IsZero() bool { return t.Zh == "" && t.En == "" }

// Form is one business screen: a tree of nodes rooted at Root, and what
// happens on submit.
type Form struct {
	DSL     string // "guitai.form/1"
	ID      string // stable identifier, e.g. "cash_deposit"
	Version string // the form's own version, "MAJOR.MINOR.PATCH"
	Code    string // fast-path code typed by the teller, e.g. "1401"
	Title   Text
	Root    *Node
	Submit  *Submit

	// Extra holds top-level keys this version does not know, kept verbatim
	// (as generic JSON values) for the round trip.
	Extra map[string]any

	prog *Program // compiled expressions; reset by Apply
}

// Node is one element of the form tree: a container or a widget.
type Node struct {
	ID          string
	Type        string // a type known to the catalogue (see Types)
	Bind        string // state key the field reads and writes; empty for none
	Value       string // expression computing the node's value (labels)
	VisibleWhen string // expression; the node shows only while it holds
	EnabledWhen string // expression; the field is editable only while it holds
	Props       map[string]any
	Rules       []Rule
	Children    []*Node

	// Extra holds node keys this version does not know, kept verbatim.
	Extra map[string]any
}

// Rule is one validation rule of a field. Kind is one of the rule kinds of
// RuleKinds; Arg its argument (true, a number, a string); Message overrides the
// default message.
type Rule struct {
	Kind    string
	Arg     any
	Message Text
}

// Submit says which catalog transaction a form posts and how.
type Submit struct {
	Txn       string     // catalog transaction id; never SQL
	Confirm   bool       // ask the teller to confirm before posting
	Authorize *Authorize // supervisor authorization, when it applies
	Receipt   string     // receipt template id
	Extra     map[string]any
}

// Authorize requires a supervisor of Role when the expression When holds.
type Authorize struct {
	When string
	Role string
}

// Walk calls fn for every node in depth-first pre-order with its id path;
// returning false skips the node's children.
func (f *Form) Walk(fn func(path []string, n *Node) bool) {
	if f.Root != nil {
		walk(nil, f.Root, fn)
	}
}

func walk(parent []string, n *Node, fn func([]string, *Node) bool) {
	path := append(parent[:len(parent):len(parent)], n.ID)
	if !fn(path, n) {
		return
	}
	for _, c := range n.Children {
		walk(path, c, fn)
	}
}

// Find returns the node with the given id, or nil.
func (f *Form) Find(id string) *Node {
	var found *Node
	f.Walk(func(_ []string, n *Node) bool {
		if found != nil {
			return false
		}
		if n.ID == id {
			found = n
			return false
		}
		return true
	})
	return found
}

// Fields returns the bound keys of the form with their value types, in tree
// order of first binding. A key bound by a label (any type) and by an input
// takes the input's type, wherever the two stand.
func (f *Form) Fields() []Field {
	var out []Field
	at := map[string]int{}
	f.Walk(func(_ []string, n *Node) bool {
		if n.Bind == "" {
			return true
		}
		spec, ok := Types[n.Type]
		if !ok || spec.Value == ValueNone {
			return true
		}
		i, seen := at[n.Bind]
		switch {
		case !seen:
			at[n.Bind] = len(out)
			out = append(out, Field{Key: n.Bind, Type: spec.Value, Node: n.ID})
		case out[i].Type == ValueAny && spec.Value != ValueAny:
			out[i].Type, out[i].Node = spec.Value, n.ID
		}
		return true
	})
	return out
}

// Field is a state key bound by the form and its value type.
type Field struct {
	Key  string
	Type ValueType
	Node string // id of the first node binding it
}

// Prop returns the prop's value as the author set it, or the type's default.
func (n *Node) Prop(name string) any {
	if v, ok := n.Props[name]; ok {
		return v
	}
	if spec, ok := Types[n.Type]; ok {
		if p := spec.Prop(name); p != nil {
			return p.Default
		}
	}
	return nil
}

// PropText returns an i18n prop as Text.
func (n *Node) PropText(name string) Text {
	return textOf(n.Prop(name))
}

// PropString returns a text or enum prop.
func (n *Node) PropString(name string) string {
	s, _ := n.Prop(name).(string)
	return s
}

// PropBool returns a bool prop.
func (n *Node) PropBool(name string) bool {
	b, _ := n.Prop(name).(bool)
	return b
}

// PropInt returns a number prop truncated to an int, or def when unset.
func (n *Node) PropInt(name string, def int) int {
	switch v := n.Prop(name).(type) {
	case json.Number:
		if i, err := strconv.ParseFloat(string(v), 64); err == nil {
			return int(i)
		}
	case int:
		return v
	case float64:
		return int(v)
	}
	return def
}

// PropFloat returns a number prop, or def when unset.
func (n *Node) PropFloat(name string, def float64) float64 {
	switch v := n.Prop(name).(type) {
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return f
		}
	case int:
		return float64(v)
	case float64:
		return v
	}
	return def
}

// Option is one choice of a select or radio field.
type Option struct {
	Value string
	Label Text
}

// PropOptions returns an options prop.
func (n *Node) PropOptions(name string) []Option {
	list, _ := n.Prop(name).([]any)
	out := make([]Option, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		v, _ := m["value"].(string)
		out = append(out, Option{Value: v, Label: textOf(m["label"])})
	}
	return out
}

// Column is one column of a table widget.
type Column struct {
	Key   string
	Title Text
	Kind  string // "text" or "money"
}

// PropColumns returns a columns prop.
func (n *Node) PropColumns(name string) []Column {
	list, _ := n.Prop(name).([]any)
	out := make([]Column, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		k, _ := m["key"].(string)
		kind, _ := m["kind"].(string)
		out = append(out, Column{Key: k, Title: textOf(m["title"]), Kind: kind})
	}
	return out
}

func textOf(v any) Text {
	switch v := v.(type) {
	case Text:
		return v
	case map[string]any:
		zh, _ := v["zh"].(string)
		en, _ := v["en"].(string)
		return Text{Zh: zh, En: en}
	case string:
		return Text{Zh: v, En: v}
	}
	return Text{}
}

// validID reports whether s may be a node id, bind key or form id: a letter
// or '_' then letters, digits or '_' (so it is also an expression name).
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		case i > 0 && c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return true
}

// validSemver reports whether s is MAJOR.MINOR.PATCH of plain numbers.
func validSemver(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 9 || (len(p) > 1 && p[0] == '0') {
			return false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}

var (
	boolType      = reflect.TypeOf(true)
	interfaceType = reflect.TypeOf((*any)(nil)).Elem()
)
