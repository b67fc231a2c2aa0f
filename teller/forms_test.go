package teller

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guitai/assets"
	"guitai/dsl"
)

func TestLoadFormsOverlaysPublished(t *testing.T) {
	base, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, _ := assets.FormSource("cash_deposit.form.json")
	f, _ := dsl.Decode(src)
	f.Version = "1.1.0"
	f.Title.Zh = "现金存款（新版）"
	os.WriteFile(filepath.Join(dir, "cash_deposit.form.json"), dsl.Encode(f), 0o644)
	got, err := LoadForms(dir, base)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(base) {
		t.Fatalf("%d forms, want %d", len(got), len(base))
	}
	for _, g := range got {
		if g.ID == "cash_deposit" && g.Version != "1.1.0" {
			t.Errorf("published version not used: %s", g.Version)
		}
	}
	os.WriteFile(filepath.Join(dir, "broken.form.json"), []byte(`{"dsl": "guitai.form/1",`), 0o644)
	if _, err := LoadForms(dir, base); err == nil || !strings.Contains(err.Error(), "broken.form.json") || !strings.Contains(err.Error(), "1:") {
		t.Errorf("broken form: %v", err)
	}
}
