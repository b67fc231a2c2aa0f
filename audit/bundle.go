package audit

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
)

// Bundle file names, in the order they appear in the archive.
const (
	FileVerify      = "VERIFY.md"
	FilePubKey      = "pubkey.pem"
	FileKeys        = "keys.json"
	FileCheckpoints = "checkpoints.json"
	FileProofs      = "proofs.json"
	FileEntries     = "entries.jsonl"
	FileManifest    = "manifest.json"
	FileManifestSig = "manifest.sig"
)

// BundleFormat identifies the bundle layout in manifest.json.
const BundleFormat = "guitai-audit-bundle/2"

var bundleFiles = []string{FileVerify, FilePubKey, FileKeys, FileCheckpoints, FileProofs, FileEntries}

// Manifest is manifest.json.
type Manifest struct {
	Format   string         `json:"format"`
	Origin   string         `json:"origin"`
	From     uint64         `json:"from"`
	To       uint64         `json:"to"`
	TreeSize uint64         `json:"tree_size"`
	Files    []ManifestFile `json:"files"`
}

// ManifestFile is one file's size and SM3 digest.
type ManifestFile struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	SM3  Hash   `json:"sm3"`
}

// keysFile is keys.json: the trust anchor and every rotation up to the
// tree size, each with an inclusion proof.
type keysFile struct {
	Anchor    string        `json:"anchor"` // base64 PKIX DER
	Rotations []rotationDoc `json:"rotations"`
}

type rotationDoc struct {
	Entry bundleEntry `json:"entry"`
	Proof []Hash      `json:"inclusion"`
}

type checkpointsFile struct {
	Origin string   `json:"origin"`
	Notes  []string `json:"notes"` // signed notes, smallest size first; the last is the newest
}

type proofsFile struct {
	TreeSize    uint64           `json:"tree_size"`
	From        uint64           `json:"from"`
	To          uint64           `json:"to"`
	Left        []Hash           `json:"left"`  // compact range of leaves [0, from-1)
	Right       []Hash           `json:"right"` // compact range of leaves [to, tree_size)
	Inclusion   []inclusionDoc   `json:"inclusion"`
	Consistency []consistencyDoc `json:"consistency"`
	// Prev is the record before the range: seq from-1, its leaf hash and
	// inclusion proof, against which the first entry's prev_hash is
	// checked; for from = 1, seq 0, the zero hash and an empty path.
	Prev prevDoc `json:"prev"`
}

type prevDoc struct {
	Seq  uint64 `json:"seq"`
	Leaf Hash   `json:"leaf_hash"`
	Path []Hash `json:"path"`
}

type inclusionDoc struct {
	Seq  uint64 `json:"seq"`
	Path []Hash `json:"path"`
}

type consistencyDoc struct {
	Size uint64 `json:"size"`
	Path []Hash `json:"path"`
}

// ExportOptions configures [Log.Export].
type ExportOptions struct {
	From, To uint64           // inclusive seq range; To 0 means the last record
	Anchor   *ecdsa.PublicKey // the log's first key
	Signer   crypto.Signer    // the current key; signs manifest.sig and a fresh checkpoint
	// Interval is the checkpoint interval the log was written with (see
	// [VerifyOptions.Interval]); 0 skips that rule.
	Interval uint64
	Progress func(done, total uint64)
}

// Export writes a bundle for records [From, To] to path atomically: it
// writes a temporary file in the same directory and renames it only when
// complete, so a cancelled context leaves no partial file. The log is
// verified while it is read; a log that fails verification is not
// exported, and no checkpoint is signed for it. Export never signs a tree
// smaller than a stored checkpoint.
//
// The steps, each a method of [exporter]: check the options and read the
// log's size (start), verify the whole log while writing the range to a
// temporary file (scan), sign a checkpoint at the end when none covers it
// (signHead), build the small files and the manifest (files), and write
// the archive (write).
func (l *Log) Export(ctx context.Context, db *sql.DB, path string, opt ExportOptions) (Manifest, error) {
	x := &exporter{l: l, db: db, opt: opt, path: path}
	defer x.cleanup()
	if err := x.start(ctx); err != nil {
		return Manifest{}, err
	}
	if err := x.scan(ctx); err != nil {
		return Manifest{}, err
	}
	if err := x.signHead(ctx); err != nil {
		return Manifest{}, err
	}
	small, m, sig, err := x.files()
	if err != nil {
		return Manifest{}, err
	}
	if err := x.write(ctx, small, m, sig); err != nil {
		return Manifest{}, errf(CodeState, "export", err, "write %s", path)
	}
	return m, nil
}

