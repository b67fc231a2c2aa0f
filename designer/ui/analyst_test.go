package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"guitai/designer"
	"guitai/dsl"
)

// TestDroppedDateFieldAndDuplicateKeys: a date field dropped on the canvas
// binds no reserved name, and Ctrl+D says the copy binds a key of its own.
func TestDroppedDateFieldAndDuplicateKeys(t *testing.T) {
	ed, w := newEditor(t, designer.New(designer.Blank("x")))
	dragPalette(t, ed, w, "date", fyne.NewPos(100, 20))
	n := ed.doc.Form().Find("date")
	if n == nil || n.Bind != "date_value" {
		t.Fatalf("the dropped date field: %+v, want bind date_value", n)
	}
	if probs := ed.doc.Problems(); len(probs) > 0 {
		t.Errorf("a dropped date field has problems: %v", probs[0].Msg)
	}
	ed.doc.Select(fromKeys, "date")
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault})
	c := ed.doc.Form().Find(ed.doc.Selected())
	if c == nil || c.ID != "date_2" || c.Bind != "date_value_2" {
		t.Fatalf("Ctrl+D made %+v", c)
	}
	if s := ed.statusL.Text; !strings.Contains(s, "date_value_2") || !strings.Contains(s, "new key") {
		t.Errorf("status after Ctrl+D: %q", s)
	}
}

// writeForm writes cash_withdrawal.form.json with one replacement into a
// temporary file and returns its path and text.
func writeForm(t *testing.T, old, new string) (string, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(raw), old, new, 1)
	if src == string(raw) {
		t.Fatalf("cash_withdrawal.form.json has no %s", old)
	}
	path := filepath.Join(t.TempDir(), "cw.form.json")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, []byte(src)
}

// TestInvalidFileOpensWithItsProblems: a form with validation problems
// opens as the form, its problems listed.
func TestInvalidFileOpensWithItsProblems(t *testing.T) {
	ed, _ := newEditor(t, designer.New(designer.Blank("x")))
	path, _ := writeForm(t, `"bind": "amount"`, `"bind": "date"`)
	ed.OpenFile(path)
	if ed.doc.Path != path || ed.doc.Form().Find("amount") == nil {
		t.Fatalf("not opened: path %q", ed.doc.Path)
	}
	if n := len(ed.problems.Items()); n == 0 {
		t.Fatal("no problems listed")
	}
	if s := ed.statusL.Text; !strings.Contains(s, "problem") {
		t.Errorf("status %q does not say the form has problems", s)
	}
	if ed.Repairing() != "" {
		t.Error("a form that reads opened for repair")
	}
}

