// Package cjkfont loads the Simplified Chinese face of a CJK font
// collection (Debian's fonts-noto-cjk), for the generators that draw the
// demo seal, the demo cheque and the icons.
package cjkfont
