package audit

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Checkpoint is the signed statement "the log named Origin had Size
// records and Merkle root Root".
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   Hash
}

// Body returns the checkpoint text that is signed (C2SP tlog-checkpoint):
//
//	<origin>\n<size in decimal>\n<base64 std root>\n
func (c Checkpoint) Body() []byte {
	return []byte(c.Origin + "\n" + strconv.FormatUint(c.Size, 10) + "\n" +
		base64.StdEncoding.EncodeToString(c.Root[:]) + "\n")
}

// NoteSignature is one signature line of a signed note.
type NoteSignature struct {
	Name  string
	KeyID [4]byte
	Sig   []byte // SM2 ASN.1 DER
}

// SignCheckpoint returns the C2SP signed note of c: the body, a blank
// line, and "— <origin> <base64(keyID || DER signature)>\n". The key name
// is the origin.
func SignCheckpoint(c Checkpoint, s crypto.Signer) ([]byte, error) {
	pub, err := signerPublic(s)
	if err != nil {
		return nil, err
	}
	if err := checkOrigin(c.Origin); err != nil {
		return nil, err
	}
	body := c.Body()
	sig, err := sign(s, body)
	if err != nil {
		return nil, err
	}
	id := KeyID(c.Origin, pub)
	var b bytes.Buffer
	b.Write(body)
	b.WriteString("\n\u2014 " + c.Origin + " ")
	b.WriteString(base64.StdEncoding.EncodeToString(append(id[:], sig...)))
	b.WriteString("\n")
	return b.Bytes(), nil
}

func checkOrigin(o string) error {
	if o == "" || !utf8.ValidString(o) || strings.ContainsAny(o, " \n+") {
		return errf(CodeInvalid, "origin", nil, "origin must be non-empty UTF-8 without spaces, '+' or newlines")
	}
	return nil
}

// ParseCheckpoint parses a signed note without verifying signatures.
func ParseCheckpoint(note []byte) (Checkpoint, []NoteSignature, error) {
	const op = "parse checkpoint"
	bad := func(msg string) (Checkpoint, []NoteSignature, error) {
		return Checkpoint{}, nil, errf(CodeMalformed, op, nil, "%s", msg)
	}
	if !utf8.Valid(note) || len(note) > 1<<16 {
		return bad("not UTF-8 or too long")
	}
	text := string(note)
	i := strings.Index(text, "\n\n")
	if i < 0 {
		return bad("no blank line")
	}
	body, sigs := text[:i+1], text[i+2:]
	lines := strings.Split(body, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return bad("short body")
	}
	var c Checkpoint
	c.Origin = lines[0]
	if checkOrigin(c.Origin) != nil {
		return bad("bad origin")
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return bad("bad size")
	}
	c.Size = size
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != HashSize {
		return bad("bad root")
	}
	copy(c.Root[:], root)
	if !bytes.Equal(c.Body(), []byte(body)) {
		return bad("extension lines are not supported")
	}
	if sigs == "" || !strings.HasSuffix(sigs, "\n") {
		return bad("no signature")
	}
	var out []NoteSignature
	for _, line := range strings.Split(strings.TrimSuffix(sigs, "\n"), "\n") {
		rest, ok := strings.CutPrefix(line, "\u2014 ")
		if !ok {
			return bad("bad signature line")
		}
		name, b64, ok := strings.Cut(rest, " ")
		if !ok || name == "" {
			return bad("bad signature line")
		}
		raw, err := base64.StdEncoding.Strict().DecodeString(b64)
		if err != nil || len(raw) < 5 {
			return bad("bad signature encoding")
		}
		var s NoteSignature
		s.Name = name
		copy(s.KeyID[:], raw)
		s.Sig = raw[4:]
		out = append(out, s)
	}
	return c, out, nil
}

// OpenCheckpoint parses note and verifies that it carries a valid SM2
// signature by pub under the key name equal to its origin.
func OpenCheckpoint(note []byte, pub *ecdsa.PublicKey) (Checkpoint, error) {
	c, sigs, err := ParseCheckpoint(note)
	if err != nil {
		return c, err
	}
	if pub == nil {
		return c, errf(CodeKey, "open checkpoint", nil, "no public key")
	}
	id := KeyID(c.Origin, pub)
	for _, s := range sigs {
		if s.Name == c.Origin && s.KeyID == id && VerifySignature(pub, c.Body(), s.Sig) {
			return c, nil
		}
	}
	return c, errf(CodeSignature, "open checkpoint", nil, "no valid signature by the expected key at size %d", c.Size)
}
