package ledger

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/emmansun/gmsm/sm2"
	"github.com/jmoiron/sqlx"

	"guitai/audit"
	"guitai/catalog"
	"guitai/dsl"
	"guitai/release"
)

// This file stores release packages of forms (package guitai/release,
// migration 00007) with maker-checker: a package is submitted (stored,
// immutable, signed), approved by a second person of role supervisor or
// admin (bound to its digest), activated for all branches, a branch or a
// terminal, superseded or rolled back. Every step is an audit record in
// the transaction that makes it; nothing is deleted.
//
// Users hold no SM2 keys in this ledger, so a package is signed with the
// key of the program that submits it: the terminal key (terminal.key, the
// one that signs the audit log's checkpoints), passed to Submit.
//
// What a running teller opens and posts with (ISSUE 17 §2: FormSet,
// Generation, FormOf, Executor.Pin and Request.Package) is in formset.go.

// ReleaseInfo is what the ledger knows of one stored package.
type ReleaseInfo struct {
	ID          string           `json:"id"`
	Version     int              `json:"version"`
	Digest      string           `json:"digest"` // hex SM3 of the canonical bytes
	State       string           `json:"state"`  // submitted or approved
	Forms       []string         `json:"forms"`
	SubmittedBy string           `json:"submitted_by"`
	SubmittedAt string           `json:"submitted_at"`
	SignerKey   string           `json:"signer_key"` // PEM SM2 public key
	Signature   string           `json:"signature"`  // base64 DER
	ApprovedBy  string           `json:"approved_by,omitempty"`
	ApprovedAt  string           `json:"approved_at,omitempty"`
	Active      []release.Target `json:"active"` // targets it is active for now
}

// Ref is the info's ID@VERSION.
func (i ReleaseInfo) Ref() release.Ref { return release.Ref{ID: i.ID, Version: i.Version} }

// Release states of a stored package; a draft is never stored.
const (
	ReleaseSubmitted = "submitted"
	ReleaseApproved  = "approved"
)

// Activation is one row of the activation history.
type Activation struct {
	Seq         int64          `json:"seq"`
	Package     release.Ref    `json:"-"`
	Ref         string         `json:"package"`
	Target      release.Target `json:"target"`
	State       string         `json:"state"` // active, superseded, rolled_back
	Replaces    int64          `json:"replaces,omitempty"`
	ActivatedBy string         `json:"activated_by"`
	ActivatedAt string         `json:"activated_at"`
	EndedBy     string         `json:"ended_by,omitempty"`
	EndedAt     string         `json:"ended_at,omitempty"`
}

// Releases are the release packages of a ledger, over the built-in
// package (version 1 of every form). Safe for concurrent use.
type Releases struct {
	s       *Store
	builtin *release.Package
	digest  string          // the built-in package's
	base    catalog.Catalog // the built-in catalog
	loaded  sync.Map        // digest -> *release.Package
	checked sync.Map        // digest -> error of release.Check at load (nil: passed); see load
	signed  sync.Map        // digest, signer key and signature that verified; see verifiedRow
}

// Releases returns the ledger's release packages over builtin, the
// forms and catalog compiled into the program (release.Builtin of
// assets.Forms() and LoadCatalog(assets.Txns())).
func (s *Store) Releases(builtin *release.Package) (*Releases, error) {
	d, err := builtin.Digest()
	if err != nil {
		return nil, err
	}
	return &Releases{s: s, builtin: builtin, digest: d, base: builtin.Catalog(nil)}, nil
}

// Builtin returns the built-in package and its digest.
func (r *Releases) Builtin() (*release.Package, string) { return r.builtin, r.digest }

// releaseMessage is what the SM2 signature of a package covers.
func releaseMessage(ref release.Ref, digest string) []byte {
	return []byte(release.Format + "\n" + ref.String() + "\n" + digest + "\n")
}

// serializable makes PostgreSQL serialize the release transactions (they
// allocate versions and activation numbers by reading the greatest).
var serializable = &sql.TxOptions{Isolation: sql.LevelSerializable}

