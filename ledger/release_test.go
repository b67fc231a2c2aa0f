package ledger_test

import (
	"context"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"guitai/assets"
	"guitai/audit"
	"guitai/ledger"
	"guitai/release"
)

// releasesOf returns e's release packages over the built-in ones.
func releasesOf(t *testing.T, e *env) *ledger.Releases {
	t.Helper()
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.store.Releases(release.Builtin(forms, e.exec.Catalog()))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// releaseEnv opens e0's ledger again with a terminal key that signs its
// audit log (and the packages submitted), adds a second supervisor of
// 0101, 010198 (password "long enough"), and returns its release
// packages and the key.
func releaseEnv(t *testing.T, e0 *env) (*env, *ledger.Releases, *sm2.PrivateKey) {
	t.Helper()
	k, err := audit.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	e := openEnvWith(t, e0.name, e0.dsn, false, ledger.Options{Signer: k})
	if err := e.store.AddUser(context.Background(), ledger.User{ID: "010198", Name: "second supervisor", Branch: "0101", Role: ledger.RoleSupervisor}, "long enough"); err != nil {
		t.Fatal(err)
	}
	return e, releasesOf(t, e), k
}

// TestReleaseLifecycle: a v2 of cash_deposit with a new field goes through
// maker-checker on both databases — submitted, pending (branch 0101 still
// opens v1), refused to its submitter, approved by another supervisor,
// activated for 0101 alone, rolled back — and the audit log verifies.
func TestReleaseLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, e0 *env) {
		ctx := context.Background()
		e, r, k := releaseEnv(t, e0)
		v2, err := release.Load("../release/testdata/cash_deposit_v2")
		if err != nil {
			t.Fatal(err)
		}
		ref2 := release.Ref{ID: "cash_deposit", Version: 2}
		ref3 := release.Ref{ID: "cash_deposit", Version: 3}
		var digest2 string
		resolves := func(branch, terminal string, want release.Ref) func() error {
			return func() error {
				res, err := r.Resolve(ctx, "cash_deposit", branch, terminal)
				if err == nil && (res.Package.Version != want.Version || res.Builtin != (want.Version == 1)) {
					t.Errorf("resolve %s %s: %+v, want %s", branch, terminal, res, want)
				}
				return err
			}
		}
		other := func(change func(p *release.Package)) *release.Package {
			p, _ := release.Load("../release/testdata/cash_deposit_v2")
			change(p)
			return p
		}
		steps := []struct {
			name string
			do   func() error
			code string // "" ok
		}{
			{"submit v2", func() error {
				info, err := r.Submit(ctx, v2, ledger.DemoUsers[4].ID, k)
				if err == nil && (info.State != ledger.ReleaseSubmitted || info.Version != 2 || info.SubmittedBy != "010199" || len(info.Digest) != 64) {
					t.Errorf("submitted: %+v", info)
				}
				digest2 = info.Digest
				return err
			}, ""},
			{"pending: 0101 opens v1", resolves("0101", "T-01", release.Ref{Version: 1}), ""},
			{"activate before approval", func() error { return r.Activate(ctx, ref2, "010198", release.Branch("0101")) }, "E_RELEASE_STATE"},
			{"the submitter cannot approve", func() error { _, err := r.Approve(ctx, ref2, "", "010199"); return err }, "E_SELF_APPROVAL"},
			{"a teller cannot approve", func() error { _, err := r.Approve(ctx, ref2, "", "010101"); return err }, "E_RELEASE_ROLE"},
			{"approval of other content", func() error { _, err := r.Approve(ctx, ref2, strings.Repeat("0", 64), "010198"); return err }, "E_RELEASE_DIGEST"},
			{"no such package", func() error { _, err := r.Approve(ctx, ref3, "", "010198"); return err }, "E_RELEASE_UNKNOWN"},
			{"another supervisor approves", func() error {
				info, err := r.Approve(ctx, ref2, digest2, "010198")
				if err == nil && (info.State != ledger.ReleaseApproved || info.ApprovedBy != "010198") {
					t.Errorf("approved: %+v", info)
				}
				return err
			}, ""},
			{"approved once", func() error { _, err := r.Approve(ctx, ref2, "", "000001"); return err }, "E_RELEASE_STATE"},
			{"activate for an unknown branch", func() error { return r.Activate(ctx, ref2, "010198", release.Branch("9999")) }, "E_BRANCH_UNKNOWN"},
			{"activate for 0101", func() error { return r.Activate(ctx, ref2, "010198", release.Branch("0101")) }, ""},
			{"0101 opens v2", resolves("0101", "T-01", ref2), ""},
			{"0102 opens v1", resolves("0102", "T-02", release.Ref{Version: 1}), ""},
			{"open v2 at 0101", func() error {
				f, txn, res, err := r.Open(ctx, "cash_deposit", "0101", "T-01")
				if err == nil && (f.Find("purpose") == nil || txn.Param("purpose") == nil || res.Digest != digest2) {
					t.Errorf("open: %v %v %+v", f.Find("purpose"), txn.Param("purpose"), res)
				}
				return err
			}, ""},
			{"same version, same content", func() error {
				info, err := r.Submit(ctx, v2, "010101", k)
				if err == nil && (info.Digest != digest2 || info.State != ledger.ReleaseApproved) {
					t.Errorf("resubmitted: %+v", info)
				}
				return err
			}, ""},
			{"same version, other content", func() error {
				_, err := r.Submit(ctx, other(func(p *release.Package) { p.Form("cash_deposit").Title.En += " (v2)" }), "010101", k)
				return err
			}, "E_RELEASE_VERSION_TAKEN"},
			{"a form naming no transaction", func() error {
				_, err := r.Submit(ctx, other(func(p *release.Package) { p.Version = 9; p.Form("cash_deposit").Submit = nil }), "010101", k)
				return err
			}, "E_RELEASE_NO_TXN"},
			{"a field of the wrong type", func() error {
				_, err := r.Submit(ctx, other(func(p *release.Package) { p.Version = 9; p.Txns[0].Param("purpose").Type = "int" }), "010101", k)
				return err
			}, "E_RELEASE_INVALID"},
			{"SQL the schema refuses", func() error {
				_, err := r.Submit(ctx, other(func(p *release.Package) {
					p.Version = 9
					p.Txns[0].Steps[1].SQL = "UPDATE cash_boxes SET no_such_column = 1 WHERE teller = :teller"
				}), "010101", k)
				return err
			}, "E_RELEASE_INVALID"},
			{"unsigned", func() error { _, err := r.Submit(ctx, v2, "010101", nil); return err }, "E_RELEASE_UNSIGNED"},
			{"rollback 0101", func() error {
				now, err := r.Rollback(ctx, "cash_deposit", release.Branch("0101"), "010199")
				if err == nil && now.Version != 1 {
					t.Errorf("rolled back to %s", now)
				}
				return err
			}, ""},
			{"0101 opens v1 again", resolves("0101", "T-01", release.Ref{Version: 1}), ""},
			{"nothing to roll back", func() error { _, err := r.Rollback(ctx, "cash_deposit", release.Branch("0101"), "010199"); return err }, "E_RELEASE_NOT_ACTIVE"},
			// v3, numbered by the ledger: all branches, a pilot terminal, and
			// a rollback to the version it superseded.
			{"submit v3", func() error {
				info, err := r.Submit(ctx, other(func(p *release.Package) { p.Version = 0; p.Form("cash_deposit").Version = "1.3.0" }), "010101", k)
				if err == nil && info.Version != 3 {
					t.Errorf("numbered %d", info.Version)
				}
				return err
			}, ""},
			{"admin approves v3", func() error { _, err := r.Approve(ctx, ref3, "", "000001"); return err }, ""},
			{"v2 for all branches", func() error { return r.Activate(ctx, ref2, "010198", release.All) }, ""},
			{"v3 on terminal T-09", func() error { return r.Activate(ctx, ref3, "010198", release.Terminal("T-09")) }, ""},
			{"T-09 of 0102 opens v3", resolves("0102", "T-09", ref3), ""},
			{"T-02 of 0102 opens v2", resolves("0102", "T-02", ref2), ""},
			{"v3 for all branches", func() error { return r.Activate(ctx, ref3, "010198", release.All) }, ""},
			{"T-02 opens v3", resolves("0102", "T-02", ref3), ""},
			{"rollback all branches", func() error {
				now, err := r.Rollback(ctx, "cash_deposit", release.All, "000001")
				if err == nil && now != ref2 {
					t.Errorf("rolled back to %s", now)
				}
				return err
			}, ""},
			{"T-02 opens v2 again", resolves("0102", "T-02", ref2), ""},
			{"a teller cannot activate", func() error { return r.Activate(ctx, ref3, "010101", release.All) }, "E_RELEASE_ROLE"},
		}
		for _, st := range steps {
			err := st.do()
			if got := string(ledger.CodeOf(err)); got != st.code || (st.code == "" && err != nil) {
				t.Fatalf("%s: %v, want %q", st.name, err, st.code)
			}
		}

		list, err := r.List(ctx)
		if err != nil || len(list) != 2 || list[0].Version != 2 || len(list[0].Active) != 1 || list[0].Active[0] != release.All ||
			len(list[1].Active) != 1 || list[1].Active[0] != release.Terminal("T-09") {
			t.Errorf("list: %+v %v", list, err)
		}
		for _, i := range list {
			if err := ledger.VerifyRelease(i); err != nil {
				t.Errorf("%s: %v", i.Ref(), err)
			}
		}
		if p, err := r.Package(ctx, release.Ref{ID: "cash_deposit", Version: 1}); err != nil || p.Form("cash_deposit") == nil || p.Form("cash_deposit").Find("purpose") != nil {
			t.Errorf("built-in v1: %v", err)
		}

		// The audit log has every step and verifies.
		if err := e.store.Checkpoint(ctx, "test"); err != nil {
			t.Fatal(err)
		}
		rep, err := e.store.AuditLog().Verify(ctx, e.store.DB(), audit.VerifyOptions{Anchor: &k.PublicKey})
		if err != nil || !rep.OK() {
			t.Fatalf("audit log: %+v %v", rep.Finding, err)
		}
		var rows []struct{ Action, Teller, Object, Result string }
		if err := e.store.DB().Select(&rows, `SELECT action, teller, object, result FROM audit_log ORDER BY seq`); err != nil {
			t.Fatal(err)
		}
		have := map[string]int{}
		for _, r := range rows {
			have[r.Action+" "+r.Teller+" "+r.Object+" "+r.Result]++
		}
		for want, n := range map[string]int{
			"release_submit 010199 cash_deposit@2 ok":                 1,
			"refused 010199 cash_deposit@2 E_SELF_APPROVAL":           1,
			"refused 010101 cash_deposit@2 E_RELEASE_ROLE":            1,
			"release_approve 010198 cash_deposit@2 ok":                1,
			"release_activate 010198 cash_deposit@2 branch:0101 ok":   1,
			"release_rollback 010199 cash_deposit@2 branch:0101 ok":   1,
			"refused 010101 cash_deposit@2 E_RELEASE_VERSION_TAKEN":   1,
			"release_submit 010101 cash_deposit@3 ok":                 1,
			"release_approve 000001 cash_deposit@3 ok":                1,
			"release_activate 010198 cash_deposit@3 terminal:T-09 ok": 1,
			"release_supersede 010198 cash_deposit@2 all ok":          1,
			"release_rollback 000001 cash_deposit@3 all ok":           1,
			"release_activate 000001 cash_deposit@2 all ok":           1, // the rollback's re-activation
		} {
			if have[want] != n {
				t.Errorf("audit records %q: %d, want %d", want, have[want], n)
			}
		}

		// A stored package changed behind the ledger's back is refused.
		body := strings.Replace(mustBody(t, e, ref2), "1.2.0", "9.9.9", 1)
		if _, err := e.store.DB().Exec(e.store.DB().Rebind(`UPDATE release_packages SET body = ? WHERE id = ? AND version = ?`), body, ref2.ID, ref2.Version); err != nil {
			t.Fatal(err)
		}
		r = releasesOf(t, e) // no cache
		if _, err := r.Package(ctx, ref2); ledger.CodeOf(err) != "E_RELEASE_DIGEST" {
			t.Errorf("tampered package: %v", err)
		}
		if err := r.Activate(ctx, ref2, "010198", release.Branch("0102")); ledger.CodeOf(err) != "E_RELEASE_DIGEST" {
			t.Errorf("activate a tampered package: %v", err)
		}
	})
}

func mustBody(t *testing.T, e *env, ref release.Ref) string {
	t.Helper()
	var body string
	if err := e.store.DB().Get(&body, e.store.DB().Rebind(`SELECT body FROM release_packages WHERE id = ? AND version = ?`), ref.ID, ref.Version); err != nil {
		t.Fatal(err)
	}
	return body
}
