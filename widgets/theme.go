package widgets

import (
	"errors"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The values of Theme.Variant.
const (
	// VariantLight is the light look, also chosen by the empty Variant.
	VariantLight = "light"
	// VariantDark is the dark look, for dim counters and tired eyes.
	VariantDark = "dark"
	// VariantSystem follows the light or dark setting of the desktop.
	VariantSystem = "system"
)

// MinScale and MaxScale bound Theme.Scale.
const (
	MinScale = 1.0
	MaxScale = 2.0
)

// ErrBadTheme is what ParseTheme wraps when the variant or the scale is not
// one it knows.
var ErrBadTheme = errors.New("widgets: bad theme")

// Theme is the counter's look: Fyne's default theme with a deeper blue for
// primary actions and slightly tighter padding so a full business form fits
// a 1280×800 screen.
//
// The zero value is the light variant at scale 1 (bank forms are read as
// paper is, and the branch lights are on). Variant picks VariantDark or
// VariantSystem instead; Scale enlarges the text, and the icons inline with
// it, for tellers and customers who need larger print. Padding grows by
// half as much as the text, so a form keeps its shape and still fits.
type Theme struct {
	// Variant is VariantLight (or ""), VariantDark or VariantSystem.
	Variant string
	// Scale multiplies the text sizes, from MinScale to MaxScale; 0 (and
	// anything below MinScale) means 1, anything above MaxScale means
	// MaxScale.
	Scale float32
}

var _ fyne.Theme = Theme{}

// ParseTheme returns the theme of a variant name ("", "light", "dark" or
// "system") and a text scale (0 for 1, else 1.0 to 2.0), as a flag or a
// settings file gives them. Anything else is an error wrapping ErrBadTheme.
func ParseTheme(variant string, scale float64) (Theme, error) {
	switch variant {
	case "", VariantLight, VariantDark, VariantSystem:
	default:
		return Theme{}, fmt.Errorf("%w: variant %q is not light, dark or system", ErrBadTheme, variant)
	}
	if scale != 0 && (scale < MinScale || scale > MaxScale) {
		return Theme{}, fmt.Errorf("%w: scale %g is not between %g and %g", ErrBadTheme, scale, MinScale, MaxScale)
	}
	return Theme{Variant: variant, Scale: float32(scale)}, nil
}

// variant returns the Fyne variant to draw in: the fixed one, or for
// VariantSystem the one Fyne asks for (the desktop's setting).
func (t Theme) variant(asked fyne.ThemeVariant) fyne.ThemeVariant {
	switch t.Variant {
	case VariantDark:
		return theme.VariantDark
	case VariantSystem:
		return asked
	}
	return theme.VariantLight
}

// scale returns Scale clamped to [MinScale, MaxScale].
func (t Theme) scale() float32 {
	return min(max(t.Scale, MinScale), MaxScale)
}

// The colours that differ from Fyne's default theme, per variant.
var (
	lightColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNamePrimary:         color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff},
		theme.ColorNameBackground:      color.NRGBA{R: 0xf4, G: 0xf6, B: 0xf9, A: 0xff},
		theme.ColorNameInputBackground: color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff},
	}
	// darkColors keep the bank blue, lightened so it reads on dark grey
	// (and still carries white button text), and lift the input and
	// group-box background off the window so fields stand out. The hint
	// line under a field (大写, "(卡)") is drawn in the placeholder colour:
	// it is lighter than Fyne's default so small text stays readable.
	darkColors = map[fyne.ThemeColorName]color.Color{
		theme.ColorNamePrimary:         color.NRGBA{R: 0x3d, G: 0x7f, B: 0xe0, A: 0xff},
		theme.ColorNameBackground:      color.NRGBA{R: 0x1c, G: 0x1f, B: 0x24, A: 0xff},
		theme.ColorNameInputBackground: color.NRGBA{R: 0x2a, G: 0x2e, B: 0x35, A: 0xff},
		theme.ColorNamePlaceHolder:     color.NRGBA{R: 0xb8, G: 0xbe, B: 0xc8, A: 0xff},
		theme.ColorNameSeparator:       color.NRGBA{R: 0x44, G: 0x4a, B: 0x54, A: 0xff},
		theme.ColorNameError:           color.NRGBA{R: 0xff, G: 0x6b, B: 0x5e, A: 0xff},
	}
)

// Color returns the colour of n in the theme's variant; v, the variant Fyne
// asks for, is followed only by VariantSystem.
func (t Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	v = t.variant(v)
	table := lightColors
	if v == theme.VariantDark {
		table = darkColors
	}
	if c, ok := table[n]; ok {
		return c
	}
	return theme.DefaultTheme().Color(n, v)
}

// Font returns the default fonts; Chinese falls back to the system's CJK
// font (Noto Sans CJK on Debian), which Fyne looks up by rune in the
// regular weight only. Bold text therefore gets Noto Sans CJK Bold, when
// the system has it, for the runes the default bold font lacks (see
// cjkBold): bold Chinese is bold, and bold Latin is what it was.
func (Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Bold && !s.Monospace && !s.Symbol {
		if r := cjkBold(); r != nil {
			return r
		}
	}
	return theme.DefaultTheme().Font(s)
}

// Icon returns the default icons.
func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size tightens the padding a little and scales the text sizes by Scale.
// The inline icons and the line spacing follow the text; the padding grows
// by half the scale; borders, radii and scroll bars stay as they are.
func (t Theme) Size(n fyne.ThemeSizeName) float32 {
	s := t.scale()
	switch n {
	case theme.SizeNamePadding:
		return 3 * (1 + (s-1)/2)
	case theme.SizeNameInnerPadding:
		return 7 * (1 + (s-1)/2)
	case theme.SizeNameText, theme.SizeNameCaptionText, theme.SizeNameHeadingText,
		theme.SizeNameSubHeadingText, theme.SizeNameInlineIcon, theme.SizeNameLineSpacing:
		return theme.DefaultTheme().Size(n) * s
	}
	return theme.DefaultTheme().Size(n)
}