// exporter holds the state of one [Log.Export].
type exporter struct {
	l    *Log
	db   *sql.DB
	opt  ExportOptions
	path string

	pub     *ecdsa.PublicKey
	n       uint64   // tree size exported
	notes   [][]byte // stored checkpoints, then the one signHead signs
	tmp     *os.File // the archive being written
	tmpPath string
	entries *os.File // entries.jsonl being written
	eDigest Hash
	eSize   int64
	leaves  []Hash
	rots    []Entry
	rep     Report
}

func (x *exporter) cleanup() {
	if x.tmp != nil {
		x.tmp.Close()
	}
	if x.tmpPath != "" {
		os.Remove(x.tmpPath) // fails harmlessly after the rename
	}
	if x.entries != nil {
		x.entries.Close()
		os.Remove(x.entries.Name())
	}
}

// start checks the options, reads the checkpoints and then the size (so
// that every stored checkpoint is at most the size unless records were
// cut), and creates the temporary files.
func (x *exporter) start(ctx context.Context) error {
	const op = "export"
	if x.opt.Anchor == nil || x.opt.Signer == nil {
		return errf(CodeKey, op, nil, "anchor and signer are required")
	}
	var err error
	if x.pub, err = signerPublic(x.opt.Signer); err != nil {
		return err
	}
	cps, err := x.l.Checkpoints(ctx, x.db)
	if err != nil {
		return err
	}
	for _, c := range cps {
		x.notes = append(x.notes, c.Note) // all of them: a larger one means records were cut
	}
	if x.n, err = x.l.Size(ctx, x.db); err != nil {
		return err
	}
	if x.opt.To == 0 {
		x.opt.To = x.n
	}
	if x.opt.From == 0 {
		x.opt.From = 1
	}
	if x.opt.From > x.opt.To || x.opt.To > x.n {
		return errf(CodeInvalid, op, nil, "range %d..%d outside 1..%d", x.opt.From, x.opt.To, x.n)
	}
	base, err := x.l.archiveBase(ctx, x.db)
	if err != nil {
		return err
	}
	if x.opt.From <= base {
		return errf(CodeInvalid, op, nil, "records up to %d are archived in segment files", base)
	}
	dir := filepath.Dir(x.path)
	if x.tmp, err = os.CreateTemp(dir, ".audit-export-*"); err != nil {
		return errf(CodeState, op, err, "")
	}
	x.tmpPath = x.tmp.Name()
	if x.entries, err = os.CreateTemp(dir, ".audit-entries-*"); err != nil {
		return errf(CodeState, op, err, "")
	}
	return nil
}

// scan is one pass over the log: verify every record (archived leaves
// first), keep all leaf hashes for proofs, and write the range to the
// entries file (hashed and written on another goroutine).
func (x *exporter) scan(ctx context.Context) error {
	const op = "export"
	v := NewVerifier(x.l.cfg.Origin, x.opt.Anchor, x.notes, x.n)
	v.RequireInterval(x.opt.Interval)
	x.leaves = make([]Hash, 0, x.n)
	stop := errors.New("stop")
	err := x.l.scanArchived(ctx, x.db, func(a *archived) error {
		v.AddArchived(a.seq, a.leaf, a.rot)
		x.leaves = append(x.leaves, a.leaf)
		if a.rot != nil {
			x.rots = append(x.rots, *a.rot)
		}
		if v.Failed() {
			return stop
		}
		return nil
	})
	if err != nil && err != stop {
		return err
	}
	ew := newHashingWriter(x.entries)
	var line []byte
	bufs := [2][]Entry{make([]Entry, 0, 8192), make([]Entry, 0, 8192)}
	cur := 0
	batch := bufs[cur]
	if err == nil {
		err = x.l.Scan(ctx, x.db, Filter{ToSeq: x.n}, func(e *Entry) error {
			x.leaves = append(x.leaves, e.Leaf)
			if e.Action == ActionKeyRotate {
				x.rots = append(x.rots, *e)
			}
			if e.Seq >= x.opt.From && e.Seq <= x.opt.To {
				line = e.appendJSON(line[:0], false)
				line = append(line, '\n')
				ew.Write(line)
			}
			batch = append(batch, *e)
			if len(batch) < cap(batch) {
				return nil
			}
			v.AddBatch(batch)
			cur ^= 1
			batch = bufs[cur][:0]
			if v.Failed() {
				return stop
			}
			if x.opt.Progress != nil {
				x.opt.Progress(e.Seq, x.n)
			}
			return ctx.Err()
		})
	}
	v.AddBatch(batch)
	var werr error
	x.eDigest, x.eSize, werr = ew.Close()
	if err != nil && err != stop {
		return err
	}
	x.rep = v.Finish()
	if !x.rep.OK() {
		return errf(CodeTampered, op, x.rep.Finding, "log does not verify")
	}
	if !x.rep.Key.Equal(x.pub) {
		return errf(CodeKey, op, nil, "signer is not the key active at size %d", x.n)
	}
	if werr != nil {
		return errf(CodeState, op, werr, "")
	}
	if x.opt.Progress != nil {
		x.opt.Progress(x.n, x.n)
	}
	return nil
}

