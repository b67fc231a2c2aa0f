package ledger_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"guitai/internal/eventually"
	"guitai/ledger"
)

// gateAuditor records every audit event with the transaction it came in.
// A posting from terminal "gate" stops inside its transaction until
// release is closed, so that the test can queue submissions behind it; a
// posting from terminal "poison" inserts a row that violates a deferred
// foreign key, so the COMMIT of its transaction fails.
type gateAuditor struct {
	entered chan struct{}
	release chan struct{}

	mu     sync.Mutex
	events []auditCall
}

type auditCall struct {
	tx       *sql.Tx
	terminal string
	action   string
	object   string
}

func newGateAuditor() *gateAuditor {
	return &gateAuditor{entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (a *gateAuditor) Append(ctx context.Context, tx *sql.Tx, e ledger.AuditEvent) error {
	a.mu.Lock()
	a.events = append(a.events, auditCall{tx: tx, terminal: e.Terminal, action: e.Action, object: e.Object})
	a.mu.Unlock()
	if e.Action != "posting" {
		return nil
	}
	switch e.Terminal {
	case "gate":
		a.entered <- struct{}{}
		<-a.release
	case "poison":
		_, err := tx.ExecContext(ctx, `INSERT INTO gate_child (ref) VALUES (42)`)
		return err
	}
	return nil
}

// postings returns the transactions the posting events of terminal came in.
func (a *gateAuditor) postings(terminal string) []*sql.Tx {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []*sql.Tx
	for _, e := range a.events {
		if e.action == "posting" && e.terminal == terminal {
			out = append(out, e.tx)
		}
	}
	return out
}

// migrateGate creates a child table whose foreign key is checked only at
// COMMIT, on both databases.
func migrateGate(ctx context.Context, db *sql.DB, driver string) error {
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS gate_parent (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE IF NOT EXISTS gate_child (ref INTEGER REFERENCES gate_parent(id) DEFERRABLE INITIALLY DEFERRED)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// openGroupEnv is openEnv with an auditor and a group size.
func openGroupEnv(t *testing.T, name string, aud ledger.Auditor, maxGroup int) *env {
	t.Helper()
	return openEnvWith(t, name, dsnFor(t, name), true, ledger.Options{Observer: aud, Migrate: migrateGate, MaxGroup: maxGroup})
}

type outcome struct {
	res *ledger.Result
	err error
}

// gated submits first from terminal "gate" and, while it waits inside its
// transaction, queues reqs one after the other (each is in the queue
// before the next is submitted); then it lets the first one commit. The
// queued requests then share one group commit, in their order. It returns
// the outcome of first and of each request.
func gated(t *testing.T, e *env, aud *gateAuditor, first ledger.Request, reqs []ledger.Request) (outcome, []outcome) {
	t.Helper()
	ctx := context.Background()
	first.Terminal = "gate"
	var head outcome
	outs := make([]outcome, len(reqs))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		head.res, head.err = e.exec.Submit(ctx, first)
	}()
	<-aud.entered
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i].res, outs[i].err = e.exec.Submit(ctx, r)
		}()
		if !eventually.Within(20*time.Second, func() bool { return e.store.Queued() == i+1 }) {
			close(aud.release)
			t.Fatalf("request %d never queued (queue holds %d)", i, e.store.Queued())
		}
	}
	close(aud.release)
	wg.Wait()
	return head, outs
}

func deposit(acct, amount, terminal, key string) ledger.Request {
	return ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: terminal, Key: key,
		Values: map[string]any{"account": acct, "amount": amount}}
}

