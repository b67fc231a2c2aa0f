package audit

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// BenchmarkAppend measures in-transaction appends committed in batches
// of 1,000 on a SQLite file (WAL, synchronous=NORMAL).
func BenchmarkAppend(b *testing.B) {
	db := openDB(b)
	l := newLog(b, nil, 0)
	l.cfg.DB = db // reuse prepared statements
	ctx := context.Background()
	rec := sampleRecord(1)
	b.ResetTimer()
	start := time.Now()
	n := 0
	for n < b.N {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 1000 && n < b.N; j, n = j+1, n+1 {
			if _, err := l.Append(ctx, tx, rec); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// chain builds n chained entries in memory.
func chain(n int) []Entry {
	out := make([]Entry, n)
	var prev Hash
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for i := range out {
		r := sampleRecord(i)
		r.Seq, r.PrevHash, r.Time = uint64(i+1), prev, t0.Add(time.Duration(i)*time.Millisecond)
		out[i] = Entry{Record: r, Leaf: r.LeafHash()}
		prev = out[i].Leaf
	}
	return out
}

var (
	chainOnce sync.Once
	chain1M   []Entry
)

// BenchmarkVerifyVsSM3 verifies 1,000,000 in-memory records (chain, tree,
// checkpoint) and, in the same run, hashes the same canonical encodings
// with plain SM3; it reports both throughputs and their ratio.
func BenchmarkVerifyVsSM3(b *testing.B) {
	chainOnce.Do(func() { chain1M = chain(1_000_000) })
	es := chain1M
	k := testKey(b, 1)
	var f Frontier
	for i := range es {
		f.Append(es[i].Leaf)
	}
	note, _ := SignCheckpoint(Checkpoint{Origin: testOrigin, Size: uint64(len(es)), Root: f.Root()}, k)
	var total int64
	var buf []byte
	for i := range es {
		buf, _ = es[i].AppendBinary(buf[:0])
		total += int64(len(buf))
	}
	b.ResetTimer()
	var rawT, verT time.Duration
	for b.Loop() {
		t0 := time.Now()
		for i := range es {
			buf, _ = es[i].AppendBinary(buf[:0])
			sm3.Sum(buf)
		}
		rawT += time.Since(t0)
		t0 = time.Now()
		v := NewVerifier(testOrigin, &k.PublicKey, [][]byte{note}, 0)
		for i := 0; i < len(es); i += 8192 {
			v.AddBatch(es[i:min(i+8192, len(es))])
		}
		rep := v.Finish()
		verT += time.Since(t0)
		if !rep.OK() || rep.Verified != uint64(len(es)) {
			b.Fatal(rep.Finding)
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(total)*n/rawT.Seconds()/1e6, "rawSM3-MB/s")
	b.ReportMetric(float64(total)*n/verT.Seconds()/1e6, "verify-MB/s")
	b.ReportMetric(rawT.Seconds()/verT.Seconds(), "verify/raw")
	b.ReportMetric(verT.Seconds()/n, "s/1M-verify")
}

// bigDB returns a SQLite log of n records, built once and kept in
// $AUDIT_BENCH_DIR (default: the test's temp dir).
func bigDB(b *testing.B, n int) (*sql.DB, *Log) {
	dir := os.Getenv("AUDIT_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, "bench1m.db")
	_, statErr := os.Stat(path)
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	l := newLog(b, testKey(b, 1), 100_000)
	if statErr != nil {
		if err := Migrate(context.Background(), db, SQLite); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		recs := make([]Record, 10_000)
		for i := 0; i < n; i += len(recs) {
			for j := range recs {
				recs[j] = sampleRecord(i + j)
			}
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := l.AppendBatch(ctx, tx, recs); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	return db, l
}

// BenchmarkVerifyDB1M verifies a 1,000,000-record SQLite log end to end.
func BenchmarkVerifyDB1M(b *testing.B) {
	db, l := bigDB(b, 1_000_000)
	b.ResetTimer()
	for b.Loop() {
		rep, err := l.Verify(context.Background(), db, VerifyOptions{Anchor: &testKey(b, 1).PublicKey})
		if err != nil || !rep.OK() || rep.Records != 1_000_000 {
			b.Fatal(err, rep.Finding)
		}
	}
}

// BenchmarkExport1M exports all of a 1,000,000-record SQLite log.
func BenchmarkExport1M(b *testing.B) {
	db, l := bigDB(b, 1_000_000)
	out := filepath.Join(b.TempDir(), "b.tar")
	b.ResetTimer()
	for b.Loop() {
		if _, err := l.Export(context.Background(), db, out, ExportOptions{Anchor: &testKey(b, 1).PublicKey, Signer: testKey(b, 1)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendStmtCache measures Append without Config.DB on a
// connection with go-sqlite3's statement cache (_stmt_cache_size), which
// is how a ledger that does not pass Config.DB gets the same speed.
func BenchmarkAppendStmtCache(b *testing.B) {
	path := filepath.Join(b.TempDir(), "audit.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=16")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := Migrate(context.Background(), db, SQLite); err != nil {
		b.Fatal(err)
	}
	l := newLog(b, nil, 0)
	ctx := context.Background()
	rec := sampleRecord(1)
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 1000 && n < b.N; j, n = j+1, n+1 {
			if _, err := l.Append(ctx, tx, rec); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkAppendBatch measures AppendBatch with 1,000 records per
// transaction on a SQLite file.
func BenchmarkAppendBatch(b *testing.B) {
	db := openDB(b)
	l := newLog(b, nil, 0)
	l.cfg.DB = db
	ctx := context.Background()
	recs := make([]Record, 1000)
	for i := range recs {
		recs[i] = sampleRecord(i)
	}
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n += len(recs) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.AppendBatch(ctx, tx, recs[:min(len(recs), b.N-n)]); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}
