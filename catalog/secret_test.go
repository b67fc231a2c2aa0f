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
		// No SQL names a PIN, not even to compare it.
		{"a PIN in SQL refused", []Step{{SQL: "SELECT 1 WHERE CAST(:new_pin AS TEXT) <> ''"}}, ":new_pin is a PIN"},
		{"a PIN in a diagnose refused", []Step{{SQL: "SELECT 1", ExpectRows: ptr(1), Error: "E_X",
			Diagnose: []Step{{SQL: "SELECT :new_pin", ExpectRows: ptr(1), Error: "E_Y"}}}}, ":new_pin is a PIN"},
		{"pin.check with its optional arguments", []Step{{Call: "pin.check", Args: map[string]string{"pin": "new_pin", "confirm": "new_pin", "old": "stored", "action": "stored"}}}, ""},
		{"pin.check without them", []Step{{Call: "pin.check", Args: map[string]string{"pin": "new_pin", "confirm": "new_pin"}}}, ""},
		{"an optional argument from nowhere", []Step{{Call: "pin.check", Args: map[string]string{"pin": "new_pin", "confirm": "new_pin", "old": "nowhere"}}}, "argument old = :nowhere"},
		{"pin.verify unless", []Step{{Call: "pin.verify", Args: map[string]string{"pin": "new_pin", "hash": "stored", "unless": "stored"}}}, ""},
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

func ptr(n int) *int { return &n }
