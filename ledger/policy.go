package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"guitai/audit"
	"guitai/catalog"
	"guitai/money"
)

// Policy is the authorization rule of one catalog transaction (table
// auth_policy, migration 00004): a posting whose Amount param is over
// Threshold needs Authorizers (1 or 2) distinct users of Role, none of them
// the teller. The ledger enforces it whatever the form says: a form's
// authorize.when only makes the window ask earlier, never less. The
// catalog's "authorize": "always" or "never" wins over the threshold; Role
// and Authorizers still come from the policy.
type Policy struct {
	Txn         string    `db:"txn" json:"txn"`
	Threshold   money.Fen `db:"threshold" json:"threshold"` // fen; the amount must be strictly greater
	Role        string    `db:"role" json:"role"`
	Authorizers int       `db:"authorizers" json:"authorizers"`
	UpdatedBy   string    `db:"updated_by" json:"updated_by"`
	UpdatedAt   string    `db:"updated_at" json:"updated_at"`
}

// Policies lists every authorization policy, by transaction id.
func (s *Store) Policies(ctx context.Context) ([]Policy, error) {
	var out []Policy
	err := s.db.SelectContext(ctx, &out, `SELECT txn, threshold, role, authorizers, updated_by, updated_at FROM auth_policy ORDER BY txn`)
	return out, wrapDB(err)
}

// Policy returns the policy of txn; ok is false when it has none.
func (s *Store) Policy(ctx context.Context, txn string) (p Policy, ok bool, err error) {
	return policyOf(ctx, s.db, txn)
}

// queryer is a *sqlx.DB or a *sqlx.Tx.
type queryer interface {
	sqlx.QueryerContext
	Rebind(string) string
}

func policyOf(ctx context.Context, q queryer, txn string) (Policy, bool, error) {
	var p Policy
	err := sqlx.GetContext(ctx, q, &p, q.Rebind(
		`SELECT txn, threshold, role, authorizers, updated_by, updated_at FROM auth_policy WHERE txn = ?`), txn)
	if errors.Is(err, sql.ErrNoRows) {
		return Policy{}, false, nil
	}
	if err != nil {
		return Policy{}, false, wrapDB(err)
	}
	return p, true, nil
}

// rule reads the part of txn's policy a posting needs, in its transaction.
func rule(ctx context.Context, tx *sqlx.Tx, txn string) (Policy, bool, error) {
	p := Policy{Txn: txn}
	var th int64
	err := tx.QueryRowContext(ctx, tx.Rebind(`SELECT threshold, role, authorizers FROM auth_policy WHERE txn = ?`), txn).
		Scan(&th, &p.Role, &p.Authorizers)
	if errors.Is(err, sql.ErrNoRows) {
		return Policy{}, false, nil
	}
	if err != nil {
		return Policy{}, false, err
	}
	p.Threshold = money.Fen(th)
	return p, true, nil
}

// SetPolicy creates or replaces the policy of p.Txn and records the change
// in the audit log, with who made it (Options.Actor, else p.UpdatedBy) and
// a payload digest of the old and the new policy. A zero Authorizers means
// 1. Whether p.Txn is a journaled catalog transaction is the caller's to
// check (tellerctl policy set does).
func (s *Store) SetPolicy(ctx context.Context, p Policy) error {
	if p.Authorizers == 0 {
		p.Authorizers = 1
	}
	switch {
	case p.Txn == "":
		return errf("E_UNKNOWN_TXN", "txn", nil)
	case p.Threshold < 0 || p.Threshold > money.MaxFen:
		return errf("E_AMOUNT_RANGE", "threshold", nil)
	case p.Role != RoleSupervisor && p.Role != RoleAdmin:
		return errf("E_AUTH_ROLE", "role", fmt.Errorf("role %q: a policy names supervisor or admin", p.Role))
	case p.Authorizers != 1 && p.Authorizers != 2:
		return errf("E_POLICY_AUTHORIZERS", "authorizers", nil)
	}
	if s.actor != "" {
		p.UpdatedBy = s.actor
	}
	if p.UpdatedBy == "" {
		return errf("E_USER_UNKNOWN", "updated_by", errors.New("who sets the policy: Options.Actor or Policy.UpdatedBy"))
	}
	p.UpdatedAt = s.stamp()
	return wrapDB(s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		old, had, err := policyOf(ctx, tx, p.Txn)
		if err != nil {
			return err
		}
		arg := map[string]any{"txn": p.Txn, "threshold": int64(p.Threshold), "role": p.Role,
			"n": p.Authorizers, "by": p.UpdatedBy, "at": p.UpdatedAt}
		if _, err := s.exec(ctx, tx, `INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at)
			VALUES (:txn, :threshold, :role, :n, :by, :at)
			ON CONFLICT (txn) DO UPDATE SET threshold = excluded.threshold, role = excluded.role,
			authorizers = excluded.authorizers, updated_by = excluded.updated_by, updated_at = excluded.updated_at`, arg); err != nil {
			return err
		}
		type rule struct {
			Threshold   int64  `json:"threshold"`
			Role        string `json:"role"`
			Authorizers int    `json:"authorizers"`
		}
		pl := struct {
			Txn string `json:"txn"`
			Old *rule  `json:"old"`
			New rule   `json:"new"`
		}{Txn: p.Txn, New: rule{int64(p.Threshold), p.Role, p.Authorizers}}
		if had {
			pl.Old = &rule{int64(old.Threshold), old.Role, old.Authorizers}
		}
		payload, err := json.Marshal(pl)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, AuditEvent{Teller: p.UpdatedBy, Action: audit.ActionPolicySet, Object: p.Txn,
			Result: "ok", Payload: payload})
	}))
}

// requirement is what a posting needs: how many authorizers of which role.
type requirement struct {
	n    int // 0: none
	role string
}

// requires decides from t's catalog "authorize" and its policy (had false
// when it has none) what a posting with params p needs. A threshold over
// an amount the params do not carry (a returned value) is taken as met.
func requires(t *catalog.Txn, pol Policy, had bool, p map[string]any) requirement {
	r := requirement{n: 1, role: RoleSupervisor}
	if had {
		r.n, r.role = pol.Authorizers, pol.Role
	}
	switch t.Authorize {
	case "never":
		r.n = 0
		return r
	case "always":
		return r
	}
	if !had {
		r.n = 0
		return r
	}
	if t.Amount != "" && t.Param(t.Amount) != nil {
		if asInt(p[t.Amount]) <= int64(pol.Threshold) {
			r.n = 0
		}
	}
	return r
}

// NeedsAuthorization reports whether the ledger requires an authorization
// for txn with values, and how many authorizers: what a window should ask
// for at the least. It reads the policy table; the form is not consulted.
func (x *Executor) NeedsAuthorization(ctx context.Context, txn string, values map[string]any) (int, error) {
	t, ok := x.cat[txn]
	if !ok {
		return 0, errf("E_UNKNOWN_TXN", "", fmt.Errorf("%q", txn))
	}
	params, err := coerce(t, values, x.store.keys)
	if err != nil {
		return 0, err
	}
	pol, had, err := x.store.Policy(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	return requires(t, pol, had, params).n, nil
}
