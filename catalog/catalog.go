package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"guitai/dsl"
)

// Txn is one catalog transaction, decoded from assets/txns/<id>.txn.json.
type Txn struct {
	ID    string   `json:"id"`
	Code  string   `json:"code"` // the fast-path code, also journal.txn_code
	Title dsl.Text `json:"-"`
	// Isolation is "read_committed" (default) or "serializable"; SQLite is
	// always serializable.
	Isolation string `json:"isolation"`
	// Roles allowed to post it; empty means teller and supervisor.
	Roles []string `json:"roles"`
	// Journal says whether a journal entry (and so a serial, postings, an
	// idempotency key and an audit record) is written; inquiries that only
	// read set it false.
	Journal    bool   `json:"journal"`
	Reversible bool   `json:"reversible"`
	Amount     string `json:"amount"`     // param or returned value saved as journal.amount
	Account    string `json:"account"`    // param or returned value saved as journal.account
	ReversalOf string `json:"reversalOf"` // param naming the entry this one reverses
	Receipt    string `json:"receipt"`    // receipt template queued for printing
	// Authorize is "form" (the form's authorize.when decides; the default),
	// "always" or "never". Steps may also demand it with authorizeIf.
	Authorize string  `json:"authorize"`
	Params    []Param `json:"params"`
	Steps     []Step  `json:"steps"`

	RawTitle map[string]string `json:"title"`
}

// Param is a typed input of a transaction.
type Param struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // string, money, int, bool, date, account, idcard
	Required bool   `json:"required"`
	Min      string `json:"min"`    // money: yuan decimal; int: integer
	Max      string `json:"max"`    // as Min
	MaxLen   int    `json:"maxLen"` // string types: characters
}

// Step is one named-parameter SQL statement of a transaction, or one call
// of a built-in function (Call).
type Step struct {
	SQL string `json:"sql"`
	// Call names a built-in function (one of Funcs) to run instead of
	// SQL, for what SQL cannot do the same on every database: interest by
	// the PBOC rules, a PIN's slow hash. Args maps each of the function's
	// arguments to the param, context value or earlier returned value it
	// takes; Returning keeps the results the later steps name. A function
	// that refuses its arguments fails the step with its own code, at
	// Field.
	Call string            `json:"call"`
	Args map[string]string `json:"args"`
	// ExpectRows, when set, is the exact number of rows the statement must
	// affect (or a query return); otherwise Error is raised at Field.
	ExpectRows *int   `json:"expectRows"`
	Error      string `json:"error"`
	Field      string `json:"field"`
	// Returning names columns of the first row to keep, with their types;
	// they feed later steps (as :name) and the receipt.
	Returning map[string]string `json:"returning"`
	// Into keeps every row under this name (a table on the form).
	Into string `json:"into"`
	// AuthorizeIf names a returned value: when it is non-zero, the posting
	// needs a supervisor's authorization.
	AuthorizeIf string `json:"authorizeIf"`
	// Diagnose steps run only when this step's guard fails, in order; the
	// first failing one names the error (e.g. "closed" rather than
	// "insufficient funds"). They keep the success path to one statement.
	Diagnose []Step `json:"diagnose"`
}

// ContextNames are the parameters the executor provides to every step.
var ContextNames = []string{"teller", "branch", "terminal", "business_date", "serial", "now",
	"role", "authorizer", "cashbox", "vault", "suspense", "equity",
	"new_account", "new_customer"} // the last two are allocated only when a step names them

// ParamTypes is the form field value type each param type takes (and each
// returned value type is read as).
//
// Two types keep a value out of everything a posting leaves behind (the
// journal's result, the receipt, the request digest of the audit log, the
// window's success message): "pin", a param that is a 6-digit PIN, which
// only a step's SQL or a built-in function (pin.hash, pin.verify) reads,
// and "secret", a returned value (a PIN's stored hash) that only the later
// steps read.
var ParamTypes = map[string]dsl.ValueType{
	"string": dsl.ValueString, "account": dsl.ValueString, "idcard": dsl.ValueString, "pii": dsl.ValueString,
	"money": dsl.ValueMoney, "int": dsl.ValueInt, "bool": dsl.ValueBool, "date": dsl.ValueDate,
	"pin": dsl.ValueString, "secret": dsl.ValueString,
}

// Secret reports whether values of param or returned type typ are never
// kept with a posting (see ParamTypes).
func Secret(typ string) bool { return typ == "pin" || typ == "secret" }

// Catalog is the set of transactions by id.
type Catalog map[string]*Txn

// LoadCatalog decodes every *.txn.json of fsys (strictly: unknown keys are
// errors) and checks each transaction on its own, as Load does with no
// list of error codes.
func LoadCatalog(fsys fs.FS) (Catalog, error) { return Load(fsys, nil) }

// Load decodes every *.txn.json of fsys (strictly: unknown keys are
// errors) and checks each transaction on its own (see Txn.Check); codes,
// when not nil, reports whether a step's error code is known.
func Load(fsys fs.FS, codes func(code string) bool) (Catalog, error) {
	names, err := fs.Glob(fsys, "*.txn.json")
	if err != nil {
		return nil, err
	}
	c := Catalog{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := Decode(name, b, codes)
		if err != nil {
			return nil, fmt.Errorf("txns/%w", err)
		}
		c[t.ID] = t
	}
	return c, nil
}

