package ledger_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"guitai/assets"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

func TestSQLitePragmas(t *testing.T) {
	e := newEnv(t, "sqlite")
	db := e.store.DB()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000"} {
		var got string
		if err := db.Get(&got, "PRAGMA "+pragma); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", pragma, got, err, want)
		}
	}
}

// recorder is an Auditor that keeps events and fails on demand.
type recorder struct {
	mu     sync.Mutex
	events []ledger.AuditEvent
	failOn string
}

func (r *recorder) Append(ctx context.Context, tx *sql.Tx, e ledger.AuditEvent) error {
	var one int
	if err := tx.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err // the transaction must be live
	}
	if e.Action == r.failOn {
		return errors.New("audit store full")
	}
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	return nil
}

func (r *recorder) actions() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []string
	for _, e := range r.events {
		s = append(s, e.Action+":"+e.Teller+"/"+e.Authorizer+":"+e.Result)
	}
	return strings.Join(s, " ")
}

// TestAuditInSameTransaction: every audited action reaches the Auditor
// inside its own transaction, and an audit failure rolls the posting back.
func TestAuditInSameTransaction(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rec := &recorder{}
		s, err := ledger.Open(ctx, e.dsn, ledger.Options{Observer: rec, PasswordIterations: 1000, Now: pinnedNow})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		cat, _ := ledger.LoadCatalog(assets.Txns())
		x := ledger.NewExecutor(s, cat, nil)
		if _, err := s.SignOn(ctx, T1, ledger.DemoPassword, "T-01"); err != nil {
			t.Fatal(err)
		}
		s.Authenticate(ctx, SUP, "wrong", "T-01")
		dep := ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "T-01", Key: "a1",
			Authorizer: sup(), Values: map[string]any{"account": A1, "amount": "5.00"}}
		r, err := x.Submit(ctx, dep)
		if err != nil {
			t.Fatal(err)
		}
		rev := ledger.Request{Txn: "reversal", Teller: T1, Terminal: "T-01", Key: "a2", Authorizer: sup(),
			Values: map[string]any{"orig_serial": r.Serial, "orig_date": bizDate, "reason": "audit test"}}
		if _, err := x.Submit(ctx, rev); err != nil {
			t.Fatal(err)
		}
		want := "sign_on:010101/:ok login_failed:010199/:wrong password authorization:010101/010199:ok posting:010101/010199:ok authorization:010101/010199:ok reversal:010101/010199:ok"
		if got := rec.actions(); got != want {
			t.Fatalf("audit events\n got %s\nwant %s", got, want)
		}
		rec.failOn = "posting"
		before := e.balance(t, A1)
		dep.Key = "a3"
		dep.Authorizer = sup() // credentials approve one request only
		if _, err := x.Submit(ctx, dep); err == nil || !strings.Contains(err.Error(), "audit store full") {
			t.Fatalf("posting with a failing audit: %v", err)
		}
		if e.balance(t, A1) != before {
			t.Fatal("posting committed without its audit record")
		}
	})
}

// TestSubmitHook drives the adapter the teller window uses: it asks for
// authorization only when the form says so, drops display-only values and
// turns a double click into one posting.
func TestSubmitHook(t *testing.T) {
	e := newEnv(t, "sqlite")
	forms, _ := assets.Forms()
	var deposit *dsl.Form
	for _, f := range forms {
		if f.ID == "cash_deposit" {
			deposit = f
		}
	}
	asked := 0
	hook := e.exec.SubmitHook(func() ledger.Session { return ledger.Session{Teller: T1, Terminal: "T-01"} },
		func(*dsl.Form, map[string]any) (*ledger.Credentials, error) { asked++; return sup(), nil }, nil)
	e.must(t, "cashbox_allocate", T1, nil, allocate("100.00", 1))
	before := e.balance(t, A1)
	vals := map[string]any{"account": A1, "amount": money.Fen(1000), "acct_name": "shown only"}
	r1, err := hook(deposit, vals)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := hook(deposit, vals) // double click
	if err != nil || r1.Serial != r2.Serial || !r2.Replayed || asked != 0 || !strings.Contains(r1.Message("zh"), "流水号 "+r1.Serial) {
		t.Fatalf("%+v / %+v, %v, asked %d", r1, r2, err, asked)
	}
	if got := e.balance(t, A1) - before; got != 1000 {
		t.Fatalf("posted %d fen, want 1000 once", got)
	}
	if _, err := hook(deposit, map[string]any{"account": A1, "amount": money.Fen(5_000_001)}); err != nil || asked != 1 {
		t.Fatalf("large deposit: %v, asked %d", err, asked)
	}
	_, err = hook(deposit, map[string]any{"account": A1, "amount": money.Fen(-1)})
	if msg := ledger.MessageOf(err, "zh"); !strings.Contains(msg, "E_AMOUNT_MIN") || !strings.Contains(msg, "金额必须大于零") {
		t.Fatalf("message %q", msg)
	}
}

