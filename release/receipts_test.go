package release_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guitai/release"
)

// TestPackageReceipts: a package directory's *.tmpl are its receipt
// templates; they are part of its content (canonical bytes, digest) and
// come back from Decode, and one that does not parse fails the check with
// its name.
func TestPackageReceipts(t *testing.T) {
	_, base := builtin(t)
	dir := t.TempDir()
	src := filepath.Join("testdata", "status_freeze")
	for _, name := range []string{"package.json", "status_freeze.form.json", "status_freeze.txn.json"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const slip = "{{template \"header\" .}}.kv 冻结账号 Account|{{mask .Account}}\n{{template \"footer\" .}}"
	if err := os.WriteFile(filepath.Join(dir, "freeze_slip.tmpl"), []byte(slip), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := release.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Receipts["freeze_slip"] != slip {
		t.Fatalf("receipts %v", p.Receipts)
	}
	p.Version = 2
	if err := release.Check(p, base, nil); err != nil {
		t.Fatalf("check: %v", err)
	}
	c, err := p.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	q, err := release.Decode(c)
	if err != nil || q.Receipts["freeze_slip"] != slip {
		t.Fatalf("decoded receipts %v (%v)", q.Receipts, err)
	}
	d1, _ := p.Digest()
	p.Receipts["freeze_slip"] += "\n.feed 1"
	if d2, _ := p.Digest(); d2 == d1 {
		t.Error("the digest does not cover the receipt templates")
	}

	p.Receipts["broken"] = "{{template \"header\" .}}{{.Nope"
	err = release.Check(p, base, nil)
	if err == nil || !errors.Is(err, release.ErrInvalid) || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("a template that does not parse: %v", err)
	}
}
