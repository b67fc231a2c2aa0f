package pinpad

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/emmansun/gmsm/sm4"
)

// BlockSize is the size of a PIN block and of an SM4 key.
const BlockSize = 16

// ErrBadBlock is wrapped by the error for a PIN block that does not
// decrypt to a format-0 block: a wrong working key or PAN, or a forged
// block.
var ErrBadBlock = errors.New("pinpad: PIN block does not decrypt")

// PIN is a PIN as it leaves the pad: an ISO 9564 format-0 PIN block
// encrypted with SM4 under the working key, and the PAN digits it is bound
// to. It holds no digit in the clear. It prints, logs and marshals
// redacted; Zero wipes it.
type PIN struct {
	block [BlockSize]byte
	pan   string
	n     int // digits entered, as the pad showed them
}

// NewPIN is a PIN as it travels on from the window: its encrypted block
// and the PAN it is bound to, for the holder of the working key to open
// (Key.Open).
func NewPIN(block [BlockSize]byte, pan string) *PIN { return &PIN{block: block, pan: pan} }

// Block returns a copy of the encrypted PIN block: ciphertext, safe to
// hand on to where the PIN is checked.
func (p *PIN) Block() [BlockSize]byte { return p.block }

// PAN returns the account digits the block is bound to ("" for none).
func (p *PIN) PAN() string { return p.pan }

// Len returns the number of digits, which the window showed as dots.
func (p *PIN) Len() int { return p.n }

// Zero wipes the encrypted block.
func (p *PIN) Zero() {
	if p != nil {
		clear(p.block[:])
		p.n = 0
	}
}

// String is "PIN(****)".
func (p *PIN) String() string { return "PIN(****)" }

// GoString is "PIN(****)".
func (p *PIN) GoString() string { return "PIN(****)" }

// Format prints "PIN(****)" for every verb, %x and %#v included.
func (p *PIN) Format(f fmt.State, _ rune) { fmt.Fprint(f, "PIN(****)") }

// LogValue keeps the PIN out of log/slog output.
func (p *PIN) LogValue() slog.Value { return slog.StringValue("PIN(****)") }

// MarshalJSON refuses: a PIN never goes into a journal or a message.
func (p *PIN) MarshalJSON() ([]byte, error) {
	return nil, &json.UnsupportedValueError{Str: "PIN(****)"}
}

// Zero wipes b; use it on every buffer that held PIN digits.
func Zero(b []byte) { clear(b) }

// panField is the format-0 account field widened to 16 bytes: the 12
// rightmost digits of pan before its check digit, right-aligned in zero
// nibbles. A PAN shorter than 13 digits is left-padded with zeros; ""
// gives a zero field.
func panField(pan string) ([BlockSize]byte, error) {
	var f [BlockSize]byte
	if pan == "" {
		return f, nil
	}
	for _, c := range pan {
		if c < '0' || c > '9' {
			return f, errors.New("pinpad: PAN must be digits")
		}
	}
	body := pan[:len(pan)-1] // drop the check digit
	if len(body) > 12 {
		body = body[len(body)-12:]
	}
	// nibbles 20..31 hold the 12 digits.
	for i := 0; i < len(body); i++ {
		nib := 32 - len(body) + i
		f[nib/2] |= (body[i] - '0') << (4 * (1 - nib%2))
	}
	return f, nil
}

// pinField is the format-0 PIN field widened to 16 bytes: 0, the length,
// the digits, then F nibbles.
func pinField(digits []byte) ([BlockSize]byte, error) {
	var f [BlockSize]byte
	if len(digits) < 4 || len(digits) > 12 {
		return f, errors.New("pinpad: a PIN has 4 to 12 digits")
	}
	for i := range f {
		f[i] = 0xFF
	}
	f[0] = byte(len(digits))
	for i, d := range digits {
		if d < '0' || d > '9' {
			clear(f[:])
			return f, errors.New("pinpad: a PIN is digits")
		}
		nib := 2 + i
		shift := 4 * (1 - nib%2)
		f[nib/2] = f[nib/2]&^(0xF<<shift) | (d-'0')<<shift
	}
	return f, nil
}