// Submit stores p, a draft, as submitted by user by (an existing user, not
// locked; the caller has authenticated them), signed with signer (an SM2
// key: the terminal key; nil is E_RELEASE_UNSIGNED). A p.Version of 0 is
// given the next free version (2 for a new package). The package must pass
// release.Check over the built-in catalog and the ledger's error codes
// (E_RELEASE_NO_TXN, E_RELEASE_INVALID with the problems as the cause),
// and its transactions' steps must prepare against the live schema
// (E_RELEASE_INVALID).
// Submitting the same content under the same version again returns the
// stored package and changes nothing; other content under a stored version
// is E_RELEASE_VERSION_TAKEN. p is not changed.
func (r *Releases) Submit(ctx context.Context, p *release.Package, by string, signer crypto.Signer) (ReleaseInfo, error) {
	if signer == nil {
		return ReleaseInfo{}, errf("E_RELEASE_UNSIGNED", "", nil)
	}
	pub, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return ReleaseInfo{}, errf("E_RELEASE_UNSIGNED", "", errors.New("the signer is not an SM2 key"))
	}
	pem, err := audit.MarshalPublicKey(pub)
	if err != nil {
		return ReleaseInfo{}, errf("E_RELEASE_UNSIGNED", "", err)
	}
	if _, err := r.user(ctx, by, false, "", ""); err != nil {
		return ReleaseInfo{}, err
	}
	if len(p.Txns) > 0 {
		// The package's SQL must prepare against the live schema, as
		// tellerctl catalog check asks of the built-in catalog.
		cat := catalog.Catalog{}
		for _, t := range p.Txns {
			cat[t.ID] = t
		}
		if err := NewExecutor(r.s, cat, nil).CheckSchema(ctx); err != nil {
			return ReleaseInfo{}, errf("E_RELEASE_INVALID", "txns", err)
		}
	}
	q := *p
	var taken bool
	var info ReleaseInfo
	err = r.s.inTx(ctx, serializable, func(tx *sqlx.Tx) error {
		taken = false
		if p.Version == 0 {
			var top sql.NullInt64
			if err := tx.GetContext(ctx, &top, tx.Rebind(`SELECT MAX(version) FROM release_packages WHERE id = ?`), p.ID); err != nil {
				return err
			}
			q.Version = int(max(top.Int64, release.BuiltinVersion) + 1)
		}
		if err := r.deriveFormVersions(ctx, tx, &q, p.Forms); err != nil {
			return err
		}
		if err := release.Check(&q, r.base, func(code string) bool { _, ok := Messages[Code(code)]; return ok }); err != nil {
			if errors.Is(err, release.ErrNoTxn) {
				return errf("E_RELEASE_NO_TXN", "forms", err)
			}
			return errf("E_RELEASE_INVALID", "", err)
		}
		body, err := q.Canonical()
		if err != nil {
			return errf("E_RELEASE_INVALID", "", err)
		}
		digest := release.Digest(body)
		old, found, err := r.info(ctx, tx, q.Ref())
		if err != nil {
			return err
		}
		if found {
			if old.Digest != digest {
				taken = true
				return errf("E_RELEASE_VERSION_TAKEN", "version", fmt.Errorf("%s is stored with digest %s; this content has %s", q.Ref(), old.Digest, digest))
			}
			info = old
			return nil
		}
		sig, err := signer.Sign(rand.Reader, releaseMessage(q.Ref(), digest), sm2.DefaultSM2SignerOpts)
		if err != nil {
			return errf("E_RELEASE_UNSIGNED", "", err)
		}
		info = ReleaseInfo{ID: q.ID, Version: q.Version, Digest: digest, State: ReleaseSubmitted, Forms: q.FormIDs(),
			SubmittedBy: by, SubmittedAt: r.s.stamp(), SignerKey: string(pem), Signature: base64.StdEncoding.EncodeToString(sig),
			Active: []release.Target{}}
		if _, err := r.s.exec(ctx, tx, `INSERT INTO release_packages (id, version, digest, body, submitted_by, submitted_at, signer_key, signature)
			VALUES (:id, :version, :digest, :body, :by, :at, :key, :sig)`, map[string]any{"id": q.ID, "version": q.Version,
			"digest": digest, "body": string(body), "by": by, "at": info.SubmittedAt, "key": info.SignerKey, "sig": info.Signature}); err != nil {
			return err
		}
		for _, f := range info.Forms {
			if _, err := r.s.exec(ctx, tx, `INSERT INTO release_forms (package_id, version, form_id) VALUES (:id, :version, :form)`,
				map[string]any{"id": q.ID, "version": q.Version, "form": f}); err != nil {
				return err
			}
		}
		txns := make([]string, 0, len(q.Txns))
		for _, t := range q.Txns {
			txns = append(txns, t.ID)
		}
		kid := audit.KeyID(release.Format, pub)
		return r.record(ctx, tx, by, audit.ActionReleaseSubmit, q.Ref().String(), map[string]any{"id": q.ID, "version": q.Version,
			"digest": digest, "forms": info.Forms, "txns": txns, "key_id": hex.EncodeToString(kid[:]), "signature": info.Signature})
	})
	if taken {
		r.refused(ctx, by, q.Ref().String(), "E_RELEASE_VERSION_TAKEN")
	}
	if err != nil {
		return ReleaseInfo{}, wrapDB(err)
	}
	return info, nil
}

