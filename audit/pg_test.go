package audit

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"guitai/internal/pgtest"
)

// pg is the throwaway PostgreSQL server of this package's tests, started by
// TestMain unless AUDIT_TEST_PG names one.
var pg *pgtest.Server

func TestMain(m *testing.M) {
	if os.Getenv("AUDIT_TEST_PG") == "" {
		srv, err := pgtest.Start(pgtest.Options{})
		switch {
		case err == nil:
			pg = srv
		case pgtest.Required():
			fmt.Fprintln(os.Stderr, "audit: PostgreSQL required:", err)
			os.Exit(1)
		default:
			fmt.Fprintln(os.Stderr, "audit: PostgreSQL tests skipped:", err)
		}
	}
	code := m.Run()
	if pg != nil {
		pg.Stop()
	}
	os.Exit(code)
}

// pgDB creates a fresh, migrated database on the test server (or on the
// server named by AUDIT_TEST_PG), or skips when there is none.
func pgDB(t *testing.T) *sql.DB {
	var url string
	switch base := os.Getenv("AUDIT_TEST_PG"); {
	case base != "":
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		name := fmt.Sprintf("audit_test_%d", time.Now().UnixNano())
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		url = base[:len(base)-len(filepath.Base(base))] + name
	case pg != nil:
		var err error
		if url, err = pg.NewDatabase(context.Background()); err != nil {
			t.Fatal(err)
		}
	default:
		t.Skip("no PostgreSQL: apt-get install postgresql (./dev deps)")
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Migrate(context.Background(), db, Postgres); err != nil {
		t.Fatal(err)
	}
	return db
}

// concurrentAppend runs writers goroutines, each appending n records in
// its own transactions, and checks the resulting log verifies.
func concurrentAppend(t *testing.T, db *sql.DB, l *Log, writers, n int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := l.Append(ctx, tx, sampleRecord(i)); err != nil {
					tx.Rollback()
					t.Error(err)
					return
				}
				if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestPostgres(t *testing.T) {
	db := pgDB(t)
	ctx := context.Background()
	k := testKey(t, 1)
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	l, err := New(Config{Origin: testOrigin, Dialect: Postgres, Signer: k, CheckpointEvery: 5, DB: db,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); clock = clock.Add(time.Second); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	// Rolled back appends leave nothing.
	tx, _ := db.BeginTx(ctx, nil)
	l.Append(ctx, tx, sampleRecord(1))
	tx.Rollback()
	if n, _ := l.Size(ctx, db); n != 0 {
		t.Fatalf("head %d after rollback", n)
	}
	// Concurrent appenders serialise on the head row.
	concurrentAppend(t, db, l, 4, 10)
	rep, err := l.Verify(ctx, db, VerifyOptions{Anchor: &k.PublicKey})
	if err != nil || !rep.OK() || rep.Records != 40 || rep.Verified != 40 {
		t.Fatalf("verify: %+v %v %v", rep, rep.Finding, err)
	}
	// Export and verify a bundle.
	path := filepath.Join(t.TempDir(), "b.tar")
	if _, err := l.Export(ctx, db, path, ExportOptions{From: 3, To: 33, Anchor: &k.PublicKey, Signer: k}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	if _, err := VerifyBundle(f, &k.PublicKey); err != nil {
		t.Fatal(err)
	}
	// Archive a segment; verification spans the boundary.
	seg := filepath.Join(t.TempDir(), "seg.tar")
	if _, err := l.Archive(ctx, db, seg, ArchiveOptions{Through: 20, Anchor: &k.PublicKey, Signer: k,
		Now: time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.VerifySegment(ctx, db, seg, &k.PublicKey); err != nil {
		t.Fatal(err)
	}
	concurrentAppend(t, db, l, 2, 3)
	rep, err = l.Verify(ctx, db, VerifyOptions{Anchor: &k.PublicKey})
	if err != nil || !rep.OK() || rep.Records != 46 {
		t.Fatalf("verify after archive: %+v %v %v", rep, rep.Finding, err)
	}
	// Tampering is found.
	db.Exec(`UPDATE audit_log SET teller = 'X' WHERE seq = 27`)
	rep, _ = l.Verify(ctx, db, VerifyOptions{Anchor: &k.PublicKey})
	if rep.OK() || rep.Finding.Seq != 27 || rep.Finding.Kind != KindModified {
		t.Fatalf("tamper: %v", rep.Finding)
	}
}

func TestSQLiteConcurrentAppend(t *testing.T) {
	db := openDB(t)
	k := testKey(t, 1)
	l := newLog(t, k, 5)
	var mu sync.Mutex
	now := l.cfg.Now
	l.cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now() }
	concurrentAppend(t, db, l, 4, 10)
	rep, err := l.Verify(context.Background(), db, VerifyOptions{Anchor: &k.PublicKey})
	if err != nil || !rep.OK() || rep.Records != 40 {
		t.Fatalf("verify: %+v %v %v", rep, rep.Finding, err)
	}
}
