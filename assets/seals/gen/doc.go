// Command gen draws the demo seal specimen and demo cheque and encrypts the
// specimen with a fresh demo key. Run it from the module root:
//
//	go run ./assets/seals/gen
//
// It writes, in assets/seals: demo-cheque.png (a cheque with the seal
// stamped in widgets.DefaultSealArea), demo-seal.sm4 (the specimen PNG
// encrypted by seal.Encrypt) and demo-key.hex (the demo key, hex).
// The words are drawn in a CJK font, by default Noto CJK from
// fonts-noto-cjk. The images are the same on every run; the key and nonce
// are not.
package main
