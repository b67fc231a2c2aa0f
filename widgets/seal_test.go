package widgets

import (
	"bytes"
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
	sealfile "guitai/seal"
)

// demoImages decrypts the shipped demo specimen with the shipped key.
func demoImages(t testing.TB) (cheque, seal image.Image) {
	t.Helper()
	chequePNG, blob, key, err := assets.DemoSeal()
	if err != nil {
		t.Fatal(err)
	}
	seal, err = sealfile.Decrypt(key, blob)
	if err != nil {
		t.Fatalf("seal.Decrypt of the demo specimen: %v", err)
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
	// Each stop acts on the renderer taken before the blinking started:
	// asking the test driver for it again (test.WidgetRenderer) would
	// touch its cache entry while the ticker's fyne.Do, which the test
	// driver runs on the ticker goroutine, refreshes the widget.
	stops := []struct {
		name string
		stop func(v *SealViewer, r *sealRenderer)
	}{
		{"toggle off", func(v *SealViewer, _ *sealRenderer) { v.SetBlink(false) }},
		{"check box", func(_ *SealViewer, r *sealRenderer) { r.blink.SetChecked(false) }},
		{"compare off", func(v *SealViewer, _ *sealRenderer) { v.SetCompare(false) }},
		{"hidden", func(v *SealViewer, _ *sealRenderer) { v.Hide() }},
		{"renderer destroyed", func(_ *SealViewer, r *sealRenderer) { r.Destroy() }},
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
			tt.stop(v, r)

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
