package catalog

import (
	"strings"
	"testing"
)

// TestSecretResults: pin.hash's hash is a secret, a call may keep any
// result as a secret but not as another type, and a "pin" param is known
// to the steps like any other.
func TestSecretResults(t *testing.T) {
	params := []Param{{Name: "new_pin", Type: "pin"}, {Name: "stored", Type: "string"}}
	hash := func(typ string) Step {
		return Step{Call: "pin.hash", Args: map[string]string{"pin": "new_pin"}, Returning: map[string]string{"hash": typ}}
	}
	verify := func(typ string) Step {
		return Step{Call: "pin.verify", Args: map[string]string{"pin": "new_pin", "hash": "stored"}, Returning: map[string]string{"ok": typ}}
	}
	cases := []struct {
		name  string
		steps []Step
		want  string
	}{
		{"hash kept as a secret", []Step{hash("secret"), {SQL: "UPDATE accounts SET pin_hash = :hash"}}, ""},
		{"hash as text refused", []Step{hash("string")}, "result hash is secret, not string"},
		{"ok kept as a secret", []Step{verify("secret"), {SQL: "SELECT 1 WHERE :ok = 1"}}, ""},
		{"ok as its own type", []Step{verify("int")}, ""},
		{"ok as money refused", []Step{verify("money")}, "result ok is int, not money"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := (&Txn{ID: "x", Params: params, Steps: c.steps}).Check(nil)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
	if !Secret("pin") || !Secret("secret") || Secret("pii") || Secret("string") {
		t.Fatal("Secret")
	}
}
