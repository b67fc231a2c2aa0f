package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"guitai/dsl"
	"guitai/idnum"
	"guitai/money"
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

// Step is one named-parameter SQL statement of a transaction.
type Step struct {
	SQL string `json:"sql"`
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

// Catalog is the set of transactions by id.
type Catalog map[string]*Txn

// LoadCatalog decodes every *.txn.json of fsys (strictly: unknown keys are
// errors) and checks each transaction on its own.
func LoadCatalog(fsys fs.FS) (Catalog, error) {
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
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		t := &Txn{}
		if err := dec.Decode(t); err != nil {
			return nil, fmt.Errorf("txns/%s: %w", name, err)
		}
		t.Title = dsl.Text{Zh: t.RawTitle["zh"], En: t.RawTitle["en"]}
		if want := strings.TrimSuffix(path.Base(name), ".txn.json"); t.ID != want {
			return nil, fmt.Errorf("txns/%s: id %q does not match the file name", name, t.ID)
		}
		if err := t.check(); err != nil {
			return nil, fmt.Errorf("txns/%s: %w", name, err)
		}
		c[t.ID] = t
	}
	return c, nil
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

var paramTypes = map[string]dsl.ValueType{
	"string": dsl.ValueString, "account": dsl.ValueString, "idcard": dsl.ValueString,
	"money": dsl.ValueMoney, "int": dsl.ValueInt, "bool": dsl.ValueBool, "date": dsl.ValueDate,
}

// check verifies what can be checked without a database: known types and
// codes, and that every :name of every step is a param, a context value or
// returned by an earlier step.
func (t *Txn) check() error {
	var errs []error
	known := map[string]bool{}
	for _, n := range ContextNames {
		known[n] = true
	}
	for _, p := range t.Params {
		if _, ok := paramTypes[p.Type]; !ok {
			errs = append(errs, fmt.Errorf("param %s: unknown type %q", p.Name, p.Type))
		}
		if known[p.Name] {
			errs = append(errs, fmt.Errorf("param %s: declared twice or shadows a context value", p.Name))
		}
		known[p.Name] = true
		if p.Type == "idcard" {
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
		if st.Error != "" {
			if _, ok := Messages[st.Error]; !ok {
				errs = append(errs, fmt.Errorf("step %d: unknown error code %s", i+1, st.Error))
			}
		}
		if st.ExpectRows != nil && st.Error == "" {
			errs = append(errs, fmt.Errorf("step %d: expectRows without an error code", i+1))
		}
		for _, n := range namesIn(st.SQL) {
			if !known[n] {
				errs = append(errs, fmt.Errorf("step %d: :%s is neither a param, a context value nor returned earlier", i+1, n))
			}
		}
		for n, typ := range st.Returning {
			if _, ok := paramTypes[typ]; !ok {
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

// namesIn lists the :name parameters of a statement as sqlx.Named sees them:
// a colon then letters, digits, '_' or '.'; "::" is an escaped colon.
func namesIn(q string) []string {
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

// Coerce turns submitted values (from a form: money.Fen, int64, bool,
// strings; from a script: strings) into the typed parameters of t. Keys that
// are not params are refused; a missing optional param gets its zero value.
func (t *Txn) Coerce(values map[string]any, k keys) (map[string]any, error) {
	out := map[string]any{}
	for key := range values {
		if t.Param(key) == nil {
			return nil, errf("E_UNKNOWN_PARAM", key, nil)
		}
	}
	for _, p := range t.Params {
		v, err := p.coerce(values[p.Name])
		if err != nil {
			return nil, err
		}
		if p.Type == "idcard" {
			s := v.(string)
			out[p.Name+"_cipher"], out[p.Name+"_index"] = "", ""
			if s != "" {
				c, err := k.sealID(s)
				if err != nil {
					return nil, err
				}
				out[p.Name+"_cipher"], out[p.Name+"_index"] = c, k.indexID(s)
			}
		}
		out[p.Name] = v
	}
	return out, nil
}

func (p *Param) coerce(v any) (any, error) {
	if s, ok := v.(string); ok {
		v = strings.TrimSpace(s)
	}
	empty := v == nil || v == ""
	if empty && p.Required {
		return nil, errf("E_REQUIRED", p.Name, nil)
	}
	bad := func(code string, cause error) (any, error) { return nil, errf(code, p.Name, cause) }
	switch p.Type {
	case "money":
		var f money.Fen
		switch x := v.(type) {
		case nil:
		case money.Fen:
			f = x
		case int64:
			f = money.Fen(x)
		case int:
			f = money.Fen(x)
		case string:
			if x == "" {
				break
			}
			var err error
			if f, err = money.Parse(x); err != nil {
				switch {
				case errors.Is(err, money.ErrPrecision):
					return bad("E_AMOUNT_PRECISION", err)
				case errors.Is(err, money.ErrRange):
					return bad("E_AMOUNT_RANGE", err)
				}
				return bad("E_AMOUNT_SYNTAX", err)
			}
		default:
			return bad("E_TYPE", fmt.Errorf("%T is not money", v)) // floats included: never
		}
		if f > money.MaxFen || f < -money.MaxFen {
			return bad("E_AMOUNT_RANGE", nil)
		}
		if p.Min != "" && !empty {
			if f < money.MustParse(p.Min) {
				return bad("E_AMOUNT_MIN", nil)
			}
		}
		if p.Max != "" && f > money.MustParse(p.Max) {
			return bad("E_AMOUNT_RANGE", nil)
		}
		return int64(f), nil
	case "int":
		var n int64
		switch x := v.(type) {
		case nil:
		case int64:
			n = x
		case int:
			n = int64(x)
		case string:
			if x == "" {
				break
			}
			var err error
			if n, err = strconv.ParseInt(x, 10, 64); err != nil {
				if errors.Is(err, strconv.ErrRange) {
					return bad("E_INT_RANGE", err)
				}
				return bad("E_INT_SYNTAX", err)
			}
		default:
			return bad("E_TYPE", fmt.Errorf("%T is not an integer", v))
		}
		if p.Min != "" {
			if m, _ := strconv.ParseInt(p.Min, 10, 64); n < m {
				return bad("E_INT_RANGE", nil)
			}
		}
		if p.Max != "" {
			if m, _ := strconv.ParseInt(p.Max, 10, 64); n > m {
				return bad("E_INT_RANGE", nil)
			}
		}
		return n, nil
	case "bool":
		switch x := v.(type) {
		case nil:
			return false, nil
		case bool:
			return x, nil
		case string:
			if x == "" {
				return false, nil
			}
			b, err := strconv.ParseBool(x)
			if err != nil {
				return bad("E_TYPE", err)
			}
			return b, nil
		}
		return bad("E_TYPE", fmt.Errorf("%T is not a bool", v))
	}
	// string, date, account, idcard
	var s string
	switch x := v.(type) {
	case nil:
	case string:
		s = x
	default:
		return bad("E_TYPE", fmt.Errorf("%T is not text", v))
	}
	if !utf8.ValidString(s) {
		return bad("E_TYPE", nil)
	}
	if p.MaxLen > 0 && utf8.RuneCountInString(s) > p.MaxLen {
		return bad("E_TOO_LONG", nil)
	}
	if s == "" {
		return s, nil
	}
	switch p.Type {
	case "date":
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return bad("E_DATE_SYNTAX", err)
		}
	case "account":
		if len(s) < 10 || len(s) > 19 || strings.Trim(s, "0123456789") != "" {
			return bad("E_ACCOUNT_SYNTAX", nil)
		}
	case "idcard":
		s = strings.ToUpper(s)
		if !idnum.IDCard(s) {
			return bad("E_IDCARD_SYNTAX", nil)
		}
	}
	return s, nil
}

// CheckForms verifies every form that names a transaction against the
// catalog: the transaction exists, every posted key is a param of a matching
// type, and every required param is bound by the form.
func (c Catalog) CheckForms(forms []*dsl.Form) error {
	var errs []error
	for _, f := range forms {
		if f.Submit == nil || f.Submit.Txn == "" {
			continue
		}
		t, ok := c[f.Submit.Txn]
		if !ok {
			errs = append(errs, fmt.Errorf("form %s: transaction %q is not in the catalog", f.ID, f.Submit.Txn))
			continue
		}
		bound := map[string]bool{}
		for _, fld := range f.Fields() {
			if displayOnly(f, fld.Key) {
				continue // shown, never posted
			}
			bound[fld.Key] = true
			p := t.Param(fld.Key)
			if p == nil {
				errs = append(errs, fmt.Errorf("form %s: field %s is not a param of %s", f.ID, fld.Key, t.ID))
				continue
			}
			if want := paramTypes[p.Type]; want != fld.Type {
				errs = append(errs, fmt.Errorf("form %s: field %s is %s, param of %s is %s", f.ID, fld.Key, fld.Type, t.ID, p.Type))
			}
		}
		for _, p := range t.Params {
			if p.Required && !bound[p.Name] {
				errs = append(errs, fmt.Errorf("form %s: required param %s of %s is not bound", f.ID, p.Name, t.ID))
			}
		}
	}
	return errors.Join(errs...)
}

// displayOnly reports whether every node binding key shows it only (labels,
// tables and readOnly fields): such values are results, never inputs.
func displayOnly(f *dsl.Form, key string) bool {
	only := true
	f.Walk(func(_ []string, n *dsl.Node) bool {
		if n.Bind == key && n.Type != "label" && n.Type != "table" && !n.PropBool("readOnly") {
			only = false
		}
		return true
	})
	return only
}

// Posted returns the values of f a submission posts: display-only keys
// (labels, tables, readOnly fields such as a looked-up balance) are dropped,
// since the ledger computes them itself.
func Posted(f *dsl.Form, values map[string]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		if !displayOnly(f, k) {
			out[k] = v
		}
	}
	return out
}
