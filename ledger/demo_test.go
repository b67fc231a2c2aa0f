package ledger_test

import (
	"context"
	"crypto"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"guitai/audit"
	"guitai/ledger"
)

// demoKeyHex is the built-in demo master key as GUITAI_MASTER_KEY would
// carry it.
var demoKeyHex = hex.EncodeToString([]byte("guitai demo master key - do not use in a branch"))

const branchKeyHex = "00112233445566778899aabbccddeeff0011"

// envOf is a getenv over vars alone (never the process environment).
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestDecideKeys: the demo key and passphrase only on a demo ledger; on
// any other a missing or demo-valued variable is refused, naming it.
func TestDecideKeys(t *testing.T) {
	if !ledger.IsDemoMasterKey(mustHex(t, demoKeyHex)) {
		t.Fatal("demoKeyHex is not the demo key")
	}
	tests := []struct {
		name       string
		demo, pass bool
		env        map[string]string
		wantCodes  []string // codes of the refusals, in order; nil: allowed
		wantNames  []string // variables the refusal names
		master     string   // hex of Keys.Master when allowed ("" = nil, the demo key)
		passphrase string   // Keys.Passphrase when allowed
	}{
		{name: "demo, nothing set", demo: true, pass: true, passphrase: ledger.DemoPassword},
		{name: "demo, tellerctl", demo: true},
		{name: "demo, own keys", demo: true, pass: true,
			env:    map[string]string{ledger.EnvMasterKey: branchKeyHex, ledger.EnvKeyPassphrase: "s3cret pass"},
			master: branchKeyHex, passphrase: "s3cret pass"},
		{name: "demo, demo key given", demo: true, env: map[string]string{ledger.EnvMasterKey: demoKeyHex}, master: demoKeyHex},
		{name: "branch, nothing set", pass: true, wantCodes: []string{"E_KEY_MISSING", "E_KEY_MISSING"},
			wantNames: []string{ledger.EnvMasterKey, ledger.EnvKeyPassphrase}},
		{name: "branch, tellerctl, nothing set", wantCodes: []string{"E_KEY_MISSING"}, wantNames: []string{ledger.EnvMasterKey}},
		{name: "branch, tellerctl, key set", env: map[string]string{ledger.EnvMasterKey: branchKeyHex}, master: branchKeyHex},
		{name: "branch, passphrase unset", pass: true, env: map[string]string{ledger.EnvMasterKey: branchKeyHex},
			wantCodes: []string{"E_KEY_MISSING"}, wantNames: []string{ledger.EnvKeyPassphrase}},
		{name: "branch, master unset", pass: true, env: map[string]string{ledger.EnvKeyPassphrase: "s3cret pass"},
			wantCodes: []string{"E_KEY_MISSING"}, wantNames: []string{ledger.EnvMasterKey}},
		{name: "branch, demo master key", pass: true,
			env:       map[string]string{ledger.EnvMasterKey: demoKeyHex, ledger.EnvKeyPassphrase: "s3cret pass"},
			wantCodes: []string{"E_KEY_DEMO"}, wantNames: []string{ledger.EnvMasterKey}},
		{name: "branch, demo passphrase", pass: true,
			env:       map[string]string{ledger.EnvMasterKey: branchKeyHex, ledger.EnvKeyPassphrase: ledger.DemoPassword},
			wantCodes: []string{"E_KEY_DEMO"}, wantNames: []string{ledger.EnvKeyPassphrase}},
		{name: "branch, own keys", pass: true,
			env:    map[string]string{ledger.EnvMasterKey: branchKeyHex, ledger.EnvKeyPassphrase: "s3cret pass"},
			master: branchKeyHex, passphrase: "s3cret pass"},
		{name: "short key", demo: true, env: map[string]string{ledger.EnvMasterKey: "00112233"},
			wantCodes: []string{"E_KEY_MALFORMED"}, wantNames: []string{ledger.EnvMasterKey}},
		{name: "not hex", env: map[string]string{ledger.EnvMasterKey: strings.Repeat("zz", 16)},
			wantCodes: []string{"E_KEY_MALFORMED"}, wantNames: []string{ledger.EnvMasterKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ledger.DecideKeys(tt.demo, tt.pass, envOf(tt.env))
			if tt.wantCodes != nil {
				checkRefusal(t, err, tt.wantCodes, tt.wantNames)
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got := hex.EncodeToString(k.Master); got != tt.master {
				t.Errorf("Master %q, want %q", got, tt.master)
			}
			if string(k.Passphrase) != tt.passphrase {
				t.Errorf("Passphrase %q, want %q", k.Passphrase, tt.passphrase)
			}
			if k.Demo != tt.demo {
				t.Errorf("Demo %v", k.Demo)
			}
		})
	}
}

// checkRefusal: err joins refusals with exactly codes, in order, each
// naming its variable in its message (both languages).
func checkRefusal(t *testing.T, err error, codes, names []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("allowed, want %v", codes)
	}
	var got []*ledger.Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			var le *ledger.Error
			if errors.As(e, &le) {
				got = append(got, le)
			}
		}
	} else {
		var le *ledger.Error
		if errors.As(err, &le) {
			got = append(got, le)
		}
	}
	if len(got) != len(codes) {
		t.Fatalf("refusals %v, want codes %v", err, codes)
	}
	for i, e := range got {
		if string(e.Code) != codes[i] || e.Field != names[i] {
			t.Errorf("refusal %d: %s [%s], want %s [%s]", i, e.Code, e.Field, codes[i], names[i])
		}
		if !strings.Contains(e.Msg.Zh, names[i]) || !strings.Contains(e.Msg.En, names[i]) {
			t.Errorf("refusal %d does not name %s: %q / %q", i, names[i], e.Msg.Zh, e.Msg.En)
		}
		if !strings.Contains(err.Error(), names[i]) {
			t.Errorf("error text does not name %s: %v", names[i], err)
		}
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestIsDemo: only a ledger seeded with the demo is marked, including one
// seeded before the mark existed (migration 00005 recognises its seed).
func TestIsDemo(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		seed   string // "", "init", "demo"
		remark bool   // undo migration 00005 and run it again, as on a ledger from before it
		want   bool
	}{
		{"fresh", "", false, false},
		{"init", "init", false, false},
		{"seeded", "demo", false, true},
		{"seeded before the mark", "demo", true, true},
		{"init before the mark", "init", true, false},
	}
	eachBackend(t, func(t *testing.T, backend string) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dsn := dsnFor(t, backend)
				s := openPlain(t, dsn)
				switch tt.seed {
				case "init":
					if err := s.Init(ctx, bizDate); err != nil {
						t.Fatal(err)
					}
				case "demo":
					if err := s.SeedDemo(ctx, bizDate); err != nil {
						t.Fatal(err)
					}
				}
				if tt.remark {
					// Back to a ledger of migration 00004: the later
					// migrations are undone by their own Down sections,
					// newest first, and run again at the next Open.
					for _, q := range append(downTo(t, 4), `DELETE FROM goose_db_version WHERE version_id >= 5`) {
						if _, err := s.DB().Exec(q); err != nil {
							t.Fatal(q, err)
						}
					}
					s.Close()
					s = openPlain(t, dsn)
				}
				got, err := s.IsDemo(ctx)
				if err != nil || got != tt.want {
					t.Fatalf("IsDemo %v %v, want %v", got, err, tt.want)
				}
			})
		}
	})
}

