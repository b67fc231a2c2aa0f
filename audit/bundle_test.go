package audit

import (
	"archive/tar"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/emmansun/gmsm/sm3"

	"guitai/internal/golden"
)

type tarFile struct {
	name string
	data []byte
}

func readTar(t testing.TB, b []byte) []tarFile {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	var out []tarFile
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		d, _ := io.ReadAll(tr)
		out = append(out, tarFile{h.Name, d})
	}
}

func writeTar(t testing.TB, files []tarFile) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data))})
		tw.Write(f.data)
	}
	tw.Close()
	return b.Bytes()
}

// rotatedLog builds 30 records (11, a rotation, 18), checkpoints every 5, a key rotation at 12.
func rotatedLog(t testing.TB) (*sql.DB, *Log) {
	db := openDB(t)
	k1, k2 := testKey(t, 1), testKey(t, 2)
	l := newLog(t, k1, 5)
	fill(t, db, l, 11, 4)
	tx, _ := db.Begin()
	if _, err := l.RotateKey(context.Background(), tx, &k2.PublicKey, "admin"); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	l.SetSigner(k2)
	fill(t, db, l, 18, 4)
	return db, l
}

func exportBundle(t testing.TB, db *sql.DB, l *Log, from, to uint64) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "b.tar")
	_, err := l.Export(context.Background(), db, path, ExportOptions{From: from, To: to,
		Anchor: &testKey(t, 1).PublicKey, Signer: testKey(t, 2)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBundleRoundTrip(t *testing.T) {
	db, l := rotatedLog(t)
	for _, r := range [][2]uint64{{8, 22}, {1, 30}, {30, 30}, {1, 1}, {12, 12}} {
		b := exportBundle(t, db, l, r[0], r[1])
		rep, err := VerifyBundle(bytes.NewReader(b), &testKey(t, 1).PublicKey)
		if err != nil {
			t.Fatalf("range %v: %v", r, err)
		}
		if rep.Entries != r[1]-r[0]+1 || rep.Manifest.TreeSize != 30 {
			t.Errorf("range %v: %+v", r, rep)
		}
	}
	// A different trust anchor is refused, naming keys.json.
	b := exportBundle(t, db, l, 8, 22)
	_, err := VerifyBundle(bytes.NewReader(b), &testKey(t, 3).PublicKey)
	var be *BundleError
	if !errors.As(err, &be) || be.File != FileKeys {
		t.Errorf("wrong anchor: %v", err)
	}
}

// TestBundleTamperEveryFile changes one byte at several offsets of every
// file and expects verify-bundle to fail naming that file.
func TestBundleTamperEveryFile(t *testing.T) {
	db, l := rotatedLog(t)
	orig := readTar(t, exportBundle(t, db, l, 8, 22))
	if len(orig) != 8 {
		t.Fatalf("bundle has %d files", len(orig))
	}
	for i, f := range orig {
		for _, off := range []int{0, len(f.data) / 3, len(f.data) / 2, len(f.data) - 2, len(f.data) - 1} {
			files := append([]tarFile(nil), orig...)
			d := bytes.Clone(f.data)
			d[off] ^= 0x01
			files[i] = tarFile{f.name, d}
			_, err := VerifyBundle(bytes.NewReader(writeTar(t, files)), &testKey(t, 1).PublicKey)
			var be *BundleError
			if !errors.As(err, &be) {
				t.Errorf("%s byte %d: err = %v, want a BundleError", f.name, off, err)
				continue
			}
			if be.File != f.name {
				t.Errorf("%s byte %d: blamed %s (%v)", f.name, off, be.File, be)
			}
		}
	}
	// Removing a file or adding one is named too.
	_, err := VerifyBundle(bytes.NewReader(writeTar(t, orig[1:])), &testKey(t, 1).PublicKey)
	if err == nil {
		t.Error("bundle without VERIFY.md accepted")
	}
	_, err = VerifyBundle(bytes.NewReader(writeTar(t, append(orig, tarFile{"extra", []byte("x")}))), &testKey(t, 1).PublicKey)
	var be *BundleError
	if !errors.As(err, &be) || be.File != "extra" {
		t.Errorf("extra file: %v", err)
	}
}

func TestExportRefusesRetiredKey(t *testing.T) {
	db, l := rotatedLog(t)
	before, _ := l.Checkpoints(context.Background(), db)
	_, err := l.Export(context.Background(), db, filepath.Join(t.TempDir(), "b.tar"),
		ExportOptions{Anchor: &testKey(t, 1).PublicKey, Signer: testKey(t, 1)})
	if !errors.Is(err, &Error{Code: CodeKey}) {
		t.Fatalf("export with the retired key: %v", err)
	}
	if after, _ := l.Checkpoints(context.Background(), db); len(after) != len(before) {
		t.Error("a checkpoint was stored with the retired key")
	}
}

func TestExportRefusesTamperedLog(t *testing.T) {
	db, l := rotatedLog(t)
	mustExec(t, db, `UPDATE audit_log SET teller = 'X' WHERE seq = 3`)
	before, _ := l.Checkpoints(context.Background(), db)
	defer func() {
		if after, _ := l.Checkpoints(context.Background(), db); len(after) != len(before) {
			t.Error("a checkpoint was signed over the tampered log")
		}
	}()
	path := filepath.Join(t.TempDir(), "b.tar")
	_, err := l.Export(context.Background(), db, path, ExportOptions{Anchor: &testKey(t, 1).PublicKey, Signer: testKey(t, 2)})
	var f *Finding
	if !errors.As(err, &f) || f.Seq != 3 || f.Kind != KindModified {
		t.Fatalf("err = %v, want finding at seq 3", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("output file exists after a failed export")
	}
}

func TestExportCancelledLeavesNoFile(t *testing.T) {
	db, l := rotatedLog(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "b.tar")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Export(ctx, db, path, ExportOptions{Anchor: &testKey(t, 1).PublicKey, Signer: testKey(t, 2)})
	if err == nil {
		t.Fatal("cancelled export succeeded")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left files behind: %v", ents)
	}
}

func TestVerifyMarkdownVectors(t *testing.T) {
	golden.Check(t, "testdata/VERIFY.md", verifyMarkdown())
}

// resign rebuilds manifest.json and manifest.sig with the real key, as a
// buggy or dishonest exporter holding the key would; the content checks
// must then catch the change.
func resign(t *testing.T, files []tarFile) []byte {
	t.Helper()
	var m Manifest
	var out []tarFile
	for _, f := range files {
		switch f.name {
		case FileManifest:
			json.Unmarshal(f.data, &m)
		case FileManifestSig:
		default:
			out = append(out, f)
		}
	}
	m.Files = nil
	for _, f := range out {
		m.Files = append(m.Files, ManifestFile{Name: f.name, Size: int64(len(f.data)), SM3: sm3.Sum(f.data)})
	}
	mj := mustJSON(m)
	sig, err := sign(testKey(t, 2), mj)
	if err != nil {
		t.Fatal(err)
	}
	return writeTar(t, append(out, tarFile{FileManifest, mj}, tarFile{FileManifestSig, sig}))
}

func TestBundleContentChecks(t *testing.T) {
	db, l := rotatedLog(t)
	orig := readTar(t, exportBundle(t, db, l, 8, 22))
	if _, err := VerifyBundle(bytes.NewReader(resign(t, orig)), &testKey(t, 1).PublicKey); err != nil {
		t.Fatalf("re-signed unchanged bundle: %v", err)
	}
	edit := func(name string, fn func([]byte) []byte) []tarFile {
		files := append([]tarFile(nil), orig...)
		for i, f := range files {
			if f.name == name {
				files[i].data = fn(bytes.Clone(f.data))
			}
		}
		return files
	}
	lines := func(b []byte) [][]byte { return bytes.SplitAfter(b, []byte("\n")) }
	tests := []struct {
		name  string
		files []tarFile
		file  string
		seq   uint64
	}{
		{"entry re-hashed", edit(FileEntries, func(b []byte) []byte {
			ls := lines(b)
			var e Entry
			e.UnmarshalJSON(ls[3])
			e.Teller = "X"
			e.Leaf = e.LeafHash()
			j, _ := bundleEntry(e).MarshalJSON()
			ls[3] = append(j, '\n')
			return bytes.Join(ls, nil)
		}), FileEntries, 12},
		{"entry dropped", edit(FileEntries, func(b []byte) []byte {
			ls := lines(b)
			return bytes.Join(append(ls[:5], ls[6:]...), nil)
		}), FileEntries, 14},
		{"last entry dropped", edit(FileEntries, func(b []byte) []byte {
			ls := lines(b)
			return bytes.Join(ls[:len(ls)-2], nil)
		}), FileEntries, 0},
		{"entries swapped", edit(FileEntries, func(b []byte) []byte {
			ls := lines(b)
			ls[2], ls[3] = ls[3], ls[2]
			return bytes.Join(ls, nil)
		}), FileEntries, 11},
		{"newest checkpoint dropped", edit(FileCheckpoints, func(b []byte) []byte {
			var cf checkpointsFile
			json.Unmarshal(b, &cf)
			cf.Notes = cf.Notes[:len(cf.Notes)-1]
			return mustJSON(cf)
		}), FileCheckpoints, 0},
	}
	for _, tt := range tests {
		_, err := VerifyBundle(bytes.NewReader(resign(t, tt.files)), &testKey(t, 1).PublicKey)
		var be *BundleError
		if !errors.As(err, &be) || be.File != tt.file || (tt.seq != 0 && be.Seq != tt.seq) {
			t.Errorf("%s: got %v, want %s seq %d", tt.name, err, tt.file, tt.seq)
		}
	}
}
