package ledger_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"guitai/assets"
	"guitai/audit"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/release"
)

// relabeled is the built-in cash_deposit form as version 1.1.1 whose
// amount field has another label.
func relabeled(t *testing.T) *dsl.Form {
	t.Helper()
	src, err := assets.FormSource("cash_deposit.form.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(src, &m); err != nil {
		t.Fatal(err)
	}
	m["version"] = "1.1.1"
	var walk func(n map[string]any) bool
	walk = func(n map[string]any) bool {
		if n["id"] == "amount" {
			n["props"].(map[string]any)["label"] = map[string]any{"zh": "存入金额", "en": "Amount paid in"}
			return true
		}
		kids, _ := n["children"].([]any)
		for _, k := range kids {
			if walk(k.(map[string]any)) {
				return true
			}
		}
		return false
	}
	if !walk(m["root"].(map[string]any)) {
		t.Fatal("cash_deposit has no amount field")
	}
	b, _ := json.Marshal(m)
	f, err := dsl.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// activeAccount returns an active account of branch.
func activeAccount(t *testing.T, e *env, branch string) string {
	t.Helper()
	var n string
	if err := e.store.DB().Get(&n, e.store.DB().Rebind(`SELECT number FROM accounts WHERE branch = ? AND status = 'active' ORDER BY number LIMIT 1`), branch); err != nil {
		t.Fatal(err)
	}
	return n
}

type journalPkg struct {
	Form          string `db:"form_id"`
	FormVersion   string `db:"form_version"`
	PackageRef    string `db:"package_ref"`
	PackageDigest string `db:"package_digest"`
}

func journalOf(t *testing.T, e *env, serial string) journalPkg {
	t.Helper()
	var j journalPkg
	if err := e.store.DB().Get(&j, e.store.DB().Rebind(`SELECT form_id, form_version, package_ref, package_digest FROM journal WHERE serial = ?`), serial); err != nil {
		t.Fatal(err)
	}
	return j
}

// TestFormSet: a running teller posts with the package version its form
// came from, on both databases. The status_freeze package (a form and a
// transaction no built-in holds) is submitted by a teller, approved by a
// supervisor and activated for branch 0101 alone: 0101's terminals open
// it, 0102's do not, a 0101 teller freezes an account through SubmitHook
// and the journal records the package; a 0102 teller posting with the
// package is refused. A v2 of cash_deposit with another label, active for
// 0101, is what 0101 opens and posts, while 0102 keeps the built-in. A
// package whose stored body was changed is set aside and the rest loads.
// Generation changes with each activation and rollback; after the
// rollback 0101 no longer opens status_freeze, but a window that opened
// it before still posts it (a form that is open keeps its version).
func TestFormSet(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		k, err := audit.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		r := releasesOf(t, e)
		x := e.exec
		x.UseReleases(r)
		builtin, _ := r.Builtin()
		gen := func() string {
			t.Helper()
			g, err := r.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		formSet := func(branch, terminal string) *ledger.FormSet {
			t.Helper()
			fs, err := r.FormSet(ctx, branch, terminal)
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(fs.Forms); i++ {
				a, b := fs.Forms[i-1], fs.Forms[i]
				if a.Code > b.Code || (a.Code == b.Code && a.ID >= b.ID) {
					t.Errorf("forms not sorted by code, id: %s %s before %s %s", a.Code, a.ID, b.Code, b.ID)
				}
			}
			for _, f := range fs.Forms {
				if res, ok := fs.Resolved[f.ID]; !ok || res.Form != f.ID {
					t.Errorf("form %s resolved as %+v", f.ID, res)
				}
			}
			return fs
		}
		// A posting that needs a supervisor (the ledger's policy, whatever
		// the package says) gets one.
		askSup := func(*dsl.Form, map[string]any) (*ledger.Credentials, error) { return sup(), nil }
		hookAt := func(teller, terminal string) func(*dsl.Form, map[string]any) (*ledger.Result, error) {
			return x.SubmitHook(func() ledger.Session { return ledger.Session{Teller: teller, Terminal: terminal} }, askSup, nil)
		}
		hook01, hook02 := hookAt(T1, "T-01"), hookAt("010201", "T-02")
		status := func(acct string) string {
			t.Helper()
			var s string
			if err := e.store.DB().Get(&s, e.store.DB().Rebind(`SELECT status FROM accounts WHERE number = ?`), acct); err != nil {
				t.Fatal(err)
			}
			return s
		}
		verify := func(when string) {
			t.Helper()
			rep, err := e.store.VerifyPostings(ctx)
			if err != nil || !rep.OK() {
				t.Fatalf("%s: verify postings: %+v %v", when, rep.Mismatches, err)
			}
		}
		freezeValues := func(acct string) map[string]any {
			return map[string]any{"account": acct, "reason": "court order", "document_no": "(2026)京0101执123号"}
		}

		// status_freeze: submitted by a teller, approved by a supervisor.
		freeze, err := release.Load("../release/testdata/status_freeze")
		if err != nil {
			t.Fatal(err)
		}
		info, err := r.Submit(ctx, freeze, T1, k)
		if err != nil {
			t.Fatal(err)
		}
		ref := info.Ref()
		if ref.String() != "status_freeze@2" {
			t.Fatalf("submitted as %s", ref)
		}
		acct01, acct02 := activeAccount(t, e, "0101"), activeAccount(t, e, "0102")

		// Before approval and activation it cannot be posted with.
		_, err = x.Submit(ctx, ledger.Request{Txn: "status_freeze", Package: ref.String(), Values: freezeValues(acct01),
			Teller: T1, Terminal: "T-01", Key: key(), Authorizer: sup()})
		if ledger.CodeOf(err) != "E_RELEASE_NOT_ACTIVE" {
			t.Fatalf("posting with a submitted package: %v", err)
		}
		if _, err := r.Approve(ctx, ref, info.Digest, SUP); err != nil {
			t.Fatal(err)
		}
		_, err = x.Submit(ctx, ledger.Request{Txn: "status_freeze", Package: ref.String(), Values: freezeValues(acct01),
			Teller: T1, Terminal: "T-01", Key: key(), Authorizer: sup()})
		if ledger.CodeOf(err) != "E_RELEASE_NOT_ACTIVE" {
			t.Fatalf("posting with a package never active: %v", err)
		}

		g0 := gen()
		if err := r.Activate(ctx, ref, SUP, release.Branch("0101")); err != nil {
			t.Fatal(err)
		}
		g1 := gen()
		if g1 == g0 {
			t.Fatalf("generation %s unchanged by an activation", g1)
		}

		fs01, fs02 := formSet("0101", "T-01"), formSet("0102", "T-02")
		if fs01.Generation != g1 || len(fs01.SetAside) != 0 {
			t.Fatalf("0101: generation %s, set aside %v", fs01.Generation, fs01.SetAside)
		}
		ff := fs01.Form("status_freeze")
		if res := fs01.Resolved["status_freeze"]; ff == nil || ff.Code != "2209" || res.Ref != ref.String() || res.Digest != info.Digest ||
			res.Builtin || res.Target != release.Branch("0101") {
			t.Fatalf("0101 status_freeze: %v %+v", ff, res)
		}
		if f := fs02.Form("status_freeze"); f != nil && !fs02.Resolved["status_freeze"].Builtin {
			t.Fatalf("0102 opens the package's status_freeze: %+v", fs02.Resolved["status_freeze"])
		}
		if f := fs01.Form("cash_deposit"); f != builtin.Form("cash_deposit") || !fs01.Resolved["cash_deposit"].Builtin {
			t.Fatalf("0101 cash_deposit before v2: %+v", fs01.Resolved["cash_deposit"])
		}
		extra := 1 // status_freeze is a form no built-in holds, unless one does
		if builtin.Form("status_freeze") != nil {
			extra = 0
		}
		if len(fs02.Forms) != len(builtin.Forms) || len(fs01.Forms) != len(builtin.Forms)+extra {
			t.Errorf("forms: 0101 %d, 0102 %d, built-in %d", len(fs01.Forms), len(fs02.Forms), len(builtin.Forms))
		}

		// A transaction only a package holds is unknown without it.
		if x.Catalog()["status_freeze"] == nil {
			_, err = x.Submit(ctx, ledger.Request{Txn: "status_freeze", Values: freezeValues(acct01), Teller: T1, Terminal: "T-01", Key: key()})
			if ledger.CodeOf(err) != "E_UNKNOWN_TXN" {
				t.Fatalf("status_freeze without its package: %v", err)
			}
		}

		// A 0101 teller freezes an account through the window's hook.
		x.Pin(fs01)
		res, err := hook01(ff, freezeValues(acct01))
		if err != nil {
			t.Fatal(err)
		}
		if s := status(acct01); s != "frozen" {
			t.Fatalf("account %s is %s", acct01, s)
		}
		if j := journalOf(t, e, res.Serial); j != (journalPkg{"status_freeze", "1.0.0", ref.String(), info.Digest}) {
			t.Fatalf("journal: %+v", j)
		}
		if f, err := r.FormOf(ctx, "status_freeze", "1.0.0", info.Digest); err != nil || f != ff {
			t.Fatalf("form of the entry: %v", err)
		}
		if en, err := e.store.Entry(ctx, res.Serial); err != nil || en.FormID != "status_freeze" || en.FormVersion != "1.0.0" || en.PackageRef != ref.String() {
			t.Fatalf("the electronic journal's entry: %+v %v", en, err)
		}
		verify("after the freeze")

		// A 0102 teller may not post with it: never active there.
		_, err = x.Submit(ctx, ledger.Request{Txn: "status_freeze", Package: ref.String(), Values: freezeValues(acct02),
			Teller: "010201", Terminal: "T-02", Key: key(), Authorizer: sup()})
		if ledger.CodeOf(err) != "E_RELEASE_NOT_FOR_TERMINAL" || status(acct02) != "active" {
			t.Fatalf("0102 posting with the package: %v, account %s", err, status(acct02))
		}
		// Nor through a window that got the form somehow.
		if _, err := hook02(ff, freezeValues(acct02)); ledger.CodeOf(err) != "E_RELEASE_NOT_FOR_TERMINAL" {
			t.Fatalf("0102 window: %v", err)
		}

		// cash_deposit v2, another label, for 0101.
		dep := &release.Package{ID: "cash_deposit", Forms: []*dsl.Form{relabeled(t)}}
		info2, err := r.Submit(ctx, dep, "010201", k)
		if err != nil {
			t.Fatal(err)
		}
		ref2 := info2.Ref()
		if _, err := r.Approve(ctx, ref2, info2.Digest, "000001"); err != nil {
			t.Fatal(err)
		}
		if err := r.Activate(ctx, ref2, SUP, release.Branch("0101")); err != nil {
			t.Fatal(err)
		}
		g2 := gen()
		if g2 == g1 {
			t.Fatal("generation unchanged by the second activation")
		}
		fs01, fs02 = formSet("0101", "T-01"), formSet("0102", "T-02")
		fd := fs01.Form("cash_deposit")
		if fd == nil || fd.Version != "1.2.0" || // a label changed: minor, derived whatever the file says fs01.Resolved["cash_deposit"].Ref != ref2.String() ||
			!strings.Contains(string(dsl.Encode(fd)), "Amount paid in") {
			t.Fatalf("0101 cash_deposit: %+v", fs01.Resolved["cash_deposit"])
		}
		if fs02.Form("cash_deposit") != builtin.Form("cash_deposit") {
			t.Fatalf("0102 cash_deposit: %+v", fs02.Resolved["cash_deposit"])
		}
		x.Pin(fs01)
		deposit := map[string]any{"account": activeAccount(t, e, "0101"), "amount": "12.34"}
		res, err = hook01(fd, deposit)
		if err != nil {
			t.Fatal(err)
		}
		if j := journalOf(t, e, res.Serial); j != (journalPkg{"cash_deposit", "1.2.0", ref2.String(), info2.Digest}) {
			t.Fatalf("journal of the v2 deposit: %+v", j)
		}
		// The built-in form posts as before: no package.
		res, err = hook02(fs02.Form("cash_deposit"), map[string]any{"account": acct02, "amount": "1.00"})
		if err != nil {
			t.Fatal(err)
		}
		if j := journalOf(t, e, res.Serial); j.PackageDigest != "" || j.PackageRef != "" || j.Form != "cash_deposit" {
			t.Fatalf("journal of a built-in deposit: %+v", j)
		}
		if f, err := r.FormOf(ctx, "cash_deposit", builtin.Form("cash_deposit").Version, ""); err != nil || f != builtin.Form("cash_deposit") {
			t.Fatalf("built-in form of an entry: %v", err)
		}
		verify("after the deposits")

		// cash_deposit@2's stored body changed behind the ledger's back:
		// 0101 sets it aside, opens the built-in deposit, and the rest loads.
		body := strings.Replace(mustBody(t, e, ref2), "Amount paid in", "Amount paid out", 1)
		if _, err := e.store.DB().Exec(e.store.DB().Rebind(`UPDATE release_packages SET body = ? WHERE id = ? AND version = ?`), body, ref2.ID, ref2.Version); err != nil {
			t.Fatal(err)
		}
		fs := formSet("0101", "T-01")
		if len(fs.SetAside) != 1 || fs.SetAside[0].Ref != ref2 || ledger.CodeOf(fs.SetAside[0].Err) != "E_RELEASE_DIGEST" {
			t.Fatalf("set aside: %+v", fs.SetAside)
		}
		if fs.Form("cash_deposit") != builtin.Form("cash_deposit") || fs.Form("status_freeze") != ff {
			t.Fatalf("with a package set aside: %+v", fs.Resolved)
		}
		// A window still showing the v2 form cannot post it either.
		if _, err := hook01(fd, map[string]any{"account": deposit["account"], "amount": "2.00"}); ledger.CodeOf(err) != "E_RELEASE_DIGEST" {
			t.Fatalf("posting a tampered package: %v", err)
		}

		// Rollback of status_freeze for 0101.
		if _, err := r.Rollback(ctx, "status_freeze", release.Branch("0101"), SUP); err != nil {
			t.Fatal(err)
		}
		g3 := gen()
		if g3 == g2 {
			t.Fatal("generation unchanged by a rollback")
		}
		fs = formSet("0101", "T-01")
		if f := fs.Form("status_freeze"); f != nil && !fs.Resolved["status_freeze"].Builtin {
			t.Fatalf("0101 still opens status_freeze after the rollback: %+v", fs.Resolved["status_freeze"])
		}
		if fs.Generation != g3 {
			t.Errorf("form set generation %s, want %s", fs.Generation, g3)
		}
		// The form opened before the rollback keeps its version until it is
		// submitted or closed: it was active for this terminal.
		acct01b := activeAccount(t, e, "0101")
		res, err = hook01(ff, freezeValues(acct01b))
		if err != nil {
			t.Fatalf("pinned form after the rollback: %v", err)
		}
		if status(acct01b) != "frozen" || journalOf(t, e, res.Serial).PackageDigest != info.Digest {
			t.Fatalf("pinned form after the rollback: %s %+v", status(acct01b), journalOf(t, e, res.Serial))
		}
		verify("at the end")
	})
}

