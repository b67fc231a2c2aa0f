package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"guitai/assets"
	"guitai/audit"
	"guitai/audit/auditcli"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

// The controls issue, §6 (the four-eyes rule belongs to the ledger) and §2
// (the log binds the ledger).

const SUP2 = "010198" // a second supervisor, added by addSupervisor

var ADMIN = ledger.DemoUsers[len(ledger.DemoUsers)-1].ID

func addSupervisor(t *testing.T, e *env) {
	t.Helper()
	err := e.store.AddUser(context.Background(), ledger.User{ID: SUP2, Name: "second", Branch: "0101", Role: ledger.RoleSupervisor}, ledger.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
}

func creds(id string) *ledger.Credentials {
	return &ledger.Credentials{ID: id, Password: ledger.DemoPassword}
}

// republished returns the built-in form of txn as a designer might
// republish it: same id and version, without authorize.
func republished(t *testing.T, txn string) *dsl.Form {
	t.Helper()
	src, err := assets.FormSource(txn + ".form.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(src, &m); err != nil {
		t.Fatal(err)
	}
	delete(m["submit"].(map[string]any), "authorize")
	b, _ := json.Marshal(m)
	f, err := dsl.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Submit.Authorize != nil || f.Submit.Txn != txn {
		t.Fatalf("republished %s: %+v", txn, f.Submit)
	}
	return f
}

// TestPolicyNotForm: whether a posting needs an authorizer is the policy
// table's, whatever form (or none) the executor was given.
func TestPolicyNotForm(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		addSupervisor(t, e)
		cat := e.exec.Catalog()
		noForms := ledger.NewExecutor(e.store, cat, nil)
		repub := ledger.NewExecutor(e.store, cat, []*dsl.Form{republished(t, "cash_deposit")})
		dep := func(amount string) map[string]any { return map[string]any{"account": A1, "amount": amount} }
		tests := []struct {
			name      string
			x         *ledger.Executor
			policy    *ledger.Policy // set before the posting
			txn       string
			vals      map[string]any
			auth, two *ledger.Credentials
			code      string
			field     string
		}{
			{name: "no form, over 50,000", x: noForms, txn: "cash_deposit", vals: dep("60000.00"), code: "E_AUTH_REQUIRED", field: "authorizer"},
			{name: "republished form without authorize", x: repub, txn: "cash_deposit", vals: dep("60000.00"), code: "E_AUTH_REQUIRED", field: "authorizer"},
			{name: "built-in form", x: e.exec, txn: "cash_deposit", vals: dep("60000.00"), code: "E_AUTH_REQUIRED", field: "authorizer"},
			{name: "exactly 50,000 needs none", x: noForms, txn: "cash_deposit", vals: dep("50000.00")},
			{name: "supervisor", x: repub, txn: "cash_deposit", vals: dep("60000.00"), auth: sup()},
			{name: "withdrawal over 50,000", x: noForms, txn: "cash_withdrawal", vals: dep("50000.01"), code: "E_AUTH_REQUIRED", field: "authorizer"},
			{name: "transfer over 200,000", x: noForms, txn: "transfer",
				vals: map[string]any{"from_account": A1, "to_account": A2, "amount": "200000.01", "payee_name": "x", "purpose": "rent"},
				code: "E_AUTH_REQUIRED", field: "authorizer"},
			{name: "reversal always", x: noForms, txn: "reversal",
				vals: map[string]any{"orig_serial": "202611230101000002", "orig_date": bizDate, "reason": "test"}, code: "E_AUTH_REQUIRED", field: "authorizer"},
			{name: "threshold lowered to 1,000", x: noForms, txn: "cash_deposit", vals: dep("1000.01"),
				policy: &ledger.Policy{Txn: "cash_deposit", Threshold: 100000, Role: ledger.RoleSupervisor, Authorizers: 1}, code: "E_AUTH_REQUIRED", field: "authorizer"},
			{name: "under the new threshold", x: noForms, txn: "cash_deposit", vals: dep("1000.00")},
			{name: "two authorizers, one given", x: noForms, txn: "cash_deposit", vals: dep("2000.00"), auth: sup(),
				policy: &ledger.Policy{Txn: "cash_deposit", Threshold: 100000, Role: ledger.RoleSupervisor, Authorizers: 2}, code: "E_AUTH_REQUIRED", field: "authorizer2"},
			{name: "two authorizers, the same twice", x: noForms, txn: "cash_deposit", vals: dep("2000.00"), auth: sup(), two: sup(), code: "E_AUTH_DUPLICATE", field: "authorizer2"},
			{name: "two authorizers, the teller as second", x: noForms, txn: "cash_deposit", vals: dep("2000.00"), auth: sup(), two: creds(T1), code: "E_AUTH_SELF"},
			{name: "two supervisors", x: noForms, txn: "cash_deposit", vals: dep("2000.00"), auth: sup(), two: creds(SUP2)},
			{name: "admin's role asked, supervisor given", x: noForms, txn: "cash_deposit", vals: dep("2000.00"), auth: sup(),
				policy: &ledger.Policy{Txn: "cash_deposit", Threshold: 100000, Role: ledger.RoleAdmin, Authorizers: 1}, code: "E_AUTH_ROLE", field: "authorizer"},
			{name: "admin", x: noForms, txn: "cash_deposit", vals: dep("2000.00"), auth: creds(ADMIN)},
			{name: "a teller never authorizes", x: noForms, txn: "cash_deposit", vals: dep("2000.00"), auth: creds(T2), code: "E_AUTH_ROLE"},
		}
		for _, tt := range tests {
			if tt.policy != nil {
				tt.policy.UpdatedBy = "test"
				if err := e.store.SetPolicy(ctx, *tt.policy); err != nil {
					t.Fatalf("%s: set policy: %v", tt.name, err)
				}
			}
			entries := e.count(t, "journal")
			r, err := tt.x.Submit(ctx, ledger.Request{Txn: tt.txn, Values: tt.vals, Teller: T1, Terminal: "T-01",
				Authorizer: tt.auth, Second: tt.two, Key: key()})
			var le *ledger.Error
			field := ""
			if errors.As(err, &le) {
				field = le.Field
			}
			if string(ledger.CodeOf(err)) != tt.code || (tt.field != "" && field != tt.field) || (tt.code == "" && err != nil) {
				t.Errorf("%s: %v, want %s [%s]", tt.name, err, tt.code, tt.field)
				continue
			}
			if tt.code != "" && e.count(t, "journal") != entries {
				t.Errorf("%s: refused but journaled", tt.name)
			}
			if tt.code == "" && tt.auth != nil && r.Authorizer != tt.auth.ID {
				t.Errorf("%s: authorizer %q", tt.name, r.Authorizer)
			}
		}
		e.books(t)
	})
}