// signHead signs a checkpoint at the exported size when no verified
// checkpoint covers it (the log verified, so it is not smaller than any
// stored checkpoint; Log.checkpoint checks that again in its transaction).
func (x *exporter) signHead(ctx context.Context) error {
	if x.rep.Verified >= x.n {
		return nil
	}
	sc, err := x.l.storeCheckpoint(ctx, x.db, x.opt.Signer, x.rep.front, "export")
	if err != nil {
		return err
	}
	x.notes = append(x.notes, sc.Note)
	return nil
}

// files builds VERIFY.md, pubkey.pem, keys.json, checkpoints.json and
// proofs.json, the manifest over them and entries.jsonl, and its
// signature.
func (x *exporter) files() (map[string][]byte, Manifest, []byte, error) {
	N, from, to := x.n, x.opt.From, x.opt.To
	tree := NewTree(x.leaves)
	pf := proofsFile{TreeSize: N, From: from, To: to,
		Left: tree.RangeHashes(0, from-1), Right: tree.RangeHashes(to, N)}
	for _, s := range []uint64{from, to} {
		p, _ := tree.InclusionProof(s-1, N)
		pf.Inclusion = append(pf.Inclusion, inclusionDoc{Seq: s, Path: p})
		if from == to {
			break
		}
	}
	if from > 1 {
		p, _ := tree.InclusionProof(from-2, N)
		pf.Prev = prevDoc{Seq: from - 1, Leaf: x.leaves[from-2], Path: p}
	}
	cf := checkpointsFile{Origin: x.l.cfg.Origin}
	for i, n := range x.notes {
		cf.Notes = append(cf.Notes, string(n))
		if i < len(x.notes)-1 {
			c, _, _ := ParseCheckpoint(n)
			p, _ := tree.ConsistencyProof(c.Size, N)
			pf.Consistency = append(pf.Consistency, consistencyDoc{Size: c.Size, Path: p})
		}
	}
	kf := keysFile{Anchor: base64.StdEncoding.EncodeToString(publicDER(x.opt.Anchor))}
	for _, r := range x.rots {
		p, _ := tree.InclusionProof(r.Seq-1, N)
		kf.Rotations = append(kf.Rotations, rotationDoc{Entry: bundleEntry(r), Proof: p})
	}
	pubPEM, _ := MarshalPublicKey(x.pub)
	small := map[string][]byte{
		FileVerify:      verifyMarkdown(),
		FilePubKey:      pubPEM,
		FileKeys:        mustJSON(kf),
		FileCheckpoints: mustJSON(cf),
		FileProofs:      mustJSON(pf),
	}
	m := Manifest{Format: BundleFormat, Origin: x.l.cfg.Origin, From: from, To: to, TreeSize: N}
	for _, name := range bundleFiles {
		if name == FileEntries {
			m.Files = append(m.Files, ManifestFile{Name: name, Size: x.eSize, SM3: x.eDigest})
			continue
		}
		m.Files = append(m.Files, ManifestFile{Name: name, Size: int64(len(small[name])), SM3: sm3.Sum(small[name])})
	}
	sig, err := sign(x.opt.Signer, mustJSON(m))
	if err != nil {
		return nil, Manifest{}, nil, err
	}
	return small, m, sig, nil
}

