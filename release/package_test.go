package release_test

import (
	"errors"
	"strings"
	"testing"

	"guitai/assets"
	"guitai/catalog"
	"guitai/dsl"
	"guitai/release"
)

func builtin(t *testing.T) (*release.Package, catalog.Catalog) {
	t.Helper()
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	return release.Builtin(forms, cat), cat
}

func v2(t *testing.T) *release.Package {
	t.Helper()
	p, err := release.Load("testdata/cash_deposit_v2")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCanonical: canonical bytes decode to the same package and encode to
// the same bytes; the digest is SM3 over them and follows any change.
func TestCanonical(t *testing.T) {
	b, _ := builtin(t)
	for _, p := range []*release.Package{b, v2(t)} {
		c1, err := p.Canonical()
		if err != nil {
			t.Fatal(err)
		}
		q, err := release.Decode(c1)
		if err != nil {
			t.Fatalf("%s: %v", p.Ref(), err)
		}
		c2, err := q.Canonical()
		if err != nil || string(c1) != string(c2) {
			t.Fatalf("%s: canonical bytes do not round-trip (%v)", p.Ref(), err)
		}
		d, _ := p.Digest()
		if len(d) != 64 || d != release.Digest(c2) {
			t.Errorf("%s: digest %q", p.Ref(), d)
		}
		q.Version++
		if d2, _ := q.Digest(); d2 == d {
			t.Errorf("%s: the digest does not cover the version", p.Ref())
		}
	}
	if _, err := release.Decode([]byte(`{"release":"guitai.release/1","id":"x","version":2,"forms":[],"txns":[],"extra":1}`)); err == nil {
		t.Error("an unknown key was accepted")
	}
}

// TestCheck: what submission refuses.
func TestCheck(t *testing.T) {
	_, base := builtin(t)
	codes := func(code string) bool {
		return code == "E_ACCOUNT_UNKNOWN" || code == "E_ACCOUNT_CLOSED" || code == "E_BOX_NOT_OPEN"
	}
	tests := []struct {
		name   string
		change func(p *release.Package)
		want   error // nil: passes
		msg    string
	}{
		{"v2 with a new field", func(p *release.Package) {}, nil, ""},
		{"form only, txn built in", func(p *release.Package) {
			p.Txns = nil
			p.Form("cash_deposit").Find("purpose").Bind = "memo"
			p.Form("cash_deposit").Find("memo").Bind = "" // the memo field is a text already
		}, nil, ""},
		{"new field without its param", func(p *release.Package) { p.Txns = nil }, release.ErrInvalid, "field purpose is not a param of cash_deposit"},
		{"no transaction", func(p *release.Package) { p.Form("cash_deposit").Submit = nil }, release.ErrNoTxn, "names no transaction"},
		{"unknown transaction", func(p *release.Package) { p.Form("cash_deposit").Submit.Txn = "nope" }, release.ErrInvalid, `"nope" is not in the catalog`},
		{"type mismatch", func(p *release.Package) { p.Txns[0].Param("purpose").Type = "money" }, release.ErrInvalid, "field purpose is string, param of cash_deposit is money"},
		{"version 1", func(p *release.Package) { p.Version = 1 }, release.ErrInvalid, "numbered from 2"},
		{"built-in id", func(p *release.Package) { p.ID = release.BuiltinID }, release.ErrInvalid, "built-in"},
		{"no form", func(p *release.Package) { p.Forms, p.Menu = nil, nil }, release.ErrInvalid, "holds no form"},
		{"unknown error code", func(p *release.Package) { p.Txns[0].Steps[1].Error = "E_NEW" }, release.ErrInvalid, "unknown error code E_NEW"},
		{"error code of the package", func(p *release.Package) { p.Txns[0].Steps[1].Error = "E_PURPOSE_MISSING" }, nil, ""},
		{"message in one language", func(p *release.Package) { p.Messages["E_X"] = dsl.Text{Zh: "x"} }, release.ErrInvalid, "both zh and en"},
		{"menu of no form", func(p *release.Package) { p.Menu["transfer"] = release.Menu{Code: "1"} }, release.ErrInvalid, "menu transfer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := v2(t)
			tt.change(p)
			err := release.Check(p, base, codes)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != nil && (!errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg)):
				t.Fatalf("got %v, want %v with %q", err, tt.want, tt.msg)
			}
		})
	}
}

// TestDiffAndView: the built-in view of a form's package, and the diff of
// v1 to v2.
func TestDiffAndView(t *testing.T) {
	b, _ := builtin(t)
	v1 := b.View("cash_deposit", nil)
	if v1 == nil || len(v1.Forms) != 1 || v1.Txn("cash_deposit") == nil || v1.Version != 1 {
		t.Fatalf("view: %+v", v1)
	}
	if b.View("no_such_form", nil) != nil {
		t.Error("a view of no built-in form")
	}
	d := release.Diff(v1, v2(t))
	for _, want := range []string{"~ form cash_deposit 1.1.0 → 1.2.0 (minor)", "field added: purpose", "~ transaction cash_deposit",
		"+ param purpose (string)", "+ message E_PURPOSE_MISSING", "+ menu cash_deposit: cat:cash 1401"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if d := release.Diff(v2(t), v2(t)); d != "" {
		t.Errorf("diff of the same package: %q", d)
	}
}

func TestParseRef(t *testing.T) {
	for in, ok := range map[string]bool{"cash_deposit@2": true, "a@1": true, "cash_deposit": false, "x@0": false, "X@2": false, "a@b": false} {
		r, err := release.ParseRef(in)
		if (err == nil) != ok || (ok && r.String() != in) {
			t.Errorf("ParseRef(%q) = %v, %v", in, r, err)
		}
	}
}
