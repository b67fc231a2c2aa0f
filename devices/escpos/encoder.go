package escpos

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Control bytes.
const (
	ESC = 0x1B
	GS  = 0x1D
	FS  = 0x1C
	DLE = 0x10
	EOT = 0x04
	ENQ = 0x05
	LF  = 0x0A
)

// Align is a text justification.
type Align byte

// Justifications for ESC a.
const (
	Left   Align = 0
	Center Align = 1
	Right  Align = 2
)

// String returns "left", "center" or "right".
func (a Align) String() string {
	switch a {
	case Left:
		return "left"
	case Center:
		return "center"
	case Right:
		return "right"
	}
	return "align(" + strconv.Itoa(int(a)) + ")"
}

// Encoder appends ESC/POS commands to a buffer. Its methods return the
// encoder so calls can be chained; the first error (a text that GB18030
// cannot encode, bad barcode data) is kept and reported by Err and Bytes.
// The zero Encoder is ready to use.
type Encoder struct {
	buf []byte
	err error
}

// Bytes returns the encoded commands and the first error met.
func (e *Encoder) Bytes() ([]byte, error) { return e.buf, e.err }

// Err returns the first error met.
func (e *Encoder) Err() error { return e.err }

// Reset empties the buffer and clears the error, keeping the storage.
func (e *Encoder) Reset() { e.buf, e.err = e.buf[:0], nil }

// Raw appends bytes as they are.
func (e *Encoder) Raw(b ...byte) *Encoder { e.buf = append(e.buf, b...); return e }

// Init resets the printer (ESC @) and selects Chinese character mode (FS &).
func (e *Encoder) Init() *Encoder { return e.Raw(ESC, '@', FS, '&') }

// Align sets the justification (ESC a n).
func (e *Encoder) Align(a Align) *Encoder { return e.Raw(ESC, 'a', byte(a)) }

// Bold turns emphasis on or off (ESC E n).
func (e *Encoder) Bold(on bool) *Encoder { return e.Raw(ESC, 'E', b2i(on)) }

// Size sets the character magnification, 1 to 8 in each direction (GS ! n).
func (e *Encoder) Size(width, height int) *Encoder {
	if width < 1 || width > 8 || height < 1 || height > 8 {
		e.fail(fmt.Errorf("escpos: size %dx%d out of 1..8", width, height))
		return e
	}
	return e.Raw(GS, '!', byte((width-1)<<4|(height-1)))
}

// Double turns double width and height on or off.
func (e *Encoder) Double(on bool) *Encoder {
	if on {
		return e.Size(2, 2)
	}
	return e.Size(1, 1)
}

// Text appends s encoded as GB18030. Control characters other than LF are
// replaced by spaces so that text can never inject a command.
func (e *Encoder) Text(s string) *Encoder {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n':
			e.buf = append(e.buf, LF)
		case r < 0x20 || r == 0x7F:
			e.buf = append(e.buf, ' ')
		case r < 0x80:
			e.buf = append(e.buf, byte(r))
		default:
			var err error
			e.buf, err = appendGB18030(e.buf, s[i:i+n])
			if err != nil {
				e.fail(fmt.Errorf("escpos: cannot encode %q as GB18030: %w", r, err))
			}
		}
		i += n
	}
	return e
}

// appendGB18030 appends the GB18030 bytes of one non-ASCII character.
func appendGB18030(dst []byte, ch string) ([]byte, error) {
	var tmp [8]byte
	n, _, err := simplifiedchinese.GB18030.NewEncoder().Transform(tmp[:], []byte(ch), true)
	if err != nil {
		return dst, err
	}
	return append(dst, tmp[:n]...), nil
}

// Line appends s and a line feed.
func (e *Encoder) Line(s string) *Encoder { return e.Text(s).Raw(LF) }

// Feed prints the buffer and feeds n lines (ESC d n).
func (e *Encoder) Feed(n int) *Encoder { return e.Raw(ESC, 'd', byte(min(max(n, 0), 255))) }

// QR prints data as a QR code (GS ( k, model 2) with module size 1..16 and
// error correction level 'L', 'M', 'Q' or 'H'.
func (e *Encoder) QR(data string, module int, level byte) *Encoder {
	lv := map[byte]byte{'L': 48, 'M': 49, 'Q': 50, 'H': 51}[level]
	if lv == 0 || module < 1 || module > 16 || len(data) == 0 || len(data) > 7089 {
		e.fail(fmt.Errorf("escpos: bad QR parameters (module %d, level %q, %d bytes)", module, level, len(data)))
		return e
	}
	e.Raw(GS, '(', 'k', 4, 0, '1', 'A', '2', 0) // model 2
	e.Raw(GS, '(', 'k', 3, 0, '1', 'C', byte(module))
	e.Raw(GS, '(', 'k', 3, 0, '1', 'E', lv)
	n := len(data) + 3
	e.Raw(GS, '(', 'k', byte(n), byte(n>>8), '1', 'P', '0')
	e.buf = append(e.buf, data...)
	return e.Raw(GS, '(', 'k', 3, 0, '1', 'Q', '0') // print
}

// Code128 prints data as a Code 128 barcode (code set B) with the digits
// printed below it (GS k 73).
func (e *Encoder) Code128(data string) *Encoder {
	if len(data) == 0 || len(data) > 253 {
		e.fail(fmt.Errorf("escpos: Code128 data of %d bytes", len(data)))
		return e
	}
	for i := 0; i < len(data); i++ {
		if data[i] < 0x20 || data[i] > 0x7E {
			e.fail(fmt.Errorf("escpos: Code128 data %q is not printable ASCII", data))
			return e
		}
	}
	e.Raw(GS, 'h', 80, GS, 'w', 2, GS, 'H', 2)
	e.Raw(GS, 'k', 73, byte(len(data)+2), '{', 'B')
	e.buf = append(e.buf, data...)
	return e
}

// Cut feeds the paper to the cutter and cuts it (GS V 66 n), fully or
// partially.
func (e *Encoder) Cut(partial bool) *Encoder {
	if partial {
		return e.Raw(GS, 'V', 66, 3)
	}
	return e.Raw(GS, 'V', 65, 3)
}

// KickDrawer pulses the cash drawer connected to pin 2 (pin 0) or pin 5
// (pin 1) for 100 ms on, 500 ms off (ESC p).
func (e *Encoder) KickDrawer(pin int) *Encoder { return e.Raw(ESC, 'p', byte(pin&1), 50, 250) }

func (e *Encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}
