package cli_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guitai/assets"
	"guitai/devices/finger"
	"guitai/ledger"
	"guitai/ledger/cli"
)

// TestFingerCommands enrolls, identifies and removes fingers through
// tellerctl against the simulated module on a real pty, and checks that
// device failures exit with ExitDevice and a clear code.
func TestFingerCommands(t *testing.T) {
	sim, err := finger.NewSim()
	if err != nil {
		t.Skip("no pty:", err)
	}
	defer sim.Close()
	db := filepath.Join(t.TempDir(), "ledger.db")
	port := sim.Path()
	run := func(t *testing.T, args string, code int, want string) {
		t.Helper()
		var out, errb strings.Builder
		argv := append([]string{"--db", db}, strings.Fields(strings.ReplaceAll(args, "PORT", port))...)
		got := cli.Run(context.Background(), argv, strings.NewReader(""), &out, &errb)
		if got != code || !strings.Contains(out.String()+errb.String(), want) {
			t.Fatalf("tellerctl %s: exit %d, want %d with %q; output:\n%s%s", args, got, code, want, out.String(), errb.String())
		}
	}
	run(t, "init --demo --date 2026-11-23", cli.ExitOK, "")

	// Two presses of the same finger, lifted in between.
	sim.Present("sup", "", "sup")
	run(t, "user enroll-finger 010199 --port PORT --module M1", cli.ExitOK, "010199 enrolled: module=M1 page=0")
	if sim.Pages() != 1 {
		t.Fatalf("%d templates on the module", sim.Pages())
	}
	sim.Present("teller", "", "teller")
	run(t, "user enroll-finger 010101 --port PORT --module M1 --json", cli.ExitOK, `"page": 1`)
	run(t, "user fingers 010199", cli.ExitOK, "010199 module=M1 page=0")
	run(t, "user enroll-finger 010102 --port PORT --module M1 --page 0 --json", cli.ExitRefused, `"code": "E_FINGER_TAKEN"`)
	run(t, "user enroll-finger nobody --port PORT --module M1 --json", cli.ExitRefused, `"code": "E_USER_UNKNOWN"`)
	run(t, "user enroll-finger 010102 --module M1", cli.ExitUsage, "--port")
	run(t, "user enroll-finger 010102 --port PORT --timeout soon", cli.ExitUsage, "--timeout")

	// Device failures: each its own code, all exit 5.
	run(t, "user enroll-finger 010102 --port PORT --module M1 --timeout 300ms", cli.ExitDevice, "E_FINGER_NONE [finger]: no finger on the sensor")
	run(t, "user enroll-finger 010102 --port PORT --module M1 --timeout 300ms --json", cli.ExitDevice, `"code": "E_FINGER_NONE"`)
	sim.Inject(finger.FaultSilent)
	run(t, "user enroll-finger 010102 --port PORT --module M1 --json", cli.ExitDevice, `"code": "E_FINGER_TIMEOUT"`)
	sim.Inject(finger.FaultChecksum)
	run(t, "user enroll-finger 010102 --port PORT --module M1 --json", cli.ExitDevice, `"code": "E_FINGER_CHECKSUM"`)
	sim.Rest("stranger")
	run(t, "finger identify --port PORT --module M1 --json", cli.ExitDevice, `"code": "E_FINGER_NO_MATCH"`)
	sim.Rest("sup")
	run(t, "finger identify --port PORT --module M1", cli.ExitOK, "010199")
	// A page the module knows but the ledger does not belongs to nobody.
	sim.Enroll(9, "orphan")
	sim.Rest("orphan")
	run(t, "finger identify --port PORT --module M1 --json", cli.ExitRefused, `"code": "E_FINGER_UNKNOWN"`)
	sim.Rest("")
	if sim.Pages() != 3 {
		t.Fatalf("failed enrolments left templates: %d pages", sim.Pages())
	}

	// The workstation's path: identify on the device, authorize by the match.
	t.Run("authorize", func(t *testing.T) {
		ctx := context.Background()
		s, err := ledger.Open(ctx, db, ledger.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		cat, err := ledger.LoadCatalog(assets.Txns())
		if err != nil {
			t.Fatal(err)
		}
		x := ledger.NewExecutor(s, cat, nil)
		m := finger.NewModule("finger", finger.Config{Port: port, Poll: 5 * time.Millisecond})
		for _, step := range []func(context.Context) error{m.Open, m.Claim, m.Enable} {
			if err := step(ctx); err != nil {
				t.Fatal(err)
			}
		}
		defer m.Close(ctx)
		identify := func(f string) (ledger.FingerMatch, error) {
			sim.Rest(f)
			defer sim.Rest("")
			wait, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			return cli.IdentifyFinger(wait, m, "M1")
		}
		match, err := identify("sup")
		if err != nil || match != (ledger.FingerMatch{Module: "M1", Page: 0}) {
			t.Fatalf("identify: %+v, %v", match, err)
		}
		req := ledger.Request{Txn: "cash_deposit", Teller: "010101", Terminal: "T-01", Key: "finger-1",
			Values:     map[string]any{"account": ledger.AccountNumber("0101", 1), "amount": "50000.01"},
			Authorizer: &ledger.Credentials{Finger: &match}}
		r, err := x.Submit(ctx, req)
		if err != nil || r.Authorizer != "010199" {
			t.Fatalf("authorized deposit: %+v, %v", r, err)
		}
		own, err := identify("teller")
		if err != nil {
			t.Fatal(err)
		}
		req.Key, req.Authorizer = "finger-2", &ledger.Credentials{Finger: &own}
		if _, err := x.Submit(ctx, req); ledger.CodeOf(err) != "E_AUTH_SELF" {
			t.Fatalf("teller's own finger: %v", err)
		}
		if u, err := s.SignOnFinger(ctx, own, "T-01"); err != nil || u.ID != "010101" {
			t.Fatalf("sign on by finger: %+v, %v", u, err)
		}
		if _, err := identify(""); ledger.CodeOf(err) != "E_FINGER_NONE" || !errors.Is(err, &ledger.Error{Code: "E_FINGER_NONE"}) {
			t.Fatalf("no finger: %v", err)
		}
	})

	run(t, "user remove-finger 010199", cli.ExitUsage, "--module or --port")
	run(t, "user remove-finger 010199 --module M1 --page 1 --json", cli.ExitRefused, `"code": "E_FINGER_UNKNOWN"`)
	run(t, "user remove-finger 010199 --port PORT --module M1", cli.ExitOK, "010199: removed module=M1 pages=[0]")
	if sim.Pages() != 2 {
		t.Fatalf("template not deleted: %d pages", sim.Pages())
	}
	sim.Rest("sup")
	run(t, "finger identify --port PORT --module M1 --json", cli.ExitDevice, `"code": "E_FINGER_NO_MATCH"`)
	sim.Rest("")
	run(t, "user remove-finger 010101 --module M1", cli.ExitOK, "pages=[1]")
	run(t, "--json user fingers 010101", cli.ExitOK, "[]")
}

// TestEnrollDuplicateFinger: enroll-finger searches the module with the new
// template and refuses a finger that already identifies another user; the
// new template is deleted from the module again.
func TestEnrollDuplicateFinger(t *testing.T) {
	sim, err := finger.NewSim()
	if err != nil {
		t.Skip("no pty:", err)
	}
	defer sim.Close()
	db := filepath.Join(t.TempDir(), "ledger.db")
	run := func(t *testing.T, args string, code int, want string) {
		t.Helper()
		var out, errb strings.Builder
		argv := append([]string{"--db", db}, strings.Fields(strings.ReplaceAll(args, "PORT", sim.Path()))...)
		got := cli.Run(context.Background(), argv, strings.NewReader(""), &out, &errb)
		if got != code || !strings.Contains(out.String()+errb.String(), want) {
			t.Fatalf("tellerctl %s: exit %d, want %d with %q; output:\n%s%s", args, got, code, want, out.String(), errb.String())
		}
	}
	run(t, "init --demo --date 2026-11-23", cli.ExitOK, "")
	sim.Present("sup", "", "sup")
	run(t, "user enroll-finger 010199 --port PORT --module M1", cli.ExitOK, "page=0")

	// The supervisor's finger offered for a teller.
	sim.Present("sup", "", "sup")
	run(t, "user enroll-finger 010101 --port PORT --module M1 --json", cli.ExitRefused, `"code": "E_FINGER_DUPLICATE"`)
	if sim.Pages() != 1 {
		t.Fatalf("refused template left on the module: %d pages", sim.Pages())
	}
	run(t, "--json user fingers 010101", cli.ExitOK, "[]")

	// The same finger for the same user again, and another finger, are fine.
	sim.Present("sup", "", "sup")
	run(t, "user enroll-finger 010199 --port PORT --module M1", cli.ExitOK, "page=1")
	sim.Present("teller", "", "teller")
	run(t, "user enroll-finger 010101 --port PORT --module M1", cli.ExitOK, "010101 enrolled: module=M1 page=2")
	// A template the ledger gives to nobody does not block.
	sim.Enroll(9, "orphan")
	sim.Present("orphan", "", "orphan")
	run(t, "user enroll-finger 010102 --port PORT --module M1", cli.ExitOK, "010102 enrolled: module=M1 page=3")
	if sim.Pages() != 5 {
		t.Fatalf("%d templates on the module, want 5", sim.Pages())
	}
}
