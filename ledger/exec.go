package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"guitai/audit"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"

	"guitai/catalog"
	"guitai/dsl"
	"guitai/idnum"
	"guitai/money"
)

// Executor posts catalog transactions against a Store.
type Executor struct {
	store *Store
	cat   catalog.Catalog
	forms map[string]*dsl.Form // by transaction id
	used  sync.Map             // *catalog.Txn -> txnUses
}

// NewExecutor returns an executor of cat's transactions on s. forms are the
// forms that post them: their id and version go into the journal. Whether
// a posting needs an authorization is the ledger's own policy (table
// auth_policy, see Policy), never the form's authorize.when, which only
// makes the window ask earlier.
func NewExecutor(s *Store, cat catalog.Catalog, forms []*dsl.Form) *Executor {
	x := &Executor{store: s, cat: cat, forms: map[string]*dsl.Form{}}
	for _, f := range forms {
		if f.Submit != nil && f.Submit.Txn != "" {
			x.forms[f.Submit.Txn] = f
		}
	}
	return x
}

// Catalog returns the executor's catalog.
func (x *Executor) Catalog() catalog.Catalog { return x.cat }

// Store returns the executor's store.
func (x *Executor) Store() *Store { return x.store }

// Credentials identify a supervisor who authorizes a posting: by ID and
// Password, or by a fingerprint match (Finger, produced from the module's
// identify result by the caller). With Finger set the password is not
// used, and ID, when given, must be the user the finger matched.
//
// Credentials approve one request: the first submission that carries them
// binds them to the digest of its request (transaction, canonical params,
// teller, idempotency key), and any other request they are offered with is
// refused (E_AUTH_REUSED). The same request submitted again (a replay)
// passes.
type Credentials struct {
	ID       string
	Password string
	Finger   *FingerMatch

	bound string // the request digest these credentials approved; under credMu
}

// credMu guards Credentials.bound.
var credMu sync.Mutex

// bind binds c to the request digest d, or reports whether it approved
// another request already.
func (c *Credentials) bind(d string) bool {
	credMu.Lock()
	defer credMu.Unlock()
	if c.bound == "" {
		c.bound = d
	}
	return c.bound == d
}

// given reports whether c names an authorizer.
func (c *Credentials) given() bool { return c != nil && (c.ID != "" || c.Finger != nil) }

// Request is one submission.
type Request struct {
	Txn        string         // catalog transaction id, e.g. "cash_deposit"
	Values     map[string]any // the form's values by key (or strings from a script)
	Teller     string         // the signed-on user posting it
	Terminal   string
	Authorizer *Credentials // the supervisor, when one authorized
	// Second is the second authorizer, for a transaction whose policy
	// asks for two; another user than Authorizer.
	Second *Credentials
	// Key is the idempotency key: the same key posts at most once, and a
	// repeated submission gets the first result back with Replayed set.
	Key string
}

// Result is what a successful submission returns.
type Result struct {
	Serial       string                      `json:"serial,omitempty"`
	BusinessDate string                      `json:"business_date"`
	Txn          string                      `json:"txn"`
	Authorizer   string                      `json:"authorizer,omitempty"`
	Values       map[string]any              `json:"values,omitempty"` // returned values, money as money.Fen
	Rows         map[string][]map[string]any `json:"rows,omitempty"`   // query results by name
	// Params are the values posted, as the catalog typed them (an ID
	// number masked): what a receipt reprinted after a restart shows of
	// what the teller typed (memo, reason, depositor).
	Params   map[string]any `json:"params,omitempty"`
	Replayed bool           `json:"replayed,omitempty"`
}

