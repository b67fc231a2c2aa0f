package teller

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"

	"fyne.io/fyne/v2"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/state"
	"guitai/widgets"
)

// isQuery reports whether def is a query form: one with a button whose
// action is "query" (balance inquiry, journal query). Submitting it shows
// the answer in the form and keeps the criteria, instead of clearing it.
func isQuery(def *dsl.Form) bool {
	query := false
	def.Walk(func(_ []string, n *dsl.Node) bool {
		if n.Type == "button" && n.PropString("action") == "query" {
			query = true
		}
		return !query
	})
	return query
}

// queryStatus is the status line after a query: how many rows came back,
// and the serial when the inquiry was journaled.
func queryStatus(res *ledger.Result, lang string) string {
	rows := -1
	for _, r := range res.Rows {
		rows = max(rows, 0) + len(r)
	}
	var msg string
	switch {
	case rows >= 0 && lang == "en":
		msg = fmt.Sprintf("Search done: %d rows", rows)
	case rows >= 0:
		msg = fmt.Sprintf("查询完成：%d 条", rows)
	case lang == "en":
		msg = "Search done"
	default:
		msg = "查询完成"
	}
	if res.Serial != "" {
		if lang == "en" {
			msg += " · journal no. " + res.Serial
		} else {
			msg += " · 流水号 " + res.Serial
		}
	}
	return msg
}

// watchLookups runs the form's lookups (dsl.Lookup): those without "on"
// now, the others whenever one of their keys takes a complete value. A
// key that is emptied or changed clears what its lookup filled, so a
// holder's name never stands beside another account's number. It returns
// the function that stops watching.
func (h *formHost) watchLookups(f *widgets.Form) func() {
	lookups := f.Def.Lookups()
	h.onOpen = nil
	if h.lookup == nil || len(lookups) == 0 {
		return func() {}
	}
	var stops []func()
	for _, l := range lookups {
		w := &lookupWatch{l: l, last: map[string]any{}}
		if len(l.On) == 0 {
			h.onOpen = append(h.onOpen, w)
			h.runLookup(f, w, "")
			continue
		}
		stops = append(stops, f.Scope.Subscribe(l.On, func(c state.Change) { h.triggered(f, w, c) }))
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// triggered follows a change of w's trigger keys: what w filled goes, and
// w runs again once a key that changed is complete.
func (h *formHost) triggered(f *widgets.Form, w *lookupWatch, c state.Change) {
	for _, key := range c.Keys {
		if !slices.Contains(w.l.On, key) {
			continue
		}
		v := c.Values[key]
		if reflect.DeepEqual(v, w.last[key]) {
			continue // no real change
		}
		w.last[key] = v
		h.clearFilled(f, w)
		if w.marked != "" {
			// The refusal was about the value before this edit.
			f.MarkError(w.marked, "")
			w.marked = ""
		}
		if f.Complete(key) {
			h.runLookup(f, w, key)
		}
	}
}

// lookupWatch is one lookup of the open form: the trigger values last seen
// and the keys its last answer filled.
type lookupWatch struct {
	l      dsl.Lookup
	last   map[string]any
	filled []string
	marked string // the key a refusal of this lookup is shown at
}

// runLookup runs w's lookup off the UI goroutine and fills the form with its
// answer, unless the teller changed the trigger key meanwhile or left the
// form.
func (h *formHost) runLookup(f *widgets.Form, w *lookupWatch, trigger string) {
	values := f.Scope.Snapshot()
	vals := make(map[string]any, len(values))
	for k, v := range values {
		vals[k] = v
	}
	for param, key := range w.l.Params {
		vals[param] = values[key]
	}
	at := values[trigger]
	h.lookingUp.Add(1)
	background(func() {
		res, err := h.lookup(w.l.Txn, vals)
		fyne.Do(func() {
			defer h.lookingUp.Add(-1)
			if h.current != f {
				return
			}
			if trigger != "" {
				if now, _ := f.Scope.Get(trigger); !reflect.DeepEqual(now, at) {
					return // stale: the teller typed on
				}
			}
			if err != nil {
				w.marked = h.lookupFailed(f, w.l, err)
				return
			}
			w.filled = h.fill(f, res, &w.l)
		})
	})
}

// lookupFailed shows a lookup's refusal at the field it names (an unknown
// account) and returns its key, or has the session show it in the status
// bar.
func (h *formHost) lookupFailed(f *widgets.Form, l dsl.Lookup, err error) string {
	var le *ledger.Error
	if errors.As(err, &le) && le.Field != "" {
		if key := l.Param(le.Field); f.MarkError(key, le.Msg.In(h.lang)) {
			return key
		}
	}
	h.hooks.refused(err)
	return ""
}

// fill writes a result's values and rows into the keys the form binds (for
// a lookup, through its fill map), in one StateBus transaction, and
// returns the keys written. Rows that carry a transaction code and no name
// get the form's title for it.
func (h *formHost) fill(f *widgets.Form, res *ledger.Result, l *dsl.Lookup) []string {
	bound := map[string]bool{}
	for _, fld := range f.Def.Fields() {
		bound[fld.Key] = true
	}
	writes := map[string]any{}
	put := func(name string, v any) {
		key, ok := name, true
		if l != nil {
			key, ok = l.Target(name)
		}
		if ok && bound[key] && (l == nil || !slices.Contains(l.On, key)) {
			writes[key] = v
		}
	}
	for name, v := range res.Values {
		put(name, v)
	}
	for name, rows := range res.Rows {
		put(name, h.named(rows))
	}
	keys := make([]string, 0, len(writes))
	tx := f.Scope.Begin()
	for k, v := range writes {
		tx.Set(k, v)
		keys = append(keys, k)
	}
	if err := tx.Commit(); err != nil {
		// The teller edited meanwhile: the answer still stands, written
		// without the read check.
		for k, v := range writes {
			f.Scope.Set(k, v)
		}
	}
	sort.Strings(keys)
	return keys
}

// clearFilled empties what w's last answer filled, when its key changes.
func (h *formHost) clearFilled(f *widgets.Form, w *lookupWatch) {
	if len(w.filled) == 0 {
		return
	}
	tx := f.Scope.Begin()
	for _, k := range w.filled {
		tx.Delete(k)
	}
	_ = tx.Commit()
	w.filled = nil
}

// named gives rows with a transaction code and no name the title of the
// form of that code, in the window's language (the day's summary).
func (h *formHost) named(rows []map[string]any) []map[string]any {
	out, copied := rows, false
	for i, r := range rows {
		code, ok := r["code"].(string)
		if !ok {
			continue
		}
		if n, has := r["name"]; has && n != nil && n != "" {
			continue
		}
		if f := h.byCode[code]; f != nil {
			if !copied {
				out, copied = slices.Clone(rows), true
			}
			c := make(map[string]any, len(r)+1)
			for k, v := range r {
				c[k] = v
			}
			c["name"] = f.Title.In(h.lang)
			out[i] = c
		}
	}
	return out
}
