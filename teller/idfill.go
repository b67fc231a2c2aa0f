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
func (s *Shell) watchID(f *widgets.Form) func() {
	idKey := ""
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
	var targets []int
	for i, t := range fromID {
		if bound[t.key] {
			targets = append(targets, i)
		}
	}
	if idKey == "" || len(targets) == 0 {
		return func() {}
	}
	filled := map[string]any{}
	var last any
	return f.Scope.Subscribe([]string{idKey}, func(c state.Change) {
		v, ok := c.Values[idKey]
		if !ok || reflect.DeepEqual(v, last) {
			return
		}
		last = v
		id, _ := v.(string)
		complete := f.Complete(idKey)
		tx := f.Scope.Begin()
		writes := 0
		for _, i := range targets {
			key := fromID[i].key
			now, _ := f.Scope.Get(key)
			mine, had := filled[key]
			if !(now == nil || now == "" || had && reflect.DeepEqual(now, mine)) {
				continue // the teller's own
			}
			delete(filled, key)
			var val any
			if complete {
				if x := fromID[i].of(id); x != "" {
					val = x
				}
			}
			if val == nil && (now == nil || now == "") {
				continue
			}
			if val == nil {
				tx.Delete(key)
			} else {
				tx.Set(key, val)
				filled[key] = val
			}
			writes++
		}
		if writes > 0 {
			_ = tx.Commit()
		}
	})
}
