package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"guitai/ledger/cli"
)

// TestAMLReport: tellerctl aml report on a demo ledger: cash deposits of
// 50,000.00 (reported) and 49,999.99 (not), the default date being the
// business date of branch 0101.
func TestAMLReport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	const dep = "post cash_deposit --teller 010101 amount=" // account 1 of 0101 is customer 1's, 2 customer 2's
	tests := []cliStep{
		{"init --demo --date 2026-11-23", "", cli.ExitOK, "business date 2026-11-23"},
		{"aml report", "", cli.ExitOK, "large cash report 2026-11-23: cash in or out of 50,000.00 yuan or more, 0 customers"},
		{dep + "50000.00 account=6201010000000011", "guitai-demo\n", cli.ExitOK, "Journal no."},
		{dep + "49999.99 account=6201010000000029", "guitai-demo\n", cli.ExitOK, "Journal no."},
		{"aml report", "", cli.ExitOK, "1 customers"},
		{"aml report --date 2026-11-23", "", cli.ExitOK, "50,000.00           0.00     1  6201010000000011\n"},
		{"--json aml report", "", cli.ExitOK, `"cash_in": "50000.00"`},
		{"--json aml report", "", cli.ExitOK, `"customer_id": "C010100000001"`},
		{"--json aml report", "", cli.ExitOK, `"id_number": "110101********`},
		{"--json aml report --date 2026-11-24", "", cli.ExitOK, `"customers": []`},
		{"--json aml report --date 2026-13-01", "", cli.ExitRefused, `"code": "E_DATE_SYNTAX"`},
		{"aml", "", cli.ExitUsage, "aml report"},
		{"aml report --branch 9999 --json", "", cli.ExitRefused, `"code": "E_BRANCH_UNKNOWN"`},
	}
	runSession(t, db, tests)
	var out, errb strings.Builder
	cli.Run(context.Background(), []string{"--db", db, "--json", "aml", "report"}, strings.NewReader(""), &out, &errb)
	if strings.Contains(out.String(), "6201010000000029") {
		t.Errorf("49,999.99 reported:\n%s", out.String())
	}
}
