package ledger_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"guitai/internal/pgtest"
	"guitai/state/ledger"
)

// BenchmarkDepositVsFsync measures, in one run and on the same disk, a cash
// deposit through the executor (one DB transaction, ~15 statements, one
// commit) against the floor: a raw loop of single-row INSERT + COMMIT with
// the same durability settings. It reports deposits/s, raw commits/s, their
// ratio (goal ≥ 0.7) and the p99 latency of one deposit.
//
//	go test -run '^$' -bench DepositVsFsync -benchtime 2000x ./state/ledger/
func BenchmarkDepositVsFsync(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		dir := b.TempDir()
		e := openEnv(b, "sqlite", filepath.Join(dir, "ledger.db"), true)
		raw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "raw.db")+"?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_txlock=immediate")
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		benchPair(b, e, raw)
	})
	b.Run("postgres", func(b *testing.B) {
		srv, err := pgtest.Start(pgtest.Options{Fsync: true})
		if err != nil {
			b.Skip(err)
		}
		defer srv.Stop()
		dsn, err := srv.NewDatabase(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		e := openEnv(b, "postgres", dsn, true)
		rawDSN, _ := srv.NewDatabase(context.Background())
		raw, err := sql.Open("pgx", rawDSN)
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		benchPair(b, e, raw)
	})
}

func benchPair(b *testing.B, e *env, raw *sql.DB) {
	ctx := context.Background()
	if _, err := raw.Exec(`CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	// The two loops alternate in chunks, so a neighbour's load on the
	// shared machine weighs on both sides alike.
	lat := make([]time.Duration, 0, b.N)
	var deposits, rawTime time.Duration
	b.ResetTimer()
	const chunk = 50
	for done := 0; done < b.N; done += chunk {
		n := min(chunk, b.N-done)
		start := time.Now()
		for i := done; i < done+n; i++ {
			t0 := time.Now()
			_, err := e.exec.Submit(ctx, ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "bench",
				Key: fmt.Sprint("bench-", i), Values: map[string]any{"account": A1, "amount": "1.00"}})
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		deposits += time.Since(start)
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
	e.books(b)
}

func rebind(e *env, q string) string { return e.store.DB().Rebind(q) }
