package widgets

import (
	"fmt"
	"image"
	"image/color"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/money"
	"guitai/state"
)

// Context is what constructors see of the form being rendered.
type Context struct {
	Lang string // "zh" or "en"

	opts *Options
}

// T returns a text in the form's language.
func (c *Context) T(t dsl.Text) string { return t.In(c.Lang) }

// Do performs a button's action.
func (c *Context) Do(action string) {
	if c.opts.OnAction != nil {
		c.opts.OnAction(action)
	}
}

// Cancel is what Escape in a field does.
func (c *Context) Cancel() { c.Do("cancel") }

// Seal loads a seal specimen and the cheque to compare it with.
func (c *Context) Seal(specimen string) (cheque, seal image.Image, err error) {
	if c.opts.Seal == nil {
		return nil, nil, fmt.Errorf("no seal store configured")
	}
	return c.opts.Seal(specimen)
}

// grid lays kids out in cols columns: fewer when the form is narrower
// than they need side by side (see fitGrid), so that no form scrolls
// sideways; on a designer's surface, always cols, as designed.
func (c *Context) grid(cols int, kids ...fyne.CanvasObject) *fyne.Container {
	if c.opts.Design {
		return container.NewGridWithColumns(max(cols, 1), kids...)
	}
	return newFitGrid(cols, kids...)
}

func (c *Context) image(src string) fyne.Resource {
	if c.opts.Image == nil {
		return nil
	}
	return c.opts.Image(src)
}

// Options configure a rendered form.
type Options struct {
	Lang string // "zh" (default) or "en"
	// OnAction is called for button actions and keys: "submit", "cancel"
	// (also Escape), "clear", "readCard", "query".
	OnAction func(action string)
	// Seal returns the cheque image and decrypted seal specimen for the
	// seal widget; the images live in memory only.
	Seal func(specimen string) (cheque, seal image.Image, err error)
	// Image returns an image asset by name.
	Image func(src string) fyne.Resource
	// Design renders the form for a designer's surface: every node shows
	// and takes input whatever its visibleWhen and enabledWhen, a label
	// with a value expression shows "= <expression>" instead of its value,
	// and expressions that do not compile are left out instead of failing
	// the render.
	Design bool
	// OnKey is given the function keys (F1 to F12) typed in any field of
	// the form, first; it returns true when it took the key.
	OnKey func(k *fyne.KeyEvent) bool
	// OnChange, if set, is called after the form has shown a change: the
	// teller's edit, a change of its scope (a lookup's answer), a Clear.
	// The form's values and expressions are up to date when it runs.
	OnChange func()
	// PinPad, if set, reads a PIN from the customer's PIN pad into a
	// password field: each such field shows the pad's button, which
	// calls it. Nil: no pad, the PIN is typed.
	PinPad func(t PINTarget)
}

// Form is a dsl form rendered as a live Fyne tree bound to a state scope:
// every input writes its key on each edit, every change of a key updates the
// inputs bound to it and re-evaluates only the expressions that read it.
type Form struct {
	Def   *dsl.Form
	Scope *state.Scope

	ctx     *Context
	design  bool
	prog    *dsl.Program
	env     map[string]any
	object  fyne.CanvasObject
	nodes   map[string]*live
	byKey   map[string][]*live
	fields  []*live // inputs in tree (and tab) order
	cancel  func()
	checked map[string]bool // fields whose rules have run, so errors follow edits
	// shown is, for each key, the scope version of the value the form
	// shows: its own last write, or the last change it took from the
	// scope. A change delivered at that version or before it is an echo
	// of the form's own edit or older than it, and never replaces what
	// the teller typed since (see binding.go).
	shown map[string]uint64
	// typed holds the keys the teller edited since the form opened or was
	// last cleared (not a lookup's fill, not a default): see Typed.
	typed map[string]bool
}

// live is one rendered node.
type live struct {
	node    *dsl.Node
	parent  *live
	caption *Caption
	el      Element
	outer   fyne.CanvasObject // what visibleWhen shows and hides
	shown   bool
	on      bool // enabled
}

