package ledger_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guitai/audit"
	"guitai/internal/pgtest"
	"guitai/ledger"
)

// benchWorkers is how many submitters post at once in the concurrent
// benchmarks: the terminals of a busy branch.
const benchWorkers = 16

// BenchmarkDepositVsFsync measures, in one run and on the same disk, a cash
// deposit through the executor (one DB transaction, ~10 statements, one
// commit) against the fsync limit: a raw loop of single-row INSERT + COMMIT with
// the same durability settings (on SQLite a connection opened exactly as
// the ledger's are, ledger.OpenSQLite), one after the other. The ledger is
// configured as cmd/teller configures it: every posting appends a record
// to the hash-chained audit log in the same transaction, with a signed
// checkpoint every 1000 records. It reports deposits/s,
// raw commits/s, their ratio (goal ≥ 0.7) and the p50 and p99 latency of one
// deposit. The seq cases also time floorDeposit, the same deposit written by
// hand, on a ledger of its own: floor/s, its ratio to the raw commits
// (floor-ratio) and the share of it the executor reaches (of-floor).
//
// "seq" posts one deposit at a time; "concurrent" posts from benchWorkers
// goroutines at once, so submissions share group commits, and compares
// with the same sequential raw loop (the fsync limit of one writer).
// PostgreSQL runs only with GUITAI_BENCH_PG=1, on a throwaway cluster with
// fsync on (internal/pgtest). scripts/bench-ledger runs it all:
//
//	go test -run '^$' -bench DepositVsFsync -benchtime 3000x ./ledger/
func BenchmarkDepositVsFsync(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		for _, w := range []int{1, benchWorkers} {
			b.Run(mode(w), func(b *testing.B) {
				dir := b.TempDir()
				e := openAudited(b, "sqlite", filepath.Join(dir, "ledger.db"))
				raw := ledger.OpenSQLite(filepath.Join(dir, "raw.db"))
				defer raw.Close()
				var floor *env
				if w == 1 {
					floor = openAudited(b, "sqlite", filepath.Join(dir, "floor.db"))
				}
				benchPair(b, e, floor, raw, w)
			})
		}
	})
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv("GUITAI_BENCH_PG") != "1" {
			b.Skip("set GUITAI_BENCH_PG=1 to start a PostgreSQL cluster with fsync on")
		}
		srv, err := pgtest.Start(pgtest.Options{Fsync: true})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Stop()
		// seq-unpipelined is seq one statement at a time, as every
		// posting went before pipelining (issue 18 §3's "before").
		for _, m := range []struct {
			name    string
			workers int
			opt     ledger.Options
		}{{mode(1), 1, ledger.Options{}}, {"seq-unpipelined", 1, ledger.Options{NoPipeline: true}}, {mode(benchWorkers), benchWorkers, ledger.Options{}}} {
			w := m.workers
			b.Run(m.name, func(b *testing.B) {
				dsn, err := srv.NewDatabase(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				e := openAuditedWith(b, "postgres", dsn, m.opt)
				rawDSN, err := srv.NewDatabase(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				raw, err := sql.Open("pgx", rawDSN)
				if err != nil {
					b.Fatal(err)
				}
				defer raw.Close()
				var floor *env
				if w == 1 {
					floorDSN, err := srv.NewDatabase(context.Background())
					if err != nil {
						b.Fatal(err)
					}
					floor = openAudited(b, "postgres", floorDSN)
				}
				benchPair(b, e, floor, raw, w)
			})
		}
	})
}

// openAudited opens a seeded ledger that signs its audit log as
// cmd/teller does (a terminal key, a checkpoint every
// DefaultCheckpointEvery records).
func openAudited(tb testing.TB, name, dsn string) *env {
	tb.Helper()
	return openAuditedWith(tb, name, dsn, ledger.Options{})
}

// openAuditedWith is openAudited with more options.
func openAuditedWith(tb testing.TB, name, dsn string, opt ledger.Options) *env {
	tb.Helper()
	key, err := audit.GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	opt.Signer, opt.Origin = key, "guitai/bench"
	return openEnvWith(tb, name, dsn, true, opt)
}

func mode(workers int) string {
	if workers == 1 {
		return "seq"
	}
	return fmt.Sprintf("concurrent%d", workers)
}

