package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"guitai/internal/pgtest"
	"guitai/ledger"
)

// BenchmarkModules posts, one after the other, the module postings the
// new tables take part in, on a ledger audited as cmd/teller's is:
//
//   - term_open: a one-year term deposit of 100.00 in cash (a new account,
//     a contract row, the rate looked up, interest.maturity called, the
//     next certificate (存单) in the box used: the setup stocks the box
//     with b.N of them);
//   - held_withdrawal: 1.00 out of the demo account under a partial
//     freeze (the available balance read against its holds).
//
// It reports postings/s and the p50/p99 latency of one posting, beside
// the deposit figures of BenchmarkDepositVsFsync (scripts/bench-ledger).
// PostgreSQL runs only with GUITAI_BENCH_PG=1.
func BenchmarkModules(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchModules(b, func(b *testing.B) *env {
			return openAudited(b, "sqlite", filepath.Join(b.TempDir(), "ledger.db"))
		})
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
		benchModules(b, func(b *testing.B) *env {
			dsn, err := srv.NewDatabase(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			return openAudited(b, "postgres", dsn)
		})
	})
}

// benchModules runs each module posting b.N times on a fresh ledger from
// open (called for each run the benchmark makes).
func benchModules(b *testing.B, open func(b *testing.B) *env) {
	cases := []struct {
		name string
		vals map[string]any
		txn  string
	}{
		{"term_open", map[string]any{"account": A1, "product": "Y1", "amount": "100.00", "source": "cash"}, "term_open"},
		{"held_withdrawal", map[string]any{"account": ledger.DemoHeldAccount, "amount": "1.00"}, "cash_withdrawal"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e := open(b)
			e.must(b, "cashbox_allocate", T1, nil, map[string]any{"amount": "100000", "handover_id": T2, "n100": "1000"})
			if c.txn == "term_open" {
				stockBox(b, e, T1, "certificate", b.N)
			}
			lat := make([]time.Duration, b.N)
			b.ResetTimer()
			start := time.Now()
			for n := range b.N {
				t0 := time.Now()
				if _, err := e.exec.Submit(context.Background(), ledger.Request{Txn: c.txn, Teller: T1, Terminal: "bench",
					Key: fmt.Sprint("bench-", c.name, n), Values: c.vals}); err != nil {
					b.Fatal(err)
				}
				lat[n] = time.Since(t0)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "postings/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			e.books(b)
		})
	}
}

// stockBox puts n more unused vouchers of kind in teller's cash box,
// numbered after every voucher of that kind there is, as a voucher issue
// (3201) would, without the vault's limit of stock.
func stockBox(tb testing.TB, e *env, teller, kind string, n int) {
	tb.Helper()
	db := e.store.DB()
	var last int64
	if err := db.Get(&last, db.Rebind(`SELECT COALESCE(MAX(serial_no), 0) FROM vouchers WHERE kind = ?`), kind); err != nil {
		tb.Fatal(err)
	}
	q, args, err := sqlx.Named(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < :n)
		INSERT INTO vouchers (id, kind, serial_no, branch, location, teller, issue_serial)
		SELECT CAST(:kind AS TEXT) || '-' || CAST(CAST(:after AS BIGINT) + i AS TEXT), :kind, CAST(:after AS BIGINT) + i,
		       '0101', :location, :teller, 'bench' FROM seq`,
		map[string]any{"n": n, "kind": kind, "after": last, "location": "BOX-" + teller, "teller": teller})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(db.Rebind(q), args...); err != nil {
		tb.Fatal(err)
	}
}
