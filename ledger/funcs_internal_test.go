package ledger

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"guitai/catalog"
)

// TestBuiltinsImplementFuncs: every function of the catalog's
// specification has an implementation and nothing else does, and each
// returns exactly the results its signature names.
func TestBuiltinsImplementFuncs(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(builtins)), catalog.FuncNames(); !slices.Equal(got, want) {
		t.Fatalf("builtins %v, catalog.Funcs %v", got, want)
	}
	args := map[string]map[string]any{
		"interest.settle":   {"principal": int64(1_000_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2026-03-01", "demand_rate": "0.20"},
		"interest.partial":  {"principal": int64(1_000_000), "withdrawn": int64(400_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2025-09-01", "demand_rate": "0.20"},
		"interest.maturity": {"opened": "2024-01-31", "term": int64(1)},
		"pin.hash":          {"pin": "135790"},
		"pin.verify":        {"pin": "135790", "hash": mustHash(t, "135790")},
		"pin.check":         {"pin": "246813", "confirm": "246813", "old": "135790", "action": "change"},
	}
	for name, f := range catalog.Funcs {
		out, err := builtins[name](funcEnv{}, args[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := slices.Sorted(maps.Keys(out)), slices.Sorted(maps.Keys(f.Results)); !slices.Equal(got, want) {
			t.Errorf("%s returns %v, its signature %v", name, got, want)
		}
	}
}

func mustHash(t *testing.T, pin string) string {
	t.Helper()
	out, err := pinHash(funcEnv{pinRounds: 1000}, map[string]any{"pin": pin})
	if err != nil {
		t.Fatal(err)
	}
	return out["hash"].(string)
}

// TestBuiltinResults checks the functions' figures against hand
// computations (10,000.00 yuan for 12 months at 1.75%: 175.00; early
// after 184 days at 0.20% demand: 10,000 × 0.002 × 184 / 360 = 10.22).
func TestBuiltinResults(t *testing.T) {
	cases := []struct {
		name string
		f    builtin
		args map[string]any
		want map[string]any
		code Code
	}{
		{"full term", interestSettle, map[string]any{"principal": int64(1_000_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2026-03-01", "demand_rate": "0.20"},
			map[string]any{"interest": int64(17_500), "kind": "full", "maturity": "2026-03-01"}, ""},
		{"early", interestSettle, map[string]any{"principal": int64(1_000_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2025-09-01", "demand_rate": "0.20"},
			map[string]any{"interest": int64(1_022), "kind": "early", "days": int64(184)}, ""},
		{"overdue 10 days", interestSettle, map[string]any{"principal": int64(1_000_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2026-03-11", "demand_rate": "0.20"},
			map[string]any{"interest": int64(17_500 + 56), "kind": "overdue", "overdue_days": int64(10)}, ""},
		{"closed before opened", interestSettle, map[string]any{"principal": int64(1_000_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2025-02-01", "demand_rate": "0.20"},
			nil, "E_INTEREST_DATES"},
		{"rate with five decimals refused", interestSettle, map[string]any{"principal": int64(1_000_000), "rate": "1.75001", "term": int64(12), "opened": "2025-03-01", "closed": "2026-03-01", "demand_rate": "0.20"},
			nil, "E_RATE"},
		{"partial early: 4,000 of 10,000 after 184 days", interestPartial, map[string]any{"principal": int64(1_000_000), "withdrawn": int64(400_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2025-09-01", "demand_rate": "0.20"},
			map[string]any{"interest": int64(409), "remainder": int64(600_000)}, ""},
		{"partial of everything refused", interestPartial, map[string]any{"principal": int64(1_000_000), "withdrawn": int64(1_000_000), "rate": "1.75", "term": int64(12), "opened": "2025-03-01", "closed": "2025-09-01", "demand_rate": "0.20"},
			nil, "E_PARTIAL_WITHDRAWAL"},
		{"month end, leap year", interestMaturity, map[string]any{"opened": "2024-01-31", "term": int64(1)}, map[string]any{"maturity": "2024-02-29"}, ""},
		{"term 0 refused", interestMaturity, map[string]any{"opened": "2024-01-31", "term": int64(0)}, nil, "E_INTEREST"},
		{"PIN of 5 digits refused", pinHash, map[string]any{"pin": "12345"}, nil, "E_PIN_SYNTAX"},
		{"PIN with a letter refused", pinHash, map[string]any{"pin": "12345a"}, nil, "E_PIN_SYNTAX"},
		{"wrong PIN", pinVerify, map[string]any{"pin": "135791", "hash": mustHash(t, "135790")}, map[string]any{"ok": int64(0)}, ""},
		{"right PIN", pinVerify, map[string]any{"pin": "135790", "hash": mustHash(t, "135790")}, map[string]any{"ok": int64(1)}, ""},
		{"no PIN set", pinVerify, map[string]any{"pin": "135790", "hash": ""}, nil, "E_PIN_NOT_SET"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := c.f(funcEnv{pinRounds: 1000}, c.args)
			if CodeOf(err) != c.code {
				t.Fatalf("error %v, want code %q", err, c.code)
			}
			for k, v := range c.want {
				if out[k] != v {
					t.Errorf("%s = %v, want %v", k, out[k], v)
				}
			}
		})
	}
}

// TestPINHashSalted: the same PIN hashes differently each time, the
// stored form never contains the PIN, and the rounds (the ledger's
// password iterations) are in it.
func TestPINHashSalted(t *testing.T) {
	a, b := mustHash(t, "000000"), mustHash(t, "000000")
	if a == b {
		t.Fatal("two hashes of one PIN are equal: no salt")
	}
	if strings.Contains(a, "000000") || !strings.HasPrefix(a, "pbkdf2-sm3$1000$") {
		t.Fatalf("stored form %q", a)
	}
}

// TestPINCheck: pin.check's rules, each refusal at the argument at fault
// (call maps it to the step's param), and the weak PINs are exactly the
// twenty the counter refused before (one digit six times, a run up or
// down).
func TestPINCheck(t *testing.T) {
	cases := []struct {
		name                      string
		pin, confirm, old, action string
		code                      Code
		field                     string
	}{
		{"a good new PIN", "246813", "246813", "", "", "", ""},
		{"a good change", "246813", "246813", "135790", "change", "", ""},
		{"a reset ignores the old", "246813", "246813", "", "reset", "", ""},
		{"five digits", "24681", "24681", "", "", "E_PIN_SYNTAX", "pin"},
		{"a letter", "24681a", "24681a", "", "", "E_PIN_SYNTAX", "pin"},
		{"not confirmed", "246813", "246831", "", "", "E_PIN_CONFIRM", "confirm"},
		{"weak", "123456", "123456", "", "", "E_PIN_WEAK", "pin"},
		{"change without the old", "246813", "246813", "", "change", "E_REQUIRED", "old"},
		{"change with a bad old", "246813", "246813", "13579", "change", "E_PIN_SYNTAX", "old"},
		{"the same as the old", "246813", "246813", "246813", "change", "E_PIN_SAME", "pin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := pinCheck(funcEnv{}, map[string]any{"pin": c.pin, "confirm": c.confirm, "old": c.old, "action": c.action})
			if CodeOf(err) != c.code || fieldOf(err) != c.field {
				t.Fatalf("%v, want %s at %q", err, c.code, c.field)
			}
			if err != nil && (strings.Contains(err.Error(), c.pin) || c.old != "" && strings.Contains(err.Error(), c.old)) {
				t.Fatalf("the error shows a PIN: %v", err)
			}
		})
	}
	var weak []string
	for n := range 1_000_000 {
		if p := fmt.Sprintf("%06d", n); weakPIN(p) {
			weak = append(weak, p)
		}
	}
	want := []string{"000000", "012345", "111111", "123456", "222222", "234567", "333333", "345678", "444444", "456789",
		"543210", "555555", "654321", "666666", "765432", "777777", "876543", "888888", "987654", "999999"}
	if !slices.Equal(weak, want) {
		t.Fatalf("weak PINs %v, want %v", weak, want)
	}
}

// TestCallNamesTheParam: a function's refusal at an argument is the
// step's param's; one that names none is the step's field.
func TestCallNamesTheParam(t *testing.T) {
	x := &Executor{store: &Store{}}
	st := catalog.Step{Call: "pin.check", Args: map[string]string{"pin": "new_pin", "confirm": "confirm_pin"}, Field: "new_pin"}
	err := x.call(st, map[string]any{"new_pin": "246813", "confirm_pin": "246831"}, &Result{Values: map[string]any{}})
	if CodeOf(err) != "E_PIN_CONFIRM" || fieldOf(err) != "confirm_pin" {
		t.Fatalf("%v, want E_PIN_CONFIRM at confirm_pin", err)
	}
	st = catalog.Step{Call: "pin.hash", Args: map[string]string{"pin": "new_pin"}, Field: "new_pin"}
	err = x.call(st, map[string]any{"new_pin": "1"}, &Result{Values: map[string]any{}})
	if CodeOf(err) != "E_PIN_SYNTAX" || fieldOf(err) != "new_pin" {
		t.Fatalf("%v, want E_PIN_SYNTAX at new_pin", err)
	}
}
