package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"guitai/idnum"
	"guitai/ledger"
	"guitai/teller"
)

// firstDemoID is the ID number of the demo seed's first customer (the
// seed's generator, PCG(2026, 11), draws its birth date first).
func firstDemoID() string {
	rng := rand.New(rand.NewPCG(2026, 11))
	birth := fmt.Sprintf("%04d%02d%02d", 1950+rng.IntN(55), 1+rng.IntN(12), 1+rng.IntN(28))
	first17 := "110101" + birth + "000"
	return first17 + string(idnum.IDCheckChar(first17))
}

// TestOpenLedgerKeys: the window decides its keys as tellerctl does. A
// first run makes a demo ledger that works without any variable; a
// GUITAI_MASTER_KEY given is the one the ID numbers are sealed with (so
// tellerctl with it finds the holder); a branch ledger without the
// variables refuses to start, naming them, before any terminal key is
// made; files are 0600.
func TestOpenLedgerKeys(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	ctx := context.Background()
	const masterHex = "8899aabbccddeeff00112233445566778899"
	own := map[string]string{ledger.EnvMasterKey: masterHex, ledger.EnvKeyPassphrase: "terminal pass"}
	tests := []struct {
		name      string
		branch    bool // the ledger exists, made by tellerctl init (not a demo)
		env       map[string]string
		refuse    []string // variables the refusal names; nil: it opens
		demo      bool
		master    string // hex of the key the customers' IDs are sealed with; "" the demo key
		pass      string // the terminal key's passphrase
		customers bool   // the demo is seeded
	}{
		{name: "first run", demo: true, pass: ledger.DemoPassword, customers: true},
		{name: "first run, own keys", env: own, demo: true, master: masterHex, pass: "terminal pass", customers: true},
		{name: "branch, nothing set", branch: true, refuse: []string{ledger.EnvMasterKey, ledger.EnvKeyPassphrase}},
		{name: "branch, no passphrase", branch: true, env: map[string]string{ledger.EnvMasterKey: masterHex},
			refuse: []string{ledger.EnvKeyPassphrase}},
		{name: "branch, demo passphrase", branch: true,
			env:    map[string]string{ledger.EnvMasterKey: masterHex, ledger.EnvKeyPassphrase: ledger.DemoPassword},
			refuse: []string{ledger.EnvKeyPassphrase}},
		{name: "branch, own keys", branch: true, env: own, master: masterHex, pass: "terminal pass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dsn, keyPath := filepath.Join(dir, "guitai.db"), filepath.Join(dir, "terminal.key")
			if tt.branch {
				s, err := ledger.Open(ctx, dsn, ledger.Options{MasterKey: []byte("the branch's key 0123")})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Init(ctx, "2026-11-23"); err != nil {
					t.Fatal(err)
				}
				s.Close()
			}
			store, keys, err := openLedger(ctx, dsn, keyPath, "guitai/T01", func(k string) string { return tt.env[k] })
			if tt.refuse != nil {
				if err == nil {
					store.Close()
					t.Fatal("opened; want a refusal")
				}
				for _, v := range tt.refuse {
					if !strings.Contains(err.Error(), v) {
						t.Errorf("refusal does not name %s: %v", v, err)
					}
				}
				if _, err := os.Stat(keyPath); !os.IsNotExist(err) {
					t.Errorf("a terminal key was made before the refusal: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			if keys.Demo != tt.demo {
				t.Errorf("Demo %v, want %v", keys.Demo, tt.demo)
			}
			if hint := signOnHint(keys.Demo); strings.Contains(hint, ledger.DemoPassword) != tt.demo {
				t.Errorf("sign-on hint %q on a demo ledger %v", hint, tt.demo)
			}
			for _, f := range []string{dsn, dsn + "-wal", keyPath} {
				if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: %v %v, want mode 0600", filepath.Base(f), fi.Mode().Perm(), err)
				}
			}
			// The terminal key opens with the passphrase decided, and
			// with no other.
			if _, err := teller.TerminalKey(keyPath, []byte(tt.pass)); err != nil {
				t.Errorf("terminal key with %q: %v", tt.pass, err)
			}
			if _, err := teller.TerminalKey(keyPath, []byte(tt.pass+"x")); err == nil {
				t.Error("terminal key opened with another passphrase")
			}
			if !tt.customers {
				return
			}
			// tellerctl with the same GUITAI_MASTER_KEY finds the holder;
			// with another key it does not.
			want, _ := hex.DecodeString(tt.master)
			for _, k := range [][]byte{want, []byte("some other key, 16+ bytes")} {
				other, err := ledger.Open(ctx, dsn, ledger.Options{MasterKey: k})
				if err != nil {
					t.Fatal(err)
				}
				c, err := other.FindCustomer(ctx, firstDemoID())
				other.Close()
				if found := err == nil && c.IDNumber == firstDemoID(); found != (string(k) == string(want)) {
					t.Errorf("key %x: FindCustomer %+v %v", k, c, err)
				}
			}
		})
	}
}

func TestSignOnHint(t *testing.T) {
	for _, tt := range []struct {
		demo bool
		want string
	}{{true, "password: " + ledger.DemoPassword}, {false, ""}} {
		if got := signOnHint(tt.demo); !strings.Contains(got, tt.want) || (tt.want == "") != (got == "") {
			t.Errorf("signOnHint(%v) = %q, want %q in it", tt.demo, got, tt.want)
		}
	}
}
