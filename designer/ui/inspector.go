package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/catalog"
	"guitai/designer"
	"guitai/dsl"
	"guitai/money"
	"guitai/widgets"
)

// Inspector edits the selected node: one editor per property of its type's
// spec (i18n as zh and en side by side, expressions checked live, enums as
// selects, money as an amount entry, bools as checks, numbers as entries,
// options as a table), plus its binding, conditions and rules (a required
// checkbox and a rule list). With nothing selected it edits
// the form's header.
type Inspector struct {
	ed    *Editor
	box   *fyne.Container
	obj   fyne.CanvasObject
	shown string // id of the node shown, "" for the header
	// entries by set key, to tell the tests where to type
	entries map[string]*docEntry
	checks  map[string]*widget.Check
	selects map[string]*widget.Select // the widget.Select of a keySelect
	notes   map[string]*widget.Label
	amounts map[string]*widgets.AmountEntry
	adds    map[string]*widget.Button // "add field" of unmapped params
	buttons map[string]*widget.Button // the lookups' remove buttons, "lookup.0.remove"
	visible func() bool               // whether the pane is in front
	stale   bool                      // the document changed while it was not

	lookupLines []string // the text of the lookups section, for tests
	contextLine string   // the context values the transaction reads, for tests
}

func newInspector(ed *Editor) *Inspector {
	in := &Inspector{ed: ed, box: container.NewVBox()}
	// Scrolls both ways: a wide editor must never push the split and
	// squeeze the canvas.
	in.obj = container.NewScroll(container.NewPadded(in.box))
	return in
}

// Entry returns the editor of a set key ("props.label.zh"), for tests.
func (in *Inspector) Entry(key string) *widget.Entry {
	if e := in.entries[key]; e != nil {
		return &e.Entry
	}
	return nil
}

// first is the editor the keyboard goes to first: a node's caption (its
// label, title or text), else its id; the form's id.
func (in *Inspector) first() fyne.Focusable {
	for _, k := range []string{"props.label.zh", "props.title.zh", "props.text.zh", "id"} {
		if e := in.entries[k]; e != nil {
			return e
		}
	}
	return nil
}

// Select returns the select of a key ("submit.txn", "param.amount"), for
// tests.
func (in *Inspector) Select(key string) *widget.Select { return in.selects[key] }

// AddButton returns the "add field" button of an unmapped param, for
// tests.
func (in *Inspector) AddButton(param string) *widget.Button { return in.adds[param] }

// Note returns the live check line under an editor, for tests.
func (in *Inspector) Note(key string) string {
	if l := in.notes[key]; l != nil {
		return l.Text
	}
	return ""
}

// sync rebuilds the editors for the selection, or, while the pane is
// behind the JSON pane, marks them stale for show.
func (in *Inspector) sync() {
	if in.visible != nil && !in.visible() {
		in.stale = true
		return
	}
	in.stale = false
	in.entries = map[string]*docEntry{}
	in.checks = map[string]*widget.Check{}
	in.selects = map[string]*widget.Select{}
	in.notes = map[string]*widget.Label{}
	in.amounts = map[string]*widgets.AmountEntry{}
	in.adds = map[string]*widget.Button{}
	in.buttons = map[string]*widget.Button{}
	doc := in.ed.doc
	id := doc.Selected()
	other := in.shown != id
	in.shown = id
	var rows []fyne.CanvasObject
	n := doc.Form().Find(id)
	if n == nil || n == doc.Form().Root {
		rows = in.header()
	} else {
		rows = in.node(n)
	}
	in.box.Objects = rows
	in.box.Refresh()
	if sc, ok := in.obj.(*container.Scroll); ok && other && sc.Offset.Y != 0 {
		sc.ScrollToTop() // another node's editors start at its top
	}
}

// show brings the editors up to date when the pane comes to the front.
func (in *Inspector) show() {
	if in.stale {
		in.sync()
	}
}

func heading(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return l
}