// write writes the archive to the temporary file, syncs it and renames
// it to the destination.
func (x *exporter) write(ctx context.Context, small map[string][]byte, m Manifest, sig []byte) error {
	fw := bufio.NewWriterSize(x.tmp, 1<<20)
	tw := tar.NewWriter(fw)
	mod := time.Unix(0, 0).UTC()
	put := func(name string, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, ModTime: mod, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}
	for _, name := range bundleFiles {
		var err error
		if name == FileEntries {
			if _, err = x.entries.Seek(0, io.SeekStart); err == nil {
				err = put(name, x.eSize, x.entries)
			}
		} else {
			err = put(name, int64(len(small[name])), bytes.NewReader(small[name]))
		}
		if err != nil {
			return err
		}
	}
	mj := mustJSON(m)
	steps := []func() error{
		func() error { return put(FileManifest, int64(len(mj)), bytes.NewReader(mj)) },
		func() error { return put(FileManifestSig, int64(len(sig)), bytes.NewReader(sig)) },
		tw.Close, fw.Flush, ctx.Err,
		func() error { return x.tmp.Chmod(0o644) },
		x.tmp.Sync,
		func() error { f := x.tmp; x.tmp = nil; return f.Close() },
		func() error { return os.Rename(x.tmpPath, x.path) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}
func mustJSON(v any) []byte { return marshalBundleJSON(v) }

// BundleError says which file of a bundle is wrong, and where.
type BundleError struct {
	File string // the bundle file at fault
	Line int    // 1-based line in entries.jsonl, or 0
	Seq  uint64 // record seq, or 0
	Msg  string
}

// Error names the file, line and seq.
func (e *BundleError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(" line %d", e.Line)
	}
	if e.Seq > 0 {
		s += fmt.Sprintf(" (seq %d)", e.Seq)
	}
	return s + ": " + e.Msg
}

// BundleReport summarises a bundle that verified.
type BundleReport struct {
	Manifest    Manifest
	Entries     uint64
	Checkpoints int
	Root        Hash
}

// VerifyBundle checks a bundle offline against the trusted anchor key
// (the log's first key): VerifyBundleWith with only Anchor set. A nil
// anchor is refused: nothing inside a bundle is trusted by default.
func VerifyBundle(r io.Reader, anchor *ecdsa.PublicKey) (BundleReport, error) {
	return VerifyBundleWith(r, BundleOptions{Anchor: anchor})
}

// BundleOptions says what a bundle is checked against.
type BundleOptions struct {
	// Anchor is the log's first public key, obtained outside the bundle.
	// keys.json's anchor must equal it.
	Anchor *ecdsa.PublicKey
	// AllowSelfSigned accepts the bundle's own anchor when Anchor is nil:
	// the bundle is then only shown to be consistent with itself.
	AllowSelfSigned bool
	// WitnessKeys: every key must have cosigned a checkpoint in the
	// bundle, and every cosignature by it must verify.
	WitnessKeys []WitnessKey
	// WitnessNotes are checkpoints kept outside the bundle (a witness's
	// newest cosigned one): the bundle's tree must extend each, i.e. it
	// must hold a checkpoint of the same size and root.
	WitnessNotes [][]byte
}

// VerifyBundleWith checks a bundle offline. A failure is returned as
// *BundleError naming the file; a missing anchor without AllowSelfSigned
// is an *Error with CodeKey.
func VerifyBundleWith(r io.Reader, opt BundleOptions) (BundleReport, error) {
	if opt.Anchor == nil && !opt.AllowSelfSigned {
		return BundleReport{}, errf(CodeKey, "verify bundle", nil, "no trusted anchor key (--pubkey); the bundle's own keys are not trusted without --allow-self-signed")
	}
	b := &bundleReader{small: map[string][]byte{}, digests: map[string]Hash{}, sizes: map[string]int64{}, opt: opt}
	return b.verify(tar.NewReader(r), opt.Anchor)
}

type bundleReader struct {
	small    map[string][]byte
	digests  map[string]Hash
	sizes    map[string]int64
	order    []string
	semantic *BundleError // first content problem, reported once hashes pass
	rep      BundleReport
	opt      BundleOptions
}

func (b *bundleReader) fail(file string, line int, seq uint64, format string, args ...any) {
	if b.semantic == nil {
		b.semantic = &BundleError{File: file, Line: line, Seq: seq, Msg: fmt.Sprintf(format, args...)}
	}
}

// bundleState is what the small files establish before entries are read.
type bundleState struct {
	anchor  *ecdsa.PublicKey
	final   *ecdsa.PublicKey
	keyAt   func(size uint64) *ecdsa.PublicKey
	notes   []Checkpoint
	raw     []string // the notes' text
	root    Hash
	proofs  proofsFile
	ok      bool
	rotSeqs map[uint64]Hash
}

func (b *bundleReader) verify(tr *tar.Reader, pin *ecdsa.PublicKey) (BundleReport, error) {
	var st *bundleState
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return b.rep, &BundleError{File: "(archive)", Msg: err.Error()}
		}
		if _, dup := b.sizes[h.Name]; dup || h.Typeflag != tar.TypeReg {
			return b.rep, &BundleError{File: h.Name, Msg: "duplicate or not a regular file"}
		}
		b.order = append(b.order, h.Name)
		d := sm3.New()
		var n int64
		if h.Name == FileEntries {
			if st == nil {
				st = b.prepare(pin)
			}
			n, err = b.entries(io.TeeReader(tr, d), st)
		} else {
			if h.Size > 64<<20 {
				return b.rep, &BundleError{File: h.Name, Msg: "too large"}
			}
			data, rerr := io.ReadAll(tr)
			err = rerr
			n = int64(len(data))
			d.Write(data)
			b.small[h.Name] = data
		}
		if err != nil {
			return b.rep, &BundleError{File: h.Name, Msg: err.Error()}
		}
		var sum Hash
		d.Sum(sum[:0])
		b.digests[h.Name], b.sizes[h.Name] = sum, n
	}
	if st == nil {
		st = b.prepare(pin)
		b.fail(FileEntries, 0, 0, "missing")
	}
	if err := b.checkManifest(); err != nil {
		return b.rep, err
	}
	if pin != nil && st.anchor != nil && !st.anchor.Equal(pin) {
		return b.rep, &BundleError{File: FileKeys, Msg: "anchor key is not the trusted key given"}
	}
	if b.semantic != nil {
		return b.rep, b.semantic
	}
	if m, pf := b.rep.Manifest, st.proofs; m.Origin != b.semanticOrigin() || m.From != pf.From || m.To != pf.To || m.TreeSize != pf.TreeSize {
		return b.rep, &BundleError{File: FileManifest, Msg: "origin, from, to or tree_size differ from checkpoints.json and proofs.json"}
	}
	if err := b.witnesses(st); err != nil {
		return b.rep, err
	}
	return b.rep, nil
}

