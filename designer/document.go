package designer

import (
	"errors"
	"fmt"
	"time"

	"guitai/catalog"
	"guitai/dsl"
)

// Header is what a form holds besides its node tree: the fields no dsl.Op
// reaches. A Change with a Header replaces the form's header wholesale.
type Header struct {
	DSL, ID, Version, Code string
	Title                  dsl.Text
	Submit                 *dsl.Submit
	Extra                  map[string]any
}

// HeaderOf returns a deep copy of f's header.
func HeaderOf(f *dsl.Form) Header {
	c := (&dsl.Form{Submit: f.Submit, Extra: f.Extra}).Clone()
	return Header{DSL: f.DSL, ID: f.ID, Version: f.Version, Code: f.Code, Title: f.Title, Submit: c.Submit, Extra: c.Extra}
}

// Change is one reversible edit: exactly one of Op (a node operation),
// Header (the form's header) or Root (the whole node tree, for edits the
// diff cannot express as operations) is set.
type Change struct {
	Op     *dsl.Op
	Header *Header
	Root   *dsl.Node
}

// OpChange wraps a dsl.Op as a Change.
func OpChange(op dsl.Op) Change { return Change{Op: &op} }

// apply performs c on f and returns its inverse. On error f is unchanged.
func apply(f *dsl.Form, c Change) (Change, error) {
	switch {
	case c.Op != nil:
		inv, err := dsl.Apply(f, *c.Op)
		if err != nil {
			return Change{}, err
		}
		return Change{Op: &inv}, nil
	case c.Header != nil:
		old := HeaderOf(f)
		h := HeaderOf(&dsl.Form{Submit: c.Header.Submit, Extra: c.Header.Extra})
		// A fresh struct drops the form's compiled program, which may hold
		// the old authorize expression.
		*f = dsl.Form{DSL: c.Header.DSL, ID: c.Header.ID, Version: c.Header.Version, Code: c.Header.Code,
			Title: c.Header.Title, Submit: h.Submit, Extra: h.Extra, Root: f.Root}
		return Change{Header: &old}, nil
	case c.Root != nil:
		old := f.Root
		nf := (&dsl.Form{Root: c.Root}).Clone()
		*f = dsl.Form{DSL: f.DSL, ID: f.ID, Version: f.Version, Code: f.Code, Title: f.Title,
			Submit: f.Submit, Extra: f.Extra, Root: nf.Root}
		return Change{Root: old}, nil
	}
	return Change{}, errors.New("designer: empty change")
}

// Step is one undoable unit: the changes as applied and their inverses in
// the order that undoes them.
type Step struct {
	Label string // what the user did, for the Edit menu: "设置 label.zh"
	Group string // steps of one typing burst share a group
	Do    []Change
	Undo  []Change
	At    time.Time

	serial int
	sealed bool
}

// Source says which pane made a change, so that pane can keep what it shows
// (the JSON text the user is typing, say) instead of being rewritten.
type Source string

// Sources of changes.
const (
	FromCanvas    Source = "canvas"
	FromTree      Source = "tree"
	FromInspector Source = "inspector"
	FromJSON      Source = "json"
	FromPalette   Source = "palette"
	FromKeys      Source = "keys"
	FromFile      Source = "file"
	FromHistory   Source = "history" // undo and redo
)

// Event tells listeners what changed.
type Event struct {
	Source    Source
	Edited    bool // the form changed (else only the selection)
	Selection string
}

// Document is one form being designed: the form, its op log, selection,
// clipboard and file state. Its methods are meant for one goroutine (the
// UI's); it is not safe for concurrent use.
type Document struct {
	form      *dsl.Form
	undo      []*Step
	redo      []*Step
	selected  string
	clip      *dsl.Node
	listeners []func(Event)
	serial    int
	saved     int // serial of the top undo step when last saved
	Path      string

	// GroupWindow is how long after the last change a change of the same
	// group still joins its step. Zero means one second.
	GroupWindow time.Duration
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time

	// Catalog, when set, adds the form's transaction bindings to its
	// problems.
	Catalog catalog.Catalog

	problems     dsl.ErrorList
	changes      int      // counts every edit, undo and redo
	problemsFrom int      // value of changes the problems were computed at, -1 for never
	last         []Change // the changes the last edit, undo or redo applied, in order
}

