package audit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/pem"

	"github.com/emmansun/gmsm/pkcs"
	"github.com/emmansun/gmsm/pkcs8"
	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
)

// PEM block types used for keys.
const (
	pemEncryptedKey = "ENCRYPTED PRIVATE KEY"
	pemPublicKey    = "PUBLIC KEY"
)

// KDFIterations is the PBKDF2-HMAC-SM3 iteration count used by
// [MarshalEncryptedKey].
var KDFIterations = 100_000

// GenerateKey returns a new SM2 key pair on the SM2 recommended curve.
func GenerateKey() (*sm2.PrivateKey, error) { return sm2.GenerateKey(rand.Reader) }

// MarshalEncryptedKey encodes key as a PEM "ENCRYPTED PRIVATE KEY":
// PKCS#8 with PBES2, PBKDF2-HMAC-SM3 and SM4-CBC.
func MarshalEncryptedKey(key *sm2.PrivateKey, password []byte) ([]byte, error) {
	if len(password) == 0 {
		return nil, errf(CodeKey, "marshal key", nil, "empty password")
	}
	opts := &pkcs8.Opts{
		Cipher:  pkcs.SM4CBC,
		KDFOpts: pkcs8.PBKDF2Opts{SaltSize: 16, IterationCount: KDFIterations, HMACHash: pkcs8.SM3},
	}
	der, err := pkcs8.MarshalPrivateKey(key, password, opts)
	if err != nil {
		return nil, errf(CodeKey, "marshal key", err, "")
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemEncryptedKey, Bytes: der}), nil
}

// ParseEncryptedKey decrypts a key written by [MarshalEncryptedKey] and
// returns it as a crypto.Signer whose Public method returns *ecdsa.PublicKey.
func ParseEncryptedKey(data, password []byte) (crypto.Signer, error) {
	const op = "parse key"
	b, _ := pem.Decode(data)
	if b == nil || b.Type != pemEncryptedKey {
		return nil, errf(CodeKey, op, nil, "no %q PEM block", pemEncryptedKey)
	}
	k, err := pkcs8.ParsePKCS8PrivateKeySM2(b.Bytes, password)
	if err != nil {
		return nil, errf(CodeKey, op, err, "wrong password or not an SM2 key")
	}
	return k, nil
}

// MarshalPublicKey encodes pub as a PEM "PUBLIC KEY" (PKIX, SM2 OID).
func MarshalPublicKey(pub *ecdsa.PublicKey) ([]byte, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, errf(CodeKey, "marshal public key", err, "")
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPublicKey, Bytes: der}), nil
}

// ParsePublicKey decodes a PEM "PUBLIC KEY" holding an SM2 key.
func ParsePublicKey(data []byte) (*ecdsa.PublicKey, error) {
	b, rest := pem.Decode(data)
	if b == nil || b.Type != pemPublicKey || len(rest) != 0 {
		return nil, errf(CodeKey, "parse public key", nil, "want exactly one %q PEM block", pemPublicKey)
	}
	return parsePublicDER(b.Bytes)
}

func parsePublicDER(der []byte) (*ecdsa.PublicKey, error) {
	k, err := smx509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, errf(CodeKey, "parse public key", err, "")
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, errf(CodeKey, "parse public key", nil, "not an SM2 public key")
	}
	return pub, nil
}

func publicDER(pub *ecdsa.PublicKey) []byte {
	der, _ := smx509.MarshalPKIXPublicKey(pub)
	return der
}

// signatureTypeSM2 is the signed-note signature type byte used in key IDs.
const signatureTypeSM2 = 0x53

// KeyID returns the 4-byte signed-note key ID of pub under the key name:
// the first four bytes of SM3(name || "\n" || 0x53 || 0x04 || X || Y).
func KeyID(name string, pub *ecdsa.PublicKey) [4]byte {
	h := sm3.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{signatureTypeSM2, 4})
	var x, y [32]byte
	pub.X.FillBytes(x[:])
	pub.Y.FillBytes(y[:])
	h.Write(x[:])
	h.Write(y[:])
	var id [4]byte
	copy(id[:], h.Sum(nil))
	return id
}

// sign makes an SM2 signature (GB/T 32918.2, default user ID
// "1234567812345678", ASN.1 DER) over msg with any crypto.Signer.
func sign(s crypto.Signer, msg []byte) ([]byte, error) {
	sig, err := s.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		return nil, errf(CodeKey, "sign", err, "")
	}
	return sig, nil
}

// VerifySignature reports whether sig is a valid SM2 DER signature of msg
// by pub with the default user ID.
func VerifySignature(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	return pub != nil && sm2.VerifyASN1WithSM2(pub, nil, msg, sig)
}

func signerPublic(s crypto.Signer) (*ecdsa.PublicKey, error) {
	pub, ok := s.Public().(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, errf(CodeKey, "signer", nil, "signer is not an SM2 key")
	}
	return pub, nil
}
