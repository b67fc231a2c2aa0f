package ui

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

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

// fillForm binds account, acct_name and payee_name (labels) and balance
// (an amount): account_lookup returns acct_name, balance and status.
func fillForm(t *testing.T, lookups string) *designer.Document {
	t.Helper()
	f, err := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "acct_view", "version": "1.0.0", "title": {"zh": "查户名"},
	  "root": {"id": "root", "type": "form", "children": [
	    {"id": "account", "type": "account", "bind": "account", "props": {"label": {"zh": "账号"}}},
	    {"id": "name", "type": "label", "bind": "acct_name", "props": {"label": {"zh": "户名"}}},
	    {"id": "payee", "type": "label", "bind": "payee_name", "props": {"label": {"zh": "收款人"}}},
	    {"id": "balance", "type": "amount", "bind": "balance", "props": {"label": {"zh": "余额"}}}]},
	  "lookups": ` + lookups + `}`))
	if err != nil {
		t.Fatal(err)
	}
	return designer.New(f)
}

// TestLookupFillEditedInTheBindingEditor: each value account_lookup
// returns has a select of the form keys it fits plus "not filled", showing
// where it is written now; choosing another key, "not filled", and the
// same-named key again edits "fill" (dropping it when it is the default
// again), each one undo step giving back the earlier bytes.
func TestLookupFillEditedInTheBindingEditor(t *testing.T) {
	doc := fillForm(t, `[{"txn": "account_lookup", "on": ["account"]}]`)
	ed, _ := newEditorCfg(t, doc, Config{Catalog: loadCatalog(t)})
	doc.Select(fromKeys, "root")
	before := doc.Bytes()

	sel := func(name string) *widget.Select {
		t.Helper()
		s := ed.inspector.Select("lookup.0.fill." + name)
		if s == nil {
			t.Fatalf("no fill select for %s", name)
		}
		return s
	}
	for name, want := range map[string]string{"acct_name": "acct_name", "balance": "balance", "status": notFilled} {
		if got := sel(name).Selected; got != want {
			t.Errorf("fill %s shows %q, want %q", name, got, want)
		}
	}
	// balance is money: the amount field and the labels, not the account.
	if got := strings.Join(sel("balance").Options, ","); got != "acct_name,payee_name,balance,"+notFilled {
		t.Errorf("balance options %s", got)
	}
	if got := strings.Join(sel("acct_name").Options, ","); got != "account,acct_name,payee_name,"+notFilled {
		t.Errorf("acct_name options %s", got)
	}

	sel("acct_name").SetSelected("payee_name")
	if err := ed.LastError(); err != nil {
		t.Fatal(err)
	}
	l := doc.Form().Lookups()[0]
	if len(l.Fill) != 2 || l.Fill["acct_name"] != "payee_name" || l.Fill["balance"] != "balance" {
		t.Fatalf("fill %v", l.Fill)
	}
	if sel("acct_name").Selected != "payee_name" || sel("status").Selected != notFilled {
		t.Errorf("after mapping: acct_name %q status %q", sel("acct_name").Selected, sel("status").Selected)
	}
	if p := lookupProblems(ed); len(p) != 0 {
		t.Fatalf("lookup problems: %v", p)
	}
	if text := strings.Join(ed.inspector.LookupLines(), "\n"); !strings.Contains(text, "acct_name → payee_name") {
		t.Errorf("the lookups section does not show the fill:\n%s", text)
	}
	mapped := doc.Bytes()

	sel("balance").SetSelected(notFilled)
	if l := doc.Form().Lookups()[0]; len(l.Fill) != 1 || l.Fill["acct_name"] != "payee_name" {
		t.Fatalf("not filling balance: fill %v", l.Fill)
	}
	cleared := doc.Bytes()
	doc.Undo()
	if !bytes.Equal(doc.Bytes(), mapped) {
		t.Fatalf("undo gave\n%s\nwant\n%s", doc.Bytes(), mapped)
	}
	if sel("balance").Selected != "balance" {
		t.Errorf("after undo balance shows %q", sel("balance").Selected)
	}
	doc.Redo()
	if !bytes.Equal(doc.Bytes(), cleared) {
		t.Fatal("redo")
	}

	// The last name written cannot be cleared: {} would mean the default.
	sel("acct_name").SetSelected(notFilled)
	if ed.LastError() == nil || !bytes.Equal(doc.Bytes(), cleared) || sel("acct_name").Selected != "payee_name" {
		t.Fatalf("clearing the last: %v, shows %q\n%s", ed.LastError(), sel("acct_name").Selected, doc.Bytes())
	}

	// Back to the same names: the default, fill dropped.
	sel("balance").SetSelected("balance")
	sel("acct_name").SetSelected("acct_name")
	if !bytes.Equal(doc.Bytes(), before) || bytes.Contains(doc.Bytes(), []byte(`"fill"`)) {
		t.Fatalf("back to the default gave\n%s", doc.Bytes())
	}
	doc.Undo()
	if !bytes.Equal(doc.Bytes(), mapped) {
		t.Fatalf("undo gave\n%s\nwant\n%s", doc.Bytes(), mapped)
	}
}

// TestLookupFillMalformed: a fill that is not an object is refused from
// the selects, with no change and the select showing what it did.
func TestLookupFillMalformed(t *testing.T) {
	doc := fillForm(t, `[{"txn": "account_lookup", "on": ["account"]}]`)
	doc.Form().Extra[dsl.LookupsKey].([]any)[0].(map[string]any)["fill"] = "payee_name"
	ed, _ := newEditorCfg(t, doc, Config{Catalog: loadCatalog(t)})
	doc.Select(fromKeys, "root")
	before := doc.Bytes()
	s := ed.inspector.Select("lookup.0.fill.acct_name")
	if s == nil {
		t.Fatal("no fill select")
	}
	shown := s.Selected
	s.SetSelected("payee_name")
	if err := ed.LastError(); err == nil || !strings.Contains(err.Error(), "JSON source") {
		t.Errorf("error %v", err)
	}
	if !bytes.Equal(doc.Bytes(), before) || doc.CanUndo() || s.Selected != shown {
		t.Errorf("a refused fill edit changed the form (select %q):\n%s", s.Selected, doc.Bytes())
	}
}
