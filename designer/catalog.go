package designer

import (
	"fmt"
	"io/fs"

	"guitai/dsl"
	"guitai/state/catalog"
)

// Txn is a catalog transaction (assets/txns/<id>.txn.json), as the ledger
// reads it: the designer uses its id, title and typed params.
type Txn = catalog.Txn

// Param is a typed input of a transaction.
type Param = catalog.Param

// Catalog is the transactions by id.
type Catalog = catalog.Catalog

// Binding is one param of the form's transaction and the field that feeds
// it (see catalog.Catalog.Bindings).
type Binding = catalog.Binding

// ParamTypes is the field value type each param type takes, as the ledger
// checks it.
var ParamTypes = catalog.ParamTypes

// WidgetFor is the widget type a new field for a param of type t gets.
var WidgetFor = map[string]string{
	"string": "text", "account": "account", "idcard": "idcard", "money": "amount",
	"int": "number", "bool": "check", "date": "date",
}

// LoadCatalog reads and checks every *.txn.json at the root of fsys, as the
// ledger does except that step error codes, which only the ledger knows,
// are not checked.
func LoadCatalog(fsys fs.FS) (Catalog, error) { return catalog.LoadCatalog(fsys) }

// catalogProblems returns the catalog problems of a form, each at its node
// ("" for the submit block): the submit's transaction is in c and its
// bindings are fine.
func catalogProblems(c Catalog, f *dsl.Form) []Problem {
	if c == nil || f.Submit == nil || f.Submit.Txn == "" {
		return nil
	}
	if c[f.Submit.Txn] == nil {
		return []Problem{{Error: &dsl.Error{Code: dsl.CodeBadValue, Pointer: "/submit/txn",
			Msg: fmt.Sprintf("transaction %q is not in the catalog", f.Submit.Txn)}}}
	}
	_, rows, extra := c.Bindings(f)
	var out []Problem
	for _, b := range append(rows, extra...) {
		if b.Problem == "" {
			continue
		}
		ptr := "/submit/txn"
		if b.Node != "" {
			ptr = pointerOf(f, b.Node) + "/bind"
		}
		out = append(out, Problem{Error: &dsl.Error{Code: dsl.CodeBadValue, Pointer: ptr, Msg: b.Problem}, Node: b.Node})
	}
	return out
}

// pointerOf is the JSON pointer of the node with id.
func pointerOf(f *dsl.Form, id string) string {
	var out string
	var walk func(n *dsl.Node, ptr string) bool
	walk = func(n *dsl.Node, ptr string) bool {
		if n.ID == id {
			out = ptr
			return true
		}
		for i, c := range n.Children {
			if walk(c, fmt.Sprintf("%s/children/%d", ptr, i)) {
				return true
			}
		}
		return false
	}
	if f.Root != nil {
		walk(f.Root, "/root")
	}
	return out
}