// TestSetPolicyAudited: a policy change is validated, stored with who made
// it and recorded in the audit log.
func TestSetPolicyAudited(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rec := &recorder{}
		s, err := ledger.Open(ctx, e.dsn, ledger.Options{Observer: rec, Actor: "os:it@branch", PasswordIterations: 1000})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ps, err := s.Policies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seeded := map[string]money.Fen{}
		for _, p := range ps {
			seeded[p.Txn] = p.Threshold
		}
		if seeded["cash_deposit"] != 5_000_000 || seeded["cash_withdrawal"] != 5_000_000 || seeded["transfer"] != 20_000_000 {
			t.Fatalf("seeded policies %+v", ps)
		}
		tests := []struct {
			name string
			p    ledger.Policy
			code string
		}{
			{"three authorizers", ledger.Policy{Txn: "cash_deposit", Threshold: 1, Role: "supervisor", Authorizers: 3}, "E_POLICY_AUTHORIZERS"},
			{"teller role", ledger.Policy{Txn: "cash_deposit", Threshold: 1, Role: "teller"}, "E_AUTH_ROLE"},
			{"negative threshold", ledger.Policy{Txn: "cash_deposit", Threshold: -1, Role: "supervisor"}, "E_AMOUNT_RANGE"},
			{"no txn", ledger.Policy{Role: "supervisor"}, "E_UNKNOWN_TXN"},
			{"ok", ledger.Policy{Txn: "cash_deposit", Threshold: 100000, Role: "supervisor", Authorizers: 2}, ""},
		}
		for _, tt := range tests {
			rec.events = nil
			err := s.SetPolicy(ctx, tt.p)
			if string(ledger.CodeOf(err)) != tt.code {
				t.Fatalf("%s: %v, want %s", tt.name, err, tt.code)
			}
			if tt.code != "" {
				if len(rec.events) != 0 {
					t.Errorf("%s: refused change audited: %v", tt.name, rec.actions())
				}
				continue
			}
			if got := rec.actions(); got != audit.ActionPolicySet+":os:it@branch/:ok" || rec.events[0].Object != "cash_deposit" ||
				!strings.Contains(string(rec.events[0].Payload), `"old":{"threshold":5000000`) {
				t.Errorf("%s: audit %s %s", tt.name, got, rec.events[0].Payload)
			}
			p, ok, err := s.Policy(ctx, "cash_deposit")
			if err != nil || !ok || p.Threshold != 100000 || p.Authorizers != 2 || p.UpdatedBy != "os:it@branch" {
				t.Errorf("%s: stored %+v %v %v", tt.name, p, ok, err)
			}
		}
	})
}