// New returns a document holding f (which it owns from now on).
func New(f *dsl.Form) *Document {
	return &Document{form: f, problemsFrom: -1}
}

// Blank returns a new valid form with an empty root, ready to design.
func Blank(id string) *dsl.Form {
	return &dsl.Form{DSL: dsl.Current, ID: id, Version: "0.1.0", Title: dsl.Text{Zh: "新表单", En: "New form"},
		Root: &dsl.Node{ID: "root", Type: "form"}}
}

// Form returns the form. Callers must not change it: every change goes
// through Edit.
func (d *Document) Form() *dsl.Form { return d.form }

// Changes counts the edits, undos and redos made so far: a view that
// noted it can tell whether the form changed since.
func (d *Document) Changes() int { return d.changes }

// LastChanges returns the changes the last edit, undo or redo applied, in
// the order applied: a view that saw every state before the last one can
// bring itself up to date from them (see Touched) instead of comparing the
// whole form. Callers must not change them.
func (d *Document) LastChanges() []Change { return d.last }

// Touched returns the ids of the root's children whose subtrees changes
// may have altered, and all when they may have altered the whole tree (a
// Root change). Changes to the root node itself (its own fields, the
// order of its children) name no child: the caller compares those.
func Touched(changes []Change) (ids map[string]bool, all bool) {
	ids = map[string]bool{}
	top := func(p []string) {
		if len(p) >= 2 {
			ids[p[1]] = true
		}
	}
	for _, c := range changes {
		switch {
		case c.Root != nil:
			return nil, true
		case c.Op != nil:
			top(c.Op.Path)
			top(c.Op.ParentPath)
			if c.Op.Op == "insert" && c.Op.Node != nil && len(c.Op.ParentPath) == 1 {
				ids[c.Op.Node.ID] = true
			}
		}
	}
	return ids, false
}

// Bytes returns the canonical encoding of the form.
func (d *Document) Bytes() []byte { return dsl.Encode(d.form) }

// OnChange registers fn to run after every edit, undo, redo and selection
// change.
func (d *Document) OnChange(fn func(Event)) { d.listeners = append(d.listeners, fn) }

func (d *Document) notify(e Event) {
	e.Selection = d.selected
	for _, fn := range d.listeners {
		fn(e)
	}
}

func (d *Document) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// current is the serial of the state the form is in.
func (d *Document) current() int {
	if len(d.undo) == 0 {
		return 0
	}
	return d.undo[len(d.undo)-1].serial
}

// Dirty reports whether the form differs from what was last saved (or
// opened): undoing back to the saved state makes it clean again.
func (d *Document) Dirty() bool { return d.current() != d.saved }

// MarkSaved records the current state as saved.
func (d *Document) MarkSaved() {
	d.saved = d.current()
	d.Seal()
}

// Edit applies changes as one step. A non-empty group joins the previous
// step when that step has the same group, is not sealed, nothing was undone
// since and it is recent (GroupWindow): a burst of typing in one property is
// one undo step. On error nothing is changed.
func (d *Document) Edit(src Source, label, group string, changes ...Change) error {
	if len(changes) == 0 {
		return nil
	}
	inv, err := applyAll(d.form, changes)
	if err != nil {
		return err
	}
	now := d.now()
	window := d.GroupWindow
	if window == 0 {
		window = time.Second
	}
	d.serial++
	if top := d.top(); group != "" && top != nil && !top.sealed && top.Group == group && now.Sub(top.At) <= window {
		top.Do = append(top.Do, changes...)
		top.Undo = append(inv, top.Undo...)
		top.At = now
		top.serial = d.serial
	} else {
		if top != nil {
			top.sealed = true
		}
		d.undo = append(d.undo, &Step{Label: label, Group: group, Do: changes, Undo: inv, At: now, serial: d.serial})
	}
	d.redo = nil
	d.changes++
	d.last = changes
	d.keepSelection()
	d.notify(Event{Source: src, Edited: true})
	return nil
}

