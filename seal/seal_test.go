package seal

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

var testKey = []byte("0123456789abcdef")

// testPNG returns a small PNG with a red disc on white.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{255, 255, 255, 255}
			if math.Hypot(float64(x-w/2), float64(y-h/2)) < float64(min(w, h))/3 {
				c = color.NRGBA{200, 30, 30, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSealRoundTrip(t *testing.T) {
	plain := testPNG(t, 40, 30)
	blob, err := Encrypt(testKey, plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(blob, plain[:16]) {
		t.Error("the PNG header is visible in the encrypted file")
	}
	img, err := Decrypt(testKey, blob)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := png.Decode(bytes.NewReader(plain))
	if img.Bounds() != want.Bounds() {
		t.Fatalf("bounds %v, want %v", img.Bounds(), want.Bounds())
	}
	for _, p := range []image.Point{{0, 0}, {20, 15}, {39, 29}} {
		if a, b := color.NRGBAModel.Convert(img.At(p.X, p.Y)), color.NRGBAModel.Convert(want.At(p.X, p.Y)); a != b {
			t.Errorf("pixel %v = %v, want %v", p, a, b)
		}
	}
	again, _ := Encrypt(testKey, plain)
	if bytes.Equal(blob, again) {
		t.Error("two encryptions are equal: the nonce is not fresh")
	}
}

func TestSealErrors(t *testing.T) {
	blob, err := Encrypt(testKey, testPNG(t, 20, 20))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(blob)
		b[i] ^= 1
		return b
	}
	notPNG, err := Encrypt(testKey, []byte("not a png"))
	if !errors.Is(err, ErrNotPNG) || notPNG != nil {
		t.Errorf("Encrypt of text: %v", err)
	}
	tests := []struct {
		name string
		key  []byte
		blob []byte
		want error
	}{
		{"wrong key", []byte("fedcba9876543210"), blob, ErrWrongKey},
		{"short key", testKey[:15], blob, ErrKeySize},
		{"truncated by one byte", testKey, blob[:len(blob)-1], ErrCorrupt},
		{"truncated to the header", testKey, blob[:30], ErrCorrupt},
		{"truncated in the magic", testKey, blob[:5], ErrNotSpecimen},
		{"empty", testKey, nil, ErrNotSpecimen},
		{"a PNG", testKey, testPNG(t, 4, 4), ErrNotSpecimen},
		{"ciphertext changed", testKey, flip(len(blob) - 40), ErrCorrupt},
		{"tag changed", testKey, flip(len(blob) - 1), ErrCorrupt},
		{"nonce changed", testKey, flip(adLen), ErrCorrupt},
		{"magic changed", testKey, flip(0), ErrNotSpecimen},
		{"key check value changed", testKey, flip(len(magic)), ErrWrongKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Decrypt(tt.key, tt.blob)
			if !errors.Is(err, tt.want) || img != nil {
				t.Errorf("Decrypt: %v, %v; want %v", img, err, tt.want)
			}
		})
	}
}
