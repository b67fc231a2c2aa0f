package widgets

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DefaultSealArea returns the seal area of a new SealViewer, as fractions of
// the cheque's width and height: the place of the stamp on the demo cheque.
func DefaultSealArea() (x, y, w, h float32) {
	return 0.7, 0.44, 1.0 / 6, 0.4
}

// blinkInterval is the time the overlay stays on, then off, when blinking.
const blinkInterval = 500 * time.Millisecond

// SealViewer shows a cheque and the specimen seal of the account beside it
// for seal verification (验印). In comparison mode the specimen is also
// laid over the seal area of the cheque at an adjustable opacity, and can
// blink (on and off every half second) so differences stand out. Near-white
// pixels of the specimen are made transparent for the overlay, so a scan on
// white paper does not hide the cheque.
//
// The widget carries its own controls: a comparison check box, an opacity
// slider and a blink check box.
type SealViewer struct {
	widget.BaseWidget

	cheque, seal image.Image
	overlay      image.Image
	images       int // counts image changes, for the renderer
	area         [4]float32
	opacity      float64
	compare      bool

	// ui serialises changes and redraws between the teller's goroutine and
	// blink ticks: fyne.Do already does so in the app, but a test driver
	// runs fyne.Do on the caller's goroutine.
	ui sync.Mutex

	mu         sync.Mutex // guards the blink state below
	blinkOff   bool       // the overlay is in its off phase
	blinkGen   int        // ticks of an older blink are ignored
	blinkStop  chan struct{}
	blinkDone  chan struct{} // closed when the ticker goroutine has returned
	blinkTicks int
	blinkEvery time.Duration
}

// NewSealViewer returns a viewer of the cheque and specimen seal images,
// side by side, with the seal area DefaultSealArea and opacity 0.5.
func NewSealViewer(cheque image.Image, seal image.Image) *SealViewer {
	v := &SealViewer{opacity: 0.5, blinkEvery: blinkInterval}
	v.area[0], v.area[1], v.area[2], v.area[3] = DefaultSealArea()
	v.ExtendBaseWidget(v)
	v.setImages(cheque, seal)
	return v
}

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (v *SealViewer) CreateRenderer() fyne.WidgetRenderer {
	r := &sealRenderer{v: v, images: -1}
	r.chequeImg = canvas.NewImageFromImage(nil)
	r.chequeImg.FillMode = canvas.ImageFillStretch // laid out at its aspect
	r.sealImg = canvas.NewImageFromImage(nil)
	r.sealImg.FillMode = canvas.ImageFillContain
	r.overlayImg = canvas.NewImageFromImage(nil)
	r.overlayImg.FillMode = canvas.ImageFillContain
	r.outline = canvas.NewRectangle(color.Transparent)
	r.outline.StrokeWidth = 1

	r.compare = widget.NewCheck("叠加比对", func(on bool) {
		if !r.syncing {
			v.SetCompare(on)
		}
	})
	r.blink = widget.NewCheck("闪烁", func(on bool) {
		if !r.syncing {
			v.SetBlink(on)
		}
	})
	r.opacity = widget.NewSlider(0, 100)
	r.opacity.OnChanged = func(f float64) {
		if !r.syncing {
			v.SetOpacity(f / 100)
		}
	}
	r.controls = container.NewBorder(nil, nil,
		container.NewHBox(r.compare, widget.NewLabel("透明度")), r.blink, r.opacity)
	r.objects = []fyne.CanvasObject{r.controls, r.chequeImg, r.outline, r.overlayImg, r.sealImg}
	r.Refresh()
	return r
}

// SetImages replaces the cheque and the specimen seal, e.g. for the next
// cheque; the seal area and opacity are kept.
func (v *SealViewer) SetImages(cheque, seal image.Image) {
	v.ui.Lock()
	defer v.ui.Unlock()
	v.setImages(cheque, seal)
	v.Refresh()
}

func (v *SealViewer) setImages(cheque, seal image.Image) {
	v.cheque, v.seal = cheque, seal
	v.overlay = nil
	if seal != nil {
		v.overlay = keyOutWhite(seal)
	}
	v.images++
}

