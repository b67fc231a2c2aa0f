package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is the counter's look: Fyne's default theme, always in its light
// variant (bank forms are read as paper is, and the branch lights are on),
// with a deeper blue for primary actions and slightly tighter padding so a
// full business form fits a 1280×800 screen.
type Theme struct{}

var _ fyne.Theme = Theme{}

// Color returns the light variant of the default colours.
func (Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return color.NRGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}
	case theme.ColorNameBackground:
		return color.NRGBA{R: 0xf4, G: 0xf6, B: 0xf9, A: 0xff}
	case theme.ColorNameInputBackground:
		return color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font returns the default fonts; Chinese falls back to the system's CJK
// font (Noto Sans CJK on Debian).
func (Theme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

// Icon returns the default icons.
func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size tightens the padding a little.
func (Theme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNamePadding:
		return 3
	case theme.SizeNameInnerPadding:
		return 7
	}
	return theme.DefaultTheme().Size(n)
}
