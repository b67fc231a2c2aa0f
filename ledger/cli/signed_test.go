package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"guitai/audit"
	"guitai/audit/auditcli"
	"guitai/ledger"
	"guitai/ledger/cli"
)

// TestScriptedPostingsStayVerifiable: a script writing more audit records
// than the checkpoint interval (admin changes and postings) with tellerctl
// beside the terminal key the window created leaves a log that auditctl
// verify passes: tellerctl signs the checkpoints with that key, as the
// window does. (Without it, verify fails: records 1..50 unsigned.)
func TestScriptedPostingsStayVerifiable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	runSession(t, db, []cliStep{{"init --demo --date 2026-11-23", "", cli.ExitOK, "business date 2026-11-23"}})
	key := filepath.Join(dir, "terminal.key")
	if _, err := audit.OpenKeyFile(key, []byte(ledger.DemoPassword)); err != nil { // the window's first run
		t.Fatal(err)
	}
	steps := []cliStep{{"post cash_deposit account=6201010000000011 amount=1.00 --teller 010101", "guitai-demo\n", cli.ExitOK, "Journal no."}}
	for range 26 {
		steps = append(steps, cliStep{"user lock 010202", "", cli.ExitOK, "locked=true"}, cliStep{"user unlock 010202", "", cli.ExitOK, "locked=false"})
	}
	steps = append(steps, cliStep{"post cash_deposit account=6201010000000011 amount=2.00 --teller 010101", "guitai-demo\n", cli.ExitOK, "Journal no."})
	runSession(t, db, steps)

	var out, errb strings.Builder
	code := auditcli.Verify(context.Background(), &auditcli.Env{Stdout: &out, Stderr: &errb, NoProgress: true},
		auditcli.VerifyOptions{DBOptions: auditcli.DBOptions{DB: db}, PubKey: key + ".pub", Interval: 50})
	if code != 0 {
		t.Fatalf("auditctl verify: exit %d\n%s%s", code, out.String(), errb.String())
	}
}
