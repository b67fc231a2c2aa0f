package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/jmoiron/sqlx"

	"guitai/catalog"
	"guitai/dsl"
	"guitai/release"
)

// This file is the ledger side of ISSUE 17 §2: a running teller opens the
// forms its terminal resolves (FormSet), polls Generation to learn when an
// activation, supersede or rollback changed them, and posts each form with
// the package version it came from (Executor.Pin, Request.Package); the
// journal records that version (migration 00008) and the posting's audit
// record covers it (postingDoc).
//
// A package version may be posted with while it is approved and has been
// active, now or earlier, for the teller's terminal, the teller's branch or
// all branches: a window keeps the version its form was opened with until
// the form is submitted or closed, even when a newer version is activated
// or this one is rolled back meanwhile (the issue: "a form that is open
// keeps its version until it is submitted or closed"). A version never
// active for the terminal is refused. Whatever a package says, the
// ledger's own rules (auth_policy, dual_control) apply by transaction id,
// and a package cannot waive the authorization the policy table asks for
// ("authorize": "never" of a package's transaction counts only when the
// built-in transaction of that id says so too).

// FormSet is what one terminal opens: every form it may use, resolved.
type FormSet struct {
	Forms      []*dsl.Form                 // the built-in forms with active package versions in their place, plus forms only packages hold; sorted by Code then ID
	Resolved   map[string]release.Resolved // by form id: which package version each came from
	SetAside   []SetAside                  // active packages that fail their checks at load (the terminal starts with the rest)
	Generation string                      // changes whenever an activation, supersede or rollback changes what any terminal resolves
}

// SetAside is a package a terminal could not load, and why.
type SetAside struct {
	Ref release.Ref
	Err error
}

