package escpos

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Item is one element of a decoded ESC/POS stream: either a line of text
// (Text set, with the attributes in force when it was printed) or a
// command (Cmd set, e.g. "init", "align", "cut", "qr", "status").
type Item struct {
	Cmd  string // command name; empty for a text line
	Arg  []byte // command argument bytes (QR/barcode data, status function...)
	Text string // a printed line, decoded from GB18030, without the LF

	Align  Align // attributes of a text line
	Bold   bool
	Width  int // magnification, 1..8
	Height int
}

// String renders the item for golden files: "text[center,bold,2x2] ..." or
// "cmd name arg".
func (it Item) String() string {
	if it.Cmd == "" {
		attrs := it.Align.String()
		if it.Bold {
			attrs += ",bold"
		}
		if it.Width > 1 || it.Height > 1 {
			attrs += fmt.Sprintf(",%dx%d", it.Width, it.Height)
		}
		return fmt.Sprintf("text[%s] %s", attrs, it.Text)
	}
	if len(it.Arg) == 0 {
		return "cmd " + it.Cmd
	}
	if it.Cmd == "qr" || it.Cmd == "code128" {
		return fmt.Sprintf("cmd %s %s", it.Cmd, it.Arg)
	}
	return fmt.Sprintf("cmd %s % x", it.Cmd, it.Arg)
}

// ErrUnknownCommand is wrapped by Decoder errors for a command it does not
// know; decoding cannot resynchronise after it.
var ErrUnknownCommand = errors.New("escpos: unknown command")

// Decoder reads an ESC/POS byte stream back into [Item]s, as a printer
// would execute it. It knows the commands [Encoder] writes, DLE EOT and
// DLE ENQ.
type Decoder struct {
	r      *bufio.Reader
	line   []byte
	align  Align
	bold   bool
	w, h   int
	qr     []byte
	queued []Item
}

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReader(r), w: 1, h: 1}
}

// Decode decodes a whole buffer; a trailing unterminated line is returned
// as a text item.
func Decode(b []byte) ([]Item, error) {
	d := NewDecoder(strings.NewReader(string(b)))
	var out []Item
	for {
		it, err := d.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, it)
	}
}

// Next returns the next item. At the end of the stream a pending partial
// line is returned first, then io.EOF. A stream cut inside a command gives
// io.ErrUnexpectedEOF.
func (d *Decoder) Next() (Item, error) {
	if len(d.queued) > 0 {
		it := d.queued[0]
		d.queued = d.queued[1:]
		return it, nil
	}
	for {
		c, err := d.r.ReadByte()
		if err == io.EOF {
			if len(d.line) > 0 {
				return d.flush(), nil
			}
			return Item{}, io.EOF
		}
		if err != nil {
			return Item{}, err
		}
		switch c {
		case LF:
			return d.flush(), nil
		case ESC, GS, FS, DLE:
			it, err := d.command(c)
			if err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return Item{}, err
			}
			// A command that ends a line (cut, feed) prints the pending text first.
			if len(d.line) > 0 && (it.Cmd == "cut" || it.Cmd == "feed" || it.Cmd == "qr" || it.Cmd == "code128" || it.Cmd == "init") {
				d.queued = append(d.queued, it)
				return d.flush(), nil
			}
			return it, nil
		default:
			if c < 0x20 {
				continue // other control characters print nothing
			}
			d.line = append(d.line, c)
		}
	}
}

func (d *Decoder) flush() Item {
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(d.line)
	if err != nil {
		text = d.line
	}
	d.line = d.line[:0]
	return Item{Text: string(text), Align: d.align, Bold: d.bold, Width: d.w, Height: d.h}
}

func (d *Decoder) bytes(n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := io.ReadFull(d.r, b)
	return b, err
}

func (d *Decoder) command(c byte) (Item, error) {
	op, err := d.r.ReadByte()
	if err != nil {
		return Item{}, err
	}
	arg := func(n int) ([]byte, error) { return d.bytes(n) }
	unknown := func() (Item, error) {
		return Item{}, fmt.Errorf("%w %#02x %#02x", ErrUnknownCommand, c, op)
	}
	switch c {
	case ESC:
		switch op {
		case '@':
			d.align, d.bold, d.w, d.h = Left, false, 1, 1
			return Item{Cmd: "init"}, nil
		case 'a':
			a, err := arg(1)
			if err != nil {
				return Item{}, err
			}
			d.align = Align(a[0] % 3)
			if a[0] >= '0' && a[0] <= '2' {
				d.align = Align(a[0] - '0')
			}
			return Item{Cmd: "align", Arg: a}, nil
		case 'E':
			a, err := arg(1)
			if err != nil {
				return Item{}, err
			}
			d.bold = a[0]&1 == 1
			return Item{Cmd: "bold", Arg: a}, nil
		case 'd':
			a, err := arg(1)
			return Item{Cmd: "feed", Arg: a}, err
		case 'p':
			a, err := arg(3)
			return Item{Cmd: "drawer", Arg: a}, err
		}
	case GS:
		switch op {
		case '!':
			a, err := arg(1)
			if err != nil {
				return Item{}, err
			}
			d.w, d.h = int(a[0]>>4&7)+1, int(a[0]&7)+1
			return Item{Cmd: "size", Arg: a}, nil
		case 'V':
			m, err := arg(1)
			if err != nil {
				return Item{}, err
			}
			if m[0] == 65 || m[0] == 66 {
				n, err := arg(1)
				if err != nil {
					return Item{}, err
				}
				m = append(m, n...)
			}
			return Item{Cmd: "cut", Arg: m}, nil
		case 'h', 'w', 'H':
			a, err := arg(1)
			return Item{Cmd: "barcode-" + string(op), Arg: a}, err
		case 'k':
			m, err := arg(1)
			if err != nil {
				return Item{}, err
			}
			if m[0] != 73 {
				return unknown()
			}
			n, err := arg(1)
			if err != nil {
				return Item{}, err
			}
			data, err := arg(int(n[0]))
			if err != nil {
				return Item{}, err
			}
			if len(data) >= 2 && data[0] == '{' {
				data = data[2:]
			}
			return Item{Cmd: "code128", Arg: data}, nil
		case '(':
			k, err := arg(3)
			if err != nil {
				return Item{}, err
			}
			if k[0] != 'k' {
				return unknown()
			}
			body, err := arg(int(k[1]) | int(k[2])<<8)
			if err != nil {
				return Item{}, err
			}
			if len(body) < 2 || body[0] != '1' {
				return Item{Cmd: "2d", Arg: body}, nil
			}
			switch body[1] {
			case 'P':
				d.qr = nil
				if len(body) >= 3 {
					d.qr = body[3:]
				}
				return Item{Cmd: "qr-store", Arg: d.qr}, nil
			case 'Q':
				return Item{Cmd: "qr", Arg: d.qr}, nil
			default:
				return Item{Cmd: "qr-" + string(body[1]), Arg: body[2:]}, nil
			}
		}
	case FS:
		switch op {
		case '&':
			return Item{Cmd: "chinese-on"}, nil
		case '.':
			return Item{Cmd: "chinese-off"}, nil
		}
	case DLE:
		switch op {
		case EOT:
			a, err := arg(1)
			return Item{Cmd: "status", Arg: a}, err
		case ENQ:
			a, err := arg(1)
			return Item{Cmd: "recover", Arg: a}, err
		}
	}
	return unknown()
}
