package receipt

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"guitai/devices/escpos"
)

// Paper geometry of the preview: 80 mm paper at 203 dpi, font A (12x24 dots).
const (
	PaperDots = 576
	colDots   = PaperDots / Width
	lineDots  = 30
)

// FontPaths are searched, in order, for a CJK font for the preview; the
// first that opens is used. Without one, the preview falls back to a
// built-in ASCII font and draws Chinese characters as boxes.
var FontPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
}

var (
	fontOnce   sync.Once
	cjkNormal  font.Face
	cjkDouble  font.Face
	fontLoaded bool
)

func loadFonts() {
	for _, p := range FontPaths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		c, err := opentype.ParseCollection(b)
		if err != nil {
			continue
		}
		f, err := c.Font(0)
		if err != nil {
			continue
		}
		n, err1 := opentype.NewFace(f, &opentype.FaceOptions{Size: 22, DPI: 72, Hinting: font.HintingFull})
		d, err2 := opentype.NewFace(f, &opentype.FaceOptions{Size: 44, DPI: 72, Hinting: font.HintingFull})
		if err1 == nil && err2 == nil {
			cjkNormal, cjkDouble, fontLoaded = n, d, true
			return
		}
	}
}

// HasCJKFont reports whether the preview found a CJK font.
func HasCJKFont() bool {
	fontOnce.Do(loadFonts)
	return fontLoaded
}

// Image renders the receipt as the printer would print it, black on white,
// PaperDots wide.
func (d Doc) Image() *image.Gray {
	fontOnce.Do(loadFonts)
	h := 20
	for _, el := range d {
		h += elHeight(el)
	}
	img := image.NewGray(image.Rect(0, 0, PaperDots, h+20))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	y := 20
	for _, el := range d {
		switch el.Kind {
		case "text":
			drawText(img, el, y)
		case "qr":
			drawQR(img, el, y)
		case "code128":
			drawBars(img, el, y)
		}
		y += elHeight(el)
	}
	return img
}

// WritePNG writes the preview as PNG.
func (d Doc) WritePNG(w io.Writer) error { return png.Encode(w, d.Image()) }

func elHeight(el Element) int {
	switch el.Kind {
	case "text":
		if el.Double {
			return 2 * lineDots
		}
		return lineDots
	case "feed":
		return el.N * lineDots
	case "qr":
		return 170
	case "code128":
		return 110
	case "cut":
		return 12
	}
	return 0
}

func xFor(align escpos.Align, w int) int {
	switch align {
	case escpos.Center:
		return (PaperDots - w) / 2
	case escpos.Right:
		return PaperDots - w
	}
	return 0
}

func drawText(img *image.Gray, el Element, y int) {
	scale := 1
	face := cjkNormal
	if el.Double {
		scale, face = 2, cjkDouble
	}
	w := TextWidth(el.Text) * colDots * scale
	x := xFor(el.Align, w)
	if face == nil {
		face = basicfont.Face7x13
	}
	base := y + lineDots*scale - 7*scale
	passes := 1
	if el.Bold {
		passes = 2
	}
	for p := 0; p < passes; p++ {
		cx := x + p
		for _, r := range el.Text {
			rw := runeWidth(r) * colDots * scale
			dr := &font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(cx, base)}
			adv, ok := face.GlyphAdvance(r)
			if !ok && r > 0x7F {
				box := image.Rect(cx+2, base-18*scale, cx+rw-2, base)
				drawRect(img, box)
			} else {
				// Centre the glyph in its cell so columns line up like the printer's.
				dr.Dot.X += (fixed.I(rw) - adv) / 2
				dr.DrawString(string(r))
			}
			cx += rw
		}
	}
}

func drawRect(img *image.Gray, r image.Rectangle) {
	for x := r.Min.X; x < r.Max.X; x++ {
		img.SetGray(x, r.Min.Y, color.Gray{})
		img.SetGray(x, r.Max.Y-1, color.Gray{})
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		img.SetGray(r.Min.X, y, color.Gray{})
		img.SetGray(r.Max.X-1, y, color.Gray{})
	}
}

// drawQR draws a stand-in for the QR code: a finder-pattern frame filled
// with a pattern derived from the data (the printer draws the real code).
func drawQR(img *image.Gray, el Element, y int) {
	const n, m = 25, 6 // modules, dots per module
	x0 := xFor(el.Align, n*m)
	h := uint32(2166136261)
	for i := 0; i < len(el.Text); i++ {
		h = (h ^ uint32(el.Text[i])) * 16777619
	}
	for r := 0; r < n; r++ {
		for c := 0; c < n; c++ {
			on := false
			if f, ok := finder(r, c, n); ok {
				on = f
			} else {
				h ^= h << 13
				h ^= h >> 17
				h ^= h << 5
				on = h&1 == 1
			}
			if on {
				draw.Draw(img, image.Rect(x0+c*m, y+5+r*m, x0+(c+1)*m, y+5+(r+1)*m), image.Black, image.Point{}, draw.Src)
			}
		}
	}
}

func finder(r, c, n int) (on, ok bool) {
	for _, o := range [][2]int{{0, 0}, {0, n - 7}, {n - 7, 0}} {
		dr, dc := r-o[0], c-o[1]
		if dr >= -1 && dr <= 7 && dc >= -1 && dc <= 7 {
			if dr < 0 || dr > 6 || dc < 0 || dc > 6 {
				return false, true
			}
			ring := min(dr, dc, 6-dr, 6-dc)
			return ring != 1, true
		}
	}
	return false, false
}

// drawBars draws a bar pattern from the data bytes with the text below.
func drawBars(img *image.Gray, el Element, y int) {
	w := (len(el.Text)*11 + 35) * 2
	x := xFor(el.Align, w)
	pat := []byte{0xD2} // start B
	pat = append(pat, el.Text...)
	for _, b := range pat {
		for i := 7; i >= 0; i-- {
			if b>>i&1 == 1 || i == 7 {
				draw.Draw(img, image.Rect(x, y+5, x+2, y+80), image.Black, image.Point{}, draw.Src)
			}
			x += 2
		}
		x += 6
	}
	drawText(img, Element{Kind: "text", Text: el.Text, Align: el.Align}, y+80)
}