// applyAll applies changes in order and returns the inverses in undo order;
// if one fails, those applied are undone and the error returned.
func applyAll(f *dsl.Form, changes []Change) ([]Change, error) {
	inv := make([]Change, 0, len(changes))
	for i, c := range changes {
		u, err := apply(f, c)
		if err != nil {
			for j := len(inv) - 1; j >= 0; j-- {
				if _, uerr := apply(f, inv[j]); uerr != nil {
					panic(fmt.Sprintf("designer: undoing a failed edit: %v", uerr))
				}
			}
			return nil, fmt.Errorf("change %d: %w", i+1, err)
		}
		inv = append(inv, u)
	}
	// Reverse: the last change is undone first.
	for i, j := 0, len(inv)-1; i < j; i, j = i+1, j-1 {
		inv[i], inv[j] = inv[j], inv[i]
	}
	return inv, nil
}

func (d *Document) top() *Step {
	if len(d.undo) == 0 {
		return nil
	}
	return d.undo[len(d.undo)-1]
}

// Seal ends the current typing burst: the next change starts a new step.
func (d *Document) Seal() {
	if top := d.top(); top != nil {
		top.sealed = true
	}
}

// CanUndo and CanRedo report whether there is a step to undo or redo.
func (d *Document) CanUndo() bool { return len(d.undo) > 0 }

// CanRedo reports whether there is an undone step to redo.
func (d *Document) CanRedo() bool { return len(d.redo) > 0 }

// UndoLabel and RedoLabel name the step Undo or Redo would act on.
func (d *Document) UndoLabel() string {
	if t := d.top(); t != nil {
		return t.Label
	}
	return ""
}

// RedoLabel names the step Redo would redo.
func (d *Document) RedoLabel() string {
	if len(d.redo) == 0 {
		return ""
	}
	return d.redo[len(d.redo)-1].Label
}

// Undo reverts the last step; it reports whether there was one.
func (d *Document) Undo() bool {
	s := d.top()
	if s == nil {
		return false
	}
	if _, err := applyAll(d.form, s.Undo); err != nil {
		panic(fmt.Sprintf("designer: undo %q: %v", s.Label, err)) // inverses always apply
	}
	s.sealed = true
	d.undo = d.undo[:len(d.undo)-1]
	d.redo = append(d.redo, s)
	d.changes++
	d.last = s.Undo
	d.keepSelection()
	d.notify(Event{Source: FromHistory, Edited: true})
	return true
}

// Redo re-applies the last undone step; it reports whether there was one.
func (d *Document) Redo() bool {
	if len(d.redo) == 0 {
		return false
	}
	s := d.redo[len(d.redo)-1]
	if _, err := applyAll(d.form, s.Do); err != nil {
		panic(fmt.Sprintf("designer: redo %q: %v", s.Label, err))
	}
	d.redo = d.redo[:len(d.redo)-1]
	d.undo = append(d.undo, s)
	d.changes++
	d.last = s.Do
	d.keepSelection()
	d.notify(Event{Source: FromHistory, Edited: true})
	return true
}

// History returns the labels of the undo log, oldest first.
func (d *Document) History() []string {
	out := make([]string, len(d.undo))
	for i, s := range d.undo {
		out[i] = s.Label
	}
	return out
}

// Replace makes the form equal to nf, as one undoable step, by turning the
// difference into operations (see Diff). It is how a JSON source edit comes
// in. Nothing happens when nf encodes to the same bytes.
func (d *Document) Replace(src Source, nf *dsl.Form, group string) error {
	changes, err := Diff(d.form, nf)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		return nil
	}
	return d.Edit(src, "编辑源码 Edit source", group, changes...)
}

func ptr[T any](v T) *T { return &v }
