package audit

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

// chainAppend appends recs through Chain, as a caller that sends the
// statements itself does: tip and latest checkpoint read in the
// transaction, the statements run, Appended after the commit.
func chainAppend(t *testing.T, db *sql.DB, l *Log, recs []Record) (Chained, error) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var tip Tip
	var seq int64
	var text string
	switch err := tx.QueryRowContext(ctx, l.TipSQL()).Scan(&seq, &text); {
	case err == sql.ErrNoRows:
	case err != nil:
		t.Fatal(err)
	default:
		if tip, err = ParseTip(seq, text); err != nil {
			t.Fatal(err)
		}
	}
	var latest *Checkpoint
	switch err := tx.QueryRowContext(ctx, l.LatestCheckpointSQL()).Scan(&seq, &text); {
	case err == sql.ErrNoRows:
	case err != nil:
		t.Fatal(err)
	default:
		if latest, err = ParseCheckpointHead(seq, text); err != nil {
			t.Fatal(err)
		}
	}
	c, err := l.Chain(tip, latest, recs)
	if err != nil {
		return c, err
	}
	for _, st := range c.Statements {
		if _, err := tx.ExecContext(ctx, st.SQL, st.Args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	l.Appended(c)
	return c, nil
}

// appendAll appends recs through Append in one transaction.
func appendAll(t *testing.T, db *sql.DB, l *Log, recs []Record) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := l.AppendBatch(ctx, tx, recs); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestChainIsAppend appends the same records to two logs that sign a
// checkpoint every 4 records: one through Append, one through Chain
// mixed with Append. Both hold the same leaves and checkpoints (sizes 4
// and 8, same roots) and verify. Chain signs the checkpoint that falls
// due among its records in the same statements, and asks for Append
// (ErrNeedFrontier) when it does not hold the frontier to sign with.
func TestChainIsAppend(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	viaAppend, viaChain := openDB(t), openDB(t)
	la, lc := newLog(t, k, 4), newLog(t, k, 4)
	var recs []Record
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for i := range 10 {
		r := sampleRecord(i)
		r.Time = at.Add(time.Duration(i) * time.Second)
		recs = append(recs, r)
	}
	appendAll(t, viaAppend, la, recs)

	if c, err := chainAppend(t, viaChain, lc, recs[0:3]); err != nil || c.Signed || len(c.Statements) != 3 {
		t.Fatalf("records 1..3: %v, signed %v, %d statements", err, c.Signed, len(c.Statements))
	}
	// Record 4 falls due, and this Log never read a frontier.
	if _, err := chainAppend(t, viaChain, lc, recs[3:5]); !errors.Is(err, ErrNeedFrontier) {
		t.Fatalf("records 4..5 with no frontier: %v, want ErrNeedFrontier", err)
	}
	appendAll(t, viaChain, lc, recs[3:5]) // signs at 4 and keeps the frontier
	if c, err := chainAppend(t, viaChain, lc, recs[5:7]); err != nil || c.Signed {
		t.Fatalf("records 6..7: %v, signed %v", err, c.Signed)
	}
	if c, err := chainAppend(t, viaChain, lc, recs[7:10]); err != nil || !c.Signed || len(c.Statements) != 4 {
		t.Fatalf("records 8..10: %v, signed %v, %d statements", err, c.Signed, len(c.Statements))
	}

	leaves := func(db *sql.DB, l *Log) []Hash {
		var out []Hash
		l.Scan(ctx, db, Filter{}, func(e *Entry) error {
			out = append(out, e.Leaf)
			return nil
		})
		return out
	}
	a, c := leaves(viaAppend, la), leaves(viaChain, lc)
	if len(a) != 10 || len(c) != 10 {
		t.Fatalf("%d and %d records, want 10", len(a), len(c))
	}
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("seq %d: leaf %s through Chain, %s through Append", i+1, c[i], a[i])
		}
	}
	ca, _ := la.Checkpoints(ctx, viaAppend)
	cc, _ := lc.Checkpoints(ctx, viaChain)
	if len(ca) != 2 || len(cc) != 2 {
		t.Fatalf("checkpoints: %d through Append, %d through Chain, want 2", len(ca), len(cc))
	}
	for i := range ca {
		if ca[i].Size != cc[i].Size || ca[i].Root != cc[i].Root {
			t.Errorf("checkpoint %d: size %d root %s through Chain, size %d root %s through Append", i, cc[i].Size, cc[i].Root, ca[i].Size, ca[i].Root)
		}
	}
	for _, db := range []*sql.DB{viaAppend, viaChain} {
		rep, err := lc.Verify(ctx, db, VerifyOptions{Anchor: &k.PublicKey, Interval: 4})
		if err != nil || !rep.OK() {
			t.Fatalf("verify: %v %+v", err, rep)
		}
	}
}

// TestChainRefuses: Chain validates every record as Append does, and
// refuses to sign a checkpoint smaller than the largest stored one.
func TestChainRefuses(t *testing.T) {
	l := newLog(t, nil, 0)
	bad := sampleRecord(0)
	bad.Action = ""
	if _, err := l.Chain(Tip{}, nil, []Record{sampleRecord(1), bad}); err == nil {
		t.Error("a record without an action was chained")
	}

	db, k := openDB(t), testKey(t, 1)
	ls := newLog(t, k, 4)
	appendAll(t, db, ls, []Record{sampleRecord(0), sampleRecord(1), sampleRecord(2), sampleRecord(3), sampleRecord(4)}) // signs at 4
	var seq int64
	var leaf string
	if err := db.QueryRow(ls.TipSQL()).Scan(&seq, &leaf); err != nil {
		t.Fatal(err)
	}
	tip, _ := ParseTip(seq, leaf)
	recs := []Record{sampleRecord(5), sampleRecord(6), sampleRecord(7)} // 6..8: due at 8
	if _, err := ls.Chain(tip, &Checkpoint{Size: 12}, recs); !errors.Is(err, &Error{Code: CodeTampered}) {
		t.Errorf("a checkpoint of 12 stored, signing 8: %v, want %s", err, CodeTampered)
	}
	if _, err := ls.Chain(tip, &Checkpoint{Size: 4}, recs); err != nil {
		t.Errorf("a checkpoint of 4 stored, signing 8: %v", err)
	}
}
