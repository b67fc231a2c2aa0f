package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"guitai/audit"

	"github.com/jmoiron/sqlx"
)

// FingerMatch is what a fingerprint module reports when a finger matches
// one of its templates: the module's id and the template page. The caller
// turns a device's identify result into a FingerMatch (the ledger does not
// talk to devices); the ledger maps it to a user through user_fingers.
type FingerMatch struct {
	Module string `json:"module"` // the module's id or serial, as given at enrolment
	Page   int    `json:"page"`   // the template page on that module
}

// Finger is one enrolled fingerprint: a template page of a module that
// belongs to a user.
type Finger struct {
	UserID     string `db:"user_id" json:"user_id"`
	Module     string `db:"module" json:"module"`
	Page       int    `db:"page" json:"page"`
	EnrolledAt string `db:"enrolled_at" json:"enrolled_at"` // RFC 3339
}

// NewError returns the coded *Error of code (a key of Messages) for field,
// wrapping cause. It lets callers outside the ledger, such as the device
// wiring of tellerctl, report failures with the ledger's zh/en messages.
func NewError(code Code, field string, cause error) *Error { return errf(code, field, cause) }

func fingerPayload(module string, page int, extra map[string]any) []byte {
	m := map[string]any{"module": module, "page": page}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m) // map keys marshal sorted: canonical
	return b
}

func checkFinger(module string, page int) error {
	if module == "" {
		return errf("E_FINGER_MODULE", "module", nil)
	}
	if page < 0 {
		return errf("E_FINGER_PAGE", "page", nil)
	}
	return nil
}

// EnrollFinger records that template page of module belongs to user
// userID. The page must be free on that module (E_FINGER_TAKEN otherwise)
// and the user must exist (E_USER_UNKNOWN). matches are the other pages of
// the module that the new template matches (the caller searches the
// module's library with it before calling): when one of them is enrolled
// for another user the finger is refused with E_FINGER_DUPLICATE, since a
// finger must identify one user only. Pages enrolled for userID or for
// nobody do not count. The change is audited as user_finger_add.
func (s *Store) EnrollFinger(ctx context.Context, userID, module string, page int, matches ...int) error {
	if err := checkFinger(module, page); err != nil {
		return err
	}
	return wrapDB(s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		var branch string
		err := tx.GetContext(ctx, &branch, tx.Rebind(`SELECT branch FROM users WHERE id = ?`), userID)
		if errors.Is(err, sql.ErrNoRows) {
			return errf("E_USER_UNKNOWN", "id", nil)
		}
		if err != nil {
			return err
		}
		for _, m := range matches {
			if m == page {
				continue
			}
			rows, err := s.query(ctx, tx, `SELECT user_id FROM user_fingers WHERE module = :module AND page = :page`,
				map[string]any{"module": module, "page": m})
			if err != nil {
				return err
			}
			if len(rows) > 0 && rows[0]["user_id"] != userID {
				return errf("E_FINGER_DUPLICATE", "finger", fmt.Errorf("module %s page %d is enrolled for %v", module, m, rows[0]["user_id"]))
			}
		}
		_, err = s.exec(ctx, tx, `INSERT INTO user_fingers (module, page, user_id, enrolled_at) VALUES (:module, :page, :user, :now)`,
			map[string]any{"module": module, "page": page, "user": userID, "now": s.stamp()})
		if isUnique(err) {
			return errf("E_FINGER_TAKEN", "page", err)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, AuditEvent{Teller: s.who(userID), Branch: branch, Action: audit.ActionUserFingerAdd, Object: userID,
			Result: "ok", Payload: fingerPayload(module, page, nil)})
	}))
}

// RemoveFinger forgets that template page of module belongs to userID
// (E_FINGER_UNKNOWN when it does not). The change is audited as
// user_finger_remove. Deleting the template from the module itself is the
// caller's business.
func (s *Store) RemoveFinger(ctx context.Context, userID, module string, page int) error {
	if err := checkFinger(module, page); err != nil {
		return err
	}
	return wrapDB(s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		n, err := s.exec(ctx, tx, `DELETE FROM user_fingers WHERE module = :module AND page = :page AND user_id = :user`,
			map[string]any{"module": module, "page": page, "user": userID})
		if err != nil {
			return err
		}
		if n != 1 {
			return errf("E_FINGER_UNKNOWN", "page", nil)
		}
		return s.record(ctx, tx, AuditEvent{Teller: s.who(userID), Action: audit.ActionUserFingerRemove, Object: userID,
			Result: "ok", Payload: fingerPayload(module, page, nil)})
	}))
}

