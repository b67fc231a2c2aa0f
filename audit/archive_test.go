package audit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestArchiveAcrossBoundary(t *testing.T) {
	db, l := rotatedLog(t) // 30 records, rotation at 12, checkpoints every 5
	ctx := context.Background()
	k1, k2 := testKey(t, 1), testKey(t, 2)
	dir := t.TempDir()
	seg := filepath.Join(dir, "seg-0001.tar")
	later := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	opt := ArchiveOptions{Through: 20, Anchor: &k1.PublicKey, Signer: k2, Now: later}

	young := opt
	young.Now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if _, err := l.Archive(ctx, db, seg, young); !errors.Is(err, &Error{Code: CodeInvalid}) {
		t.Fatalf("archive inside retention: %v", err)
	}
	all := opt
	all.Through = 30
	if _, err := l.Archive(ctx, db, seg, all); !errors.Is(err, &Error{Code: CodeInvalid}) {
		t.Fatalf("archive of the newest record: %v", err)
	}
	s, err := l.Archive(ctx, db, seg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if s.From != 1 || s.Through != 20 {
		t.Fatalf("segment %+v", s)
	}
	var live int
	db.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&live)
	if live != 10 {
		t.Fatalf("%d live records, want 10", live)
	}
	// Appending and checkpointing continue across the boundary.
	fill(t, db, l, 7, 3)
	checkpointNow(t, db, l, "signoff")
	rep, err := l.Verify(ctx, db, VerifyOptions{Anchor: &k1.PublicKey})
	if err != nil || !rep.OK() || rep.Records != 37 || rep.Verified != 37 {
		t.Fatalf("verify after archive: %+v %v %v", rep, rep.Finding, err)
	}
	if _, err := l.VerifySegment(ctx, db, seg, &k1.PublicKey); err != nil {
		t.Fatalf("segment: %v", err)
	}
	// A second segment continues where the first ended.
	seg2 := filepath.Join(dir, "seg-0002.tar")
	opt.Through = 25
	if s, err := l.Archive(ctx, db, seg2, opt); err != nil || s.From != 21 {
		t.Fatalf("second archive: %+v %v", s, err)
	}
	if _, err := l.VerifySegment(ctx, db, seg, &k1.PublicKey); err != nil {
		t.Fatalf("first segment after second archive: %v", err)
	}
	// Exports after the boundary still verify; ranges inside it are refused.
	out := filepath.Join(dir, "b.tar")
	if _, err := l.Export(ctx, db, out, ExportOptions{From: 26, Anchor: &k1.PublicKey, Signer: k2}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if _, err := VerifyBundle(bytes.NewReader(b), &k1.PublicKey); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Export(ctx, db, out, ExportOptions{From: 5, Anchor: &k1.PublicKey, Signer: k2}); !errors.Is(err, &Error{Code: CodeInvalid}) {
		t.Fatalf("export of archived range: %v", err)
	}

	// Tampering on either side of the boundary is found.
	mustExec(t, db, `UPDATE audit_archived SET leaf_hash = ? WHERE seq = 15`, LeafHash([]byte("x")).String())
	rep, _ = l.Verify(ctx, db, VerifyOptions{Anchor: &k1.PublicKey})
	if rep.OK() || rep.Finding.Kind != KindForged || rep.Finding.Seq != 11 {
		t.Fatalf("archived leaf changed: %v", rep.Finding)
	}
	_, err = l.VerifySegment(ctx, db, seg, &k1.PublicKey)
	var be *BundleError
	if !errors.As(err, &be) || be.Seq != 15 {
		t.Fatalf("segment vs changed archived leaf: %v", err)
	}
}

func TestArchiveKeepsKeyHistory(t *testing.T) {
	db, l := rotatedLog(t)
	ctx := context.Background()
	k1, k2 := testKey(t, 1), testKey(t, 2)
	seg := filepath.Join(t.TempDir(), "seg.tar")
	// The rotation (seq 12) moves to the segment; later checkpoints are
	// signed by the new key and must still verify from the old anchor.
	if _, err := l.Archive(ctx, db, seg, ArchiveOptions{Through: 14, Anchor: &k1.PublicKey, Signer: k2,
		Now: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Verify(ctx, db, VerifyOptions{Anchor: &k1.PublicKey})
	if err != nil || !rep.OK() || !rep.Key.Equal(&k2.PublicKey) {
		t.Fatalf("verify: %+v %v %v", rep, rep.Finding, err)
	}
	if k, err := l.ActiveKey(ctx, db, &k1.PublicKey); err != nil || !k.Equal(&k2.PublicKey) {
		t.Fatalf("active key after archiving the rotation: %v", err)
	}
	if _, err := l.ActiveKey(ctx, db, &k2.PublicKey); !errors.Is(err, &Error{Code: CodeSignature}) {
		t.Fatalf("active key from the wrong anchor: %v", err)
	}
	mustExec(t, db, `DELETE FROM audit_log WHERE seq = 15`)
	rep, _ = l.Verify(ctx, db, VerifyOptions{Anchor: &k1.PublicKey})
	if rep.OK() || rep.Finding.Kind != KindDeleted || rep.Finding.Seq != 15 {
		t.Fatalf("deleted first live record: %v", rep.Finding)
	}
}
