package ledger

import (
	"context"
	"database/sql"
	"errors"
	"guitai/audit"
	"time"

	"github.com/jmoiron/sqlx"
)

// Roles of users.
const (
	RoleTeller     = "teller"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// MaxFailures is how many wrong passwords in a row lock a user.
const MaxFailures = 5

// User is one row of users, without the password hash.
type User struct {
	ID     string `db:"id" json:"id"`
	Name   string `db:"name" json:"name"`
	Branch string `db:"branch" json:"branch"`
	Role   string `db:"role" json:"role"`
	Failed int    `db:"failed" json:"failed"`
	Locked bool   `db:"locked" json:"locked"`
}

type userRow struct {
	User
	Hash string `db:"pw_hash"`
	Salt string `db:"pw_salt"`
	Iter int    `db:"pw_iter"`
}

// AddBranch creates a branch, its vault, suspense and equity books.
func (s *Store) AddBranch(ctx context.Context, code, name, businessDate string) error {
	return s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		arg := map[string]any{"code": code, "name": name, "date": businessDate}
		if _, err := s.exec(ctx, tx, `INSERT INTO branches (code, name, business_date) VALUES (:code, :name, :date)`, arg); err != nil {
			return wrapDB(err)
		}
		for _, kind := range []string{"vault", "suspense", "equity"} {
			arg["book"], arg["kind"] = bookCode(kind, code), kind
			if _, err := s.exec(ctx, tx, `INSERT INTO gl_books (code, branch, kind) VALUES (:book, :code, :kind)`, arg); err != nil {
				return wrapDB(err)
			}
		}
		return nil
	})
}

// SetBusinessDate moves a branch to another business date (YYYY-MM-DD).
func (s *Store) SetBusinessDate(ctx context.Context, branch, date string) error {
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return errf("E_DATE_SYNTAX", "business_date", err)
	}
	return s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE branches SET business_date = :date WHERE code = :code`, map[string]any{"date": date, "code": branch})
		return wrapDB(err)
	})
}

func bookCode(kind, owner string) string {
	switch kind {
	case "vault":
		return "VAULT-" + owner
	case "suspense":
		return "SUSP-" + owner
	case "equity":
		return "EQUITY-" + owner
	case "box":
		return "BOX-" + owner
	}
	return owner
}

// AddUser creates a user with a password hashed by PBKDF2-HMAC-SM3.
func (s *Store) AddUser(ctx context.Context, u User, password string) error {
	if !validRole(u.Role) {
		return errf("E_ROLE", "role", nil)
	}
	if len([]rune(password)) < 8 {
		return errf("E_WEAK_PASSWORD", "password", nil)
	}
	hash, salt, err := hashPassword(password, s.iter)
	if err != nil {
		return err
	}
	return s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO users (id, name, branch, role, pw_hash, pw_salt, pw_iter, created_at)
			VALUES (:id, :name, :branch, :role, :hash, :salt, :iter, :now)`, map[string]any{
			"id": u.ID, "name": u.Name, "branch": u.Branch, "role": u.Role,
			"hash": hash, "salt": salt, "iter": s.iter, "now": s.stamp()})
		if isUnique(err) {
			return errf("E_USER_EXISTS", "id", err)
		}
		if err != nil {
			return wrapDB(err)
		}
		return s.record(ctx, tx, AuditEvent{Teller: s.who(u.ID), Branch: u.Branch, Action: audit.ActionUserAdd, Object: u.ID, Result: "ok"})
	})
}

func validRole(r string) bool { return r == RoleTeller || r == RoleSupervisor || r == RoleAdmin }

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339Nano) }

// SetPassword replaces a user's password and clears the failure count.
func (s *Store) SetPassword(ctx context.Context, id, password string) error {
	if len([]rune(password)) < 8 {
		return errf("E_WEAK_PASSWORD", "password", nil)
	}
	hash, salt, err := hashPassword(password, s.iter)
	if err != nil {
		return err
	}
	return s.updateUser(ctx, id, audit.ActionUserPasswd, `UPDATE users SET pw_hash = :hash, pw_salt = :salt, pw_iter = :iter, failed = 0 WHERE id = :id`,
		map[string]any{"hash": hash, "salt": salt, "iter": s.iter})
}

// SetRole changes a user's role.
func (s *Store) SetRole(ctx context.Context, id, role string) error {
	if !validRole(role) {
		return errf("E_ROLE", "role", nil)
	}
	return s.updateUser(ctx, id, audit.ActionUserRole, `UPDATE users SET role = :role WHERE id = :id`, map[string]any{"role": role})
}

// Lock locks a user out; Unlock lets them in again and clears the failures.
func (s *Store) Lock(ctx context.Context, id string) error {
	return s.updateUser(ctx, id, audit.ActionUserLock, `UPDATE users SET locked = 1 WHERE id = :id`, map[string]any{})
}