// deriveFormVersions sets the version of each of q's forms (copies of
// forms) to the one release.FormVersion derives from the versions of that
// form the ledger holds: the built-in one and those of every stored
// package. So a form's version number never names two contents.
func (r *Releases) deriveFormVersions(ctx context.Context, tx *sqlx.Tx, q *release.Package, forms []*dsl.Form) error {
	q.Forms = make([]*dsl.Form, len(forms))
	for i, f := range forms {
		known, err := r.knownForms(ctx, tx, f.ID)
		if err != nil {
			return err
		}
		c := f.Clone()
		if c.Version, err = release.FormVersion(f, known); err != nil {
			return errf("E_RELEASE_INVALID", "forms", fmt.Errorf("form %s: %w", f.ID, err))
		}
		q.Forms[i] = c
	}
	return nil
}

// knownForms returns every version of form id the ledger holds: the
// built-in one, then the form in each stored package that carries it.
func (r *Releases) knownForms(ctx context.Context, q queryer, id string) ([]*dsl.Form, error) {
	var known []*dsl.Form
	if f := r.builtin.Form(id); f != nil {
		known = append(known, f)
	}
	var rows []struct {
		Digest string `db:"digest"`
		Body   string `db:"body"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, q.Rebind(`SELECT p.digest, p.body FROM release_packages p
		JOIN release_forms f ON f.package_id = p.id AND f.version = p.version WHERE f.form_id = ? ORDER BY p.id, p.version`), id); err != nil {
		return nil, err
	}
	for _, row := range rows {
		p, err := r.decode(row.Digest, row.Body)
		if err != nil {
			return nil, err
		}
		if f := p.Form(id); f != nil {
			known = append(known, f)
		}
	}
	return known, nil
}

// Approve records by's approval of ref. by must be a supervisor or an
// admin (E_RELEASE_ROLE) and not the submitter (E_SELF_APPROVAL); digest,
// when not "", is the digest the approver reviewed and must be the
// package's (E_RELEASE_DIGEST). The stored package must still hash to its
// digest and its signature verify. A package is approved once
// (E_RELEASE_STATE after). Refusals of the role or of self-approval are
// audited too.
func (r *Releases) Approve(ctx context.Context, ref release.Ref, digest, by string) (ReleaseInfo, error) {
	if ref.Version == release.BuiltinVersion {
		return ReleaseInfo{}, errf("E_RELEASE_STATE", "version", errors.New("version 1 is the built-in package: nothing to approve"))
	}
	if _, err := r.user(ctx, by, true, ref.String(), audit.ActionReleaseApprove); err != nil {
		return ReleaseInfo{}, err
	}
	var self bool
	var info ReleaseInfo
	err := r.s.inTx(ctx, serializable, func(tx *sqlx.Tx) error {
		self = false
		var err error
		if info, _, err = r.verified(ctx, tx, ref); err != nil {
			return err
		}
		switch {
		case digest != "" && digest != info.Digest:
			return errf("E_RELEASE_DIGEST", "digest", fmt.Errorf("%s has digest %s, not %s", ref, info.Digest, digest))
		case info.SubmittedBy == by:
			self = true
			return errf("E_SELF_APPROVAL", "approver", fmt.Errorf("%s was submitted by %s", ref, by))
		case info.State == ReleaseApproved:
			return errf("E_RELEASE_STATE", "", fmt.Errorf("%s was approved by %s at %s", ref, info.ApprovedBy, info.ApprovedAt))
		}
		info.State, info.ApprovedBy, info.ApprovedAt = ReleaseApproved, by, r.s.stamp()
		if _, err := r.s.exec(ctx, tx, `INSERT INTO release_approvals (package_id, version, digest, approved_by, approved_at)
			VALUES (:id, :version, :digest, :by, :at)`, map[string]any{"id": ref.ID, "version": ref.Version,
			"digest": info.Digest, "by": by, "at": info.ApprovedAt}); err != nil {
			return err
		}
		return r.record(ctx, tx, by, audit.ActionReleaseApprove, ref.String(), map[string]any{"id": ref.ID, "version": ref.Version,
			"digest": info.Digest, "submitted_by": info.SubmittedBy})
	})
	if self {
		r.refused(ctx, by, ref.String(), "E_SELF_APPROVAL")
	}
	if err != nil {
		return ReleaseInfo{}, wrapDB(err)
	}
	return info, nil
}

// Activate makes ref, approved (E_RELEASE_STATE otherwise) under its
// current digest, the active version of its package for each target, in
// one transaction: the version active for a target before is superseded
// (and a rollback returns to it). A target ref is already active for is
// left as it is. by must be a supervisor or an admin; a branch target must
// be a branch of the ledger (E_BRANCH_UNKNOWN).
func (r *Releases) Activate(ctx context.Context, ref release.Ref, by string, targets ...release.Target) error {
	if ref.Version == release.BuiltinVersion {
		return errf("E_RELEASE_STATE", "version", errors.New("version 1 is the built-in package: roll back to return to it"))
	}
	if len(targets) == 0 {
		return errf("E_RELEASE_TARGET", "target", errors.New("no target"))
	}
	for _, t := range targets {
		if err := t.Valid(); err != nil {
			return errf("E_RELEASE_TARGET", "target", err)
		}
	}
	if _, err := r.user(ctx, by, true, ref.String(), audit.ActionReleaseActivate); err != nil {
		return err
	}
	err := r.s.inTx(ctx, serializable, func(tx *sqlx.Tx) error {
		info, _, err := r.verified(ctx, tx, ref)
		if err != nil {
			return err
		}
		var approved string
		err = tx.GetContext(ctx, &approved, tx.Rebind(`SELECT digest FROM release_approvals WHERE package_id = ? AND version = ?`), ref.ID, ref.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return errf("E_RELEASE_STATE", "", fmt.Errorf("%s is not approved", ref))
		}
		if err != nil {
			return err
		}
		if approved != info.Digest {
			return errf("E_RELEASE_DIGEST", "", fmt.Errorf("%s was approved with digest %s, it has %s", ref, approved, info.Digest))
		}
		for _, t := range targets {
			if t.Kind == release.TargetBranch {
				var n int
				if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM branches WHERE code = ?`), t.Value); err != nil {
					return err
				}
				if n == 0 {
					return errf("E_BRANCH_UNKNOWN", "branch", fmt.Errorf("%q", t.Value))
				}
			}
			cur, ok, err := r.current(ctx, tx, ref.ID, t)
			if err != nil {
				return err
			}
			if ok && cur.Package == ref {
				continue
			}
			var replaces int64
			if ok {
				if err := r.end(ctx, tx, cur, "superseded", by, audit.ActionReleaseSupersede); err != nil {
					return err
				}
				replaces = cur.Seq
			}
			if err := r.activate(ctx, tx, ref, info.Digest, t, replaces, by, ""); err != nil {
				return err
			}
		}
		return nil
	})
	return wrapDB(err)
}

