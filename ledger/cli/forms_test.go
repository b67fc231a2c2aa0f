package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"guitai/assets"
	"guitai/dsl"
	"guitai/ledger/cli"
)

// TestFormsCommands: tellerctl forms end to end on a demo ledger — submit
// v2 of cash_deposit, refused to its submitter, approved by another
// supervisor, activated for branch 0101 and a pilot terminal, resolved,
// shown, diffed against the built-in v1 and rolled back — and every step
// in the audit log.
func TestFormsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	v2 := filepath.Join("..", "..", "release", "testdata", "cash_deposit_v2")
	builtinForm := filepath.Join("..", "..", "assets", "forms", "cash_deposit.form.json")
	src, err := assets.FormSource("cash_deposit.form.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := dsl.Decode(src)
	if err != nil {
		t.Fatal(err)
	}
	f.Submit = nil
	noTxn := filepath.Join(dir, "cash_deposit.form.json")
	if err := os.WriteFile(noTxn, dsl.Encode(f), 0o644); err != nil {
		t.Fatal(err)
	}
	// The built-in form retitled, its version left as it was: against the
	// latest version the ledger holds by then (v2, 1.2.0, which added a
	// field) it drops a field, so the ledger derives 2.0.0.
	f, err = dsl.Decode(src)
	if err != nil {
		t.Fatal(err)
	}
	f.Title.En += " (counter)"
	stale := filepath.Join(t.TempDir(), "cash_deposit.form.json")
	if err := os.WriteFile(stale, dsl.Encode(f), 0o644); err != nil {
		t.Fatal(err)
	}
	const pw = "guitai-demo\n"
	tests := []cliStep{
		{"init --demo --date 2026-11-23", "", cli.ExitOK, "business date 2026-11-23"},
		{"user add 010198 --name S2 --branch 0101 --role supervisor", "long enough\n", cli.ExitOK, "role=supervisor"},
		{"forms", "", cli.ExitUsage, "forms submit FILE|DIR"},
		{"forms bogus", "", cli.ExitUsage, `unknown command "bogus"`},
		{"forms submit " + v2, pw, cli.ExitUsage, "needs --as USER"},
		{"forms approve cash_deposit --as 010198", pw, cli.ExitUsage, "is not ID@VERSION"},
		{"forms resolve cash_deposit", "", cli.ExitUsage, "needs --branch"},
		{"forms submit " + v2 + " --as 010199 --json", "wrong\n", cli.ExitRefused, `"code": "E_BAD_CREDENTIALS"`},
		{"forms submit " + v2 + " --as 010199", pw, cli.ExitOK, "waiting for approval by a supervisor or admin other than 010199"},
		{"forms show cash_deposit@2", "", cli.ExitOK, "form cash_deposit 1.2.0"},
		{"forms list", "", cli.ExitOK, "cash_deposit@2           submitted"},
		{"forms resolve cash_deposit --branch 0101 --terminal T-01", "", cli.ExitOK, "builtin@1 (built in)"},
		{"forms activate cash_deposit@2 --branch 0101 --as 010198 --json", "long enough\n", cli.ExitRefused, `"code": "E_RELEASE_STATE"`},
		{"forms approve cash_deposit@2 --as 010199 --json", pw, cli.ExitRefused, `"code": "E_SELF_APPROVAL"`},
		{"forms approve cash_deposit@2 --as 010101 --json", pw, cli.ExitRefused, `"code": "E_RELEASE_ROLE"`},
		{"forms approve cash_deposit@2 --as 010198", "long enough\n", cli.ExitOK, "cash_deposit@2 approved by 010198"},
		{"forms activate cash_deposit@2 --branch 0101 --terminal T-09 --json --terminal=T-10,T-11 --as 010198", "long enough\n", cli.ExitOK, `"value": "T-11"`},
		{"forms resolve cash_deposit --branch 0101 --terminal T-01", "", cli.ExitOK, "cash_deposit@2 (active for branch:0101)"},
		{"forms resolve cash_deposit --branch 0102 --terminal T-02", "", cli.ExitOK, "builtin@1 (built in)"},
		{"forms resolve cash_deposit --branch 0102 --terminal T-09 --json", "", cli.ExitOK, `"package": "cash_deposit@2"`},
		{"forms show cash_deposit@2", "", cli.ExitOK, "activation 1 for branch:0101: active (by 010198"},
		{"forms show cash_deposit@2 --json", "", cli.ExitOK, `"release": "guitai.release/1"`},
		{"forms diff cash_deposit@1 cash_deposit@2", "", cli.ExitOK, "+ param purpose (string)"},
		{"forms list --json", "", cli.ExitOK, `"approved_by": "010198"`},
		{"forms submit " + builtinForm + " --version 2 --as 010101 --json", pw, cli.ExitRefused, `"code": "E_RELEASE_VERSION_TAKEN"`},
		{"forms submit " + noTxn + " --as 010101 --json", pw, cli.ExitRefused, `"code": "E_RELEASE_NO_TXN"`},
		{"forms submit " + builtinForm + " --as 010101", pw, cli.ExitOK, "cash_deposit@3 cash_deposit: submitted by 010101"},
		{"forms submit " + stale + " --as 010101", pw, cli.ExitOK, "form cash_deposit version 2.0.0 (the file said 1.1.0; versions follow the semantic diff)"},
		{"forms rollback cash_deposit --branch 0101 --as 010199", pw, cli.ExitOK, "no version of it is active there now"},
		{"forms rollback cash_deposit --branch 0101 --as 010199 --json", pw, cli.ExitRefused, `"code": "E_RELEASE_NOT_ACTIVE"`},
		{"forms resolve cash_deposit --branch 0101 --terminal T-01", "", cli.ExitOK, "builtin@1"},
		{"forms resolve cash_deposit --branch 0101 --terminal=T-09", "", cli.ExitOK, "cash_deposit@2 (active for terminal:T-09)"},
		{"forms resolve no_such_form --branch 0101 --json", "", cli.ExitRefused, `"code": "E_RELEASE_UNKNOWN"`},
	}
	runSession(t, db, tests)
	if fi, err := os.Stat(filepath.Join(dir, "terminal.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the terminal key beside the ledger: %v %v", fi, err)
	}

	conn, err := sqlx.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows []struct{ Action, Teller, Object, Result string }
	if err := conn.Select(&rows, `SELECT action, teller, object, result FROM audit_log ORDER BY seq`); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.Action+" "+r.Teller+" "+r.Object+" "+r.Result] = true
	}
	for _, want := range []string{
		"release_submit 010199 cash_deposit@2 ok",
		"refused 010199 cash_deposit@2 E_SELF_APPROVAL",
		"release_approve 010198 cash_deposit@2 ok",
		"release_activate 010198 cash_deposit@2 branch:0101 ok",
		"release_activate 010198 cash_deposit@2 terminal:T-09 ok",
		"refused 010101 cash_deposit@2 E_RELEASE_VERSION_TAKEN",
		"release_submit 010101 cash_deposit@3 ok",
		"release_rollback 010199 cash_deposit@2 branch:0101 ok",
	} {
		if !have[want] {
			t.Errorf("no audit record %q", want)
		}
	}
}