// downTo returns the statements of the Down sections of the ledger's
// migrations after version, newest first: what winds a ledger back to
// that version (the migrations' own text, so a new migration is undone
// without this test knowing it).
func downTo(t *testing.T, version int) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(files)))
	var out []string
	for _, f := range files {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if n <= version {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, down, ok := strings.Cut(string(b), "-- +goose Down")
		if !ok {
			t.Fatalf("%s has no Down section", f)
		}
		// Statements end with ';' at the end of a line, except inside a
		// StatementBegin/StatementEnd block.
		var cur strings.Builder
		block := false
		for _, line := range strings.Split(down, "\n") {
			trim := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(trim, "-- +goose StatementBegin"):
				block = true
				continue
			case strings.HasPrefix(trim, "-- +goose StatementEnd"):
				block = false
				if q := strings.TrimSpace(cur.String()); q != "" {
					out = append(out, q)
				}
				cur.Reset()
				continue
			case strings.HasPrefix(trim, "--") || trim == "":
				continue
			}
			cur.WriteString(line + "\n")
			if !block && strings.HasSuffix(trim, ";") {
				out = append(out, strings.TrimSpace(cur.String()))
				cur.Reset()
			}
		}
		if q := strings.TrimSpace(cur.String()); q != "" {
			out = append(out, q)
		}
	}
	return out
}

// eachBackend runs fn as a subtest on SQLite and on PostgreSQL, without a
// ledger of its own (eachDB seeds one).
func eachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) { fn(t, name) })
	}
}

