package teller

import (
	"context"
	"crypto"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/emmansun/gmsm/sm3"

	"guitai/audit"
	"guitai/ledger"
)

// Auditor records the ledger's audited actions in the audit log, inside the
// ledger's own database transaction, and signs a checkpoint at sign-on and
// sign-off. It is the ledger's Auditor.
type Auditor struct {
	Log *audit.Log
}

var _ ledger.Auditor = Auditor{}

// Append appends one record for e in tx.
func (a Auditor) Append(ctx context.Context, tx *sql.Tx, e ledger.AuditEvent) error {
	_, err := a.Log.Append(ctx, tx, audit.Record{Time: e.Time, Teller: e.Teller, Authorizer: e.Authorizer,
		Terminal: e.Terminal, Branch: e.Branch, Action: e.Action, Object: e.Object, Result: e.Result,
		PayloadDigest: sm3.Sum(e.Payload)})
	if err == nil && (e.Action == audit.ActionSignOn || e.Action == audit.ActionSignOff) {
		_, err = a.Log.Checkpoint(ctx, tx, e.Action)
	}
	return err
}

// AuditState is how much of the audit log a signed checkpoint anchors:
// Records appended in all, Anchored covered by the latest checkpoint.
type AuditState struct {
	Records, Anchored uint64
}

// State reads the log's size and its latest checkpoint's.
func (a Auditor) State(ctx context.Context, q audit.Querier) (AuditState, error) {
	n, err := a.Log.Size(ctx, q)
	if err != nil {
		return AuditState{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(MAX(size), 0) FROM audit_checkpoint`)
	if err != nil {
		return AuditState{}, err
	}
	defer rows.Close()
	var anchored int64
	if rows.Next() {
		if err := rows.Scan(&anchored); err != nil {
			return AuditState{}, err
		}
	}
	return AuditState{Records: n, Anchored: uint64(anchored)}, rows.Err()
}

// Text is the status bar's word on the log, in lang: anchored in full, or
// how many records wait for the next checkpoint.
func (st AuditState) Text(lang string) string {
	pending := st.Records - min(st.Anchored, st.Records)
	switch {
	case pending == 0 && lang == "en":
		return fmt.Sprintf("Audit ✓ anchored (%d)", st.Records)
	case pending == 0:
		return fmt.Sprintf("审计 ✓ 已锚定 %d 条", st.Records)
	case lang == "en":
		return fmt.Sprintf("Audit: %d of %d to anchor", pending, st.Records)
	default:
		return fmt.Sprintf("审计 %d/%d 条待锚定", pending, st.Records)
	}
}

// MigrateAudit creates the audit tables; it is the ledger's Options.Migrate.
func MigrateAudit(ctx context.Context, db *sql.DB, driver string) error {
	d := audit.SQLite
	if driver == ledger.Postgres {
		d = audit.Postgres
	}
	return audit.Migrate(ctx, db, d)
}

// TerminalKey loads the terminal's SM2 signing key from an encrypted PKCS#8
// file, creating it (and its public key beside it, .pub) on first use.
func TerminalKey(path string, passphrase []byte) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err := audit.GenerateKey()
		if err != nil {
			return nil, err
		}
		enc, err := audit.MarshalEncryptedKey(key, passphrase)
		if err != nil {
			return nil, err
		}
		pub, err := audit.MarshalPublicKey(&key.PublicKey)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path+".pub", pub, 0o644); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, enc, 0o600); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, err
	}
	key, err := audit.ParseEncryptedKey(data, passphrase)
	if err != nil {
		return nil, fmt.Errorf("terminal key %s: %w", path, err)
	}
	return key, nil
}
