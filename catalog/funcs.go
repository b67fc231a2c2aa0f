package catalog

import (
	"fmt"
	"sort"
)

// Func is the signature of a built-in function a step may call: the type
// of each argument and of each result, as param types ("money", "int",
// "string", "date"). The ledger implements them (ledger.Funcs); this is
// their specification, so the designer checks a call without a ledger. A
// step may keep any result as "secret" (ParamTypes): for its later steps
// only, never in the posting's result.
type Func struct {
	Doc      string
	Args     map[string]string
	Optional map[string]string // arguments a step may leave out
	Results  map[string]string
}

// Funcs are the built-in functions of the catalog, by name.
//
//   - interest.settle: the interest of closing a fixed-term deposit on
//     closed (package guitai/interest: the PBOC rules for savings, in
//     full, early or overdue); rates are percent strings ("1.75").
//   - interest.partial: the interest on the part withdrawn early from a
//     fixed-term deposit (once per deposit), at the demand rate.
//   - interest.maturity: a term's maturity date.
//   - pin.hash: a PIN's salted slow hash (PBKDF2 with HMAC-SM3), the only
//     form in which a PIN is stored; never reversible.
//   - pin.verify: 1 when pin matches a stored hash, else 0; 1 without
//     looking when unless is given and not 0 (a reset: no old PIN).
//   - pin.check: a new PIN's rules, refused at the argument's param: 6
//     digits (E_PIN_SYNTAX), its confirmation the same (E_PIN_CONFIRM),
//     not one digit six times or a run (E_PIN_WEAK); with action
//     "change", the old PIN given (E_REQUIRED) and another (E_PIN_SAME).
//
// A PIN (a param of type pin) is read by these functions only: no SQL
// step may name one (Check), so no PIN is ever sent to the database, not
// even to compare it.
var Funcs = map[string]Func{
	"interest.settle": {
		Doc:     "interest of closing a term deposit on a date (PBOC rules)",
		Args:    map[string]string{"principal": "money", "rate": "string", "term": "int", "opened": "date", "closed": "date", "demand_rate": "string"},
		Results: map[string]string{"interest": "money", "kind": "string", "maturity": "date", "days": "int", "overdue_days": "int", "term_interest": "money", "demand_interest": "money"},
	},
	"interest.partial": {
		Doc:     "interest on the part of a term deposit withdrawn early (once)",
		Args:    map[string]string{"principal": "money", "withdrawn": "money", "rate": "string", "term": "int", "opened": "date", "closed": "date", "demand_rate": "string"},
		Results: map[string]string{"interest": "money", "days": "int", "remainder": "money", "maturity": "date"},
	},
	"interest.maturity": {
		Doc:     "maturity date of a term opened on a date",
		Args:    map[string]string{"opened": "date", "term": "int"},
		Results: map[string]string{"maturity": "date"},
	},
	"pin.hash": {
		Doc:     "salted slow hash of a PIN (PBKDF2-HMAC-SM3)",
		Args:    map[string]string{"pin": "string"},
		Results: map[string]string{"hash": "secret"},
	},
	"pin.verify": {
		Doc:      "1 when a PIN matches its stored hash, else 0 (1 when unless is not 0)",
		Args:     map[string]string{"pin": "string", "hash": "string"},
		Optional: map[string]string{"unless": "int"},
		Results:  map[string]string{"ok": "int"},
	},
	"pin.check": {
		Doc:      "a new PIN's rules: 6 digits, confirmed, not weak; with action change, the old one given and another",
		Args:     map[string]string{"pin": "string", "confirm": "string"},
		Optional: map[string]string{"old": "string", "action": "string"},
		Results:  map[string]string{},
	},
}

// FuncNames returns the names of Funcs, sorted.
func FuncNames() []string {
	out := make([]string, 0, len(Funcs))
	for n := range Funcs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// checkCall checks step n's call against Funcs: a step is SQL or a call,
// never both; the function exists; every argument is given, from a known
// name, and no other; Returning names results of the function, with
// their types. The result names become known to the steps after it.
func (st Step) checkCall(n int, known map[string]bool) []error {
	if st.Call == "" {
		if len(st.Args) > 0 {
			return []error{fmt.Errorf("step %d: args without a call", n)}
		}
		return nil
	}
	if st.SQL != "" {
		return []error{fmt.Errorf("step %d: both sql and call %s", n, st.Call)}
	}
	f, ok := Funcs[st.Call]
	if !ok {
		return []error{fmt.Errorf("step %d: unknown function %q (known: %v)", n, st.Call, FuncNames())}
	}
	var errs []error
	for _, a := range sortedKeys(f.Args) {
		src, ok := st.Args[a]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("step %d: %s: argument %s missing", n, st.Call, a))
		case !known[src]:
			errs = append(errs, fmt.Errorf("step %d: %s: argument %s = :%s is neither a param, a context value nor returned earlier", n, st.Call, a, src))
		}
	}
	for _, a := range sortedKeys(st.Args) {
		_, required := f.Args[a]
		_, optional := f.Optional[a]
		switch {
		case !required && !optional:
			errs = append(errs, fmt.Errorf("step %d: %s has no argument %s", n, st.Call, a))
		case optional && !known[st.Args[a]]:
			errs = append(errs, fmt.Errorf("step %d: %s: argument %s = :%s is neither a param, a context value nor returned earlier", n, st.Call, a, st.Args[a]))
		}
	}
	for _, r := range sortedKeys(st.Returning) {
		if want, ok := f.Results[r]; !ok {
			errs = append(errs, fmt.Errorf("step %d: %s has no result %s", n, st.Call, r))
		} else if st.Returning[r] != want && st.Returning[r] != "secret" {
			// Any result may be kept as a secret: for the later steps only.
			errs = append(errs, fmt.Errorf("step %d: %s result %s is %s, not %s", n, st.Call, r, want, st.Returning[r]))
		}
	}
	if st.Into != "" || st.ExpectRows != nil || len(st.Diagnose) > 0 {
		errs = append(errs, fmt.Errorf("step %d: a call takes no into, expectRows or diagnose", n))
	}
	return errs
}

// sortedKeys returns m's keys, sorted, so errors come in a stable order.
func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
