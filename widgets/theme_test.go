package widgets

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"guitai/assets"
	"guitai/dsl"
	"guitai/money"
	"guitai/state"
)

func nrgba(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

// luma is the perceived brightness of c, 0 to 255.
func luma(c color.Color) float64 {
	n := nrgba(c)
	return 0.299*float64(n.R) + 0.587*float64(n.G) + 0.114*float64(n.B)
}

// The zero value draws exactly what Theme{} drew before it had fields.
func TestThemeZeroValueUnchanged(t *testing.T) {
	var th Theme
	def := theme.DefaultTheme()
	colors := []struct {
		name fyne.ThemeColorName
		want color.Color
	}{
		{theme.ColorNamePrimary, color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}},
		{theme.ColorNameBackground, color.NRGBA{R: 0xf4, G: 0xf6, B: 0xf9, A: 0xff}},
		{theme.ColorNameInputBackground, color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}},
		{theme.ColorNameForeground, def.Color(theme.ColorNameForeground, theme.VariantLight)},
		{theme.ColorNamePlaceHolder, def.Color(theme.ColorNamePlaceHolder, theme.VariantLight)},
		{theme.ColorNameError, def.Color(theme.ColorNameError, theme.VariantLight)},
	}
	for _, c := range colors {
		// Light whatever the desktop asks for.
		for _, asked := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			if got := nrgba(th.Color(c.name, asked)); got != nrgba(c.want) {
				t.Errorf("Color(%s, %d) = %v, want %v", c.name, asked, got, nrgba(c.want))
			}
		}
	}
	sizes := []struct {
		name fyne.ThemeSizeName
		want float32
	}{
		{theme.SizeNamePadding, 3},
		{theme.SizeNameInnerPadding, 7},
		{theme.SizeNameText, def.Size(theme.SizeNameText)},
		{theme.SizeNameCaptionText, def.Size(theme.SizeNameCaptionText)},
		{theme.SizeNameInlineIcon, def.Size(theme.SizeNameInlineIcon)},
		{theme.SizeNameInputBorder, def.Size(theme.SizeNameInputBorder)},
	}
	for _, s := range sizes {
		if got := th.Size(s.name); got != s.want {
			t.Errorf("Size(%s) = %v, want %v", s.name, got, s.want)
		}
	}
	if (Theme{Variant: VariantLight, Scale: 1}).Color(theme.ColorNameBackground, theme.VariantDark) != th.Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error(`Variant "light", Scale 1 differs from the zero value`)
	}
}