// SetSealArea sets where the seal should be on the cheque, as fractions of
// the cheque's width and height (x, y of the top left corner, w, h); the
// overlay is drawn there, as large as fits keeping its aspect. Values are
// clamped to the cheque.
func (v *SealViewer) SetSealArea(x, y, w, h float32) {
	v.ui.Lock()
	defer v.ui.Unlock()
	x, y = clamp32(x, 0, 1), clamp32(y, 0, 1)
	v.area = [4]float32{x, y, clamp32(w, 0, 1-x), clamp32(h, 0, 1-y)}
	v.Refresh()
}

// SealArea returns the seal area set by SetSealArea.
func (v *SealViewer) SealArea() (x, y, w, h float32) {
	return v.area[0], v.area[1], v.area[2], v.area[3]
}

// SetOpacity sets the opacity of the overlay, from 0 (invisible) to 1
// (opaque); values outside are clamped.
func (v *SealViewer) SetOpacity(o float64) {
	v.ui.Lock()
	defer v.ui.Unlock()
	o = math.Min(math.Max(o, 0), 1)
	if math.Abs(o-v.opacity) < 1e-9 {
		return
	}
	v.opacity = o
	v.Refresh()
}

// Opacity returns the opacity of the overlay.
func (v *SealViewer) Opacity() float64 {
	return v.opacity
}

// SetCompare turns comparison mode, the overlay of the specimen on the
// cheque, on or off. Turning it off stops blinking.
func (v *SealViewer) SetCompare(on bool) {
	if !on {
		v.stopBlink() // outside ui: it waits for the ticker, which may want ui
	}
	v.ui.Lock()
	defer v.ui.Unlock()
	if on == v.compare {
		return
	}
	v.compare = on
	v.Refresh()
}

// Compare reports whether comparison mode is on.
func (v *SealViewer) Compare() bool {
	return v.compare
}

// SetBlink starts or stops blinking the overlay; starting it turns
// comparison mode on. Blinking does not start while the widget is hidden,
// and stops when it is hidden or its renderer destroyed.
func (v *SealViewer) SetBlink(on bool) {
	if on && !v.Visible() {
		return
	}
	if !on {
		v.stopBlink()
	}
	v.ui.Lock()
	defer v.ui.Unlock()
	if on {
		v.compare = true
		v.startBlink()
	}
	v.Refresh()
}

// Blinking reports whether the overlay is blinking.
func (v *SealViewer) Blinking() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.blinkStop != nil
}

// Hide hides the widget and stops blinking.
func (v *SealViewer) Hide() {
	v.stopBlink()
	v.BaseWidget.Hide()
}

// startBlink starts the ticker goroutine; it only asks, through fyne.Do,
// for the phase to change on the UI goroutine.
func (v *SealViewer) startBlink() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.blinkStop != nil {
		return
	}
	stop, done := make(chan struct{}), make(chan struct{})
	v.blinkStop, v.blinkDone = stop, done
	v.blinkGen++
	v.blinkOff = false
	gen, every := v.blinkGen, v.blinkEvery
	go func() {
		t := time.NewTicker(every)
		defer func() {
			t.Stop()
			close(done)
		}()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(func() { v.blinkTick(gen) })
			}
		}
	}()
}

func (v *SealViewer) blinkTick(gen int) {
	if !v.ui.TryLock() {
		return // a change is being drawn; this phase is skipped
	}
	defer v.ui.Unlock()
	v.mu.Lock()
	if gen != v.blinkGen || v.blinkStop == nil {
		v.mu.Unlock()
		return
	}
	v.blinkOff = !v.blinkOff
	v.blinkTicks++
	v.mu.Unlock()
	v.Refresh()
}

// stopBlink stops the ticker goroutine and waits for it to return. fyne.Do
// does not wait for the UI goroutine, so this cannot deadlock.
func (v *SealViewer) stopBlink() {
	v.mu.Lock()
	stop, done := v.blinkStop, v.blinkDone
	v.blinkStop, v.blinkDone = nil, nil
	v.blinkGen++
	v.blinkOff = false
	v.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

// overlayShown reports whether the overlay is drawn now.
func (v *SealViewer) overlayShown() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.compare && !v.blinkOff && v.overlay != nil
}