// Rollback ends the version of package id active for target and
// re-activates the one it superseded, in one step; when it superseded none
// the forms go back to what else is active, else to the built-in version
// 1. It returns the version now active for the target (id@1 for none).
// by must be a supervisor or an admin; nothing active for the target is
// E_RELEASE_NOT_ACTIVE.
func (r *Releases) Rollback(ctx context.Context, id string, target release.Target, by string) (release.Ref, error) {
	if err := target.Valid(); err != nil {
		return release.Ref{}, errf("E_RELEASE_TARGET", "target", err)
	}
	if _, err := r.user(ctx, by, true, id, audit.ActionReleaseRollback); err != nil {
		return release.Ref{}, err
	}
	var now release.Ref
	err := r.s.inTx(ctx, serializable, func(tx *sqlx.Tx) error {
		now = release.Ref{ID: id, Version: release.BuiltinVersion}
		cur, ok, err := r.current(ctx, tx, id, target)
		if err != nil {
			return err
		}
		if !ok {
			return errf("E_RELEASE_NOT_ACTIVE", "target", fmt.Errorf("%s for %s", id, target))
		}
		if err := r.end(ctx, tx, cur, "rolled_back", by, audit.ActionReleaseRollback); err != nil {
			return err
		}
		if cur.Replaces == 0 {
			return nil
		}
		prev, err := r.activation(ctx, tx, cur.Replaces)
		if err != nil {
			return err
		}
		info, _, err := r.verified(ctx, tx, prev.Package)
		if err != nil {
			return err
		}
		now = prev.Package
		return r.activate(ctx, tx, prev.Package, info.Digest, target, prev.Replaces, by, fmt.Sprintf("rollback of %d", cur.Seq))
	})
	if err != nil {
		return release.Ref{}, wrapDB(err)
	}
	return now, nil
}

