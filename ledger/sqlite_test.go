package ledger_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"guitai/ledger"
)

// TestSQLiteConnectionSettings checks that every connection of a ledger's
// pool, and of ledger.OpenSQLite (the benchmark's raw loop), gets the
// durability settings and the connect-time pragmas.
func TestSQLiteConnectionSettings(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "sqlite")
	raw := ledger.OpenSQLite(filepath.Join(t.TempDir(), "raw.db"))
	defer raw.Close()
	for _, db := range []*sql.DB{e.store.DB().DB, raw} {
		// Hold three connections at once so that three are opened.
		var conns []*sql.Conn
		for range 3 {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for i, c := range conns {
			var mode string
			var sync, fk, temp int
			err := c.QueryRowContext(ctx, `SELECT * FROM pragma_journal_mode, pragma_synchronous, pragma_foreign_keys, pragma_temp_store`).
				Scan(&mode, &sync, &fk, &temp)
			if err != nil {
				t.Fatal(err)
			}
			if mode != "wal" || sync != 2 || fk != 1 || temp != 2 {
				t.Errorf("connection %d: journal_mode %s, synchronous %d (want 2, FULL), foreign_keys %d, temp_store %d (want 2, MEMORY)",
					i, mode, sync, fk, temp)
			}
			c.Close()
		}
	}
}

// TestUnusedIndexesDropped checks migration 00003 on both databases: the
// indexes no query used are gone, the ones queries use are still there.
func TestUnusedIndexesDropped(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		q := `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'`
		if e.name == "postgres" {
			q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'`
		}
		var names []string
		if err := e.store.DB().Select(&names, q); err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, n := range names {
			have[n] = true
		}
		for _, n := range []string{"postings_book", "journal_account"} {
			if have[n] {
				t.Errorf("index %s still exists", n)
			}
		}
		for _, n := range []string{"journal_date", "receipts_pending", "accounts_customer"} {
			if !have[n] {
				t.Errorf("index %s is missing (have %v)", n, names)
			}
		}
	})
}

// TestDepositWALFrames bounds what one cash deposit writes on SQLite: the
// pages it dirties are the WAL frames its commit writes and fsyncs, the
// cost the posting benchmark compares with a one-row commit. 15.4 frames
// now: 11 B-trees of the ledger (journal, its primary key, idem_key and
// journal_date; accounts; cash_boxes; postings and its key; receipts, its
// key and receipts_pending), page splits and the header page, 12.2 in
// all, and the audit record that every ledger now writes in the same
// transaction (audit_log and its keys), 3.2. The serial is read from the
// journal's key, so no counter page is written. One more index or
// statement that dirties a page per posting fails it.
func TestDepositWALFrames(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "sqlite")
	db := e.store.DB()
	db.SetMaxOpenConns(1) // the pragma below is per connection
	deposit := func(i int) {
		t.Helper()
		if _, err := e.exec.Submit(ctx, ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "T-01",
			Key: fmt.Sprintf("frames-%06d", i), Values: map[string]any{"account": A1, "amount": "1.00"}}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 200 { // past the first page splits of every table
		deposit(i)
	}
	var busy, frames, done int
	if err := db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy %d, %v", busy, err)
	}
	if _, err := db.Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
		t.Fatal(err)
	}
	const n = 100
	for i := range n {
		deposit(1000 + i)
	}
	if err := db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done); err != nil {
		t.Fatal(err)
	}
	if per := float64(frames) / n; per > 15.8 {
		t.Errorf("a cash deposit writes %.1f WAL frames, want at most 15.8", per)
	} else {
		t.Logf("%.1f WAL frames per cash deposit", per)
	}
}