// Render builds the live form. The scope's current values are shown, and
// the expressions evaluated once; after that only changes flow.
func Render(def *dsl.Form, scope *state.Scope, opts Options) (*Form, error) {
	prog, err := def.Program()
	if err != nil {
		if !opts.Design {
			return nil, err
		}
		prog = def.PartialProgram()
	}
	if opts.Lang == "" {
		opts.Lang = "zh"
	}
	f := &Form{
		Def: def, Scope: scope, prog: prog,
		ctx:     &Context{Lang: opts.Lang, opts: &opts},
		design:  opts.Design,
		nodes:   map[string]*live{},
		byKey:   map[string][]*live{},
		checked: map[string]bool{},
		shown:   map[string]uint64{},
		typed:   map[string]bool{},
	}
	// The caption column grows with the text (a larger font scale).
	width := float32(def.Root.PropInt("labelWidth", 110)) * theme.TextSize() / theme.DefaultTheme().Size(theme.SizeNameText)
	f.object = f.build(def.Root, width)

	values := scope.Snapshot()
	f.env = prog.Env(values)
	for key, ls := range f.byKey {
		if v, ok := values[key]; ok {
			for _, l := range ls {
				l.el.Field.SetValue(v)
			}
		} else if v := ls[0].el.Field.Value(); v != nil {
			// A field that starts with a value (a date defaulting to today)
			// puts it in state.
			_ = scope.Set(key, v)
			prog.Put(f.env, key, v)
		}
	}
	for _, e := range prog.Exprs {
		f.apply(e)
	}
	f.cancel = scope.Subscribe(nil, func(c state.Change) {
		// The echo of the form's own edit is not news: the edit
		// notifies once the form has shown it.
		news := false
		for _, key := range c.Keys {
			news = news || c.Version > f.shown[key]
		}
		f.changed(c)
		if news {
			f.notify()
		}
	})
	return f, nil
}

func (f *Form) build(n *dsl.Node, labelWidth float32) fyne.CanvasObject {
	spec, ok := registry[n.Type]
	if !ok {
		return widget.NewLabel(fmt.Sprintf("?%s", n.Type))
	}
	kids := make([]fyne.CanvasObject, len(n.Children))
	for i, c := range n.Children {
		kids[i] = f.build(c, labelWidth)
	}
	defer func() {
		for _, c := range n.Children {
			if cl := f.nodes[c.ID]; cl != nil {
				cl.parent = f.nodes[n.ID]
			}
		}
	}()
	el := spec.New(f.ctx, n, kids)
	if f.design && n.Value != "" && el.Text != nil {
		el.Text("= " + n.Value)
	}
	outer := el.Object
	if n.PropBool("readOnly") {
		// A read-only field (a looked-up balance) is disabled for input
		// but must read as well as any other value.
		outer = container.NewThemeOverride(outer, readOnlyTheme)
	}
	var capt *Caption
	if lt := n.PropText("label"); !lt.IsZero() && spec.Prop("label") != nil && n.Type != "check" {
		cap := NewCaption(f.ctx.T(lt), hasRequired(n))
		capt = cap
		if n.Type == "table" || n.Type == "seal" {
			cap.Align = fyne.TextAlignLeading
			outer = container.NewBorder(cap, nil, nil, nil, outer)
		} else {
			outer = container.New(&labelRow{width: labelWidth}, cap, outer)
		}
	}
	l := &live{node: n, el: el, outer: outer, shown: true, on: true}
	l.caption = capt
	f.nodes[n.ID] = l
	if el.Field != nil {
		if n.Bind != "" {
			f.byKey[n.Bind] = append(f.byKey[n.Bind], l)
		}
		if el.Field.Focusable() != nil {
			f.fields = append(f.fields, l)
		}
		el.Field.Watch(func() {
			if n.Bind != "" {
				f.typed[n.Bind] = true
			}
			f.edited(l)
			f.notify()
		}, func() { f.next(l) }, func() { f.left(l) })
	}
	return outer
}

// recolour is the app's theme with one colour drawn as another, for a
// ThemeOverride around one object. It defers to the app's theme
// (theme.Current would be itself inside the override).
type recolour struct{ from, to fyne.ThemeColorName }

// readOnlyTheme draws a field the teller cannot edit (上日库存, a
// looked-up balance) as a figure on the form rather than an input box:
// its disabled text in the foreground colour, so it is plain to read, and
// no input background or border.
var readOnlyTheme = readOnlyLook{recolour{from: theme.ColorNameDisabled, to: theme.ColorNameForeground}}