// benchPair posts b.N deposits from workers goroutines and makes b.N raw
// single-row commits one after the other, alternating in chunks so that a
// neighbour's load on the shared machine weighs on both sides alike. With
// floor set it also makes b.N hand-written deposits on it (floorDeposit),
// in the same chunks.
func benchPair(b *testing.B, e, floor *env, raw *sql.DB, workers int) {
	ctx := context.Background()
	if _, err := raw.Exec(`CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	var fd *floorDeposit
	if floor != nil {
		fd = newFloorDeposit(b, floor)
	}
	lat := make([]time.Duration, b.N)
	var deposits, rawTime, floorTime time.Duration
	var failed atomic.Value
	b.ResetTimer()
	chunk := 50 * workers
	for done := 0; done < b.N; done += chunk {
		n := min(chunk, b.N-done)
		var next atomic.Int64
		next.Store(int64(done))
		start := time.Now()
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= done+n {
						return
					}
					t0 := time.Now()
					_, err := e.exec.Submit(ctx, ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "bench",
						Key: fmt.Sprint("bench-", i), Values: map[string]any{"account": A1, "amount": "1.00"}})
					if err != nil {
						failed.Store(err)
						return
					}
					lat[i] = time.Since(t0)
				}
			}()
		}
		wg.Wait()
		deposits += time.Since(start)
		if err, _ := failed.Load().(error); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		for i := done; i < done+n; i++ {
			tx, err := raw.Begin()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec(rebind(e, `INSERT INTO t (id, v) VALUES (?, ?)`), i, i); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		rawTime += time.Since(start)
		if fd != nil {
			start = time.Now()
			for i := done; i < done+n; i++ {
				fd.post(b, i)
			}
			floorTime += time.Since(start)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	dps := float64(b.N) / deposits.Seconds()
	rps := float64(b.N) / rawTime.Seconds()
	b.ReportMetric(dps, "deposits/s")
	b.ReportMetric(rps, "rawcommits/s")
	b.ReportMetric(dps/rps, "ratio")
	if fd != nil {
		fps := float64(b.N) / floorTime.Seconds()
		b.ReportMetric(fps, "floor/s")
		b.ReportMetric(fps/rps, "floor-ratio")
		b.ReportMetric(dps/fps, "of-floor")
		floor.books(b)
	}
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	if g, m := e.store.GroupStats(); g > 0 {
		b.ReportMetric(float64(m)/float64(g), "members/group")
	}
	if got := e.count(b, "journal"); got < b.N {
		b.Fatalf("%d journal entries after %d deposits", got, b.N)
	}
	if got := e.count(b, "audit_log"); got < b.N {
		b.Fatalf("%d audit records after %d deposits", got, b.N)
	}
	e.books(b)
}

func rebind(e *env, q string) string { return e.store.DB().Rebind(q) }

// floorDeposit is the least any implementation of a cash deposit must do
// on this schema, written by hand as a database/sql program would: one
// transaction of six statements (each kept prepared by the driver) that
// make the deposit's own writes, the account and cash box balances, the
// journal row with its result, the two postings, the queued receipt and
// one audit record, and nothing else: no teller, role or status check, no guard, no serial or
// hash computed, no JSON. Every deposit dirties the same B-tree pages as a
// ledger deposit (the audit record lands in a table of its own, so the
// floor ledger's hash chain stays valid), so deposits/s over floor/s is the
// share of the possible the executor reaches, and floor/s over raw
// commits/s what the schema's pages cost against a one-row commit.
type floorDeposit struct {
	db      *sql.DB
	stmts   []string // rebound SQL texts; the drivers keep them prepared per connection
	branch  string
	date    string
	result  string
	account string
}

func newFloorDeposit(b *testing.B, e *env) *floorDeposit {
	ctx := context.Background()
	// One real deposit gives the journal row's result, as the ledger writes it.
	res, err := e.exec.Submit(ctx, ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "bench",
		Key: "floor-template", Values: map[string]any{"account": A1, "amount": "1.00"}})
	if err != nil {
		b.Fatal(err)
	}
	f := &floorDeposit{db: e.store.DB().DB, date: res.BusinessDate, account: A1}
	db := e.store.DB()
	if err := db.Get(&f.result, db.Rebind(`SELECT result FROM journal WHERE serial = ?`), res.Serial); err != nil {
		b.Fatal(err)
	}
	if err := db.Get(&f.branch, db.Rebind(`SELECT branch FROM users WHERE id = ?`), T1); err != nil {
		b.Fatal(err)
	}
	// The audit table is a copy of audit_log's layout and keys.
	if _, err := db.Exec(`CREATE TABLE floor_audit AS SELECT * FROM audit_log WHERE 1 = 0`); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`CREATE UNIQUE INDEX floor_audit_seq ON floor_audit (seq)`,
		`CREATE INDEX floor_audit_at_ns ON floor_audit (at_ns)`} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{
		`UPDATE accounts SET balance = balance + ?, version = version + 1 WHERE number = ?`,
		`UPDATE cash_boxes SET balance = balance + ?, cash_in = cash_in + ?, version = version + 1 WHERE teller = ? AND business_date = ?`,
		`INSERT INTO journal (serial, business_date, branch, teller, terminal, txn_code, form_id, form_version,
			account, amount, reversible, idem_key, result, created_at) VALUES (?, ?, ?, ?, 'bench', '1401', 'deposit', '1', ?, ?, 1, ?, ?, ?)`,
		`INSERT INTO postings (serial, line, book, amount) VALUES (?, 1, ?, ?), (?, 2, ?, ?)`,
		`INSERT INTO receipts (serial, teller, template, payload, created_at) VALUES (?, ?, 'deposit', ?, ?)`,
		`INSERT INTO floor_audit (seq, at_ns, teller, authorizer, terminal, branch, action, object, result,
			payload_digest, prev_hash, leaf_hash) VALUES (?, ?, ?, '', 'bench', ?, 'posting', ?, 'ok', ?, ?, ?)`,
	} {
		st, err := db.Preparex(db.Rebind(q)) // a typo fails here, before the timing
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
		f.stmts = append(f.stmts, db.Rebind(q))
	}
	return f
}

func (f *floorDeposit) post(b *testing.B, i int) {
	ctx := context.Background()
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	const amount = int64(100)
	// Serials of another day, after every serial the ledger allocates.
	serial := fmt.Sprintf("99991231%04s%06d", f.branch, i)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	hash := fmt.Sprintf("%064x", i)
	box := "BOX-" + T1
	for k, args := range [][]any{
		{amount, f.account},
		{amount, amount, T1, f.date},
		{serial, f.date, f.branch, T1, f.account, amount, "floor-" + serial, f.result, now},
		{serial, box, amount, serial, f.account, -amount},
		{serial, T1, f.result, now},
		{int64(i + 1), time.Now().UnixNano(), T1, f.branch, serial, hash, hash, hash},
	} {
		if _, err := tx.ExecContext(ctx, f.stmts[k], args...); err != nil {
			tx.Rollback()
			b.Fatalf("floor statement %d: %v", k+1, err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