// TestGroupCommitIsolatesFailures: a submission that fails inside a group
// is rolled back to its savepoint alone; the others commit together in
// one transaction, with the serials sequential posting would give them, and
// a repeated idempotency key in the same group replays the first result.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	eachDB(t, func(t *testing.T, e0 *env) {
		aud := newGateAuditor()
		e := openGroupEnv(t, e0.name, aud, 0)
		a1, a2 := e.balance(t, A1), e.balance(t, A2)
		entries := e.count(t, "journal")
		unknown := ledger.AccountNumber("0101", 999)
		head, outs := gated(t, e, aud, deposit(A1, "1.00", "", "g-head"), []ledger.Request{
			deposit(A2, "2.00", "B", "g-b"),
			deposit(unknown, "3.00", "C", "g-c"),
			deposit(A1, "4.00", "D", "g-d"),
			deposit(A2, "2.00", "E", "g-b"), // the same key as B
		})
		if head.err != nil {
			t.Fatal(head.err)
		}
		b, c, d, dup := outs[0], outs[1], outs[2], outs[3]
		if b.err != nil || d.err != nil {
			t.Fatalf("B: %v, D: %v", b.err, d.err)
		}
		if got := ledger.CodeOf(c.err); got != "E_ACCOUNT_UNKNOWN" {
			t.Fatalf("C: got %v, want E_ACCOUNT_UNKNOWN", c.err)
		}
		if dup.err != nil || !dup.res.Replayed || dup.res.Serial != b.res.Serial {
			t.Fatalf("repeated key: %+v %v, want a replay of %s", dup.res, dup.err, b.res.Serial)
		}
		// C's serial was rolled back with it: D follows B as if posted alone.
		if !serialFollows(head.res.Serial, b.res.Serial) || !serialFollows(b.res.Serial, d.res.Serial) {
			t.Fatalf("serials %s, %s, %s are not consecutive", head.res.Serial, b.res.Serial, d.res.Serial)
		}
		txB, txD, txHead := aud.postings("B"), aud.postings("D"), aud.postings("gate")
		if len(txB) != 1 || len(txD) != 1 || txB[0] != txD[0] || txB[0] == txHead[0] {
			t.Fatalf("B and D were not committed together in one transaction: %v %v (head %v)", txB, txD, txHead)
		}
		if len(aud.postings("C")) != 0 {
			t.Fatal("the failed submission was audited")
		}
		if g, m := e.store.GroupStats(); g != 1 || m != 4 {
			t.Fatalf("group stats %d groups, %d members; want 1 group of 4", g, m)
		}
		if got := e.balance(t, A1) - a1; got != 500 {
			t.Fatalf("A1 rose by %d fen, want 500", got)
		}
		if got := e.balance(t, A2) - a2; got != 200 {
			t.Fatalf("A2 rose by %d fen, want 200", got)
		}
		if got := e.count(t, "journal") - entries; got != 3 {
			t.Fatalf("%d new journal entries, want 3", got)
		}
		e.books(t)
	})
}

func serialFollows(a, b string) bool {
	var x, y int64
	fmt.Sscan(a[len(a)-6:], &x)
	fmt.Sscan(b[len(b)-6:], &y)
	return a[:len(a)-6] == b[:len(b)-6] && y == x+1
}

