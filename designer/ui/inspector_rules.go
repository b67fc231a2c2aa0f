package ui

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
	"guitai/dsl"
)

// The options table and the rule list edit a node's choices and rules
// with controls: an entry per cell, a button per row to remove it, one to
// add a row, a checkbox for "required". Each edit sets the whole list on
// the node (one undo step per typing burst, as for any property); adding
// or removing a row is a step of its own and rebuilds the pane.

// optionsTable edits a choice field's options: value, Chinese and English
// label per row. Options that are not a list of objects (a file written by
// hand) get the JSON editor instead, to be put right.
func (in *Inspector) optionsTable(n *dsl.Node, ps *dsl.PropSpec) (fyne.CanvasObject, bool) {
	id, key := n.ID, "props."+ps.Name
	var rows []map[string]any
	switch v := n.Props[ps.Name].(type) {
	case nil:
	case []any:
		for _, e := range v {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			rows = append(rows, m)
		}
	default:
		return nil, false
	}
	// current reads the options as the document has them now: an edit
	// of one cell keeps what the others hold.
	current := func() []any {
		n := in.ed.doc.Form().Find(id)
		if n == nil {
			return nil
		}
		v, _ := dsl.CloneValue(n.Props[ps.Name]).([]any)
		return v
	}
	setRows := func(v []any) {
		if v == nil {
			v = []any{}
		}
		in.set(id, key, v)
	}
	cell := func(i int, col string) func(string) {
		return func(s string) {
			v := current()
			if i >= len(v) {
				return
			}
			m, _ := v[i].(map[string]any)
			if col == "value" {
				m["value"] = s
			} else {
				label, _ := m["label"].(map[string]any)
				if label == nil {
					label = map[string]any{}
				}
				if s == "" {
					delete(label, col)
				} else {
					label[col] = s
				}
				m["label"] = label
			}
			setRows(v)
		}
	}
	grid := container.New(&optionsLayout{})
	for _, h := range []string{"值 value", "中文", "English", ""} {
		grid.Add(caption(h))
	}
	for i, m := range rows {
		value, _ := m["value"].(string)
		label, _ := m["label"].(map[string]any)
		zh, _ := label["zh"].(string)
		en, _ := label["en"].(string)
		prefix := fmt.Sprintf("%s.%d.", key, i)
		ve := in.entry(prefix+"value", value, cell(i, "value"))
		ve.SetPlaceHolder("a")
		grid.Add(ve)
		grid.Add(in.entry(prefix+"zh", zh, cell(i, "zh")))
		grid.Add(in.entry(prefix+"en", en, cell(i, "en")))
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			v := current()
			if i < len(v) {
				in.ed.doc.Seal()
				setRows(append(v[:i], v[i+1:]...))
				in.ed.doc.Seal()
				in.sync()
			}
		})
		del.Importance = widget.LowImportance
		in.buttons[prefix+"remove"] = del
		grid.Add(del)
	}
	add := widget.NewButtonWithIcon("添加选项 add option", theme.ContentAddIcon(), func() {
		v := current()
		value := "opt" + strconv.Itoa(len(v)+1)
		in.ed.doc.Seal()
		setRows(append(v, map[string]any{"value": value, "label": map[string]any{"zh": "选项" + strconv.Itoa(len(v)+1)}}))
		in.ed.doc.Seal()
		in.sync()
		if e := in.entries[fmt.Sprintf("%s.%d.value", key, len(v))]; e != nil {
			in.ed.win.Canvas().Focus(e)
		}
	})
	add.Importance = widget.LowImportance
	in.buttons[key+".add"] = add
	note := in.note(key)
	return field(ps.Name+" 选项", ps.Doc, container.NewVBox(grid, container.NewHBox(add), note)), true
}

// optionsLayout lays out the options table four cells to a row: the
// value, Chinese and English columns share the width (the labels wider),
// the remove button takes its own.
type optionsLayout struct{}

// MinSize is the height of the rows and the narrowest width that shows
// them.
func (optionsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for i := 0; i < len(objs); i += 4 {
		rh := float32(0)
		for _, o := range objs[i:min(i+4, len(objs))] {
			rh = max(rh, o.MinSize().Height)
		}
		h += rh + theme.Padding()
	}
	return fyne.NewSize(240, h)
}

