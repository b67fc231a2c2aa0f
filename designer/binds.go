package designer

import (
	"slices"
	"strconv"
	"strings"

	"guitai/catalog"
	"guitai/dsl"
)

// OwnsBind reports whether a new node of widget type t gets a bind key of
// its own: the inputs do; containers, buttons and labels (which show a key
// another node holds) and tables (bound to a lookup's rows) do not.
func OwnsBind(t string) bool {
	spec, ok := dsl.Types[t]
	return ok && spec.Value != dsl.ValueNone && spec.Value != dsl.ValueAny && spec.Value != dsl.ValueRows
}

// ReservedBind reports whether name cannot be a new field's bind key: the
// expression language reserves it (a helper such as date or len, a keyword
// such as and), it is a context value the executor supplies to every step
// (catalog.ContextNames: teller, business_date, serial, now…), or it is no
// valid key at all. It asks dsl.Validate, so it follows the language's
// own rule.
func ReservedBind(name string) bool {
	if slices.Contains(catalog.ContextNames, name) {
		return true
	}
	f := &dsl.Form{DSL: dsl.Current, ID: "x", Version: "0.1.0", Title: dsl.Text{Zh: "x", En: "x"},
		Root: &dsl.Node{ID: "root", Type: "form", Children: []*dsl.Node{{ID: "x", Type: "text", Bind: name}}}}
	for _, e := range dsl.Validate(f) {
		if strings.HasSuffix(e.Pointer, "/bind") {
			return true
		}
	}
	return false
}

// FreshBind returns a bind key for a new node called id: id itself when no
// node of f binds it and it is not reserved (ReservedBind), else a
// variant: id_value for a reserved id (a date field binds date_value, as
// date is the language's date helper), then _2, _3… for one taken. Keys in
// taken count as bound.
func FreshBind(f *dsl.Form, id string, taken map[string]bool) string {
	used := map[string]bool{}
	f.Walk(func(_ []string, n *dsl.Node) bool {
		if n.Bind != "" {
			used[n.Bind] = true
		}
		return true
	})
	free := func(b string) bool { return !used[b] && !taken[b] && !ReservedBind(b) }
	if free(id) {
		return id
	}
	base := id
	if i := strings.LastIndexByte(base, '_'); i > 0 {
		if _, err := strconv.Atoi(base[i+1:]); err == nil {
			base = base[:i]
		}
	}
	if ReservedBind(base) {
		base += "_value"
		if free(base) {
			return base
		}
	}
	for i := 2; ; i++ {
		if b := base + "_" + strconv.Itoa(i); free(b) {
			return b
		}
	}
}
