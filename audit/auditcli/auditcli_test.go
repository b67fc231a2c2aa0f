package auditcli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"guitai/audit"
)

const origin = "guitai.test/cli"

type fixture struct {
	dir, db, key, pub string
	env               *Env
	out, errb         *bytes.Buffer
}

func setup(t *testing.T, n int) *fixture {
	t.Helper()
	old := audit.KDFIterations
	audit.KDFIterations = 1000
	t.Cleanup(func() { audit.KDFIterations = old })
	dir := t.TempDir()
	f := &fixture{dir: dir, db: filepath.Join(dir, "teller.db"), key: filepath.Join(dir, "k.pem"),
		pub: filepath.Join(dir, "p.pem"), out: new(bytes.Buffer), errb: new(bytes.Buffer)}
	f.env = &Env{Stdout: f.out, Stderr: f.errb, NoProgress: true,
		Password: func() ([]byte, error) { return []byte("pw"), nil }}
	ctx := context.Background()
	if code := Keygen(ctx, f.env, KeygenOptions{Out: f.key, PubOut: f.pub}); code != ExitOK {
		t.Fatalf("keygen: %d %s", code, f.errb)
	}
	os.WriteFile(f.db, nil, 0o644)
	db, _, err := OpenDB(f.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := audit.Migrate(ctx, db, audit.SQLite); err != nil {
		t.Fatal(err)
	}
	l, _ := audit.New(audit.Config{Origin: origin, Dialect: audit.SQLite})
	tx, _ := db.Begin()
	for i := 0; i < n; i++ {
		r := audit.Record{Teller: []string{"T001", "T002"}[i%2], Action: []string{"posting", "signon"}[i%2],
			Object: "J", Result: "ok", Time: time.Date(2026, 11, 20+i%3, 10, 0, 0, 0, time.UTC)}
		if _, err := l.Append(ctx, tx, r); err != nil {
			t.Fatal(err)
		}
	}
	tx.Commit()
	f.run(t, ExitOK, func() int {
		return Checkpoint(ctx, f.env, CheckpointOptions{DBOptions: DBOptions{DB: f.db, Origin: origin}, Key: f.key, Reason: "dayend"})
	})
	return f
}

func (f *fixture) run(t *testing.T, want int, fn func() int) string {
	t.Helper()
	f.out.Reset()
	f.errb.Reset()
	if got := fn(); got != want {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", got, want, f.out, f.errb)
	}
	return f.out.String()
}

func TestVerifyExitCodes(t *testing.T) {
	f := setup(t, 12)
	ctx := context.Background()
	o := VerifyOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, JSON: true}
	out := f.run(t, ExitOK, func() int { return Verify(ctx, f.env, o) })
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, out)
	}
	if rep["ok"] != true || rep["records"] != float64(12) {
		t.Fatalf("verify json: %s", out)
	}
	tamper(t, f.db, `UPDATE audit_log SET result = 'fail' WHERE seq = 5`)
	o.JSON = false
	out = f.run(t, ExitTampered, func() int { return Verify(ctx, f.env, o) })
	if !strings.Contains(out, "first bad seq 5: modified") {
		t.Errorf("verify output: %s", out)
	}
	o.PubKey = filepath.Join(f.dir, "missing.pem")
	f.run(t, ExitError, func() int { return Verify(ctx, f.env, o) })
	if !strings.Contains(f.errb.String(), "missing.pem") {
		t.Errorf("a missing public key is not named: %q", f.errb)
	}
}

// tamper changes the log behind auditctl's back; the statement must
// change a row.
func tamper(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(stmt)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("%s changed nothing", stmt)
	}
}

func TestShowAndTailFilters(t *testing.T) {
	f := setup(t, 12)
	ctx := context.Background()
	out := f.run(t, ExitOK, func() int {
		return Show(ctx, f.env, ShowOptions{DBOptions: DBOptions{DB: f.db}, JSON: true,
			Filter: audit.Filter{Teller: "T002", Since: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)}})
	})
	var seqs []uint64
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e audit.Entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if e.Teller != "T002" || e.Time.Before(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("filter let through %+v", e)
		}
		seqs = append(seqs, e.Seq)
	}
	// T002 is every even seq; days cycle 20,21,22 by seq-1 mod 3.
	if want := []uint64{2, 6, 8, 12}; !slices.Equal(seqs, want) {
		t.Errorf("seqs %v, want %v", seqs, want)
	}
	out = f.run(t, ExitOK, func() int {
		return Show(ctx, f.env, ShowOptions{DBOptions: DBOptions{DB: f.db}, Filter: audit.Filter{Limit: 3, Desc: true}})
	})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "10 ") || !strings.HasPrefix(lines[3], "12 ") {
		t.Errorf("tail table:\n%s", out)
	}
}