// activate inserts an active activation of ref for t and audits it.
func (r *Releases) activate(ctx context.Context, tx *sqlx.Tx, ref release.Ref, digest string, t release.Target, replaces int64, by, reason string) error {
	var seq int64
	if err := tx.GetContext(ctx, &seq, `SELECT COALESCE(MAX(seq), 0) + 1 FROM release_activations`); err != nil {
		return err
	}
	if _, err := r.s.exec(ctx, tx, `INSERT INTO release_activations (seq, package_id, version, target_kind, target, state, replaces, activated_by, activated_at)
		VALUES (:seq, :id, :version, :kind, :target, 'active', :replaces, :by, :at)`, map[string]any{"seq": seq, "id": ref.ID,
		"version": ref.Version, "kind": t.Kind, "target": t.Value, "replaces": replaces, "by": by, "at": r.s.stamp()}); err != nil {
		return err
	}
	if err := r.s.notifyReleases(ctx, tx); err != nil {
		return err
	}
	pl := map[string]any{"seq": seq, "id": ref.ID, "version": ref.Version, "digest": digest, "target": t, "replaces": replaces}
	if reason != "" {
		pl["reason"] = reason
	}
	return r.record(ctx, tx, by, audit.ActionReleaseActivate, ref.String()+" "+t.String(), pl)
}

// end marks the active activation a as state (superseded, rolled_back)
// and audits it with action.
func (r *Releases) end(ctx context.Context, tx *sqlx.Tx, a Activation, state, by, action string) error {
	n, err := r.s.exec(ctx, tx, `UPDATE release_activations SET state = :state, ended_by = :by, ended_at = :at WHERE seq = :seq AND state = 'active'`,
		map[string]any{"state": state, "by": by, "at": r.s.stamp(), "seq": a.Seq})
	if err != nil {
		return err
	}
	if n != 1 {
		return errf("E_RELEASE_STATE", "", fmt.Errorf("activation %d is no longer active", a.Seq))
	}
	if err := r.s.notifyReleases(ctx, tx); err != nil {
		return err
	}
	return r.record(ctx, tx, by, action, a.Package.String()+" "+a.Target.String(), map[string]any{"seq": a.Seq,
		"id": a.Package.ID, "version": a.Package.Version, "target": a.Target, "state": state})
}

const activationColumns = `seq, package_id, version, target_kind, target, state, replaces, activated_by, activated_at, ended_by, ended_at`

type activationRow struct {
	Seq         int64  `db:"seq"`
	ID          string `db:"package_id"`
	Version     int    `db:"version"`
	Kind        string `db:"target_kind"`
	Target      string `db:"target"`
	State       string `db:"state"`
	Replaces    int64  `db:"replaces"`
	ActivatedBy string `db:"activated_by"`
	ActivatedAt string `db:"activated_at"`
	EndedBy     string `db:"ended_by"`
	EndedAt     string `db:"ended_at"`
}

func (a activationRow) activation() Activation {
	ref := release.Ref{ID: a.ID, Version: a.Version}
	return Activation{Seq: a.Seq, Package: ref, Ref: ref.String(), Target: release.Target{Kind: a.Kind, Value: a.Target},
		State: a.State, Replaces: a.Replaces, ActivatedBy: a.ActivatedBy, ActivatedAt: a.ActivatedAt, EndedBy: a.EndedBy, EndedAt: a.EndedAt}
}

// current is the active activation of package id for t.
func (r *Releases) current(ctx context.Context, tx *sqlx.Tx, id string, t release.Target) (Activation, bool, error) {
	var a activationRow
	err := tx.GetContext(ctx, &a, tx.Rebind(`SELECT `+activationColumns+` FROM release_activations
		WHERE package_id = ? AND target_kind = ? AND target = ? AND state = 'active'`), id, t.Kind, t.Value)
	if errors.Is(err, sql.ErrNoRows) {
		return Activation{}, false, nil
	}
	if err != nil {
		return Activation{}, false, err
	}
	return a.activation(), true, nil
}

func (r *Releases) activation(ctx context.Context, tx *sqlx.Tx, seq int64) (Activation, error) {
	var a activationRow
	err := tx.GetContext(ctx, &a, tx.Rebind(`SELECT `+activationColumns+` FROM release_activations WHERE seq = ?`), seq)
	return a.activation(), err
}

