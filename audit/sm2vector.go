package audit

import (
	"crypto/ecdsa"
	"encoding/asn1"
	"encoding/hex"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
)

// The SM2 signature test vector of VERIFY.md: the GB/T 32918.2 example
// key and signature of "message digest" with the default ID on the SM2
// recommended curve (checked by TestSM2KnownAnswer and
// TestVerifyMarkdownSM2Vector).
const (
	sm2VectorD = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
	sm2VectorR = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
	sm2VectorS = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"
	sm2VectorM = "message digest"
)

type sm2Vec struct {
	pub                       *ecdsa.PublicKey
	d, x, y, za, e, r, s, der string
	derBytes                  []byte
}

func sm2Vector() sm2Vec {
	d, _ := new(big.Int).SetString(sm2VectorD, 16)
	k, err := sm2.NewPrivateKeyFromInt(d)
	if err != nil {
		panic(err)
	}
	za, _ := sm2.CalculateZA(&k.PublicKey, []byte("1234567812345678"))
	e := sm3.Sum(append(append([]byte(nil), za...), sm2VectorM...))
	r, _ := new(big.Int).SetString(sm2VectorR, 16)
	s, _ := new(big.Int).SetString(sm2VectorS, 16)
	der, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		panic(err)
	}
	h32 := func(i *big.Int) string { return hex.EncodeToString(i.FillBytes(make([]byte, 32))) }
	return sm2Vec{pub: &k.PublicKey, d: sm2VectorD, x: h32(k.PublicKey.X), y: h32(k.PublicKey.Y),
		za: hex.EncodeToString(za), e: hex.EncodeToString(e[:]), r: sm2VectorR, s: sm2VectorS,
		der: hex.EncodeToString(der), derBytes: der}
}