// keyOutWhite returns a copy of img with near-white pixels transparent
// (fading between 200 and 240 of 255 in the darkest channel).
func keyOutWhite(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	const lo, hi = 200, 240
	for i := 0; i < len(out.Pix); i += 4 {
		p := out.Pix[i : i+4 : i+4]
		m := min(p[0], p[1], p[2])
		switch {
		case m >= hi:
			p[3] = 0
		case m > lo:
			p[3] = uint8(int(p[3]) * int(hi-m) / (hi - lo))
		}
	}
	return out
}

func clamp32(f, lo, hi float32) float32 {
	return min(max(f, lo), hi)
}

// sealRenderer lays the controls on top, the cheque on the left (seven
// tenths of the width) and the specimen on the right; the overlay and, out
// of comparison mode, the outline of the seal area lie on the cheque.
type sealRenderer struct {
	v       *SealViewer
	images  int
	syncing bool // control callbacks are ignored while Refresh sets them

	controls                       *fyne.Container
	compare, blink                 *widget.Check
	opacity                        *widget.Slider
	chequeImg, sealImg, overlayImg *canvas.Image
	outline                        *canvas.Rectangle
	objects                        []fyne.CanvasObject
	size                           fyne.Size
}

func (r *sealRenderer) Destroy() { r.v.stopBlink() }

func (r *sealRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *sealRenderer) MinSize() fyne.Size {
	pad := r.v.Theme().Size(theme.SizeNamePadding)
	c := r.controls.MinSize()
	return fyne.NewSize(max(c.Width, 320), c.Height+pad+160)
}

func (r *sealRenderer) Layout(size fyne.Size) {
	r.size = size
	pad := r.v.Theme().Size(theme.SizeNamePadding)
	ch := r.controls.MinSize().Height
	r.controls.Move(fyne.NewPos(0, 0))
	r.controls.Resize(fyne.NewSize(size.Width, ch))

	top := ch + pad
	bodyH := max(size.Height-top, 0)
	leftW := max((size.Width-pad)*0.7, 0)
	r.sealImg.Move(fyne.NewPos(leftW+pad, top))
	r.sealImg.Resize(fyne.NewSize(max(size.Width-leftW-pad, 0), bodyH))

	pos, sz := fitImage(r.v.cheque, fyne.NewPos(0, top), fyne.NewSize(leftW, bodyH))
	r.chequeImg.Move(pos)
	r.chequeImg.Resize(sz)

	a := r.v.area
	areaPos := pos.Add(fyne.NewPos(a[0]*sz.Width, a[1]*sz.Height))
	areaSize := fyne.NewSize(a[2]*sz.Width, a[3]*sz.Height)
	r.overlayImg.Move(areaPos)
	r.overlayImg.Resize(areaSize)
	r.outline.Move(areaPos)
	r.outline.Resize(areaSize)
}

// fitImage returns the largest rectangle of img's aspect centred in the box.
func fitImage(img image.Image, pos fyne.Position, box fyne.Size) (fyne.Position, fyne.Size) {
	if img == nil || img.Bounds().Empty() || box.Width <= 0 || box.Height <= 0 {
		return pos, fyne.NewSize(0, 0)
	}
	b := img.Bounds()
	aspect := float32(b.Dx()) / float32(b.Dy())
	sz := fyne.NewSize(box.Width, box.Width/aspect)
	if sz.Height > box.Height {
		sz = fyne.NewSize(box.Height*aspect, box.Height)
	}
	return pos.Add(fyne.NewPos((box.Width-sz.Width)/2, (box.Height-sz.Height)/2)), sz
}

func (r *sealRenderer) Refresh() {
	v := r.v
	th := v.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()

	r.syncing = true
	r.compare.SetChecked(v.compare)
	r.blink.SetChecked(v.Blinking())
	r.opacity.SetValue(v.opacity * 100)
	r.syncing = false

	if r.images != v.images {
		r.images = v.images
		r.chequeImg.Image, r.sealImg.Image, r.overlayImg.Image = v.cheque, v.seal, v.overlay
		r.chequeImg.Refresh()
		r.sealImg.Refresh()
	}
	r.overlayImg.Translucency = 1 - v.opacity
	r.overlayImg.Hidden = !v.overlayShown()
	r.overlayImg.Refresh()

	r.outline.StrokeColor = th.Color(theme.ColorNamePrimary, variant)
	r.outline.Hidden = v.compare || v.cheque == nil
	r.outline.Refresh()

	r.Layout(r.size)
}
