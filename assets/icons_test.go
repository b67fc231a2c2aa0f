package assets

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestIcons checks each icon is a PNG of its size with a transparent
// margin, an opaque square in the app's colour and a white character
// covering a fair share of the square.
func TestIcons(t *testing.T) {
	for _, c := range []struct {
		name string
		png  []byte
		size int
		red  bool // the teller's red, else the designer's blue
	}{
		{"teller", TellerIcon, 256, true},
		{"teller-48", TellerIcon48, 48, true},
		{"designer", DesignerIcon, 256, false},
		{"designer-48", DesignerIcon48, 48, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, err := png.Decode(bytes.NewReader(c.png))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != c.size || b.Dy() != c.size {
				t.Fatalf("size %v, want %d×%d", b.Size(), c.size, c.size)
			}
			at := func(x, y int) color.NRGBA { return color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) }
			for _, p := range []image.Point{{0, 0}, {c.size - 1, 0}, {0, c.size - 1}, {c.size - 1, c.size - 1}} {
				if a := at(p.X, p.Y).A; a != 0 {
					t.Errorf("corner %v has alpha %d, want a transparent margin", p, a)
				}
			}
			var white, coloured, inside int
			// inside the square, clear of its rounded corners
			in := c.size / 8
			for y := in; y < c.size-in; y++ {
				for x := in; x < c.size-in; x++ {
					p := at(x, y)
					if p.A != 255 {
						t.Fatalf("pixel (%d,%d) inside the square has alpha %d", x, y, p.A)
					}
					inside++
					switch {
					case p.R > 240 && p.G > 240 && p.B > 240:
						white++
					case c.red && p.R > 150 && p.G < 80 && p.B < 80, !c.red && p.B > 150 && p.R < 80:
						coloured++
					}
				}
			}
			if share := float64(white) / float64(inside); share < 0.12 || share > 0.45 {
				t.Errorf("white character covers %.0f%% of the square, want 12–45%%", 100*share)
			}
			if share := float64(coloured) / float64(inside); share < 0.4 {
				t.Errorf("the app's colour covers %.0f%% of the square, want at least 40%%", 100*share)
			}
		})
	}
}
