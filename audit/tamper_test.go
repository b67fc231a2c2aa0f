package audit

import (
	"context"
	"database/sql"
	"testing"
)

// rehead finishes a tampering that changed the number of records, as an
// attacker with write access to the database but not the signing key
// would: the log has no head row, so the head to fix up is the signed
// checkpoints, and those claiming more records than the log now holds are
// deleted (they cannot be re-signed). Verification must then catch the
// tampering from the records and the checkpoints left, not from a
// checkpoint pointing past the end. It fails the test unless the tampered
// log numbers its records 1..n without a gap, the clean-looking log the
// case means to show the verifier.
func rehead(t *testing.T, db *sql.DB) {
	t.Helper()
	var n, last int64
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM audit_log`).Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	if n != last || n == 0 {
		t.Fatalf("rehead: %d records numbered up to %d: the tampering left a gap", n, last)
	}
	mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size > ?`, n)
	var beyond int
	if err := db.QueryRow(`SELECT COUNT(*) FROM audit_checkpoint WHERE size > ?`, n).Scan(&beyond); err != nil || beyond != 0 {
		t.Fatalf("rehead: %d checkpoints still beyond the %d records (%v)", beyond, n, err)
	}
}

// forgeTail deletes records from seq on and appends n re-hashed records
// through the normal code path, without the signing key, then reheads.
func forgeTail(t *testing.T, db *sql.DB, seq uint64, n int) {
	t.Helper()
	mustExec(t, db, `DELETE FROM audit_log WHERE seq >= ?`, int64(seq))
	l := newLog(t, nil, 0)
	tx, _ := db.Begin()
	for i := 0; i < n; i++ {
		r := sampleRecord(i)
		r.Object = "FORGED"
		if _, err := l.Append(context.Background(), tx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rehead(t, db) // only once the tail is back: the checkpoints over it are what catches the forgery
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func rowOf(t *testing.T, db *sql.DB, seq uint64) Entry {
	t.Helper()
	var out Entry
	newLog(t, nil, 0).Scan(context.Background(), db, Filter{FromSeq: seq, ToSeq: seq}, func(e *Entry) error { out = *e; return nil })
	return out
}

func putRow(t *testing.T, db *sql.DB, e Entry) {
	t.Helper()
	mustExec(t, db, `INSERT INTO audit_log (seq, at_ns, teller, authorizer, terminal, branch, action, object, result,
		payload_digest, prev_hash, leaf_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		int64(e.Seq), e.Time.UnixNano(), e.Teller, e.Authorizer, e.Terminal, e.Branch, e.Action, e.Object,
		e.Result, e.PayloadDigest.String(), e.PrevHash.String(), e.Leaf.String())
}

// TestTamperMatrix applies each kind of tampering to a 20-record log with
// checkpoints every 5 records and checks that Verify names the first bad
// seq and the kind.
func TestTamperMatrix(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB) (witness [][]byte)
		kind   Kind
		seq    uint64
	}{
		{"intact", func(t *testing.T, db *sql.DB) [][]byte { return nil }, "", 0},
		{"modify one field", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `UPDATE audit_log SET teller = 'T9' WHERE seq = 7`)
			return nil
		}, KindModified, 7},
		{"modify and re-hash the record", func(t *testing.T, db *sql.DB) [][]byte {
			e := rowOf(t, db, 7)
			e.Result = "reversed"
			e.Leaf = e.LeafHash()
			mustExec(t, db, `DELETE FROM audit_log WHERE seq = 7`)
			putRow(t, db, e)
			return nil
		}, KindModified, 7},
		{"modify the last record", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `UPDATE audit_log SET object = 'X' WHERE seq = 20`)
			return nil
		}, KindModified, 20},
		{"delete a middle record", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `DELETE FROM audit_log WHERE seq = 7`)
			return nil
		}, KindDeleted, 7},
		{"delete and renumber", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `DELETE FROM audit_log WHERE seq = 7`)
			mustExec(t, db, `UPDATE audit_log SET seq = seq - 1 WHERE seq > 7`)
			rehead(t, db)
			return nil
		}, KindDeleted, 7},
		{"insert a chained record", func(t *testing.T, db *sql.DB) [][]byte {
			for s := uint64(20); s >= 7; s-- {
				mustExec(t, db, `UPDATE audit_log SET seq = ? WHERE seq = ?`, int64(s+1), int64(s))
			}
			e := rowOf(t, db, 8)
			e.Seq, e.Object = 7, "INSERTED"
			e.Leaf = e.LeafHash()
			putRow(t, db, e)
			rehead(t, db)
			return nil
		}, KindInserted, 7},
		{"swap two records", func(t *testing.T, db *sql.DB) [][]byte {
			a, b := rowOf(t, db, 7), rowOf(t, db, 8)
			a.Seq, b.Seq = 8, 7
			mustExec(t, db, `DELETE FROM audit_log WHERE seq IN (7, 8)`)
			putRow(t, db, a)
			putRow(t, db, b)
			return nil
		}, KindReordered, 7},
		{"truncate the tail", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `DELETE FROM audit_log WHERE seq > 12`)
			return nil
		}, KindTruncated, 13},
		{"truncate tail and checkpoints; witness holds size 20", func(t *testing.T, db *sql.DB) [][]byte {
			var note string
			db.QueryRow(`SELECT note FROM audit_checkpoint WHERE size = 20`).Scan(&note)
			mustExec(t, db, `DELETE FROM audit_log WHERE seq > 12`)
			mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size > 12`)
			rehead(t, db)
			return [][]byte{[]byte(note)}
		}, KindTruncated, 13},
		{"forged tail after a checkpoint", func(t *testing.T, db *sql.DB) [][]byte {
			forgeTail(t, db, 11, 10)
			return nil
		}, KindForged, 11},
		{"forged tail inside a checkpoint interval", func(t *testing.T, db *sql.DB) [][]byte {
			forgeTail(t, db, 13, 8)
			return nil
		}, KindForged, 11},
		{"forged tail with checkpoints signed by another key", func(t *testing.T, db *sql.DB) [][]byte {
			forgeTail(t, db, 11, 10)
			mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size > 10`)
			evil := newLog(t, testKey(t, 9), 0)
			checkpointNow(t, db, evil, "forged")
			return nil
		}, KindForged, 11},
		{"rotation not signed by the old key", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `DELETE FROM audit_log WHERE seq > 10`)
			mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size > 10`)
			rehead(t, db)
			evil := newLog(t, testKey(t, 9), 0)
			tx, _ := db.Begin()
			if _, err := evil.RotateKey(context.Background(), tx, &testKey(t, 9).PublicKey, "attacker"); err != nil {
				t.Fatal(err)
			}
			tx.Commit()
			return nil
		}, KindBadKey, 11},
		{"delete every checkpoint", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `DELETE FROM audit_checkpoint`)
			return nil
		}, KindUnsigned, 1},
		{"delete a middle checkpoint", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size = 10`)
			return nil
		}, KindUnsigned, 6},
		{"delete the newest checkpoints", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size > 10`)
			return nil
		}, KindUnsigned, 11},
		{"garbage frontier", func(t *testing.T, db *sql.DB) [][]byte {
			mustExec(t, db, `UPDATE audit_checkpoint SET frontier = 'zz' WHERE size = 15`)
			return nil
		}, KindBadFrontier, 15},
		{"frontier copied from another checkpoint", func(t *testing.T, db *sql.DB) [][]byte {
			// 10 and 15 have the same number of frontier hashes (2 and 3
			// are not equal, but 5 and 10 both have 2).
			mustExec(t, db, `UPDATE audit_checkpoint SET frontier = (SELECT frontier FROM audit_checkpoint WHERE size = 5) WHERE size = 10`)
			return nil
		}, KindBadFrontier, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			k := testKey(t, 1)
			l := newLog(t, k, 5)
			fill(t, db, l, 20, 4)
			witness := tt.tamper(t, db)
			rep, err := l.Verify(context.Background(), db, VerifyOptions{Anchor: &k.PublicKey, Witness: witness, Interval: 5})
			if err != nil {
				t.Fatal(err)
			}
			if tt.kind == "" {
				if !rep.OK() || rep.Records != 20 || rep.Checkpoints != 4 || rep.Verified != 20 {
					t.Fatalf("intact log: %+v finding %v", rep, rep.Finding)
				}
				return
			}
			if rep.OK() {
				t.Fatalf("tampering not detected: %+v", rep)
			}
			if rep.Finding.Kind != tt.kind || rep.Finding.Seq != tt.seq {
				t.Fatalf("got %v, want seq %d %s", rep.Finding, tt.seq, tt.kind)
			}
		})
	}
}

func TestKeyRotationFollowed(t *testing.T) {
	db := openDB(t)
	k1, k2 := testKey(t, 1), testKey(t, 2)
	l := newLog(t, k1, 5)
	fill(t, db, l, 7, 7)
	ctx := context.Background()
	tx, _ := db.Begin()
	if _, err := l.RotateKey(ctx, tx, &k2.PublicKey, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := l.SetSigner(k2); err != nil {
		t.Fatal(err)
	}
	fill(t, db, l, 7, 3)
	checkpointNow(t, db, l, "signoff")
	rep, err := l.Verify(ctx, db, VerifyOptions{Anchor: &k1.PublicKey})
	if err != nil || !rep.OK() || rep.Records != 15 || rep.Verified != 15 || !rep.Key.Equal(&k2.PublicKey) {
		t.Fatalf("rotated log: %+v %v %v", rep, rep.Finding, err)
	}
	// The same log checked from the wrong anchor fails at the first checkpoint.
	rep, _ = l.Verify(ctx, db, VerifyOptions{Anchor: &k2.PublicKey})
	if rep.OK() || rep.Finding.Kind != KindBadKey && rep.Finding.Kind != KindForged {
		t.Fatalf("wrong anchor accepted: %+v", rep.Finding)
	}
}
