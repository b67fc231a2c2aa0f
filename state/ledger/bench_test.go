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

	"github.com/emmansun/gmsm/sm3"

	"guitai/audit"
	"guitai/internal/pgtest"
	"guitai/state/ledger"
)

// benchWorkers is how many submitters post at once in the concurrent
// benchmarks: the terminals of a busy branch.
const benchWorkers = 16

// BenchmarkDepositVsFsync measures, in one run and on the same disk, a cash
// deposit through the executor (one DB transaction, ~10 statements, one
// commit) against the floor: a raw loop of single-row INSERT + COMMIT with
// the same durability settings (on SQLite a connection opened exactly as
// the ledger's are, ledger.OpenSQLite), one after the other. The ledger is
// configured as cmd/teller configures it: every posting appends a record
// to the hash-chained audit log in the same transaction, with a signed
// checkpoint every 1000 records. It reports deposits/s,
// raw commits/s, their ratio (goal ≥ 0.7) and the p50 and p99 latency of one
// deposit.
//
// "seq" posts one deposit at a time; "concurrent" posts from benchWorkers
// goroutines at once, so submissions share group commits, and compares
// with the same sequential raw loop (the fsync limit of one writer).
// PostgreSQL runs only with GUITAI_BENCH_PG=1, on a throwaway cluster with
// fsync on (internal/pgtest). scripts/bench-ledger runs it all:
//
//	go test -run '^$' -bench DepositVsFsync -benchtime 3000x ./state/ledger/
func BenchmarkDepositVsFsync(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		for _, w := range []int{1, benchWorkers} {
			b.Run(mode(w), func(b *testing.B) {
				dir := b.TempDir()
				e := openAudited(b, "sqlite", filepath.Join(dir, "ledger.db"))
				raw := ledger.OpenSQLite(filepath.Join(dir, "raw.db"))
				defer raw.Close()
				benchPair(b, e, raw, w)
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
		for _, w := range []int{1, benchWorkers} {
			b.Run(mode(w), func(b *testing.B) {
				dsn, err := srv.NewDatabase(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				e := openAudited(b, "postgres", dsn)
				rawDSN, err := srv.NewDatabase(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				raw, err := sql.Open("pgx", rawDSN)
				if err != nil {
					b.Fatal(err)
				}
				defer raw.Close()
				benchPair(b, e, raw, w)
			})
		}
	})
}

// openAudited opens a seeded ledger whose Auditor is the audit log, as
// cmd/teller sets it up (teller.Auditor, which this package cannot import:
// the adapter below is the same few lines).
func openAudited(tb testing.TB, name, dsn string) *env {
	tb.Helper()
	key, err := audit.GenerateKey()
	if err != nil {
		tb.Fatal(err)
	}
	dialect := audit.SQLite
	if name == "postgres" {
		dialect = audit.Postgres
	}
	alog, err := audit.New(audit.Config{Origin: "guitai/bench", Dialect: dialect, Signer: key, CheckpointEvery: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	return openEnvWith(tb, name, dsn, true, ledger.Options{Auditor: auditLog{alog},
		Migrate: func(ctx context.Context, db *sql.DB, _ string) error { return audit.Migrate(ctx, db, dialect) }})
}

// auditLog is teller.Auditor: one audit record per audited action, with
// the SM3 digest of its payload.
type auditLog struct{ log *audit.Log }

func (a auditLog) Append(ctx context.Context, tx *sql.Tx, e ledger.AuditEvent) error {
	_, err := a.log.Append(ctx, tx, audit.Record{Time: e.Time, Teller: e.Teller, Authorizer: e.Authorizer,
		Terminal: e.Terminal, Branch: e.Branch, Action: e.Action, Object: e.Object, Result: e.Result,
		PayloadDigest: sm3.Sum(e.Payload)})
	return err
}

func mode(workers int) string {
	if workers == 1 {
		return "seq"
	}
	return fmt.Sprintf("concurrent%d", workers)
}

// benchPair posts b.N deposits from workers goroutines and makes b.N raw
// single-row commits one after the other, alternating in chunks so that a
// neighbour's load on the shared machine weighs on both sides alike.
func benchPair(b *testing.B, e *env, raw *sql.DB, workers int) {
	ctx := context.Background()
	if _, err := raw.Exec(`CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	var deposits, rawTime time.Duration
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
	}
	b.StopTimer()
	slices.Sort(lat)
	dps := float64(b.N) / deposits.Seconds()
	rps := float64(b.N) / rawTime.Seconds()
	b.ReportMetric(dps, "deposits/s")
	b.ReportMetric(rps, "rawcommits/s")
	b.ReportMetric(dps/rps, "ratio")
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
