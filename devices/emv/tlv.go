package emv

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// TLV is one BER-TLV data object. A constructed object (bit 6 of its first
// tag byte set) has its parsed Children; Value always holds the raw value.
type TLV struct {
	Tag      uint32 // the tag bytes as a big-endian number, e.g. 0x9F38
	Value    []byte
	Children []TLV
}

// Constructed reports whether the tag is a constructed one.
func (t TLV) Constructed() bool { return firstByte(t.Tag)&0x20 != 0 }

func firstByte(tag uint32) byte {
	for tag > 0xFF {
		tag >>= 8
	}
	return byte(tag)
}

// ErrTLV is wrapped by every parse error.
var ErrTLV = errors.New("emv: malformed TLV")

// maxDepth bounds the nesting of constructed objects.
const maxDepth = 16

// ParseTLV parses a sequence of BER-TLV objects, recursing into
// constructed ones. 0x00 and 0xFF bytes between objects are padding.
func ParseTLV(b []byte) ([]TLV, error) { return parse(b, 0) }

func parse(b []byte, depth int) ([]TLV, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrTLV, maxDepth)
	}
	var out []TLV
	for i := 0; i < len(b); {
		if b[i] == 0x00 || b[i] == 0xFF {
			i++
			continue
		}
		tag, n, err := readTag(b[i:])
		if err != nil {
			return out, fmt.Errorf("%w at offset %d", err, i)
		}
		i += n
		l, n, err := readLen(b[i:])
		if err != nil {
			return out, fmt.Errorf("%w at offset %d", err, i)
		}
		i += n
		if l > len(b)-i {
			return out, fmt.Errorf("%w: tag %X length %d exceeds the %d bytes left", ErrTLV, tag, l, len(b)-i)
		}
		t := TLV{Tag: tag, Value: b[i : i+l]}
		i += l
		if t.Constructed() {
			if t.Children, err = parse(t.Value, depth+1); err != nil {
				return out, err
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func readTag(b []byte) (tag uint32, n int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: missing tag", ErrTLV)
	}
	tag, n = uint32(b[0]), 1
	if b[0]&0x1F != 0x1F {
		return tag, n, nil
	}
	for {
		if n >= len(b) {
			return 0, 0, fmt.Errorf("%w: truncated tag", ErrTLV)
		}
		if n >= 4 {
			return 0, 0, fmt.Errorf("%w: tag longer than 4 bytes", ErrTLV)
		}
		tag = tag<<8 | uint32(b[n])
		n++
		if b[n-1]&0x80 == 0 {
			return tag, n, nil
		}
	}
}

func readLen(b []byte) (l, n int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: missing length", ErrTLV)
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, nil
	}
	k := int(b[0] & 0x7F)
	if k == 0 || k > 3 {
		return 0, 0, fmt.Errorf("%w: length form %#02x", ErrTLV, b[0])
	}
	if len(b) < 1+k {
		return 0, 0, fmt.Errorf("%w: truncated length", ErrTLV)
	}
	for _, c := range b[1 : 1+k] {
		l = l<<8 | int(c)
	}
	return l, 1 + k, nil
}

// Find returns the value of the first object with the tag, searching
// depth first.
func Find(tlvs []TLV, tag uint32) ([]byte, bool) {
	for _, t := range tlvs {
		if t.Tag == tag {
			return t.Value, true
		}
		if v, ok := Find(t.Children, tag); ok {
			return v, true
		}
	}
	return nil, false
}

// FindAll returns every object with the tag, depth first.
func FindAll(tlvs []TLV, tag uint32) []TLV {
	var out []TLV
	for _, t := range tlvs {
		if t.Tag == tag {
			out = append(out, t)
		}
		out = append(out, FindAll(t.Children, tag)...)
	}
	return out
}

// AppendTLV appends the encoding of one object with a primitive value.
func AppendTLV(dst []byte, tag uint32, value []byte) []byte {
	switch {
	case tag > 0xFFFFFF:
		dst = append(dst, byte(tag>>24), byte(tag>>16), byte(tag>>8), byte(tag))
	case tag > 0xFFFF:
		dst = append(dst, byte(tag>>16), byte(tag>>8), byte(tag))
	case tag > 0xFF:
		dst = append(dst, byte(tag>>8), byte(tag))
	default:
		dst = append(dst, byte(tag))
	}
	switch l := len(value); {
	case l < 0x80:
		dst = append(dst, byte(l))
	case l < 0x100:
		dst = append(dst, 0x81, byte(l))
	default:
		dst = append(dst, 0x82, byte(l>>8), byte(l))
	}
	return append(dst, value...)
}

// DOLEntry is one entry of a data object list (PDOL, CDOL): a tag and the
// length the card wants for it.
type DOLEntry struct {
	Tag uint32
	Len int
}

// ParseDOL parses a data object list.
func ParseDOL(b []byte) ([]DOLEntry, error) {
	var out []DOLEntry
	for i := 0; i < len(b); {
		tag, n, err := readTag(b[i:])
		if err != nil {
			return out, err
		}
		i += n
		l, n, err := readLen(b[i:])
		if err != nil {
			return out, err
		}
		i += n
		out = append(out, DOLEntry{Tag: tag, Len: l})
	}
	return out, nil
}

// String renders the objects as an indented tree, one object a line, for
// golden files: "6F\n  84 325041592E5359532E4444463031".
func String(tlvs []TLV) string {
	var b strings.Builder
	var walk func([]TLV, int)
	walk = func(ts []TLV, depth int) {
		for _, t := range ts {
			b.WriteString(strings.Repeat("  ", depth))
			fmt.Fprintf(&b, "%X", t.Tag)
			if !t.Constructed() {
				b.WriteString(" " + strings.ToUpper(hex.EncodeToString(t.Value)))
			}
			b.WriteByte('\n')
			walk(t.Children, depth+1)
		}
	}
	walk(tlvs, 0)
	return b.String()
}