func TestBusinessDayRules(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.must(t, "cashbox_allocate", T1, nil, allocate("100.00", 1))
		r := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "10.00"})
		// Reversal is same-day only.
		if err := e.store.SetBusinessDate(ctx, "0101", "2026-11-24"); err != nil {
			t.Fatal(err)
		}
		_, err := e.post("reversal", T1, sup(), map[string]any{"orig_serial": r.Serial, "orig_date": bizDate, "reason": "next day"})
		if ledger.CodeOf(err) != "E_REVERSAL_OTHER_DAY" {
			t.Fatalf("reversal next day: %v", err)
		}
		// The box carries over: opening of the new day is the old balance.
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1.00"})
		rep, err := e.store.EOD(ctx, "0101")
		if err != nil || len(rep.Boxes) != 1 || rep.Boxes[0].Opening != money.Fen(11000) || rep.Boxes[0].Balance != money.Fen(11100) {
			t.Fatalf("new day boxes %+v %v", rep.Boxes, err)
		}
		e.books(t)
	})
}

func TestPasswordHashCost(t *testing.T) {
	if testing.Short() {
		t.Skip("measures PBKDF2 cost")
	}
	s, err := ledger.Open(context.Background(), t.TempDir()+"/l.db", ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Init(context.Background(), bizDate); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := s.AddUser(context.Background(), ledger.User{ID: "x1", Name: "x", Branch: "0101", Role: "teller"}, "password1"); err != nil {
		t.Fatal(err)
	}
	t.Logf("PBKDF2-HMAC-SM3 with %d iterations: %v", ledger.DefaultIterations, time.Since(start))
}

func TestCustomerIDEncrypted(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		id := "11010119900307002"
		id += string(checkChar(id))
		r := e.must(t, "open_account", T1, nil, map[string]any{"cust_name": "赵六", "idcard": strings.ToLower(id), "gender": "m",
			"birth_date": "1990-03-07", "phone": "13800001111", "occupation": "x", "address": "y", "product": "demand"})
		var cipher, index string
		db := e.store.DB()
		if err := db.QueryRow(db.Rebind(`SELECT id_cipher, id_index FROM customers WHERE id = ?`), r.Values["customer_id"]).Scan(&cipher, &index); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cipher, id[:10]) || strings.Contains(index, id[:10]) {
			t.Fatal("ID number stored in clear")
		}
		c, err := e.store.FindCustomer(ctx, id)
		if err != nil || c.IDNumber != id || c.ID != r.Values["customer_id"] {
			t.Fatalf("FindCustomer: %+v %v", c, err)
		}
		// The same person (the index of the number as typed in either
		// case) is the same customer: who holds a class I account already
		// (one per person) and opens no second.
		if _, err := e.post("open_account", T1, nil, map[string]any{"cust_name": "赵六", "idcard": id, "gender": "m",
			"birth_date": "1990-03-07", "phone": "13800001111", "occupation": "x", "address": "y", "product": "demand"}); ledger.CodeOf(err) != "E_CLASS_I_EXISTS" {
			t.Fatalf("second class I account of %v: %v", r.Values, err)
		}
		// Another master key cannot find or read it.
		other, err := ledger.Open(ctx, e.dsn, ledger.Options{MasterKey: []byte("another key, 16+ bytes")})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.FindCustomer(ctx, id); ledger.CodeOf(err) != "E_ID_MISMATCH" {
			t.Fatalf("other key: %v", err)
		}
	})
}