// TestUnreadableFileOpensAsTextForRepair: a file that does not read as a
// form (a value of the wrong shape, malformed JSON) opens as text in the
// JSON source with its problems listed; Save refuses until the text is
// repaired, then writes it back to its file.
func TestUnreadableFileOpensAsTextForRepair(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
	}{
		{"wrong shape", `"bind": "amount"`, `"bind": 5`},
		{"malformed", `"bind": "amount"`, `"bind": "amount",,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ed, w := newEditor(t, designer.New(designer.Blank("x")))
			path, raw := writeForm(t, tc.old, tc.new)
			ed.OpenFile(path)
			if ed.Repairing() != path {
				t.Fatalf("not open for repair: %q", ed.Repairing())
			}
			if ed.source.Entry().Text != string(raw) || !ed.source.Entry().Visible() {
				t.Fatal("the JSON source does not show the file's text")
			}
			probs := ed.problems.TextProblems()
			if len(probs) == 0 {
				t.Fatal("the text's problems are not listed")
			}
			line := strings.Count(string(raw[:strings.Index(string(raw), tc.new)]), "\n") + 1
			if probs[0].Line != line {
				t.Errorf("first problem on line %d, want %d: %v", probs[0].Line, line, probs[0])
			}
			if title := w.Title(); !strings.Contains(title, "cw.form.json") || !strings.Contains(title, "needs repair") {
				t.Errorf("title %q", title)
			}
			// A click on the problem puts the caret on its line.
			ed.source.Entry().CursorRow = 0
			ed.problems.Select(0)
			if got := ed.source.Entry().CursorRow; got != line-1 {
				t.Errorf("caret on row %d after a click on the problem, want %d", got, line-1)
			}
			// Selecting elsewhere leaves the text alone.
			ed.doc.Select(fromTree, ed.doc.Form().Root.ID)
			if ed.source.Entry().Text != string(raw) {
				t.Fatal("a selection replaced the text being repaired")
			}
			ed.Save(false)
			if ed.LastError() == nil {
				t.Error("Save of a text that does not read said nothing")
			}
			if now, _ := os.ReadFile(path); string(now) != string(raw) {
				t.Fatal("Save wrote the file before it was repaired")
			}
			// Closing asks: the text is in no file and not in the form.
			before := len(w.Canvas().Overlays().List())
			ed.CloseIntercept()
			if len(w.Canvas().Overlays().List()) != before+1 {
				t.Fatal("closing while repairing did not ask")
			}
			w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
			// Repair it: the text becomes the form, and Save writes it.
			ed.source.SetText(strings.Replace(string(raw), tc.new, tc.old, 1))
			if ed.Repairing() != "" || ed.doc.Path != path || ed.doc.Form().Find("amount") == nil {
				t.Fatalf("after the repair: repairing %q, path %q", ed.Repairing(), ed.doc.Path)
			}
			if len(ed.problems.TextProblems()) != 0 {
				t.Error("the text's problems still listed")
			}
			ed.Save(false)
			f, err := dsl.Decode(mustRead(t, path))
			if err != nil || f.Find("amount").Bind != "amount" {
				t.Fatalf("the repaired file: %v", err)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDoneOnInvalidTextAsks: Done on whole-form text that does not read
// asks; Keep editing keeps the text, Discard goes back to the form.
func TestDoneOnInvalidTextAsks(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	bad := strings.Replace(ed.source.Entry().Text, `"bind": "amount"`, `"bind": `, 1)
	ed.source.SetText(bad)
	if ed.source.Problem() == "" {
		t.Fatal("the broken text shows no problem")
	}
	ed.source.EditWhole(false)
	if ed.source.asked == nil || ed.source.Reading() || ed.source.Entry().Text != bad {
		t.Fatal("Done on a broken draft did not ask, or dropped it")
	}
	ed.source.asked.Dismiss() // keep editing
	if ed.source.Reading() || ed.source.Entry().Text != bad {
		t.Fatal("Keep editing dropped the draft")
	}
	ed.source.asked = nil
	ed.source.EditWhole(false)
	ed.source.asked.Confirm() // discard
	if !ed.source.Reading() || ed.doc.Form().Find("amount").Bind != "amount" {
		t.Fatal("Discard did not go back to the form as it is")
	}
	// Done on text that reads goes back at once.
	ed.source.asked = nil
	ed.source.EditWhole(true)
	ed.source.EditWhole(false)
	if ed.source.asked != nil || !ed.source.Reading() {
		t.Error("Done on text that reads asked")
	}
}

// TestOptionsTable: a select's options are edited in a table: a cell, a
// new row, a removed row, each undoable.
func TestOptionsTable(t *testing.T) {
	ed, _ := newBlankEditor(t, "select")
	ed.doc.Select(fromTree, "select")
	in := ed.inspector
	options := func() string {
		var out []string
		for _, o := range ed.doc.Form().Find("select").Props["options"].([]any) {
			m := o.(map[string]any)
			l, _ := m["label"].(map[string]any)
			out = append(out, fmt.Sprintf("%v:%v/%v", m["value"], l["zh"], l["en"]))
		}
		return strings.Join(out, ",")
	}
	if got := options(); got != "a:选项一/Option 1,b:选项二/Option 2" {
		t.Fatalf("a new select's options: %s", got)
	}
	for _, tc := range []struct {
		what string
		do   func()
		want string
	}{
		{"a value", func() { in.Entry("props.options.0.value").SetText("cash") }, "cash:选项一/Option 1,b:选项二/Option 2"},
		{"a Chinese label", func() { in.Entry("props.options.0.zh").SetText("现金") }, "cash:现金/Option 1,b:选项二/Option 2"},
		{"an English label cleared", func() { in.Entry("props.options.1.en").SetText("") }, "cash:现金/Option 1,b:选项二/<nil>"},
		{"a row added", func() { test.Tap(in.buttons["props.options.add"]) }, "cash:现金/Option 1,b:选项二/<nil>,opt3:选项3/<nil>"},
		{"the new row typed in", func() { in.Entry("props.options.2.value").SetText("card") }, "cash:现金/Option 1,b:选项二/<nil>,card:选项3/<nil>"},
		{"the middle row removed", func() { test.Tap(in.buttons["props.options.1.remove"]) }, "cash:现金/Option 1,card:选项3/<nil>"},
	} {
		tc.do()
		if got := options(); got != tc.want {
			t.Fatalf("after %s: %s, want %s", tc.what, got, tc.want)
		}
	}
	if probs := ed.doc.Problems(); len(probs) > 0 {
		t.Errorf("problems: %s", probs[0].Msg)
	}
	ed.doc.Undo()
	if got := options(); got != "cash:现金/Option 1,b:选项二/<nil>,card:选项3/<nil>" {
		t.Errorf("undo of the removal: %s", got)
	}
	if in.Entry("props.options.1.value") == nil || in.Entry("props.options.1.value").Text != "b" {
		t.Error("the table does not show the row undo brought back")
	}
}

// TestRuleControls: required is a checkbox; other rules are added from a
// select of those the field's type takes, their argument and message
// typed, and removed.
func TestRuleControls(t *testing.T) {
	ed, _ := newBlankEditor(t, "text", "amount")
	in := ed.inspector
	rules := func(id string) string { return fmt.Sprint(dsl.RulesJSON(ed.doc.Form().Find(id).Rules)) }
	ed.doc.Select(fromTree, "text")
	req := in.checks["rules.required"]
	if req == nil || req.Checked {
		t.Fatal("no unticked required checkbox")
	}
	test.Tap(req)
	if got := rules("text"); got != "[map[required:true]]" {
		t.Fatalf("required ticked: %s", got)
	}
	add := in.Select("rules.add")
	if add == nil {
		t.Fatal("no add-a-rule select")
	}
	for _, o := range add.Options {
		if strings.HasPrefix(o, "min ") || strings.HasPrefix(o, "max ") {
			t.Errorf("a text field offers %q", o)
		}
	}
	add.SetSelected("maxLen · " + ruleDocs["maxLen"])
	if got := rules("text"); got != "[map[required:true] map[maxLen:1]]" {
		t.Fatalf("maxLen added: %s", got)
	}
	in.Entry("rules.1.arg").SetText("x")
	if in.Note("rules.1.arg") == "" {
		t.Error("a maxLen of x says nothing")
	}
	in.Entry("rules.1.arg").SetText("20")
	in.Entry("rules.1.message.zh").SetText("最多二十字")
	if got := rules("text"); got != "[map[required:true] map[maxLen:20 message:map[zh:最多二十字]]]" {
		t.Fatalf("maxLen typed: %s", got)
	}
	test.Tap(req) // untick: the other rule stays
	if got := rules("text"); got != "[map[maxLen:20 message:map[zh:最多二十字]]]" {
		t.Fatalf("required unticked: %s", got)
	}
	test.Tap(in.buttons["rules.0.remove"])
	if n := ed.doc.Form().Find("text"); n.Rules != nil {
		t.Fatalf("rules after removing the last: %v", n.Rules)
	}
	// An expr rule's expression is checked as it is typed.
	in.Select("rules.add").SetSelected("expr · " + ruleDocs["expr"])
	in.Entry("rules.0.arg").SetText("len(text) >")
	if note := in.Note("rules.0.arg"); !strings.HasPrefix(note, "✗") {
		t.Errorf("a broken expr rule says %q", note)
	}
	in.Entry("rules.0.arg").SetText("len(text) > 2")
	if note := in.Note("rules.0.arg"); !strings.HasPrefix(note, "✓") {
		t.Errorf("a good expr rule says %q", note)
	}
	if got := rules("text"); got != "[map[expr:len(text) > 2]]" {
		t.Fatalf("expr typed: %s", got)
	}
	// An amount takes min and max, as amounts.
	ed.doc.Select(fromTree, "amount")
	in.Select("rules.add").SetSelected("max · " + ruleDocs["max"])
	in.Entry("rules.0.arg").SetText("50000.00")
	if got := rules("amount"); got != "[map[max:50000.00]]" {
		t.Fatalf("amount max: %s", got)
	}
	if probs := ed.doc.Problems(); len(probs) > 0 {
		t.Errorf("problems: %s", probs[0].Msg)
	}
}

// TestAutosaveAndRecovery edits a form, lets the autosave timer fire,
// drops the window as a kill would, and opens the form again: the draft
// is offered, Enter restores it (the file untouched until saved), and
// Save removes it. A draft can be discarded too, and text being repaired
// is kept as typed.
func TestAutosaveAndRecovery(t *testing.T) {
	r := &designer.Recovery{Dir: t.TempDir()}
	var timers []func()
	var delays []time.Duration
	cfg := Config{Recovery: r, After: func(d time.Duration, fn func()) {
		delays = append(delays, d)
		timers = append(timers, fn)
	}}
	fire := func() {
		t.Helper()
		if len(timers) != 1 {
			t.Fatalf("%d autosave timers pending, want 1", len(timers))
		}
		fn := timers[0]
		timers = nil
		fn()
	}
	raw := mustRead(t, filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	path := filepath.Join(t.TempDir(), "cw.form.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	start := func() *Editor {
		doc, err := designer.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		ed, _ := newEditorCfg(t, doc, cfg)
		ed.OfferRecovery()
		return ed
	}

	ed := start()
	if ed.recovery != nil || ed.AutosaveDue() {
		t.Fatal("a fresh start offered a draft or scheduled a write")
	}
	ed.doc.Select(fromTree, "acct")
	ed.insertHere("check")
	ed.doc.Set(fromInspector, "check", "props.label.zh", "已核对")
	if !ed.AutosaveDue() || len(delays) != 1 || delays[0] != DefaultAutosaveDelay {
		t.Fatalf("two edits scheduled %v, want one write after %v", delays, DefaultAutosaveDelay)
	}
	fire()
	if d, _ := r.Pending(path); d == nil || !strings.Contains(d.Text, "已核对") {
		t.Fatalf("no draft with the edit after the timer: %+v", d)
	}

	// Killed: the window goes without saving. The next start offers the
	// draft; Enter restores it.
	ed = start()
	if ed.recovery == nil {
		t.Fatal("the draft was not offered")
	}
	ed.recovery.yes.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n := ed.doc.Form().Find("check"); n == nil || !ed.doc.Dirty() {
		t.Fatal("Enter did not restore the draft")
	}
	if string(mustRead(t, path)) != string(raw) {
		t.Fatal("restoring wrote the file")
	}
	if !ed.doc.CanUndo() {
		t.Error("the restore cannot be undone")
	}
	fire() // the restore is a change: its draft is written
	ed.Save(false)
	if d, _ := r.Pending(path); d != nil {
		t.Error("the draft outlived the save")
	}
	if !strings.Contains(string(mustRead(t, path)), "已核对") {
		t.Fatal("the restored draft was not saved")
	}

	// Discard: Escape drops the draft and the edit.
	ed.doc.Select(fromTree, "memo")
	ed.report(ed.doc.Delete(fromKeys))
	fire()
	ed = start()
	if ed.recovery == nil {
		t.Fatal("the second draft was not offered")
	}
	ed.recovery.yes.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ed.doc.Form().Find("memo") == nil || ed.doc.Dirty() {
		t.Fatal("Escape restored the draft")
	}
	if d, _ := r.Pending(path); d != nil {
		t.Error("the discarded draft is still there")
	}

	// Whole-form text that does not read is kept as typed, and comes
	// back for repair.
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	broken := strings.Replace(ed.source.Entry().Text, `"id": "memo"`, `"id": `, 1)
	ed.source.SetText(broken)
	fire()
	ed = start()
	ed.recovery.yes.Tapped(nil)
	if ed.Repairing() != path || ed.source.Entry().Text != broken {
		t.Fatalf("the broken draft did not come back for repair (repairing %q)", ed.Repairing())
	}
}

// TestDoubleClickPutsTheCaretOnTheLine: a double click on a line of the
// JSON read view opens the node's text (the header's: the whole form's)
// with the caret at the start of the line clicked.
func TestDoubleClickPutsTheCaretOnTheLine(t *testing.T) {
	ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	src := ed.source
	for _, tc := range []struct {
		line  string // the text of the line double-clicked
		scope string // the node whose text opens, "" the whole form
	}{
		{`"bind": "memo",`, "memo"},
		{`"version": "1.0.0",`, ""},
		{`"luhn": true,`, "account"},
		{`"bind": "id_verified",`, "id_verified"},
	} {
		ed.doc.Select(fromKeys, "")
		src.EditWhole(false)
		src.whole.SetChecked(true)
		ed.ShowSource(true)
		i := -1
		for k, l := range src.Lines() {
			if strings.TrimSpace(l) == tc.line {
				i = k
				break
			}
		}
		if i < 0 {
			t.Fatalf("no line %s in the read view", tc.line)
		}
		src.TapLine(i, true)
		if src.Reading() || src.scope != tc.scope {
			t.Fatalf("%s: editing scope %q (reading %v), want %q", tc.line, src.scope, src.Reading(), tc.scope)
		}
		e := src.Entry()
		lines := strings.Split(e.Text, "\n")
		if got := lines[e.CursorRow]; strings.TrimSpace(got) != tc.line {
			t.Errorf("%s: caret on %q", tc.line, got)
		}
		if e.CursorColumn != len(lines[e.CursorRow])-len(strings.TrimLeft(lines[e.CursorRow], " ")) {
			t.Errorf("%s: caret at column %d, not the line's text", tc.line, e.CursorColumn)
		}
		if w.Canvas().Focused() != e {
			t.Errorf("%s: the editor has not the keyboard", tc.line)
		}
	}
}

// TestTabScrollsTheInspector: Tab through the editors of a node taller
// than the pane: each focused editor is in sight, and the pane scrolled
// to show the last ones; Shift+Tab back up scrolls back.
func TestTabScrollsTheInspector(t *testing.T) {
	ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	tab := func(next bool) {
		if next {
			w.Canvas().FocusNext()
		} else {
			w.Canvas().FocusPrevious()
		}
	}
	ed.doc.Select(fromTree, "amount")
	sc := ed.inspector.obj.(*container.Scroll)
	if sc.Content.MinSize().Height <= sc.Size().Height {
		t.Fatalf("the amount's editors fit the pane (%v in %v): nothing to scroll", sc.Content.MinSize(), sc.Size())
	}
	ed.FocusInspector()
	focused := func() fyne.CanvasObject {
		o, _ := w.Canvas().Focused().(fyne.CanvasObject)
		if o == nil || ed.inspector.rowOf(o) == nil {
			return nil // the keyboard left the inspector
		}
		return o
	}
	inSight := func(step int, o fyne.CanvasObject) {
		t.Helper()
		y := abs(o).Y - abs(sc).Y
		if y < 0 || y+o.Size().Height > sc.Size().Height {
			t.Fatalf("step %d: the focused %T is out of sight at %v (pane %v, offset %v)", step, o, y, sc.Size().Height, sc.Offset.Y)
		}
	}
	deepest := float32(0)
	steps := 0
	kinds := map[string]bool{}
	for o := focused(); o != nil && steps < 200; o = focused() {
		inSight(steps, o)
		kinds[fmt.Sprintf("%T", o)] = true
		deepest = max(deepest, sc.Offset.Y)
		tab(true)
		steps++
	}
	if steps < 10 || deepest == 0 {
		t.Fatalf("after %d Tabs through the inspector it never scrolled (offset %v)", steps, deepest)
	}
	// Entries, selects, checks, and the amount entry, which cannot
	// scroll the pane itself: its neighbours bring it into sight.
	for _, k := range []string{"*ui.docEntry", "*ui.keySelect", "*ui.keyCheck", "*widgets.fieldEntry"} {
		if !kinds[k] {
			t.Errorf("Tab never reached a %s (reached %v)", k, kinds)
		}
	}
	for step := range steps - 1 {
		tab(false)
		o := focused()
		if o == nil {
			t.Fatalf("Shift+Tab %d left the inspector", step)
		}
		inSight(-step, o)
	}
	if sc.Offset.Y > deepest/2 {
		t.Errorf("back at the first editor the pane is still at %v", sc.Offset.Y)
	}
}
