package witness_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"guitai/audit"
	"guitai/audit/auditcli"
	"guitai/witness"
)

const origin = "guitai.test/branch-0101/T07"

// TestMain runs the witness program itself when re-executed by
// startWitness, so the witness is a separate process.
func TestMain(m *testing.M) {
	if os.Getenv("GUITAI_WITNESS_CHILD") == "1" {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { // the parent closing stdin ends the child
			bufio.NewReader(os.Stdin).ReadString(0)
			cancel()
		}()
		os.Exit(witness.Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type proc struct {
	cmd   *exec.Cmd
	stdin interface{ Close() error }
	url   string
}

// startWitness starts the witness process on 127.0.0.1:0 and waits for
// its "listening on" line.
func startWitness(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "GUITAI_WITNESS_CHILD=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stdin: stdin}
	t.Cleanup(p.stop)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		u, ok := strings.CutPrefix(s, "listening on ")
		if !ok {
			t.Fatalf("witness said %q", s)
		}
		p.url = u
	case <-time.After(60 * time.Second): // a timeout, not a wait: the line normally comes at once
		t.Fatal("witness did not start")
	}
	return p
}

func (p *proc) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.stdin.Close()
	p.cmd.Wait()
}

func setup(t *testing.T) (*sql.DB, *audit.Log, audit.WitnessKey, []string) {
	t.Helper()
	dir := t.TempDir()
	k, err := audit.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := audit.MarshalPublicKey(&k.PublicKey)
	pubPath := filepath.Join(dir, "log.pub")
	os.WriteFile(pubPath, pub, 0o644)
	ws, skey, err := audit.GenerateWitnessKey("witness.branch-0101")
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "witness.key")
	os.WriteFile(keyPath, []byte(skey), 0o600)
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "a.db")+"?_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := audit.Migrate(context.Background(), db, audit.SQLite); err != nil {
		t.Fatal(err)
	}
	l, err := audit.New(audit.Config{Origin: origin, Dialect: audit.SQLite, Signer: k, CheckpointEvery: 5})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-origin", origin, "-log-key", pubPath, "-key", keyPath, "-state", filepath.Join(dir, "witness.state")}
	return db, l, ws.WitnessKey, args
}

