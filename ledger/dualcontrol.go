package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// DualControl is the dual-control rule of one catalog transaction (table
// dual_control, migration 00006): the user whose id the posting's Param
// holds, the other person of a cash handover, must confirm the posting
// with their own password or finger (Request.Counterpart).
type DualControl struct {
	Txn       string `db:"txn" json:"txn"`
	Param     string `db:"param" json:"param"`
	UpdatedBy string `db:"updated_by" json:"updated_by"`
	UpdatedAt string `db:"updated_at" json:"updated_at"`
}

// DualControls lists every dual-control rule, by transaction id.
func (s *Store) DualControls(ctx context.Context) ([]DualControl, error) {
	var out []DualControl
	err := s.db.SelectContext(ctx, &out, `SELECT txn, param, updated_by, updated_at FROM dual_control ORDER BY txn`)
	return out, wrapDB(err)
}

// Counterpart returns the param of txn whose user must confirm a posting
// as its counterpart, or "" when txn is not under dual control: what a
// window asks for before it posts. The answer is read once per
// transaction id and kept (the rules change only by migration); the
// posting checks the rule again in its own transaction, so a window that
// did not ask is refused, never let through.
func (x *Executor) Counterpart(ctx context.Context, txn string) (string, error) {
	if p, ok := x.counterparts.Load(txn); ok {
		return p.(string), nil
	}
	p, err := counterpartParam(ctx, x.store.db, txn)
	if err == nil {
		x.counterparts.Store(txn, p)
	}
	return p, err
}

func counterpartParam(ctx context.Context, q queryer, txn string) (string, error) {
	var param string
	err := sqlx.GetContext(ctx, q, &param, q.Rebind(`SELECT param FROM dual_control WHERE txn = ?`), txn)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return param, wrapDB(err)
}

// counterpart checks the credentials of a handover's other person: by
// fingerprint when c.Finger is set (c.ID, if given, must be the matched
// user), else by password. Any role may be a counterpart, but never the
// teller who posts. Errors name the field "counterpart".
func (s *Store) counterpart(ctx context.Context, c *Credentials, teller, terminal string) (*User, error) {
	var u User
	var err error
	if c.Finger != nil {
		u, err = s.AuthenticateFinger(ctx, *c.Finger, terminal)
		if err == nil && c.ID != "" && c.ID != u.ID {
			err = errf("E_FINGER_MISMATCH", "counterpart", nil)
		}
	} else {
		if c.ID == teller {
			return nil, errf("E_COUNTERPART_SELF", "counterpart", nil)
		}
		u, err = s.Authenticate(ctx, c.ID, c.Password, terminal)
	}
	if err != nil {
		return nil, asField(err, "counterpart")
	}
	if u.ID == teller {
		return nil, errf("E_COUNTERPART_SELF", "counterpart", nil)
	}
	return &u, nil
}

// asField gives a coded error the field f (a password refused while
// checking a counterpart is the counterpart's, not the teller's).
func asField(err error, f string) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Field = f
		return &c
	}
	return err
}

// checkDualControl applies the dual-control rule read in the posting's
// own transaction (checkPolicy, which read it with the policy): the posting of a transaction under dual control needs
// a counterpart, and the counterpart must be the user its param names.
// It runs after the steps, which refuse a handover naming no valid user
// at its own field first, and rolls them back when it refuses.
func (ps *posting) checkDualControl() error { return ps.confirmedBy(ps.dual) }

// confirmedBy checks the handover's counterpart against the user the
// param names ("" when the transaction is not under dual control).
func (ps *posting) confirmedBy(param string) error {
	if param == "" {
		return nil
	}
	want, _ := ps.p[param].(string)
	switch c := ps.counterpart; {
	case c == nil && ps.selfOffered:
		return errf("E_COUNTERPART_SELF", "counterpart", nil)
	case c == nil:
		return errf("E_COUNTERPART_REQUIRED", param, fmt.Errorf("%s must confirm the handover", want))
	case c.ID != want:
		return errf("E_COUNTERPART_MISMATCH", param, fmt.Errorf("%s confirmed, %s names %s", c.ID, param, want))
	}
	return nil
}

// counterpartPayload is the payload of a counterpart audit record: the
// posting it confirmed, by serial and request digest, and who confirmed.
func counterpartPayload(serial, digest, user string) ([]byte, error) {
	return json.Marshal(struct {
		V           int    `json:"v"`
		Serial      string `json:"serial"`
		Request     string `json:"request"`
		Counterpart string `json:"counterpart"`
	}{payloadVersion, serial, digest, user})
}