// ClearBlock returns the format-0 PIN block of digits bound to pan
// (widened to SM4's 16 bytes: the PIN field padded with F nibbles, the
// account field with leading zeros), before encryption.
func ClearBlock(digits []byte, pan string) ([BlockSize]byte, error) {
	pf, err := pinField(digits)
	if err != nil {
		return pf, err
	}
	af, err := panField(pan)
	if err != nil {
		clear(pf[:])
		return pf, err
	}
	for i := range pf {
		pf[i] ^= af[i]
	}
	return pf, nil
}

// digitsOf takes the digits out of a clear format-0 block bound to pan.
func digitsOf(block [BlockSize]byte, pan string) ([]byte, error) {
	defer clear(block[:])
	af, err := panField(pan)
	if err != nil {
		return nil, err
	}
	for i := range block {
		block[i] ^= af[i]
	}
	n := int(block[0])
	if block[0]>>4 != 0 || n < 4 || n > 12 {
		return nil, ErrBadBlock
	}
	out := make([]byte, n)
	for i := 2; i < 32; i++ {
		v := block[i/2] >> (4 * (1 - i%2)) & 0xF
		switch {
		case i < 2+n && v <= 9:
			out[i-2] = '0' + v
		case i >= 2+n && v == 0xF:
		default:
			clear(out)
			return nil, ErrBadBlock
		}
	}
	return out, nil
}

// Key is an SM4 key: the terminal master key or a working key.
type Key [BlockSize]byte

// CheckValue is the key's check value: the first 4 bytes of SM4 of a zero
// block under it.
func (k *Key) CheckValue() [4]byte {
	var z [BlockSize]byte
	c, _ := sm4.NewCipher(k[:]) // a 16-byte key never fails
	c.Encrypt(z[:], z[:])
	return [4]byte(z[:4])
}

// encrypt and decrypt one block with SM4-ECB.
func (k *Key) encrypt(dst, src []byte) {
	c, _ := sm4.NewCipher(k[:])
	c.Encrypt(dst, src)
}

func (k *Key) decrypt(dst, src []byte) {
	c, _ := sm4.NewCipher(k[:])
	c.Decrypt(dst, src)
}

// Zero wipes the key.
func (k *Key) Zero() { clear(k[:]) }

// Wrap encrypts a working key under the master key k, with the working
// key's check value: the payload of CmdLoadKey.
func (k *Key) Wrap(working *Key) []byte {
	out := make([]byte, BlockSize, BlockSize+4)
	k.encrypt(out, working[:])
	cv := working.CheckValue()
	return append(out, cv[:]...)
}

// Unwrap is the pad's side of Wrap: the working key in a CmdLoadKey
// payload, checked against its check value.
func (k *Key) Unwrap(payload []byte) (*Key, error) {
	if len(payload) != BlockSize+4 {
		return nil, errors.New("pinpad: key payload is 20 bytes")
	}
	w := new(Key)
	k.decrypt(w[:], payload[:BlockSize])
	cv := w.CheckValue()
	if subtle.ConstantTimeCompare(cv[:], payload[BlockSize:]) != 1 {
		w.Zero()
		return nil, errors.New("pinpad: check value mismatch")
	}
	return w, nil
}

// Seal is the pad's side: the encrypted format-0 block of digits bound to
// pan under the working key k.
func (k *Key) Seal(digits []byte, pan string) ([BlockSize]byte, error) {
	b, err := ClearBlock(digits, pan)
	if err != nil {
		return b, err
	}
	k.encrypt(b[:], b[:])
	return b, nil
}

// Open decrypts p under the working key k and returns its digits, which
// the caller must Zero after use; an error wraps ErrBadBlock.
func (k *Key) Open(p *PIN) ([]byte, error) {
	var b [BlockSize]byte
	k.decrypt(b[:], p.block[:])
	d, err := digitsOf(b, p.pan)
	if err != nil {
		return nil, fmt.Errorf("%w", ErrBadBlock)
	}
	return d, nil
}
