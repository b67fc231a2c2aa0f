package ledger

import (
	"bytes"
	"context"
	"crypto"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"

	"guitai/dsl"
)

// The environment variables a program takes its keys from.
const (
	// EnvMasterKey is the branch's master key, hex, 16 bytes or more: it
	// derives the keys that encrypt the customers' ID numbers, phone
	// numbers and addresses and the blind index of ID numbers.
	EnvMasterKey = "GUITAI_MASTER_KEY"
	// EnvKeyPassphrase decrypts the terminal's SM2 signing key
	// (terminal.key), which signs the audit log's checkpoints.
	EnvKeyPassphrase = "GUITAI_KEY_PASSPHRASE"
)

// Keys are the secrets a program works a ledger with, as [DecideKeys]
// decided them from the environment and the kind of ledger.
type Keys struct {
	// Master is Options.MasterKey: GUITAI_MASTER_KEY decoded, or nil
	// (the built-in demo key) on a demo ledger without it.
	Master []byte
	// Passphrase decrypts the terminal key: GUITAI_KEY_PASSPHRASE, or the
	// demo passphrase (DemoPassword) on a demo ledger without it; nil
	// when the program signs nothing (tellerctl).
	Passphrase []byte
	// Demo says the ledger is a demo ledger (Store.IsDemo): the sign-on
	// screen may show the demo password.
	Demo bool
}

// Key error codes; the message of each *Error names the variable to set.

// keyError is a key refusal naming the variable (Field) in its message.
func keyError(code Code, variable string, zh, en string) *Error {
	return &Error{Code: code, Field: variable, Msg: dsl.Text{Zh: zh, En: en}}
}

// ParseMasterKey decodes GUITAI_MASTER_KEY's value: hex of 16 bytes or
// more. "" is no key (nil).
func ParseMasterKey(value string) ([]byte, error) {
	if value == "" {
		return nil, nil
	}
	key, err := hex.DecodeString(value)
	if err != nil || len(key) < 16 {
		return nil, keyError("E_KEY_MALFORMED", EnvMasterKey,
			EnvMasterKey+" 须为 16 字节以上的十六进制密钥",
			EnvMasterKey+" must be 16 or more bytes of hex")
	}
	return key, nil
}

// IsDemoMasterKey reports whether key is the built-in demo master key.
func IsDemoMasterKey(key []byte) bool { return bytes.Equal(key, demoMasterKey) }

// DecideKeys is the one place that decides a program's keys: from getenv
// (os.Getenv; nil means it) and whether the ledger is a demo ledger. On a
// demo ledger a missing variable means the demo key or passphrase; on any
// other ledger a missing or demo-valued GUITAI_MASTER_KEY is refused, and
// so is GUITAI_KEY_PASSPHRASE when passphrase (the program signs with the
// terminal key) — each refusal an *Error naming the variable to set, all
// of them joined.
func DecideKeys(demo, passphrase bool, getenv func(string) string) (Keys, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	k := Keys{Demo: demo}
	var errs []error
	master, err := ParseMasterKey(getenv(EnvMasterKey))
	switch {
	case err != nil:
		errs = append(errs, err)
	case master == nil && !demo:
		errs = append(errs, keyError("E_KEY_MISSING", EnvMasterKey,
			"不是演示账簿：请设置环境变量 "+EnvMasterKey+"（网点主密钥，16 字节以上的十六进制）",
			"not a demo ledger: set "+EnvMasterKey+" to the branch's master key (hex, 16 bytes or more)"))
	case IsDemoMasterKey(master) && !demo:
		errs = append(errs, keyError("E_KEY_DEMO", EnvMasterKey,
			EnvMasterKey+" 是演示密钥，只能用于演示账簿：请设置网点自己的主密钥",
			EnvMasterKey+" is the demo key, which only a demo ledger may use: set the branch's own master key"))
	default:
		k.Master = master
	}
	if passphrase {
		p := getenv(EnvKeyPassphrase)
		switch {
		case p == "" && demo:
			k.Passphrase = []byte(DemoPassword)
		case p == "":
			errs = append(errs, keyError("E_KEY_MISSING", EnvKeyPassphrase,
				"不是演示账簿：请设置环境变量 "+EnvKeyPassphrase+"（终端签名密钥的口令）",
				"not a demo ledger: set "+EnvKeyPassphrase+" to the terminal key's passphrase"))
		case p == DemoPassword && !demo:
			errs = append(errs, keyError("E_KEY_DEMO", EnvKeyPassphrase,
				EnvKeyPassphrase+" 是演示口令，只能用于演示账簿：请设置终端密钥自己的口令",
				EnvKeyPassphrase+" is the demo passphrase, which only a demo ledger may use: set the terminal key's own"))
		default:
			k.Passphrase = []byte(p)
		}
	}
	if len(errs) > 0 {
		return Keys{}, errors.Join(errs...)
	}
	return k, nil
}

// KeySource says how [OpenKeyed] finds a ledger's keys and what it does
// with an empty ledger.
type KeySource struct {
	// Getenv reads the variables; nil means os.Getenv.
	Getenv func(string) string
	// SeedDemo seeds an empty ledger with the demo (the teller window's
	// first run) on BusinessDate, which makes it a demo ledger.
	SeedDemo     bool
	BusinessDate string
	// NewDemo says the caller seeds an empty ledger with the demo itself
	// (tellerctl init --demo): its keys are decided as a demo ledger's.
	NewDemo bool
	// Signer, when set, loads the terminal's signing key with the
	// passphrase DecideKeys allows (GUITAI_KEY_PASSPHRASE is then
	// needed on a non-demo ledger); the key signs the audit log's
	// checkpoints, as Options.Signer.
	Signer func(passphrase []byte) (crypto.Signer, error)
}

