package audit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func checkpointSizes(t *testing.T, db *sql.DB) []uint64 {
	t.Helper()
	cps, err := newLog(t, nil, 0).Checkpoints(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var out []uint64
	for _, c := range cps {
		out = append(out, c.Size)
	}
	return out
}

func isCode(err error, c Code) bool { return errors.Is(err, &Error{Code: c}) }

// TestCutHistoryIsNotResigned: after records past a checkpoint are cut,
// neither Checkpoint, nor Append's automatic checkpoint, nor Export signs
// the smaller tree, so the key never signs two histories.
func TestCutHistoryIsNotResigned(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	k := testKey(t, 1)
	fill(t, db, newLog(t, k, 5), 20, 4)
	mustExec(t, db, `DELETE FROM audit_log WHERE seq > 12`)
	before := checkpointSizes(t, db)

	l := newLog(t, k, 5)
	tx, _ := db.Begin()
	_, err := l.Checkpoint(ctx, tx, "signon")
	tx.Rollback()
	if !isCode(err, CodeTampered) {
		t.Errorf("Checkpoint over a cut log: %v, want CodeTampered", err)
	}
	// Appending 3 records reaches 15, where a checkpoint of another root exists.
	tx, _ = db.Begin()
	for i := range 3 {
		if _, err = l.Append(ctx, tx, sampleRecord(i)); err != nil {
			break
		}
	}
	tx.Rollback()
	if !isCode(err, CodeTampered) {
		t.Errorf("Append's checkpoint over a cut log: %v, want CodeTampered", err)
	}
	_, err = l.Export(ctx, db, filepath.Join(t.TempDir(), "b.tar"), ExportOptions{Anchor: &k.PublicKey, Signer: k})
	var f *Finding
	if !isCode(err, CodeTampered) || !errors.As(err, &f) || f.Kind != KindTruncated || f.Seq != 13 {
		t.Errorf("Export of a cut log: %v, want tampered, truncated at 13", err)
	}
	if after := checkpointSizes(t, db); !slices.Equal(after, before) {
		t.Errorf("checkpoints %v after the refusals, want %v", after, before)
	}
}

// TestExportRefusesDeletedCheckpoints: with the checkpoints deleted the
// log fails verify (unsigned), so Export signs nothing.
func TestExportRefusesDeletedCheckpoints(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	k := testKey(t, 1)
	l := newLog(t, k, 5)
	fill(t, db, l, 20, 4)
	mustExec(t, db, `DELETE FROM audit_checkpoint`)
	_, err := l.Export(ctx, db, filepath.Join(t.TempDir(), "b.tar"), ExportOptions{Anchor: &k.PublicKey, Signer: k, Interval: 5})
	var f *Finding
	if !errors.As(err, &f) || f.Kind != KindUnsigned || f.Seq != 1 {
		t.Fatalf("export after deleting checkpoints: %v, want unsigned at 1", err)
	}
	if n := checkpointSizes(t, db); len(n) != 0 {
		t.Errorf("export signed %v", n)
	}
}

// TestBadFrontierRecovery: a garbage or copied frontier stops signing
// with CodeTampered naming the recovery; RepairFrontiers fixes it after
// verifying the log, and refuses on a log that does not verify.
func TestBadFrontierRecovery(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []string{`'zz'`, `(SELECT frontier FROM audit_checkpoint WHERE size = 5)`} {
		db := openDB(t)
		k := testKey(t, 1)
		fill(t, db, newLog(t, k, 5), 20, 4)
		mustExec(t, db, `UPDATE audit_checkpoint SET frontier = `+bad+` WHERE size = 10`)
		mustExec(t, db, `UPDATE audit_checkpoint SET frontier = `+bad+` WHERE size = 20`)
		l := newLog(t, k, 5)
		fill(t, db, newLog(t, nil, 0), 1, 1)
		tx, _ := db.Begin()
		_, err := l.Checkpoint(ctx, tx, "signon")
		tx.Rollback()
		if !isCode(err, CodeTampered) || !strings.Contains(err.Error(), "repair-frontier") {
			t.Fatalf("%s: sign-on over a bad frontier: %v", bad, err)
		}
		opt := VerifyOptions{Anchor: &k.PublicKey, Interval: 5}
		if rep, _ := l.Verify(ctx, db, opt); rep.OK() || rep.Finding.Kind != KindBadFrontier || rep.Finding.Seq != 10 {
			t.Fatalf("%s: verify: %v", bad, rep.Finding)
		}
		sizes, err := l.RepairFrontiers(ctx, db, opt)
		if err != nil || len(sizes) != 2 || sizes[0] != 10 || sizes[1] != 20 {
			t.Fatalf("%s: repair: %v %v", bad, sizes, err)
		}
		checkpointNow(t, db, l, "signon")
		if rep, err := l.Verify(ctx, db, opt); err != nil || !rep.OK() || rep.Verified != 21 {
			t.Fatalf("%s: after repair: %+v %v", bad, rep.Finding, err)
		}
	}
	// A log that does not verify is not repaired.
	db := openDB(t)
	k := testKey(t, 1)
	l := newLog(t, k, 5)
	fill(t, db, l, 20, 4)
	mustExec(t, db, `UPDATE audit_checkpoint SET frontier = 'zz' WHERE size = 20`)
	mustExec(t, db, `UPDATE audit_log SET teller = 'X' WHERE seq = 3`)
	if _, err := l.RepairFrontiers(ctx, db, VerifyOptions{Anchor: &k.PublicKey}); !isCode(err, CodeTampered) {
		t.Fatalf("repair of a tampered log: %v", err)
	}
	var fr string
	db.QueryRow(`SELECT frontier FROM audit_checkpoint WHERE size = 20`).Scan(&fr)
	if fr != "zz" {
		t.Errorf("frontier rewritten on a tampered log: %q", fr)
	}
}

// TestRotationAtIntervalStaysCovered: a rotation record where a
// checkpoint was due skips it (the old key must not sign past its
// rotation); the next append signs with the new key and verify's
// interval rule allows exactly that one record of slack.
func TestRotationAtIntervalStaysCovered(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	k1, k2 := testKey(t, 1), testKey(t, 2)
	l := newLog(t, k1, 5)
	fill(t, db, l, 4, 4)
	tx, _ := db.Begin()
	if _, err := l.RotateKey(ctx, tx, &k2.PublicKey, "admin"); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	l.SetSigner(k2)
	fill(t, db, l, 12, 1)
	if got := checkpointSizes(t, db); !slices.Equal(got, []uint64{6, 10, 15}) {
		t.Errorf("checkpoints %v, want [6 10 15]", got)
	}
	rep, err := l.Verify(ctx, db, VerifyOptions{Anchor: &k1.PublicKey, Interval: 5})
	if err != nil || !rep.OK() {
		t.Fatalf("%v %v", rep.Finding, err)
	}
	// Without the catch-up checkpoint at 6 the rule fails.
	mustExec(t, db, `DELETE FROM audit_checkpoint WHERE size = 6`)
	if rep, _ := l.Verify(ctx, db, VerifyOptions{Anchor: &k1.PublicKey, Interval: 5}); rep.OK() || rep.Finding.Kind != KindUnsigned {
		t.Fatalf("missing catch-up checkpoint: %v", rep.Finding)
	}
}

// TestVerifyBundleTrustsNothing: no anchor is refused unless self-signed
// is allowed; a bundle of another log fails against our anchor.
func TestVerifyBundleTrustsNothing(t *testing.T) {
	db, l := rotatedLog(t)
	b := exportBundle(t, db, l, 8, 22)
	if _, err := VerifyBundle(bytes.NewReader(b), nil); !isCode(err, CodeKey) {
		t.Errorf("no anchor: %v, want CodeKey", err)
	}
	if _, err := VerifyBundleWith(bytes.NewReader(b), BundleOptions{AllowSelfSigned: true}); err != nil {
		t.Errorf("self-signed allowed: %v", err)
	}
	// Another log, its own key 3, same origin.
	db2 := openDB(t)
	k3 := testKey(t, 3)
	l2 := newLog(t, k3, 5)
	fill(t, db2, l2, 10, 5)
	path := filepath.Join(t.TempDir(), "other.tar")
	if _, err := l2.Export(context.Background(), db2, path, ExportOptions{Anchor: &k3.PublicKey, Signer: k3}); err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = VerifyBundle(bytes.NewReader(other), &testKey(t, 1).PublicKey)
	var be *BundleError
	if !errors.As(err, &be) || be.File != FileKeys {
		t.Errorf("another log's bundle: %v", err)
	}
}

// TestBundleStrictJSON: shapes a lenient reader would accept are refused.
func TestBundleStrictJSON(t *testing.T) {
	db, l := rotatedLog(t)
	orig := readTar(t, exportBundle(t, db, l, 8, 22))
	whole := readTar(t, exportBundle(t, db, l, 8, 30)) // right: []
	edit := func(name, old, new string) []tarFile {
		files := append([]tarFile(nil), orig...)
		if old == `"right": []` {
			files = append([]tarFile(nil), whole...)
		}
		for i, f := range files {
			if f.name == name {
				if !bytes.Contains(f.data, []byte(old)) {
					t.Fatalf("%s has no %q", name, old)
				}
				files[i].data = bytes.Replace(f.data, []byte(old), []byte(new), 1)
			}
		}
		return files
	}
	tests := []struct {
		name  string
		files []tarFile
		file  string
	}{
		{"unhashed time member", edit(FileEntries, `"time_ns":`, `"time":"2020-01-01T00:00:00Z","time_ns":`), FileEntries},
		{"member name case", edit(FileEntries, `"teller":`, `"Teller":`), FileEntries},
		{"duplicate member", edit(FileEntries, `"teller":"`, `"teller":"X","teller":"`), FileEntries},
		{"missing member", edit(FileEntries, `"authorizer":"",`, ``), FileEntries},
		{"null list", edit(FileProofs, `"right": []`, `"right": null`), FileProofs},
		{"anchor case", edit(FileKeys, `"anchor"`, `"Anchor"`), FileKeys},
		{"first prev_hash", edit(FileProofs, `"prev": {
    "seq": 7,`, `"prev": {
    "seq": 6,`), FileProofs},
	}
	for _, tt := range tests {
		_, err := VerifyBundle(bytes.NewReader(resign(t, tt.files)), &testKey(t, 1).PublicKey)
		var be *BundleError
		if !errors.As(err, &be) || be.File != tt.file {
			t.Errorf("%s: got %v, want %s", tt.name, err, tt.file)
		}
	}
	// The first entry's prev_hash must be the leaf of record from-1.
	files := edit(FileEntries, `"prev_hash":"`, `"prev_hash":"0`)
	for i, f := range files {
		if f.name == FileEntries {
			ls := bytes.SplitAfter(f.data, []byte("\n"))
			e, err := parseBundleEntry(bytes.TrimSpace(ls[0]))
			if err == nil {
				t.Fatal("edited line still parses")
			}
			e, _ = parseBundleEntry(bytes.TrimSpace(readTarFile(orig, FileEntries)[:bytes.IndexByte(readTarFile(orig, FileEntries), '\n')]))
			e.PrevHash[0] ^= 1
			e.Leaf = e.LeafHash()
			j, _ := bundleEntry(e).MarshalJSON()
			ls[0] = append(j, '\n')
			files[i].data = bytes.Join(ls, nil)
		}
	}
	_, err := VerifyBundle(bytes.NewReader(resign(t, files)), &testKey(t, 1).PublicKey)
	var be *BundleError
	if !errors.As(err, &be) || be.File != FileEntries || be.Seq != 8 || !strings.Contains(be.Msg, "prev_hash") {
		t.Errorf("first prev_hash changed: %v", err)
	}
}

func readTarFile(files []tarFile, name string) []byte {
	for _, f := range files {
		if f.name == name {
			return f.data
		}
	}
	return nil
}

// TestVerifyMarkdownSM2Vector: the SM2 vector printed in VERIFY.md
// verifies, through the same path as bundle signatures, and fails when
// the message changes.
func TestVerifyMarkdownSM2Vector(t *testing.T) {
	v := sm2Vector()
	if !VerifySignature(v.pub, []byte(sm2VectorM), v.derBytes) {
		t.Fatal("VERIFY.md SM2 vector does not verify")
	}
	if VerifySignature(v.pub, []byte(sm2VectorM+"."), v.derBytes) {
		t.Fatal("VERIFY.md SM2 vector verifies another message")
	}
	md := string(verifyMarkdown())
	for _, want := range []string{v.der, v.za, v.e, "\u2014", "0x53", `"prev"`, "[]"} {
		if !strings.Contains(md, want) {
			t.Errorf("VERIFY.md lacks %q", want)
		}
	}
}

// TestBundleWitness: verify-bundle with a witness key needs a valid
// cosignature in the bundle; with a kept witness note, the bundle must
// hold that checkpoint.
func TestBundleWitness(t *testing.T) {
	db, l := rotatedLog(t)
	ws, _, err := GenerateWitnessKey("witness.example")
	if err != nil {
		t.Fatal(err)
	}
	var note string
	db.QueryRow(`SELECT note FROM audit_checkpoint WHERE size = 20`).Scan(&note)
	c, _, _ := ParseCheckpoint([]byte(note))
	cosigned := note + ws.Cosign(c, 1_790_000_000)
	mustExec(t, db, `UPDATE audit_checkpoint SET note = ? WHERE size = 20`, cosigned)
	anchor := &testKey(t, 1).PublicKey
	b := exportBundle(t, db, l, 8, 22)
	if _, err := VerifyBundleWith(bytes.NewReader(b), BundleOptions{Anchor: anchor, WitnessKeys: []WitnessKey{ws.WitnessKey},
		WitnessNotes: [][]byte{[]byte(cosigned)}}); err != nil {
		t.Fatalf("cosigned bundle: %v", err)
	}
	other, _, _ := GenerateWitnessKey("witness.other")
	var be *BundleError
	if _, err := VerifyBundleWith(bytes.NewReader(b), BundleOptions{Anchor: anchor, WitnessKeys: []WitnessKey{other.WitnessKey}}); !errors.As(err, &be) || be.File != FileCheckpoints {
		t.Errorf("bundle without the witness's cosignature: %v", err)
	}
	// A witness that has seen size 35 (a checkpoint this 30-record bundle lacks).
	fill(t, db, l, 5, 5)
	var n35 string
	db.QueryRow(`SELECT note FROM audit_checkpoint WHERE size = 35`).Scan(&n35)
	if _, err := VerifyBundleWith(bytes.NewReader(b), BundleOptions{Anchor: anchor, WitnessNotes: [][]byte{[]byte(n35)}}); !errors.As(err, &be) || !strings.Contains(be.Msg, "does not extend") {
		t.Errorf("bundle older than the witness's checkpoint: %v", err)
	}
	// A forged cosignature fails even where another checkpoint is cosigned.
	line := ws.Cosign(c, 1_790_000_000)
	blob, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line[strings.LastIndexByte(line, ' ')+1:]))
	blob[len(blob)-1] ^= 1 // the Ed25519 signature's last byte
	bad := []byte(note + "\u2014 " + ws.Name + " " + base64.StdEncoding.EncodeToString(blob) + "\n")
	mustExec(t, db, `UPDATE audit_checkpoint SET note = ? WHERE size = 20`, string(bad))
	if _, _, err := ParseCheckpoint(bad); err != nil {
		t.Fatalf("the altered note must still parse: %v", err)
	}
	b2 := exportBundle(t, db, l, 8, 22)
	if _, err := VerifyBundleWith(bytes.NewReader(b2), BundleOptions{Anchor: anchor, WitnessKeys: []WitnessKey{ws.WitnessKey}}); !errors.As(err, &be) || !strings.Contains(be.Msg, "does not verify") {
		t.Errorf("bad cosignature accepted: %v", err)
	}
}
