// Package seal holds the seal specimen file format (预留印鉴): a PNG image
// of a customer's seal, encrypted with SM4 in GCM mode under the branch's
// key, with a key check value that tells a wrong key from a damaged file.
// It has no Fyne: the window's viewer (widgets.SealViewer) shows what
// Decrypt returns, and the image lives in memory only.
//
// The API mirrors the standard library's sealing functions: Encrypt and
// Decrypt, errors to test with errors.Is.
package seal