// History lists the activations of package id ("" for all), oldest first.
func (r *Releases) History(ctx context.Context, id string) ([]Activation, error) {
	var rows []activationRow
	err := r.s.db.SelectContext(ctx, &rows, r.s.db.Rebind(`SELECT `+activationColumns+` FROM release_activations
		WHERE package_id = ? OR ? = '' ORDER BY seq`), id, id)
	if err != nil {
		return nil, wrapDB(err)
	}
	out := make([]Activation, len(rows))
	for i, a := range rows {
		out[i] = a.activation()
	}
	return out, nil
}

type packageRow struct {
	ID          string         `db:"id"`
	Version     int            `db:"version"`
	Digest      string         `db:"digest"`
	Body        string         `db:"body"`
	SubmittedBy string         `db:"submitted_by"`
	SubmittedAt string         `db:"submitted_at"`
	SignerKey   string         `db:"signer_key"`
	Signature   string         `db:"signature"`
	ApprovedBy  sql.NullString `db:"approved_by"`
	ApprovedAt  sql.NullString `db:"approved_at"`
}

const packageQuery = `SELECT p.id, p.version, p.digest, p.body, p.submitted_by, p.submitted_at, p.signer_key, p.signature,
	a.approved_by, a.approved_at
	FROM release_packages p LEFT JOIN release_approvals a ON a.package_id = p.id AND a.version = p.version`

func (p packageRow) info() ReleaseInfo {
	i := ReleaseInfo{ID: p.ID, Version: p.Version, Digest: p.Digest, State: ReleaseSubmitted, SubmittedBy: p.SubmittedBy,
		SubmittedAt: p.SubmittedAt, SignerKey: p.SignerKey, Signature: p.Signature, Forms: []string{}, Active: []release.Target{}}
	if p.ApprovedBy.Valid {
		i.State, i.ApprovedBy, i.ApprovedAt = ReleaseApproved, p.ApprovedBy.String, p.ApprovedAt.String
	}
	return i
}

// info reads ref's row (found false when there is none) with its forms
// and active targets.
func (r *Releases) info(ctx context.Context, q queryer, ref release.Ref) (ReleaseInfo, bool, error) {
	i, _, found, err := r.row(ctx, q, ref)
	return i, found, err
}

func (r *Releases) row(ctx context.Context, q queryer, ref release.Ref) (ReleaseInfo, string, bool, error) {
	var p packageRow
	err := sqlx.GetContext(ctx, q, &p, q.Rebind(packageQuery+` WHERE p.id = ? AND p.version = ?`), ref.ID, ref.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return ReleaseInfo{}, "", false, nil
	}
	if err != nil {
		return ReleaseInfo{}, "", false, err
	}
	i := p.info()
	if err := r.details(ctx, q, []*ReleaseInfo{&i}); err != nil {
		return ReleaseInfo{}, "", false, err
	}
	return i, p.Body, true, nil
}

// details fills the forms and active targets of infos.
func (r *Releases) details(ctx context.Context, q queryer, infos []*ReleaseInfo) error {
	at := map[release.Ref]*ReleaseInfo{}
	for _, i := range infos {
		at[i.Ref()] = i
	}
	var forms []struct {
		ID      string `db:"package_id"`
		Version int    `db:"version"`
		Form    string `db:"form_id"`
	}
	if err := sqlx.SelectContext(ctx, q, &forms, `SELECT package_id, version, form_id FROM release_forms ORDER BY package_id, version, form_id`); err != nil {
		return err
	}
	for _, f := range forms {
		if i := at[release.Ref{ID: f.ID, Version: f.Version}]; i != nil {
			i.Forms = append(i.Forms, f.Form)
		}
	}
	var acts []activationRow
	if err := sqlx.SelectContext(ctx, q, &acts, `SELECT `+activationColumns+` FROM release_activations WHERE state = 'active' ORDER BY seq`); err != nil {
		return err
	}
	for _, a := range acts {
		if i := at[release.Ref{ID: a.ID, Version: a.Version}]; i != nil {
			i.Active = append(i.Active, release.Target{Kind: a.Kind, Value: a.Target})
		}
	}
	return nil
}

