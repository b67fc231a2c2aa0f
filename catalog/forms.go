package catalog

import (
	"errors"
	"fmt"

	"guitai/dsl"
)

// CheckForms verifies every form that names a transaction against the
// catalog: the transaction exists, every posted key is a param of a matching
// type, and every required param is bound by the form. Its lookups must
// name read-only transactions ("journal": false) whose required params the
// form binds.
func (c Catalog) CheckForms(forms []*dsl.Form) error {
	var errs []error
	for _, f := range forms {
		errs = append(errs, c.checkLookups(f)...)
		if f.Submit == nil || f.Submit.Txn == "" {
			continue
		}
		t, ok := c[f.Submit.Txn]
		if !ok {
			errs = append(errs, fmt.Errorf("form %s: transaction %q is not in the catalog", f.ID, f.Submit.Txn))
			continue
		}
		bound := map[string]bool{}
		for _, fld := range f.Fields() {
			if DisplayOnly(f, fld.Key) {
				continue // shown, never posted
			}
			bound[fld.Key] = true
			p := t.Param(fld.Key)
			if p == nil {
				errs = append(errs, fmt.Errorf("form %s: field %s is not a param of %s", f.ID, fld.Key, t.ID))
				continue
			}
			if want := ParamTypes[p.Type]; want != fld.Type {
				errs = append(errs, fmt.Errorf("form %s: field %s is %s, param of %s is %s", f.ID, fld.Key, fld.Type, t.ID, p.Type))
			}
		}
		for _, p := range t.Params {
			if p.Required && !bound[p.Name] {
				errs = append(errs, fmt.Errorf("form %s: required param %s of %s is not bound", f.ID, p.Name, t.ID))
			}
		}
	}
	return errors.Join(errs...)
}

func (c Catalog) checkLookups(f *dsl.Form) []error {
	var errs []error
	fields := map[string]dsl.ValueType{}
	for _, fld := range f.Fields() {
		fields[fld.Key] = fld.Type
	}
	for i, l := range f.Lookups() {
		t, ok := c[l.Txn]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("form %s: lookup %d: transaction %q is not in the catalog", f.ID, i, l.Txn))
			continue
		case t.Journal:
			errs = append(errs, fmt.Errorf("form %s: lookup %d: %s posts to the journal; a lookup must be read-only", f.ID, i, l.Txn))
			continue
		}
		for _, p := range t.Params {
			key := l.Param(p.Name)
			typ, bound := fields[key]
			switch {
			case !bound && p.Required:
				errs = append(errs, fmt.Errorf("form %s: lookup %d: required param %s of %s is not bound (key %s)", f.ID, i, p.Name, t.ID, key))
			case bound && ParamTypes[p.Type] != typ:
				errs = append(errs, fmt.Errorf("form %s: lookup %d: field %s is %s, param %s of %s is %s", f.ID, i, key, typ, p.Name, t.ID, p.Type))
			}
		}
		for name := range l.Params {
			if t.Param(name) == nil {
				errs = append(errs, fmt.Errorf("form %s: lookup %d: %s has no param %s", f.ID, i, t.ID, name))
			}
		}
	}
	return errs
}

// Binding is one param of a form's transaction and the field that feeds
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
// the form submits none or the catalog lacks it. Its problems are those
// CheckForms reports, one per binding, worded for an editor.
func (c Catalog) Bindings(f *dsl.Form) (*Txn, []Binding, []Binding) {
	if f.Submit == nil || c[f.Submit.Txn] == nil {
		return nil, nil, nil
	}
	t := c[f.Submit.Txn]
	posted := map[string]dsl.Field{}
	for _, fl := range f.Fields() {
		if !DisplayOnly(f, fl.Key) {
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

// DisplayOnly reports whether every node binding key shows it only (labels,
// tables and readOnly fields): such values are results, never inputs, and
// are not posted.
func DisplayOnly(f *dsl.Form, key string) bool {
	only := true
	f.Walk(func(_ []string, n *dsl.Node) bool {
		if n.Bind == key && n.Type != "label" && n.Type != "table" && !n.PropBool("readOnly") {
			only = false
		}
		return true
	})
	return only
}
