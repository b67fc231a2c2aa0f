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
	"guitai/state/ledger"
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
