package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	mrand "math/rand/v2"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"guitai/internal/cjkfont"
	"guitai/seal"
	"guitai/widgets"
)

var (
	sealRed   = color.NRGBA{R: 205, G: 32, B: 38, A: 255}
	paper     = color.NRGBA{R: 240, G: 247, B: 241, A: 255}
	guilloche = color.NRGBA{R: 196, G: 222, B: 204, A: 255}
	printInk  = color.NRGBA{R: 46, G: 104, B: 74, A: 255}
	micrInk   = color.NRGBA{R: 30, G: 30, B: 34, A: 255}
)

const (
	chequeW, chequeH = 1200, 500
	specimenSize     = 400
)

// The seal's and the cheque's words. The company and the bank are made up.
const (
	sealName  = "华夏示范科技有限公司"
	sealUse   = "财务专用章"
	bankName  = "中国示范银行"
	chequeTtl = "转账支票"
)

// fontFiles are where Debian's fonts-noto-cjk puts the CJK fonts; the
// Simplified Chinese face of the first one found is used.
var fontFiles = []string{
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}

// cjk is the font the words are drawn in.
var cjk *sfnt.Font

func main() {
	dir := flag.String("dir", filepath.Join("assets", "seals"), "output folder")
	fontPath := flag.String("font", "", "a CJK OpenType font or collection (default: Noto CJK of fonts-noto-cjk)")
	flag.Parse()
	var err error
	if cjk, err = cjkfont.Load(*fontPath, fontFiles); err != nil {
		log.Fatal(err)
	}

	specimen := drawSeal(specimenSize, 0, 0.08, 1)
	var sealPNG bytes.Buffer
	if err := png.Encode(&sealPNG, specimen); err != nil {
		log.Fatal(err)
	}

	cheque := drawCheque()
	var chequePNG bytes.Buffer
	if err := png.Encode(&chequePNG, cheque); err != nil {
		log.Fatal(err)
	}

	key := make([]byte, 16)
	if _, err = rand.Read(key); err != nil {
		log.Fatal(err)
	}
	blob, err := seal.Encrypt(key, sealPNG.Bytes())
	if err != nil {
		log.Fatal(err)
	}

	write(filepath.Join(*dir, "demo-cheque.png"), chequePNG.Bytes())
	write(filepath.Join(*dir, "demo-seal.sm4"), blob)
	write(filepath.Join(*dir, "demo-key.hex"), []byte(hex.EncodeToString(key)+"\n"))
}

func write(path string, b []byte) {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s (%d bytes)", path, len(b))
}

// drawSeal draws a round red seal of size×size pixels on a transparent
// background: outer ring, the company name along it, a five-pointed star
// and the seal's use (财务专用章) under the star. rot turns it
// (radians), wear (0..1) is how unevenly the ink took, seed varies the wear.
func drawSeal(size int, rot, wear float64, seed uint64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	glyphs := sealGlyphs()
	noise := mrand.New(mrand.NewPCG(seed, 7))
	const ss = 4 // supersampling per axis
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			hits := 0
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					// u, v in [-1, 1], v downwards, turned by -rot.
					u := (float64(px)+(float64(sx)+0.5)/ss)/float64(size)*2 - 1
					v := (float64(py)+(float64(sy)+0.5)/ss)/float64(size)*2 - 1
					s, c := math.Sincos(-rot)
					u, v = u*c-v*s, u*s+v*c
					if sealInk(u, v, glyphs) {
						hits++
					}
				}
			}
			if hits == 0 {
				continue
			}
			a := float64(hits) / ss / ss
			a *= 1 - wear*noise.Float64()
			img.SetNRGBA(px, py, color.NRGBA{R: sealRed.R, G: sealRed.G, B: sealRed.B, A: uint8(255 * a)})
		}
	}
	return img
}

// glyph is one character of the seal, as an alpha mask, placed on the
// ring at angle (radians, 0 = right) or, with flat set, upright at (x, y).
type glyph struct {
	angle float64
	flat  bool
	x, y  float64
	mask  *image.Alpha
}

// glyphMask is the size of a character's mask in pixels.
const glyphMask = 160

// sealGlyphs returns the company name along the ring, over its top from
// lower left to lower right, each character's top outwards, and the seal's use in a
// line under the star, as a Chinese finance seal has them.
func sealGlyphs() []glyph {
	var gs []glyph
	name := []rune(sealName)
	n := len(name)
	for i, r := range name {
		a := math.Pi*0.84 + float64(i)*(math.Pi*1.32)/float64(n-1) // 151° .. 389°
		gs = append(gs, glyph{angle: a, mask: charMask(r, false)})
	}
	use := []rune(sealUse)
	for i, r := range use {
		x := (float64(i) - float64(len(use)-1)/2) * 0.17
		gs = append(gs, glyph{flat: true, x: x, y: 0.52, mask: charMask(r, true)})
	}
	return gs
}

