package dsl

import "fmt"

// Lookup is a read-only catalog transaction the window runs to fill a form
// in: when the form opens (On empty: the day-end figures, say) or when one
// of the On fields takes a valid value (the holder's name and balance once
// the account number is complete). Its params are read from the form's
// values by name, as the submit's are, and the values and rows it returns
// are written to the fields bound to the same names. A lookup never posts:
// the ledger runs it in a transaction it always rolls back.
//
// Lookups live under the form's top-level "lookups" key:
//
//	"lookups": [
//	  {"txn": "account_lookup", "on": ["account"]},
//	  {"txn": "account_lookup", "on": ["to_account"],
//	   "params": {"account": "to_account"}, "fill": {"acct_name": "payee_name"}},
//	  {"txn": "cashbox_summary"}
//	]
//
// params renames a transaction param to the form key it is read from (a
// param not listed is read from the key of its own name). fill, when
// given, lists every returned value (or rows) written and the form key it
// goes to; without it each is written to the key of its own name, when the
// form binds one.
//
// They are kept in Form.Extra, so every tool that round-trips a form (the
// designer above all) keeps them without knowing of them.
type Lookup struct {
	Txn    string            // catalog transaction id
	On     []string          // bind keys whose change runs it; empty: when the form opens
	Params map[string]string // transaction param -> the form key it is read from
	Fill   map[string]string // returned value or rows -> the form key written
}

// Param is the form key the transaction param name is read from.
func (l Lookup) Param(name string) string {
	if k, ok := l.Params[name]; ok {
		return k
	}
	return name
}

// Target is the form key a returned value or rows called name is written
// to; false when fill leaves it out.
func (l Lookup) Target(name string) (string, bool) {
	if l.Fill == nil {
		return name, true
	}
	k, ok := l.Fill[name]
	return k, ok
}

// LookupsKey is the top-level key holding a form's lookups.
const LookupsKey = "lookups"

// Lookups returns the form's lookups; entries that do not validate are
// left out (Validate reports them).
func (f *Form) Lookups() []Lookup {
	arr, _ := f.Extra[LookupsKey].([]any)
	var out []Lookup
	for _, e := range arr {
		o, _ := e.(map[string]any)
		txn, _ := o["txn"].(string)
		if txn == "" {
			continue
		}
		l := Lookup{Txn: txn}
		on, _ := o["on"].([]any)
		for _, k := range on {
			if s, ok := k.(string); ok {
				l.On = append(l.On, s)
			}
		}
		l.Params, l.Fill = stringMap(o["params"]), stringMap(o["fill"])
		out = append(out, l)
	}
	return out
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

// lookups checks the form's "lookups": an array of {"txn", "on"} objects
// naming a transaction and the bound keys that trigger it.
func (v *validator) lookups() {
	raw, ok := v.f.Extra[LookupsKey]
	if !ok {
		return
	}
	arr, ok := raw.([]any)
	if !ok {
		v.add(CodeBadValue, "/lookups", "lookups is an array of {\"txn\": ..., \"on\": [...]}")
		return
	}
	bound := map[string]bool{}
	for _, fld := range v.f.Fields() {
		bound[fld.Key] = true
	}
	for i, e := range arr {
		ptr := fmt.Sprintf("/lookups/%d", i)
		o, ok := e.(map[string]any)
		if !ok {
			v.add(CodeBadValue, ptr, "a lookup is an object {\"txn\": ..., \"on\": [...]}")
			continue
		}
		for k := range o {
			switch k {
			case "txn", "on":
			case "params", "fill":
				m, ok := o[k].(map[string]any)
				if !ok {
					v.add(CodeBadValue, ptr+"/"+k, "%s maps names to bound keys, e.g. {\"account\": \"to_account\"}", k)
					continue
				}
				for name, key := range m {
					if s, _ := key.(string); !bound[s] {
						v.add(CodeBadValue, ptr+"/"+k+"/"+name, "%q is not a key bound by a field of this form", fmt.Sprint(key))
					}
				}
			default:
				v.add(CodeUnknownKey, ptr+"/"+k, "unknown key %q: a lookup has \"txn\", \"on\", \"params\" and \"fill\"", k)
			}
		}
		switch txn, _ := o["txn"].(string); {
		case txn == "":
			v.add(CodeMissing, ptr+"/txn", "a lookup needs the catalog transaction to run")
		case !validID(txn):
			v.add(CodeBadID, ptr+"/txn", "transaction id %q: use letters, digits and '_'", txn)
		}
		on, present := o["on"]
		if !present {
			continue
		}
		keys, ok := on.([]any)
		if !ok {
			v.add(CodeBadValue, ptr+"/on", "on is an array of bound keys, e.g. [\"account\"]")
			continue
		}
		for j, k := range keys {
			s, isString := k.(string)
			switch {
			case !isString:
				v.add(CodeBadValue, fmt.Sprintf("%s/on/%d", ptr, j), "on lists bound keys as strings, not %v", k)
			case !bound[s]:
				v.add(CodeBadValue, fmt.Sprintf("%s/on/%d", ptr, j), "%q is not a key bound by a field of this form", s)
			}
		}
	}
}
