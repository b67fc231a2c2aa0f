package release_test

import (
	"testing"

	"guitai/assets"
	"guitai/dsl"
	"guitai/release"
)

// TestFormVersion: a form's version follows from its content and the
// versions the ledger holds, never one number for two contents.
func TestFormVersion(t *testing.T) {
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	var base *dsl.Form
	for _, f := range forms {
		if f.ID == "cash_deposit" {
			base = f // version 1.1.0
		}
	}
	v2 := v2(t).Form("cash_deposit") // 1.2.0: a field added
	edit := func(f *dsl.Form, version string, change func(*dsl.Form)) *dsl.Form {
		c := f.Clone()
		c.Version = version
		if change != nil {
			change(c)
		}
		return c
	}
	retitle := func(f *dsl.Form) { f.Title.En += " (cash)" }
	dropField := func(f *dsl.Form) {
		kids := f.Root.Children
		for i, n := range kids {
			if len(n.Children) > 0 {
				n.Children = n.Children[:len(n.Children)-1]
				kids[i] = n
				return
			}
		}
	}
	cases := []struct {
		name  string
		form  *dsl.Form
		known []*dsl.Form
		want  string
	}{
		{"a new form keeps its version", edit(base, "3.1.4", nil), nil, "3.1.4"},
		{"the same content keeps the known version, whatever it says", edit(base, "9.9.9", nil), []*dsl.Form{base}, "1.1.0"},
		{"the same content as an older version gets that version", edit(base, "1.1.0", nil), []*dsl.Form{base, v2}, "1.1.0"},
		{"a field added under the same number is a minor bump", edit(v2, "1.1.0", nil), []*dsl.Form{base}, "1.2.0"},
		{"a new title only is a patch", edit(base, "1.1.0", retitle), []*dsl.Form{base}, "1.1.1"},
		{"a field removed is a major bump", edit(base, "1.1.0", dropField), []*dsl.Form{base}, "2.0.0"},
		{"the bump counts from the latest known version", edit(v2, "1.0.0", retitle), []*dsl.Form{v2, base}, "1.2.1"},
		{"and the diff is against it: v2's field dropped again is major", edit(base, "1.1.0", retitle), []*dsl.Form{v2, base}, "2.0.0"},
		{"a higher version the author chose is kept", edit(base, "4.0.0", retitle), []*dsl.Form{base}, "4.0.0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := release.FormVersion(c.form, c.known)
			if err != nil || got != c.want {
				t.Fatalf("FormVersion = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	if _, err := release.FormVersion(edit(base, "1.1", nil), nil); err == nil {
		t.Error("version 1.1 accepted")
	}
}