func TestThemeVariants(t *testing.T) {
	tests := []struct {
		name    string
		th      Theme
		asked   fyne.ThemeVariant
		darkBG  bool
		primary color.Color
	}{
		{"zero asked dark", Theme{}, theme.VariantDark, false, lightColors[theme.ColorNamePrimary]},
		{"dark asked light", Theme{Variant: VariantDark}, theme.VariantLight, true, darkColors[theme.ColorNamePrimary]},
		{"system asked dark", Theme{Variant: VariantSystem}, theme.VariantDark, true, darkColors[theme.ColorNamePrimary]},
		{"system asked light", Theme{Variant: VariantSystem}, theme.VariantLight, false, lightColors[theme.ColorNamePrimary]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bg := tt.th.Color(theme.ColorNameBackground, tt.asked)
			fg := tt.th.Color(theme.ColorNameForeground, tt.asked)
			if (luma(bg) < 128) != tt.darkBG {
				t.Errorf("background %v, want dark %v", nrgba(bg), tt.darkBG)
			}
			if nrgba(tt.th.Color(theme.ColorNamePrimary, tt.asked)) != nrgba(tt.primary) {
				t.Errorf("primary %v", nrgba(tt.th.Color(theme.ColorNamePrimary, tt.asked)))
			}
			// What the amount and account widgets draw must read on what
			// they are drawn on: text on the input background, the hint
			// line (大写, "(卡)") and errors on the window and group box.
			input := tt.th.Color(theme.ColorNameInputBackground, tt.asked)
			for _, pair := range []struct {
				what   string
				fg, bg color.Color
				min    float64
			}{
				{"text on background", fg, bg, 4.5},
				{"text on input", fg, input, 4.5},
				{"hint on input", tt.th.Color(theme.ColorNamePlaceHolder, tt.asked), input, 3},
				{"error on input", tt.th.Color(theme.ColorNameError, tt.asked), input, 3},
				{"button text on primary", tt.th.Color(theme.ColorNameForegroundOnPrimary, tt.asked), tt.th.Color(theme.ColorNamePrimary, tt.asked), 3},
			} {
				if r := contrast(pair.fg, pair.bg); r < pair.min {
					t.Errorf("%s: contrast %.2f < %.1f (%v on %v)", pair.what, r, pair.min, nrgba(pair.fg), nrgba(pair.bg))
				}
			}
		})
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := relLum(a), relLum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func relLum(c color.Color) float64 {
	n := nrgba(c)
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

func TestThemeScale(t *testing.T) {
	def := theme.DefaultTheme()
	text := def.Size(theme.SizeNameText)
	tests := []struct {
		scale     float32
		text, pad float32
	}{
		{0, text, 3},
		{0.5, text, 3}, // below the range: 1
		{1, text, 3},
		{1.5, text * 1.5, 3 * 1.25},
		{2, text * 2, 3 * 1.5},
		{3, text * 2, 3 * 1.5}, // above the range: 2
	}
	for _, tt := range tests {
		th := Theme{Scale: tt.scale}
		if got := th.Size(theme.SizeNameText); got != tt.text {
			t.Errorf("scale %v: text %v, want %v", tt.scale, got, tt.text)
		}
		if got := th.Size(theme.SizeNamePadding); got != tt.pad {
			t.Errorf("scale %v: padding %v, want %v", tt.scale, got, tt.pad)
		}
		if got, want := th.Size(theme.SizeNameCaptionText), def.Size(theme.SizeNameCaptionText)*tt.text/text; got != want {
			t.Errorf("scale %v: caption %v, want %v", tt.scale, got, want)
		}
		if got, want := th.Size(theme.SizeNameInlineIcon), def.Size(theme.SizeNameInlineIcon)*tt.text/text; got != want {
			t.Errorf("scale %v: inline icon %v, want %v", tt.scale, got, want)
		}
		if got := th.Size(theme.SizeNameInputBorder); got != def.Size(theme.SizeNameInputBorder) {
			t.Errorf("scale %v: input border %v scaled", tt.scale, got)
		}
	}
}

func TestParseTheme(t *testing.T) {
	tests := []struct {
		variant string
		scale   float64
		want    Theme
		bad     bool
	}{
		{"", 0, Theme{}, false},
		{"light", 1, Theme{Variant: "light", Scale: 1}, false},
		{"dark", 1.5, Theme{Variant: "dark", Scale: 1.5}, false},
		{"system", 2, Theme{Variant: "system", Scale: 2}, false},
		{"Dark", 1, Theme{}, true},
		{"dark", 0.5, Theme{}, true},
		{"dark", 2.5, Theme{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTheme(tt.variant, tt.scale)
		if tt.bad != (err != nil) || tt.bad && !errors.Is(err, ErrBadTheme) {
			t.Errorf("ParseTheme(%q, %v) error %v", tt.variant, tt.scale, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseTheme(%q, %v) = %+v", tt.variant, tt.scale, got)
		}
	}
}

// The cash deposit form, rendered in each look at the width the teller
// window gives a form, fits without clipping or cutting a caption, and is
// drawn in the look's colours. With THEME_SHOTS=dir the captures are
// written there as PNGs to look at.
func TestThemeRendersDepositForm(t *testing.T) {
	src, err := assets.FormSource("cash_deposit.form.json")
	if err != nil {
		t.Fatal(err)
	}
	const formWidth = 960 // 1280 less the menu column and padding
	tests := []struct {
		name string
		th   Theme
		dark bool
	}{
		{"light", Theme{}, false},
		{"dark", Theme{Variant: VariantDark}, true},
		{"light-1.5", Theme{Scale: 1.5}, false},
		{"dark-1.5", Theme{Variant: VariantDark, Scale: 1.5}, true},
	}
	var baseHeight float32
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(tt.th)
			def, err := dsl.Decode(src)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Render(def, state.NewBus().Scope("form:theme"), Options{Lang: "zh"})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// The hint lines drawn in the placeholder colour: "(卡)" under
			// a card-read account, 大写 under the amount.
			f.Field("account").(*bankField).w.(*AccountEntry).FillFromCard("6222021234567890123")
			amount := f.Field("amount").(*bankField).w.(*AmountEntry)
			amount.ShowUpper = true
			amount.SetValue(money.MustParse("12345.67"))
			w := test.NewWindow(f.Object())
			defer w.Close()
			// Lay out once at the width first: a wrapping label's height
			// depends on the width it was last given.
			w.Resize(fyne.NewSize(formWidth, 1200))
			min := f.Object().MinSize()
			w.Resize(fyne.NewSize(formWidth, min.Height+20))
			if min.Width > formWidth {
				t.Errorf("form needs %v wide, the teller gives it %v", min.Width, formWidth)
			}
			if cut := f.Truncated(); len(cut) > 0 {
				t.Errorf("captions cut: %v", cut)
			}
			if tt.th.Scale == 0 {
				baseHeight = min.Height
			} else if min.Height <= baseHeight {
				t.Errorf("form at scale %v is %v high, not taller than %v", tt.th.Scale, min.Height, baseHeight)
			}
			img := w.Canvas().Capture()
			if bg := img.At(img.Bounds().Max.X-2, img.Bounds().Max.Y-2); (luma(bg) < 128) != tt.dark {
				t.Errorf("corner pixel %v, want dark %v", nrgba(bg), tt.dark)
			}
			if dir := os.Getenv("THEME_SHOTS"); dir != "" {
				writePNG(t, filepath.Join(dir, "cash_deposit."+tt.name+".png"), img)
			}
		})
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestBoldChineseIsBold: where the system has Noto Sans CJK Bold, the
// theme's bold font carries it for the runes Fyne's own bold font lacks
// (Chinese), and not for Latin, which stays Fyne's; drawn, bold Chinese
// has clearly more ink than regular Chinese (Fyne alone would draw both
// with the regular CJK face it finds by rune).
func TestBoldChineseIsBold(t *testing.T) {
	if cjkBoldFile() == "" {
		t.Skip("no Noto Sans CJK Bold on this system")
	}
	var th Theme
	bold, regular := th.Font(fyne.TextStyle{Bold: true}), th.Font(fyne.TextStyle{})
	if bold == regular || bold.Name() == theme.DefaultTextBoldFont().Name() {
		t.Fatalf("bold font %q, regular %q: no CJK bold face", bold.Name(), regular.Name())
	}
	face, err := font.ParseTTF(bytes.NewReader(bold.Content()))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "中文粗体账号金额" {
		if _, ok := face.NominalGlyph(r); !ok {
			t.Errorf("the bold face has no %q", r)
		}
	}
	for _, r := range "Aa0Zz9" {
		if _, ok := face.NominalGlyph(r); ok {
			t.Errorf("the bold face has %q: Latin would change", r)
		}
	}
	// Spaces and punctuation between Chinese are shaped in this face:
	// without them it draws a missing-glyph box ("柜台 · 柜员签到").
	for _, r := range " ·,.：（）" {
		if _, ok := face.NominalGlyph(r); !ok {
			t.Errorf("the bold face has no %q", r)
		}
	}
	if face.Describe().Aspect.Weight < font.WeightBold {
		t.Errorf("the face's weight is %v", face.Describe().Aspect.Weight)
	}
	if i := th.Font(fyne.TextStyle{Bold: true, Monospace: true}); i == bold {
		t.Error("bold monospace took the CJK face")
	}

	a := test.NewTempApp(t)
	a.Settings().SetTheme(th)
	ink := func(style fyne.TextStyle) int {
		txt := canvas.NewText("中文粗体", color.Black)
		txt.TextSize = 24
		txt.TextStyle = style
		w := test.NewTempWindow(t, txt)
		w.Resize(fyne.NewSize(200, 60))
		img := w.Canvas().Capture()
		n := 0
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				if luma(img.At(x, y)) < 128 {
					n++
				}
			}
		}
		return n
	}
	r, b := ink(fyne.TextStyle{}), ink(fyne.TextStyle{Bold: true})
	if r == 0 || float64(b) < 1.2*float64(r) {
		t.Errorf("bold Chinese has %d dark pixels, regular %d: not bold", b, r)
	}
	t.Logf("ink: regular %d, bold %d", r, b)
}
