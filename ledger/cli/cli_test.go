package cli_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3"

	"guitai/assets"
	"guitai/ledger"
	"guitai/ledger/cli"
)

// cliStep is one tellerctl command line of a session test and what it
// must give.
type cliStep struct {
	args  string
	stdin string
	code  int
	want  string // substring of stdout (or stderr when the code is 2)
}

// runSession runs steps in order against the ledger db and checks each
// one's exit code and output.
func runSession(t *testing.T, db string, steps []cliStep) {
	t.Helper()
	for _, tt := range steps {
		var out, errb strings.Builder
		args := append([]string{"--db", db}, strings.Fields(tt.args)...)
		code := cli.Run(context.Background(), args, strings.NewReader(tt.stdin), &out, &errb)
		got := out.String()
		if tt.code == cli.ExitUsage {
			got = errb.String()
		}
		if code != tt.code || !strings.Contains(got, tt.want) {
			t.Errorf("tellerctl %s: exit %d, want %d with %q\nstdout: %s\nstderr: %s", tt.args, code, tt.code, tt.want, out.String(), errb.String())
		}
	}
}

// TestCommands runs a branch IT session against a fresh SQLite ledger and
// checks each command's exit code and output.
func TestCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	tests := []cliStep{
		{"bogus", "", cli.ExitUsage, "usage:"},
		{"init --demo --date 2026-11-23", "", cli.ExitOK, "business date 2026-11-23"},
		{"catalog check", "", cli.ExitOK, fmt.Sprintf("catalog ok: %d transactions", len(cat))},
		{"--json catalog check", "", cli.ExitOK, `"ok": true`},
		{"post cash_deposit account=6201010000000011 amount=1.00", "", cli.ExitUsage, "--teller"},
		{"post cash_deposit account=6201010000000011 amount=1.00 --teller 010101", "guitai-demo\n", cli.ExitOK, "Journal no. 202611230101000002"},
		{"post cash_deposit account=6201010000000011 amount=1.00 --teller 010101 --json", "", cli.ExitUsage, "the teller's password"},
		{"post cash_deposit account=6201010000000011 amount=1.00 --teller 010101 --json", "wrong password\n", cli.ExitRefused, `"code": "E_BAD_CREDENTIALS"`},
		{"post cash_deposit account=6201010000000011 amount=1 amount=2 --teller 010101", "guitai-demo\n", cli.ExitUsage, "amount is given twice"},
		{"post cash_deposit account=6201010000000011 amount=1e3 --teller 010101 --json", "guitai-demo\n", cli.ExitRefused, `"code": "E_AMOUNT_SYNTAX"`},
		{"post cash_deposit account=6201010000000011 amount=50000.01 --teller 010101 --json", "guitai-demo\n", cli.ExitRefused, `"code": "E_AUTH_REQUIRED"`},
		{"post cash_deposit account=6201010000000011 amount=50000.01 --teller 010101 --authorizer 010199", "guitai-demo\nnope\n", cli.ExitRefused, ""},
		{"post cash_deposit account=6201010000000011 amount=50000.01 --teller 010101 --authorizer 010199 --json", "guitai-demo\nguitai-demo\n", cli.ExitOK, `"authorizer": "010199"`},
		{"post cash_deposit account=6201010000000011 amount=1 --teller 010101 --key k1 --json", "guitai-demo\n", cli.ExitOK, `"serial": "202611230101000004"`},
		{"post cash_deposit account=6201010000000011 amount=1 --teller 010101 --key k1 --json", "guitai-demo\n", cli.ExitOK, `"replayed": true`},
		{"post journal_query date_from=2026-11-23 date_to=2026-11-23 txn_code=1401 --teller 010102", "guitai-demo\n", cli.ExitOK, "journal_rows: 3 rows"},
		{"user add 010103 --name 新人 --branch 0101 --role teller", "short\n", cli.ExitRefused, ""},
		{"user add 010103 --name 新人 --branch 0101 --role teller", "long enough\n", cli.ExitOK, "010103 新人 branch=0101 role=teller locked=false"},
		{"user role 010103 supervisor", "", cli.ExitOK, "role=supervisor"},
		{"user lock 010103 --json", "", cli.ExitOK, `"locked": true`},
		{"user unlock 010103", "", cli.ExitOK, "locked=false"},
		{"user passwd 010103", "another password\n", cli.ExitOK, "010103"},
		{"user lock nobody", "", cli.ExitRefused, ""},
		{"eod", "", cli.ExitCheck, "ready to close: false"},
		{"post day_end_balance --teller 010101", "guitai-demo\n", cli.ExitRefused, ""},
		{"--json eod --branch 0102", "", cli.ExitOK, `"books_ok": true`},
		{"day show", "", cli.ExitOK, "branch 0101: business date 2026-11-23"},
		{"--json day close", "", cli.ExitRefused, `"code": "E_DAY_OPEN"`},
		{"day close --branch 0102", "", cli.ExitOK, "branch 0102: 2026-11-23 closed, business date 2026-11-24"},
	}
	runSession(t, db, tests)
	checkAudited(t, db)
}

// checkAudited: what the session above changed is in the audit log, with
// who did it: the admin (os:USER@HOST) for user changes, the teller for
// postings, and the refusals with their codes.
func checkAudited(t *testing.T, db string) {
	t.Helper()
	conn, err := sqlx.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows []struct {
		Action, Teller, Authorizer, Object, Result string
	}
	if err := conn.Select(&rows, `SELECT action, teller, authorizer, object, result FROM audit_log ORDER BY seq`); err != nil {
		t.Fatal(err)
	}
	have := map[string]int{}
	for _, r := range rows {
		who := r.Teller
		if strings.HasPrefix(who, "os:") {
			who = "os:"
		}
		have[strings.Join([]string{r.Action, who, r.Authorizer, r.Object, r.Result}, " ")]++
	}
	for _, want := range []string{
		"posting 010101  202611230101000002 ok",
		"login_failed 010101  010101 wrong password",
		"refused 010101  cash_deposit E_AUTH_REQUIRED",
		"login_failed 010199  010199 wrong password",
		"refused 010101 010199 cash_deposit E_BAD_CREDENTIALS",
		"authorization 010101 010199 202611230101000003 ok",
		"user_add os:  010103 ok",
		"user_role os:  010103 ok",
		"user_lock os:  010103 ok",
		"user_unlock os:  010103 ok",
		"user_passwd os:  010103 ok",
	} {
		if have[want] == 0 {
			t.Errorf("no audit record %q; have:\n%v", want, have)
		}
	}
}