// readOnlyLook is a recolour that also takes the input box away.
type readOnlyLook struct{ recolour }

func (r readOnlyLook) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameInputBackground {
		return color.Transparent
	}
	return r.recolour.Color(n, v)
}

func (readOnlyLook) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInputBorder {
		return 0
	}
	return appTheme().Size(n)
}

func appTheme() fyne.Theme {
	if a := fyne.CurrentApp(); a != nil && a.Settings().Theme() != nil {
		return a.Settings().Theme()
	}
	return theme.DefaultTheme()
}

func (r recolour) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == r.from {
		n = r.to
	}
	return appTheme().Color(n, v)
}

func (recolour) Font(s fyne.TextStyle) fyne.Resource { return appTheme().Font(s) }

func (recolour) Icon(n fyne.ThemeIconName) fyne.Resource { return appTheme().Icon(n) }

func (recolour) Size(n fyne.ThemeSizeName) float32 { return appTheme().Size(n) }

func hasRequired(n *dsl.Node) bool {
	for _, r := range n.Rules {
		if r.Kind == "required" && r.Arg == true {
			return true
		}
	}
	return false
}

// notify calls Options.OnChange.
func (f *Form) notify() {
	if f.ctx.opts.OnChange != nil {
		f.ctx.opts.OnChange()
	}
}

// Typed reports whether the form holds something the teller typed or
// chose: a visible input whose value the teller edited and did not empty
// since the form opened or was cleared. What a lookup filled in, a
// default (a date of today) and a value the teller emptied again do not
// count: closing such a form loses nothing.
func (f *Form) Typed() bool {
	for key := range f.typed {
		if l := f.input(key); l != nil && !empty(l.el.Field.Value()) {
			return true
		}
	}
	return false
}

// empty reports whether v is no value: nil, "", an unticked check.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	}
	return false
}

// Object is the form's canvas object, to place in a window.
func (f *Form) Object() fyne.CanvasObject { return f.object }

// NodeObject returns the outer object of the node with id: the one its
// visibleWhen shows and hides, holding its caption row when it has one, as
// placed in its parent's container. It returns nil for an unknown id.
func (f *Form) NodeObject(id string) fyne.CanvasObject {
	if l, ok := f.nodes[id]; ok {
		return l.outer
	}
	return nil
}

// Field returns the input of a node, or nil.
func (f *Form) Field(id string) Field {
	if l, ok := f.nodes[id]; ok {
		return l.el.Field
	}
	return nil
}

// Visible reports whether a node is shown (its visibleWhen holds).
func (f *Form) Visible(id string) bool {
	l, ok := f.nodes[id]
	return ok && l.shown
}

// Enabled reports whether a node takes input (its enabledWhen holds).
func (f *Form) Enabled(id string) bool {
	l, ok := f.nodes[id]
	return ok && l.on
}

