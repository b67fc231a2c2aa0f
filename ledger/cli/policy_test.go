package cli_test

import (
	"path/filepath"
	"testing"

	"guitai/ledger/cli"
)

// TestPolicyCommands: tellerctl policy list|set, and postings under the
// policy set; a replayed key says so and a conflicting one is refused.
func TestPolicyCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ledger.db")
	const dep = "post cash_deposit account=6201010000000011 --teller 010101 "
	tests := []cliStep{
		{"init --demo --date 2026-11-23", "", cli.ExitOK, "business date 2026-11-23"},
		{"policy list", "", cli.ExitOK, "cash_deposit            50,000.00 supervisor           1"},
		{"policy", "", cli.ExitUsage, "policy list"},
		{"policy set cash_deposit --role supervisor", "", cli.ExitUsage, "--threshold"},
		{"policy set cash_deposit --threshold 1e3 --role supervisor", "", cli.ExitUsage, "not an amount"},
		{"policy set cash_deposit --threshold 1000 --role supervisor --authorizers 3", "", cli.ExitUsage, "1 or 2"},
		{"policy set no_such_txn --threshold 1000 --role supervisor --json", "", cli.ExitRefused, `"code": "E_UNKNOWN_TXN"`},
		{"policy set account_lookup --threshold 1000 --role supervisor --json", "", cli.ExitRefused, `"code": "E_UNKNOWN_TXN"`},
		{"policy set cash_deposit --threshold 1000 --role teller --json", "", cli.ExitRefused, `"code": "E_AUTH_ROLE"`},
		{"--as it-admin policy set cash_deposit --threshold 1000 --role supervisor --authorizers 2", "", cli.ExitOK, "1,000.00 supervisor           2"},
		{"--json policy list", "", cli.ExitOK, `"updated_by": "it-admin"`},
		{dep + "amount=1000.00", "guitai-demo\n", cli.ExitOK, "Journal no."},
		{dep + "amount=1000.01 --json", "guitai-demo\n", cli.ExitRefused, `"field": "authorizer"`},
		{dep + "amount=1000.01 --authorizer 010199 --json", "guitai-demo\nguitai-demo\n", cli.ExitRefused, `"field": "authorizer2"`},
		{dep + "amount=1000.01 --authorizer 010199 --authorizer2 010199 --json", "guitai-demo\nguitai-demo\nguitai-demo\n", cli.ExitRefused, `"code": "E_AUTH_DUPLICATE"`},
		{dep + "amount=1000.01 --authorizer 010199 --authorizer2 000001 --json", "guitai-demo\nguitai-demo\nguitai-demo\n", cli.ExitRefused, `"code": "E_AUTH_ROLE"`},
		{"policy set cash_deposit --threshold 1000 --role supervisor", "", cli.ExitOK, "1,000.00 supervisor           1"},
		{dep + "amount=1000.01 --authorizer 010199 --json", "guitai-demo\nguitai-demo\n", cli.ExitOK, `"authorizer": "010199"`},
		{dep + "amount=1 --key k1", "guitai-demo\n", cli.ExitOK, "Journal no. 202611230101000004"},
		{dep + "amount=1 --key k1", "guitai-demo\n", cli.ExitOK, "replayed: key k1"},
		{dep + "amount=500 --key k1 --json", "guitai-demo\n", cli.ExitRefused, `"code": "E_IDEMPOTENCY_CONFLICT"`},
		{"--json eod --branch 0101", "", cli.ExitCheck, `"books_ok": true`},
	}
	runSession(t, db, tests)
}
