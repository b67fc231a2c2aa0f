package teller

import (
	"errors"
	"strings"
	"testing"

	"guitai/devices/receipt"
	"guitai/ledger"
)

// TestReceiptFromItsPackage: an entry posted with a release package that
// carries the receipt template its transaction names prints with that
// template; an entry of the built-in forms, or a package without it,
// prints as before; a lookup that fails is an error, never another
// receipt.
func TestReceiptFromItsPackage(t *testing.T) {
	const slip = "{{template \"header\" .}}.kv 冻结账号 Account|{{mask .Account}}\n{{template \"footer\" .}}"
	templates := func(digest, name string) (string, bool, error) {
		switch {
		case digest == "broken":
			return "", false, errors.New("package unreadable")
		case digest == "d1" && name == "freeze_slip":
			return slip, true, nil
		}
		return "", false, nil
	}
	r := &Receipts{Bank: "柜台银行", Branch: "0101", Templates: templates}
	text := func(doc receipt.Doc) string {
		var b strings.Builder
		for _, el := range doc {
			b.WriteString(el.Text + "\n")
		}
		return b.String()
	}
	q := ledger.QueuedReceipt{Serial: "202611230101000009", Template: "freeze_slip", Result: &ledger.Result{}}
	entry := func(digest string) ledger.JournalEntry {
		return ledger.JournalEntry{Serial: q.Serial, TxnCode: "2209", Account: "6201010000002470", PackageDigest: digest}
	}
	for _, tc := range []struct {
		name, digest string
		slip         bool
	}{
		{"the package's template", "d1", true},
		{"built-in forms", "", false},
		{"a package without it", "d2", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := r.render(q, entry(tc.digest), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := text(doc)
			if strings.Contains(got, "冻结账号") != tc.slip || !strings.Contains(got, q.Serial) {
				t.Fatalf("receipt:\n%s", got)
			}
			if strings.Contains(got, "6201010000002470") {
				t.Errorf("the account is not masked:\n%s", got)
			}
		})
	}
	if _, err := r.render(q, entry("broken"), nil); err == nil {
		t.Fatal("an unreadable package printed a receipt")
	}
}