// witnesses applies BundleOptions.WitnessKeys and WitnessNotes.
func (b *bundleReader) witnesses(st *bundleState) error {
	for _, k := range b.opt.WitnessKeys {
		found := false
		for i, c := range st.notes {
			_, err := k.verifyNote([]byte(st.raw[i]), c)
			if err == nil {
				found = true
			} else if err != errNoCosignature {
				return &BundleError{File: FileCheckpoints, Seq: c.Size, Msg: err.Error()}
			}
		}
		if !found {
			return &BundleError{File: FileCheckpoints, Msg: "no checkpoint is cosigned by witness " + k.Name}
		}
	}
	for _, n := range b.opt.WitnessNotes {
		w, _, err := ParseCheckpoint(n)
		if err != nil {
			return &BundleError{File: "(witness note)", Msg: err.Error()}
		}
		for _, k := range b.opt.WitnessKeys {
			if _, err := k.verifyNote(n, w); err != nil && err != errNoCosignature {
				return &BundleError{File: "(witness note)", Msg: err.Error()}
			}
		}
		ok := false
		for _, c := range st.notes {
			ok = ok || (c.Size == w.Size && c.Root == w.Root && c.Origin == w.Origin)
		}
		if !ok {
			return &BundleError{File: FileCheckpoints, Seq: w.Size,
				Msg: fmt.Sprintf("the bundle does not extend the witness checkpoint at size %d (tree size %d)", w.Size, st.proofs.TreeSize)}
		}
	}
	return nil
}

// checkManifest decides, for a single changed byte anywhere, which file it
// is in: a valid signature proves manifest.json, so a mismatching digest
// names its file; an invalid signature means manifest.json or
// manifest.sig changed, told apart by whether manifest.json still agrees
// with every file.
func (b *bundleReader) checkManifest() error {
	mj, ok := b.small[FileManifest]
	if !ok {
		return &BundleError{File: FileManifest, Msg: "missing"}
	}
	sig, ok := b.small[FileManifestSig]
	if !ok {
		return &BundleError{File: FileManifestSig, Msg: "missing"}
	}
	var m Manifest
	if err := strictUnmarshal(mj, &m); err != nil {
		return &BundleError{File: FileManifest, Msg: "does not parse: " + err.Error()}
	}
	if !bytes.Equal(mustJSON(m), mj) {
		return &BundleError{File: FileManifest, Msg: "not in canonical form"}
	}
	b.rep.Manifest = m
	var badFile string
	listed := map[string]bool{FileManifest: true, FileManifestSig: true}
	for _, f := range m.Files {
		listed[f.Name] = true
		d, ok := b.digests[f.Name]
		if !ok {
			return &BundleError{File: FileManifest, Msg: "lists " + f.Name + ", which is not in the bundle"}
		}
		if badFile == "" && (d != f.SM3 || b.sizes[f.Name] != f.Size) {
			badFile = f.Name
		}
	}
	for _, name := range b.order {
		if !listed[name] {
			return &BundleError{File: name, Msg: "not listed in manifest.json"}
		}
	}
	pub, perr := ParsePublicKey(b.small[FilePubKey])
	sigOK := perr == nil && VerifySignature(pub, mj, sig)
	switch {
	case sigOK && badFile != "":
		return &BundleError{File: badFile, Msg: "SM3 digest does not match manifest.json"}
	case sigOK:
		if m.Format != BundleFormat {
			return &BundleError{File: FileManifest, Msg: "unknown format " + m.Format}
		}
		if len(m.Files) != len(bundleFiles) {
			return &BundleError{File: FileManifest, Msg: "must list exactly the six bundle files"}
		}
		for i, f := range m.Files {
			if f.Name != bundleFiles[i] {
				return &BundleError{File: FileManifest, Msg: "must list exactly the six bundle files, in order"}
			}
		}
		return nil
	case badFile == FilePubKey && perr != nil:
		return &BundleError{File: FilePubKey, Msg: "does not parse and does not match manifest.json"}
	case badFile != "":
		return &BundleError{File: FileManifest, Msg: "digest of " + badFile + " changed; signature invalid"}
	case m.Format != BundleFormat || m.Origin != b.semanticOrigin():
		return &BundleError{File: FileManifest, Msg: "fields do not match the bundle; signature invalid"}
	case b.manifestDisagrees(m):
		return &BundleError{File: FileManifest, Msg: "fields do not match the bundle; signature invalid"}
	default:
		return &BundleError{File: FileManifestSig, Msg: "SM2 signature over manifest.json does not verify with pubkey.pem"}
	}
}