// pilotPackage is the status_freeze package renamed status_freeze_pilot
// (code 2219): a form and a transaction no built-in holds.
func pilotPackage(t *testing.T) *release.Package {
	t.Helper()
	p, err := release.Load("../release/testdata/status_freeze")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(dsl.Encode(p.Form("status_freeze")), &m); err != nil {
		t.Fatal(err)
	}
	m["id"], m["code"] = "status_freeze_pilot", "2219"
	m["submit"].(map[string]any)["txn"] = "status_freeze_pilot"
	b, _ := json.Marshal(m)
	f, err := dsl.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	txn := *p.Txn("status_freeze")
	txn.ID, txn.Code = "status_freeze_pilot", "2219"
	p.ID, p.Version, p.Menu = "status_freeze_pilot", 0, nil
	p.Forms, p.Txns[0] = []*dsl.Form{f}, &txn
	return p
}

// TestFormSetPilot: a form only a package holds, active on one terminal:
// that terminal opens and posts it, another of the same branch does not
// (E_RELEASE_NOT_ACTIVE), and without the package its transaction is
// unknown.
func TestFormSetPilot(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		k, err := audit.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		r := releasesOf(t, e)
		x := e.exec
		x.UseReleases(r)
		info, err := r.Submit(ctx, pilotPackage(t), SUP, k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Approve(ctx, info.Ref(), "", "000001"); err != nil {
			t.Fatal(err)
		}
		if err := r.Activate(ctx, info.Ref(), SUP, release.Terminal("T-01")); err != nil {
			t.Fatal(err)
		}
		fs, err := r.FormSet(ctx, "0101", "T-01")
		if err != nil {
			t.Fatal(err)
		}
		other, err := r.FormSet(ctx, "0101", "T-09")
		if err != nil {
			t.Fatal(err)
		}
		f := fs.Form("status_freeze_pilot")
		if f == nil || fs.Resolved[f.ID].Target != release.Terminal("T-01") || other.Form("status_freeze_pilot") != nil {
			t.Fatalf("pilot form: %v %+v; T-09: %v", f, fs.Resolved["status_freeze_pilot"], other.Form("status_freeze_pilot"))
		}
		if _, ok := other.Resolved["status_freeze_pilot"]; ok {
			t.Fatal("T-09 resolves the pilot form")
		}
		x.Pin(fs)
		vals := func(acct string) map[string]any {
			return map[string]any{"account": acct, "reason": "pilot", "document_no": "P-1"}
		}
		acct := activeAccount(t, e, "0101")
		at := func(terminal string) func(*dsl.Form, map[string]any) (*ledger.Result, error) {
			return x.SubmitHook(func() ledger.Session { return ledger.Session{Teller: T1, Terminal: terminal} },
				func(*dsl.Form, map[string]any) (*ledger.Credentials, error) { return sup(), nil }, nil)
		}
		if _, err := at("T-09")(f, vals(acct)); ledger.CodeOf(err) != "E_RELEASE_NOT_FOR_TERMINAL" {
			t.Fatalf("pilot form on T-09: %v", err)
		}
		res, err := at("T-01")(f, vals(acct))
		if err != nil {
			t.Fatal(err)
		}
		if j := journalOf(t, e, res.Serial); j != (journalPkg{"status_freeze_pilot", "1.0.0", info.Ref().String(), info.Digest}) {
			t.Fatalf("journal: %+v", j)
		}
		_, err = x.Submit(ctx, ledger.Request{Txn: "status_freeze_pilot", Values: vals(activeAccount(t, e, "0101")), Teller: T1, Terminal: "T-01", Key: key()})
		if ledger.CodeOf(err) != "E_UNKNOWN_TXN" {
			t.Fatalf("without its package: %v", err)
		}
		if rep, err := e.store.VerifyPostings(ctx); err != nil || !rep.OK() {
			t.Fatalf("verify: %+v %v", rep.Mismatches, err)
		}
	})
}