// charMask draws r centred in a glyphMask-square alpha mask; narrow
// squeezes it sideways, as the words under a seal's star are.
func charMask(r rune, narrow bool) *image.Alpha {
	face, err := opentype.NewFace(cjk, &opentype.FaceOptions{Size: glyphMask * 0.86, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		log.Fatal(err)
	}
	defer face.Close()
	wide := image.NewAlpha(image.Rect(0, 0, glyphMask, glyphMask))
	d := &font.Drawer{Dst: wide, Src: image.Opaque, Face: face}
	w := d.MeasureString(string(r)).Ceil()
	m := face.Metrics()
	d.Dot = fixed.Point26_6{X: fixed.I((glyphMask - w) / 2), Y: fixed.I(glyphMask/2) + (m.Ascent-m.Descent)/2}
	d.DrawString(string(r))
	if !narrow {
		return wide
	}
	out := image.NewAlpha(wide.Bounds())
	for y := 0; y < glyphMask; y++ {
		for x := 0; x < glyphMask; x++ {
			sx := glyphMask/2 + int(float64(x-glyphMask/2)*1.35)
			if sx >= 0 && sx < glyphMask {
				out.SetAlpha(x, y, wide.AlphaAt(sx, y))
			}
		}
	}
	return out
}

// inked reports whether the glyph's mask is inked at (lx, ly) in [-1, 1]².
func (g glyph) inked(lx, ly float64) bool {
	x := int((lx + 1) / 2 * glyphMask)
	y := int((ly + 1) / 2 * glyphMask)
	return g.mask.AlphaAt(x, y).A >= 128
}

// sealInk reports whether the point (u, v) of the unit seal is inked.
func sealInk(u, v float64, glyphs []glyph) bool {
	r := math.Hypot(u, v)
	if r > 0.985 {
		return false
	}
	if r >= 0.90 { // outer ring
		return true
	}
	if inStar(u, v+0.02, 0.30) {
		return true
	}
	// the company name along the top arc
	// radius of the band; half width and half height of a character, which
	// a seal draws tall and narrow
	const gr, gw, gh = 0.67, 0.125, 0.16
	for _, g := range glyphs {
		if g.flat {
			const fs = 0.13
			lx, ly := (u-g.x)/fs*0.8, (v-g.y)/fs
			if math.Abs(lx) <= 1 && math.Abs(ly) <= 1 && g.inked(lx, ly) {
				return true
			}
			continue
		}
		s, c := math.Sincos(g.angle)
		cx, cy := gr*c, gr*s
		// local axes: x along the tangent, y towards the centre
		du, dv := u-cx, v-cy
		lx := (du*-s + dv*c) / gw
		ly := (du*-c + dv*-s) / gh
		if math.Abs(lx) > 1 || math.Abs(ly) > 1 {
			continue
		}
		if g.inked(lx, ly) {
			return true
		}
	}
	return false
}

// inStar reports whether (u, v) lies in a five-pointed star of outer
// radius R, point up.
func inStar(u, v, R float64) bool {
	var xs, ys [10]float64
	for i := 0; i < 10; i++ {
		rad := R
		if i%2 == 1 {
			rad = R * 0.382
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		xs[i], ys[i] = rad*math.Cos(a), rad*math.Sin(a)
	}
	in := false
	for i, j := 0, 9; i < 10; j, i = i, i+1 {
		if (ys[i] > v) != (ys[j] > v) && u < (xs[j]-xs[i])*(v-ys[i])/(ys[j]-ys[i])+xs[i] {
			in = !in
		}
	}
	return in
}

// drawCheque draws a transfer cheque: tinted security background, frame,
// title band with the bank's name, labelled field lines, amount boxes, MICR
// line, and the seal stamped (slightly turned, unevenly inked) in the
// default seal area.
func drawCheque() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, chequeW, chequeH))
	fill(img, img.Bounds(), paper)

	// guilloche: bands of sine waves
	for k := 0; k < 14; k++ {
		phase := float64(k) * 0.7
		base := 30 + float64(k)*33
		for x := 0; x < chequeW; x++ {
			y := base + 12*math.Sin(float64(x)/38+phase) + 5*math.Sin(float64(x)/11+2*phase)
			blend(img, x, int(y), guilloche, 0.8)
			blend(img, x, int(y)+1, guilloche, 0.4)
		}
	}

	frame := image.Rect(20, 20, chequeW-20, chequeH-60)
	strokeRect(img, frame, 3, printInk)
	strokeRect(img, frame.Inset(8), 1, printInk)

	// title band: the bank's name and "转账支票"
	fill(img, image.Rect(36, 36, chequeW-36, 90), color.NRGBA{R: 214, G: 232, B: 220, A: 255})
	title := bankName + "  " + chequeTtl
	drawText(img, (chequeW-textWidth(title, 36))/2, 76, 36, title, printInk)
	// date and number fields at the top right
	hline(img, 860, chequeW-48, 120, 1, printInk)
	hline(img, 48, 400, 120, 1, printInk)
	drawText(img, 48, 114, 20, "出票日期（大写）", printInk)
	drawText(img, 860, 114, 20, "支票号码", printInk)
	drawText(img, 48, 164, 20, "收款人：", printInk)
	drawText(img, 48, 222, 20, "人民币（大写）", printInk)
	drawText(img, 48, 294, 20, "用途", printInk)
	drawText(img, 48, 344, 20, "上列款项请从我账户内支付", printInk)

	// payee, amount in words, purpose
	for _, y := range []int{170, 230} {
		hline(img, 48, chequeW-48, y, 1, printInk)
	}
	// amount boxes (亿千百十万千百十元角分): 11 boxes at the right of the amount row
	for i := 0; i < 11; i++ {
		x := 760 + i*36
		strokeRect(img, image.Rect(x, 180, x+36, 226), 1, printInk)
	}
	hline(img, 48, 660, 300, 1, printInk)
	hline(img, 48, 660, 350, 1, printInk)
	// drawer's signature box label
	strokeRect(img, image.Rect(48, 372, 300, 420), 1, printInk)
	drawText(img, 60, 404, 20, "出票人签章", printInk)

	// MICR line
	for i := 0; i < 40; i++ {
		x := 120 + i*22
		h := 14 + (i*7)%9
		fill(img, image.Rect(x, chequeH-42+(22-h)/2, x+12, chequeH-42+(22-h)/2+h), micrInk)
	}

	// the stamp, multiplied onto the paper
	ax, ay, aw, ah := widgets.DefaultSealArea()
	box := image.Rect(int(ax*chequeW), int(ay*chequeH), int((ax+aw)*chequeW), int((ay+ah)*chequeH))
	size := min(box.Dx(), box.Dy())
	stamp := drawSeal(size, 3*math.Pi/180, 0.45, 99)
	off := image.Pt(box.Min.X+(box.Dx()-size)/2+2, box.Min.Y+(box.Dy()-size)/2-1)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			c := stamp.NRGBAAt(x, y)
			if c.A == 0 {
				continue
			}
			multiply(img, off.X+x, off.Y+y, c)
		}
	}
	return img
}

