// Command gen draws the demo seal specimen and demo cheque and encrypts the
// specimen with a fresh demo key. Run it from the module root:
//
//	go run ./assets/seals/gen
//
// It writes, in assets/seals: demo-cheque.png (a cheque with the seal
// stamped in widgets.DefaultSealArea), demo-seal.sm4 (the specimen PNG
// encrypted by widgets.EncryptSeal) and demo-key.hex (the demo key, hex).
// The images are the same on every run; the key and nonce are not.
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

func main() {
	dir := flag.String("dir", filepath.Join("assets", "seals"), "output folder")
	flag.Parse()

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
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	blob, err := widgets.EncryptSeal(key, sealPNG.Bytes())
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
// background: outer ring, a ring of character-like glyphs along the top, a
// five-pointed star and a line of code marks under it. rot turns it
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

type segment struct{ x0, y0, x1, y1 float64 }

// glyph is a blocky stand-in for a Chinese character: strokes in a
// [-1, 1] square, placed on the ring at angle (radians, 0 = right).
type glyph struct {
	angle   float64
	strokes []segment
}

// sealGlyphs returns 9 made-up characters along the upper arc (a seal's
// name band), the same on every run.
func sealGlyphs() []glyph {
	r := mrand.New(mrand.NewPCG(2024, 11))
	var gs []glyph
	const n = 9
	for i := 0; i < n; i++ {
		a := math.Pi*(1.1) + float64(i)*(math.Pi*0.8)/(n-1) // 198° .. 342°
		g := glyph{angle: a}
		// a frame stroke or two, then inner strokes on a 5-line grid
		g.strokes = append(g.strokes, segment{-0.8, -0.8, 0.8, -0.8})
		if r.IntN(2) == 0 {
			g.strokes = append(g.strokes, segment{-0.8, -0.8, -0.8, 0.8})
		}
		for k := 0; k < 4; k++ {
			p := float64(r.IntN(5))*0.4 - 0.8
			q0 := float64(r.IntN(3))*0.4 - 0.8
			q1 := q0 + 0.8 + float64(r.IntN(2))*0.8
			if r.IntN(2) == 0 {
				g.strokes = append(g.strokes, segment{q0, p, q1, p})
			} else {
				g.strokes = append(g.strokes, segment{p, q0, p, q1})
			}
		}
		gs = append(gs, g)
	}
	return gs
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
	// code marks under the star: 13 small bars
	if v > 0.42 && v < 0.50 && math.Abs(u) < 0.46 {
		cell := (u + 0.46) / (0.92 / 13)
		if f := cell - math.Floor(cell); f > 0.18 && f < 0.82 {
			return true
		}
	}
	// glyph band along the top arc
	const gr, gs = 0.66, 0.15 // radius of the band, half size of a glyph
	for _, g := range glyphs {
		s, c := math.Sincos(g.angle)
		cx, cy := gr*c, gr*s
		// local axes: x along the tangent, y towards the centre
		du, dv := u-cx, v-cy
		lx := (du*-s + dv*c) / gs
		ly := (du*-c + dv*-s) / gs
		if math.Abs(lx) > 1 || math.Abs(ly) > 1 {
			continue
		}
		for _, st := range g.strokes {
			if segDist(lx, ly, st) < 0.14 {
				return true
			}
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

func segDist(x, y float64, s segment) float64 {
	dx, dy := s.x1-s.x0, s.y1-s.y0
	t := ((x-s.x0)*dx + (y-s.y0)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(s.x0+t*dx), y-(s.y0+t*dy))
}

// drawCheque draws a plain transfer cheque: tinted security background,
// frame, title band, field lines, amount boxes, MICR line, and the seal
// stamped (slightly turned, unevenly inked) in the default seal area.
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

	// title band with blocks standing for the bank name and "转账支票"
	fill(img, image.Rect(36, 36, chequeW-36, 90), color.NRGBA{R: 214, G: 232, B: 220, A: 255})
	for i := 0; i < 8; i++ {
		x := 420 + i*48
		strokeRect(img, image.Rect(x, 44, x+36, 82), 3, printInk)
		fill(img, image.Rect(x+10, 56, x+26, 60), printInk)
	}
	// date and number fields at the top right
	hline(img, 860, chequeW-48, 120, 1, printInk)
	hline(img, 48, 400, 120, 1, printInk)

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
