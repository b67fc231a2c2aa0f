package designer

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"guitai/dsl"
)

// Txn is what the designer needs of a catalog transaction
// (assets/txns/<id>.txn.json): its id, title and typed params. The ledger
// reads the same files; the designer does not link the ledger.
type Txn struct {
	ID     string            `json:"id"`
	Code   string            `json:"code"`
	Title  map[string]string `json:"title"`
	Params []Param           `json:"params"`
}

// Param is a typed input of a transaction.
type Param struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // string, money, int, bool, date, account, idcard
	Required bool   `json:"required"`
}

// Catalog is the transactions by id.
type Catalog map[string]*Txn

// ParamTypes is the field value type each param type takes, as the ledger
// checks it.
var ParamTypes = map[string]dsl.ValueType{
	"string": dsl.ValueString, "account": dsl.ValueString, "idcard": dsl.ValueString,
	"money": dsl.ValueMoney, "int": dsl.ValueInt, "bool": dsl.ValueBool, "date": dsl.ValueDate,
}

// WidgetFor is the widget type a new field for a param of type t gets.
var WidgetFor = map[string]string{
	"string": "text", "account": "account", "idcard": "idcard", "money": "amount",
	"int": "number", "bool": "check", "date": "date",
}

// LoadCatalog reads every *.txn.json at the root of fsys.
func LoadCatalog(fsys fs.FS) (Catalog, error) {
	names, err := fs.Glob(fsys, "*.txn.json")
	if err != nil {
		return nil, err
	}
	c := Catalog{}
	for _, n := range names {
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var t Txn
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		c[t.ID] = &t
	}
	return c, nil
}

// IDs returns the transaction ids, sorted.
func (c Catalog) IDs() []string {
	out := make([]string, 0, len(c))
	for id := range c {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Binding is one param of the form's transaction and the field that feeds
// it: the ledger posts each field under its bind key, so a param is fed by
// the field bound to its name.
type Binding struct {
	Param   Param
	Node    string        // id of the input bound to the param's name, "" when unmapped
	Type    dsl.ValueType // that field's value type
	Problem string        // "" when fine
}

// Bindings lists the params of the form's transaction with their fields,
// and the posted fields that are no param of it. It returns a nil Txn when
// the form submits none or the catalog lacks it.
func (c Catalog) Bindings(f *dsl.Form) (*Txn, []Binding, []Binding) {
	if f.Submit == nil || c[f.Submit.Txn] == nil {
		return nil, nil, nil
	}
	t := c[f.Submit.Txn]
	posted := map[string]dsl.Field{}
	for _, fl := range f.Fields() {
		if !displayOnly(f, fl.Key) {
			posted[fl.Key] = fl
		}
	}
	var rows []Binding
	params := map[string]bool{}
	for _, p := range t.Params {
		params[p.Name] = true
		b := Binding{Param: p}
		fl, ok := posted[p.Name]
		switch {
		case !ok && p.Required:
			b.Problem = fmt.Sprintf("required param %s (%s) of %s is not bound by any field", p.Name, p.Type, t.ID)
		case !ok:
		default:
			b.Node, b.Type = fl.Node, fl.Type
			if want, known := ParamTypes[p.Type]; known && want != fl.Type {
				b.Problem = fmt.Sprintf("field %s is %s, param %s of %s is %s", fl.Node, fl.Type, p.Name, t.ID, p.Type)
			}
		}
		rows = append(rows, b)
	}
	var extra []Binding
	for _, fl := range f.Fields() {
		if _, ok := posted[fl.Key]; ok && !params[fl.Key] {
			extra = append(extra, Binding{Param: Param{Name: fl.Key}, Node: fl.Node, Type: fl.Type,
				Problem: fmt.Sprintf("field %s posts %s, which is no param of %s", fl.Node, fl.Key, t.ID)})
		}
	}
	return t, rows, extra
}

// Check returns the catalog problems of a form, each at its node ("" for
// the submit block).
func (c Catalog) Check(f *dsl.Form) []Problem {
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

// displayOnly reports whether every node binding key only shows it
// (labels, tables, read-only fields): such keys are never posted.
func displayOnly(f *dsl.Form, key string) bool {
	only := true
	f.Walk(func(_ []string, n *dsl.Node) bool {
		if n.Bind == key && n.Type != "label" && n.Type != "table" && !n.PropBool("readOnly") {
			only = false
		}
		return true
	})
	return only
}

// locateIn finds where a pointer's value stands in raw JSON text, roughly:
// the bind of the node for a node pointer, the "txn" key for the submit
// block. It returns 1:1 when it cannot tell.
func locateIn(raw []byte, f *dsl.Form, p Problem) (line, col int) {
	needle := `"txn"`
	if p.Node != "" {
		if n := f.Find(p.Node); n != nil {
			needle = fmt.Sprintf(`"id": %q`, n.ID)
		}
	}
	i := strings.Index(string(raw), needle)
	if i < 0 {
		return 1, 1
	}
	line = strings.Count(string(raw[:i]), "\n") + 1
	col = i - strings.LastIndex(string(raw[:i]), "\n")
	return line, col
}
