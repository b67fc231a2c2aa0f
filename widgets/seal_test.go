package widgets

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/assets"
	"guitai/internal/eventually"
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
	blob, err := EncryptSeal(testKey, plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(blob, plain[:16]) {
		t.Error("the PNG header is visible in the encrypted file")
	}
	img, err := DecryptSeal(testKey, blob)
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
	again, _ := EncryptSeal(testKey, plain)
	if bytes.Equal(blob, again) {
		t.Error("two encryptions are equal: the nonce is not fresh")
	}
}

func TestSealErrors(t *testing.T) {
	blob, err := EncryptSeal(testKey, testPNG(t, 20, 20))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(blob)
		b[i] ^= 1
		return b
	}
	notPNG, err := EncryptSeal(testKey, []byte("not a png"))
	if !errors.Is(err, ErrSealNotPNG) || notPNG != nil {
		t.Errorf("EncryptSeal of text: %v", err)
	}
	tests := []struct {
		name string
		key  []byte
		blob []byte
		want error
	}{
		{"wrong key", []byte("fedcba9876543210"), blob, ErrSealWrongKey},
		{"short key", testKey[:15], blob, ErrSealKeySize},
		{"truncated by one byte", testKey, blob[:len(blob)-1], ErrSealCorrupt},
		{"truncated to the header", testKey, blob[:30], ErrSealCorrupt},
		{"truncated in the magic", testKey, blob[:5], ErrNotSealFile},
		{"empty", testKey, nil, ErrNotSealFile},
		{"a PNG", testKey, testPNG(t, 4, 4), ErrNotSealFile},
		{"ciphertext changed", testKey, flip(len(blob) - 40), ErrSealCorrupt},
		{"tag changed", testKey, flip(len(blob) - 1), ErrSealCorrupt},
		{"nonce changed", testKey, flip(sealADLen), ErrSealCorrupt},
		{"magic changed", testKey, flip(0), ErrNotSealFile},
		{"key check value changed", testKey, flip(len(sealMagic)), ErrSealWrongKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := DecryptSeal(tt.key, tt.blob)
			if !errors.Is(err, tt.want) || img != nil {
				t.Errorf("DecryptSeal: %v, %v; want %v", img, err, tt.want)
			}
		})
	}
}

// demoImages decrypts the shipped demo specimen with the shipped key.
func demoImages(t testing.TB) (cheque, seal image.Image) {
	t.Helper()
	chequePNG, blob, key, err := assets.DemoSeal()
	if err != nil {
		t.Fatal(err)
	}
	seal, err = DecryptSeal(key, blob)
	if err != nil {
		t.Fatalf("DecryptSeal of the demo specimen: %v", err)
	}
	cheque, err = png.Decode(bytes.NewReader(chequePNG))
	if err != nil {
		t.Fatal(err)
	}
	return cheque, seal
}

func TestDemoSeal(t *testing.T) {
	cheque, seal := demoImages(t)
	if got := seal.Bounds().Size(); got != image.Pt(400, 400) {
		t.Errorf("demo specimen is %v, want 400x400", got)
	}
	if got := cheque.Bounds().Size(); got != image.Pt(1200, 500) {
		t.Errorf("demo cheque is %v, want 1200x500", got)
	}
	// the centre of the seal area of the cheque is the red of the star
	x, y, w, h := DefaultSealArea()
	c := color.NRGBAModel.Convert(cheque.At(int((x+w/2)*1200), int((y+h/2)*500))).(color.NRGBA)
	if c.R < 150 || c.G > 120 || c.B > 120 {
		t.Errorf("centre of the seal area is %v, not seal red", c)
	}
}

func sealRendererOf(t *testing.T, v *SealViewer) *sealRenderer {
	t.Helper()
	return test.WidgetRenderer(v).(*sealRenderer)
}

