package ledger

import "testing"

// TestSealPII: personal data seal and open like ID numbers, under their
// own associated data and blind-index key, and only with their master key.
func TestSealPII(t *testing.T) {
	k, other := deriveKeys(nil), deriveKeys([]byte("the branch's key 0123"))
	tests := []struct {
		name string
		v    string
	}{{"phone", "13800001111"}, {"address", "北京市东城区东华门大街 1 号"}, {"empty", ""}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := k.sealPII(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if (sealed == "") != (tt.v == "") {
				t.Fatalf("sealed %q", sealed)
			}
			if got, err := k.openPII(sealed); err != nil || got != tt.v {
				t.Fatalf("openPII %q %v", got, err)
			}
			if tt.v == "" {
				return
			}
			if _, err := other.openPII(sealed); err == nil {
				t.Error("opened with another master key")
			}
			if _, err := k.openID(sealed); err == nil {
				t.Error("a sealed phone opened as an ID number")
			}
			again, _ := k.sealPII(tt.v)
			if again == sealed {
				t.Error("sealing twice gave the same text (nonce reused)")
			}
			if k.indexPII(tt.v) != k.indexPII(tt.v) || k.indexPII(tt.v) == other.indexPII(tt.v) || k.indexPII(tt.v) == k.indexID(tt.v) {
				t.Error("indexPII is not a keyed, deterministic index of its own")
			}
		})
	}
}
