package designer

import (
	"fmt"
	"strconv"
	"strings"

	"guitai/catalog"
	"guitai/dsl"
)

// WidgetFor is the widget type a new field for a param of type t gets.
var WidgetFor = map[string]string{
	"string": "text", "account": "account", "idcard": "idcard", "money": "amount",
	"int": "number", "bool": "check", "date": "date", "pii": "text",
	"pin": "password", "secret": "password",
}

// catalogProblems returns the catalog problems of a form, each at its node
// ("" for the submit block and the lookups): the submit's transaction is
// in c and its bindings are fine, and so are its lookups' (see Lookups).
func catalogProblems(c catalog.Catalog, f *dsl.Form) []Problem {
	if c == nil {
		return nil
	}
	var out []Problem
	for _, l := range Lookups(c, f) {
		for _, msg := range l.Problems {
			out = append(out, Problem{Error: &dsl.Error{Code: dsl.CodeBadValue, Pointer: fmt.Sprintf("/lookups/%d/txn", l.Index), Msg: msg}})
		}
	}
	return append(submitProblems(c, f), out...)
}

// submitProblems returns the problems of the submit's transaction and its
// bindings.
func submitProblems(c catalog.Catalog, f *dsl.Form) []Problem {
	if f.Submit == nil || f.Submit.Txn == "" {
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

// ContextUsed lists the context values (catalog.ContextNames: teller,
// branch, business_date…) the transaction's steps read, in that list's
// order. The executor supplies them from the session; no param may shadow
// one, so the form never maps them.
func ContextUsed(t *catalog.Txn) []string {
	used := map[string]bool{}
	var walk func(steps []catalog.Step)
	walk = func(steps []catalog.Step) {
		for _, s := range steps {
			for _, n := range catalog.NamesIn(s.SQL) {
				used[n] = true
			}
			walk(s.Diagnose)
		}
	}
	walk(t.Steps)
	var out []string
	for _, n := range catalog.ContextNames {
		if used[n] {
			out = append(out, n)
		}
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

// LookupInfo is one of the form's lookups (see dsl.Lookup) as the binding
// editor shows it, with the catalog's verdict.
type LookupInfo struct {
	Lookup   dsl.Lookup
	Index    int          // its place in the form's "lookups" array
	Txn      *catalog.Txn // the catalog transaction, nil when the catalog lacks it
	Problems []string     // what catalog.Catalog.CheckForms says of it
}

// Lookups returns the form's well-formed lookups (dsl.Form.Lookups), each
// with its transaction and the problems catalog.Catalog.CheckForms finds in
// it: a transaction not in the catalog or one that posts, a required param
// no field binds, a param read from a field of the wrong type. With a nil
// catalog there are no problems.
func Lookups(c catalog.Catalog, f *dsl.Form) []LookupInfo {
	ls := f.Lookups()
	if len(ls) == 0 {
		return nil
	}
	// Form.Lookups leaves out entries without a txn: find each one's place.
	arr, _ := f.Extra[dsl.LookupsKey].([]any)
	var at []int
	for i, e := range arr {
		if o, ok := e.(map[string]any); ok {
			if txn, _ := o["txn"].(string); txn != "" {
				at = append(at, i)
			}
		}
	}
	out := make([]LookupInfo, len(ls))
	for i, l := range ls {
		out[i] = LookupInfo{Lookup: l, Index: i}
		if i < len(at) {
			out[i].Index = at[i]
		}
		if c != nil {
			out[i].Txn = c[l.Txn]
		}
	}
	if c == nil {
		return out
	}
	// The catalog's own check, on the form without its submit: only the
	// lookups' problems come back, each "form ID: lookup N: message".
	err := c.CheckForms([]*dsl.Form{{ID: f.ID, Root: f.Root, Extra: f.Extra}})
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	for _, e := range errs {
		msg := strings.TrimPrefix(e.Error(), "form "+f.ID+": ")
		rest, ok := strings.CutPrefix(msg, "lookup ")
		num, text, ok2 := strings.Cut(rest, ": ")
		i, err := strconv.Atoi(num)
		if !ok || !ok2 || err != nil || i < 0 || i >= len(out) {
			// Not a lookup's: pin it on the first, so it is not lost.
			out[0].Problems = append(out[0].Problems, msg)
			continue
		}
		out[i].Problems = append(out[i].Problems, fmt.Sprintf("lookup %d (%s): %s", out[i].Index, out[i].Lookup.Txn, text))
	}
	return out
}