// verified reads ref and checks that its body hashes to its digest and
// its signature verifies (E_RELEASE_UNKNOWN, E_RELEASE_DIGEST,
// E_RELEASE_SIGNATURE).
func (r *Releases) verified(ctx context.Context, q queryer, ref release.Ref) (ReleaseInfo, string, error) {
	i, body, found, err := r.row(ctx, q, ref)
	if err != nil {
		return ReleaseInfo{}, "", err
	}
	if !found {
		return ReleaseInfo{}, "", errf("E_RELEASE_UNKNOWN", "package", fmt.Errorf("%s", ref))
	}
	if d := release.Digest([]byte(body)); d != i.Digest {
		return ReleaseInfo{}, "", errf("E_RELEASE_DIGEST", "", fmt.Errorf("%s: stored body hashes to %s, its digest says %s", ref, d, i.Digest))
	}
	if err := VerifyRelease(i); err != nil {
		return ReleaseInfo{}, "", err
	}
	return i, body, nil
}

// VerifyRelease checks i's signature of its ID@VERSION and digest by its
// signer key (E_RELEASE_SIGNATURE).
func VerifyRelease(i ReleaseInfo) error {
	pub, err := audit.ParsePublicKey([]byte(i.SignerKey))
	if err != nil {
		return errf("E_RELEASE_SIGNATURE", "", err)
	}
	sig, err := base64.StdEncoding.DecodeString(i.Signature)
	if err != nil || !audit.VerifySignature(pub, releaseMessage(i.Ref(), i.Digest), sig) {
		return errf("E_RELEASE_SIGNATURE", "", fmt.Errorf("%s", i.Ref()))
	}
	return nil
}

// List returns every stored package, by id and version.
func (r *Releases) List(ctx context.Context) ([]ReleaseInfo, error) {
	var rows []packageRow
	if err := r.s.db.SelectContext(ctx, &rows, packageQuery+` ORDER BY p.id, p.version`); err != nil {
		return nil, wrapDB(err)
	}
	out := make([]ReleaseInfo, len(rows))
	ptrs := make([]*ReleaseInfo, len(rows))
	for i, p := range rows {
		out[i] = p.info()
		ptrs[i] = &out[i]
	}
	if err := r.details(ctx, r.s.db, ptrs); err != nil {
		return nil, wrapDB(err)
	}
	return out, nil
}

// Info returns what the ledger knows of ref (E_RELEASE_UNKNOWN when it
// is not stored).
func (r *Releases) Info(ctx context.Context, ref release.Ref) (ReleaseInfo, error) {
	i, found, err := r.info(ctx, r.s.db, ref)
	if err != nil {
		return ReleaseInfo{}, wrapDB(err)
	}
	if !found {
		return ReleaseInfo{}, errf("E_RELEASE_UNKNOWN", "package", fmt.Errorf("%s", ref))
	}
	return i, nil
}

// Package returns the content of ref, verified against its digest and
// signature. Version 1 is the built-in package's view of id (its forms of
// the stored versions of id, or the form id itself; see release.View).
func (r *Releases) Package(ctx context.Context, ref release.Ref) (*release.Package, error) {
	if ref.Version == release.BuiltinVersion {
		var forms []string
		if err := r.s.db.SelectContext(ctx, &forms, r.s.db.Rebind(`SELECT DISTINCT form_id FROM release_forms WHERE package_id = ?`), ref.ID); err != nil {
			return nil, wrapDB(err)
		}
		if p := r.builtin.View(ref.ID, forms); p != nil {
			return p, nil
		}
		return nil, errf("E_RELEASE_UNKNOWN", "package", fmt.Errorf("%s: no built-in form", ref))
	}
	i, body, err := r.verified(ctx, r.s.db, ref)
	if err != nil {
		return nil, wrapDB(err)
	}
	return r.decode(i.Digest, body)
}

func (r *Releases) decode(digest, body string) (*release.Package, error) {
	if p, ok := r.loaded.Load(digest); ok {
		return p.(*release.Package), nil
	}
	p, err := release.Decode([]byte(body))
	if err != nil {
		return nil, errf("E_RELEASE_INVALID", "", err)
	}
	r.loaded.Store(digest, p)
	return p, nil
}

