package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"guitai/ledger/cli"
)

// TestCommands runs a branch IT session against a fresh SQLite ledger and
// checks each command's exit code and output.
func TestCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	tests := []struct {
		args  string
		stdin string
		code  int
		want  string // substring of stdout (or stderr when the code is 2)
	}{
		{"bogus", "", cli.ExitUsage, "usage:"},
		{"init --demo --date 2026-11-23", "", cli.ExitOK, "business date 2026-11-23"},
		{"catalog check", "", cli.ExitOK, "catalog ok: 15 transactions"},
		{"--json catalog check", "", cli.ExitOK, `"ok": true`},
		{"post cash_deposit account=6201010000000011 amount=1.00", "", cli.ExitUsage, "--teller"},
		{"post cash_deposit account=6201010000000011 amount=1.00 --teller 010101", "", cli.ExitOK, "Journal no. 202611230101000002"},
		{"post cash_deposit account=6201010000000011 amount=1e3 --teller 010101 --json", "", cli.ExitRefused, `"code": "E_AMOUNT_SYNTAX"`},
		{"post cash_deposit account=6201010000000011 amount=50000.01 --teller 010101 --json", "", cli.ExitRefused, `"code": "E_AUTH_REQUIRED"`},
		{"post cash_deposit account=6201010000000011 amount=50000.01 --teller 010101 --authorizer 010199", "nope\n", cli.ExitRefused, ""},
		{"post cash_deposit account=6201010000000011 amount=50000.01 --teller 010101 --authorizer 010199 --json", "guitai-demo\n", cli.ExitOK, `"authorizer": "010199"`},
		{"post cash_deposit account=6201010000000011 amount=1 --teller 010101 --key k1 --json", "", cli.ExitOK, `"serial": "202611230101000004"`},
		{"post cash_deposit account=6201010000000011 amount=1 --teller 010101 --key k1 --json", "", cli.ExitOK, `"replayed": true`},
		{"post journal_query date_from=2026-11-23 date_to=2026-11-23 txn_code=1401 --teller 010102", "", cli.ExitOK, "journal_rows: 3 rows"},
		{"user add 010103 --name 新人 --branch 0101 --role teller", "short\n", cli.ExitRefused, ""},
		{"user add 010103 --name 新人 --branch 0101 --role teller", "long enough\n", cli.ExitOK, "010103 新人 branch=0101 role=teller locked=false"},
		{"user role 010103 supervisor", "", cli.ExitOK, "role=supervisor"},
		{"user lock 010103 --json", "", cli.ExitOK, `"locked": true`},
		{"user unlock 010103", "", cli.ExitOK, "locked=false"},
		{"user passwd 010103", "another password\n", cli.ExitOK, "010103"},
		{"user lock nobody", "", cli.ExitRefused, ""},
		{"eod", "", cli.ExitCheck, "ready to close: false"},
		{"post day_end_balance --teller 010101", "", cli.ExitRefused, ""},
		{"--json eod --branch 0102", "", cli.ExitOK, `"books_ok": true`},
	}
	for _, tt := range tests {
		var out, errb strings.Builder
		args := append([]string{"--db", db}, strings.Fields(tt.args)...)
		code := cli.Run(context.Background(), args, strings.NewReader(tt.stdin), &out, &errb)
		got := out.String()
		if tt.code == cli.ExitUsage {
			got = errb.String()
		}
		if code != tt.code || !strings.Contains(got, tt.want) {
			t.Errorf("tellerctl %s: exit %d, want %d; output:\n%s%s", tt.args, code, tt.code, out.String(), errb.String())
		}
	}
}
