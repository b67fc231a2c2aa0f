package audit

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"
)

// HashSize is the size of an SM3 digest in bytes.
const HashSize = sm3.Size

// Hash is an SM3 digest.
type Hash [HashSize]byte

// String returns the lower-case hex form of h.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText encodes h as lower-case hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes 64 hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 2*HashSize {
		return errf(CodeMalformed, "hash", nil, "want %d hex digits, got %d", 2*HashSize, len(b))
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return errf(CodeMalformed, "hash", err, "bad hex")
	}
	return nil
}

// ParseHash decodes a hex SM3 digest.
func ParseHash(s string) (Hash, error) {
	var h Hash
	err := h.UnmarshalText([]byte(s))
	return h, err
}

// Action names. The ledger's names are listed so callers and auditctl
// filters agree; ActionKeyRotate is written by this package itself.
const (
	ActionPosting  = "posting"
	ActionReversal = "reversal"
	ActionSignOn   = "sign_on"  // take a checkpoint in the same transaction
	ActionSignOff  = "sign_off" // take a checkpoint in the same transaction
	// ActionSignOffRefused is a sign-off the ledger refused (Result: its
	// code); a checkpoint is taken all the same.
	ActionSignOffRefused = "sign_off_refused"
	ActionAuthorization  = "authorization"
	// ActionCounterpart is the other person of a cash handover confirming
	// it (dual control): Object the posting's serial, Authorizer that user.
	ActionCounterpart = "counterpart"
	ActionLoginFailed = "login_failed"
	ActionKeyRotate   = "audit.key.rotate" // Object: new public key; Result: old key's signature
	// Refusals: a posting the ledger refused (Result: its code), after
	// any authorization it carried.
	ActionRefused = "refused"
	// The business day: opened by a branch's first sign-on of a day
	// (Object the branch, Result the date), closed by day-end (Object the
	// date closed, Result the next).
	ActionDayOpen  = "day_open"
	ActionDayClose = "day_close"
	// User administration; Teller is who did it, Object whose user.
	ActionUserAdd          = "user_add"
	ActionUserPasswd       = "user_passwd"
	ActionUserRole         = "user_role"
	ActionUserLock         = "user_lock"
	ActionUserUnlock       = "user_unlock"
	ActionUserFingerAdd    = "user_finger_add"
	ActionUserFingerRemove = "user_finger_remove"
	// ActionPolicySet is an authorization policy set (Object: the
	// transaction id; the payload digest covers the new policy).
	ActionPolicySet = "policy_set"
	// Release packages (Object: "ID@VERSION", and the target of an
	// activation): the steps of a package's maker-checker lifecycle.
	ActionReleaseSubmit    = "release_submit"
	ActionReleaseApprove   = "release_approve"
	ActionReleaseActivate  = "release_activate"
	ActionReleaseSupersede = "release_supersede"
	ActionReleaseRollback  = "release_rollback"
)

// Record is one audit log entry. Seq and PrevHash are assigned by
// [Log.Append]; Time is set to the current time when zero.
type Record struct {
	Seq           uint64    `json:"seq"`            // 1, 2, 3, ... ; leaf index is Seq-1
	Time          time.Time `json:"time"`           // wall clock, stored as Unix nanoseconds UTC
	Teller        string    `json:"teller"`         // who acted
	Authorizer    string    `json:"authorizer"`     // supervisor who authorized, or ""
	Terminal      string    `json:"terminal"`       // workstation id
	Branch        string    `json:"branch"`         // branch id
	Action        string    `json:"action"`         // e.g. "posting", "signon", "login.failed"
	Object        string    `json:"object"`         // what was acted on, e.g. a journal serial
	Result        string    `json:"result"`         // "ok" or an error code
	PayloadDigest Hash      `json:"payload_digest"` // SM3 of the business payload
	PrevHash      Hash      `json:"prev_hash"`      // leaf hash of record Seq-1; zero for Seq 1
}

// encodingVersion is the first byte of every canonical encoding.
const encodingVersion = 1

// maxField bounds every string field of a record.
const maxField = 1 << 16

func (r *Record) fields() [7]string {
	return [7]string{r.Teller, r.Authorizer, r.Terminal, r.Branch, r.Action, r.Object, r.Result}
}

// AppendBinary appends the canonical encoding of r to b and returns it:
//
//	u8  version (1)
//	u64 seq, big-endian
//	i64 time, Unix nanoseconds, big-endian
//	7 × (u32 big-endian byte length, UTF-8 bytes):
//	    teller, authorizer, terminal, branch, action, object, result
//	32  payload digest
//	32  prev hash
//
// This is the byte string hashed into the leaf; it is the only encoding
// that is ever hashed.
func (r *Record) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, encodingVersion)
	b = binary.BigEndian.AppendUint64(b, r.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Time.UnixNano()))
	for _, f := range r.fields() {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	b = append(b, r.PayloadDigest[:]...)
	b = append(b, r.PrevHash[:]...)
	return b, nil
}

// MarshalBinary returns the canonical encoding of r (see [Record.AppendBinary]).
func (r *Record) MarshalBinary() ([]byte, error) { return r.AppendBinary(nil) }