func (b *bundleReader) semanticOrigin() string {
	var cf checkpointsFile
	json.Unmarshal(b.small[FileCheckpoints], &cf)
	return cf.Origin
}

func (b *bundleReader) manifestDisagrees(m Manifest) bool {
	var pf proofsFile
	if json.Unmarshal(b.small[FileProofs], &pf) != nil {
		return true
	}
	return pf.From != m.From || pf.To != m.To || pf.TreeSize != m.TreeSize
}

// prepare parses and checks the small files.
func (b *bundleReader) prepare(pin *ecdsa.PublicKey) *bundleState {
	st := &bundleState{rotSeqs: map[uint64]Hash{}}
	strict := func(name string, v any) bool {
		data, ok := b.small[name]
		if !ok {
			b.fail(name, 0, 0, "missing or after entries.jsonl")
			return false
		}
		if err := strictUnmarshal(data, v); err != nil {
			b.fail(name, 0, 0, "does not parse: %v", err)
			return false
		}
		return true
	}
	var kf keysFile
	var cf checkpointsFile
	if !strict(FileKeys, &kf) || !strict(FileCheckpoints, &cf) || !strict(FileProofs, &st.proofs) {
		return st
	}
	pf := &st.proofs
	if der, err := base64.StdEncoding.Strict().DecodeString(kf.Anchor); err == nil {
		st.anchor, _ = parsePublicDER(der)
	}
	if st.anchor == nil {
		b.fail(FileKeys, 0, 0, "bad anchor key")
		return st
	}
	if len(cf.Notes) == 0 {
		b.fail(FileCheckpoints, 0, 0, "no checkpoints")
		return st
	}
	N := pf.TreeSize
	newest, _, err := ParseCheckpoint([]byte(cf.Notes[len(cf.Notes)-1]))
	if err != nil || newest.Size != N || newest.Origin != cf.Origin {
		b.fail(FileCheckpoints, 0, 0, "newest checkpoint does not parse or is not for tree size %d", N)
		return st
	}
	st.root = newest.Root
	// Key history: each rotation signed by the previous key and included in the tree.
	type step struct {
		seq uint64
		key *ecdsa.PublicKey
	}
	steps := []step{{0, st.anchor}}
	cur := st.anchor
	for _, r := range kf.Rotations {
		e := Entry(r.Entry)
		if e.Action != ActionKeyRotate || e.Seq == 0 || e.Seq > N || e.Seq <= steps[len(steps)-1].seq {
			b.fail(FileKeys, 0, e.Seq, "rotation entry out of order or not a rotation")
			return st
		}
		leaf := e.LeafHash()
		if err := proof.VerifyInclusion(Hasher{}, e.Seq-1, N, leaf[:], raw(r.Proof), st.root[:]); err != nil {
			b.fail(FileKeys, 0, e.Seq, "rotation is not in the tree: %v", err)
			return st
		}
		next, err := checkRotation(cf.Origin, &e, cur)
		if err != nil {
			b.fail(FileKeys, 0, e.Seq, "%v", err)
			return st
		}
		cur = next
		steps = append(steps, step{e.Seq, next})
		st.rotSeqs[e.Seq] = leaf
	}
	st.final = cur
	st.keyAt = func(size uint64) *ecdsa.PublicKey {
		k := steps[0].key
		for _, s := range steps {
			if s.seq <= size {
				k = s.key
			}
		}
		return k
	}
	if pub, err := ParsePublicKey(b.small[FilePubKey]); err != nil || !pub.Equal(cur) {
		b.fail(FilePubKey, 0, 0, "is not the key active at tree size %d", N)
		return st
	}
	if len(pf.Consistency) != len(cf.Notes)-1 {
		b.fail(FileProofs, 0, 0, "want %d consistency proofs, have %d", len(cf.Notes)-1, len(pf.Consistency))
		return st
	}
	for i, n := range cf.Notes {
		c, _, err := ParseCheckpoint([]byte(n))
		if err != nil {
			b.fail(FileCheckpoints, 0, 0, "note %d: %v", i+1, err)
			return st
		}
		if _, err := OpenCheckpoint([]byte(n), st.keyAt(c.Size)); err != nil || c.Origin != cf.Origin {
			b.fail(FileCheckpoints, 0, c.Size, "checkpoint at size %d is not signed by the key active then", c.Size)
			return st
		}
		if i > 0 && c.Size <= st.notes[i-1].Size {
			b.fail(FileCheckpoints, 0, c.Size, "checkpoints are not in increasing size order")
			return st
		}
		if i < len(cf.Notes)-1 {
			cp := pf.Consistency[i]
			if cp.Size != c.Size || proof.VerifyConsistency(Hasher{}, c.Size, N, raw(cp.Path), c.Root[:], st.root[:]) != nil {
				b.fail(FileProofs, 0, c.Size, "consistency proof from size %d to %d fails", c.Size, N)
				return st
			}
		}
		st.notes = append(st.notes, c)
		st.raw = append(st.raw, n)
	}
	if pf.From == 0 || pf.From > pf.To || pf.To > N {
		b.fail(FileProofs, 0, 0, "bad range %d..%d of %d", pf.From, pf.To, N)
		return st
	}
	switch pv := pf.Prev; {
	case pv.Seq != pf.From-1:
		b.fail(FileProofs, 0, pv.Seq, "prev.seq must be from-1 = %d", pf.From-1)
		return st
	case pv.Seq == 0 && (pv.Leaf != Hash{} || len(pv.Path) != 0):
		b.fail(FileProofs, 0, 0, "prev must be the zero hash with an empty path when from is 1")
		return st
	case pv.Seq > 0 && proof.VerifyInclusion(Hasher{}, pv.Seq-1, N, pv.Leaf[:], raw(pv.Path), st.root[:]) != nil:
		b.fail(FileProofs, 0, pv.Seq, "inclusion proof of prev (seq %d) fails", pv.Seq)
		return st
	}
	b.rep.Checkpoints = len(st.notes)
	st.ok = true
	return st
}

