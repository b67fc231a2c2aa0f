package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// lineText is one line of text cut with an ellipsis to its width, laid out
// as a truncating widget.Label lays it out (the same insets, so the same
// row height). A Label that truncates shapes its text afresh on every
// refresh, building a new HarfBuzz font each time: refreshing one row of
// the outline cost milliseconds, and a structure change refreshes every
// row in sight. lineText cuts with the width of each rune, kept once
// measured, and checks the cut with one fyne.MeasureText, which Fyne
// caches: a refresh of an unchanged row measures nothing.
type lineText struct {
	widget.BaseWidget
	text     string
	shown    string             // the text as cut at the last layout
	sizeName fyne.ThemeSizeName // the text size; "" for the theme's text size
}

func newLineText(s string) *lineText {
	t := &lineText{text: s}
	t.ExtendBaseWidget(t)
	return t
}

// Text is the whole text, as set.
func (t *lineText) Text() string { return t.text }

// SetText changes the text.
func (t *lineText) SetText(s string) {
	if s == t.text {
		return
	}
	t.text = s
	t.Refresh()
}

// Shown is the text as it fits the last width laid out, for tests.
func (t *lineText) Shown() string { return t.shown }

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (t *lineText) CreateRenderer() fyne.WidgetRenderer {
	r := &lineTextRenderer{t: t, txt: canvas.NewText("", theme.Color(theme.ColorNameForeground)), width: -1}
	r.Refresh()
	return r
}

type lineTextRenderer struct {
	t     *lineText
	txt   *canvas.Text
	shown string  // the text as cut
	text  string  // the text it was cut from
	width float32 // the width it was cut to
}

func (r *lineTextRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	avail := size.Width - 2*pad
	if r.text != r.t.text || r.width != avail {
		r.text, r.width = r.t.text, avail
		shown := fitLine(r.t.text, avail, r.txt.TextSize, r.txt.TextStyle)
		r.t.shown = shown
		if shown != r.shown {
			r.shown = shown
			r.txt.Text = shown
			r.txt.Refresh()
		}
	}
	h := lineHeight(r.txt.TextSize, r.txt.TextStyle)
	r.txt.Move(fyne.NewPos(pad, (size.Height-h)/2))
	r.txt.Resize(fyne.NewSize(max(avail, 0), h))
}

// MinSize is a truncating Label's: the ellipsis wide, one line high.
func (r *lineTextRenderer) MinSize() fyne.Size {
	pad := theme.InnerPadding()
	return fyne.NewSize(runeWidth('…', r.txt.TextSize, r.txt.TextStyle)+2*pad, lineHeight(r.txt.TextSize, r.txt.TextStyle)+2*pad)
}

func (r *lineTextRenderer) Refresh() {
	th := r.t.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	name := r.t.sizeName
	if name == "" {
		name = theme.SizeNameText
	}
	size := th.Size(name)
	if size != r.txt.TextSize {
		r.txt.TextSize = size
		r.width = -1 // cut again
	}
	r.txt.Color = th.Color(theme.ColorNameForeground, v)
	r.Layout(r.t.Size())
	r.txt.Refresh()
}

func (r *lineTextRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.txt} }

func (r *lineTextRenderer) Destroy() {}

// fitLine cuts s with an ellipsis to width: the longest prefix that fits
// by the widths of its runes, checked (and shortened while it does not
// fit) with an exact measurement.
func fitLine(s string, width, size float32, style fyne.TextStyle) string {
	if s == "" {
		return ""
	}
	runes := []rune(s)
	sum := float32(0)
	for _, c := range runes {
		sum += runeWidth(c, size, style)
	}
	const slack = 2 // kerning: below this margin the sum decides alone
	if sum <= width-slack {
		return s
	}
	if sum <= width+slack && fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	ell := runeWidth('…', size, style)
	k, w := 0, ell
	for k < len(runes) && w+runeWidth(runes[k], size, style) <= width {
		w += runeWidth(runes[k], size, style)
		k++
	}
	for ; k > 0; k-- {
		cut := string(runes[:k]) + "…"
		if fyne.MeasureText(cut, size, style).Width <= width {
			return cut
		}
	}
	return "…"
}

type runeKey struct {
	r     rune
	size  float32
	style fyne.TextStyle
}

var (
	runeMu     sync.Mutex
	runeWidths = map[runeKey]float32{}
	lineHts    = map[runeKey]float32{}
)

// runeWidth is the advance of one rune, measured once.
func runeWidth(c rune, size float32, style fyne.TextStyle) float32 {
	k := runeKey{c, size, style}
	runeMu.Lock()
	w, ok := runeWidths[k]
	runeMu.Unlock()
	if !ok {
		w = fyne.MeasureText(string(c), size, style).Width
		runeMu.Lock()
		runeWidths[k] = w
		runeMu.Unlock()
	}
	return w
}

// lineHeight is the height of a line of text, as a Label's empty line.
func lineHeight(size float32, style fyne.TextStyle) float32 {
	k := runeKey{0, size, style}
	runeMu.Lock()
	h, ok := lineHts[k]
	runeMu.Unlock()
	if !ok {
		h = fyne.MeasureText("M", size, style).Height
		runeMu.Lock()
		lineHts[k] = h
		runeMu.Unlock()
	}
	return h
}