// Layout places the cells row by row.
func (optionsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	btn := theme.IconInlineSize() + theme.InnerPadding()*2
	rest := max(size.Width-btn-pad*3, 0)
	widths := []float32{rest * 0.26, rest * 0.37, rest * 0.37, btn}
	y := float32(0)
	for i := 0; i < len(objs); i += 4 {
		row := objs[i:min(i+4, len(objs))]
		rh := float32(0)
		for _, o := range row {
			rh = max(rh, o.MinSize().Height)
		}
		x := float32(0)
		for j, o := range row {
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(widths[j], rh))
			x += widths[j] + pad
		}
		y += rh + pad
	}
}

// ruleKinds are the rules a field holding a value of each type takes, as
// dsl's validation allows them; "required" has its own checkbox and every
// type takes "expr".
var ruleKinds = map[dsl.ValueType][]string{
	dsl.ValueString: {"luhn", "idcard", "phone", "pattern", "minLen", "maxLen", "expr"},
	dsl.ValueDate:   {"pattern", "expr"},
	dsl.ValueMoney:  {"min", "max", "expr"},
	dsl.ValueInt:    {"min", "max", "expr"},
	dsl.ValueBool:   {"expr"},
}

// ruleDocs say what each rule's argument is.
var ruleDocs = map[string]string{
	"luhn":    "卡号校验位 card check digit",
	"idcard":  "身份证号校验 ID number check",
	"phone":   "电话号码 phone number",
	"pattern": "正则 regular expression",
	"minLen":  "最少字数 at least n characters",
	"maxLen":  "最多字数 at most n characters",
	"min":     "最小值 at least",
	"max":     "最大值 at most",
	"expr":    "表达式为真 expression holds",
}

// flagRule reports whether a rule takes no argument ({"luhn": true}).
func flagRule(kind string) bool {
	switch kind {
	case "required", "luhn", "idcard", "phone":
		return true
	}
	return false
}

// rulesEditor edits a field's rules: "required" as a checkbox, the others
// as a list, each with its argument, its message in Chinese and English
// and a remove button, and a select that adds one of the rules the
// field's type takes.
func (in *Inspector) rulesEditor(n *dsl.Node, spec *dsl.TypeSpec) []fyne.CanvasObject {
	id := n.ID
	current := func() []any {
		n := in.ed.doc.Form().Find(id)
		if n == nil {
			return nil
		}
		return dsl.RulesJSON(n.Rules)
	}
	setRules := func(v []any) {
		if len(v) == 0 {
			in.set(id, "rules", nil)
			return
		}
		in.set(id, "rules", v)
	}
	required := false
	for _, r := range n.Rules {
		required = required || r.Kind == "required"
	}
	req := in.newCheck("必填 required: 不能留空 the field cannot be left empty", func(on bool) {
		var out []any
		for _, r := range current() {
			if _, ok := r.(map[string]any)["required"]; !ok {
				out = append(out, r)
			}
		}
		if on {
			out = append([]any{map[string]any{"required": true}}, out...)
		}
		in.ed.doc.Seal()
		setRules(out)
		in.ed.doc.Seal()
		in.sync()
	})
	req.Checked = required
	in.checks["rules.required"] = &req.Check
	out := []fyne.CanvasObject{widget.NewSeparator(), heading("规则 Rules"), req}

	for i, r := range n.Rules {
		if r.Kind == "required" && r.Message.IsZero() {
			continue // the checkbox says it all
		}
		out = append(out, in.ruleRow(id, i, r, current, setRules, spec))
	}

	var kinds []string
	if spec != nil {
		kinds = ruleKinds[spec.Value]
	}
	if len(kinds) > 0 {
		labels := make([]string, len(kinds))
		byLabel := map[string]string{}
		for i, k := range kinds {
			labels[i] = k + " · " + ruleDocs[k]
			byLabel[labels[i]] = k
		}
		add := in.newSelect(labels)
		add.PlaceHolder = "＋ 添加规则 add a rule"
		add.OnChanged = func(label string) {
			k := byLabel[label]
			var arg any = true
			switch {
			case k == "min" || k == "max":
				if spec.Value == dsl.ValueMoney {
					arg = "0.00"
				} else {
					arg = json.Number("0")
				}
			case k == "minLen" || k == "maxLen":
				arg = json.Number("1")
			case !flagRule(k):
				arg = ""
			}
			v := current()
			in.ed.doc.Seal()
			setRules(append(v, map[string]any{k: arg}))
			in.ed.doc.Seal()
			in.sync()
			if e := in.entries[fmt.Sprintf("rules.%d.arg", len(v))]; e != nil {
				in.ed.win.Canvas().Focus(e)
			}
		}
		in.selects["rules.add"] = &add.Select
		out = append(out, add)
	}
	out = append(out, in.note("rules"))
	return out
}

