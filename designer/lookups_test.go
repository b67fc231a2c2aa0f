package designer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"guitai/catalog"
	"guitai/dsl"
)

func loadCat(t *testing.T) catalog.Catalog {
	t.Helper()
	cat, err := catalog.LoadCatalog(os.DirFS(filepath.Join("..", "assets", "txns")))
	if err != nil || cat["account_lookup"] == nil {
		t.Fatalf("catalog: %v", err)
	}
	return cat
}

// TestLookupsSurviveEveryEdit: the designer knows nothing of a form's
// top-level "lookups" (kept in Form.Extra), yet every kind of edit, undo,
// redo, save and publish keeps them byte for byte.
func TestLookupsSurviveEveryEdit(t *testing.T) {
	d := New(load(t, "transfer.form.json"))
	d.Catalog = loadCat(t)
	want := d.Form().Extra[dsl.LookupsKey]
	if len(d.Form().Lookups()) != 2 {
		t.Fatalf("transfer.form.json has %d lookups, want 2", len(d.Form().Lookups()))
	}
	start := d.Bytes()
	keep := func(what string) {
		t.Helper()
		if got := d.Form().Extra[dsl.LookupsKey]; !reflect.DeepEqual(got, want) {
			t.Fatalf("after %s the lookups are %v, want %v", what, got, want)
		}
		if !bytes.Contains(d.Bytes(), []byte(`"lookups": [`)) {
			t.Fatalf("after %s the JSON has no lookups", what)
		}
	}
	first := d.Form().Root.Children[0].ID
	edits := []struct {
		name string
		do   func() error
	}{
		{"insert", func() error { _, err := d.Insert(FromPalette, "label", []string{"root"}, 0); return err }},
		{"set a prop", func() error { return d.Set(FromInspector, "label", "props.label.zh", "备注") }},
		{"move", func() error { d.Select(FromTree, "label"); return d.Move(FromKeys, Down) }},
		{"rename", func() error { return d.Rename(FromInspector, "label", "note") }},
		{"duplicate", func() error { d.Select(FromTree, "note"); return d.Duplicate(FromKeys) }},
		{"copy and paste", func() error {
			if err := d.Copy(); err != nil {
				return err
			}
			return d.Paste(FromKeys)
		}},
		{"wrap in group", func() error { d.Select(FromTree, "note"); return d.WrapInGroup(FromKeys) }},
		{"delete", func() error { d.Select(FromTree, "group"); return d.Delete(FromKeys) }},
		{"header", func() error {
			return d.SetHeader(FromInspector, "title.zh", func(h *Header) { h.Title.Zh = "转账汇款" })
		}},
		{"JSON source edit", func() error {
			nf, err := dsl.Decode(bytes.Replace(d.Bytes(), []byte(`"id": "`+first+`"`), []byte(`"id": "`+first+`_x"`), 1))
			if err != nil {
				return err
			}
			return d.Replace(FromJSON, nf, "")
		}},
		{"whole tree replaced", func() error {
			root := d.Form().Clone().Root
			root.Children = append(root.Children[1:], root.Children[0])
			return d.Edit(FromJSON, "x", "", Change{Root: root})
		}},
	}
	for _, e := range edits {
		if err := e.do(); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		keep(e.name)
	}
	end := d.Bytes()
	for d.CanUndo() {
		d.Undo()
		keep("undo")
	}
	if !bytes.Equal(d.Bytes(), start) {
		t.Fatal("undo all: bytes differ from the start")
	}
	for d.Redo() {
		keep("redo")
	}
	if !bytes.Equal(d.Bytes(), end) {
		t.Fatal("redo all: bytes differ from the end")
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "transfer.form.json")
	if err := d.Save(path); err != nil {
		t.Fatal(err)
	}
	saved, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := saved.Form().Extra[dsl.LookupsKey]; !reflect.DeepEqual(got, want) {
		t.Fatalf("saved lookups %v", got)
	}
	if len(d.Problems()) != 0 {
		t.Fatalf("problems before publishing: %v", d.Problems()[0].Msg)
	}
	pub := filepath.Join(dir, "pub")
	p, err := d.Publish(pub)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(p.File)
	f, err := dsl.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Extra[dsl.LookupsKey]; !reflect.DeepEqual(got, want) {
		t.Fatalf("published lookups %v", got)
	}
	if !p.First || !p.Diff.LookupsChanged {
		t.Errorf("first publish: %+v", p)
	}

	// A lookup edited in the JSON is a semantic change: a minor bump.
	nf, err := dsl.Decode(bytes.Replace(d.Bytes(), []byte(`"fill": {"acct_name": "payee_holder"}`), []byte(`"fill": {"acct_name": "payee_holder", "balance": "balance"}`), 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Replace(FromJSON, nf, ""); err != nil {
		t.Fatal(err)
	}
	p2, err := d.Publish(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !p2.Diff.LookupsChanged || !strings.Contains(p2.Diff.String(), "lookups changed") || p2.Diff.Bump() != "minor" {
		t.Errorf("lookup edit: diff %q, bump %s", p2.Diff.String(), p2.Diff.Bump())
	}
	d.Undo() // the version bump
	d.Undo() // the lookup edit
	if got := d.Form().Extra[dsl.LookupsKey]; !reflect.DeepEqual(got, want) {
		t.Fatalf("undoing the lookup edit: %v", got)
	}
}

// TestLookupProblemsFromCatalog: the catalog's checks of the lookups
// (catalog.CheckForms) show among the problems and in Check's
// file:line:col lines, each on its lookup's "txn".
func TestLookupProblemsFromCatalog(t *testing.T) {
	cat := loadCat(t)
	d := New(load(t, "transfer.form.json"))
	d.Catalog = cat
	if p := d.Problems(); len(p) != 0 {
		t.Fatalf("shipped transfer form: %v", p[0].Msg)
	}
	set := func(lookups string) {
		t.Helper()
		js := string(d.Bytes())
		i := strings.Index(js, `"lookups": [`)
		nf, err := dsl.Decode([]byte(js[:i] + `"lookups": ` + lookups + "\n}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Replace(FromJSON, nf, ""); err != nil {
			t.Fatal(err)
		}
	}
	set(`[
    {"txn": "account_lookup", "on": ["from_account"], "params": {"account": "from_account"}},
    {"txn": "nosuch_lookup"},
    {"txn": "cash_deposit"},
    {"txn": "account_lookup", "params": {"account": "amount", "acct": "from_account"}}
  ]`)
	want := map[string]string{
		"/lookups/1/txn": `"nosuch_lookup" is not in the catalog`,
		"/lookups/2/txn": "posts to the journal",
		"/lookups/3/txn": "field amount is money, param account",
	}
	got := map[string][]string{}
	for _, p := range d.Problems() {
		got[p.Pointer] = append(got[p.Pointer], p.Msg)
		if strings.HasPrefix(p.Pointer, "/lookups/") && p.Node != "" {
			t.Errorf("a lookup problem at node %q", p.Node)
		}
	}
	for ptr, msg := range want {
		if !strings.Contains(strings.Join(got[ptr], "|"), msg) {
			t.Errorf("%s: problems %v lack %q", ptr, got[ptr], msg)
		}
	}
	if !strings.Contains(strings.Join(got["/lookups/3/txn"], "|"), "has no param acct") {
		t.Errorf("unknown param not reported: %v", got["/lookups/3/txn"])
	}
	if len(got["/lookups/0/txn"]) != 0 {
		t.Errorf("the good lookup has problems: %v", got["/lookups/0/txn"])
	}
	if len(Lookups(nil, d.Form())) != 4 || Lookups(nil, d.Form())[1].Problems != nil {
		t.Error("without a catalog the lookups are listed with no problems")
	}
	if _, err := d.Publish(t.TempDir()); err == nil {
		t.Error("published a form whose lookups the catalog refuses")
	}

	// Check, as "designer check" runs it.
	file := filepath.Join(t.TempDir(), "transfer.form.json")
	if err := os.WriteFile(file, d.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.Split(string(d.Bytes()), "\n")
	lines := Check(file, cat)
	seen := map[string]bool{}
	for _, l := range lines {
		var line, col int
		rest := strings.TrimPrefix(l, file+":")
		if _, err := fmt.Sscanf(rest, "%d:%d:", &line, &col); err != nil || line < 1 || line > len(text) {
			t.Fatalf("no line:col in %q", l)
		}
		for ptr := range want {
			if strings.Contains(l, " "+ptr+": ") {
				seen[ptr] = true
				if !strings.Contains(text[line-1], `"txn"`) {
					t.Errorf("%s: line %d is %q, want the lookup's txn", l, line, text[line-1])
				}
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("check printed %v", lines)
	}
	if len(Check(file, nil)) != 0 {
		t.Error("without a catalog the lookups' catalog problems are reported")
	}
}

// TestLookupEditsRefuseMalformed: the lookup edits leave a "lookups" that
// is not an array, or an entry that is not an object, to the JSON source
// and change nothing.
func TestLookupEditsRefuseMalformed(t *testing.T) {
	for _, raw := range []any{map[string]any{"txn": "account_lookup"}, "account_lookup"} {
		f, err := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "x", "version": "1.0.0", "title": {"zh": "x"}, ` +
			`"root": {"id": "root", "type": "form", "children": [{"id": "account", "type": "account", "bind": "account"}]}}`))
		if err != nil {
			t.Fatal(err)
		}
		f.Extra = map[string]any{dsl.LookupsKey: raw} // as a JSON edit with problems leaves it
		d := New(f)
		before := d.Bytes()
		errs := []error{d.SetLookupOn(FromInspector, 0, []string{"account"}), d.SetLookupParam(FromInspector, 0, "account", "account"),
			d.RemoveLookup(FromInspector, 0), d.SetLookupOn(FromInspector, 3, nil), d.AddLookup(FromInspector, "account_lookup")}
		for i, err := range errs {
			if err == nil {
				t.Errorf("%s: edit %d did not refuse", raw, i)
			}
		}
		if !bytes.Equal(d.Bytes(), before) || d.CanUndo() {
			t.Errorf("%s: a refused edit changed the form:\n%s", raw, d.Bytes())
		}
		// An entry that is not an object is refused too.
		d.Form().Extra[dsl.LookupsKey] = []any{"account_lookup"}
		if err := d.SetLookupOn(FromInspector, 0, []string{"account"}); err == nil || d.CanUndo() {
			t.Errorf("a lookup that is not an object was edited: %v", err)
		}
	}
}

// fillDoc is a form binding account, acct_name (a label), balance (an
// amount) and payee_name (a label) — not status, which account_lookup
// also returns — with lookups as given.
func fillDoc(t *testing.T, lookups string) *Document {
	t.Helper()
	f, err := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "x", "version": "1.0.0", "title": {"zh": "x"},
	  "root": {"id": "root", "type": "form", "children": [
	    {"id": "account", "type": "account", "bind": "account"},
	    {"id": "acct_name", "type": "label", "bind": "acct_name"},
	    {"id": "balance", "type": "amount", "bind": "balance"},
	    {"id": "payee_name", "type": "label", "bind": "payee_name"}]},
	  "lookups": ` + lookups + `}`))
	if err != nil {
		t.Fatal(err)
	}
	d := New(f)
	d.Catalog = loadCat(t)
	return d
}

// fillOf is lookup 0's "fill" as the document holds it (nil: absent).
func fillOf(d *Document) any {
	return d.Form().Extra[dsl.LookupsKey].([]any)[0].(map[string]any)["fill"]
}

func TestLookupReturns(t *testing.T) {
	cat := loadCat(t)
	var got []string
	for _, r := range LookupReturns(cat["account_lookup"]) {
		got = append(got, r.Name+":"+r.Type)
	}
	if strings.Join(got, " ") != "acct_name:string balance:money daily_left:money status:string" {
		t.Errorf("account_lookup returns %v", got)
	}
	rs := LookupReturns(cat["cashbox_summary"])
	if len(rs) == 0 || rs[len(rs)-1].Name != "summary_rows" || rs[len(rs)-1].Kind != dsl.ValueRows {
		t.Errorf("cashbox_summary returns %+v, want summary_rows last", rs)
	}
}

// TestSetLookupFill: mapping a returned value to another key makes "fill"
// from the default so the other bound names stay written; mapping it back
// drops "fill" again, since it is then what no fill does; each is one undo
// step giving back the exact earlier bytes.
func TestSetLookupFill(t *testing.T) {
	d := fillDoc(t, `[{"txn": "account_lookup", "on": ["account"]}]`)
	before := d.Bytes()

	if err := d.SetLookupFill(FromInspector, 0, "acct_name", "payee_name"); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"acct_name": "payee_name", "balance": "balance"}
	if got := fillOf(d); !reflect.DeepEqual(got, want) {
		t.Fatalf("fill %v, want %v (status is not bound: not listed)", got, want)
	}
	l := d.Form().Lookups()[0]
	if k, ok := l.Target("balance"); !ok || k != "balance" {
		t.Errorf("balance no longer written to balance: %q %v", k, ok)
	}
	if p := d.Problems(); len(p) != 0 {
		t.Errorf("problems: %v", p[0].Msg)
	}
	mapped := d.Bytes()

	// Back to the default mapping: fill is equivalent to none, dropped.
	if err := d.SetLookupFill(FromInspector, 0, "acct_name", "acct_name"); err != nil {
		t.Fatal(err)
	}
	if fillOf(d) != nil || !bytes.Equal(d.Bytes(), before) {
		t.Fatalf("mapping back kept fill:\n%s", d.Bytes())
	}
	d.Undo()
	if !bytes.Equal(d.Bytes(), mapped) {
		t.Fatalf("undo gave\n%s\nwant\n%s", d.Bytes(), mapped)
	}
	d.Undo()
	if !bytes.Equal(d.Bytes(), before) || d.CanUndo() {
		t.Fatalf("undo gave\n%s\nwant\n%s", d.Bytes(), before)
	}

	// Re-choosing what is there already, or not writing what the default
	// does not write (status is not bound), changes nothing.
	for _, e := range [][2]string{{"acct_name", "acct_name"}, {"status", ""}} {
		if err := d.SetLookupFill(FromInspector, 0, e[0], e[1]); err != nil || d.CanUndo() {
			t.Fatalf("%v: %v, undo %v", e, err, d.CanUndo())
		}
	}
}

// TestSetLookupFillClear: "not written" removes the name from fill (made
// from the default first), so the lookup stops writing it and keeps
// writing the others; writing it again returns to no fill.
func TestSetLookupFillClear(t *testing.T) {
	d := fillDoc(t, `[{"txn": "account_lookup", "on": ["account"]}]`)
	before := d.Bytes()
	if err := d.SetLookupFill(FromInspector, 0, "balance", ""); err != nil {
		t.Fatal(err)
	}
	if got, want := fillOf(d), map[string]any{"acct_name": "acct_name"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fill %v, want %v", got, want)
	}
	l := d.Form().Lookups()[0]
	if _, ok := l.Target("balance"); ok {
		t.Error("balance still written")
	}
	if k, ok := l.Target("acct_name"); !ok || k != "acct_name" {
		t.Error("acct_name no longer written")
	}
	cleared := d.Bytes()
	// Not the last one: an empty fill reads as no fill (dsl.Form.Lookups),
	// which writes everything.
	if err := d.SetLookupFill(FromInspector, 0, "acct_name", ""); err == nil || !bytes.Equal(d.Bytes(), cleared) {
		t.Fatalf("clearing the last written name: %v\n%s", err, d.Bytes())
	}
	d.Undo()
	d.Redo()
	if !bytes.Equal(d.Bytes(), cleared) {
		t.Fatalf("undo and redo gave\n%s\nwant\n%s", d.Bytes(), cleared)
	}
	// Writing balance again: the default once more.
	if err := d.SetLookupFill(FromInspector, 0, "balance", "balance"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Bytes(), before) {
		t.Fatalf("writing balance again gave\n%s", d.Bytes())
	}
}

// TestSetLookupFillKeepsNonDefault: a fill that only looks like the
// default is kept: an entry for a name the transaction does not return,
// or an unknown transaction, keeps it; status, returned but not bound,
// mapped to a key and back to not written, gives the default again.
func TestSetLookupFillKeepsNonDefault(t *testing.T) {
	d := fillDoc(t, `[{"txn": "account_lookup", "fill": {"nosuch": "payee_name", "balance": "balance"}}]`)
	if err := d.SetLookupFill(FromInspector, 0, "acct_name", "acct_name"); err != nil {
		t.Fatal(err)
	}
	if got, want := fillOf(d), map[string]any{"nosuch": "payee_name", "acct_name": "acct_name", "balance": "balance"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fill %v, want %v", got, want)
	}
	if err := d.SetLookupFill(FromInspector, 0, "nosuch", ""); err != nil {
		t.Fatal(err)
	}
	if fillOf(d) != nil {
		t.Fatalf("fill %v is the default now, not dropped", fillOf(d))
	}

	d = fillDoc(t, `[{"txn": "account_lookup"}]`)
	before := d.Bytes()
	if err := d.SetLookupFill(FromInspector, 0, "status", "payee_name"); err != nil {
		t.Fatal(err)
	}
	if got, want := fillOf(d), map[string]any{"acct_name": "acct_name", "balance": "balance", "status": "payee_name"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fill %v, want %v", got, want)
	}
	if err := d.SetLookupFill(FromInspector, 0, "status", ""); err != nil || !bytes.Equal(d.Bytes(), before) {
		t.Fatalf("not writing status again: %v\n%s", err, d.Bytes())
	}

	// An empty fill reads as none: made from the default too.
	d = fillDoc(t, `[{"txn": "account_lookup", "fill": {}}]`)
	if err := d.SetLookupFill(FromInspector, 0, "acct_name", "payee_name"); err != nil {
		t.Fatal(err)
	}
	if got, want := fillOf(d), map[string]any{"acct_name": "payee_name", "balance": "balance"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("from an empty fill: %v, want %v", got, want)
	}

	// Not in the catalog: no default to make fill from.
	d = fillDoc(t, `[{"txn": "gone_lookup"}]`)
	before = d.Bytes()
	if err := d.SetLookupFill(FromInspector, 0, "acct_name", "payee_name"); err == nil || !bytes.Equal(d.Bytes(), before) || d.CanUndo() {
		t.Fatalf("unknown transaction: %v\n%s", err, d.Bytes())
	}
	d = fillDoc(t, `[{"txn": "gone_lookup", "fill": {"acct_name": "payee_name"}}]`)
	if err := d.SetLookupFill(FromInspector, 0, "acct_name", "acct_name"); err != nil {
		t.Fatal(err)
	}
	if got := fillOf(d); !reflect.DeepEqual(got, map[string]any{"acct_name": "acct_name"}) {
		t.Fatalf("unknown transaction: fill %v dropped or wrong", got)
	}
}

// TestSetLookupFillRefusesMalformed: a fill that is not an object is left
// to the JSON source, with no change.
func TestSetLookupFillRefusesMalformed(t *testing.T) {
	for _, fill := range []string{`"payee_name"`, `["acct_name"]`, `null`} {
		d := fillDoc(t, `[{"txn": "account_lookup"}]`)
		var raw any
		if err := json.Unmarshal([]byte(fill), &raw); err != nil {
			t.Fatal(err)
		}
		// As a JSON edit with problems leaves it.
		d.Form().Extra[dsl.LookupsKey].([]any)[0].(map[string]any)["fill"] = raw
		before := d.Bytes()
		if !bytes.Contains(before, []byte(`"fill"`)) {
			t.Fatalf("fill %s not in the form", fill)
		}
		for _, key := range []string{"payee_name", "", "acct_name"} {
			err := d.SetLookupFill(FromInspector, 0, "acct_name", key)
			if err == nil || !strings.Contains(err.Error(), "JSON source") {
				t.Errorf("fill %s, key %q: error %v", fill, key, err)
			}
		}
		if !bytes.Equal(d.Bytes(), before) || d.CanUndo() {
			t.Errorf("fill %s: a refused edit changed the form:\n%s", fill, d.Bytes())
		}
	}
	d := fillDoc(t, `[{"txn": "account_lookup"}]`)
	if err := d.SetLookupFill(FromInspector, 1, "acct_name", "payee_name"); err == nil || d.CanUndo() {
		t.Errorf("no lookup 1: %v", err)
	}
}
