// Package screenshot holds what the teller's and the designer's screenshot
// runs share: the X server's picture of the screen (Capture, through
// ImageMagick's import: GL read-back under software rendering gives a
// black frame) and the layout check of a window (CheckLayout: anything
// squeezed, cut, overlapping or outside the window).
package screenshot