// Form returns the set's form with id, or nil.
func (fs *FormSet) Form(id string) *dsl.Form {
	for _, f := range fs.Forms {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// Generation names the state of the activations: it changes whenever an
// activation, a supersede or a rollback changes what any terminal
// resolves (every activation takes a new, greater seq; every supersede or
// rollback ends one, and activations are never deleted, so the greatest
// seq and the number of ended activations together never repeat). One
// small query: a teller polls it every few seconds and reloads its
// FormSet when it differs.
func (r *Releases) Generation(ctx context.Context) (string, error) {
	return r.generation(ctx, r.s.db)
}

func (r *Releases) generation(ctx context.Context, q queryer) (string, error) {
	var top, ended int64
	err := q.QueryRowxContext(ctx, `SELECT COALESCE(MAX(seq), 0), COALESCE(SUM(CASE WHEN state <> 'active' THEN 1 ELSE 0 END), 0)
		FROM release_activations`).Scan(&top, &ended)
	if err != nil {
		return "", wrapDB(err)
	}
	return fmt.Sprintf("%d.%d", top, ended), nil
}

// FormSet resolves every form for terminal of branch, as Resolve does one
// form: the built-in forms, each replaced by the version of the package
// active for the terminal, the branch or all branches that holds it (a
// terminal target beats a branch target beats all branches, the latest
// activation breaks a tie), and the forms only packages hold. An active
// package that fails its checks at load (its stored body no longer hashes
// to its digest, its signature does not verify, it is not approved under
// that digest, it does not decode, or it no longer passes release.Check
// over the built-in catalog) is set aside: its forms resolve as if it were
// not active (the next candidate, else the built-in version) and the
// terminal starts with the rest. Generation is read first, so a change
// made while the set is built shows as a new generation at the next poll.
func (r *Releases) FormSet(ctx context.Context, branch, terminal string) (*FormSet, error) {
	gen, err := r.Generation(ctx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Seq     int64  `db:"seq"`
		ID      string `db:"package_id"`
		Version int    `db:"version"`
		Kind    string `db:"target_kind"`
		Target  string `db:"target"`
		Form    string `db:"form_id"`
		Digest  string `db:"digest"`
	}
	err = r.s.db.SelectContext(ctx, &rows, r.s.db.Rebind(`SELECT a.seq, a.package_id, a.version, a.target_kind, a.target, f.form_id, p.digest
		FROM release_activations a
		JOIN release_forms f ON f.package_id = a.package_id AND f.version = a.version
		JOIN release_packages p ON p.id = a.package_id AND p.version = a.version
		WHERE a.state = 'active'
		AND (a.target_kind = 'all' OR (a.target_kind = 'branch' AND a.target = ?) OR (a.target_kind = 'terminal' AND a.target = ?))`),
		branch, terminal)
	if err != nil {
		return nil, wrapDB(err)
	}
	sort.Slice(rows, func(i, j int) bool {
		ri := release.Target{Kind: rows[i].Kind}.Rank()
		rj := release.Target{Kind: rows[j].Kind}.Rank()
		if ri != rj {
			return ri > rj
		}
		if rows[i].Seq != rows[j].Seq {
			return rows[i].Seq > rows[j].Seq
		}
		return rows[i].Form < rows[j].Form
	})
	fs := &FormSet{Resolved: map[string]release.Resolved{}, Generation: gen}
	// Every active package of the terminal is loaded, shadowed or not, so
	// that SetAside names each one that fails.
	loaded := map[release.Ref]*release.Package{}
	failed := map[release.Ref]bool{}
	for _, w := range rows {
		ref := release.Ref{ID: w.ID, Version: w.Version}
		if loaded[ref] != nil || failed[ref] {
			continue
		}
		p, _, err := r.load(ctx, r.s.db, ref)
		if err != nil {
			failed[ref] = true
			fs.SetAside = append(fs.SetAside, SetAside{Ref: ref, Err: err})
			continue
		}
		loaded[ref] = p
	}
	forms := map[string]*dsl.Form{}
	for _, w := range rows {
		if _, done := forms[w.Form]; done {
			continue
		}
		ref := release.Ref{ID: w.ID, Version: w.Version}
		p := loaded[ref]
		if p == nil {
			continue
		}
		f := p.Form(w.Form)
		if f == nil {
			// release_forms names a form the package does not hold.
			if !failed[ref] {
				failed[ref] = true
				fs.SetAside = append(fs.SetAside, SetAside{Ref: ref, Err: errf("E_RELEASE_INVALID", "", fmt.Errorf("%s holds no form %q", ref, w.Form))})
			}
			continue
		}
		forms[w.Form] = f
		fs.Resolved[w.Form] = release.Resolved{Form: w.Form, Package: ref, Ref: ref.String(), Digest: w.Digest,
			Target: release.Target{Kind: w.Kind, Value: w.Target}}
	}
	sort.Slice(fs.SetAside, func(i, j int) bool { return fs.SetAside[i].Ref.String() < fs.SetAside[j].Ref.String() })
	builtinRef := release.Ref{ID: release.BuiltinID, Version: release.BuiltinVersion}
	for _, f := range r.builtin.Forms {
		if _, done := forms[f.ID]; done {
			continue
		}
		forms[f.ID] = f
		fs.Resolved[f.ID] = release.Resolved{Form: f.ID, Package: builtinRef, Ref: builtinRef.String(), Digest: r.digest, Builtin: true}
	}
	for _, f := range forms {
		fs.Forms = append(fs.Forms, f)
	}
	sort.Slice(fs.Forms, func(i, j int) bool {
		a, b := fs.Forms[i], fs.Forms[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.ID < b.ID
	})
	return fs, nil
}

// FormOf returns the exact form a journal entry was posted with, from its
// form_id, form_version and package_digest: the built-in form when the
// digest is "" or the built-in package's, else the form of the stored
// package with that digest (verified against its digest and signature).
// formVersion "" accepts any version; another version than the form's is
// E_RELEASE_UNKNOWN (a built-in form of another program version: the
// caller may fall back to the current built-in form).
func (r *Releases) FormOf(ctx context.Context, formID, formVersion, packageDigest string) (*dsl.Form, error) {
	var f *dsl.Form
	var where string
	if packageDigest == "" || packageDigest == r.digest {
		f, where = r.builtin.Form(formID), "the built-in package"
	} else {
		p, ref, err := r.byDigest(ctx, packageDigest)
		if err != nil {
			return nil, err
		}
		f, where = p.Form(formID), ref.String()
	}
	switch {
	case f == nil:
		return nil, errf("E_RELEASE_UNKNOWN", "form", fmt.Errorf("%s holds no form %q", where, formID))
	case formVersion != "" && f.Version != formVersion:
		return nil, errf("E_RELEASE_UNKNOWN", "form", fmt.Errorf("%s holds form %s version %s, not %s", where, formID, f.Version, formVersion))
	}
	return f, nil
}

// loadRow is a stored package with the digest its approval was bound to.
type loadRow struct {
	packageRow
	ApprovedDigest sql.NullString `db:"approved_digest"`
}

const loadQuery = `SELECT p.id, p.version, p.digest, p.body, p.submitted_by, p.submitted_at, p.signer_key, p.signature,
	a.approved_by, a.approved_at, a.digest AS approved_digest
	FROM release_packages p LEFT JOIN release_approvals a ON a.package_id = p.id AND a.version = p.version
	WHERE p.id = ? AND p.version = ?`

// verifiedRow reads ref's row and checks that its body hashes to its
// digest and its signature verifies (E_RELEASE_UNKNOWN, E_RELEASE_DIGEST,
// E_RELEASE_SIGNATURE), as verified does without reading the package's
// forms and targets. A signature that verified once is not verified again.
func (r *Releases) verifiedRow(ctx context.Context, q queryer, ref release.Ref) (loadRow, error) {
	var row loadRow
	err := sqlx.GetContext(ctx, q, &row, q.Rebind(loadQuery), ref.ID, ref.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return loadRow{}, errf("E_RELEASE_UNKNOWN", "package", fmt.Errorf("%s", ref))
	}
	if err != nil {
		return loadRow{}, wrapDB(err)
	}
	if d := release.Digest([]byte(row.Body)); d != row.Digest {
		return loadRow{}, errf("E_RELEASE_DIGEST", "", fmt.Errorf("%s: stored body hashes to %s, its digest says %s", ref, d, row.Digest))
	}
	sigKey := row.Digest + "\n" + row.SignerKey + "\n" + row.Signature
	if _, ok := r.signed.Load(sigKey); !ok {
		if err := VerifyRelease(row.info()); err != nil {
			return loadRow{}, err
		}
		r.signed.Store(sigKey, true)
	}
	return row, nil
}

// load returns ref's content for a terminal to open or post with: stored,
// verified (verifiedRow), approved under its digest (E_RELEASE_NOT_ACTIVE
// otherwise: it cannot have been activated), decoded, naming itself, and
// passing release.Check over the built-in catalog and the ledger's error
// codes (E_RELEASE_INVALID: the catalog may have changed since it was
// submitted). Whether it is active, and where, is not load's business.
func (r *Releases) load(ctx context.Context, q queryer, ref release.Ref) (*release.Package, ReleaseInfo, error) {
	row, err := r.verifiedRow(ctx, q, ref)
	if err != nil {
		return nil, ReleaseInfo{}, err
	}
	info := row.info()
	if !row.ApprovedDigest.Valid {
		return nil, info, errf("E_RELEASE_NOT_ACTIVE", "package", fmt.Errorf("%s is not approved", ref))
	}
	if row.ApprovedDigest.String != row.Digest {
		return nil, info, errf("E_RELEASE_DIGEST", "package", fmt.Errorf("%s was approved with digest %s, it has %s", ref, row.ApprovedDigest.String, row.Digest))
	}
	p, err := r.decode(row.Digest, row.Body)
	if err != nil {
		return nil, info, err
	}
	if p.Ref() != ref {
		return nil, info, errf("E_RELEASE_INVALID", "package", fmt.Errorf("%s is stored with the content of %s", ref, p.Ref()))
	}
	if v, ok := r.checked.Load(row.Digest); ok {
		if v != nil {
			return nil, info, v.(error)
		}
		return p, info, nil
	}
	err = release.Check(p, r.base, func(code string) bool { _, ok := Messages[Code(code)]; return ok })
	if err != nil {
		err = errf("E_RELEASE_INVALID", "package", err)
		r.checked.Store(row.Digest, err)
		return nil, info, err
	}
	r.checked.Store(row.Digest, nil)
	return p, info, nil
}

// codeNotForTerminal is the refusal of a package version that has been
// active, but never for the teller's terminal, branch or all branches.
const codeNotForTerminal Code = "E_RELEASE_NOT_FOR_TERMINAL"

// pkgPosting is the package version a posting is made with.
type pkgPosting struct {
	ref    release.Ref
	digest string
	form   *dsl.Form // the package's form that posts the transaction, or nil
}

// digestOrNone is pk's digest, "" for none (the built-in catalog).
func (pk *pkgPosting) digestOrNone() string {
	if pk == nil {
		return ""
	}
	return pk.digest
}

// UseReleases makes x post package transactions through r: a Request
// with Package set takes its transaction from that package version.
func (x *Executor) UseReleases(r *Releases) {
	x.relMu.Lock()
	x.rel = r
	x.relMu.Unlock()
}

func (x *Executor) releases() *Releases {
	x.relMu.RLock()
	defer x.relMu.RUnlock()
	return x.rel
}

// Pin remembers, per *dsl.Form pointer of fs, the package version it came
// from, so that SubmitHook posts a form with the version it was opened
// with. Pins are kept across FormSets: a window that still shows a form of
// an earlier set posts it with that form's version. Built-in forms are
// posted with the built-in catalog and need no pin.
func (x *Executor) Pin(fs *FormSet) {
	if fs == nil {
		return
	}
	for _, f := range fs.Forms {
		if res, ok := fs.Resolved[f.ID]; ok && !res.Builtin {
			x.pins.Store(f, res.Ref)
		}
	}
}

// pinOf returns the package ref f was pinned with, or "".
func (x *Executor) pinOf(f *dsl.Form) string {
	if v, ok := x.pins.Load(f); ok {
		return v.(string)
	}
	return ""
}

// txnOf returns the transaction req posts: from the executor's catalog
// when req.Package is "" (or a version 1, the built-in one), else from the
// package version req.Package (loaded and checked by Releases.load) over
// the built-in catalog, as Releases.Open gives it. It sets req.pkg.
// Whether the version may be posted with by the teller is checked in the
// posting transaction (checkPackage).
func (x *Executor) txnOf(ctx context.Context, req *Request) (*catalog.Txn, error) {
	if req.Package == "" {
		req.pkg = nil
		t, ok := x.cat[req.Txn]
		if !ok {
			return nil, errf("E_UNKNOWN_TXN", "", fmt.Errorf("%q", req.Txn))
		}
		return t, nil
	}
	ref, err := release.ParseRef(req.Package)
	if err != nil {
		return nil, errf("E_RELEASE_UNKNOWN", "package", err)
	}
	if ref.Version == release.BuiltinVersion {
		req.Package, req.pkg = "", nil
		return x.txnOf(ctx, req)
	}
	r := x.releases()
	if r == nil {
		return nil, errf("E_RELEASE_UNKNOWN", "package", fmt.Errorf("%s: this executor posts the built-in catalog only", ref))
	}
	p, info, err := r.load(ctx, r.s.db, ref)
	if err != nil {
		return nil, err
	}
	t, ok := p.Catalog(r.base)[req.Txn]
	if !ok {
		return nil, errf("E_UNKNOWN_TXN", "", fmt.Errorf("%q in %s", req.Txn, ref))
	}
	pk := &pkgPosting{ref: ref, digest: info.Digest}
	if req.pkg != nil && req.pkg.form != nil {
		// The window's form (SubmitHook), when the package holds it.
		if f := p.Form(req.pkg.form.ID); f != nil && f.Version == req.pkg.form.Version {
			pk.form = f
		}
	}
	if pk.form == nil {
		for _, f := range p.Forms {
			if f.Submit != nil && f.Submit.Txn == req.Txn {
				pk.form = f
				break
			}
		}
	}
	req.pkg = pk
	return t, nil
}

// checkPackage refuses, in the posting transaction, a posting made with a
// package version that was never active for the teller's terminal, the
// teller's branch or all branches (E_RELEASE_NOT_ACTIVE; once active
// elsewhere only, codeNotForTerminal). Activations are never deleted, so
// a version once active there stays postable: a form open in a window
// keeps its version until it is submitted or closed.
func (ps *posting) checkPackage(ctx context.Context, tx *sqlx.Tx) error {
	pk := ps.req.pkg
	if pk == nil {
		return nil
	}
	var all, here int64
	if err := tx.QueryRowxContext(ctx, tx.Rebind(packageSQL), ps.packageArgs()...).Scan(&all, &here); err != nil {
		return err
	}
	return ps.packageActive(all, here)
}

// packageSQL counts the activations of a package version: in all, and
// those for the teller's branch (first argument), terminal (second) or
// all branches.
const packageSQL = `SELECT COUNT(*) AS activations, COALESCE(SUM(CASE WHEN target_kind = 'all'
	OR (target_kind = 'branch' AND target = ?) OR (target_kind = 'terminal' AND target = ?) THEN 1 ELSE 0 END), 0) AS here
	FROM release_activations WHERE package_id = ? AND version = ?`

// packageArgs are packageSQL's arguments for the posting's package.
func (ps *posting) packageArgs() []any {
	pk := ps.req.pkg
	return []any{ps.teller.Branch, ps.req.Terminal, pk.ref.ID, pk.ref.Version}
}

// packageActive refuses a package version never active (all == 0) or
// never for this terminal or branch (here == 0).
func (ps *posting) packageActive(all, here int64) error {
	pk := ps.req.pkg
	switch {
	case all == 0:
		return errf("E_RELEASE_NOT_ACTIVE", "package", fmt.Errorf("%s has never been active", pk.ref))
	case here == 0:
		return errf(codeNotForTerminal, "package", fmt.Errorf("%s has never been active for terminal %s or branch %s", pk.ref, ps.req.Terminal, ps.teller.Branch))
	}
	return nil
}

// policyTxn is t as the ledger's authorization policy reads it: a package
// transaction's "authorize": "never" counts only when the built-in
// transaction of the same id (in x's catalog) says "never" too, so that
// no package waives what the policy table asks for.
func (x *Executor) policyTxn(t *catalog.Txn, pkg *pkgPosting) *catalog.Txn {
	if pkg == nil || t.Authorize != "never" {
		return t
	}
	if b := x.cat[t.ID]; b != nil && b.Authorize == "never" {
		return t
	}
	c := *t
	c.Authorize = ""
	return &c
}

// releaseState is the part of Executor this file adds.
type releaseState struct {
	relMu sync.RWMutex
	rel   *Releases
	pins  sync.Map // *dsl.Form -> string (release ref)
}

// byDigest returns the stored package whose digest is digest, verified
// against its digest and signature.
func (r *Releases) byDigest(ctx context.Context, digest string) (*release.Package, release.Ref, error) {
	var refs []struct {
		ID      string `db:"id"`
		Version int    `db:"version"`
	}
	if err := r.s.db.SelectContext(ctx, &refs, r.s.db.Rebind(`SELECT id, version FROM release_packages WHERE digest = ?`), digest); err != nil {
		return nil, release.Ref{}, wrapDB(err)
	}
	if len(refs) != 1 {
		return nil, release.Ref{}, errf("E_RELEASE_UNKNOWN", "package", fmt.Errorf("no package with digest %s", digest))
	}
	ref := release.Ref{ID: refs[0].ID, Version: refs[0].Version}
	row, err := r.verifiedRow(ctx, r.s.db, ref)
	if err != nil {
		return nil, release.Ref{}, err
	}
	p, err := r.decode(row.Digest, row.Body)
	return p, ref, err
}

// ReceiptTemplate returns the receipt template name of the package with
// digest packageDigest (a journal entry's), or "" and false when the
// package carries none of that name (the built-in templates then apply).
func (r *Releases) ReceiptTemplate(ctx context.Context, packageDigest, name string) (string, bool, error) {
	if packageDigest == "" || packageDigest == r.digest {
		return "", false, nil
	}
	p, _, err := r.byDigest(ctx, packageDigest)
	if err != nil {
		return "", false, err
	}
	t, ok := p.Receipts[name]
	return t, ok, nil
}