// drawText draws text in the CJK font at size pixels, its baseline at y.
func drawText(img *image.NRGBA, x, y int, size float64, text string, c color.NRGBA) {
	face, err := opentype.NewFace(cjk, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		log.Fatal(err)
	}
	defer face.Close()
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(text)
}

// textWidth is the width of text in the CJK font at size pixels.
func textWidth(text string, size float64) int {
	face, err := opentype.NewFace(cjk, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		log.Fatal(err)
	}
	defer face.Close()
	return font.MeasureString(face, text).Ceil()
}

func fill(img *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetNRGBA(x, y, c)
		}
	}
}

func hline(img *image.NRGBA, x0, x1, y, w int, c color.NRGBA) {
	fill(img, image.Rect(x0, y, x1, y+w), c)
}

func strokeRect(img *image.NRGBA, r image.Rectangle, w int, c color.NRGBA) {
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+w), c)
	fill(img, image.Rect(r.Min.X, r.Max.Y-w, r.Max.X, r.Max.Y), c)
	fill(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+w, r.Max.Y), c)
	fill(img, image.Rect(r.Max.X-w, r.Min.Y, r.Max.X, r.Max.Y), c)
}

func blend(img *image.NRGBA, x, y int, c color.NRGBA, a float64) {
	if !image.Pt(x, y).In(img.Bounds()) {
		return
	}
	p := img.NRGBAAt(x, y)
	mix := func(d, s uint8) uint8 { return uint8(float64(d)*(1-a) + float64(s)*a) }
	img.SetNRGBA(x, y, color.NRGBA{R: mix(p.R, c.R), G: mix(p.G, c.G), B: mix(p.B, c.B), A: 255})
}

// multiply lays ink c over the paper as a multiply blend, as a stamp does.
func multiply(img *image.NRGBA, x, y int, c color.NRGBA) {
	if !image.Pt(x, y).In(img.Bounds()) {
		return
	}
	p := img.NRGBAAt(x, y)
	a := float64(c.A) / 255
	m := func(d, s uint8) uint8 {
		prod := float64(d) * float64(s) / 255
		return uint8(float64(d)*(1-a) + prod*a)
	}
	img.SetNRGBA(x, y, color.NRGBA{R: m(p.R, c.R), G: m(p.G, c.G), B: m(p.B, c.B), A: 255})
}
