package teller

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"sync"

	"guitai/assets"
	sealfile "guitai/seal"
)

// DemoSeal loads the demo seal specimen shipped in assets: the cheque image
// and the specimen decrypted in memory with the demo key.
//
// The cheque image is decoded once and shared (it is 3 MB decoded and no
// secret); the seal specimen is decrypted anew for each form, so its plain
// image lives only as long as the form that shows it.
func DemoSeal(string) (cheque, seal image.Image, err error) {
	chequePNG, blob, key, err := assets.DemoSeal()
	if err != nil {
		return nil, nil, err
	}
	demoCheque.once.Do(func() {
		demoCheque.img, demoCheque.err = png.Decode(bytes.NewReader(chequePNG))
	})
	if demoCheque.err != nil {
		return nil, nil, fmt.Errorf("demo cheque: %w", demoCheque.err)
	}
	cheque = demoCheque.img
	seal, err = sealfile.Decrypt(key, blob)
	if err != nil {
		return nil, nil, err
	}
	return cheque, seal, nil
}

// demoCheque is the demo cheque image, decoded on first use.
var demoCheque struct {
	once sync.Once
	img  image.Image
	err  error
}
