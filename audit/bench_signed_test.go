package audit

import (
	"context"
	"testing"
	"time"
)

// BenchmarkAppendSigned appends one record per transaction, as audited
// postings do, with the terminal key signing a checkpoint every 50
// records (ledger.DefaultCheckpointEvery): the cost of signing, per
// record, including the checks before each checkpoint.
func BenchmarkAppendSigned(b *testing.B) {
	db := openDB(b)
	l := newLog(b, testKey(b, 1), 50)
	l.cfg.DB = db
	ctx := context.Background()
	rec := sampleRecord(1)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.Append(ctx, tx, rec); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}