// TestAuthorizationBoundToRequest: credentials approve one request; the
// authorization record carries the request's digest.
func TestAuthorizationBoundToRequest(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rec := &recorder{}
		s, err := ledger.Open(ctx, e.dsn, ledger.Options{Observer: rec, PasswordIterations: 1000})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		forms, _ := assets.Forms()
		x := ledger.NewExecutor(s, e.exec.Catalog(), forms)
		c := sup()
		req := func(amount, k string) ledger.Request {
			return ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "T-01", Key: k, Authorizer: c,
				Values: map[string]any{"account": A1, "amount": amount}}
		}
		first, err := x.Submit(ctx, req("60000.00", "k1"))
		if err != nil {
			t.Fatal(err)
		}
		var digest string
		db := s.DB()
		if err := db.Get(&digest, db.Rebind(`SELECT request_digest FROM journal WHERE serial = ?`), first.Serial); err != nil || len(digest) != 64 {
			t.Fatalf("request digest %q %v", digest, err)
		}
		var auths []ledger.AuditEvent
		for _, ev := range rec.events {
			if ev.Action == audit.ActionAuthorization {
				auths = append(auths, ev)
			}
		}
		var pl struct{ Serial, Request, Authorizer string }
		if len(auths) != 1 || json.Unmarshal(auths[0].Payload, &pl) != nil || pl.Request != digest || pl.Serial != first.Serial || pl.Authorizer != SUP {
			t.Fatalf("authorization records %+v", auths)
		}
		before := e.balance(t, A1)
		steps := []struct {
			name     string
			req      ledger.Request
			code     string
			replayed bool
		}{
			{"another amount", req("70000.00", "k2"), "E_AUTH_REUSED", false},
			{"another key", req("60000.00", "k3"), "E_AUTH_REUSED", false},
			{"the same request again", req("60000.00", "k1"), "", true},
		}
		for _, st := range steps {
			r, err := x.Submit(ctx, st.req)
			if string(ledger.CodeOf(err)) != st.code || (err == nil && (r.Replayed != st.replayed || r.Serial != first.Serial)) {
				t.Errorf("%s: %+v %v, want %s", st.name, r, err, st.code)
			}
		}
		if e.balance(t, A1) != before {
			t.Fatal("reused credentials posted")
		}

		// The window's path: an authorize callback that hands back the
		// credentials it cached for the first posting.
		var f *dsl.Form
		for _, g := range forms {
			if g.ID == "cash_deposit" {
				f = g
			}
		}
		cached := sup()
		hook := x.SubmitHook(func() ledger.Session { return ledger.Session{Teller: T1, Terminal: "T-01"} },
			func(*dsl.Form, map[string]any) (*ledger.Credentials, error) { return cached, nil }, nil)
		if _, err := hook(f, map[string]any{"account": A1, "amount": money.Fen(6_000_000)}); err != nil {
			t.Fatal(err)
		}
		if _, err := hook(f, map[string]any{"account": A1, "amount": money.Fen(9_000_000)}); ledger.CodeOf(err) != "E_AUTH_REUSED" {
			t.Fatalf("cached credentials for another posting: %v", err)
		}
		fresh := x.SubmitHook(func() ledger.Session { return ledger.Session{Teller: T1, Terminal: "T-01"} },
			func(*dsl.Form, map[string]any) (*ledger.Credentials, error) { return sup(), nil }, nil)
		if _, err := fresh(f, map[string]any{"account": A1, "amount": money.Fen(9_000_000)}); err != nil {
			t.Fatalf("fresh credentials: %v", err)
		}
	})
}

