package ledger

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// DefaultIterations is the PBKDF2-HMAC-SM3 iteration count of new password
// hashes. PBKDF2 with SM3 is chosen over argon2id because banks in China are
// assessed against GM/T 0054 (商用密码应用安全性评估), which accepts SM3 and
// HMAC-SM3 but not BLAKE2-based argon2; 120,000 iterations cost about 60 ms
// here, well below a teller's patience and far above a brute-force budget.
// The count is stored per user, so it can be raised without a migration.
const DefaultIterations = 120_000

// demoMasterKey is used when no master key is configured: fine for the demo
// and tests, never for a branch. The programs use it only on a demo ledger
// (see DecideKeys).
var demoMasterKey = []byte("guitai demo master key - do not use in a branch")

type keys struct {
	sm4      []byte // 16 bytes: SM4-GCM encryption of ID numbers, phone numbers and addresses
	index    []byte // 32 bytes: HMAC-SM3 blind index of ID numbers
	piiIndex []byte // 32 bytes: HMAC-SM3 blind index of other personal data
}

func deriveKeys(master []byte) keys {
	if len(master) == 0 {
		master = demoMasterKey
	}
	mac := func(label string) []byte {
		h := hmac.New(sm3.New, master)
		h.Write([]byte(label))
		return h.Sum(nil)
	}
	return keys{sm4: mac("guitai/id-number/sm4-gcm")[:16], index: mac("guitai/id-number/blind-index"),
		piiIndex: mac("guitai/pii/blind-index")}
}

// hashPassword returns base64 PBKDF2-HMAC-SM3 of password with a fresh salt.
func hashPassword(password string, iter int) (hash, salt string, err error) {
	s := make([]byte, 16)
	if _, err := rand.Read(s); err != nil {
		return "", "", err
	}
	k, err := pbkdf2.Key(sm3.New, password, s, iter, 32)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(k), base64.StdEncoding.EncodeToString(s), nil
}

// checkPassword compares in constant time.
func checkPassword(password, hash, salt string, iter int) bool {
	s, err1 := base64.StdEncoding.DecodeString(salt)
	want, err2 := base64.StdEncoding.DecodeString(hash)
	if err1 != nil || err2 != nil || iter <= 0 {
		return false
	}
	k, err := pbkdf2.Key(sm3.New, password, s, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(k, want) == 1
}

// sealID encrypts an ID number with SM4-GCM: base64(nonce || ciphertext).
func (k keys) sealID(id string) (string, error) { return k.seal(id, adID) }

// openID decrypts what sealID produced.
func (k keys) openID(sealed string) (string, error) { return k.open(sealed, adID) }

// sealPII encrypts other personal data of a customer — the phone number,
// the address — like an ID number, under its own associated data, so a
// sealed ID number cannot pass for one. "" stays "".
func (k keys) sealPII(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	return k.seal(v, adPII)
}

// openPII decrypts what sealPII produced; "" stays "".
func (k keys) openPII(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	return k.open(sealed, adPII)
}

// Associated data of the sealed columns.
var (
	adID  = []byte("customer.id")
	adPII = []byte("customer.pii")
)

// seal encrypts v with SM4-GCM under associated data ad:
// base64(nonce || ciphertext).
func (k keys) seal(v string, ad []byte) (string, error) {
	aead, err := k.aead()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(v), ad)), nil
}

// open decrypts what seal produced with the same associated data.
func (k keys) open(sealed string, ad []byte) (string, error) {
	aead, err := k.aead()
	if err != nil {
		return "", err
	}
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < aead.NonceSize() {
		return "", errors.New("ledger: malformed sealed value")
	}
	p, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], ad)
	return string(p), err
}

func (k keys) aead() (cipher.AEAD, error) {
	b, err := sm4.NewCipher(k.sm4)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// indexID is the blind index: hex HMAC-SM3 of the upper-cased ID number.
func (k keys) indexID(id string) string {
	h := hmac.New(sm3.New, k.index)
	h.Write([]byte(id))
	return hex.EncodeToString(h.Sum(nil))
}

// indexPII is the blind index of other personal data (sealPII): hex
// HMAC-SM3 under a key of its own, for what must compare a value without
// holding it in clear (a request digest, a lookup).
func (k keys) indexPII(v string) string {
	h := hmac.New(sm3.New, k.piiIndex)
	h.Write([]byte(v))
	return hex.EncodeToString(h.Sum(nil))
}
