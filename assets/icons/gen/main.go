package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"guitai/internal/cjkfont"
)

// icon is one application's icon: a character in white on a rounded
// square shaded from top to bottom.
type icon struct {
	name        string
	char        rune
	top, bottom color.NRGBA
}

var icons = []icon{
	{name: "teller", char: '柜', top: color.NRGBA{R: 222, G: 46, B: 42, A: 255}, bottom: color.NRGBA{R: 168, G: 18, B: 26, A: 255}},
	{name: "designer", char: '设', top: color.NRGBA{R: 48, G: 132, B: 232, A: 255}, bottom: color.NRGBA{R: 20, G: 82, B: 182, A: 255}},
}

// sizes are the pixel sizes drawn; the 256 px one is named NAME.png, the
// others NAME-SIZE.png.
var sizes = []int{256, 48}

// fontFiles are where Debian's fonts-noto-cjk puts the CJK fonts; the
// Simplified Chinese face of the first one found is used. A bold sans
// face keeps its strokes at 48 px.
var fontFiles = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}

func main() {
	dir := flag.String("dir", filepath.Join("assets", "icons"), "output folder")
	fontPath := flag.String("font", "", "a CJK OpenType font or collection (default: Noto Sans CJK Bold of fonts-noto-cjk)")
	flag.Parse()
	f, err := cjkfont.Load(*fontPath, fontFiles)
	if err != nil {
		log.Fatal(err)
	}
	for _, ic := range icons {
		for _, size := range sizes {
			img := draw1(ic, size, f)
			var b bytes.Buffer
			if err := png.Encode(&b, img); err != nil {
				log.Fatal(err)
			}
			name := ic.name + ".png"
			if size != 256 {
				name = fmt.Sprintf("%s-%d.png", ic.name, size)
			}
			path := filepath.Join(*dir, name)
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				log.Fatal(err)
			}
			log.Printf("wrote %s (%d bytes)", path, b.Len())
		}
	}
}

// draw1 draws ic at size×size pixels on a transparent background.
func draw1(ic icon, size int, f *sfnt.Font) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	s := float64(size)
	// The square leaves a margin of 1/32 of the icon (as freedesktop
	// icons do) and rounds its corners by a fifth of its side.
	margin := s / 32
	radius := (s - 2*margin) * 0.2
	const ss = 4 // supersampling per axis for the square's edge
	for py := 0; py < size; py++ {
		t := float64(py) / (s - 1)
		c := mix(ic.top, ic.bottom, t)
		for px := 0; px < size; px++ {
			hits := 0
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := float64(px) + (float64(sx)+0.5)/ss
					y := float64(py) + (float64(sy)+0.5)/ss
					if inRoundRect(x, y, margin, margin, s-margin, s-margin, radius) {
						hits++
					}
				}
			}
			if hits > 0 {
				img.SetNRGBA(px, py, color.NRGBA{R: c.R, G: c.G, B: c.B, A: uint8(255 * hits / (ss * ss))})
			}
		}
	}
	// The character, white, its inked box centred and 62% of the icon
	// high (a little more at 48 px, where every pixel counts).
	share := 0.62
	if size <= 64 {
		share = 0.68
	}
	glyph := charMask(f, ic.char, share*s)
	b := glyph.Bounds()
	off := image.Pt((size-b.Dx())/2-b.Min.X, (size-b.Dy())/2-b.Min.Y)
	draw.DrawMask(img, b.Add(off), image.NewUniform(color.White), image.Point{}, glyph, b.Min, draw.Over)
	return img
}

// charMask draws r so that its inked box is about height pixels high and
// returns the alpha mask cropped to the ink.
func charMask(f *sfnt.Font, r rune, height float64) *image.Alpha {
	// The ink of a CJK character is about 0.88 of its em; measure it and
	// correct once.
	size := height / 0.88
	for range 2 {
		face := newFace(f, size)
		bounds, _ := font.BoundString(face, string(r))
		face.Close()
		inked := (bounds.Max.Y - bounds.Min.Y).Ceil()
		if inked == 0 {
			log.Fatalf("%c: no ink in the font", r)
		}
		size *= height / float64(inked)
	}
	face := newFace(f, size)
	defer face.Close()
	bounds, _ := font.BoundString(face, string(r))
	rect := image.Rect(bounds.Min.X.Floor(), bounds.Min.Y.Floor(), bounds.Max.X.Ceil(), bounds.Max.Y.Ceil())
	mask := image.NewAlpha(rect)
	d := &font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: fixed.Point26_6{}}
	d.DrawString(string(r))
	return mask
}

func newFace(f *sfnt.Font, size float64) font.Face {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		log.Fatal(err)
	}
	return face
}

// inRoundRect reports whether (x, y) lies in the rectangle x0,y0–x1,y1
// with corners rounded by r.
func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return math.Hypot(x-cx, y-cy) <= r
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	m := func(p, q uint8) uint8 { return uint8(math.Round(float64(p)*(1-t) + float64(q)*t)) }
	return color.NRGBA{R: m(a.R, b.R), G: m(a.G, b.G), B: m(a.B, b.B), A: 255}
}
