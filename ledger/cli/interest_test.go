package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"guitai/internal/golden"
	"guitai/ledger/cli"
)

// TestInterestCommand: tellerctl interest prints the interest in yuan
// (package interest computes it; its tests hold the rules). Cases worked
// by hand, principal in fen × rate × n ÷ (12 or 360):
func TestInterestCommand(t *testing.T) {
	const dep = "interest --principal 10000 --rate 1.75 --term 12 --opened 2025-01-10 "
	tests := []struct {
		args string
		code int
		want string // stdout, or a substring of stderr when the code is 2
	}{
		// Full term: 1,000,000 × 1.75% × 12/12 = 17,500 fen.
		{dep + "--closed 2026-01-10 --demand-rate 0.25", cli.ExitOK, "175.00\n"},
		// On maturity the demand rate is not needed.
		{dep + "--closed 2026-01-10", cli.ExitOK, "175.00\n"},
		// Early, 181 days: 1,000,000 × 0.25% × 181/360 = 1,256.94 → 1,257 fen.
		{dep + "--closed 2025-07-10 --demand-rate 0.25", cli.ExitOK, "12.57\n"},
		// Overdue 50 days: 17,500 + 1,000,000 × 0.25% × 50/360 (347.22 → 347) = 17,847 fen.
		{dep + "--closed 2026-03-01 --demand-rate 0.25", cli.ExitOK, "178.47\n"},
		// Jan 31 + 1 month = Feb 29 2024: 5,000,000 × 1.35% × 1/12 = 5,625 fen.
		{"interest --principal 50,000.00 --rate 1.35 --term 1 --opened 2024-01-31 --closed 2024-02-29", cli.ExitOK, "56.25\n"},
		// Partial early withdrawal of 4,000.00 after 181 days: 400,000 × 0.25% × 181/360 = 502.78 → 503 fen.
		{dep + "--closed 2025-07-10 --demand-rate 0.25 --withdraw 4000", cli.ExitOK, "5.03\n"},

		{"interest --principal 10000", cli.ExitUsage, "missing --rate"},
		{dep + "--closed 2026-01-10 extra", cli.ExitUsage, "usage:"},
		{dep + "--closed 2025-07-10 --json", cli.ExitRefused, `"code": "E_REQUIRED"`},
		{dep + "--closed 2025-07-10 --demand-rate 0.25 --json --withdraw 10000", cli.ExitRefused, `"code": "E_PARTIAL"`},
		{dep + "--closed 2026-02-10 --demand-rate 0.25 --json --withdraw 100", cli.ExitRefused, `"code": "E_PARTIAL"`},
		{"interest --principal 1.005 --rate 1.75 --term 12 --opened 2025-01-10 --closed 2026-01-10 --json", cli.ExitRefused, `"code": "E_AMOUNT_PRECISION"`},
		{"interest --principal 1e4 --rate 1.75 --term 12 --opened 2025-01-10 --closed 2026-01-10 --json", cli.ExitRefused, `"code": "E_AMOUNT_SYNTAX"`},
		{"interest --principal -5 --rate 1.75 --term 12 --opened 2025-01-10 --closed 2026-01-10 --json", cli.ExitRefused, `"code": "E_AMOUNT_MIN"`},
		{"interest --principal 10000 --rate 1.75% --term 12 --opened 2025-01-10 --closed 2026-01-10 --json", cli.ExitRefused, `"code": "E_RATE_SYNTAX"`},
		{"interest --principal 10000 --rate 1.23456 --term 12 --opened 2025-01-10 --closed 2026-01-10 --json", cli.ExitRefused, `more than four decimal places (5)`},
		{dep + "--closed 2025-07-10 --demand-rate 101 --json", cli.ExitRefused, `"code": "E_RATE_RANGE"`},
		{"interest --principal 10000 --rate 1.75 --term twelve --opened 2025-01-10 --closed 2026-01-10 --json", cli.ExitRefused, `"code": "E_INT_SYNTAX"`},
		{"interest --principal 10000 --rate 1.75 --term 0 --opened 2025-01-10 --closed 2026-01-10 --json", cli.ExitRefused, `"code": "E_INT_RANGE"`},
		{"interest --principal 10000 --rate 1.75 --term 12 --opened 2025-02-30 --closed 2026-01-10 --json", cli.ExitRefused, `"field": "opened"`},
		{dep + "--closed 2025-01-09 --demand-rate 0.25 --json", cli.ExitRefused, `"code": "E_DATE_ORDER"`},
	}
	for _, tt := range tests {
		var out, errb strings.Builder
		code := cli.Run(context.Background(), strings.Fields(tt.args), strings.NewReader(""), &out, &errb)
		ok := out.String() == tt.want
		switch {
		case tt.code == cli.ExitUsage:
			ok = strings.Contains(errb.String(), tt.want)
		case tt.code != cli.ExitOK:
			ok = strings.Contains(out.String(), tt.want)
		}
		if code != tt.code || !ok {
			t.Errorf("tellerctl %s: exit %d, want %d with %q\nstdout: %s\nstderr: %s", tt.args, code, tt.code, tt.want, out.String(), errb.String())
		}
	}
}

// TestInterestJSON: the --json output of a full, an early, an overdue and
// a partial closing (the figures of TestInterestCommand), against
// testdata/interest.golden.
func TestInterestJSON(t *testing.T) {
	const dep = "--json interest --principal 10000 --rate 1.75 --term 12 --opened 2025-01-10 --demand-rate 0.25 "
	var all strings.Builder
	for _, args := range []string{
		dep + "--closed 2026-01-10",
		dep + "--closed 2025-07-10",
		dep + "--closed 2026-03-01",
		dep + "--closed 2025-07-10 --withdraw 4000",
	} {
		var out, errb strings.Builder
		if code := cli.Run(context.Background(), strings.Fields(args), strings.NewReader(""), &out, &errb); code != cli.ExitOK {
			t.Fatalf("tellerctl %s: exit %d: %s", args, code, errb.String())
		}
		all.WriteString("$ tellerctl " + args + "\n" + out.String())
	}
	golden.Check(t, filepath.Join("testdata", "interest.golden"), []byte(all.String()))
}
