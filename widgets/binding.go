package widgets

import (
	"guitai/dsl"
	"guitai/state"
)

// This file holds how a rendered form and its state scope follow each
// other. The rule: what the teller typed is the truth while it is newer
// than anything in the scope.
//
// An edit is written to the scope at once and shown at once: the other
// inputs and labels bound to the same key and the expressions reading it
// are updated on the spot, on the goroutine that took the key. The scope
// tells its subscribers later, through the bus's dispatcher (fyne.Do in
// the window), and by then the teller may have typed on. So the form
// remembers, per key, the scope version of the value it shows (Form.shown),
// and a delivered change at that version or older is dropped for that
// key: it is the echo of the form's own edit, or a value the teller has
// since typed over. Only a newer change (a lookup's answer, a card read,
// another program's write) replaces what a field shows.

// edited writes a field's new value to the scope and shows it in the rest
// of the form.
func (f *Form) edited(l *live) {
	key := l.node.Bind
	if key == "" {
		return
	}
	v := l.el.Field.Value()
	tx := f.Scope.Begin()
	tx.Set(key, v)
	// Recorded before any subscriber hears of the commit, which the
	// default dispatcher does inside Commit.
	tx.OnCommit(func() { f.shown[key] = tx.Version() })
	if tx.Commit() != nil {
		return // the scope was dropped: the form is closing
	}
	f.show(key, v, l)
}

// changed follows commits to the scope: a key changed after the value the
// form shows replaces it (see the file comment).
func (f *Form) changed(c state.Change) {
	var todo []*dsl.Expr
	for _, key := range c.Keys {
		if c.Version <= f.shown[key] {
			continue
		}
		f.shown[key] = c.Version
		todo = append(todo, f.take(key, c.Values[key], nil)...)
	}
	f.applyAll(todo)
}

// show puts v in the form for key, except into from, which holds it
// already, and runs the expressions that read key.
func (f *Form) show(key string, v any, from *live) {
	f.applyAll(f.take(key, v, from))
}

// take puts v in the expression environment and in every input bound to
// key but from, re-checks those whose rules have run, and returns the
// expressions to evaluate again.
func (f *Form) take(key string, v any, from *live) []*dsl.Expr {
	f.prog.Put(f.env, key, v)
	for _, l := range f.byKey[key] {
		if l != from && !sameValue(l.el.Field.Value(), v) {
			l.el.Field.SetValue(v)
		}
		if f.checked[l.node.ID] {
			f.check(l)
		}
	}
	return f.prog.Dependents(key)
}

func (f *Form) applyAll(todo []*dsl.Expr) {
	for _, e := range todo {
		f.apply(e)
	}
}

func sameValue(a, b any) bool {
	defer func() { recover() }()
	return a == b
}
