package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/jmoiron/sqlx"

	"guitai/audit"
)

// This file holds the ledger's own audit hook. Opening a ledger installs
// it: every audited action (a posting, a sign-on, a user changed, a
// refusal) is appended to the SM3-chained audit log in the database
// transaction that performs it, whatever program opened the ledger. A
// program with the terminal's key (Options.Signer) also signs
// checkpoints; one without it (tellerctl) appends all the same.

// DefaultOrigin names the audit log in checkpoints when Options.Origin is
// empty.
const DefaultOrigin = "guitai/ledger"

// DefaultCheckpointEvery is how many records at most a signing program
// leaves unsigned while postings happen.
const DefaultCheckpointEvery = 50

// auditHook appends the ledger's events to its audit log.
type auditHook struct {
	log      *audit.Log
	dialect  audit.Dialect
	signs    bool
	observer Auditor
	// lastSigned is when this hook last signed a checkpoint (Unix ns): the
	// tail is signed at least every CheckpointInterval while postings
	// happen.
	lastSigned atomic.Int64
	// signed is set when a checkpoint was signed in a transaction not yet
	// committed: the commit then kicks the witness loop.
	signed atomic.Bool
}

// CheckpointInterval is how long records may wait for a signed checkpoint
// while postings happen, besides DefaultCheckpointEvery records.
const CheckpointInterval = 60 * time.Second

// signsAt lists the actions a checkpoint is signed at, in the same
// transaction: sign-on, sign-off and a refused sign-off attempt (the day's
// tail is never left unsigned), and the close of a business day.
var signsAt = map[string]bool{
	audit.ActionSignOn: true, audit.ActionSignOff: true, audit.ActionSignOffRefused: true, audit.ActionDayClose: true,
}

func newAuditHook(driver string, opt Options) (*auditHook, error) {
	dialect := audit.SQLite
	if driver == Postgres {
		dialect = audit.Postgres
	}
	origin := opt.Origin
	if origin == "" {
		origin = DefaultOrigin
	}
	every := opt.CheckpointEvery
	if every == 0 {
		every = DefaultCheckpointEvery
	}
	if opt.Signer == nil {
		every = 0 // no key: nothing to sign with
	}
	log, err := audit.New(audit.Config{Origin: origin, Dialect: dialect, Signer: opt.Signer, CheckpointEvery: every})
	if err != nil {
		return nil, fmt.Errorf("ledger: audit log: %w", err)
	}
	h := &auditHook{log: log, dialect: dialect, signs: opt.Signer != nil, observer: opt.Observer}
	h.lastSigned.Store(time.Now().UnixNano())
	return h, nil
}

// migrate creates the audit tables beside the ledger's.
func (h *auditHook) migrate(ctx context.Context, db *sql.DB, _ string) error {
	if err := audit.Migrate(ctx, db, h.dialect); err != nil {
		return fmt.Errorf("ledger: audit tables: %w", err)
	}
	return nil
}

// append records e in tx, signs a checkpoint at a sign-on or sign-off
// when it can, and tells the observer.
func (h *auditHook) append(ctx context.Context, tx *sql.Tx, e AuditEvent) error {
	_, err := h.log.Append(ctx, tx, h.recordOf(e))
	if err == nil && h.signs {
		now := time.Now()
		if reason := e.Action; signsAt[reason] || now.Sub(time.Unix(0, h.lastSigned.Load())) >= CheckpointInterval {
			if !signsAt[reason] {
				reason = "interval"
			}
			if _, err = h.log.Checkpoint(ctx, tx, reason); err == nil {
				h.lastSigned.Store(now.UnixNano())
				h.signed.Store(true)
			}
		}
	}
	if err == nil && h.observer != nil {
		err = h.observer.Append(ctx, tx, e)
	}
	return err
}

// recordOf is the audit record of the event e.
func (h *auditHook) recordOf(e AuditEvent) audit.Record {
	return audit.Record{Time: e.Time, Teller: e.Teller, Authorizer: e.Authorizer,
		Terminal: e.Terminal, Branch: e.Branch, Action: e.Action, Object: e.Object, Result: e.Result,
		PayloadDigest: sm3.Sum(e.Payload)}
}

// appended follows a pipelined posting (pipeline.go) whose transaction
// committed c, appended through the log's Chain rather than append, and
// which signed the checkpoint that fell due among its records, if one
// did. A program that signs also signs one when CheckpointInterval has
// passed since the last, in a transaction of its own right after; should
// that fail, the posting stands and the next checkpoint (the next due,
// the sign-off) covers its records.
func (s *Store) appended(ctx context.Context, c audit.Chained) {
	h := s.audit
	h.log.Appended(c)
	if !h.signs {
		return
	}
	if c.Signed {
		h.lastSigned.Store(time.Now().UnixNano())
		s.kickWitness()
		return
	}
	if time.Since(time.Unix(0, h.lastSigned.Load())) < CheckpointInterval {
		return
	}
	ctx = context.WithoutCancel(ctx)
	_ = s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		if _, err := h.log.Checkpoint(ctx, tx.Tx, "interval"); err != nil {
			return err
		}
		h.lastSigned.Store(time.Now().UnixNano())
		h.signed.Store(true) // the commit kicks the witness
		return nil
	})
}

// AuditLog is the ledger's audit log, to read, verify or checkpoint it.
func (s *Store) AuditLog() *audit.Log { return s.audit.log }

// AuditState is how much of the audit log a signed checkpoint anchors.
type AuditState struct {
	Records  uint64 // appended in all
	Anchored uint64 // covered by the latest checkpoint
}

// AuditState reads the log's size and its latest checkpoint's.
func (s *Store) AuditState(ctx context.Context) (AuditState, error) {
	n, err := s.audit.log.Size(ctx, s.db)
	if err != nil {
		return AuditState{}, err
	}
	a, err := s.audit.log.Anchored(ctx, s.db)
	if err != nil {
		return AuditState{}, err
	}
	return AuditState{Records: n, Anchored: a}, nil
}

// Checkpoint signs the audit log's current head now, with reason (a day
// end, a sign-off refused); it needs Options.Signer.
func (s *Store) Checkpoint(ctx context.Context, reason string) error {
	if !s.audit.signs {
		return errors.New("ledger: no terminal key to sign a checkpoint with")
	}
	return s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		_, err := s.audit.log.Checkpoint(ctx, tx.Tx, reason)
		return err
	})
}

// who is who did an admin action on user id: Options.Actor, else the user
// (a teller changing their own password in the window).
func (s *Store) who(id string) string {
	if s.actor != "" {
		return s.actor
	}
	return id
}