// TestGroupCommitFailedCommit: when the shared COMMIT fails nothing of the
// group is posted; every member is then run alone, so the healthy ones are
// posted (once) and only the one that breaks the commit is refused.
func TestGroupCommitFailedCommit(t *testing.T) {
	eachDB(t, func(t *testing.T, e0 *env) {
		aud := newGateAuditor()
		e := openGroupEnv(t, e0.name, aud, 0)
		a1 := e.balance(t, A1)
		entries := e.count(t, "journal")
		head, outs := gated(t, e, aud, deposit(A1, "1.00", "", "f-head"), []ledger.Request{
			deposit(A1, "2.00", "B", "f-b"),
			deposit(A1, "3.00", "poison", "f-p"),
			deposit(A1, "4.00", "D", "f-d"),
		})
		if head.err != nil {
			t.Fatal(head.err)
		}
		if outs[0].err != nil || outs[2].err != nil {
			t.Fatalf("B: %v, D: %v", outs[0].err, outs[2].err)
		}
		if outs[1].err == nil || ledger.CodeOf(outs[1].err) == "" {
			t.Fatalf("poison: got %+v %v, want a coded error", outs[1].res, outs[1].err)
		}
		txB, txP, txD := aud.postings("B"), aud.postings("poison"), aud.postings("D")
		// The group: B, poison and D in one transaction, which failed; then
		// each alone.
		if len(txB) != 2 || len(txD) != 2 || len(txP) < 2 {
			t.Fatalf("audited postings: B %d, poison %d, D %d; want 2, ≥2, 2", len(txB), len(txP), len(txD))
		}
		if txB[0] != txP[0] || txD[0] != txP[0] {
			t.Fatal("B, poison and D did not share the first transaction")
		}
		if txB[1] == txB[0] || txD[1] == txD[0] || txB[1] == txD[1] {
			t.Fatal("B and D were not retried in transactions of their own")
		}
		if g, _ := e.store.GroupStats(); g != 0 {
			t.Fatalf("%d group commits counted as committed, want 0", g)
		}
		var n int
		db := e.store.DB()
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM journal WHERE idem_key = ?`), "f-p"); err != nil || n != 0 {
			t.Fatalf("poison journal rows %d (%v), want 0", n, err)
		}
		if got := e.balance(t, A1) - a1; got != 700 {
			t.Fatalf("A1 rose by %d fen, want 700 (1 + 2 + 4 yuan)", got)
		}
		if got := e.count(t, "journal") - entries; got != 3 {
			t.Fatalf("%d new journal entries, want 3", got)
		}
		e.books(t)
	})
}

// TestGroupCommitMatchesSequential: the same requests give the same
// results, serials, balances and journal whether they are posted one by one
// (MaxGroup 1) or together in one group commit.
func TestGroupCommitMatchesSequential(t *testing.T) {
	eachDB(t, func(t *testing.T, e0 *env) {
		unknown := ledger.AccountNumber("0101", 999)
		reqs := []ledger.Request{
			deposit(A1, "10.00", "T-01", "m-1"),
			{Txn: "cash_withdrawal", Teller: T1, Terminal: "T-01", Key: "m-2", Values: map[string]any{"account": A1, "amount": "3.50"}},
			deposit(unknown, "1.00", "T-01", "m-3"),
			{Txn: "transfer", Teller: T1, Terminal: "T-01", Key: "m-4", Values: map[string]any{"from_account": A1, "to_account": A2,
				"amount": "2.25", "payee_name": "x", "purpose": "p"}},
			{Txn: "cash_withdrawal", Teller: T1, Terminal: "T-01", Key: "m-5", Values: map[string]any{"account": A3, "amount": "2000.00"}}, // more than the box holds,
			deposit(A2, "7.77", "T-01", "m-6"),
			deposit(A1, "10.00", "T-01", "m-1"), // replay
			{Txn: "cash_withdrawal", Teller: T1, Terminal: "T-01", Key: "m-7", Values: map[string]any{"account": A2, "amount": "1.00"}},
		}
		first := deposit(A3, "5.00", "", "m-0")
		type snapshot struct {
			Outcomes []string
			Balances []int64
			Journal  []string
		}
		take := func(e *env, head outcome, outs []outcome) snapshot {
			var s snapshot
			for _, o := range append([]outcome{head}, outs...) {
				if o.err != nil {
					s.Outcomes = append(s.Outcomes, "error "+string(ledger.CodeOf(o.err)))
				} else {
					s.Outcomes = append(s.Outcomes, fmt.Sprintf("%s %v %v", o.res.Serial, o.res.Values, o.res.Replayed))
				}
			}
			for _, a := range []string{A1, A2, A3} {
				s.Balances = append(s.Balances, e.balance(t, a))
			}
			rows, err := e.store.DB().Query(`SELECT serial, amount, account, result FROM journal ORDER BY serial`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var serial, account, result string
				var amount int64
				if err := rows.Scan(&serial, &amount, &account, &result); err != nil {
					t.Fatal(err)
				}
				s.Journal = append(s.Journal, fmt.Sprint(serial, amount, account, result))
			}
			e.books(t)
			return s
		}
		prepare := func(e *env) {
			e.must(t, "cashbox_allocate", T1, nil, allocate("1000.00", 10))
		}

		seqEnv := openGroupEnv(t, e0.name, nil, 1)
		prepare(seqEnv)
		var head outcome
		head.res, head.err = seqEnv.exec.Submit(context.Background(), first)
		outs := make([]outcome, len(reqs))
		for i, r := range reqs {
			outs[i].res, outs[i].err = seqEnv.exec.Submit(context.Background(), r)
		}
		want := take(seqEnv, head, outs)

		aud := newGateAuditor()
		grpEnv := openGroupEnv(t, e0.name, aud, 0)
		prepare(grpEnv)
		head, outs = gated(t, grpEnv, aud, first, reqs)
		got := take(grpEnv, head, outs)
		if g, m := grpEnv.store.GroupStats(); g != 1 || m != int64(len(reqs)) {
			t.Fatalf("group stats: %d groups, %d members; want 1 group of %d", g, m, len(reqs))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("group commit differs from sequential posting:\n got  %+v\n want %+v", got, want)
		}
		if want.Outcomes[3] != "error E_ACCOUNT_UNKNOWN" || !strings.HasPrefix(want.Outcomes[5], "error ") {
			t.Fatalf("the unknown account or the cash shortage was not refused: %v", want.Outcomes)
		}
	})
}
