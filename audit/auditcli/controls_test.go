package auditcli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guitai/audit"
)

// signedSetup is setup with n more records appended by a signing log that
// checkpoints every `every` records, as the ledger does.
func signedSetup(t *testing.T, n int, every uint64) *fixture {
	t.Helper()
	f := setup(t, 0)
	b, err := os.ReadFile(f.key)
	if err != nil {
		t.Fatal(err)
	}
	s, err := audit.ParseEncryptedKey(b, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	db, _, err := OpenDB(f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, _ := audit.New(audit.Config{Origin: origin, Dialect: audit.SQLite, Signer: s, CheckpointEvery: every})
	ctx := context.Background()
	tx, _ := db.Begin()
	for i := 0; i < n; i++ {
		if _, err := l.Append(ctx, tx, audit.Record{Teller: "T001", Action: "posting", Object: "J", Result: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return f
}

func countCheckpoints(t *testing.T, path string) int {
	t.Helper()
	db, _, err := OpenDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM audit_checkpoint`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestVerifyDeletedCheckpoints: deleting checkpoints is "tampered"
// (exit 1), with or without --origin.
func TestVerifyDeletedCheckpoints(t *testing.T) {
	ctx := context.Background()
	f := signedSetup(t, 45, 10)
	o := VerifyOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Interval: 10}
	f.run(t, ExitOK, func() int { return Verify(ctx, f.env, o) })
	tamper(t, f.db, `DELETE FROM audit_checkpoint WHERE size IN (20, 30, 40)`)
	out := f.run(t, ExitTampered, func() int { return Verify(ctx, f.env, o) })
	if !strings.Contains(out, "tampered") || !strings.Contains(out, "first bad seq 11: unsigned") {
		t.Errorf("middle checkpoints deleted: %s", out)
	}
	tamper(t, f.db, `DELETE FROM audit_checkpoint`)
	out = f.run(t, ExitTampered, func() int { return Verify(ctx, f.env, o) })
	if !strings.Contains(out, "first bad seq 1: unsigned") {
		t.Errorf("all checkpoints deleted, no --origin: %s", out)
	}
	o.Origin = origin
	f.run(t, ExitTampered, func() int { return Verify(ctx, f.env, o) })
}

// TestBadFrontierRepair: a garbage frontier fails verify with the
// recovery command; repair-frontier fixes it.
func TestBadFrontierRepair(t *testing.T) {
	ctx := context.Background()
	f := signedSetup(t, 25, 10)
	tamper(t, f.db, `UPDATE audit_checkpoint SET frontier = 'garbage' WHERE size = 20`)
	o := VerifyOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Interval: 10}
	out := f.run(t, ExitTampered, func() int { return Verify(ctx, f.env, o) })
	if !strings.Contains(out, "bad-frontier") || !strings.Contains(out, "auditctl repair-frontier") {
		t.Errorf("verify: %s", out)
	}
	out = f.run(t, ExitOK, func() int {
		return RepairFrontier(ctx, f.env, RepairFrontierOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Interval: 10})
	})
	if !strings.Contains(out, "repaired 1 checkpoint frontiers [20]") {
		t.Errorf("repair: %s", out)
	}
	f.run(t, ExitOK, func() int { return Verify(ctx, f.env, o) })
	f.run(t, ExitOK, func() int {
		return Checkpoint(ctx, f.env, CheckpointOptions{DBOptions: DBOptions{DB: f.db, Origin: origin}, Key: f.key, Reason: "signon"})
	})
}

// TestExportRefusesCutLog: records cut below a checkpoint: export fails
// as tampered and signs nothing.
func TestExportRefusesCutLog(t *testing.T) {
	ctx := context.Background()
	f := signedSetup(t, 45, 10)
	tamper(t, f.db, `DELETE FROM audit_log WHERE seq > 33`)
	before := countCheckpoints(t, f.db)
	out := f.run(t, ExitTampered, func() int {
		return Export(ctx, f.env, ExportOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Key: f.key, Out: filepath.Join(f.dir, "b.tar"), Interval: 10})
	})
	if !strings.Contains(out, "tampered") {
		t.Errorf("export: %s", out)
	}
	if after := countCheckpoints(t, f.db); after != before {
		t.Errorf("%d checkpoints after the refused export, want %d", after, before)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "b.tar")); !os.IsNotExist(err) {
		t.Error("refused export left a file")
	}
}

// TestVerifyBundleNeedsAnchor: without --pubkey verify-bundle is a usage
// error unless --allow-self-signed.
func TestVerifyBundleNeedsAnchor(t *testing.T) {
	ctx := context.Background()
	f := signedSetup(t, 25, 10)
	bundle := filepath.Join(f.dir, "b.tar")
	f.run(t, ExitOK, func() int {
		return Export(ctx, f.env, ExportOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Key: f.key, Out: bundle, Interval: 10})
	})
	f.run(t, ExitUsage, func() int { return VerifyBundle(ctx, f.env, VerifyBundleOptions{File: bundle}) })
	out := f.run(t, ExitOK, func() int { return VerifyBundle(ctx, f.env, VerifyBundleOptions{File: bundle, AllowSelfSigned: true}) })
	if !strings.Contains(out, "own anchor key only") {
		t.Errorf("self-signed: %s", out)
	}
	// Another key as the anchor: tampered, naming keys.json.
	other := filepath.Join(f.dir, "other.pem")
	f.run(t, ExitOK, func() int {
		return Keygen(ctx, f.env, KeygenOptions{Out: filepath.Join(f.dir, "o.key"), PubOut: other})
	})
	out = f.run(t, ExitTampered, func() int { return VerifyBundle(ctx, f.env, VerifyBundleOptions{File: bundle, PubKey: other}) })
	if !strings.Contains(out, "keys.json") {
		t.Errorf("other anchor: %s", out)
	}
}