// Truncated lists the nodes whose caption is cut to fit its column as last
// laid out: the screenshot check fails on any.
func (f *Form) Truncated() []string {
	var out []string
	for id, l := range f.nodes {
		if l.caption != nil && f.shownInTree(l) && l.caption.Truncated() {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Close stops following the scope.
func (f *Form) Close() {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
}

// apply evaluates one expression and shows its result.
func (f *Form) apply(e *dsl.Expr) {
	l := f.nodes[e.Node]
	if f.design && e.Kind != dsl.ExprRule {
		return // shown as designed: every node on, values as expressions
	}
	switch e.Kind {
	case dsl.ExprVisible:
		ok, err := e.EvalBool(f.env)
		show := err == nil && ok
		if show != l.shown {
			l.shown = show
			if show {
				l.outer.Show()
			} else {
				l.outer.Hide()
				if l.el.Field != nil {
					l.el.Field.SetError("")
				}
			}
		}
	case dsl.ExprEnabled:
		ok, err := e.EvalBool(f.env)
		on := err == nil && ok
		if on != l.on {
			l.on = on
			if l.el.Field != nil {
				l.el.Field.SetEnabled(on)
			}
		}
	case dsl.ExprValue:
		v, err := e.Eval(f.env)
		if l.el.Text != nil {
			if err != nil {
				v = nil
			}
			l.el.Text(display(v))
			figureColour(l, v)
		}
	case dsl.ExprRule:
		if f.checked[l.node.ID] {
			f.check(l)
		}
	}
}

// figureColour draws a computed money figure (a label of style "money",
// such as a balance after the withdrawal) in the error colour while it is
// negative, in the figure's own colour otherwise.
func figureColour(l *live, v any) {
	lab, ok := l.el.Object.(*widget.Label)
	if !ok || l.node.PropString("style") != "money" {
		return
	}
	imp := widget.HighImportance
	if negative(v) {
		imp = widget.DangerImportance
	}
	if lab.Importance != imp {
		lab.Importance = imp
		lab.Refresh()
	}
}

// negative reports whether a computed value is below zero: a number, or
// figures as yuan() gives them ("-1,234.00").
func negative(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.HasPrefix(strings.TrimSpace(x), "-")
	case int64:
		return x < 0
	case int:
		return x < 0
	case float64:
		return x < 0
	case money.Fen:
		return x < 0
	}
	return false
}

// next moves the focus to the next input, as Enter does.
func (f *Form) next(from *live) {
	f.check(from)
	f.checked[from.node.ID] = true
	for i, l := range f.fields {
		if l != from {
			continue
		}
		for _, n := range f.fields[i+1:] {
			if f.active(n) {
				f.focus(n)
				return
			}
		}
		return
	}
}

func (f *Form) active(l *live) bool {
	if !l.on || !f.shownInTree(l) {
		return false
	}
	if d, ok := l.el.Field.Focusable().(fyne.Disableable); ok && d.Disabled() {
		return false
	}
	return true
}

// shownInTree reports whether no visibleWhen on l or above it hides it.
func (f *Form) shownInTree(l *live) bool {
	for ; l != nil; l = l.parent {
		if !l.shown {
			return false
		}
	}
	return true
}

func (f *Form) focus(l *live) {
	target := l.el.Field.Focusable()
	if c := fyne.CurrentApp().Driver().CanvasForObject(f.object); c != nil && target != nil {
		c.Focus(target)
	}
}

// FocusFirst puts the keyboard focus in the first input that takes it. It
// does nothing until the form has been drawn on a canvas: call
// FirstFocusable and focus it on the window's canvas to focus a form just
// put in a window.
func (f *Form) FocusFirst() {
	for _, l := range f.fields {
		if f.active(l) {
			f.focus(l)
			return
		}
	}
}

// FirstFocusable is the first input that takes the keyboard focus, or nil.
func (f *Form) FirstFocusable() fyne.Focusable {
	for _, l := range f.fields {
		if f.active(l) {
			return l.el.Field.Focusable()
		}
	}
	return nil
}

// left shows the field's first broken rule when the teller leaves it.
func (f *Form) left(l *live) {
	f.checked[l.node.ID] = true
	f.check(l)
}

// check runs a field's type check and rules and shows the first problem.
func (f *Form) check(l *live) *dsl.Violation {
	if !l.shown || !f.shownInTree(l) {
		l.el.Field.SetError("")
		return nil
	}
	v := f.problem(l)
	if v != nil {
		l.el.Field.SetError(f.ctx.T(v.Message))
	} else {
		l.el.Field.SetError("")
	}
	return v
}

// problem is the first problem of a shown field's value, its type check
// first and then its rules, or nil; it shows nothing.
func (f *Form) problem(l *live) *dsl.Violation {
	if p, ok := l.el.Field.(interface{ Problem() dsl.Text }); ok {
		if msg := p.Problem(); !msg.IsZero() {
			return &dsl.Violation{Node: l.node.ID, Kind: "type", Message: msg}
		}
	}
	return f.prog.Check(l.node, l.el.Field.Value(), f.env)
}

// Problems lists what Validate would find, in tree order, without showing
// anything or moving the focus: how many fields still need attention
// after a refused submit.
func (f *Form) Problems() []*dsl.Violation {
	var out []*dsl.Violation
	f.Def.Walk(func(_ []string, n *dsl.Node) bool {
		l := f.nodes[n.ID]
		if !l.shown {
			return false
		}
		if l.el.Field != nil && n.Bind != "" && !isDisplay(n.Type) {
			if v := f.problem(l); v != nil {
				out = append(out, v)
			}
		}
		return true
	})
	return out
}

// Validate checks every visible field, shows each problem under its field,
// focuses the first one, and returns them in tree order.
func (f *Form) Validate() []*dsl.Violation {
	var out []*dsl.Violation
	var first *live
	f.Def.Walk(func(_ []string, n *dsl.Node) bool {
		l := f.nodes[n.ID]
		if !l.shown {
			return false
		}
		if l.el.Field != nil && n.Bind != "" && !isDisplay(n.Type) {
			f.checked[n.ID] = true
			if v := f.check(l); v != nil {
				out = append(out, v)
				if first == nil && l.el.Field.Focusable() != nil {
					first = l
				}
			}
		}
		return true
	})
	if first != nil {
		f.focus(first)
	}
	return out
}

func isDisplay(t string) bool { return t == "label" || t == "table" }

// Values returns the values of the visible inputs by key: what a submit
// posts. Hidden fields are left out, so a value typed and then hidden by a
// visibleWhen is not posted.
func (f *Form) Values() map[string]any {
	out := map[string]any{}
	f.Def.Walk(func(_ []string, n *dsl.Node) bool {
		l := f.nodes[n.ID]
		if !l.shown {
			return false
		}
		if l.el.Field != nil && n.Bind != "" && !isDisplay(n.Type) {
			if v := l.el.Field.Value(); v != nil {
				out[n.Bind] = v
			}
		}
		return true
	})
	return out
}

// NeedsAuthorization evaluates the form's authorize.when.
func (f *Form) NeedsAuthorization() (bool, error) {
	e := f.prog.Authorize()
	if e == nil {
		return false, nil
	}
	return e.EvalBool(f.env)
}

// Clear empties every input.
func (f *Form) Clear() {
	keys := make([]string, 0, len(f.byKey))
	for k := range f.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Take the focus away first: the field being left is checked while it
	// still holds its value, not after, so the next FocusFirst does not
	// leave an empty field complaining that it is empty.
	if c := fyne.CurrentApp().Driver().CanvasForObject(f.object); c != nil && c.Focused() != nil {
		c.Unfocus()
	}
	// Forget what was checked first: the StateBus may deliver the
	// deletions after Clear returns, and an emptied field must not then
	// complain that it is empty.
	clear(f.checked)
	tx := f.Scope.Begin()
	for _, k := range keys {
		tx.Delete(k)
	}
	// The deletions are shown here and now; their delivery, and that of
	// any edit made before them, is then older than what the form shows.
	tx.OnCommit(func() {
		for _, k := range keys {
			f.shown[k] = tx.Version()
		}
	})
	_ = tx.Commit()
	var todo []*dsl.Expr
	for _, k := range keys { // labels and tables too
		todo = append(todo, f.take(k, nil, nil)...)
	}
	for _, l := range f.fields {
		l.el.Field.SetValue(nil)
		l.el.Field.SetError("")
	}
	f.applyAll(todo)
	clear(f.typed)
	f.notify()
}

// ShowError shows msg under the visible input bound to key (a refusal
// that came back from posting, such as "insufficient funds" at the
// amount) and focuses it. It reports whether the form has such an input;
// the next edit of the field runs its rules again and replaces msg.
func (f *Form) ShowError(key, msg string) bool {
	if l := f.input(key); l != nil {
		l.el.Field.SetError(msg)
		f.focus(l)
		return true
	}
	return false
}

// MarkError shows msg under the visible input bound to key, as ShowError
// does, but leaves the focus where it is: for an answer that comes back
// while the teller types on (an account a lookup did not find).
func (f *Form) MarkError(key, msg string) bool {
	if l := f.input(key); l != nil {
		l.el.Field.SetError(msg)
		return true
	}
	return false
}

// Complete reports whether the visible input bound to key holds a value
// that passes its type check and its rules (an account number with a good
// check digit, say), without showing anything: the moment a lookup on it
// is worth running.
func (f *Form) Complete(key string) bool {
	l := f.input(key)
	if l == nil {
		return false
	}
	v := l.el.Field.Value()
	if v == nil || v == "" {
		return false
	}
	if p, ok := l.el.Field.(interface{ Problem() dsl.Text }); ok && !p.Problem().IsZero() {
		return false
	}
	return f.prog.Check(l.node, v, f.env) == nil
}

// input is the visible input bound to key, or nil.
func (f *Form) input(key string) *live {
	for _, l := range f.byKey[key] {
		if l.el.Field != nil && l.shown && f.shownInTree(l) && !isDisplay(l.node.Type) {
			return l
		}
	}
	return nil
}