func fill(t *testing.T, db *sql.DB, l *audit.Log, n int) {
	t.Helper()
	tx, _ := db.Begin()
	for i := 0; i < n; i++ {
		if _, err := l.Append(context.Background(), tx, audit.Record{Teller: "T001", Action: "posting", Object: "J", Result: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestWitnessCosignsAndCatchesACutHistory: the terminal's checkpoints are
// cosigned by the witness process; after the key holder cuts the log and
// re-signs, the witness refuses to cosign and verify against the witness
// fails, also after the witness restarts from its state file.
func TestWitnessCosignsAndCatchesACutHistory(t *testing.T) {
	ctx := context.Background()
	db, l, wk, args := setup(t)
	p := startWitness(t, args...)
	wc := &audit.WitnessClient{URL: p.url, Key: wk}
	b, _ := os.ReadFile(args[3])
	anchor, err := audit.ParsePublicKey(b)
	if err != nil {
		t.Fatal(err)
	}

	fill(t, db, l, 12) // checkpoints 5, 10
	c, err := l.Witness(ctx, db, wc)
	if err != nil || c.Size != 10 || !wk.Cosigned(c.Note) {
		t.Fatalf("first cosignature: size %d %v", c.Size, err)
	}
	fill(t, db, l, 8) // 15, 20
	if c, err = l.Witness(ctx, db, wc); err != nil || c.Size != 20 || !wk.Cosigned(c.Note) {
		t.Fatalf("second cosignature (with a consistency proof from 10): size %d %v", c.Size, err)
	}
	opt := audit.VerifyOptions{Anchor: anchor, Interval: 5, WitnessKeys: []audit.WitnessKey{wk}, RequireWitness: true}
	if rep, err := l.Verify(ctx, db, opt); err != nil || !rep.OK() {
		t.Fatalf("verify with the witness key: %v %v", rep.Finding, err)
	}

	// The key holder cuts records 13.. and the checkpoints over them, and re-signs at 12.
	mustExec(t, db, `DELETE FROM audit_log WHERE seq > 12`)
	mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size > 10`)
	tx, _ := db.Begin()
	if _, err := l.Checkpoint(ctx, tx, "signon"); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	if _, err := l.Witness(ctx, db, wc); !errors.Is(err, &audit.Error{Code: audit.CodeTampered}) {
		t.Fatalf("witness cosigned a cut history: %v", err)
	}
	// Locally the cut log still verifies: only the witness knows better.
	if rep, _ := l.Verify(ctx, db, opt); !rep.OK() {
		t.Fatalf("cut log without the witness's checkpoint: %v", rep.Finding)
	}
	note, err := witness.Latest(ctx, nil, p.url, origin)
	if err != nil || !wk.Cosigned(note) {
		t.Fatalf("latest: %v", err)
	}
	opt.Witness = [][]byte{note}
	if rep, _ := l.Verify(ctx, db, opt); rep.OK() || rep.Finding.Kind != audit.KindTruncated || rep.Finding.Seq != 13 {
		t.Fatalf("verify against the witness's checkpoint: %v", rep.Finding)
	}

	// The witness restarts from its state file and still knows size 20.
	p.stop()
	p = startWitness(t, args...)
	wc.URL = p.url
	if _, err := l.Witness(ctx, db, wc); !errors.Is(err, &audit.Error{Code: audit.CodeTampered}) {
		t.Fatalf("restarted witness cosigned a cut history: %v", err)
	}

	// auditctl verify --witness KEY --witness-url URL fails; with the note file too.
	dbPath := filepath.Join(filepath.Dir(args[len(args)-1]), "a.db")
	var out, errb bytes.Buffer
	e := &auditcli.Env{Stdout: &out, Stderr: &errb, NoProgress: true}
	code := auditcli.Verify(ctx, e, auditcli.VerifyOptions{DBOptions: auditcli.DBOptions{DB: dbPath}, PubKey: args[3],
		Witness: []string{wk.String()}, WitnessURL: p.url, Interval: 5})
	if code != auditcli.ExitTampered || !strings.Contains(out.String(), "truncated") {
		t.Fatalf("auditctl verify --witness-url: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

// TestWitnessRefusals: unknown origin 404, foreign log key 403, a stale
// old size 409 with the witness's size, a bad proof 422.
func TestWitnessRefusals(t *testing.T) {
	ctx := context.Background()
	db, l, wk, args := setup(t)
	p := startWitness(t, args...)
	wc := &audit.WitnessClient{URL: p.url, Key: wk}
	fill(t, db, l, 10)
	if _, err := l.Witness(ctx, db, wc); err != nil {
		t.Fatal(err)
	}
	cps, _ := l.Checkpoints(ctx, db)
	n5 := cps[0].Note
	other, _ := audit.GenerateKey()
	c, _, _ := audit.ParseCheckpoint(n5)
	foreign, _ := audit.SignCheckpoint(c, other)
	c2 := c
	c2.Origin = "guitai.test/other"
	unknown, _ := audit.SignCheckpoint(c2, other)
	fill(t, db, l, 5) // 15
	cps, _ = l.Checkpoints(ctx, db)
	n15 := cps[len(cps)-1].Note
	tests := []struct {
		name string
		old  uint64
		p    []audit.Hash
		note []byte
		want string
	}{
		{"unknown origin", 0, nil, unknown, "404"},
		{"foreign key", 10, nil, foreign, "403"},
		{"stale old size", 5, nil, n15, "witness is at size 10"},
		{"bad proof", 10, []audit.Hash{{1}, {2}}, n15, "422"},
	}
	for _, tt := range tests {
		_, err := wc.AddCheckpoint(ctx, tt.old, tt.p, tt.note)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
	resp, err := http.Get(p.url + "/checkpoint?origin=" + "nope")
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("latest of an unknown origin: %v %v", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}