// Resolve returns the version of form formID that terminal of branch
// opens: among the approved packages active for the terminal, the branch
// or all branches that hold the form, a terminal target beats a branch
// target beats all branches, and the latest activation wins a tie; with
// none, the built-in version 1. A form in no package and not built in is
// E_RELEASE_UNKNOWN.
func (r *Releases) Resolve(ctx context.Context, formID, branch, terminal string) (release.Resolved, error) {
	var rows []struct {
		Seq     int64  `db:"seq"`
		ID      string `db:"package_id"`
		Version int    `db:"version"`
		Kind    string `db:"target_kind"`
		Target  string `db:"target"`
		Digest  string `db:"digest"`
	}
	err := r.s.db.SelectContext(ctx, &rows, r.s.db.Rebind(`SELECT a.seq, a.package_id, a.version, a.target_kind, a.target, p.digest
		FROM release_activations a
		JOIN release_forms f ON f.package_id = a.package_id AND f.version = a.version
		JOIN release_packages p ON p.id = a.package_id AND p.version = a.version
		WHERE a.state = 'active' AND f.form_id = ?
		AND (a.target_kind = 'all' OR (a.target_kind = 'branch' AND a.target = ?) OR (a.target_kind = 'terminal' AND a.target = ?))`),
		formID, branch, terminal)
	if err != nil {
		return release.Resolved{}, wrapDB(err)
	}
	sort.Slice(rows, func(i, j int) bool {
		ri := release.Target{Kind: rows[i].Kind}.Rank()
		rj := release.Target{Kind: rows[j].Kind}.Rank()
		if ri != rj {
			return ri > rj
		}
		return rows[i].Seq > rows[j].Seq
	})
	if len(rows) > 0 {
		w := rows[0]
		ref := release.Ref{ID: w.ID, Version: w.Version}
		return release.Resolved{Form: formID, Package: ref, Ref: ref.String(), Digest: w.Digest,
			Target: release.Target{Kind: w.Kind, Value: w.Target}}, nil
	}
	if r.builtin.Form(formID) == nil {
		return release.Resolved{}, errf("E_RELEASE_UNKNOWN", "form", fmt.Errorf("form %q", formID))
	}
	ref := release.Ref{ID: release.BuiltinID, Version: release.BuiltinVersion}
	return release.Resolved{Form: formID, Package: ref, Ref: ref.String(), Digest: r.digest, Builtin: true}, nil
}

// Open is what a teller window calls when it opens form formID: the form
// as Resolve picks it, the catalog transaction it posts (the package's own
// or the built-in one; nil for a form that posts none) and the resolution
// (its Ref and Digest name the package a journal entry was posted with).
func (r *Releases) Open(ctx context.Context, formID, branch, terminal string) (*dsl.Form, *catalog.Txn, release.Resolved, error) {
	res, err := r.Resolve(ctx, formID, branch, terminal)
	if err != nil {
		return nil, nil, res, err
	}
	p := r.builtin
	if !res.Builtin {
		if p, err = r.Package(ctx, res.Package); err != nil {
			return nil, nil, res, err
		}
	}
	f := p.Form(formID)
	if f == nil {
		return nil, nil, res, errf("E_RELEASE_UNKNOWN", "form", fmt.Errorf("%s holds no form %q", res.Package, formID))
	}
	var t *catalog.Txn
	if f.Submit != nil && f.Submit.Txn != "" {
		t = p.Catalog(r.base)[f.Submit.Txn]
	}
	return f, t, res, nil
}

// user returns user id when it may act: it exists and is not locked, and
// with approver it is a supervisor or an admin (E_RELEASE_ROLE, audited as
// a refusal of action on object).
func (r *Releases) user(ctx context.Context, id string, approver bool, object, action string) (User, error) {
	u, err := r.s.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	if u.Locked {
		return User{}, errf("E_USER_LOCKED", "user", nil)
	}
	if approver && u.Role != RoleSupervisor && u.Role != RoleAdmin {
		r.refused(ctx, id, object, "E_RELEASE_ROLE")
		return User{}, errf("E_RELEASE_ROLE", "user", fmt.Errorf("%s is a %s (%s)", id, u.Role, action))
	}
	return u, nil
}

// record appends a release event by user by to the audit log in tx, its
// payload the canonical JSON of pl.
func (r *Releases) record(ctx context.Context, tx *sqlx.Tx, by, action, object string, pl map[string]any) error {
	payload, err := json.Marshal(pl)
	if err != nil {
		return err
	}
	return r.s.record(ctx, tx, AuditEvent{Teller: by, Action: action, Object: object, Result: "ok", Payload: payload})
}

// refused records a refusal of by on object with code, in a transaction
// of its own (the refused one rolled back). Its failure is not reported:
// the refusal is.
func (r *Releases) refused(ctx context.Context, by, object, code string) {
	_ = r.s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		return r.s.record(ctx, tx, AuditEvent{Teller: by, Action: audit.ActionRefused, Object: object, Result: code})
	})
}
