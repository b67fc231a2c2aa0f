package ledger

import (
	"strings"
	"testing"

	"guitai/catalog"
)

// TestPINNotDigested: a PIN param changes neither the request digest
// (which the journal and the audit log keep: a digest of 6 digits is
// found by trying them all) nor the posted params; the other params still
// do.
func TestPINNotDigested(t *testing.T) {
	txn := &catalog.Txn{ID: "pin_change", Params: []catalog.Param{{Name: "account", Type: "account"}, {Name: "new_pin", Type: "pin"}}}
	a := requestDigest(txn, map[string]any{"account": "6201010000000011", "new_pin": "135790"}, "010101", "k", "")
	b := requestDigest(txn, map[string]any{"account": "6201010000000011", "new_pin": "246813"}, "010101", "k", "")
	c := requestDigest(txn, map[string]any{"account": "6201010000000029", "new_pin": "135790"}, "010101", "k", "")
	if a != b || a == c {
		t.Fatalf("digests: same but the PIN %v, another account %v", a == b, a == c)
	}
	posted := postedParams(txn, map[string]any{"account": "6201010000000011", "new_pin": "135790"})
	if _, ok := posted["new_pin"]; ok || posted["account"] == nil {
		t.Fatalf("posted params %v", posted)
	}
	for _, v := range []string{"12345", "1234567", "12a456", " 12345"} {
		if _, err := coercePIN(&txn.Params[1], v, false); CodeOf(err) != "E_PIN_SYNTAX" || strings.Contains(err.Error(), v) {
			t.Errorf("PIN %q: %v", v, err)
		}
	}
}
