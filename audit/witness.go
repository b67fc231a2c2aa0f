package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/transparency-dev/merkle/proof"
)

// Witness cosignatures follow C2SP tlog-cosignature (cosignature/v1):
// an Ed25519 signature by the witness over
//
//	"cosignature/v1\ntime " <decimal Unix seconds> "\n" <checkpoint body>
//
// carried as a signed-note line "— <witness name> base64(key ID(4) ||
// time(8, big-endian) || signature(64))", key ID = SHA-256(name "\n"
// 0x04 || public key)[:4]. The log's own signature stays the SM2 line
// (key type 0x53); cosignature lines are appended to the stored note.

const witnessKeyType = 0x04 // cosignature/v1

// WitnessKey is a witness's public cosignature/v1 key.
type WitnessKey struct {
	Name string
	ID   [4]byte
	Key  ed25519.PublicKey
}

func witnessKeyID(name string, pub ed25519.PublicKey) [4]byte {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{witnessKeyType})
	h.Write(pub)
	var id [4]byte
	copy(id[:], h.Sum(nil))
	return id
}

// String returns the C2SP verifier key: name+hex(key ID)+base64(0x04||key).
func (k WitnessKey) String() string {
	return k.Name + "+" + hex.EncodeToString(k.ID[:]) + "+" +
		base64.StdEncoding.EncodeToString(append([]byte{witnessKeyType}, k.Key...))
}

