package audit

import (
	"bytes"
	"context"
	"crypto"
	"database/sql"
	"encoding/hex"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	_ "github.com/mattn/go-sqlite3"

	"guitai/internal/golden"
)

const testOrigin = "guitai.test/branch-0101/T07"

// testKey returns a fixed SM2 key so golden files are stable.
func testKey(t testing.TB, seed byte) *sm2.PrivateKey {
	t.Helper()
	d := bytes.Repeat([]byte{seed}, 32)
	k, err := sm2.NewPrivateKey(d)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := Migrate(context.Background(), db, SQLite); err != nil {
		t.Fatal(err)
	}
	return db
}

func newLog(t testing.TB, s crypto.Signer, every uint64) *Log {
	t.Helper()
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l, err := New(Config{Origin: testOrigin, Dialect: SQLite, Signer: s, CheckpointEvery: every,
		Now: func() time.Time { clock = clock.Add(time.Second); return clock }})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func sampleRecord(i int) Record {
	return Record{
		Teller: "T" + string(rune('0'+i%10)), Authorizer: "", Terminal: "T07", Branch: "0101",
		Action: []string{"posting", "signon", "authorize", "login.failed"}[i%4],
		Object: "J" + hex.EncodeToString([]byte{byte(i >> 8), byte(i)}), Result: "ok",
		PayloadDigest: sm3.Sum([]byte{byte(i)}),
	}
}

// fill appends n sample records, one transaction per batch.
func fill(t testing.TB, db *sql.DB, l *Log, n, batch int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < batch && i < n; j, i = j+1, i+1 {
			if _, err := l.Append(ctx, tx, sampleRecord(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func checkpointNow(t testing.TB, db *sql.DB, l *Log, reason string) StoredCheckpoint {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := l.Checkpoint(ctx, tx, reason)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSM3Vectors checks GB/T 32905-2016 Appendix A examples 1 and 2.
func TestSM3Vectors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{string(bytes.Repeat([]byte("abcd"), 16)), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	}
	for _, tt := range tests {
		got := sm3.Sum([]byte(tt.in))
		if hex.EncodeToString(got[:]) != tt.want {
			t.Errorf("SM3(%q) = %x, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRecordEncodingGolden(t *testing.T) {
	r := Record{Seq: 1, Time: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC), Teller: "T001",
		Authorizer: "S001", Terminal: "T07", Branch: "0101", Action: "posting", Object: "J000001",
		Result: "ok", PayloadDigest: sm3.Sum([]byte("abc"))}
	enc, _ := r.MarshalBinary()
	leaf := r.LeafHash()
	var back Record
	if err := back.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	if back != r {
		t.Errorf("round trip: got %+v, want %+v", back, r)
	}
	golden.Check(t, "testdata/record1.txt", []byte("encoding "+hex.EncodeToString(enc)+"\nleaf "+leaf.String()+"\n"))
}

func TestUnmarshalBinaryRejects(t *testing.T) {
	r := sampleRecord(3)
	enc, _ := r.MarshalBinary()
	bad := map[string][]byte{
		"empty":     nil,
		"version":   append([]byte{2}, enc[1:]...),
		"truncated": enc[:len(enc)-1],
		"trailing":  append(bytes.Clone(enc), 0),
		"length":    func() []byte { b := bytes.Clone(enc); b[17] = 0xff; return b }(),
	}
	for name, b := range bad {
		var got Record
		err := got.UnmarshalBinary(b)
		if !errors.Is(err, &Error{Code: CodeMalformed}) {
			t.Errorf("%s: err = %v, want malformed", name, err)
		}
	}
}

func TestAppendRollbackLeavesNothing(t *testing.T) {
	db := openDB(t)
	l := newLog(t, testKey(t, 1), 2)
	ctx := context.Background()
	fill(t, db, l, 1, 1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // crosses the every-2 checkpoint
		if _, err := l.Append(ctx, tx, sampleRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var n, c int
	db.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n)
	db.QueryRow(`SELECT COUNT(*) FROM audit_checkpoint`).Scan(&c)
	if size, _ := l.Size(ctx, db); n != 1 || c != 0 || size != 1 {
		t.Fatalf("after rollback: %d records, %d checkpoints, head %d; want 1, 0, 1", n, c, size)
	}
	fill(t, db, l, 1, 1)
	rep, err := l.Verify(ctx, db, VerifyOptions{Anchor: &testKey(t, 1).PublicKey})
	if err != nil || !rep.OK() || rep.Records != 2 || rep.Checkpoints != 1 {
		t.Fatalf("verify after rollback: %+v %v %v", rep, rep.Finding, err)
	}
}

func TestAppendRejectsInvalid(t *testing.T) {
	db := openDB(t)
	l := newLog(t, nil, 0)
	tx, _ := db.Begin()
	defer tx.Rollback()
	for name, r := range map[string]Record{
		"no action": {Teller: "x"},
		"bad utf8":  {Action: "a", Object: "\xff"},
	} {
		if _, err := l.Append(context.Background(), tx, r); !errors.Is(err, &Error{Code: CodeInvalid}) {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

func TestAppendChainsAndCheckpoints(t *testing.T) {
	db := openDB(t)
	k := testKey(t, 1)
	l := newLog(t, k, 4)
	fill(t, db, l, 10, 3)
	ctx := context.Background()
	var leaves []Hash
	var prev Hash
	l.Scan(ctx, db, Filter{}, func(e *Entry) error {
		if e.PrevHash != prev {
			t.Errorf("seq %d: prev %s, want %s", e.Seq, e.PrevHash, prev)
		}
		if e.Leaf != e.LeafHash() {
			t.Errorf("seq %d: stored leaf differs", e.Seq)
		}
		prev = e.Leaf
		leaves = append(leaves, e.Leaf)
		return nil
	})
	if len(leaves) != 10 {
		t.Fatalf("%d records, want 10", len(leaves))
	}
	cps, _ := l.Checkpoints(ctx, db)
	if len(cps) != 2 || cps[0].Size != 4 || cps[1].Size != 8 {
		t.Fatalf("checkpoints %+v, want sizes 4 and 8", cps)
	}
	tree := NewTree(leaves)
	for _, c := range cps {
		got, err := OpenCheckpoint(c.Note, &k.PublicKey)
		if err != nil || got.Root != tree.Root(c.Size) {
			t.Errorf("checkpoint %d: %v, root %s want %s", c.Size, err, got.Root, tree.Root(c.Size))
		}
	}
}

func TestMigrateIsIdempotentAndSeparate(t *testing.T) {
	db := openDB(t)
	if err := Migrate(context.Background(), db, SQLite); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := db.QueryRow(`SELECT MAX(version_id) FROM ` + VersionTable).Scan(&v); err != nil || v != 2 {
		t.Fatalf("version %d, %v", v, err)
	}
	var n int
	db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'goose_db_version'`).Scan(&n)
	if n != 0 {
		t.Error("audit migrations touched the default goose table")
	}
}

// TestStaleTipNeverForks: a Log whose remembered chain end is stale (its
// transaction rolled back, then another writer appended the same number
// of records) must re-read the end instead of forking the chain.
func TestStaleTipNeverForks(t *testing.T) {
	db := openDB(t)
	k := testKey(t, 1)
	a, b := newLog(t, k, 0), newLog(t, k, 0)
	a.cfg.DB = db // exercise the prepared-statement path too
	fill(t, db, a, 4, 4)
	ctx := context.Background()
	tx, _ := db.BeginTx(ctx, nil)
	if _, err := a.Append(ctx, tx, sampleRecord(100)); err != nil {
		t.Fatal(err)
	}
	tx.Rollback() // a still believes the chain ends at seq 5
	fill(t, db, b, 1, 1)
	fill(t, db, a, 2, 2)
	checkpointNow(t, db, a, "test")
	rep, err := a.Verify(ctx, db, VerifyOptions{Anchor: &k.PublicKey})
	if err != nil || !rep.OK() || rep.Records != 7 {
		t.Fatalf("after stale tip: %+v %v %v", rep, rep.Finding, err)
	}
}