func openPlain(t testing.TB, dsn string) *ledger.Store {
	t.Helper()
	s, err := ledger.Open(context.Background(), dsn, ledger.Options{PasswordIterations: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestOpenKeyed: what the window and tellerctl do. A demo ledger (or the
// first run, which seeds one) works without variables; a branch ledger
// without them, or with the demo ones, refuses to open, naming them; the
// terminal key is loaded with the passphrase allowed, and signs.
func TestOpenKeyed(t *testing.T) {
	ctx := context.Background()
	own := map[string]string{ledger.EnvMasterKey: branchKeyHex, ledger.EnvKeyPassphrase: "s3cret pass"}
	tests := []struct {
		name      string
		ledger    string // "empty", "branch" (Init), "demo" (SeedDemo)
		src       ledger.KeySource
		signer    bool
		env       map[string]string
		wantCodes []string
		wantNames []string
		wantDemo  bool
		wantPass  string // passphrase the signer got
	}{
		{name: "first run seeds the demo", ledger: "empty", src: ledger.KeySource{SeedDemo: true, BusinessDate: bizDate},
			signer: true, wantDemo: true, wantPass: ledger.DemoPassword},
		{name: "demo ledger", ledger: "demo", signer: true, wantDemo: true, wantPass: ledger.DemoPassword},
		{name: "demo ledger, own keys", ledger: "demo", signer: true, env: own, wantDemo: true, wantPass: "s3cret pass"},
		{name: "init --demo", ledger: "empty", src: ledger.KeySource{NewDemo: true}, wantDemo: true},
		{name: "init", ledger: "empty", wantCodes: []string{"E_KEY_MISSING"}, wantNames: []string{ledger.EnvMasterKey}},
		{name: "branch, window, nothing set", ledger: "branch", signer: true,
			wantCodes: []string{"E_KEY_MISSING", "E_KEY_MISSING"}, wantNames: []string{ledger.EnvMasterKey, ledger.EnvKeyPassphrase}},
		{name: "branch, window seeds nothing", ledger: "branch", signer: true, src: ledger.KeySource{SeedDemo: true, BusinessDate: bizDate},
			wantCodes: []string{"E_KEY_MISSING", "E_KEY_MISSING"}, wantNames: []string{ledger.EnvMasterKey, ledger.EnvKeyPassphrase}},
		{name: "branch, tellerctl, nothing set", ledger: "branch", wantCodes: []string{"E_KEY_MISSING"}, wantNames: []string{ledger.EnvMasterKey}},
		{name: "branch, tellerctl --demo", ledger: "branch", src: ledger.KeySource{NewDemo: true},
			wantCodes: []string{"E_KEY_MISSING"}, wantNames: []string{ledger.EnvMasterKey}},
		{name: "branch, demo keys", ledger: "branch", signer: true,
			env:       map[string]string{ledger.EnvMasterKey: demoKeyHex, ledger.EnvKeyPassphrase: ledger.DemoPassword},
			wantCodes: []string{"E_KEY_DEMO", "E_KEY_DEMO"}, wantNames: []string{ledger.EnvMasterKey, ledger.EnvKeyPassphrase}},
		{name: "branch, own keys", ledger: "branch", signer: true, env: own, wantPass: "s3cret pass"},
	}
	eachBackend(t, func(t *testing.T, backend string) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dsn := dsnFor(t, backend)
				if tt.ledger != "empty" {
					s := openPlain(t, dsn)
					var err error
					if tt.ledger == "demo" {
						err = s.SeedDemo(ctx, bizDate)
					} else {
						err = s.Init(ctx, bizDate)
					}
					if err != nil {
						t.Fatal(err)
					}
					s.Close()
				}
				src := tt.src
				src.Getenv = envOf(tt.env)
				var gotPass []byte
				called := false
				if tt.signer {
					src.Signer = func(p []byte) (crypto.Signer, error) {
						called, gotPass = true, p
						return audit.GenerateKey()
					}
				}
				s, k, err := ledger.OpenKeyed(ctx, dsn, ledger.Options{PasswordIterations: 1000}, src)
				if tt.wantCodes != nil {
					checkRefusal(t, err, tt.wantCodes, tt.wantNames)
					if s != nil || called {
						t.Errorf("refused, yet store %v, signer called %v", s != nil, called)
					}
					return
				}
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				defer s.Close()
				if tt.src.NewDemo && tt.ledger == "empty" { // tellerctl init --demo seeds it now
					if err := s.SeedDemo(ctx, bizDate); err != nil {
						t.Fatal(err)
					}
				}
				demo, err := s.IsDemo(ctx)
				if err != nil || demo != tt.wantDemo || k.Demo != tt.wantDemo {
					t.Fatalf("IsDemo %v %v, Keys.Demo %v, want %v", demo, err, k.Demo, tt.wantDemo)
				}
				if string(gotPass) != tt.wantPass {
					t.Errorf("signer got passphrase %q, want %q", gotPass, tt.wantPass)
				}
				if !tt.signer {
					return
				}
				// The key signs: a sign-on anchors the log.
				if tt.ledger == "branch" {
					if err := s.AddUser(ctx, ledger.User{ID: "010101", Name: "t", Branch: "0101", Role: ledger.RoleTeller}, "long enough"); err != nil {
						t.Fatal(err)
					}
					if _, err := s.SignOn(ctx, "010101", "long enough", "T01"); err != nil {
						t.Fatal(err)
					}
				} else if _, err := s.SignOn(ctx, "010101", ledger.DemoPassword, "T01"); err != nil {
					t.Fatal(err)
				}
				st, err := s.AuditState(ctx)
				if err != nil || st.Records == 0 || st.Anchored != st.Records {
					t.Fatalf("audit state %+v %v: the terminal key did not sign", st, err)
				}
			})
		}
	})
}