// UnmarshalBinary decodes a canonical encoding. It rejects trailing bytes,
// invalid UTF-8 and over-long fields, so that decode∘encode is the identity.
func (r *Record) UnmarshalBinary(b []byte) error {
	const op = "decode record"
	if len(b) < 1+8+8 || b[0] != encodingVersion {
		return errf(CodeMalformed, op, nil, "bad header")
	}
	var out Record
	out.Seq = binary.BigEndian.Uint64(b[1:])
	out.Time = time.Unix(0, int64(binary.BigEndian.Uint64(b[9:]))).UTC()
	b = b[17:]
	var fs [7]string
	for i := range fs {
		if len(b) < 4 {
			return errf(CodeMalformed, op, nil, "short field %d", i)
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if n > maxField || uint64(n) > uint64(len(b)) {
			return errf(CodeMalformed, op, nil, "bad length of field %d", i)
		}
		fs[i] = string(b[:n])
		if !utf8.ValidString(fs[i]) {
			return errf(CodeMalformed, op, nil, "field %d is not UTF-8", i)
		}
		b = b[n:]
	}
	out.Teller, out.Authorizer, out.Terminal, out.Branch, out.Action, out.Object, out.Result =
		fs[0], fs[1], fs[2], fs[3], fs[4], fs[5], fs[6]
	if len(b) != 2*HashSize {
		return errf(CodeMalformed, op, nil, "want %d trailing digest bytes, got %d", 2*HashSize, len(b))
	}
	copy(out.PayloadDigest[:], b)
	copy(out.PrevHash[:], b[HashSize:])
	*r = out
	return nil
}

// validate checks what Append requires of a caller's record.
func (r *Record) validate() error {
	for i, f := range r.fields() {
		if len(f) > maxField || !utf8.ValidString(f) {
			return errf(CodeInvalid, "append", nil, "field %d is too long or not UTF-8", i)
		}
	}
	if r.Action == "" {
		return errf(CodeInvalid, "append", nil, "action is required")
	}
	return nil
}

// LeafHash returns SM3(0x00 || canonical encoding of r), the Merkle leaf
// hash, which is also the next record's PrevHash.
func (r *Record) LeafHash() Hash {
	var buf [256]byte
	b, _ := r.AppendBinary(buf[:0])
	return LeafHash(b)
}

// Entry is a stored record together with the leaf hash that was stored
// beside it when it was appended (not trusted by verification, but used
// to tell what kind of tampering happened).
type Entry struct {
	Record
	Leaf Hash `json:"leaf_hash"` // as stored; Verify recomputes it
}

// entryJSON fixes the JSON form of Entry with the time in UTC RFC 3339.
type entryJSON struct {
	Seq           uint64 `json:"seq"`
	Time          string `json:"time"`
	TimeNS        int64  `json:"time_ns"`
	Teller        string `json:"teller"`
	Authorizer    string `json:"authorizer"`
	Terminal      string `json:"terminal"`
	Branch        string `json:"branch"`
	Action        string `json:"action"`
	Object        string `json:"object"`
	Result        string `json:"result"`
	PayloadDigest Hash   `json:"payload_digest"`
	PrevHash      Hash   `json:"prev_hash"`
	Leaf          Hash   `json:"leaf_hash"`
}

// MarshalJSON encodes e as one JSON object; time_ns is authoritative and
// time is its RFC 3339 rendering for people.
func (e Entry) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil), nil }

// AppendJSON appends the JSON object of e (the form of entries.jsonl) to
// b without reflection; it produces the same bytes as encoding/json would
// for the same fields, minus HTML escaping.
func (e *Entry) AppendJSON(b []byte) []byte { return e.appendJSON(b, true) }

// appendJSON is AppendJSON; without human it leaves out the unhashed
// "time" rendering (the form of entries.jsonl in bundles).
func (e *Entry) appendJSON(b []byte, human bool) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	if human {
		b = append(b, `,"time":"`...)
		b = e.Time.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	b = append(b, `,"time_ns":`...)
	b = strconv.AppendInt(b, e.Time.UnixNano(), 10)
	names := [7]string{`,"teller":`, `,"authorizer":`, `,"terminal":`, `,"branch":`, `,"action":`, `,"object":`, `,"result":`}
	for i, f := range e.fields() {
		b = append(b, names[i]...)
		b = appendJSONString(b, f)
	}
	b = append(b, `,"payload_digest":"`...)
	b = hex.AppendEncode(b, e.PayloadDigest[:])
	b = append(b, `","prev_hash":"`...)
	b = hex.AppendEncode(b, e.PrevHash[:])
	b = append(b, `","leaf_hash":"`...)
	b = hex.AppendEncode(b, e.Leaf[:])
	return append(b, `"}`...)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD
// as with encoding/json.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// UnmarshalJSON decodes the form written by MarshalJSON.
func (e *Entry) UnmarshalJSON(b []byte) error {
	var j entryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return errf(CodeMalformed, "decode entry", err, "")
	}
	*e = Entry{Record: Record{
		Seq: j.Seq, Time: time.Unix(0, j.TimeNS).UTC(),
		Teller: j.Teller, Authorizer: j.Authorizer, Terminal: j.Terminal, Branch: j.Branch,
		Action: j.Action, Object: j.Object, Result: j.Result,
		PayloadDigest: j.PayloadDigest, PrevHash: j.PrevHash,
	}, Leaf: j.Leaf}
	return nil
}