// entries streams entries.jsonl: the chain inside the range, checkpoints
// inside the range, and the root rebuilt from left ‖ entries ‖ right.
func (b *bundleReader) entries(r io.Reader, st *bundleState) (int64, error) {
	cr := &countingReader{r: r}
	sc := bufio.NewScanner(cr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	pf := st.proofs
	var f Frontier
	var prev Hash
	var buf []byte
	seq := pf.From
	if st.ok {
		f = Frontier{Size: pf.From - 1, Hashes: pf.Left}
		if !f.valid() {
			b.fail(FileProofs, 0, 0, "left range has %d hashes for size %d", len(pf.Left), pf.From-1)
			st.ok = false
		}
	}
	line := 0
	ni := 0
	for sc.Scan() {
		line++
		if !st.ok || b.semantic != nil {
			continue // still hash the whole file
		}
		e, err := parseBundleEntry(sc.Bytes())
		if err != nil {
			b.fail(FileEntries, line, 0, "does not parse: %v", err)
			continue
		}
		if e.Seq != seq {
			b.fail(FileEntries, line, e.Seq, "want seq %d", seq)
			continue
		}
		buf, _ = e.AppendBinary(buf[:0])
		L := LeafHash(buf)
		if e.Leaf != L {
			b.fail(FileEntries, line, e.Seq, "leaf_hash does not match the record")
			continue
		}
		if seq == pf.From {
			prev = pf.Prev.Leaf
		}
		if e.PrevHash != prev {
			b.fail(FileEntries, line, e.Seq, "prev_hash does not link to seq %d", seq-1)
			continue
		}
		if want, ok := st.rotSeqs[seq]; (ok && want != L) || (!ok && e.Action == ActionKeyRotate) {
			b.fail(FileEntries, line, e.Seq, "rotation differs from keys.json")
			continue
		}
		for _, s := range []inclusionDoc(pf.Inclusion) {
			if s.Seq == seq && proof.VerifyInclusion(Hasher{}, seq-1, pf.TreeSize, L[:], raw(s.Path), st.root[:]) != nil {
				b.fail(FileProofs, 0, seq, "inclusion proof fails")
			}
		}
		f.Append(L)
		prev = L
		for ni < len(st.notes) && st.notes[ni].Size < seq {
			ni++
		}
		for ni < len(st.notes) && st.notes[ni].Size == seq {
			if st.notes[ni].Root != f.Root() {
				b.fail(FileEntries, line, seq, "records up to %d do not match the checkpoint at that size", seq)
			}
			ni++
		}
		seq++
	}
	if err := sc.Err(); err != nil {
		return cr.n, err
	}
	b.rep.Entries = uint64(line)
	if st.ok && b.semantic == nil {
		if seq != pf.To+1 {
			b.fail(FileEntries, line, seq, "ends at seq %d, want %d", seq-1, pf.To)
			return cr.n, nil
		}
		rf := &compact.RangeFactory{Hash: Hasher{}.HashChildren}
		left, err1 := rf.NewRange(0, f.Size, raw(f.Hashes))
		right, err2 := rf.NewRange(pf.To, pf.TreeSize, raw(pf.Right))
		if err1 != nil || err2 != nil || left.AppendRange(right, nil) != nil {
			b.fail(FileProofs, 0, 0, "bad right range")
			return cr.n, nil
		}
		root, _ := left.GetRootHash(nil)
		if !bytes.Equal(root, st.root[:]) {
			b.fail(FileEntries, 0, 0, "entries with proofs.json left/right ranges do not rebuild the signed root of size %d", pf.TreeSize)
		}
		copy(b.rep.Root[:], root)
	}
	return cr.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// verifyMarkdown returns VERIFY.md with test vectors computed by this code.
func verifyMarkdown() []byte {
	r := Record{Seq: 1, Time: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC), Teller: "T001",
		Authorizer: "S001", Terminal: "T07", Branch: "0101", Action: "posting", Object: "J000001",
		Result: "ok", PayloadDigest: sm3.Sum([]byte("abc"))}
	enc, _ := r.MarshalBinary()
	leaf := LeafHash(enc)
	abc := sm3.Sum([]byte("abc"))
	var f Frontier
	f.Append(leaf)
	f.Append(leaf)
	f.Append(leaf)
	v := sm2Vector()
	const kidOrigin = "guitai.example/branch-0101/T07"
	kid := KeyID(kidOrigin, v.pub)
	s := strings.NewReplacer(
		"{{ABC}}", Hash(abc).String(),
		"{{ENC}}", fmt.Sprintf("%x", enc),
		"{{LEAF}}", leaf.String(),
		"{{NODE}}", NodeHash(leaf, leaf).String(),
		"{{ROOT3}}", f.Root().String(),
		"{{EMPTY}}", EmptyRoot().String(),
		"{{SM2D}}", v.d, "{{SM2X}}", v.x, "{{SM2Y}}", v.y, "{{SM2ZA}}", v.za, "{{SM2E}}", v.e,
		"{{SM2R}}", v.r, "{{SM2S}}", v.s, "{{SM2DER}}", v.der,
		"{{KIDORIGIN}}", kidOrigin, "{{KID}}", fmt.Sprintf("%x", kid[:]),
	).Replace(verifyTemplate)
	return []byte(s)
}

// hashingWriter computes SM3 of everything written and writes it to w,
// both on a separate goroutine, in 1 MiB chunks.
type hashingWriter struct {
	buf  []byte
	work chan []byte
	free chan []byte
	done chan struct{}
	sum  Hash
	n    int64
	err  error
}

const hwChunk = 1 << 20

func newHashingWriter(w io.Writer) *hashingWriter {
	h := &hashingWriter{work: make(chan []byte, 4), free: make(chan []byte, 5), done: make(chan struct{})}
	for range 4 {
		h.free <- make([]byte, 0, hwChunk)
	}
	h.buf = make([]byte, 0, hwChunk)
	go func() {
		defer close(h.done)
		d := sm3.New()
		for b := range h.work {
			d.Write(b)
			if h.err == nil {
				_, h.err = w.Write(b)
			}
			h.n += int64(len(b))
			h.free <- b[:0]
		}
		d.Sum(h.sum[:0])
	}()
	return h
}

// Write buffers p; errors are reported by Close.
func (h *hashingWriter) Write(p []byte) (int, error) {
	if len(h.buf)+len(p) > hwChunk && len(h.buf) > 0 {
		h.work <- h.buf
		h.buf = <-h.free
	}
	h.buf = append(h.buf, p...)
	return len(p), nil
}

// Close flushes and returns the digest and size of everything written.
func (h *hashingWriter) Close() (Hash, int64, error) {
	if len(h.buf) > 0 {
		h.work <- h.buf
	}
	close(h.work)
	<-h.done
	return h.sum, h.n, h.err
}
