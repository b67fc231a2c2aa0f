package audit

import (
	"crypto"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// OpenKeyFile loads an SM2 signing key (a terminal's) from an encrypted PKCS#8
// file, creating it (0600, whatever the umask; its public key beside it,
// .pub) on first use. A key file that others than its owner may read or
// write is refused: whoever reads it can try passphrases offline.
func OpenKeyFile(path string, passphrase []byte) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err := GenerateKey()
		if err != nil {
			return nil, err
		}
		enc, err := MarshalEncryptedKey(key, passphrase)
		if err != nil {
			return nil, err
		}
		pub, err := MarshalPublicKey(&key.PublicKey)
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
	key, err := ParseEncryptedKey(data, passphrase)
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
