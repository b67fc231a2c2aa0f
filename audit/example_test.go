package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/emmansun/gmsm/sm3"
	_ "github.com/mattn/go-sqlite3"

	"guitai/audit"
)

// Auditor is what a ledger declares to write audit records inside its own
// transaction; *audit.Log satisfies it.
type Auditor interface {
	Append(ctx context.Context, tx *sql.Tx, rec audit.Record) (audit.Entry, error)
}

func Example() {
	dir, _ := os.MkdirTemp("", "audit-example")
	defer os.RemoveAll(dir)
	db, _ := sql.Open("sqlite3", "file:"+filepath.Join(dir, "teller.db")+"?_txlock=immediate")
	defer db.Close()
	ctx := context.Background()
	if err := audit.Migrate(ctx, db, audit.SQLite); err != nil {
		panic(err)
	}
	key, _ := audit.GenerateKey()
	log, _ := audit.New(audit.Config{Origin: "guitai.example/branch-0101/T07", Dialect: audit.SQLite,
		Signer: key, CheckpointEvery: 1000, DB: db})

	var a Auditor = log
	// The ledger's posting and its audit record share one transaction.
	tx, _ := db.BeginTx(ctx, nil)
	// ... INSERT INTO journal ... (the posting itself)
	e, err := a.Append(ctx, tx, audit.Record{Teller: "T001", Terminal: "T07", Branch: "0101",
		Action: "posting", Object: "J000001", Result: "ok", PayloadDigest: sm3.Sum([]byte(`{"amount":"100.00"}`))})
	if err != nil {
		tx.Rollback()
		panic(err)
	}
	log.Checkpoint(ctx, tx, "signoff")
	tx.Commit()

	rep, _ := log.Verify(ctx, db, audit.VerifyOptions{Anchor: &key.PublicKey})
	fmt.Println(e.Seq, rep.OK(), rep.Records, rep.Verified)
	// Output: 1 true 1 1
}

// AuditEvent mirrors ledger.AuditEvent (package ledger), which this package
// must not import.
type AuditEvent struct {
	Time                                 time.Time
	Teller, Authorizer, Terminal, Branch string
	Action, Object, Result               string
	Payload                              []byte
}

// ledgerAuditor adapts *audit.Log to the ledger's Auditor interface
// (Append(ctx, *sql.Tx, AuditEvent) error); it lives in the wiring code
// (cmd/teller), and checkpoints at sign-on and sign-off.
type ledgerAuditor struct{ log *audit.Log }

func (a ledgerAuditor) Append(ctx context.Context, tx *sql.Tx, e AuditEvent) error {
	_, err := a.log.Append(ctx, tx, audit.Record{Time: e.Time, Teller: e.Teller, Authorizer: e.Authorizer,
		Terminal: e.Terminal, Branch: e.Branch, Action: e.Action, Object: e.Object, Result: e.Result,
		PayloadDigest: sm3.Sum(e.Payload)})
	if err == nil && (e.Action == audit.ActionSignOn || e.Action == audit.ActionSignOff) {
		_, err = a.log.Checkpoint(ctx, tx, e.Action)
	}
	return err
}

func Example_ledgerAdapter() {
	dir, _ := os.MkdirTemp("", "audit-example")
	defer os.RemoveAll(dir)
	db, _ := sql.Open("sqlite3", "file:"+filepath.Join(dir, "teller.db")+"?_txlock=immediate&_stmt_cache_size=256")
	defer db.Close()
	ctx := context.Background()
	audit.Migrate(ctx, db, audit.SQLite)
	key, _ := audit.GenerateKey()
	log, _ := audit.New(audit.Config{Origin: "guitai.example/0101/T07", Dialect: audit.SQLite, Signer: key})
	a := ledgerAuditor{log}
	tx, _ := db.BeginTx(ctx, nil)
	a.Append(ctx, tx, AuditEvent{Teller: "T001", Terminal: "T07", Action: audit.ActionSignOn, Object: "T001", Result: "ok"})
	tx.Commit()
	cps, _ := log.Checkpoints(ctx, db)
	fmt.Println(len(cps), cps[0].Size, cps[0].Reason)
	// Output: 1 1 sign_on
}
