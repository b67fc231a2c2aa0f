package dsl

import (
	"reflect"
	"testing"
)

func TestLookups(t *testing.T) {
	src := []byte(`{
  "dsl": "guitai.form/1", "id": "t", "version": "1.0.0", "title": {"zh": "转账"},
  "root": {"id": "root", "type": "form", "children": [
    {"id": "from", "type": "account", "bind": "from_account"},
    {"id": "to", "type": "account", "bind": "to_account"},
    {"id": "payee", "type": "label", "bind": "payee_name"},
    {"id": "bal", "type": "amount", "bind": "balance", "props": {"readOnly": true}}
  ]},
  "lookups": [
    {"txn": "account_lookup", "on": ["from_account"], "params": {"account": "from_account"}},
    {"txn": "account_lookup", "on": ["to_account"], "params": {"account": "to_account"}, "fill": {"acct_name": "payee_name"}},
    {"txn": "cashbox_summary"}
  ]
}`)
	f, err := Decode(src)
	if err != nil {
		t.Fatal(err)
	}
	got := f.Lookups()
	want := []Lookup{
		{Txn: "account_lookup", On: []string{"from_account"}, Params: map[string]string{"account": "from_account"}},
		{Txn: "account_lookup", On: []string{"to_account"}, Params: map[string]string{"account": "to_account"}, Fill: map[string]string{"acct_name": "payee_name"}},
		{Txn: "cashbox_summary"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Lookups() = %+v\nwant %+v", got, want)
	}
	tests := []struct {
		l            Lookup
		name, target string
		written      bool
	}{
		{got[0], "balance", "balance", true},      // no fill: same name
		{got[1], "acct_name", "payee_name", true}, // renamed
		{got[1], "balance", "", false},            // fill lists all that is written
	}
	for _, tt := range tests {
		if k, ok := tt.l.Target(tt.name); k != tt.target || ok != tt.written {
			t.Errorf("%s Target(%s) = %q, %v; want %q, %v", tt.l.Txn, tt.name, k, ok, tt.target, tt.written)
		}
	}
	if got[0].Param("account") != "from_account" || got[2].Param("teller") != "teller" {
		t.Error("Param renames wrongly")
	}
	// The round trip keeps them.
	again, err := Decode(Encode(f))
	if err != nil || !reflect.DeepEqual(again.Lookups(), want) {
		t.Fatalf("after Encode: %+v, %v", again.Lookups(), err)
	}
}