// Submit runs one submission in one DB transaction, which it may share
// with submissions made at the same time (group commit: see group.go); see
// the package doc.
// Every refusal is an *Error and leaves the database as it was (apart from
// the failed-password count of an authorizer).
func (x *Executor) Submit(ctx context.Context, req Request) (*Result, error) {
	t, ok := x.cat[req.Txn]
	if !ok {
		return nil, errf("E_UNKNOWN_TXN", "", fmt.Errorf("%q", req.Txn))
	}
	s := x.store
	params, err := coerce(t, req.Values, s.keys)
	if err != nil {
		return nil, err
	}
	if t.Journal && req.Key == "" {
		return nil, errf("E_NO_IDEMPOTENCY_KEY", "", nil)
	}
	digest := requestDigest(t, params, req.Teller, req.Key)
	// Every authorizer given is checked here, outside the posting
	// transaction, so a wrong password counts even though the posting
	// rolls back; whether the posting needed them, and of which role, is
	// decided in the posting transaction from the policy table (run).
	var auth []*User
	for i, c := range []*Credentials{req.Authorizer, req.Second} {
		if !c.given() {
			continue
		}
		field := "authorizer"
		if i == 1 {
			field = "authorizer2"
		}
		if !c.bind(digest) {
			return nil, x.refused(ctx, req, digest, errf("E_AUTH_REUSED", field, nil))
		}
		u, err := s.authorize(ctx, c, req.Teller, req.Terminal)
		if err != nil {
			return nil, x.refused(ctx, req, digest, err)
		}
		if len(auth) == 1 && auth[0].ID == u.ID {
			return nil, x.refused(ctx, req, digest, errf("E_AUTH_DUPLICATE", field, nil))
		}
		auth = append(auth, u)
	}

	var opts *sql.TxOptions
	if t.Isolation == "serializable" {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	res, err := s.post(&member{ctx: ctx, x: x, t: t, req: req, auth: auth, digest: digest, params: params, opts: opts})
	if err != nil {
		if t.Journal && isUnique(err) {
			// The key was used before, or a concurrent submission with
			// the same key won the race.
			if r, rerr := x.replay(ctx, t, req.Key, digest); r != nil {
				return r, nil
			} else if rerr != nil {
				return nil, x.refused(ctx, req, digest, rerr)
			}
		}
		return nil, x.refused(ctx, req, digest, wrapDB(err))
	}
	s.boxes.Store(req.Teller+"/"+res.BusinessDate, true) // committed: the box exists
	return res, nil
}

// refused records a posting the ledger refused at its authorization or in
// its steps (self-authorization, a wrong supervisor password, a daily
// limit met after the supervisor approved) in the audit log, in a
// transaction of its own since the posting's was rolled back, and returns
// err. A database failure is not a refusal and is not recorded. Should
// the record itself fail, the refusal still stands and err is returned.
func (x *Executor) refused(ctx context.Context, req Request, digest string, err error) error {
	code := CodeOf(err)
	if code == "" || code == "E_DB" || code == "E_BUSY" {
		return err
	}
	ev := AuditEvent{Teller: req.Teller, Terminal: req.Terminal, Action: audit.ActionRefused, Object: req.Txn, Result: code}
	if req.Authorizer != nil {
		ev.Authorizer = req.Authorizer.ID
	}
	ev.Payload, _ = json.Marshal(map[string]string{"txn": req.Txn, "key": req.Key, "code": code, "field": fieldOf(err), "request": digest})
	s := x.store
	_ = s.inTx(ctx, nil, func(tx *sqlx.Tx) error { return s.record(ctx, tx, ev) })
	return err
}

// fieldOf is the field a coded error names, or "".
func fieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// replay returns the stored result of a journal entry made with key, when
// it was made by the same request (digest); the key used by another
// transaction is E_IDEMPOTENCY_MISMATCH, by the same transaction with
// other params or another teller E_IDEMPOTENCY_CONFLICT.
func (x *Executor) replay(ctx context.Context, t *catalog.Txn, key, digest string) (*Result, error) {
	if !t.Journal || key == "" {
		return nil, nil
	}
	var row struct {
		FormID  string `db:"form_id"`
		Code    string `db:"txn_code"`
		Result  string `db:"result"`
		Request string `db:"request_digest"`
	}
	db := x.store.db
	err := db.GetContext(ctx, &row, db.Rebind(`SELECT form_id, txn_code, result, request_digest FROM journal WHERE idem_key = ?`), key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, wrapDB(err)
	}
	if row.Code != t.Code {
		return nil, errf("E_IDEMPOTENCY_MISMATCH", "", nil)
	}
	// An entry made before requests were digested ('') replays as before.
	if row.Request != "" && row.Request != digest {
		return nil, errf("E_IDEMPOTENCY_CONFLICT", "", fmt.Errorf("key %q", key))
	}
	r := &Result{}
	dec := json.NewDecoder(strings.NewReader(row.Result))
	dec.UseNumber()
	if err := dec.Decode(r); err != nil {
		return nil, err
	}
	for _, st := range t.Steps {
		for n, typ := range st.Returning {
			if num, ok := r.Values[n].(json.Number); ok {
				i, _ := num.Int64()
				r.Values[n] = typed(typ, i)
			}
		}
	}
	r.Replayed = true
	return r, nil
}

// run posts one submission in tx. auth are the authorizers Submit
// authenticated and digest the request's digest (requestDigest).
func (x *Executor) run(ctx context.Context, tx *sqlx.Tx, t *catalog.Txn, req Request, auth []*User, digest string, p map[string]any) (*Result, error) {
	s := x.store
	var teller struct {
		User
		Date string
	}
	// A scalar subquery, not a join: SQLite runs this form several times
	// faster, and users.branch references branches.
	err := tx.QueryRowContext(ctx, tx.Rebind(`SELECT id, name, branch, role, failed, locked,
		(SELECT b.business_date FROM branches b WHERE b.code = users.branch) FROM users WHERE id = ?`), req.Teller).
		Scan(&teller.ID, &teller.Name, &teller.Branch, &teller.Role, &teller.Failed, &teller.Locked, &teller.Date)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errf("E_USER_UNKNOWN", "teller", nil)
	}
	if err != nil {
		return nil, err
	}
	if teller.Locked {
		return nil, errf("E_USER_LOCKED", "teller", nil)
	}
	roles := t.Roles
	if len(roles) == 0 {
		roles = []string{RoleTeller, RoleSupervisor}
	}
	if !slices.Contains(roles, teller.Role) {
		return nil, errf("E_ROLE", "", nil)
	}
	date := teller.Date
	if _, known := s.boxes.Load(teller.ID + "/" + date); !known {
		if err := s.ensureBox(ctx, tx, teller.User, date); err != nil {
			return nil, err
		}
	}
	res := &Result{BusinessDate: date, Txn: t.ID, Values: map[string]any{}}
	authID := ""
	if len(auth) > 0 {
		authID, res.Authorizer = auth[0].ID, auth[0].ID
	}
	p["teller"], p["branch"], p["terminal"], p["business_date"] = teller.ID, teller.Branch, req.Terminal, date
	p["now"], p["role"], p["authorizer"], p["serial"] = s.stamp(), teller.Role, authID, ""
	p["cashbox"], p["vault"] = bookCode("box", teller.ID), bookCode("vault", teller.Branch)
	p["suspense"], p["equity"] = bookCode("suspense", teller.Branch), bookCode("equity", teller.Branch)

	uses := x.uses(t)
	if uses.newAccount {
		n, err := s.nextNumber(ctx, tx, "account/"+teller.Branch)
		if err != nil {
			return nil, err
		}
		p["new_account"] = AccountNumber(teller.Branch, n)
	}
	if uses.newCustomer {
		n, err := s.nextNumber(ctx, tx, "customer/"+teller.Branch)
		if err != nil {
			return nil, err
		}
		p["new_customer"] = fmt.Sprintf("C%s%08d", teller.Branch, n)
	}
	formID, formVersion := t.ID, ""
	if f := x.forms[t.ID]; f != nil {
		formID, formVersion = f.ID, f.Version
	}
	if t.Journal {
		serial, err := s.nextSerial(ctx, tx, teller.Branch, date)
		if err != nil {
			return nil, err
		}
		p["serial"], res.Serial = serial, serial
		var authArg any
		if authID != "" {
			authArg = authID
		}
		rev := 0
		if t.Reversible {
			rev = 1
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO journal (serial, business_date, branch, teller, authorizer, terminal,
			txn_code, form_id, form_version, reversible, idem_key, request_digest, created_at)
			VALUES (:serial, :date, :branch, :teller, :auth, :terminal, :code, :form, :version, :rev, :key, :digest, :now)`,
			map[string]any{"serial": serial, "date": date, "branch": teller.Branch, "teller": teller.ID, "auth": authArg,
				"terminal": req.Terminal, "code": t.Code, "form": formID, "version": formVersion, "rev": rev,
				"key": req.Key, "digest": digest, "now": p["now"]}); err != nil {
			return nil, err
		}
		// The four-eyes rule, after the journal insert so that a replayed
		// key is answered as a replay (or a conflict) first. The policy is
		// read in the posting's own transaction.
		pol, had, err := rule(ctx, tx, t.ID)
		if err != nil {
			return nil, err
		}
		if err := checkAuthorizers(requires(t, pol, had, p), auth); err != nil {
			return nil, err
		}
	}

	for i, st := range t.Steps {
		if err := x.step(ctx, tx, st, p, res); err != nil {
			if CodeOf(err) == "" && !isRetryable(err) && !isUnique(err) {
				err = fmt.Errorf("%s step %d: %w", t.ID, i+1, err)
			}
			return nil, err
		}
		if st.AuthorizeIf != "" && asInt(p[st.AuthorizeIf]) != 0 && len(auth) == 0 {
			return nil, errf("E_AUTH_REQUIRED", "authorizer", nil)
		}
	}
	if !t.Journal {
		return res, nil
	}
	res.Params = postedParams(t, p)

	body, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	result := string(body)
	upd := map[string]any{"serial": res.Serial, "result": result, "amount": int64(0), "account": ""}
	if t.Amount != "" {
		upd["amount"] = asInt(p[t.Amount])
	}
	if t.Account != "" {
		upd["account"], _ = p[t.Account].(string)
	}
	// Double entry: whatever the catalog says, an entry whose postings do
	// not sum to zero is never committed. The postings are read once, for
	// this check and for the audit record's digest (so the lines checked
	// are the lines logged). reversal_of is set only by a reversal: the
	// row was inserted with NULL, and assigning the column, a foreign key,
	// costs SQLite a check even when the value is NULL.
	lines, err := postingLines(ctx, tx, res.Serial)
	if err != nil {
		return nil, err
	}
	var sum int64
	for _, l := range lines {
		sum += l.Amount
	}
	if sum != 0 {
		return nil, errf("E_UNBALANCED", "", fmt.Errorf("%s: postings do not sum to zero", res.Serial))
	}
	update := `UPDATE journal SET amount = :amount, account = :account, result = :result WHERE serial = :serial`
	if t.ReversalOf != "" {
		upd["rev"] = p[t.ReversalOf]
		update = `UPDATE journal SET amount = :amount, account = :account, reversal_of = :rev, result = :result WHERE serial = :serial`
	}
	n, err := s.exec(ctx, tx, update, upd)
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, fmt.Errorf("ledger: journal %s: %d rows updated", res.Serial, n)
	}
	if t.Receipt != "" {
		if _, err := s.exec(ctx, tx, `INSERT INTO receipts (serial, teller, template, payload, created_at) VALUES (:serial, :teller, :template, :payload, :now)`,
			map[string]any{"serial": res.Serial, "teller": teller.ID, "template": t.Receipt, "payload": result, "now": p["now"]}); err != nil {
			return nil, err
		}
	}
	// The posting's record carries the digest of its journal row, its
	// postings and its result (postingPayload), which auditctl verify
	// --db recomputes from the tables; each authorization's carries the
	// digest of the request it approved.
	doc := postingDoc{V: payloadVersion, Serial: res.Serial, Date: date, Branch: teller.Branch, Teller: teller.ID,
		Authorizer: authID, Terminal: req.Terminal, Txn: t.Code, Form: formID, FormVersion: formVersion,
		Account: upd["account"].(string), Amount: upd["amount"].(int64), Request: digest, Result: sm3Hex(body)}
	if t.ReversalOf != "" {
		doc.ReversalOf, _ = p[t.ReversalOf].(string)
	}
	doc.Postings = lines
	payload, err := json.Marshal(&doc)
	if err != nil {
		return nil, err
	}
	ev := AuditEvent{Teller: teller.ID, Authorizer: authID, Terminal: req.Terminal, Branch: teller.Branch,
		Action: audit.ActionPosting, Object: res.Serial, Result: "ok", Payload: payload}
	if t.ReversalOf != "" {
		ev.Action = audit.ActionReversal
	}
	for _, u := range auth {
		a := ev
		a.Action, a.Authorizer = audit.ActionAuthorization, u.ID
		if a.Payload, err = authorizationPayload(res.Serial, digest, u.ID); err != nil {
			return nil, err
		}
		if err := s.record(ctx, tx, a); err != nil {
			return nil, err
		}
	}
	if err := s.record(ctx, tx, ev); err != nil {
		return nil, err
	}
	return res, nil
}

// step runs one statement and applies its guard.
func (x *Executor) step(ctx context.Context, tx *sqlx.Tx, st catalog.Step, p map[string]any, res *Result) error {
	s := x.store
	var n int64
	isQuery := len(st.Returning) > 0 || st.Into != "" || isSelect(st.SQL)
	if isQuery {
		rows, err := s.query(ctx, tx, st.SQL, p)
		if err != nil {
			return err
		}
		n = int64(len(rows))
		if len(rows) > 0 {
			for name, typ := range st.Returning {
				v := rows[0][name]
				if typ == "money" || typ == "int" {
					v = asInt(v)
				}
				p[name] = v
				res.Values[name] = typed(typ, v)
			}
		}
		if st.Into != "" {
			if res.Rows == nil {
				res.Rows = map[string][]map[string]any{}
			}
			if rows == nil {
				rows = []map[string]any{}
			}
			res.Rows[st.Into] = rows
		}
	} else {
		var err error
		if n, err = s.exec(ctx, tx, st.SQL, p); err != nil {
			return err
		}
	}
	if st.ExpectRows != nil && n != int64(*st.ExpectRows) {
		// The guard failed: the diagnose steps, cheaper to run only now,
		// find the more precise reason.
		for _, d := range st.Diagnose {
			if err := x.step(ctx, tx, d, p, res); err != nil {
				return err
			}
		}
		return errf(st.Error, st.Field, nil)
	}
	return nil
}

func typed(typ string, v any) any {
	if typ == "money" {
		return money.Fen(asInt(v))
	}
	return v
}

// isSelect reports whether the statement q starts with SELECT.
func isSelect(q string) bool {
	q = strings.TrimLeft(q, " \t\r\n")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// txnUses is which allocated numbers a transaction's steps name.
type txnUses struct{ newAccount, newCustomer bool }

// uses returns which of :new_account and :new_customer t's steps name,
// found once per transaction (the catalog does not change under an
// executor).
func (x *Executor) uses(t *catalog.Txn) txnUses {
	if u, ok := x.used.Load(t); ok {
		return u.(txnUses)
	}
	var u txnUses
	for _, st := range t.Steps {
		names := namesIn(st.SQL)
		u.newAccount = u.newAccount || slices.Contains(names, "new_account")
		u.newCustomer = u.newCustomer || slices.Contains(names, "new_customer")
	}
	x.used.Store(t, u)
	return u
}

// AccountNumber builds the 16-digit account number of sequence n at branch:
// "62", the branch code (4 digits), n (9 digits) and a Luhn check digit.
func AccountNumber(branch string, n int64) string {
	b := branch
	if len(b) > 4 {
		b = b[len(b)-4:]
	}
	payload := fmt.Sprintf("62%04s%09d", b, n)
	return payload + string(idnum.LuhnDigit(payload))
}

// nextNumber increments the named counter and returns its new value.
func (s *Store) nextNumber(ctx context.Context, tx *sqlx.Tx, name string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, tx.Rebind(`INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`), name).Scan(&n)
	return n, err
}

// nextSerial allocates the journal serial: business date (8 digits), branch
// (4) and a per-branch daily sequence (6), 18 digits in all.
//
// On SQLite the sequence is the day's largest serial plus one, read from
// the journal's primary key: a write transaction holds the database's
// only write lock from its BEGIN IMMEDIATE, so no other writer can take
// the same number, and the posting dirties no counter page (one WAL frame
// less per posting). On PostgreSQL, where writers run side by side, the
// counter row's lock serializes them.
func (s *Store) nextSerial(ctx context.Context, tx *sqlx.Tx, branch, date string) (string, error) {
	b := branch
	if len(b) > 4 {
		b = b[len(b)-4:]
	}
	prefix := fmt.Sprintf("%s%04s", strings.ReplaceAll(date, "-", ""), b)
	var n int64
	if s.driver == SQLite {
		var last sql.NullString
		// prefix+"~" sorts after every serial of the day, digits or not.
		err := tx.QueryRowContext(ctx, `SELECT MAX(serial) FROM journal WHERE serial > ? AND serial < ?`,
			prefix, prefix+"~").Scan(&last)
		if err != nil {
			return "", err
		}
		if last.Valid {
			if n, err = strconv.ParseInt(last.String[len(prefix):], 10, 64); err != nil {
				return "", fmt.Errorf("ledger: journal serial %q: %w", last.String, err)
			}
		}
		n++
	} else {
		var err error
		if n, err = s.nextNumber(ctx, tx, "serial/"+branch+"/"+date); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s%06d", prefix, n), nil
}

// postedParams are the transaction's params that carry a value, ID
// numbers masked (their plain text never leaves the encrypted column).
func postedParams(t *catalog.Txn, p map[string]any) map[string]any {
	out := map[string]any{}
	for _, prm := range t.Params {
		v, ok := p[prm.Name]
		if !ok || v == nil || v == "" {
			continue
		}
		if prm.Type == "idcard" {
			v = maskID(fmt.Sprint(v))
		}
		out[prm.Name] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// maskID keeps an ID number's first 6 and last 4 characters.
func maskID(s string) string {
	if len(s) <= 10 {
		return strings.Repeat("*", len(s))
	}
	return s[:6] + strings.Repeat("*", len(s)-10) + s[len(s)-4:]
}