// OpenKeyed opens the ledger at dsn as the programs do: the master key
// from GUITAI_MASTER_KEY, the terminal key (src.Signer) with
// GUITAI_KEY_PASSPHRASE, each allowed to fall back to the demo key only on
// a demo ledger (see DecideKeys); a refusal closes the ledger and says
// which variable to set. Options.MasterKey and Options.Signer are taken
// from there. Leftover clear phone numbers and addresses are sealed
// (SealContacts) once the key is known.
func OpenKeyed(ctx context.Context, dsn string, opt Options, src KeySource) (*Store, Keys, error) {
	getenv := src.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	master, err := ParseMasterKey(getenv(EnvMasterKey))
	if err != nil {
		return nil, Keys{}, err
	}
	opt.MasterKey, opt.Signer = master, nil
	s, err := Open(ctx, dsn, opt)
	if err != nil {
		return nil, Keys{}, err
	}
	k, err := s.decideKeys(ctx, opt, src, getenv)
	if err != nil {
		s.Close()
		return nil, Keys{}, err
	}
	return s, k, nil
}

func (s *Store) decideKeys(ctx context.Context, opt Options, src KeySource, getenv func(string) string) (Keys, error) {
	empty, err := s.empty(ctx)
	if err != nil {
		return Keys{}, err
	}
	demo := empty && (src.SeedDemo || src.NewDemo)
	if !demo {
		if demo, err = s.IsDemo(ctx); err != nil {
			return Keys{}, err
		}
	}
	k, err := DecideKeys(demo, src.Signer != nil, getenv)
	if err != nil {
		return Keys{}, err
	}
	if src.Signer != nil {
		if opt.Signer, err = src.Signer(k.Passphrase); err != nil {
			return Keys{}, err
		}
		// Nothing was appended through the unsigned log yet (Open
		// appends nothing), so the signing one takes over from here.
		if s.audit, err = newAuditHook(s.driver, opt); err != nil {
			return Keys{}, err
		}
	}
	if empty && src.SeedDemo {
		if err := s.SeedDemo(ctx, src.BusinessDate); err != nil {
			return Keys{}, err
		}
	}
	if _, err := s.SealContacts(ctx); err != nil {
		return Keys{}, err
	}
	return k, nil
}

// empty reports whether the ledger holds no branch yet.
func (s *Store) empty(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM branches`); err != nil {
		return false, wrapDB(err)
	}
	return n == 0, nil
}

// IsDemo reports whether the ledger is a demo ledger: seeded with the demo
// (SeedDemo), the only kind on which the demo keys and passwords may be
// used. The mark is in table ledger_meta (migration 00005).
func (s *Store) IsDemo(ctx context.Context) (bool, error) {
	var demo int
	err := s.db.GetContext(ctx, &demo, `SELECT demo FROM ledger_meta WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrapDB(err)
	}
	return demo == 1, nil
}

// markDemo marks the ledger a demo ledger, in the seed's transaction.
func (s *Store) markDemo(ctx context.Context, tx *sqlx.Tx, now string) error {
	_, err := s.exec(ctx, tx, `INSERT INTO ledger_meta (id, demo, demo_since) VALUES (1, 1, :now)
		ON CONFLICT (id) DO UPDATE SET demo = 1, demo_since = excluded.demo_since`, map[string]any{"now": now})
	return err
}

// SealContacts moves the phone numbers and addresses still in clear in
// table customers (from before migration 00005, or posted by a catalog
// transaction that writes the clear columns) into phone_cipher and
// address_cipher, sealed like ID numbers, and blanks the clear ones. It
// returns how many customers it sealed. A row changed meanwhile is left
// for the next run.
func (s *Store) SealContacts(ctx context.Context) (int, error) {
	var rows []struct {
		ID      string `db:"id"`
		Phone   string `db:"phone"`
		Address string `db:"address"`
		PC      string `db:"phone_cipher"`
		AC      string `db:"address_cipher"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT id, phone, address, phone_cipher, address_cipher
		FROM customers WHERE phone <> '' OR address <> ''`); err != nil {
		return 0, wrapDB(err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	n := 0
	err := s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		n = 0
		for _, r := range rows {
			pc, ac := r.PC, r.AC
			var err error
			if r.Phone != "" {
				if pc, err = s.keys.sealPII(r.Phone); err != nil {
					return err
				}
			}
			if r.Address != "" {
				if ac, err = s.keys.sealPII(r.Address); err != nil {
					return err
				}
			}
			m, err := s.exec(ctx, tx, `UPDATE customers SET phone = '', address = '', phone_cipher = :pc, address_cipher = :ac
				WHERE id = :id AND phone = :phone AND address = :address`,
				map[string]any{"pc": pc, "ac": ac, "id": r.ID, "phone": r.Phone, "address": r.Address})
			if err != nil {
				return err
			}
			n += int(m)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("ledger: seal contacts: %w", wrapDB(err))
	}
	return n, nil
}
