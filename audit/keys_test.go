package audit

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

func TestEncryptedKeyRoundTrip(t *testing.T) {
	old := KDFIterations
	KDFIterations = 1000
	defer func() { KDFIterations = old }()
	k := testKey(t, 7)
	pemBytes, err := MarshalEncryptedKey(k, []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pemBytes, []byte("ENCRYPTED PRIVATE KEY")) {
		t.Fatal("not an encrypted PKCS#8 PEM")
	}
	s, err := ParseEncryptedKey(pemBytes, []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Public().(*ecdsa.PublicKey).Equal(&k.PublicKey) {
		t.Error("decrypted key differs")
	}
	if _, err := ParseEncryptedKey(pemBytes, []byte("wrong")); !errors.Is(err, &Error{Code: CodeKey}) {
		t.Errorf("wrong password: %v", err)
	}
	pub, _ := MarshalPublicKey(&k.PublicKey)
	back, err := ParsePublicKey(pub)
	if err != nil || !back.Equal(&k.PublicKey) {
		t.Fatalf("public key round trip: %v", err)
	}
}

// TestSM2KnownAnswer verifies a signature from GM/T 0003.2-2012 / GB/T
// 32918.2-2016 style data on the SM2 recommended curve: the key, message
// and (r, s) below are the widely published recommended-curve example
// ("message digest", ID "1234567812345678"). The standard's Appendix A
// uses a separate 256-bit test curve that gmsm does not expose, so it is
// not checked here.
func TestSM2KnownAnswer(t *testing.T) {
	d, _ := new(big.Int).SetString("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8", 16)
	k, err := sm2.NewPrivateKeyFromInt(d)
	if err != nil {
		t.Fatal(err)
	}
	wantX := "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
	if got := hex.EncodeToString(k.PublicKey.X.FillBytes(make([]byte, 32))); got != wantX {
		t.Fatalf("public X = %s, want %s", got, wantX)
	}
	r, _ := new(big.Int).SetString("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3", 16)
	s, _ := new(big.Int).SetString("B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA", 16)
	za, err := sm2.CalculateSM2Hash(&k.PublicKey, []byte("message digest"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sm2.Verify(&k.PublicKey, za, r, s) {
		t.Fatal("known-answer signature rejected")
	}
	s.Add(s, big.NewInt(1))
	if sm2.Verify(&k.PublicKey, za, r, s) {
		t.Fatal("altered signature accepted")
	}
}

func TestCheckpointNote(t *testing.T) {
	k := testKey(t, 1)
	other := testKey(t, 2)
	c := Checkpoint{Origin: testOrigin, Size: 42, Root: LeafHash([]byte("x"))}
	note, err := SignCheckpoint(c, k)
	if err != nil {
		t.Fatal(err)
	}
	body, sigLine, _ := strings.Cut(string(note), "\n\n")
	if body+"\n" != string(c.Body()) || !strings.HasPrefix(sigLine, "\u2014 "+testOrigin+" ") {
		t.Fatalf("note layout:\n%s", note)
	}
	got, err := OpenCheckpoint(note, &k.PublicKey)
	if err != nil || got != c {
		t.Fatalf("open: %+v %v", got, err)
	}
	if _, err := OpenCheckpoint(note, &other.PublicKey); !errors.Is(err, &Error{Code: CodeSignature}) {
		t.Errorf("other key: %v", err)
	}
	tampered := bytes.Replace(note, []byte("\n42\n"), []byte("\n43\n"), 1)
	if _, err := OpenCheckpoint(tampered, &k.PublicKey); err == nil {
		t.Error("tampered size accepted")
	}
	for _, bad := range []string{"", "o\n1\n", "o\n01\nAAAA\n\n— o AAAAAAA=\n", "o p\n1\n" + "\n\n"} {
		if _, _, err := ParseCheckpoint([]byte(bad)); err == nil {
			t.Errorf("parsed %q", bad)
		}
	}
}
