package assets

import (
	"embed"
	"encoding/hex"
	"fmt"
	"strings"
)

// Seals holds the demo seal specimen: a cheque image, the specimen encrypted
// with SM4-GCM (format in widgets/seal.go) and the demo key that opens it.
// They are made by seals/gen (go run ./assets/seals/gen); the key is public, for demos and tests only.
//
//go:embed seals/demo-cheque.png seals/demo-seal.sm4 seals/demo-key.hex
var Seals embed.FS

// DemoSeal returns the demo cheque PNG, the encrypted demo specimen (for
// seal.Decrypt) and the 16-byte demo key.
func DemoSeal() (cheque []byte, sealBlob []byte, key []byte, err error) {
	if cheque, err = Seals.ReadFile("seals/demo-cheque.png"); err != nil {
		return nil, nil, nil, err
	}
	if sealBlob, err = Seals.ReadFile("seals/demo-seal.sm4"); err != nil {
		return nil, nil, nil, err
	}
	hexKey, err := Seals.ReadFile("seals/demo-key.hex")
	if err != nil {
		return nil, nil, nil, err
	}
	if key, err = hex.DecodeString(strings.TrimSpace(string(hexKey))); err != nil {
		return nil, nil, nil, fmt.Errorf("assets: seals/demo-key.hex: %w", err)
	}
	return cheque, sealBlob, key, nil
}
