package ledger

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"guitai/catalog"
)

// PINTries is how many wrong PINs in a row lock an account's PIN: the
// holder can no longer change it, and a reset (2203 with a supervisor and
// the holder's ID) unlocks it. The catalog's pin_change says the same in
// its SQL (pin_failures < 3).
const PINTries = 3

// coercePIN takes a PIN param: 6 digits (else E_PIN_SYNTAX at the
// param), or empty. The PIN is never part of the error.
func coercePIN(p *catalog.Param, v any, _ bool) (any, error) {
	s, err := paramText(p, v)
	if err != nil {
		return nil, err
	}
	if s != "" && checkPIN(s) != nil {
		return badParam(p, "E_PIN_SYNTAX", nil)
	}
	return s, nil
}

// countPINFailure adds a wrong PIN (a refusal with E_PIN_MISMATCH) to the
// failures of the account the refused request named, in tx: the
// refusal's own transaction, since the posting that found the wrong PIN
// was rolled back with everything it wrote. Other refusals count
// nothing.
func (x *Executor) countPINFailure(ctx context.Context, tx *sqlx.Tx, req Request, code Code) error {
	if code != "E_PIN_MISMATCH" {
		return nil
	}
	t := x.cat[req.Txn]
	if t == nil || t.Account == "" {
		return nil
	}
	acct := strings.TrimSpace(fmt.Sprint(req.Values[t.Account]))
	_, err := x.store.exec(ctx, tx, `UPDATE accounts SET pin_failures = pin_failures + 1, version = version + 1 WHERE number = :account`,
		map[string]any{"account": acct})
	return err
}