func TestSealViewer(t *testing.T) {
	test.NewTempApp(t)
	cheque, seal := demoImages(t)
	v := NewSealViewer(cheque, seal)
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(900, 420))
	if img := w.Canvas().Capture(); img.Bounds().Empty() {
		t.Fatal("nothing rendered")
	}
	r := sealRendererOf(t, v)

	if !r.overlayImg.Hidden || r.outline.Hidden {
		t.Errorf("side by side: overlay hidden %v, outline hidden %v", r.overlayImg.Hidden, r.outline.Hidden)
	}
	v.SetCompare(true)
	if r.overlayImg.Hidden || !r.outline.Hidden || !r.compare.Checked {
		t.Errorf("compare: overlay hidden %v, outline hidden %v, check %v", r.overlayImg.Hidden, r.outline.Hidden, r.compare.Checked)
	}

	// the overlay lies on the seal area of the cheque as drawn
	cp, cs := r.chequeImg.Position(), r.chequeImg.Size()
	if math.Abs(float64(cs.Width/cs.Height-1200.0/500)) > 0.01 {
		t.Errorf("cheque drawn %v, not at its aspect", cs)
	}
	x, y, sw, sh := v.SealArea()
	op, os := r.overlayImg.Position(), r.overlayImg.Size()
	near := func(a, b float32) bool { return math.Abs(float64(a-b)) < 0.5 }
	if !near(op.X, cp.X+x*cs.Width) || !near(op.Y, cp.Y+y*cs.Height) || !near(os.Width, sw*cs.Width) || !near(os.Height, sh*cs.Height) {
		t.Errorf("overlay at %v %v; cheque at %v %v, area %v %v %v %v", op, os, cp, cs, x, y, sw, sh)
	}
	v.SetSealArea(0.1, 0.2, 0.3, 2)
	if x, y, sw, sh := v.SealArea(); x != 0.1 || y != 0.2 || sw != 0.3 || sh != 0.8 {
		t.Errorf("SealArea() = %v %v %v %v, want the height clamped to 0.8", x, y, sw, sh)
	}
	if op := r.overlayImg.Position(); !near(op.X, cp.X+0.1*cs.Width) {
		t.Errorf("overlay not moved with the area: %v", op)
	}

	tests := []struct {
		set, opacity float64
	}{{0.3, 0.3}, {1, 1}, {-1, 0}, {2, 1}, {0.75, 0.75}}
	for _, tt := range tests {
		v.SetOpacity(tt.set)
		if v.Opacity() != tt.opacity || math.Abs(r.overlayImg.Translucency-(1-tt.opacity)) > 1e-9 || math.Abs(r.opacity.Value-tt.opacity*100) > 1e-9 {
			t.Errorf("SetOpacity(%v): opacity %v, translucency %v, slider %v", tt.set, v.Opacity(), r.overlayImg.Translucency, r.opacity.Value)
		}
	}
	r.opacity.SetValue(20) // as the teller drags the slider
	if math.Abs(v.Opacity()-0.2) > 1e-9 {
		t.Errorf("slider at 20 gives opacity %v", v.Opacity())
	}
	r.compare.SetChecked(false) // as the teller clicks the check box
	if v.Compare() || !r.overlayImg.Hidden {
		t.Errorf("unchecking compare: mode %v, overlay hidden %v", v.Compare(), r.overlayImg.Hidden)
	}
	v.Hide()
	v.SetBlink(true)
	if v.Blinking() {
		t.Error("a hidden viewer started blinking")
	}
	v.Show()
	v.SetImages(nil, nil)
	w.Canvas().Capture() // no panic without images
}

// blinkWait waits until the viewer has blinked n more times.
func blinkWait(t *testing.T, v *SealViewer, n int) {
	t.Helper()
	v.mu.Lock()
	target := v.blinkTicks + n
	v.mu.Unlock()
	eventually.True(t, 5*time.Second, func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		return v.blinkTicks >= target
	}, "no %d blinks in 5s", n)
}

func TestSealViewerBlink(t *testing.T) {
	stops := []struct {
		name string
		stop func(v *SealViewer, w fyne.Window)
	}{
		{"toggle off", func(v *SealViewer, _ fyne.Window) { v.SetBlink(false) }},
		{"check box", func(v *SealViewer, _ fyne.Window) {
			test.WidgetRenderer(v).(*sealRenderer).blink.SetChecked(false)
		}},
		{"compare off", func(v *SealViewer, _ fyne.Window) { v.SetCompare(false) }},
		{"hidden", func(v *SealViewer, _ fyne.Window) { v.Hide() }},
		{"renderer destroyed", func(v *SealViewer, _ fyne.Window) { test.WidgetRenderer(v).Destroy() }},
	}
	for _, tt := range stops {
		t.Run(tt.name, func(t *testing.T) {
			test.NewTempApp(t)
			cheque, seal := demoImages(t)
			v := NewSealViewer(cheque, seal)
			v.blinkEvery = 5 * time.Millisecond
			w := test.NewTempWindow(t, v)
			w.Resize(fyne.NewSize(600, 300))
			r := sealRendererOf(t, v)

			v.SetBlink(true)
			if !v.Blinking() || !v.Compare() || !r.blink.Checked {
				t.Fatalf("SetBlink(true): blinking %v, compare %v, check %v", v.Blinking(), v.Compare(), r.blink.Checked)
			}
			v.mu.Lock()
			done := v.blinkDone
			v.mu.Unlock()
			blinkWait(t, v, 3)
			tt.stop(v, w)

			select {
			case <-done:
			default:
				t.Fatal("the ticker goroutine is still running after stopping")
			}
			if v.Blinking() {
				t.Error("still blinking")
			}
			// The ticker goroutine has ended (done is closed): no blink
			// can come after this point, so none is waited for.
			if tt.name != "renderer destroyed" && v.Compare() && !v.Hidden && r.overlayImg.Hidden {
				t.Error("overlay left in its off phase")
			}
		})
	}
}