// Decode decodes one transaction, the file name (its id and
// ".txn.json") holding b, strictly (unknown keys are errors), and checks
// it on its own as Load does; errors start with the file name.
func Decode(name string, b []byte, codes func(code string) bool) (*Txn, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	t := &Txn{}
	if err := dec.Decode(t); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t.Title = dsl.Text{Zh: t.RawTitle["zh"], En: t.RawTitle["en"]}
	if want := strings.TrimSuffix(path.Base(name), ".txn.json"); t.ID != want {
		return nil, fmt.Errorf("%s: id %q does not match the file name", name, t.ID)
	}
	if err := t.Check(codes); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// IDs returns the transaction ids, sorted.
func (c Catalog) IDs() []string {
	out := make([]string, 0, len(c))
	for id := range c {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Check verifies what can be checked without a database: known types,
// isolation and authorize values, that every :name of every step is a
// param, a context value or returned by an earlier step, and, when codes is
// not nil, that every step's error code is known.
func (t *Txn) Check(codes func(code string) bool) error {
	var errs []error
	known := map[string]bool{}
	for _, n := range ContextNames {
		known[n] = true
	}
	pins := map[string]bool{} // params of type pin: the built-in functions' only
	for _, p := range t.Params {
		pins[p.Name] = p.Type == "pin"
		if _, ok := ParamTypes[p.Type]; !ok {
			errs = append(errs, fmt.Errorf("param %s: unknown type %q", p.Name, p.Type))
		}
		if known[p.Name] {
			errs = append(errs, fmt.Errorf("param %s: declared twice or shadows a context value", p.Name))
		}
		known[p.Name] = true
		if p.Type == "idcard" || p.Type == "pii" {
			// Steps write the sealed value and its blind index, never
			// the clear one (the ledger's coerce makes them).
			known[p.Name+"_cipher"], known[p.Name+"_index"] = true, true
		}
	}
	switch t.Isolation {
	case "", "read_committed", "serializable":
	default:
		errs = append(errs, fmt.Errorf("isolation %q", t.Isolation))
	}
	switch t.Authorize {
	case "", "form", "always", "never":
	default:
		errs = append(errs, fmt.Errorf("authorize %q", t.Authorize))
	}
	steps := slices.Clone(t.Steps)
	for _, st := range t.Steps {
		steps = append(steps, st.Diagnose...)
	}
	for i, st := range steps {
		errs = append(errs, st.checkCall(i+1, known)...)
		if st.Error != "" && codes != nil && !codes(st.Error) {
			errs = append(errs, fmt.Errorf("step %d: unknown error code %s", i+1, st.Error))
		}
		if st.ExpectRows != nil && st.Error == "" {
			errs = append(errs, fmt.Errorf("step %d: expectRows without an error code", i+1))
		}
		for _, n := range NamesIn(st.SQL) {
			switch {
			case !known[n]:
				errs = append(errs, fmt.Errorf("step %d: :%s is neither a param, a context value nor returned earlier", i+1, n))
			case pins[n]:
				errs = append(errs, fmt.Errorf("step %d: :%s is a PIN, which no SQL may name: check it with pin.check, hash it with pin.hash, compare it with pin.verify", i+1, n))
			}
		}
		for n, typ := range st.Returning {
			if _, ok := ParamTypes[typ]; !ok {
				errs = append(errs, fmt.Errorf("step %d: returning %s: unknown type %q", i+1, n, typ))
			}
			known[n] = true
		}
		if st.Into != "" {
			known[st.Into] = true
		}
		if st.AuthorizeIf != "" && st.Returning[st.AuthorizeIf] == "" {
			errs = append(errs, fmt.Errorf("step %d: authorizeIf %s is not returned by the step", i+1, st.AuthorizeIf))
		}
	}
	for _, n := range []string{t.Amount, t.Account, t.ReversalOf} {
		if n != "" && !known[n] {
			errs = append(errs, fmt.Errorf("journal field %s is neither a param nor returned", n))
		}
	}
	return errors.Join(errs...)
}

// NamesIn lists the :name parameters of a statement as sqlx.Named sees them:
// a colon then letters, digits, '_' or '.'; "::" is an escaped colon.
func NamesIn(q string) []string {
	var out []string
	isName := func(c byte) bool {
		return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; i < len(q); i++ {
		if q[i] != ':' {
			continue
		}
		if i+1 < len(q) && q[i+1] == ':' {
			i++
			continue
		}
		j := i + 1
		for j < len(q) && isName(q[j]) {
			j++
		}
		if j > i+1 {
			out = append(out, q[i+1:j])
		}
		i = j - 1
	}
	return out
}

// Param returns the parameter named n, or nil.
func (t *Txn) Param(n string) *Param {
	for i := range t.Params {
		if t.Params[i].Name == n {
			return &t.Params[i]
		}
	}
	return nil
}