// Unlock clears the lock and the failure count.
func (s *Store) Unlock(ctx context.Context, id string) error {
	return s.updateUser(ctx, id, audit.ActionUserUnlock, `UPDATE users SET locked = 0, failed = 0 WHERE id = :id`, map[string]any{})
}

func (s *Store) updateUser(ctx context.Context, id, action, query string, arg map[string]any) error {
	arg["id"] = id
	return s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		n, err := s.exec(ctx, tx, query, arg)
		if err != nil {
			return wrapDB(err)
		}
		if n != 1 {
			return errf("E_USER_UNKNOWN", "id", nil)
		}
		return s.record(ctx, tx, AuditEvent{Teller: s.who(id), Action: action, Object: id, Result: "ok"})
	})
}

// GetUser returns a user by id.
func (s *Store) GetUser(ctx context.Context, id string) (User, error) {
	var u User
	err := s.db.GetContext(ctx, &u, s.db.Rebind(`SELECT id, name, branch, role, failed, locked FROM users WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errf("E_USER_UNKNOWN", "id", nil)
	}
	return u, wrapDB(err)
}

// userSQL reads a user's row with the password hash.
const userSQL = `SELECT id, name, branch, role, failed, locked, pw_hash, pw_salt, pw_iter FROM users WHERE id = ?`

// Authenticate checks a password in its own transaction: a failure is
// counted (and audited) even when the caller's posting later rolls back, and
// the MaxFailures-th failure in a row locks the user.
func (s *Store) Authenticate(ctx context.Context, id, password, terminal string) (User, error) {
	// The common case, the right password of an unlocked user with no
	// failures to reset, writes nothing: one read, outside a transaction.
	// Otherwise the read is made again in the transaction that counts
	// the failure, and the (slow) password check is not repeated unless
	// the password changed in between.
	var seen userRow
	var seenOK bool
	if err := s.db.GetContext(ctx, &seen, s.db.Rebind(userSQL), id); err == nil {
		seenOK = checkPassword(password, seen.Hash, seen.Salt, seen.Iter)
		if seenOK && !seen.Locked && seen.Failed == 0 {
			return seen.User, nil
		}
	}
	matches := func(u userRow) bool {
		if u.Hash == seen.Hash && u.Salt == seen.Salt && u.Iter == seen.Iter {
			return seenOK
		}
		return checkPassword(password, u.Hash, u.Salt, u.Iter)
	}
	var out User
	var refused Code // "", E_BAD_CREDENTIALS or E_USER_LOCKED
	err := s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		refused = ""
		var u userRow
		err := tx.GetContext(ctx, &u, tx.Rebind(userSQL), id)
		if errors.Is(err, sql.ErrNoRows) {
			// Same answer as a wrong password: do not reveal which ids exist.
			refused = "E_BAD_CREDENTIALS"
			return s.record(ctx, tx, AuditEvent{Teller: id, Terminal: terminal, Action: audit.ActionLoginFailed, Object: id, Result: "unknown user"})
		}
		if err != nil {
			return err
		}
		ev := AuditEvent{Teller: id, Terminal: terminal, Branch: u.Branch, Action: audit.ActionLoginFailed, Object: id}
		if u.Locked {
			refused, ev.Result = "E_USER_LOCKED", "locked"
			return s.record(ctx, tx, ev)
		}
		if matches(u) {
			if u.Failed > 0 {
				if _, err := s.exec(ctx, tx, `UPDATE users SET failed = 0 WHERE id = :id`, map[string]any{"id": id}); err != nil {
					return err
				}
			}
			u.Failed = 0
			out = u.User
			return nil
		}
		u.Failed++
		locked := 0
		if u.Failed >= MaxFailures {
			locked = 1
		}
		if _, err := s.exec(ctx, tx, `UPDATE users SET failed = :failed, locked = :locked WHERE id = :id`,
			map[string]any{"failed": u.Failed, "locked": locked, "id": id}); err != nil {
			return err
		}
		refused, ev.Result = "E_BAD_CREDENTIALS", "wrong password"
		return s.record(ctx, tx, ev)
	})
	if err != nil {
		return User{}, wrapDB(err)
	}
	if refused != "" {
		return User{}, errf(refused, "password", nil)
	}
	return out, nil
}

// SignOn authenticates a teller at a terminal, opens the session and the
// day's cash box.
func (s *Store) SignOn(ctx context.Context, id, password, terminal string) (User, error) {
	u, err := s.Authenticate(ctx, id, password, terminal)
	if err != nil {
		return u, err
	}
	return u, s.openSession(ctx, u, terminal, nil)
}

// openSession opens the session of an authenticated user and the day's
// cash box, and audits the sign-on with payload.
func (s *Store) openSession(ctx context.Context, u User, terminal string, payload []byte) error {
	id := u.ID
	err := s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		if err := s.openDay(ctx, tx, u, terminal); err != nil {
			return err
		}
		date, err := s.businessDate(ctx, tx, u.Branch)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO sessions (teller, terminal, signed_on) VALUES (:id, :terminal, :now)`,
			map[string]any{"id": id, "terminal": terminal, "now": s.stamp()}); err != nil {
			return err
		}
		if err := s.ensureBox(ctx, tx, u, date); err != nil {
			return err
		}
		return s.record(ctx, tx, AuditEvent{Teller: id, Terminal: terminal, Branch: u.Branch, Action: audit.ActionSignOn, Object: id, Result: "ok", Payload: payload})
	})
	return wrapDB(err)
}