func TestCheckSchemaFindsBadSQL(t *testing.T) {
	fsys := fstest.MapFS{"x.txn.json": {Data: []byte(`{"id":"x","code":"9","journal":true,
		"params":[{"name":"account","type":"account"}],
		"steps":[{"sql":"UPDATE accounts SET balanse = 0 WHERE number = :account"}]}`)}}
	cat, err := ledger.LoadCatalog(fsys)
	if err != nil {
		t.Fatal(err)
	}
	eachDB(t, func(t *testing.T, e *env) {
		err := ledger.NewExecutor(e.store, cat, nil).CheckSchema(context.Background())
		if err == nil || !strings.Contains(err.Error(), "balanse") {
			t.Fatalf("CheckSchema: %v", err)
		}
	})
}

func TestOpenDemoSeedsOnce(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "first-run.db")
	for range 2 {
		s, err := ledger.OpenDemo(ctx, dsn, ledger.Options{PasswordIterations: 1000}, bizDate)
		if err != nil {
			t.Fatal(err)
		}
		var users, accounts, customers int
		db := s.DB()
		db.Get(&users, `SELECT COUNT(*) FROM users`)
		db.Get(&accounts, `SELECT COUNT(*) FROM accounts`)
		db.Get(&customers, `SELECT COUNT(*) FROM customers`)
		b, err := s.CheckBooks(ctx)
		s.Close()
		// 500 demand accounts and 7 term or notice deposits a branch; 200
		// customers and the holder of the PIN demo's accounts.
		if users != len(ledger.DemoUsers) || accounts != 500+2*7 || customers != 201 || err != nil || !b.OK() {
			t.Fatalf("users %d accounts %d customers %d books %+v %v", users, accounts, customers, b, err)
		}
	}
}

// TestUnbalancedNeverCommits: a catalog entry whose postings do not sum to
// zero is refused by the executor, whatever its SQL does.
func TestUnbalancedNeverCommits(t *testing.T) {
	fsys := fstest.MapFS{"bad.txn.json": {Data: []byte(`{"id":"bad","code":"9","journal":true,
		"params":[{"name":"account","type":"account","required":true}],
		"steps":[{"sql":"INSERT INTO postings (serial, line, book, amount) VALUES (:serial, 1, :account, -100)"},
		         {"sql":"UPDATE accounts SET balance = balance + 100 WHERE number = :account"}]}`)}}
	cat, err := ledger.LoadCatalog(fsys)
	if err != nil {
		t.Fatal(err)
	}
	eachDB(t, func(t *testing.T, e *env) {
		before := e.balance(t, A1)
		_, err := ledger.NewExecutor(e.store, cat, nil).Submit(context.Background(),
			ledger.Request{Txn: "bad", Teller: T1, Key: "k", Values: map[string]any{"account": A1}})
		if ledger.CodeOf(err) != "E_UNBALANCED" || e.balance(t, A1) != before {
			t.Fatalf("got %v, balance %d -> %d", err, before, e.balance(t, A1))
		}
		e.books(t)
	})
}

// TestSQLiteBusyRetried: with a 1 ms busy timeout, a deposit that meets
// another writer's lock fails with SQLITE_BUSY and is retried with backoff
// until the lock goes away.
func TestSQLiteBusyRetried(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "busy.db")
	s, err := ledger.OpenDemo(ctx, dsn, ledger.Options{PasswordIterations: 1000, BusyTimeout: time.Millisecond}, bizDate)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cat, _ := ledger.LoadCatalog(assets.Txns())
	x := ledger.NewExecutor(s, cat, nil)
	other, err := sql.Open("sqlite3", "file:"+dsn+"?_busy_timeout=1&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Begin() // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(60*time.Millisecond, func() { lock.Rollback() })
	start := time.Now()
	_, err = x.Submit(ctx, ledger.Request{Txn: "cash_deposit", Teller: T1, Key: "busy",
		Values: map[string]any{"account": A1, "amount": "1.00"}})
	if err != nil {
		t.Fatalf("deposit under a held lock: %v", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("returned after %v: the lock was not in the way", waited)
	}
}
