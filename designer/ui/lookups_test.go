package ui

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"guitai/designer"
	"guitai/dsl"
)

// lookupForm is a form with an account field, a second account field and
// a label showing the holder's name: what an account_lookup fills in.
func lookupForm(t *testing.T) *designer.Document {
	t.Helper()
	f, err := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "acct_view", "version": "1.0.0", "title": {"zh": "查户名"},
	  "root": {"id": "root", "type": "form", "children": [
	    {"id": "account", "type": "account", "bind": "account", "props": {"label": {"zh": "账号"}}},
	    {"id": "to_account", "type": "account", "bind": "to_account", "props": {"label": {"zh": "对方账号"}}},
	    {"id": "name", "type": "label", "bind": "acct_name", "props": {"label": {"zh": "户名"}}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	return designer.New(f)
}

func lookupProblems(ed *Editor) []string {
	var out []string
	for _, p := range ed.problems.Items() {
		if strings.HasPrefix(p.Pointer, "/lookups") {
			out = append(out, p.Pointer+": "+p.Msg)
		}
	}
	return out
}

// TestLookupEditedInTheBindingEditor: an analyst adds a lookup of
// account_lookup run on "account" with the binding editor's widgets alone;
// the JSON has it, Problems has nothing to say of it, and undo and redo
// take it away and bring it back byte for byte. Its param is mapped to
// another key and back, and the lookup removed, with the same widgets.
func TestLookupEditedInTheBindingEditor(t *testing.T) {
	doc := lookupForm(t)
	ed, _ := newEditorCfg(t, doc, Config{Catalog: loadCatalog(t)})
	doc.Select(fromKeys, "root")
	before := doc.Bytes()
	if bytes.Contains(before, []byte(`"lookups"`)) {
		t.Fatal("the form starts with lookups")
	}

	add := ed.inspector.Select("lookup.add")
	if add == nil {
		t.Fatal("no add-lookup select in the form's inspector")
	}
	opt := ""
	for _, o := range add.Options {
		id, _, _ := strings.Cut(o, " ")
		if cat := doc.Catalog[id]; cat == nil || cat.Journal {
			t.Errorf("add-lookup offers %q, not a read-only transaction", o)
		}
		if id == "account_lookup" {
			opt = o
		}
	}
	if opt == "" {
		t.Fatalf("account_lookup not offered: %v", add.Options)
	}
	add.SetSelected(opt)
	if ls := doc.Form().Lookups(); len(ls) != 1 || ls[0].Txn != "account_lookup" || len(ls[0].On) != 0 {
		t.Fatalf("adding gave lookups %+v", ls)
	}
	added := doc.Bytes()

	on := ed.inspector.checks["lookup.0.on.account"]
	if on == nil || on.Checked {
		t.Fatalf("no unchecked 'on account' check for the new lookup: %v", on)
	}
	if ed.inspector.checks["lookup.0.on.acct_name"] == nil {
		t.Error("no 'on' check for the label's key acct_name")
	}
	test.Tap(on)
	if !bytes.Contains(doc.Bytes(), []byte(`"lookups": [`)) ||
		!bytes.Contains(doc.Bytes(), []byte(`"on": [`)) || !bytes.Contains(doc.Bytes(), []byte(`"txn": "account_lookup"`)) {
		t.Fatalf("the JSON lacks the lookup:\n%s", doc.Bytes())
	}
	if ls := doc.Form().Lookups(); len(ls) != 1 || strings.Join(ls[0].On, ",") != "account" || ls[0].Params != nil {
		t.Fatalf("lookups %+v, want account_lookup on account", ls)
	}
	if p := lookupProblems(ed); len(p) != 0 {
		t.Fatalf("lookup problems: %v", p)
	}
	if text := strings.Join(ed.inspector.LookupLines(), "\n"); !strings.Contains(text, "runs on: account") || !strings.Contains(text, "✓") {
		t.Errorf("the lookups section does not show it:\n%s", text)
	}
	done := doc.Bytes()

	doc.Undo() // the "on" check
	if !bytes.Equal(doc.Bytes(), added) {
		t.Fatalf("undoing the check gave\n%s\nwant\n%s", doc.Bytes(), added)
	}
	doc.Undo() // the lookup
	if !bytes.Equal(doc.Bytes(), before) {
		t.Fatalf("undoing the add gave\n%s\nwant\n%s", doc.Bytes(), before)
	}
	if ed.inspector.checks["lookup.0.on.account"] != nil {
		t.Error("the undone lookup still has editors")
	}
	doc.Redo()
	doc.Redo()
	if !bytes.Equal(doc.Bytes(), done) {
		t.Fatalf("redo gave\n%s\nwant\n%s", doc.Bytes(), done)
	}

	// The param read from another key, then from its own name again.
	pick := ed.inspector.Select("lookup.0.param.account")
	if pick == nil || pick.Selected != "account" {
		t.Fatalf("param select %v", pick)
	}
	pick.SetSelected("to_account")
	if ls := doc.Form().Lookups(); len(ls) != 1 || ls[0].Params["account"] != "to_account" {
		t.Fatalf("mapping the param gave %+v", ls)
	}
	if p := lookupProblems(ed); len(p) != 0 {
		t.Fatalf("lookup problems after mapping: %v", p)
	}
	ed.inspector.Select("lookup.0.param.account").SetSelected("account")
	if !bytes.Equal(doc.Bytes(), done) {
		t.Fatalf("mapping the param back gave\n%s", doc.Bytes())
	}

	rm := ed.inspector.buttons["lookup.0.remove"]
	if rm == nil {
		t.Fatal("no remove button")
	}
	test.Tap(rm)
	if !bytes.Equal(doc.Bytes(), before) {
		t.Fatalf("removing gave\n%s", doc.Bytes())
	}
	doc.Undo()
	if !bytes.Equal(doc.Bytes(), done) {
		t.Fatalf("undoing the removal gave\n%s", doc.Bytes())
	}
}
