package cli_test

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"guitai/ledger"
	"guitai/ledger/cli"
)

// TestKeys: tellerctl takes GUITAI_MASTER_KEY as the window does — the
// demo key only on a demo ledger (init --demo); any other ledger refuses
// to open without the variable, or with the demo key, naming it.
func TestKeys(t *testing.T) {
	const branchKey = "00112233445566778899aabbccddeeff"
	demoKey := hex.EncodeToString([]byte("guitai demo master key - do not use in a branch"))
	type step struct {
		args, key string
		code      int
		want      string // in stdout and stderr
	}
	tests := []struct {
		name  string
		steps []step
		demo  bool // IsDemo at the end
	}{
		{"demo ledger", []step{
			{"init --demo --date 2026-11-23", "", cli.ExitOK, "GUITAI_MASTER_KEY is unset"},
			{"day show", "", cli.ExitOK, "business date 2026-11-23"},
		}, true},
		{"branch ledger", []step{
			{"init --date 2026-11-23", "", cli.ExitRefused, "set GUITAI_MASTER_KEY"},
			{"init --date 2026-11-23", demoKey, cli.ExitRefused, "GUITAI_MASTER_KEY is the demo key"},
			{"init --date 2026-11-23", "0011", cli.ExitUsage, "GUITAI_MASTER_KEY must be 16 or more bytes of hex"},
			{"init --date 2026-11-23", branchKey, cli.ExitOK, "business date 2026-11-23"},
			{"day show", "", cli.ExitRefused, "set GUITAI_MASTER_KEY"},
			{"day show", branchKey, cli.ExitOK, "business date 2026-11-23"},
			{"init --demo --date 2026-11-23", "", cli.ExitRefused, "set GUITAI_MASTER_KEY"},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "ledger.db")
			for _, st := range tt.steps {
				t.Setenv(ledger.EnvMasterKey, st.key)
				var out, errb strings.Builder
				code := cli.Run(context.Background(), append([]string{"--db", db}, strings.Fields(st.args)...),
					strings.NewReader(""), &out, &errb)
				if got := out.String() + errb.String(); code != st.code || !strings.Contains(got, st.want) {
					t.Errorf("GUITAI_MASTER_KEY=%q tellerctl %s: exit %d, want %d with %q; output:\n%s", st.key, st.args, code, st.code, st.want, got)
				}
			}
			s, err := ledger.Open(context.Background(), db, ledger.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if demo, err := s.IsDemo(context.Background()); err != nil || demo != tt.demo {
				t.Errorf("IsDemo %v %v, want %v", demo, err, tt.demo)
			}
		})
	}
}