// Fingers lists the fingerprints enrolled for userID, by module and page.
func (s *Store) Fingers(ctx context.Context, userID string) ([]Finger, error) {
	var out []Finger
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT user_id, module, page, enrolled_at FROM user_fingers
		WHERE user_id = ? ORDER BY module, page`), userID)
	return out, wrapDB(err)
}

// UserByFinger returns the user whose template page of module matched
// (E_FINGER_UNKNOWN when the page is enrolled for nobody). It only looks
// the user up: it does not check the lock; see AuthenticateFinger.
func (s *Store) UserByFinger(ctx context.Context, module string, page int) (User, error) {
	var u User
	if err := checkFinger(module, page); err != nil {
		return u, err
	}
	err := s.db.GetContext(ctx, &u, s.db.Rebind(`SELECT u.id, u.name, u.branch, u.role, u.failed, u.locked
		FROM user_fingers f JOIN users u ON u.id = f.user_id WHERE f.module = ? AND f.page = ?`), module, page)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errf("E_FINGER_UNKNOWN", "finger", nil)
	}
	return u, wrapDB(err)
}

// NextFingerPage returns the lowest page of module below capacity that is
// enrolled for nobody (E_FINGER_FULL when there is none).
func (s *Store) NextFingerPage(ctx context.Context, module string, capacity int) (int, error) {
	if err := checkFinger(module, 0); err != nil {
		return 0, err
	}
	var pages []int
	if err := s.db.SelectContext(ctx, &pages, s.db.Rebind(`SELECT page FROM user_fingers WHERE module = ? ORDER BY page`), module); err != nil {
		return 0, wrapDB(err)
	}
	next := 0
	for _, p := range pages {
		if p != next {
			break
		}
		next++
	}
	if next >= capacity {
		return 0, errf("E_FINGER_FULL", "page", nil)
	}
	return next, nil
}

// AuthenticateFinger identifies a user by a fingerprint match in its own
// transaction. A page enrolled for nobody is E_FINGER_UNKNOWN and a locked
// user E_USER_LOCKED; both refusals are audited as login_failed. A match
// does not clear the failed-password count.
func (s *Store) AuthenticateFinger(ctx context.Context, m FingerMatch, terminal string) (User, error) {
	if err := checkFinger(m.Module, m.Page); err != nil {
		return User{}, err
	}
	var out User
	var refused Code
	err := s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		refused = ""
		err := tx.GetContext(ctx, &out, tx.Rebind(`SELECT u.id, u.name, u.branch, u.role, u.failed, u.locked
			FROM user_fingers f JOIN users u ON u.id = f.user_id WHERE f.module = ? AND f.page = ?`), m.Module, m.Page)
		ev := AuditEvent{Teller: out.ID, Terminal: terminal, Branch: out.Branch, Action: audit.ActionLoginFailed, Object: out.ID,
			Payload: fingerPayload(m.Module, m.Page, map[string]any{"method": "finger"})}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			refused, ev.Result = "E_FINGER_UNKNOWN", "unknown finger"
			return s.record(ctx, tx, ev)
		case err != nil:
			return err
		case out.Locked:
			refused, ev.Result = "E_USER_LOCKED", "locked"
			return s.record(ctx, tx, ev)
		}
		return nil
	})
	if err != nil {
		return User{}, wrapDB(err)
	}
	if refused != "" {
		return User{}, errf(refused, "finger", nil)
	}
	return out, nil
}

// SignOnFinger is SignOn with a fingerprint match instead of an id and a
// password: the matched user is signed on at terminal, with the session
// and the day's cash box opened. The sign_on audit record's payload names
// the module and page.
func (s *Store) SignOnFinger(ctx context.Context, m FingerMatch, terminal string) (User, error) {
	u, err := s.AuthenticateFinger(ctx, m, terminal)
	if err != nil {
		return u, err
	}
	return u, s.openSession(ctx, u, terminal, fingerPayload(m.Module, m.Page, map[string]any{"method": "finger"}))
}

// authorize checks a supervisor's credentials for a posting by teller: by
// fingerprint when c.Finger is set (and then c.ID, if given, must be the
// matched user), else by password. The supervisor must be another user than
// the teller, have a role that may authorize (supervisor or admin: which
// one a posting needs is its policy's, checked in the posting transaction)
// and not be locked.
func (s *Store) authorize(ctx context.Context, c *Credentials, teller, terminal string) (*User, error) {
	if c.Finger == nil {
		if c.ID == teller {
			return nil, errf("E_AUTH_SELF", "authorizer", nil)
		}
		u, err := s.Authenticate(ctx, c.ID, c.Password, terminal)
		if err != nil {
			return nil, err
		}
		if !canAuthorize(u.Role) {
			return nil, errf("E_AUTH_ROLE", "authorizer", nil)
		}
		return &u, nil
	}
	u, err := s.AuthenticateFinger(ctx, *c.Finger, terminal)
	if err != nil {
		return nil, err
	}
	switch {
	case c.ID != "" && c.ID != u.ID:
		return nil, errf("E_FINGER_MISMATCH", "authorizer", nil)
	case u.ID == teller:
		return nil, errf("E_AUTH_SELF", "authorizer", nil)
	case !canAuthorize(u.Role):
		return nil, errf("E_AUTH_ROLE", "authorizer", nil)
	}
	return &u, nil
}

// canAuthorize reports whether a user of role may authorize postings at
// all (a teller never does).
func canAuthorize(role string) bool { return role == RoleSupervisor || role == RoleAdmin }
