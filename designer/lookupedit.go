package designer

import (
	"errors"
	"fmt"
	"sort"

	"guitai/catalog"
	"guitai/dsl"
)

// ReadOnlyTxns returns the ids of the catalog's transactions a lookup may
// run: those that do not post to the journal, in catalog order.
func ReadOnlyTxns(c catalog.Catalog) []string {
	var out []string
	for _, id := range c.IDs() {
		if t := c[id]; t != nil && !t.Journal {
			out = append(out, id)
		}
	}
	return out
}

// EditLookups changes the form's top-level "lookups" (see dsl.Lookup) as
// one undo step through the header, the edit path of everything outside
// the node tree. edit gets a deep copy of the array (nil when there is
// none) and returns the new one; an empty result removes the key. A
// "lookups" that is not an array is left to the JSON source.
func (d *Document) EditLookups(src Source, label string, edit func(ls []any) ([]any, error)) error {
	h := HeaderOf(d.form)
	raw, present := h.Extra[dsl.LookupsKey]
	arr, ok := raw.([]any)
	if present && !ok {
		return fmt.Errorf("lookups is not an array: edit it in the JSON source")
	}
	arr, err := edit(arr)
	if err != nil {
		return err
	}
	if len(arr) == 0 {
		if !present {
			return nil
		}
		delete(h.Extra, dsl.LookupsKey)
	} else {
		if h.Extra == nil {
			h.Extra = map[string]any{}
		}
		h.Extra[dsl.LookupsKey] = arr
	}
	return d.Edit(src, label, "", Change{Header: &h})
}

// lookupAt returns the object of lookup i of ls.
func lookupAt(ls []any, i int) (map[string]any, error) {
	if i < 0 || i >= len(ls) {
		return nil, fmt.Errorf("no lookup %d", i)
	}
	o, ok := ls[i].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("lookup %d is not an object: edit it in the JSON source", i)
	}
	return o, nil
}

// AddLookup appends a lookup {"txn": txn}, run when the form opens until
// keys are chosen for its "on".
func (d *Document) AddLookup(src Source, txn string) error {
	if txn == "" {
		return fmt.Errorf("a lookup needs a transaction")
	}
	return d.EditLookups(src, "添加查询 Add lookup "+txn, func(ls []any) ([]any, error) {
		return append(ls, map[string]any{"txn": txn}), nil
	})
}

// RemoveLookup removes lookup i (its place in the "lookups" array).
func (d *Document) RemoveLookup(src Source, i int) error {
	return d.EditLookups(src, fmt.Sprintf("删除查询 Remove lookup %d", i), func(ls []any) ([]any, error) {
		if _, err := lookupAt(ls, i); err != nil {
			return nil, err
		}
		return append(ls[:i:i], ls[i+1:]...), nil
	})
}

// SetLookupOn sets the bound keys whose change runs lookup i; none
// removes "on" (the lookup runs when the form opens).
func (d *Document) SetLookupOn(src Source, i int, keys []string) error {
	return d.EditLookups(src, fmt.Sprintf("设置查询 Set lookup %d on", i), func(ls []any) ([]any, error) {
		o, err := lookupAt(ls, i)
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 {
			delete(o, "on")
			return ls, nil
		}
		on := make([]any, len(keys))
		for j, k := range keys {
			on[j] = k
		}
		o["on"] = on
		return ls, nil
	})
}

// SetLookupParam makes lookup i read its transaction param from the form
// key; key "" or the param's own name drops the renaming (and an empty
// "params" with it).
func (d *Document) SetLookupParam(src Source, i int, param, key string) error {
	return d.EditLookups(src, fmt.Sprintf("设置查询 Set lookup %d param %s", i, param), func(ls []any) ([]any, error) {
		o, err := lookupAt(ls, i)
		if err != nil {
			return nil, err
		}
		m, _ := o["params"].(map[string]any)
		if _, present := o["params"]; present && m == nil {
			return nil, fmt.Errorf("lookup %d: params is not an object: edit it in the JSON source", i)
		}
		if key == "" || key == param {
			delete(m, param)
		} else {
			if m == nil {
				m = map[string]any{}
			}
			m[param] = key
		}
		if len(m) == 0 {
			delete(o, "params")
		} else {
			o["params"] = m
		}
		return ls, nil
	})
}

// Returned is a value or a set of rows a transaction returns: what a
// lookup's "fill" maps to form keys.
type Returned struct {
	Name string
	Type string        // the catalog type of a value ("string", "money"…), "rows" for rows
	Kind dsl.ValueType // the field value type it fits, ValueNone when unknown
}