// TestIdempotencyConflict: a key replays only the request that made it.
func TestIdempotencyConflict(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		base := ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "T-01", Key: "idem-1",
			Values: map[string]any{"account": A1, "amount": "1.00"}}
		first, err := e.exec.Submit(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		entries, bal := e.count(t, "journal"), e.balance(t, A1)
		with := func(f func(r *ledger.Request)) ledger.Request {
			r := base
			r.Values = map[string]any{"account": A1, "amount": "1.00"}
			f(&r)
			return r
		}
		tests := []struct {
			name string
			req  ledger.Request
			code string
		}{
			{"same request", with(func(*ledger.Request) {}), ""},
			{"same request, amount typed otherwise", with(func(r *ledger.Request) { r.Values["amount"] = money.Fen(100) }), ""},
			{"other amount", with(func(r *ledger.Request) { r.Values["amount"] = "500.00" }), "E_IDEMPOTENCY_CONFLICT"},
			{"other account", with(func(r *ledger.Request) { r.Values["account"] = A2 }), "E_IDEMPOTENCY_CONFLICT"},
			{"other teller", with(func(r *ledger.Request) { r.Teller = T2 }), "E_IDEMPOTENCY_CONFLICT"},
			{"other transaction", with(func(r *ledger.Request) { r.Txn = "cash_withdrawal" }), "E_IDEMPOTENCY_MISMATCH"},
		}
		for _, tt := range tests {
			r, err := e.exec.Submit(ctx, tt.req)
			if string(ledger.CodeOf(err)) != tt.code {
				t.Errorf("%s: %v, want %q", tt.name, err, tt.code)
				continue
			}
			if tt.code == "" && (!r.Replayed || r.Serial != first.Serial) {
				t.Errorf("%s: %+v, want a replay of %s", tt.name, r, first.Serial)
			}
			if tt.code != "" && r != nil {
				t.Errorf("%s: result %+v with a conflict", tt.name, r)
			}
		}
		if e.count(t, "journal") != entries || e.balance(t, A1) != bal {
			t.Fatalf("a conflicting key posted")
		}
	})
}

// TestBooksRederiveBoxes: a cash box of an earlier day edited consistently
// with itself (in and balance together) no longer agrees with its postings.
func TestBooksRederiveBoxes(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "10.00"})
		if err := e.store.SetBusinessDate(ctx, "0101", "2026-11-24"); err != nil {
			t.Fatal(err)
		}
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "20.00"})
		e.books(t)
		db := e.store.DB()
		if _, err := db.Exec(db.Rebind(`UPDATE cash_boxes SET cash_in = cash_in + 100, balance = balance + 100
			WHERE teller = ? AND business_date = ?`), T1, bizDate); err != nil {
			t.Fatal(err)
		}
		b, err := e.store.CheckBooks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.OK() || len(b.Mismatched) != 1 || !strings.HasPrefix(b.Mismatched[0], "box "+T1+"/"+bizDate) {
			t.Fatalf("books after editing yesterday's box: ok=%v %v", b.OK(), b.Mismatched)
		}
	})
}