func TestExportAndVerifyBundle(t *testing.T) {
	f := setup(t, 30)
	ctx := context.Background()
	bundle := filepath.Join(f.dir, "b.tar")
	f.run(t, ExitOK, func() int {
		return Export(ctx, f.env, ExportOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Key: f.key, From: 5, To: 20, Out: bundle})
	})
	out := f.run(t, ExitOK, func() int { return VerifyBundle(ctx, f.env, VerifyBundleOptions{File: bundle, PubKey: f.pub}) })
	if !strings.HasPrefix(out, "OK: "+origin+" records 5..20") {
		t.Errorf("verify-bundle: %s", out)
	}
	b, _ := os.ReadFile(bundle)
	i := bytes.Index(b, []byte(`"teller":"T002"`))
	b[i+12] ^= 1
	os.WriteFile(bundle, b, 0o644)
	out = f.run(t, ExitTampered, func() int {
		return VerifyBundle(ctx, f.env, VerifyBundleOptions{File: bundle, PubKey: f.pub, JSON: true})
	})
	if !strings.Contains(out, `"file":"entries.jsonl"`) {
		t.Errorf("tampered bundle: %s", out)
	}
	// Interrupted export: exit 130 and no file.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	out2 := filepath.Join(f.dir, "c.tar")
	f.run(t, ExitInterrupted, func() int {
		return Export(cctx, f.env, ExportOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Key: f.key, Out: out2})
	})
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Error("interrupted export left a file")
	}
}

// TestKeygenRefusesOverwrite: keygen onto an existing key fails, says
// why, and leaves the key, its public half and the directory as they were.
func TestKeygenRefusesOverwrite(t *testing.T) {
	f := setup(t, 1)
	key, err := os.ReadFile(f.key)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(f.pub)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob(filepath.Join(f.dir, "*"))
	f.run(t, ExitError, func() int { return Keygen(context.Background(), f.env, KeygenOptions{Out: f.key, PubOut: f.pub + "2"}) })
	if !strings.Contains(f.errb.String(), "exists") {
		t.Errorf("stderr does not say the key exists: %q", f.errb)
	}
	if b, _ := os.ReadFile(f.key); !bytes.Equal(b, key) {
		t.Error("the existing private key was overwritten")
	}
	if b, _ := os.ReadFile(f.pub); !bytes.Equal(b, pub) {
		t.Error("the existing public key was overwritten")
	}
	if after, _ := filepath.Glob(filepath.Join(f.dir, "*")); !slices.Equal(after, before) {
		t.Errorf("files %v after the refused keygen, want %v (no new public key, no temporary file)", after, before)
	}
	// The private key still opens with its password, and is the one the
	// public key names: the log's checkpoint still verifies.
	if _, err := audit.ParseEncryptedKey(key, []byte("pw")); err != nil {
		t.Errorf("the existing key no longer opens: %v", err)
	}
	f.run(t, ExitOK, func() int {
		return Verify(context.Background(), f.env, VerifyOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub})
	})
}

func TestArchiveAndVerifySegment(t *testing.T) {
	f := setup(t, 30) // records dated 2026-11-20..22
	ctx := context.Background()
	seg := filepath.Join(f.dir, "seg.tar")
	o := ArchiveOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Key: f.key, Through: 20, Out: seg, Retention: time.Hour}
	f.run(t, ExitOK, func() int { return Archive(ctx, f.env, o) })
	v := VerifyOptions{DBOptions: DBOptions{DB: f.db}, PubKey: f.pub, Segments: []string{seg}}
	out := f.run(t, ExitOK, func() int { return Verify(ctx, f.env, v) })
	if !strings.HasPrefix(out, "OK: 30 records") {
		t.Errorf("verify: %s", out)
	}
	tamper(t, f.db, `UPDATE audit_archived SET leaf_hash = (SELECT leaf_hash FROM audit_archived WHERE seq = 3) WHERE seq = 4`)
	out = f.run(t, ExitTampered, func() int { return Verify(ctx, f.env, v) })
	if !strings.Contains(out, "FAIL") {
		t.Errorf("verify after tampering: %s", out)
	}
}
