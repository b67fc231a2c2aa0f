package designer

import (
	"fmt"

	"guitai/dsl"
)

// ReadOnlyTxns returns the ids of the catalog's transactions a lookup may
// run: those that do not post to the journal, in catalog order.
func ReadOnlyTxns(c Catalog) []string {
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