// LookupReturns lists what t returns to the form: the "returning" values of
// its steps (each step's in name order) and the rows kept under "into", in
// step order, as the ledger puts them in its result. Diagnose steps run
// only when a guard fails, so they return nothing to the form.
func LookupReturns(t *catalog.Txn) []Returned {
	if t == nil {
		return nil
	}
	var out []Returned
	seen := map[string]bool{}
	for _, st := range t.Steps {
		names := make([]string, 0, len(st.Returning))
		for n := range st.Returning {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				typ := st.Returning[n]
				out = append(out, Returned{Name: n, Type: typ, Kind: catalog.ParamTypes[typ]})
			}
		}
		if st.Into != "" && !seen[st.Into] {
			seen[st.Into] = true
			out = append(out, Returned{Name: st.Into, Type: "rows", Kind: dsl.ValueRows})
		}
	}
	return out
}

// errNoChange ends an edit that would leave the form as it is.
var errNoChange = errors.New("no change")

// SetLookupFill makes lookup i write the value or rows name its
// transaction returns to the form key key; key "" stops writing it.
//
// Without "fill" a lookup writes every returned name to the key of the
// same name when the form binds one: the default. With "fill" it writes
// exactly the names listed. So when "fill" is absent (or {}, which
// dsl.Form.Lookups reads as absent) it is first made
// from the default — name → name for each name the transaction (in
// d.Catalog) returns and the form binds — and then changed, so that the
// other names keep being written; the transaction must then be in the
// catalog, else the edit is refused.
//
// After the change "fill" is dropped when it is equivalent to the default
// for the form as it stands: every entry maps a name the transaction
// returns to itself, and every returned name the form binds has its
// entry. An entry for a name the transaction does not return, a name
// mapped to another key, or a bound returned name left out (not written)
// keeps "fill". When the catalog lacks the transaction "fill" is never
// dropped.
//
// An empty "fill" cannot say "write nothing": dsl.Form.Lookups reads {}
// as no fill at all, the default. So not writing the last name still
// written is refused (remove the lookup instead), unless the default
// writes nothing either (the form binds none of the returned names), when
// "fill" is dropped. A "fill" that is not an object is left to the JSON
// source: refused, with no change. An edit that changes nothing adds no
// undo step.
func (d *Document) SetLookupFill(src Source, i int, name, key string) error {
	err := d.EditLookups(src, fmt.Sprintf("设置查询 Set lookup %d fill %s", i, name), func(ls []any) ([]any, error) {
		o, err := lookupAt(ls, i)
		if err != nil {
			return nil, err
		}
		raw, present := o["fill"]
		m, ok := raw.(map[string]any)
		if present && !ok {
			return nil, fmt.Errorf("lookup %d: fill is not an object: edit it in the JSON source", i)
		}
		txnID, _ := o["txn"].(string)
		var t *catalog.Txn
		if d.Catalog != nil {
			t = d.Catalog[txnID]
		}
		bound := map[string]bool{}
		for _, f := range d.form.Fields() {
			bound[f.Key] = true
		}
		returns := LookupReturns(t)
		// No fill, or {} which dsl.Form.Lookups reads as none: the default.
		implicit := len(m) == 0
		if implicit {
			if key == name && !present {
				return nil, errNoChange // the default writes it there already
			}
			if t == nil {
				return nil, fmt.Errorf("lookup %d: transaction %q is not in the catalog, so what it returns is unknown: edit fill in the JSON source", i, txnID)
			}
			m = map[string]any{}
			for _, r := range returns {
				if bound[r.Name] {
					m[r.Name] = r.Name
				}
			}
		}
		if old, had := m[name]; !implicit && (key == "" && !had || had && old == key) {
			return nil, errNoChange
		}
		if key == "" {
			delete(m, name)
		} else {
			m[name] = key
		}
		switch {
		case t != nil && isDefaultFill(m, returns, bound):
			if !present {
				return nil, errNoChange
			}
			delete(o, "fill")
		case len(m) == 0:
			return nil, fmt.Errorf("lookup %d: %s is the last value it writes; an empty fill means every value to its own key: remove the lookup instead", i, name)
		default:
			o["fill"] = m
		}
		return ls, nil
	})
	if errors.Is(err, errNoChange) {
		return nil
	}
	return err
}

// isDefaultFill says whether fill writes what no fill would: every entry
// maps a returned name to itself and every returned name bound has one.
func isDefaultFill(fill map[string]any, returns []Returned, bound map[string]bool) bool {
	returned := map[string]bool{}
	for _, r := range returns {
		returned[r.Name] = true
		if bound[r.Name] && fill[r.Name] != r.Name {
			return false
		}
	}
	for n, k := range fill {
		if !returned[n] || k != n {
			return false
		}
	}
	return true
}
