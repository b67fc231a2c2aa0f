package ledger

import (
	"context"
	"crypto"
	"path/filepath"

	"guitai/audit"
)

// TerminalKeyPath is where the programs keep the terminal key of the
// ledger dsn: terminal.key beside a SQLite file, else in the directory of
// DefaultPath.
func TerminalKeyPath(dsn string) string {
	dir := filepath.Dir(DefaultPath())
	if dsn != "" && !IsPostgres(dsn) {
		dir = filepath.Dir(dsn)
	}
	return filepath.Join(dir, "terminal.key")
}

// TerminalSigner opens the terminal's SM2 key at path (audit.OpenKeyFile,
// created on first use) with the passphrase DecideKeys gives for this
// ledger: $GUITAI_KEY_PASSPHRASE, or the demo one on a demo ledger only.
// It signs what a program submits in the terminal's name when users hold
// no keys of their own (release packages).
func (s *Store) TerminalSigner(ctx context.Context, path string) (crypto.Signer, error) {
	demo, err := s.IsDemo(ctx)
	if err != nil {
		return nil, err
	}
	k, err := DecideKeys(demo, true, nil)
	if err != nil {
		return nil, err
	}
	return audit.OpenKeyFile(path, k.Passphrase)
}
