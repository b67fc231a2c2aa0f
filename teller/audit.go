package teller

import (
	"crypto"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"guitai/audit"
)

// AuditState is how much of the audit log a signed checkpoint anchors:
// Records appended in all, Anchored covered by the latest checkpoint.
type AuditState struct {
	Records, Anchored uint64
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

// TerminalKey loads the terminal's SM2 signing key from an encrypted PKCS#8
// file, creating it (0600, whatever the umask; its public key beside it,
// .pub) on first use. A key file that others than its owner may read or
// write is refused: whoever reads it can try passphrases offline.
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
		if err := writePrivate(path, enc); err != nil {
			return nil, fmt.Errorf("terminal key %s: %w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("terminal key %s: mode %04o lets others read or change it: chmod 600 %s", path, perm, path)
	}
	key, err := audit.ParseEncryptedKey(data, passphrase)
	if err != nil {
		return nil, fmt.Errorf("terminal key %s: %w", path, err)
	}
	return key, nil
}

// writePrivate creates the file at path with data, mode 0600 exactly; a
// file already there (another process made the key first) is left alone
// and reported.
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = f.Chmod(0o600) // the umask only takes bits away; say exactly
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