// ruleRow is one rule of the list: its kind, its argument, its message
// and a button that removes it.
func (in *Inspector) ruleRow(id string, i int, r dsl.Rule, current func() []any, setRules func([]any), spec *dsl.TypeSpec) fyne.CanvasObject {
	prefix := fmt.Sprintf("rules.%d.", i)
	edit := func(fn func(m map[string]any)) {
		v := current()
		if i >= len(v) {
			return
		}
		fn(v[i].(map[string]any))
		setRules(v)
	}
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		v := current()
		if i < len(v) {
			in.ed.doc.Seal()
			setRules(append(v[:i], v[i+1:]...))
			in.ed.doc.Seal()
			in.sync()
		}
	})
	del.Importance = widget.LowImportance
	in.buttons[prefix+"remove"] = del
	kind := widget.NewLabelWithStyle(r.Kind, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	var arg fyne.CanvasObject = caption(ruleDocs[r.Kind])
	if !flagRule(r.Kind) {
		note := in.note(prefix + "arg")
		// An expression is compiled against the form's fields as it is
		// typed, as visibleWhen is; it goes in even when it does not
		// compile yet (a field still to be added), Problems saying so.
		check := func(s string) {
			if r.Kind != "expr" {
				return
			}
			if msg := designer.ExprProblem(in.ed.doc.Form(), id, fmt.Sprintf("rules/%d/expr", i), s); msg != "" {
				note.SetText("✗ " + msg)
				note.Importance = widget.DangerImportance
			} else if strings.TrimSpace(s) != "" {
				note.SetText("✓ 表达式有效 expression OK")
				note.Importance = widget.SuccessImportance
			}
			note.Refresh()
		}
		e := in.entry(prefix+"arg", argText(r.Arg), func(s string) {
			v, err := ruleArg(r.Kind, s, spec)
			if err != nil {
				note.SetText("✗ " + err.Error())
				return
			}
			note.SetText("")
			check(s)
			edit(func(m map[string]any) { m[r.Kind] = v })
		})
		e.SetPlaceHolder(ruleDocs[r.Kind])
		check(argText(r.Arg))
		arg = container.NewVBox(e, note)
	}
	msg := func(lang string) *docEntry {
		cur := r.Message.Zh
		if lang == "en" {
			cur = r.Message.En
		}
		e := in.entry(prefix+"message."+lang, cur, func(s string) {
			edit(func(m map[string]any) {
				t, _ := m["message"].(map[string]any)
				if t == nil {
					t = map[string]any{}
				}
				if s == "" {
					delete(t, lang)
				} else {
					t[lang] = s
				}
				if len(t) == 0 {
					delete(m, "message")
				} else {
					m["message"] = t
				}
			})
		})
		e.SetPlaceHolder(map[string]string{"zh": "提示（中文）", "en": "message (English)"}[lang])
		return e
	}
	return container.NewVBox(
		container.NewBorder(nil, nil, kind, del, arg),
		container.NewGridWithColumns(2, msg("zh"), msg("en")),
	)
}

// argText is a rule's argument as its entry shows it: a string as it is,
// anything else as JSON.
func argText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// ruleArg reads what was typed as the argument of a rule of kind: a whole
// number for minLen and maxLen and for min and max of a whole-number
// field, an amount string for min and max of a money field, the text for
// the others.
func ruleArg(kind, s string, spec *dsl.TypeSpec) (any, error) {
	s = strings.TrimSpace(s)
	switch kind {
	case "minLen", "maxLen":
		if _, err := strconv.Atoi(s); err != nil {
			return nil, fmt.Errorf("不是整数 not a whole number")
		}
		return json.Number(s), nil
	case "min", "max":
		if spec != nil && spec.Value == dsl.ValueMoney {
			return s, nil // validation says whether it is an amount
		}
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return nil, fmt.Errorf("不是整数 not a whole number")
		}
		return json.Number(s), nil
	}
	return s, nil
}