// TestVerifyPostings: postings of every kind verify; an edit of the
// tables that keeps the books balanced is named by serial, by
// Store.VerifyPostings and by auditctl verify --db.
func TestVerifyPostings(t *testing.T) {
	eachDB(t, func(t *testing.T, e0 *env) {
		ctx := context.Background()
		k, err := audit.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		e := openEnvWith(t, e0.name, e0.dsn, false, ledger.Options{Signer: k})
		if _, err := e.store.SignOn(ctx, T1, ledger.DemoPassword, "T-01"); err != nil {
			t.Fatal(err)
		}
		e.must(t, "cashbox_allocate", T1, nil, allocate("20000.00", 200))
		small := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1.00"})
		moved := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "2.00"})
		authd := e.must(t, "cash_deposit", T1, sup(), map[string]any{"account": A1, "amount": "60000.00"})
		gone := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "3.00"})
		wd := e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": "5.00"})
		e.must(t, "transfer", T1, nil, map[string]any{"from_account": A1, "to_account": A2, "amount": "7", "payee_name": "x", "purpose": "rent"})
		e.must(t, "balance_inquiry", T1, nil, map[string]any{"account": A1})
		e.must(t, "reversal", T1, sup(), map[string]any{"orig_serial": wd.Serial, "orig_date": bizDate, "reason": "金额输错了"})
		e.must(t, "cheque_deposit", T2, nil, map[string]any{"cheque_no": "12345678", "issue_date": bizDate, "amount": "8.88",
			"payer_account": A1, "payer_name": "罗涛", "payee_account": A2, "seal_ok": true})
		var wg sync.WaitGroup // group commit
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.post("cash_deposit", T2, nil, map[string]any{"account": A2, "amount": "1.00"}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if err := e.store.Checkpoint(ctx, "test"); err != nil {
			t.Fatal(err)
		}
		rep, err := e.store.VerifyPostings(ctx)
		if err != nil || !rep.OK() || rep.Entries != e.count(t, "journal") || rep.Records < 19 || rep.Legacy != 0 {
			t.Fatalf("untouched ledger: %+v %v", rep, err)
		}

		pub, _ := audit.MarshalPublicKey(&k.PublicKey)
		pubFile := filepath.Join(t.TempDir(), "pub.pem")
		os.WriteFile(pubFile, pub, 0o644)
		auditctl := func() (int, string) {
			var out, errb bytes.Buffer
			code := auditcli.Verify(ctx, &auditcli.Env{Stdout: &out, Stderr: &errb, NoProgress: true},
				auditcli.VerifyOptions{DBOptions: auditcli.DBOptions{DB: e.dsn}, PubKey: pubFile})
			return code, out.String() + errb.String()
		}
		if code, out := auditctl(); code != auditcli.ExitOK || !strings.Contains(out, "ledger: ") {
			t.Fatalf("auditctl verify on the untouched ledger: %d %s", code, out)
		}

		db := e.store.DB()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Exec(db.Rebind(q), args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		tests := []struct {
			name   string
			serial string
			tamper func()
			detail string
		}{
			{"deposit of 1.00 made 500.00 everywhere", small.Serial, func() {
				exec(`UPDATE journal SET amount = 50000, result = REPLACE(result, '"amount":100', '"amount":50000') WHERE serial = ?`, small.Serial)
				exec(`UPDATE postings SET amount = CASE WHEN amount > 0 THEN 50000 ELSE -50000 END WHERE serial = ?`, small.Serial)
				exec(`UPDATE accounts SET balance = balance + 49900 WHERE number = ?`, A1)
				exec(`UPDATE cash_boxes SET cash_in = cash_in + 49900, balance = balance + 49900 WHERE teller = ? AND business_date = ?`, T1, bizDate)
				exec(`UPDATE receipts SET payload = (SELECT result FROM journal WHERE serial = ?) WHERE serial = ?`, small.Serial, small.Serial)
			}, "differ from what was logged"},
			{"deposit moved to another account", moved.Serial, func() {
				exec(`UPDATE postings SET book = ? WHERE serial = ? AND book = ?`, A2, moved.Serial, A1)
				exec(`UPDATE accounts SET balance = balance - 200 WHERE number = ?`, A1)
				exec(`UPDATE accounts SET balance = balance + 200 WHERE number = ?`, A2)
			}, "differ from what was logged"},
			{"authorizer erased", authd.Serial, func() {
				exec(`UPDATE journal SET authorizer = NULL WHERE serial = ?`, authd.Serial)
			}, "differ from what was logged"},
			{"request digest replaced", authd.Serial, func() {
				exec(`UPDATE journal SET request_digest = ? WHERE serial = ?`, strings.Repeat("0", 64), authd.Serial)
			}, "authorization does not match"},
			{"entry deleted", gone.Serial, func() {
				exec(`DELETE FROM receipts WHERE serial = ?`, gone.Serial)
				exec(`DELETE FROM postings WHERE serial = ?`, gone.Serial)
				exec(`DELETE FROM journal WHERE serial = ?`, gone.Serial)
				exec(`UPDATE accounts SET balance = balance - 300 WHERE number = ?`, A3)
				exec(`UPDATE cash_boxes SET cash_in = cash_in - 300, balance = balance - 300 WHERE teller = ? AND business_date = ?`, T1, bizDate)
			}, "no such journal entry"},
		}
		for _, tt := range tests {
			tt.tamper()
			e.books(t) // consistent: the books alone cannot tell
			rep, err := e.store.VerifyPostings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, m := range rep.Mismatches {
				found = found || (m.Serial == tt.serial && strings.Contains(m.Detail, tt.detail))
			}
			if !found {
				t.Errorf("%s: %s not named: %+v", tt.name, tt.serial, rep.Mismatches)
			}
			code, out := auditctl()
			if code != auditcli.ExitTampered || !strings.Contains(out, "tampered") || !strings.Contains(out, tt.serial) {
				t.Errorf("%s: auditctl verify: %d %s", tt.name, code, out)
			}
		}
	})
}
