package seal

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"image"
	"image/png"

	"github.com/emmansun/gmsm/sm4"
)

// Seal specimen files (预留印鉴) are PNG images encrypted with SM4 in GCM
// mode. A file is, in order:
//
//	offset  size  content
//	0       8     magic "GTSEAL1\n"
//	8       4     key check value: the first 4 bytes of SM4(key, 16 zero bytes)
//	12      12    GCM nonce, random for each file
//	24      n+16  ciphertext of the n PNG bytes, then the 16-byte GCM tag
//
// The additional authenticated data is the first 12 bytes (magic and key
// check value), so neither can be changed without failing authentication.
// The key check value, as in bank key ceremonies, tells a wrong key from a
// damaged file without trying to decrypt.
const (
	magic    = "GTSEAL1\n"
	kcvLen   = 4
	adLen    = len(magic) + kcvLen
	nonceLen = 12
	tagLen   = 16
	minLen   = adLen + nonceLen + tagLen
	KeySize  = 16

	// maxPixels bounds the image a seal file may decode to (a specimen
	// scan is far smaller), so a bad file cannot exhaust memory.
	maxPixels = 32 << 20
)

// Errors of Encrypt and Decrypt; the errors returned wrap one of them.
var (
	ErrKeySize     = errors.New("seal: key is not a 16-byte SM4 key")
	ErrNotSpecimen = errors.New("seal: not a seal specimen file")
	ErrWrongKey    = errors.New("seal: wrong key for this seal specimen")
	ErrCorrupt     = errors.New("seal: seal specimen file is damaged")
	ErrNotPNG      = errors.New("seal: specimen is not a PNG image")
)

// Encrypt encrypts the PNG image pngBytes with the 16-byte SM4 key into
// a seal specimen file (see the format above).
func Encrypt(key, pngBytes []byte) ([]byte, error) {
	if _, err := pngConfig(pngBytes); err != nil {
		return nil, err
	}
	aead, kcv, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, adLen+nonceLen, minLen+len(pngBytes))
	copy(out, magic)
	copy(out[len(magic):], kcv)
	if _, err := rand.Read(out[adLen:]); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	return aead.Seal(out, out[adLen:], pngBytes, out[:adLen]), nil
}

// Decrypt decrypts a seal specimen file with the 16-byte SM4 key and
// decodes its PNG image. The plain image never leaves memory, and the
// decrypted bytes are zeroed once decoded. The error wraps ErrNotSpecimen,
// ErrKeySize, ErrWrongKey, ErrCorrupt or ErrNotPNG.
func Decrypt(key []byte, blob []byte) (image.Image, error) {
	if len(blob) < len(magic) || string(blob[:len(magic)]) != magic {
		return nil, ErrNotSpecimen
	}
	aead, kcv, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(blob) < minLen {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrCorrupt, len(blob))
	}
	if subtle.ConstantTimeCompare(kcv, blob[len(magic):adLen]) != 1 {
		return nil, ErrWrongKey
	}
	nonce := blob[adLen : adLen+nonceLen]
	plain, err := aead.Open(nil, nonce, blob[adLen+nonceLen:], blob[:adLen])
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed", ErrCorrupt)
	}
	defer clear(plain)
	if _, err := pngConfig(plain); err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(plain))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPNG, err)
	}
	return img, nil
}

// newAEAD returns SM4-GCM under key and the key's check value.
func newAEAD(key []byte) (cipher.AEAD, []byte, error) {
	if len(key) != KeySize {
		return nil, nil, ErrKeySize
	}
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrKeySize, err)
	}
	kcv := make([]byte, sm4.BlockSize)
	block.Encrypt(kcv, kcv)
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: %w", err)
	}
	return aead, kcv[:kcvLen], nil
}

func pngConfig(b []byte) (image.Config, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return cfg, fmt.Errorf("%w: %v", ErrNotPNG, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return cfg, fmt.Errorf("%w: %dx%d pixels", ErrNotPNG, cfg.Width, cfg.Height)
	}
	return cfg, nil
}