// ParseWitnessKey parses a verifier key written by [WitnessKey.String]
// (surrounding white space is ignored).
func ParseWitnessKey(vkey string) (WitnessKey, error) {
	bad := errf(CodeKey, "witness key", nil, "want name+keyid+base64(0x04||ed25519 key)")
	parts := strings.SplitN(strings.TrimSpace(vkey), "+", 3)
	if len(parts) != 3 || parts[0] == "" || checkOrigin(parts[0]) != nil {
		return WitnessKey{}, bad
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != witnessKeyType {
		return WitnessKey{}, bad
	}
	k := WitnessKey{Name: parts[0], Key: ed25519.PublicKey(raw[1:])}
	k.ID = witnessKeyID(k.Name, k.Key)
	if hex.EncodeToString(k.ID[:]) != parts[1] {
		return WitnessKey{}, errf(CodeKey, "witness key", nil, "key ID does not match the key")
	}
	return k, nil
}

// WitnessSigner is a witness's private key.
type WitnessSigner struct {
	WitnessKey
	priv ed25519.PrivateKey
}

// GenerateWitnessKey returns a new witness key named name and its
// private form for [ParseWitnessSigner].
func GenerateWitnessKey(name string) (WitnessSigner, string, error) {
	if err := checkOrigin(name); err != nil {
		return WitnessSigner{}, "", err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return WitnessSigner{}, "", errf(CodeKey, "witness key", err, "")
	}
	s := newWitnessSigner(name, priv)
	skey := "PRIVATE+KEY+" + name + "+" + hex.EncodeToString(s.ID[:]) + "+" +
		base64.StdEncoding.EncodeToString(append([]byte{witnessKeyType}, priv.Seed()...)) + "\n"
	return s, skey, nil
}

func newWitnessSigner(name string, priv ed25519.PrivateKey) WitnessSigner {
	pub := priv.Public().(ed25519.PublicKey)
	return WitnessSigner{WitnessKey: WitnessKey{Name: name, ID: witnessKeyID(name, pub), Key: pub}, priv: priv}
}

// ParseWitnessSigner parses "PRIVATE+KEY+name+keyid+base64(0x04||seed)".
func ParseWitnessSigner(skey string) (WitnessSigner, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(skey), "PRIVATE+KEY+")
	parts := strings.SplitN(rest, "+", 3)
	if !ok || len(parts) != 3 || checkOrigin(parts[0]) != nil {
		return WitnessSigner{}, errf(CodeKey, "witness signer", nil, "bad private key")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != witnessKeyType {
		return WitnessSigner{}, errf(CodeKey, "witness signer", nil, "bad private key")
	}
	s := newWitnessSigner(parts[0], ed25519.NewKeyFromSeed(raw[1:]))
	if hex.EncodeToString(s.ID[:]) != parts[1] {
		return WitnessSigner{}, errf(CodeKey, "witness signer", nil, "key ID does not match the key")
	}
	return s, nil
}

func cosignedMessage(c Checkpoint, t uint64) []byte {
	return append([]byte("cosignature/v1\ntime "+strconv.FormatUint(t, 10)+"\n"), c.Body()...)
}

// Cosign returns the cosignature line for c at time t (Unix seconds),
// ending in a newline.
func (s WitnessSigner) Cosign(c Checkpoint, t uint64) string {
	sig := ed25519.Sign(s.priv, cosignedMessage(c, t))
	raw := make([]byte, 0, 4+8+len(sig))
	raw = append(raw, s.ID[:]...)
	raw = binary.BigEndian.AppendUint64(raw, t)
	raw = append(raw, sig...)
	return "\u2014 " + s.Name + " " + base64.StdEncoding.EncodeToString(raw) + "\n"
}

var errNoCosignature = errf(CodeSignature, "cosignature", nil, "no cosignature by the witness")

// verifyNote checks the cosignature by k on note (whose body is c) and
// returns its time. A line with k's name and key ID that does not verify
// is an error; no such line is errNoCosignature.
func (k WitnessKey) verifyNote(note []byte, c Checkpoint) (uint64, error) {
	_, sigs, err := ParseCheckpoint(note)
	if err != nil {
		return 0, err
	}
	for _, s := range sigs {
		if s.Name != k.Name || s.KeyID != k.ID {
			continue
		}
		if len(s.Sig) != 8+ed25519.SignatureSize {
			return 0, errf(CodeSignature, "cosignature", nil, "witness %s: bad cosignature length", k.Name)
		}
		t := binary.BigEndian.Uint64(s.Sig)
		if !ed25519.Verify(k.Key, cosignedMessage(c, t), s.Sig[8:]) {
			return 0, errf(CodeSignature, "cosignature", nil, "witness %s: cosignature does not verify", k.Name)
		}
		return t, nil
	}
	return 0, errNoCosignature
}

// Cosigned reports whether note carries a valid cosignature by k.
func (k WitnessKey) Cosigned(note []byte) bool {
	c, _, err := ParseCheckpoint(note)
	if err != nil {
		return false
	}
	_, err = k.verifyNote(note, c)
	return err == nil
}

// requireWitnesses sets the witness keys; with require, every key must
// have cosigned at least one of the notes, else the log fails KindWitness
// (the newest cosigned note is among the notes, so a log that does not
// extend it fails as truncated or forged).
func (v *Verifier) requireWitnesses(keys []WitnessKey, require bool) error {
	v.wkeys = keys
	if !require {
		return nil
	}
	for _, k := range keys {
		found := false
		for _, n := range v.notes {
			if k.Cosigned(n.note) {
				found = true
				break
			}
		}
		if !found {
			v.fail(1, KindWitness, "no checkpoint cosigned by witness %s", k.Name)
		}
	}
	return nil
}

// WitnessClient submits checkpoints to a C2SP tlog-witness.
type WitnessClient struct {
	URL  string     // base URL; the client POSTs to URL + "/add-checkpoint"
	Key  WitnessKey // the witness's cosignature key
	HTTP *http.Client
}

func (w *WitnessClient) client() *http.Client {
	if w.HTTP != nil {
		return w.HTTP
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// errConflict carries the witness's size from a 409 answer.
type errConflict struct{ size uint64 }

func (e errConflict) Error() string { return "witness is at size " + strconv.FormatUint(e.size, 10) }

// AddCheckpoint sends one add-checkpoint request and returns the
// cosignature line(s) of the response.
func (w *WitnessClient) AddCheckpoint(ctx context.Context, old uint64, consistency []Hash, note []byte) ([]byte, error) {
	const op = "witness"
	var b bytes.Buffer
	b.WriteString("old " + strconv.FormatUint(old, 10) + "\n")
	for _, h := range consistency {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(note)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(w.URL, "/")+"/add-checkpoint", &b)
	if err != nil {
		return nil, errf(CodeInvalid, op, err, "")
	}
	resp, err := w.client().Do(req)
	if err != nil {
		return nil, errf(CodeState, op, err, "")
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if err != nil {
		return nil, errf(CodeState, op, err, "")
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return body, nil
	case http.StatusConflict:
		n, err := strconv.ParseUint(strings.TrimSpace(string(body)), 10, 64)
		if err != nil {
			return nil, errf(CodeState, op, err, "bad 409 answer")
		}
		return nil, errConflict{n}
	default:
		return nil, errf(CodeState, op, nil, "witness answered %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
}

// Witness has the newest stored checkpoint cosigned by w and stores the
// cosignature line in it (the note column then carries the log's SM2
// signature and the witness's). Call it after the transaction that
// stored a checkpoint has committed (the ledger can call it after a
// sign-on, sign-off, or every N checkpoints, or from a background loop);
// it takes no lock the appenders need. It is a no-op when the newest
// checkpoint is already cosigned. A witness that refuses (the log does
// not extend what it cosigned before) is an error with CodeTampered.
func (l *Log) Witness(ctx context.Context, db *sql.DB, w *WitnessClient) (StoredCheckpoint, error) {
	const op = "witness"
	cps, err := l.Checkpoints(ctx, db)
	if err != nil {
		return StoredCheckpoint{}, err
	}
	if len(cps) == 0 {
		return StoredCheckpoint{}, errf(CodeState, op, nil, "no checkpoint to cosign")
	}
	newest := cps[len(cps)-1]
	if w.Key.Cosigned(newest.Note) {
		return newest, nil
	}
	// The witness's size is the newest checkpoint it cosigned, as far as
	// this database knows; a 409 answer corrects it once.
	old := -1
	for i := len(cps) - 2; i >= 0; i-- {
		if w.Key.Cosigned(cps[i].Note) {
			old = i
			break
		}
	}
	oldSize := uint64(0)
	if old >= 0 {
		oldSize = cps[old].Size
	}
	var line []byte
	for attempt := 0; ; attempt++ {
		p, err := l.consistencyProof(ctx, db, cps, oldSize, newest)
		if err != nil {
			return StoredCheckpoint{}, err
		}
		line, err = w.AddCheckpoint(ctx, oldSize, p, newest.Note)
		var c errConflict
		if errors.As(err, &c) && attempt == 0 && c.size <= newest.Size {
			oldSize = c.size
			continue
		}
		if errors.As(err, &c) {
			return StoredCheckpoint{}, errf(CodeTampered, op, err, "the witness has cosigned size %d, which this log (size %d) does not extend", c.size, newest.Size)
		}
		if err != nil {
			return StoredCheckpoint{}, err
		}
		break
	}
	cosigned := append(bytes.Clone(newest.Note), line...)
	if _, err := w.Key.verifyNote(cosigned, newest.Checkpoint); err != nil {
		return StoredCheckpoint{}, errf(CodeSignature, op, err, "the witness's answer")
	}
	res, err := db.ExecContext(ctx, l.q(`UPDATE audit_checkpoint SET note = ? WHERE size = ? AND note = ?`),
		string(cosigned), int64(newest.Size), string(newest.Note))
	if err != nil {
		return StoredCheckpoint{}, errf(CodeState, op, err, "store cosignature")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return StoredCheckpoint{}, errf(CodeState, op, nil, "checkpoint %d changed while it was cosigned", newest.Size)
	}
	newest.Note = cosigned
	return newest, nil
}

// consistencyProof computes the RFC 9162 consistency proof from oldSize
// to newest.Size from the stored frontier at oldSize (a checkpoint row)
// and the stored leaf hashes after it: O(newest.Size - oldSize).
func (l *Log) consistencyProof(ctx context.Context, q Querier, cps []StoredCheckpoint, oldSize uint64, newest StoredCheckpoint) ([]Hash, error) {
	const op = "consistency proof"
	if oldSize == 0 || oldSize == newest.Size {
		return nil, nil
	}
	var front Frontier
	found := false
	for _, c := range cps {
		if c.Size == oldSize {
			f, err := decodeFrontier(c.Size, c.frontier)
			if err != nil {
				return nil, err
			}
			if f.Root() != c.Root {
				return nil, errf(CodeTampered, op, nil, "stored frontier at size %d does not match its root (auditctl repair-frontier)", c.Size)
			}
			front, found = f, true
		}
	}
	if !found {
		return nil, errf(CodeState, op, nil, "no checkpoint row at size %d", oldSize)
	}
	var leaves []Hash
	err := l.Scan(ctx, q, Filter{FromSeq: oldSize + 1, ToSeq: newest.Size}, func(e *Entry) error {
		if e.Seq != oldSize+1+uint64(len(leaves)) {
			return errf(CodeTampered, op, nil, "records are not contiguous at %d", e.Seq)
		}
		leaves = append(leaves, e.Leaf)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if uint64(len(leaves)) != newest.Size-oldSize {
		return nil, errf(CodeTampered, op, nil, "log has fewer records than checkpoint %d", newest.Size)
	}
	return consistencyFrom(front, leaves)
}

// consistencyFrom builds PROOF(m, n) from the compact range of the first
// m leaves and the leaf hashes m..n-1: every proof node lies either in
// that compact range or entirely inside [m, n).
func consistencyFrom(front Frontier, leaves []Hash) ([]Hash, error) {
	m, n := front.Size, front.Size+uint64(len(leaves))
	nodes, err := proof.Consistency(m, n)
	if err != nil {
		return nil, errf(CodeInvalid, "consistency proof", err, "")
	}
	// Pieces of the compact range of m: sizes are m's bits, high first.
	type piece struct{ begin, size uint64 }
	var pieces []piece
	var at uint64
	for b := 63; b >= 0; b-- {
		if s := uint64(1) << b; m&s != 0 {
			pieces = append(pieces, piece{at, s})
			at += s
		}
	}
	hs := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		begin, size := id.Index<<id.Level, uint64(1)<<id.Level
		var h Hash
		switch {
		case begin >= m && begin+size <= n:
			h = NewTree(leaves[begin-m : begin-m+size]).Root(size)
		default:
			ok := false
			for j, p := range pieces {
				if p.begin == begin && p.size == size {
					h, ok = front.Hashes[j], true
				}
			}
			if !ok {
				return nil, errf(CodeState, "consistency proof", nil, "node %d/%d is not available", id.Level, id.Index)
			}
		}
		hs[i] = bytes.Clone(h[:])
	}
	out, err := nodes.Rehash(hs, Hasher{}.HashChildren)
	if err != nil {
		return nil, errf(CodeState, "consistency proof", err, "")
	}
	res := make([]Hash, len(out))
	for i := range out {
		copy(res[i][:], out[i])
	}
	return res, nil
}
