package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"guitai/assets"
	"guitai/ledger"
	"guitai/release"
)

// TestRealWindowReleaseLive is the release of a new module as a branch
// meets it, with no rebuild and no restart: a teller of branch 0101 works
// in a real window while branch IT submits the account-freeze package
// (release/testdata/status_freeze: a form and its catalog transaction,
// nothing under assets/), a supervisor approves it and activates it for
// 0101. The running window picks it up (trace "forms"), opens it by its
// code 2209 typed with keys, and posts a freeze that the ledger journals
// with the package's digest. It logs the time from activation to the
// window's switch.
func TestRealWindowReleaseLive(t *testing.T) {
	display := ownDisplay(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	r := startTeller(t, display, "-db", db, "-teller", "010101", "-idle-lock", "0", "-lang", "zh")
	r.wait("ready", 60*time.Second)
	r.wait("forms ", 60*time.Second) // the first read of the ledger's set

	ctx := context.Background()
	store, err := ledger.Open(ctx, db, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := store.Releases(release.Builtin(forms, cat))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := store.TerminalSigner(ctx, filepath.Join(dir, "terminal.key"))
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := release.Load(filepath.Join("..", "..", "release", "testdata", "status_freeze"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := rel.Submit(ctx, pkg, "010102", signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rel.Approve(ctx, info.Ref(), info.Digest, "010199"); err != nil {
		t.Fatal(err)
	}
	var acct string
	if err := store.DB().Get(&acct, `SELECT a.number FROM accounts a WHERE a.branch = '0101' AND a.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.account = a.number) ORDER BY a.number LIMIT 1 OFFSET 3`); err != nil {
		t.Fatal(err)
	}
	activated := time.Now()
	if err := rel.Activate(ctx, info.Ref(), "010199", release.Branch("0101")); err != nil {
		t.Fatal(err)
	}
	r.wait("forms ", 30*time.Second)
	t.Logf("activation to the running teller's switch: %v", time.Since(activated).Round(time.Millisecond))

	r.keys("F2")
	r.typeText("2209", 10*time.Millisecond)
	r.keys("Return")
	r.wait("open status_freeze", 30*time.Second)
	r.typeText(acct, 10*time.Millisecond)
	r.keys("Return")
	r.typeText("court order", 10*time.Millisecond)
	r.keys("Return")
	r.typeText("(2026)J0101-123", 10*time.Millisecond)
	r.keys("F10")
	r.wait("dialog ", 30*time.Second) // 请确认
	r.keys("Return")
	r.wait("posted status_freeze", 60*time.Second)

	var row struct {
		Status string `db:"status"`
		Digest string `db:"package_digest"`
	}
	if err := store.DB().Get(&row, store.DB().Rebind(`SELECT a.status, j.package_digest FROM accounts a
		JOIN journal j ON j.account = a.number AND j.txn_code = '2209' WHERE a.number = ?`), acct); err != nil {
		t.Fatal(err)
	}
	if row.Status != "frozen" || row.Digest != info.Digest {
		t.Fatalf("account %s %s, journal digest %q, want frozen and %s", acct, row.Status, row.Digest, info.Digest)
	}
}
