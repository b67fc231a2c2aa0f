package widgets

import (
	"fmt"
	"sort"

	"fyne.io/fyne/v2"

	"guitai/dsl"
)

// Field is a live input bound to a state key: the renderer reads it on
// submit, writes it when state changes, and shows rule errors on it.
type Field interface {
	// Value is the field's value in its state type (string, money.Fen,
	// int64, bool), or nil when nothing is entered.
	Value() any
	// SetValue shows v (of the field's state type, or nil to clear) without
	// reporting it back as a change.
	SetValue(v any)
	// SetError shows msg under the field; "" clears it.
	SetError(msg string)
	// SetEnabled allows or stops input.
	SetEnabled(on bool)
	// Focusable is what takes the keyboard focus.
	Focusable() fyne.Focusable
	// Watch installs the renderer's hooks: changed after the teller edits
	// the value, submitted on Enter, left when the field loses focus.
	Watch(changed, submitted, left func())
}

// Element is what a constructor builds for one node.
type Element struct {
	Object fyne.CanvasObject // placed in the parent container
	Field  Field             // the input, for nodes that bind a value
	Text   func(string)      // sets the shown text, for computed labels
}

// Constructor builds the element of node n. Containers get their children's
// objects, already built, in order.
type Constructor func(c *Context, n *dsl.Node, children []fyne.CanvasObject) Element

// Spec is a widget type: the dsl's description of it (props, value type,
// palette group) and how to build it.
type Spec struct {
	*dsl.TypeSpec
	New Constructor
}

var registry = map[string]*Spec{}

// Register adds the constructor of a widget type the dsl catalogue knows.
// It panics on an unknown type or a second registration: both are bugs.
func Register(name string, New Constructor) {
	t, ok := dsl.Types[name]
	if !ok {
		panic(fmt.Sprintf("widgets.Register(%q): not a type of dsl.Types", name))
	}
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("widgets.Register(%q): registered twice", name))
	}
	registry[name] = &Spec{TypeSpec: t, New: New}
}

// Lookup returns the spec of a widget type.
func Lookup(name string) (*Spec, bool) {
	s, ok := registry[name]
	return s, ok
}

// Specs returns every registered type, by palette group then name, for the
// designer's palette.
func Specs() []*Spec {
	order := map[string]int{"container": 0, "field": 1, "banking": 2, "display": 3}
	out := make([]*Spec, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if order[a.Group] != order[b.Group] {
			return order[a.Group] < order[b.Group]
		}
		return a.Name < b.Name
	})
	return out
}