// TestDatabaseFileMode: a new SQLite ledger, its -wal and -shm files are
// 0600 even under umask 0; an existing file keeps its mode.
func TestDatabaseFileMode(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := t.TempDir()
	tests := []struct {
		name     string
		existing os.FileMode // 0: no file before Open
		want     os.FileMode
	}{
		{"new", 0, 0o600},
		{"existing", 0o640, 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".db")
			if tt.existing != 0 {
				if err := os.WriteFile(path, nil, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			s := openPlain(t, path)
			if err := s.Init(context.Background(), bizDate); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != tt.want {
					t.Errorf("%s: mode %04o, want %04o", filepath.Base(f), fi.Mode().Perm(), tt.want)
				}
			}
		})
	}
}

// TestContactsSealed: phone numbers and addresses are stored encrypted
// like ID numbers — the seed's, and open_account's, whose params are of
// type pii and are sealed before any step sees them, so SealContacts
// (run by OpenKeyed, for older ledgers) finds nothing in clear — and
// read back only with the key.
func TestContactsSealed(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		db := e.store.DB()
		var clear, sealed int
		if err := db.QueryRow(`SELECT COUNT(*) FROM customers WHERE phone <> '' OR address <> ''`).Scan(&clear); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT COUNT(*) FROM customers WHERE phone_cipher <> ''`).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if clear != 0 || sealed != 200 {
			t.Fatalf("seed: %d customers with clear contacts, %d with a sealed phone; want 0, 200", clear, sealed)
		}
		id := "11010119900307003"
		id += string(checkChar(id))
		const phone, address = "13800001111", "北京市东城区"
		r := e.must(t, "open_account", T1, nil, map[string]any{"cust_name": "赵六", "idcard": id, "gender": "m",
			"birth_date": "1990-03-07", "phone": phone, "occupation": "x", "address": address, "product": "demand"})
		cust := r.Values["customer_id"]
		if n, err := e.store.SealContacts(ctx); err != nil || n != 0 {
			t.Fatalf("SealContacts after open_account: %d %v, want 0 (nothing in clear)", n, err)
		}
		var p, a, pc, ac string
		if err := db.QueryRow(db.Rebind(`SELECT phone, address, phone_cipher, address_cipher FROM customers WHERE id = ?`), cust).
			Scan(&p, &a, &pc, &ac); err != nil {
			t.Fatal(err)
		}
		if p != "" || a != "" || pc == "" || ac == "" || pc == ac || strings.Contains(pc, phone) || strings.Contains(ac, "北京") {
			t.Fatalf("stored phone %q address %q, sealed %q %q", p, a, pc, ac)
		}
		c, err := e.store.FindCustomer(ctx, id)
		if err != nil || c.Phone != phone || c.Address != address || c.IDNumber != id {
			t.Fatalf("FindCustomer: %+v %v", c, err)
		}
		// A sealed phone is no ID number: swapped into id_cipher it does
		// not open.
		if _, err := db.Exec(db.Rebind(`UPDATE customers SET id_cipher = phone_cipher WHERE id = ?`), cust); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.FindCustomer(ctx, id); ledger.CodeOf(err) != "E_DB" {
			t.Fatalf("phone cipher opened as an ID number: %v", err)
		}
		// OpenKeyed seals what is left in clear.
		if _, err := db.Exec(db.Rebind(`UPDATE customers SET phone = ? WHERE id = ?`), "13900002222", cust); err != nil {
			t.Fatal(err)
		}
		s, _, err := ledger.OpenKeyed(ctx, e.dsn, ledger.Options{PasswordIterations: 1000}, ledger.KeySource{Getenv: envOf(nil)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := db.QueryRow(db.Rebind(`SELECT phone, phone_cipher FROM customers WHERE id = ?`), cust).Scan(&p, &pc); err != nil {
			t.Fatal(err)
		}
		if p != "" || pc == "" {
			t.Fatalf("after OpenKeyed: phone %q, sealed %q", p, pc)
		}
	})
}