func caption(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// field lays out a property name above its editor, with a doc line.
func field(name, doc string, editor fyne.CanvasObject) fyne.CanvasObject {
	top := container.NewHBox(widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if doc != "" {
		// A caption cut to its width: a truncating Label would shape it
		// afresh each time the inspector is built (see lineText).
		d := newLineText(doc)
		d.sizeName = theme.SizeNameCaptionText
		return container.NewVBox(container.NewBorder(nil, nil, top, nil, d), editor)
	}
	return container.NewVBox(top, editor)
}

func (in *Inspector) entry(key, value string, set func(string)) *docEntry {
	e := newDocEntry(in.ed, false)
	e.SetText(value)
	e.OnChanged = set
	in.entries[key] = e
	return e
}

func (in *Inspector) note(key string) *widget.Label {
	l := caption("")
	l.Wrapping = fyne.TextWrapWord
	in.notes[key] = l
	return l
}

func (in *Inspector) set(id, key string, v any) {
	in.ed.report(in.ed.doc.Set(fromInspector, id, key, v))
}

func (in *Inspector) node(n *dsl.Node) []fyne.CanvasObject {
	spec := dsl.Types[n.Type]
	title := n.Type
	if spec != nil {
		title = spec.Title.Zh + " " + spec.Title.En
	}
	rows := []fyne.CanvasObject{heading(fmt.Sprintf("%s  ·  %s", n.ID, title))}
	if spec != nil && spec.Doc != "" {
		d := caption(spec.Doc)
		d.Wrapping = fyne.TextWrapWord
		rows = append(rows, d)
	}
	id := n.ID
	idEntry := newDocEntry(in.ed, false)
	idEntry.SetText(id)
	idEntry.OnSubmitted = func(to string) {
		in.ed.report(in.ed.doc.Rename(fromRename, id, strings.TrimSpace(to)))
	}
	in.entries["id"] = idEntry
	rows = append(rows, field("id", "⏎ 改名 press Enter to rename", idEntry))
	if spec != nil && spec.Value != dsl.ValueNone {
		rows = append(rows, field("bind 绑定", "state key, "+spec.Value.String(),
			in.entry("bind", n.Bind, func(s string) { in.set(id, "bind", s) })))
	}
	if spec != nil {
		for i := range spec.Props {
			rows = append(rows, in.prop(n, &spec.Props[i]))
		}
	}
	rows = append(rows, widget.NewSeparator(), heading("条件 Conditions"))
	exprKeys := []string{"visibleWhen", "enabledWhen"}
	if n.Type == "label" {
		exprKeys = append(exprKeys, "value")
	}
	for _, k := range exprKeys {
		cur := map[string]string{"visibleWhen": n.VisibleWhen, "enabledWhen": n.EnabledWhen, "value": n.Value}[k]
		rows = append(rows, in.exprEditor(id, k, k, cur, func(s string) { in.set(id, k, s) }))
	}
	if designer.OwnsBind(n.Type) {
		return append(rows, in.rulesEditor(n, spec)...)
	}
	if len(n.Rules) == 0 {
		return rows
	}
	// Rules on a node that takes none (a file written by hand): the JSON,
	// to take them out.
	rules, _ := json.Marshal(dsl.RulesJSON(n.Rules))
	re := newDocEntry(in.ed, true)
	re.SetText(string(rules))
	re.SetMinRowsVisible(3)
	note := in.note("rules")
	re.OnChanged = func(s string) {
		v, err := parseJSON(s)
		if err != nil {
			note.SetText("✗ " + err.Error())
			return
		}
		if a, ok := v.([]any); ok && len(a) == 0 {
			v = nil
		}
		note.SetText("")
		in.set(id, "rules", v)
	}
	in.entries["rules"] = re
	rows = append(rows, widget.NewSeparator(), field("rules 规则", `[{"required": true}, {"max": "50000.00"}, {"expr": "amount > 0"}]`, container.NewVBox(re, note)))
	return rows
}

func (in *Inspector) prop(n *dsl.Node, ps *dsl.PropSpec) fyne.CanvasObject {
	id, key := n.ID, "props."+ps.Name
	val, set := n.Props[ps.Name]
	switch ps.Kind {
	case dsl.PropI18n:
		t := n.PropText(ps.Name)
		if !set {
			t = dsl.Text{}
		}
		zh := in.entry(key+".zh", t.Zh, func(s string) { in.set(id, key+".zh", emptyNil(s)) })
		zh.SetPlaceHolder("中文")
		en := in.entry(key+".en", t.En, func(s string) { in.set(id, key+".en", emptyNil(s)) })
		en.SetPlaceHolder("English")
		return field(ps.Name, ps.Doc, container.NewGridWithColumns(2, zh, en))
	case dsl.PropBool:
		c := in.newCheck(ps.Doc, nil)
		c.SetChecked(n.PropBool(ps.Name))
		c.OnChanged = func(b bool) { in.set(id, key, b) }
		in.checks[key] = &c.Check
		return field(ps.Name, "", c)
	case dsl.PropEnum:
		s := in.newSelect(ps.Enum)
		s.SetSelected(n.PropString(ps.Name))
		s.OnChanged = func(v string) { in.set(id, key, v) }
		in.selects[key] = &s.Select
		return field(ps.Name, ps.Doc, s)
	case dsl.PropNumber:
		cur := ""
		if set {
			cur = fmt.Sprint(val)
		}
		note := in.note(key)
		e := in.entry(key, cur, func(s string) {
			s = strings.TrimSpace(s)
			if s == "" {
				note.SetText("")
				in.set(id, key, nil)
				return
			}
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				note.SetText("✗ 不是数字 not a number")
				return
			}
			note.SetText("")
			in.set(id, key, json.Number(s))
		})
		if ps.Default != nil {
			e.SetPlaceHolder(fmt.Sprint(ps.Default))
		}
		return field(ps.Name, ps.Doc, container.NewVBox(e, note))
	case dsl.PropMoney:
		a := widgets.NewAmountEntry()
		if cur, ok := val.(string); ok {
			if f, err := money.Parse(cur); err == nil {
				a.SetValue(f)
			}
		}
		a.OnChanged = func(v money.Fen, empty bool) {
			if empty {
				in.set(id, key, nil)
				return
			}
			in.set(id, key, v.String())
		}
		in.amounts[key] = a
		return field(ps.Name+" ¥", ps.Doc, a)
	case dsl.PropExpr:
		cur, _ := val.(string)
		return in.exprEditor(id, key, ps.Name, cur, func(s string) { in.set(id, key, emptyNil(s)) })
	case dsl.PropOptions, dsl.PropColumns:
		if ps.Kind == dsl.PropOptions {
			if table, ok := in.optionsTable(n, ps); ok {
				return table
			}
		}
		raw, _ := json.Marshal(val)
		if !set {
			raw = []byte("[]")
		}
		e := newDocEntry(in.ed, true)
		e.SetText(string(raw))
		e.SetMinRowsVisible(3)
		note := in.note(key)
		e.OnChanged = func(s string) {
			v, err := parseJSON(s)
			if _, ok := v.([]any); err == nil && !ok {
				err = fmt.Errorf("want an array")
			}
			if err != nil {
				note.SetText("✗ " + err.Error())
				return
			}
			note.SetText("")
			in.set(id, key, v)
		}
		in.entries[key] = e
		hint := `[{"value": "a", "label": {"zh": "甲", "en": "A"}}]`
		if ps.Kind == dsl.PropColumns {
			hint = `[{"key": "amount", "title": {"zh": "金额"}, "kind": "money"}]`
		}
		return field(ps.Name, hint, container.NewVBox(e, note))
	default: // PropText
		cur, _ := val.(string)
		e := in.entry(key, cur, func(s string) { in.set(id, key, emptyNil(s)) })
		if ps.Default != nil {
			e.SetPlaceHolder(fmt.Sprint(ps.Default))
		}
		return field(ps.Name, ps.Doc, e)
	}
}

// exprEditor is an entry whose expression is compiled against the form's
// fields on every keystroke; the verdict shows under it.
func (in *Inspector) exprEditor(id, key, name, cur string, set func(string)) fyne.CanvasObject {
	note := in.note(key)
	check := func(s string) {
		k := strings.TrimPrefix(key, "props.")
		if msg := designer.ExprProblem(in.ed.doc.Form(), id, k, s); msg != "" {
			note.SetText("✗ " + msg)
			note.Importance = widget.DangerImportance
		} else if strings.TrimSpace(s) != "" {
			note.SetText("✓ 表达式有效 expression OK")
			note.Importance = widget.SuccessImportance
		} else {
			note.SetText("")
		}
		note.Refresh()
	}
	e := in.entry(key, cur, func(s string) {
		check(s)
		set(s)
	})
	e.SetPlaceHolder("amount > 50000")
	check(cur)
	return field(name, "", container.NewVBox(e, note))
}

func (in *Inspector) header() []fyne.CanvasObject {
	doc := in.ed.doc
	f := doc.Form()
	hset := func(field string, edit func(h *designer.Header, s string)) func(string) {
		return func(s string) {
			in.ed.report(doc.SetHeader(fromInspector, field, func(h *designer.Header) { edit(h, s) }))
		}
	}
	zh := in.entry("title.zh", f.Title.Zh, hset("title.zh", func(h *designer.Header, s string) { h.Title.Zh = s }))
	en := in.entry("title.en", f.Title.En, hset("title.en", func(h *designer.Header, s string) { h.Title.En = s }))
	rows := []fyne.CanvasObject{
		heading("表单 Form  ·  " + f.ID),
		field("id", "stable identifier of the form", in.entry("id", f.ID, hset("id", func(h *designer.Header, s string) { h.ID = s }))),
		field("version", "MAJOR.MINOR.PATCH; publish raises it", in.entry("version", f.Version, hset("version", func(h *designer.Header, s string) { h.Version = s }))),
		field("code 快捷码", "3 to 6 digits typed by the teller", in.entry("code", f.Code, hset("code", func(h *designer.Header, s string) { h.Code = s }))),
		field("title 标题", "", container.NewGridWithColumns(2, zh, en)),
		in.txnEditor(hset),
	}
	rows = append(rows, in.bindings()...)
	rows = append(rows, in.lookups()...)
	if f.Root != nil {
		if ps := dsl.Types["form"].Prop("labelWidth"); ps != nil {
			rows = append(rows, in.prop(f.Root, ps))
		}
	}
	rows = append(rows, layout.NewSpacer())
	return rows
}

func emptyNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func parseJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// txnEditor chooses the catalog transaction the form posts: a select over
// the catalog when there is one, else an entry.
func (in *Inspector) txnEditor(hset func(string, func(*designer.Header, string)) func(string)) fyne.CanvasObject {
	f := in.ed.doc.Form()
	cur := ""
	if f.Submit != nil {
		cur = f.Submit.Txn
	}
	setTxn := func(h *designer.Header, s string) {
		if s == "" {
			h.Submit = nil
			return
		}
		if h.Submit == nil {
			h.Submit = &dsl.Submit{}
		}
		h.Submit.Txn = s
	}
	cat := in.ed.doc.Catalog
	if len(cat) == 0 {
		return field("submit.txn 交易", "catalog transaction posted on submit", in.entry("submit.txn", cur, hset("submit.txn", setTxn)))
	}
	var opts []string
	byOpt := map[string]string{}
	sel := ""
	for _, id := range cat.IDs() {
		t := cat[id]
		o := fmt.Sprintf("%s %s %s", t.Code, id, t.Title.Zh)
		opts = append(opts, o)
		byOpt[o] = id
		if id == cur {
			sel = o
		}
	}
	s := in.newSelect(opts)
	if sel != "" {
		s.SetSelected(sel)
	} else if cur != "" {
		s.PlaceHolder = cur + " ✗ 不在交易目录 not in the catalog"
	}
	s.OnChanged = func(o string) {
		in.ed.report(in.ed.doc.SetHeader(fromBinding, "submit.txn", func(h *designer.Header) { setTxn(h, byOpt[o]) }))
	}
	in.selects["submit.txn"] = &s.Select
	return field("submit.txn 交易", "catalog transaction posted on submit", s)
}

// bindings is the binding editor: each param of the form's transaction
// with the field feeding it (chosen among the inputs of a fitting type, or
// added), and what is unmapped or of the wrong type; then the context
// values the transaction reads, which the session supplies.
func (in *Inspector) bindings() []fyne.CanvasObject {
	doc := in.ed.doc
	f := doc.Form()
	t, rows, extra := doc.Catalog.Bindings(f)
	in.contextLine = ""
	if t == nil {
		return nil
	}
	out := []fyne.CanvasObject{widget.NewSeparator(), heading("参数绑定 Param bindings · " + t.ID)}
	for _, b := range rows {
		b := b
		req := ""
		if b.Param.Required {
			req = " *"
		}
		name := widget.NewLabelWithStyle(b.Param.Name+req, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		status := caption("")
		status.Wrapping = fyne.TextWrapWord
		switch {
		case b.Problem != "":
			status.SetText("✗ " + b.Problem)
			status.Importance = widget.DangerImportance
		case b.Node == "":
			status.SetText("— 未绑定（可选）unmapped, optional")
		default:
			status.SetText("✓ " + b.Node + " (" + b.Type.String() + ")")
			status.Importance = widget.SuccessImportance
		}
		// Candidates: inputs whose value type fits the param.
		want := catalog.ParamTypes[b.Param.Type]
		var opts []string
		f.Walk(func(_ []string, n *dsl.Node) bool {
			if s, ok := dsl.Types[n.Type]; ok && s.Value == want && n.Type != "label" && !n.PropBool("readOnly") {
				opts = append(opts, n.ID)
			}
			return true
		})
		pick := in.newSelect(opts)
		pick.PlaceHolder = "选择字段 map to field"
		if b.Node != "" {
			pick.SetSelected(b.Node)
		}
		pick.OnChanged = func(id string) {
			in.ed.report(doc.Set(fromBinding, id, "bind", b.Param.Name))
		}
		in.selects["param."+b.Param.Name] = &pick.Select
		line := container.NewBorder(nil, nil, container.NewHBox(name, caption(b.Param.Type)), nil, pick)
		var under fyne.CanvasObject = status
		if b.Node == "" {
			// The button stands by the status line, not the picker: the
			// row stays as narrow as the pane.
			add := widget.NewButton("＋ 添加字段 add field", func() {
				n, err := designer.NewNode(f, designer.WidgetFor[b.Param.Type])
				if err != nil {
					in.ed.report(err)
					return
				}
				n.Bind = b.Param.Name
				in.ed.report(doc.InsertNode(fromBinding, "添加参数字段 Add field "+b.Param.Name, n, []string{f.Root.ID}, len(f.Root.Children)))
			})
			add.Importance = widget.LowImportance
			in.adds[b.Param.Name] = add
			under = container.NewBorder(nil, nil, nil, add, status)
		}
		out = append(out, line, under)
	}
	if ctx := designer.ContextUsed(t); len(ctx) > 0 {
		l := caption("会话提供 from the session: " + strings.Join(ctx, ", "))
		l.Wrapping = fyne.TextWrapWord
		in.contextLine = l.Text
		out = append(out, l)
	}
	for _, b := range extra {
		l := caption("✗ " + b.Problem)
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		out = append(out, l)
	}
	return out
}

// lookups is the lookups section of the binding editor (the form's
// top-level "lookups", see dsl.Lookup): each one's transaction, the keys
// that run it, where its params are read from and its results written to,
// and the catalog's problems with it; checks choose its "on" keys, a
// select per param the key it is read from, a select per returned value
// or rows the key it is written to (or none: designer.SetLookupFill), a
// button removes it, and a select of the catalog's read-only transactions
// adds one. Every change is one undo step of the document.
func (in *Inspector) lookups() []fyne.CanvasObject {
	doc := in.ed.doc
	f := doc.Form()
	ls := designer.Lookups(doc.Catalog, f)
	in.lookupLines = nil
	readOnly := designer.ReadOnlyTxns(doc.Catalog)
	if len(ls) == 0 && len(readOnly) == 0 {
		return nil
	}
	out := []fyne.CanvasObject{widget.NewSeparator(), heading(fmt.Sprintf("查询 Lookups (%d)", len(ls)))}
	fields := f.Fields()
	for _, l := range ls {
		l := l
		title := l.Lookup.Txn
		if l.Txn != nil {
			title += " " + l.Txn.Title.Zh
		}
		lines := []string{fmt.Sprintf("#%d %s", l.Index, title)}
		if len(l.Lookup.On) == 0 {
			lines = append(lines, "  运行 runs: 打开表单时 when the form opens")
		} else {
			lines = append(lines, "  运行 runs on: "+strings.Join(l.Lookup.On, ", "))
		}
		if l.Txn != nil {
			for _, p := range l.Txn.Params {
				lines = append(lines, fmt.Sprintf("  参数 param %s (%s) ← %s", p.Name, p.Type, l.Lookup.Param(p.Name)))
			}
		} else {
			for _, name := range sortedKeys(l.Lookup.Params) {
				lines = append(lines, fmt.Sprintf("  参数 param %s ← %s", name, l.Lookup.Params[name]))
			}
		}
		if l.Lookup.Fill == nil {
			lines = append(lines, "  回填 fill: 同名字段 keys of the same name")
		}
		for _, name := range sortedKeys(l.Lookup.Fill) {
			lines = append(lines, fmt.Sprintf("  回填 fill %s → %s", name, l.Lookup.Fill[name]))
		}
		body := caption(strings.Join(lines, "\n"))
		body.Wrapping = fyne.TextWrapWord
		out = append(out, body)
		in.lookupLines = append(in.lookupLines, body.Text)
		out = append(out, in.lookupEditors(l, fields)...)
		if len(l.Problems) == 0 && l.Txn != nil {
			ok := caption("✓ 目录检查通过 catalog OK")
			ok.Importance = widget.SuccessImportance
			out = append(out, ok)
			in.lookupLines = append(in.lookupLines, ok.Text)
		}
		for _, p := range l.Problems {
			bad := caption("✗ " + p)
			bad.Importance = widget.DangerImportance
			bad.Wrapping = fyne.TextWrapWord
			out = append(out, bad)
			in.lookupLines = append(in.lookupLines, bad.Text)
		}
	}
	if len(readOnly) > 0 {
		var opts []string
		byOpt := map[string]string{}
		for _, id := range readOnly {
			o := id + " " + doc.Catalog[id].Title.Zh
			opts = append(opts, o)
			byOpt[o] = id
		}
		add := in.newSelect(opts)
		add.PlaceHolder = "＋ 添加查询 add lookup"
		add.OnChanged = func(o string) {
			in.ed.report(doc.AddLookup(fromBinding, byOpt[o]))
		}
		in.selects["lookup.add"] = &add.Select
		out = append(out, add)
	}
	return out
}

// lookupEditors are the editors of one lookup: a check per bound key for
// "on", a select per param of its transaction, and its remove button.
func (in *Inspector) lookupEditors(l designer.LookupInfo, fields []dsl.Field) []fyne.CanvasObject {
	doc := in.ed.doc
	i := l.Index
	pre := fmt.Sprintf("lookup.%d.", i)
	var out []fyne.CanvasObject
	on := map[string]bool{}
	for _, k := range l.Lookup.On {
		on[k] = true
	}
	var checks []fyne.CanvasObject
	for _, fl := range fields {
		key := fl.Key
		c := in.newCheck(key, nil)
		c.SetChecked(on[key])
		c.OnChanged = func(b bool) {
			// The keys in the form's order; keys not bound stay as they are.
			var keys []string
			for _, k := range l.Lookup.On {
				if k != key {
					keys = append(keys, k)
				}
			}
			if b {
				keys = append(keys, key)
			}
			in.ed.report(doc.SetLookupOn(fromBinding, i, keys))
		}
		in.checks[pre+"on."+key] = &c.Check
		checks = append(checks, c)
	}
	if len(checks) > 0 {
		out = append(out, field("on 运行于", "不选：打开表单时 none: when the form opens", container.NewGridWithColumns(2, checks...)))
	}
	if l.Txn != nil {
		for _, p := range l.Txn.Params {
			p := p
			want := catalog.ParamTypes[p.Type]
			var opts []string
			for _, fl := range fields {
				if fl.Type == want {
					opts = append(opts, fl.Key)
				}
			}
			pick := in.newSelect(opts)
			cur := l.Lookup.Param(p.Name)
			pick.PlaceHolder = cur + " ✗"
			for _, o := range opts {
				if o == cur {
					pick.SetSelected(cur)
				}
			}
			pick.OnChanged = func(k string) {
				in.ed.report(doc.SetLookupParam(fromBinding, i, p.Name, k))
			}
			in.selects[pre+"param."+p.Name] = &pick.Select
			name := widget.NewLabel(fmt.Sprintf("%s (%s) ←", p.Name, p.Type))
			out = append(out, container.NewBorder(nil, nil, name, nil, pick))
		}
	}
	out = append(out, in.fillEditors(l, fields)...)
	rm := widget.NewButton(fmt.Sprintf("✕ 删除查询 remove lookup #%d", i), func() {
		in.ed.report(doc.RemoveLookup(fromBinding, i))
	})
	rm.Importance = widget.LowImportance
	in.buttons[pre+"remove"] = rm
	return append(out, rm)
}

// notFilled is the fill select's option for a returned name not written.
const notFilled = "— 不回填 not filled"

// fillEditors are the selects of a lookup's "fill", one per value or rows
// its transaction returns ("lookup.0.fill.acct_name"): the form keys of a
// type it fits (all keys when its type is unknown) and notFilled. The
// selected one is where the lookup writes it now (dsl.Lookup.Target). None
// when the catalog lacks the transaction: fill is then edited in the JSON.
func (in *Inspector) fillEditors(l designer.LookupInfo, fields []dsl.Field) []fyne.CanvasObject {
	returns := designer.LookupReturns(l.Txn)
	if len(returns) == 0 {
		return nil
	}
	doc := in.ed.doc
	i := l.Index
	bound := map[string]bool{}
	for _, fl := range fields {
		bound[fl.Key] = true
	}
	rows := []fyne.CanvasObject{}
	for _, r := range returns {
		r := r
		var opts []string
		for _, fl := range fields {
			if fillFits(fl.Type, r.Kind) {
				opts = append(opts, fl.Key)
			}
		}
		opts = append(opts, notFilled)
		pick := in.newSelect(opts)
		cur, ok := l.Lookup.Target(r.Name)
		switch {
		case !ok || l.Lookup.Fill == nil && !bound[cur]:
			pick.SetSelected(notFilled)
		case slices.Contains(opts, cur):
			pick.SetSelected(cur)
		default: // a key not bound, or of another type
			pick.PlaceHolder = cur + " ✗"
		}
		shown := pick.Selected
		pick.OnChanged = func(o string) {
			k := o
			if o == notFilled {
				k = ""
			}
			err := doc.SetLookupFill(fromBinding, i, r.Name, k)
			in.ed.report(err)
			if err != nil { // refused: show what the form still says
				pick.Selected = shown
				pick.Refresh()
			}
		}
		in.selects[fmt.Sprintf("lookup.%d.fill.%s", i, r.Name)] = &pick.Select
		name := widget.NewLabel(fmt.Sprintf("%s (%s) →", r.Name, r.Type))
		rows = append(rows, container.NewBorder(nil, nil, name, nil, pick))
	}
	return append([]fyne.CanvasObject{caption("回填 fill: 返回值写入的字段 where each returned value goes")}, rows...)
}

// fillFits says whether a field of type field can be written a returned
// value of type val: the same type, or a label (any value but rows).
func fillFits(field, val dsl.ValueType) bool {
	switch {
	case val == dsl.ValueNone:
		return true
	case field == dsl.ValueAny:
		return val != dsl.ValueRows
	}
	return field == val
}

// LookupLines is the text the lookups section shows, for tests.
func (in *Inspector) LookupLines() []string { return in.lookupLines }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// keySelect is a select of the inspector: Escape leaves it and the
// function keys work on it, as in the inspector's entries.
type keySelect struct {
	widget.Select
	ed *Editor
}

func (in *Inspector) newSelect(opts []string) *keySelect {
	s := &keySelect{ed: in.ed}
	s.Options = opts
	s.PlaceHolder = "(选择 select)"
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey leaves the select on Escape and runs the function keys; Space
// and the arrows open and move it as usual.
func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		s.ed.win.Canvas().Unfocus()
		return
	}
	if s.ed.functionKey(k) {
		return
	}
	s.Select.TypedKey(k)
}