// SignOff closes the teller's open sessions. It is refused (E_PENDING)
// while the day's cash box holds or moved cash and is not balanced, or a
// receipt waits in the reprint queue.
func (s *Store) SignOff(ctx context.Context, id, terminal string) error {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return err
	}
	err = wrapDB(s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		date, err := s.businessDate(ctx, tx, u.Branch)
		if err != nil {
			return err
		}
		arg := map[string]any{"id": id, "date": date, "terminal": terminal, "now": s.stamp()}
		rows, err := s.query(ctx, tx, `SELECT
			(SELECT COUNT(*) FROM cash_boxes WHERE teller = :id AND business_date = :date AND `+boxInUse+`) AS boxes,
			(SELECT COUNT(*) FROM receipts WHERE teller = :id AND status = 'pending') AS receipts`, arg)
		if err != nil {
			return err
		}
		if asInt(rows[0]["boxes"]) > 0 || asInt(rows[0]["receipts"]) > 0 {
			return errf("E_PENDING", "", nil)
		}
		if _, err := s.exec(ctx, tx, `UPDATE sessions SET signed_off = :now WHERE teller = :id AND signed_off IS NULL`, arg); err != nil {
			return err
		}
		return s.record(ctx, tx, AuditEvent{Teller: id, Terminal: terminal, Branch: u.Branch, Action: audit.ActionSignOff, Object: id, Result: "ok"})
	}))
	if code := CodeOf(err); code != "" && code != "E_DB" && code != "E_BUSY" {
		// The attempt is a fact too, and the day's tail is signed with
		// it (audit.ActionSignOffRefused takes a checkpoint).
		_ = s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
			return s.record(ctx, tx, AuditEvent{Teller: id, Terminal: terminal, Branch: u.Branch,
				Action: audit.ActionSignOffRefused, Object: id, Result: string(code)})
		})
	}
	return err
}

func (s *Store) businessDate(ctx context.Context, tx *sqlx.Tx, branch string) (string, error) {
	var d string
	err := tx.GetContext(ctx, &d, tx.Rebind(`SELECT business_date FROM branches WHERE code = ?`), branch)
	return d, err
}

// ensureBox opens the teller's cash box for the day, carrying the last
// box's balance over as the opening.
func (s *Store) ensureBox(ctx context.Context, tx *sqlx.Tx, u User, date string) error {
	_, err := s.exec(ctx, tx, `INSERT INTO cash_boxes (teller, business_date, book, branch, opening, balance)
		SELECT :teller, :date, :book, :branch, c.carry, c.carry FROM (SELECT COALESCE((SELECT balance FROM cash_boxes
		  WHERE teller = :teller AND business_date < :date ORDER BY business_date DESC LIMIT 1), 0) AS carry) c
		WHERE 1 = 1
		ON CONFLICT (teller, business_date) DO NOTHING`,
		map[string]any{"teller": u.ID, "date": date, "book": bookCode("box", u.ID), "branch": u.Branch})
	return err
}

// MarkPrinted takes a receipt off the reprint queue.
func (s *Store) MarkPrinted(ctx context.Context, serial string) error {
	return wrapDB(s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE receipts SET status = 'printed', attempts = attempts + 1 WHERE serial = :serial`, map[string]any{"serial": serial})
		return err
	}))
}

// PendingReceipts lists the serials whose receipts wait to be printed.
func (s *Store) PendingReceipts(ctx context.Context, teller string) ([]string, error) {
	var out []string
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT serial FROM receipts WHERE teller = ? AND status = 'pending' ORDER BY serial`), teller)
	return out, wrapDB(err)
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case float64:
		return int64(x)
	case string:
		var n int64
		for _, c := range x {
			if c < '0' || c > '9' {
				return n
			}
			n = n*10 + int64(c-'0')
		}
		return n
	}
	return 0
}
