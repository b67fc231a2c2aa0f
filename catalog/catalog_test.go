package catalog

import (
	"strings"
	"testing"
	"testing/fstest"

	"guitai/assets"
	"guitai/dsl"
)

func TestShippedCatalogAndForms(t *testing.T) {
	c, err := LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	if len(c) < 5 || c["cash_deposit"] == nil {
		t.Fatalf("catalog has %v", c.IDs())
	}
	d := c["cash_deposit"]
	if d.Title.En != "Cash deposit" || d.Param("amount") == nil || d.Param("amount").Type != "money" || d.Param("nope") != nil {
		t.Errorf("cash_deposit decoded as %+v", d)
	}
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckForms(forms); err != nil {
		t.Errorf("shipped forms do not match the catalog: %v", err)
	}
}

func TestLoadChecksEachTxn(t *testing.T) {
	known := func(code string) bool { return code == "E_KNOWN" }
	tests := []struct {
		name, file, json string
		want             string // substring of the error, "" for none
	}{
		{"fine", "a", `{"id": "a", "params": [{"name": "x", "type": "money"}],
			"steps": [{"sql": "select :x, :teller, a::text", "error": "E_KNOWN", "expectRows": 1, "returning": {"y": "int"}},
			          {"sql": "select :y"}], "amount": "x"}`, ""},
		{"unknown key", "a", `{"id": "a", "colour": "red"}`, "unknown field"},
		{"id not file name", "b", `{"id": "a"}`, "does not match the file name"},
		{"param type", "a", `{"id": "a", "params": [{"name": "x", "type": "float"}]}`, `unknown type "float"`},
		{"shadowed context", "a", `{"id": "a", "params": [{"name": "teller", "type": "string"}]}`, "shadows a context value"},
		{"unknown name", "a", `{"id": "a", "steps": [{"sql": "select :z"}]}`, ":z is neither"},
		{"unknown code", "a", `{"id": "a", "steps": [{"sql": "select 1", "error": "E_WHAT"}]}`, "unknown error code E_WHAT"},
		{"diagnose checked", "a", `{"id": "a", "steps": [{"sql": "select 1", "diagnose": [{"sql": "select :q"}]}]}`, ":q is neither"},
		{"expectRows alone", "a", `{"id": "a", "steps": [{"sql": "select 1", "expectRows": 1}]}`, "expectRows without"},
		{"isolation", "a", `{"id": "a", "isolation": "snapshot"}`, `isolation "snapshot"`},
		{"journal field", "a", `{"id": "a", "account": "acct"}`, "journal field acct"},
		{"idcard names", "a", `{"id": "a", "params": [{"name": "id", "type": "idcard"}], "steps": [{"sql": "select :id_cipher, :id_index"}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{tt.file + ".txn.json": {Data: []byte(tt.json)}, "notes.txt": {Data: []byte("x")}}
			c, err := Load(fsys, known)
			if tt.want == "" {
				if err != nil || len(c) != 1 {
					t.Fatalf("Load = %v, %v", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error %v, want one with %q", err, tt.want)
			}
		})
	}
	// Without a list of codes, codes are not checked.
	if _, err := LoadCatalog(fstest.MapFS{"a.txn.json": {Data: []byte(`{"id": "a", "steps": [{"sql": "select 1", "error": "E_WHAT"}]}`)}}); err != nil {
		t.Errorf("LoadCatalog checked codes: %v", err)
	}
}

func TestFormBindings(t *testing.T) {
	c := Catalog{"pay": {ID: "pay", Params: []Param{
		{Name: "account", Type: "account", Required: true},
		{Name: "amount", Type: "money", Required: true},
		{Name: "qty", Type: "int"},
		{Name: "memo", Type: "string"},
	}}}
	f, err := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "amt", "type": "amount", "bind": "amount"},
  {"id": "cnt", "type": "text", "bind": "qty"},
  {"id": "extra", "type": "text", "bind": "note"},
  {"id": "bal", "type": "label", "bind": "balance"}]},
"submit": {"txn": "pay"}}`))
	if err != nil {
		t.Fatal(err)
	}
	txn, rows, extra := c.Bindings(f)
	if txn != c["pay"] || len(rows) != 4 || len(extra) != 1 {
		t.Fatalf("Bindings = %v, %v, %v", txn, rows, extra)
	}
	want := []struct{ node, problem string }{
		{"", "required param account (account) of pay is not bound by any field"},
		{"amt", ""},
		{"cnt", "field cnt is string, param qty of pay is int"},
		{"", ""},
	}
	for i, w := range want {
		if rows[i].Node != w.node || rows[i].Problem != w.problem {
			t.Errorf("row %d = %+v, want node %q problem %q", i, rows[i], w.node, w.problem)
		}
	}
	if extra[0].Node != "extra" || !strings.Contains(extra[0].Problem, "posts note") {
		t.Errorf("extra = %+v", extra[0])
	}
	err = c.CheckForms([]*dsl.Form{f})
	for _, w := range []string{"required param account of pay", "field qty is string", "field note is not a param"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("CheckForms = %v, want %q", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), "balance") {
		t.Errorf("a display-only key was checked: %v", err)
	}
	f.Submit.Txn = "gone"
	if err := c.CheckForms([]*dsl.Form{f}); err == nil || !strings.Contains(err.Error(), "not in the catalog") {
		t.Errorf("CheckForms of an unknown txn = %v", err)
	}
	if txn, _, _ := c.Bindings(f); txn != nil {
		t.Error("Bindings of an unknown txn")
	}
}
