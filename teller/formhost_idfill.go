package teller

import (
	"reflect"

	"guitai/dsl"
	"guitai/state"
	"guitai/widgets"
)

// fromID is what a resident ID number tells of its holder, and the key a
// form binds it to: the birth date (dsl.IDBirth) into birth_date, the
// gender (dsl.IDGender, "male"/"female") into gender.
var fromID = []struct {
	key string
	of  func(id string) string
}{
	{"birth_date", dsl.IDBirth},
	{"gender", dsl.IDGender},
}

// watchID fills the birth date and the gender from the ID number once it
// is complete, on a form that binds them (account opening): into the
// fields still empty, or still holding what the last number filled in, so
// nothing the teller typed is replaced. What it filled goes when the
// number changes. The form's own rules refuse a typed date or gender that
// does not match the number. It returns the function that stops watching.
func (h *formHost) watchID(f *widgets.Form) func() {
	idKey, targets := idTargets(f)
	if idKey == "" || len(targets) == 0 {
		return func() {}
	}
	w := &idWatch{f: f, key: idKey, targets: targets, filled: map[string]any{}}
	return f.Scope.Subscribe([]string{idKey}, w.changed)
}

// idTargets finds the key the form binds its (first) ID number to and
// the fromID entries whose keys it binds.
func idTargets(f *widgets.Form) (idKey string, targets []int) {
	bound := map[string]bool{}
	for _, fld := range f.Def.Fields() {
		bound[fld.Key] = true
	}
	f.Def.Walk(func(_ []string, n *dsl.Node) bool {
		if n.Type == "idcard" && n.Bind != "" && idKey == "" {
			idKey = n.Bind
		}
		return true
	})
	for i, t := range fromID {
		if bound[t.key] {
			targets = append(targets, i)
		}
	}
	return idKey, targets
}

// idWatch is watchID's state for one form: what it filled last, and the
// number it filled it from.
type idWatch struct {
	f       *widgets.Form
	key     string // the ID number's key
	targets []int  // the fromID entries the form binds
	filled  map[string]any
	last    any
}

// changed fills the targets from a new ID number, in one StateBus
// transaction.
func (w *idWatch) changed(c state.Change) {
	v, ok := c.Values[w.key]
	if !ok || reflect.DeepEqual(v, w.last) {
		return
	}
	w.last = v
	id, _ := v.(string)
	complete := w.f.Complete(w.key)
	tx := w.f.Scope.Begin()
	writes := 0
	for _, i := range w.targets {
		if w.fillOne(tx, i, id, complete) {
			writes++
		}
	}
	if writes > 0 {
		_ = tx.Commit()
	}
}

// fillOne writes into tx what fromID[i] tells of id (nothing while the
// number is incomplete), unless the teller typed the field; it reports
// whether it wrote.
func (w *idWatch) fillOne(tx *state.Txn, i int, id string, complete bool) bool {
	key := fromID[i].key
	now, _ := w.f.Scope.Get(key)
	mine, had := w.filled[key]
	if !(now == nil || now == "" || had && reflect.DeepEqual(now, mine)) {
		return false // the teller's own
	}
	delete(w.filled, key)
	var val any
	if complete {
		if x := fromID[i].of(id); x != "" {
			val = x
		}
	}
	if val == nil && (now == nil || now == "") {
		return false
	}
	if val == nil {
		tx.Delete(key)
	} else {
		tx.Set(key, val)
		w.filled[key] = val
	}
	return true
}
