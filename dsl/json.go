package dsl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// jvalue is a JSON value with the byte offset where it starts, so that every
// problem found later can be located. Objects keep their members in input
// order. The tokenizer is jsontext's; this file only records offsets.
type jvalue struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	off  int

	parent *jvalue // the enclosing object or array; nil at the top
	name   string  // member name in the parent object
	index  int     // element index in the parent array

	keys    []string  // object member names, in input order
	keyOffs []int     // offsets of the member names
	vals    []*jvalue // object member values, or array elements

	str  string      // 's'
	num  json.Number // 'n'
	bool bool        // 'b'
}

func (v *jvalue) kindName() string {
	switch v.kind {
	case 'o':
		return "object"
	case 'a':
		return "array"
	case 's':
		return "string"
	case 'n':
		return "number"
	case 'b':
		return "boolean"
	}
	return "null"
}

// pointer is the RFC 6901 pointer of v, built on demand (only errors need it).
func (v *jvalue) pointer() string {
	if v.parent == nil {
		return ""
	}
	if v.parent.kind == 'o' {
		return v.parent.pointer() + pointer(v.name)
	}
	return v.parent.pointer() + "/" + strconv.Itoa(v.index)
}

// at follows a JSON pointer down from v as far as it goes, returning the
// deepest value reached.
func (v *jvalue) at(ptr string) *jvalue {
	for ptr != "" {
		ptr = ptr[1:]
		tok := ptr
		if i := strings.IndexByte(ptr, '/'); i >= 0 {
			tok, ptr = ptr[:i], ptr[i:]
		} else {
			ptr = ""
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		var next *jvalue
		switch v.kind {
		case 'o':
			next = v.member(tok)
		case 'a':
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(v.vals) {
				next = v.vals[i]
			}
		}
		if next == nil {
			return v
		}
		v = next
	}
	return v
}

// member returns the value of an object member, or nil.
func (v *jvalue) member(key string) *jvalue {
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// generic converts the value to the plain Go form used in props:
// map[string]any, []any, string, json.Number, bool or nil.
func (v *jvalue) generic() any {
	switch v.kind {
	case 'o':
		m := make(map[string]any, len(v.keys))
		for i, k := range v.keys {
			m[k] = v.vals[i].generic()
		}
		return m
	case 'a':
		a := make([]any, len(v.vals))
		for i, e := range v.vals {
			a[i] = e.generic()
		}
		return a
	case 's':
		return v.str
	case 'n':
		return v.num
	case 'b':
		return v.bool
	}
	return nil
}

// syntaxError is a JSON syntax problem with its offset.
type syntaxError struct {
	off int
	ptr string // pointer of the innermost container around the problem
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// parseJSON reads exactly one JSON value from data with jsontext, which is
// strict (RFC 8259 and 7493: valid UTF-8, no duplicate member names) and
// does not allocate per token. It records where each value starts.
func parseJSON(data []byte) (*jvalue, error) {
	p := &jparser{data: data, dec: jsontext.NewDecoder(bytes.NewReader(data))}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if _, err := p.dec.ReadToken(); err != io.EOF {
		return nil, &syntaxError{off: p.start(), msg: "unexpected data after the top-level value"}
	}
	return v, nil
}

type jparser struct {
	data  []byte
	dec   *jsontext.Decoder
	depth int
}

const maxDepth = 200

// start is the offset of the next token: the decoder's position moved past
// white space and the separators ',' and ':'.
func (p *jparser) start() int {
	i := int(p.dec.InputOffset())
	for i < len(p.data) {
		switch p.data[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

func (p *jparser) token() (jsontext.Token, int, error) {
	off := p.start()
	t, err := p.dec.ReadToken()
	if err != nil {
		var se *jsontext.SyntacticError
		switch {
		case errors.As(err, &se):
			msg := se.Err.Error()
			switch {
			case errors.Is(se.Err, io.ErrUnexpectedEOF):
				msg = "unexpected end of input"
			case errors.Is(se.Err, jsontext.ErrDuplicateName):
				msg = fmt.Sprintf("duplicate key %q: a form must not say two things at once", se.JSONPointer.LastToken())
			}
			return t, int(se.ByteOffset), &syntaxError{off: int(se.ByteOffset), ptr: string(se.JSONPointer), msg: msg}
		case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
			return t, len(p.data), &syntaxError{off: len(p.data), msg: "unexpected end of input"}
		}
		return t, off, &syntaxError{off: off, msg: err.Error()}
	}
	return t, off, nil
}

func (p *jparser) value() (*jvalue, error) {
	t, off, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.valueFrom(t, off)
}

func (p *jparser) valueFrom(t jsontext.Token, off int) (*jvalue, error) {
	switch t.Kind() {
	case '{', '[':
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, &syntaxError{off: off, ptr: string(p.dec.StackPointer()), msg: fmt.Sprintf("nesting deeper than %d", maxDepth)}
		}
		if t.Kind() == '{' {
			return p.object(off)
		}
		return p.array(off)
	case '"':
		return &jvalue{kind: 's', off: off, str: t.String()}, nil
	case '0':
		return &jvalue{kind: 'n', off: off, num: json.Number(t.String())}, nil
	case 't', 'f':
		return &jvalue{kind: 'b', off: off, bool: t.Bool()}, nil
	case 'n':
		return &jvalue{kind: 'z', off: off}, nil
	}
	return nil, &syntaxError{off: off, msg: fmt.Sprintf("unexpected %v", t.Kind())}
}

func (p *jparser) object(off int) (*jvalue, error) {
	v := &jvalue{kind: 'o', off: off}
	for {
		t, koff, err := p.token()
		if err != nil {
			return nil, err
		}
		if t.Kind() == '}' {
			return v, nil
		}
		k := t.String() // jsontext has checked that a name is a string, and unique
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		e.parent, e.name = v, k
		v.keys = append(v.keys, k)
		v.keyOffs = append(v.keyOffs, koff)
		v.vals = append(v.vals, e)
	}
}

func (p *jparser) array(off int) (*jvalue, error) {
	v := &jvalue{kind: 'a', off: off}
	for {
		t, eoff, err := p.token()
		if err != nil {
			return nil, err
		}
		if t.Kind() == ']' {
			return v, nil
		}
		e, err := p.valueFrom(t, eoff)
		if err != nil {
			return nil, err
		}
		e.parent, e.index = v, len(v.vals)
		v.vals = append(v.vals, e)
	}
}
