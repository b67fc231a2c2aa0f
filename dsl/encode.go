package dsl

import (
	"encoding/json"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Encode writes the canonical form of f: known keys in schema order, then
// unknown keys in byte order; two-space indent; objects and arrays of plain
// values on one line when that line stays short; empty props, rules and
// children left out; no HTML escaping; a final newline. Decoding canonical
// bytes and encoding again gives the same bytes.
func Encode(f *Form) []byte {
	e := &encoder{}
	e.value(formObject(f), 0)
	e.b = append(e.b, '\n')
	return e.b
}

// EncodeNode writes one node canonically, as it appears inside a form.
func EncodeNode(n *Node) []byte {
	e := &encoder{}
	e.value(nodeObject(n), 0)
	return e.b
}

// member and object keep keys in the order they are written.
type member struct {
	k string
	v any
}

type object []member

func textObject(t Text) object {
	o := object{}
	if t.Zh != "" {
		o = append(o, member{"zh", t.Zh})
	}
	if t.En != "" {
		o = append(o, member{"en", t.En})
	}
	return o
}

func withExtra(o object, extra map[string]any) object {
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		o = append(o, member{k, extra[k]})
	}
	return o
}

func formObject(f *Form) object {
	o := object{{"dsl", f.DSL}, {"id", f.ID}, {"version", f.Version}}
	if f.Code != "" {
		o = append(o, member{"code", f.Code})
	}
	if !f.Title.IsZero() {
		o = append(o, member{"title", textObject(f.Title)})
	}
	if f.Root != nil {
		o = append(o, member{"root", nodeObject(f.Root)})
	}
	if s := f.Submit; s != nil {
		so := object{{"txn", s.Txn}}
		if s.Confirm {
			so = append(so, member{"confirm", true})
		}
		if a := s.Authorize; a != nil {
			so = append(so, member{"authorize", object{{"when", a.When}, {"role", a.Role}}})
		}
		if s.Receipt != "" {
			so = append(so, member{"receipt", s.Receipt})
		}
		o = append(o, member{"submit", withExtra(so, s.Extra)})
	}
	return withExtra(o, f.Extra)
}

func nodeObject(n *Node) object {
	o := object{{"id", n.ID}, {"type", n.Type}}
	for _, m := range []member{{"bind", n.Bind}, {"value", n.Value}, {"visibleWhen", n.VisibleWhen}, {"enabledWhen", n.EnabledWhen}} {
		if m.v != "" {
			o = append(o, m)
		}
	}
	if len(n.Props) > 0 {
		o = append(o, member{"props", n.Props})
	}
	if len(n.Rules) > 0 {
		rules := make([]any, len(n.Rules))
		for i, r := range n.Rules {
			ro := object{{r.Kind, r.Arg}}
			if !r.Message.IsZero() {
				ro = append(ro, member{"message", textObject(r.Message)})
			}
			rules[i] = ro
		}
		o = append(o, member{"rules", rules})
	}
	if len(n.Children) > 0 {
		children := make([]any, len(n.Children))
		for i, c := range n.Children {
			children[i] = nodeObject(c)
		}
		o = append(o, member{"children", children})
	}
	return withExtra(o, n.Extra)
}

type encoder struct {
	b []byte
}

const inlineWidth = 100

func (e *encoder) newline(indent int) {
	e.b = append(e.b, '\n')
	for i := 0; i < indent; i++ {
		e.b = append(e.b, ' ', ' ')
	}
}

func (e *encoder) value(v any, indent int) {
	switch x := v.(type) {
	case object:
		e.object(x, indent)
	case map[string]any:
		e.object(sortedObject(x), indent)
	case Text:
		e.object(textObject(x), indent)
	case []any:
		e.array(x, indent)
	default:
		e.scalar(v)
	}
}

func (e *encoder) object(o object, indent int) {
	if len(o) == 0 {
		e.b = append(e.b, "{}"...)
		return
	}
	if e.tryInline(o, indent) {
		return
	}
	e.b = append(e.b, '{')
	for i, m := range o {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(indent + 1)
		e.string(m.k)
		e.b = append(e.b, ':', ' ')
		e.value(m.v, indent+1)
	}
	e.newline(indent)
	e.b = append(e.b, '}')
}

func (e *encoder) array(a []any, indent int) {
	if len(a) == 0 {
		e.b = append(e.b, "[]"...)
		return
	}
	if e.tryInline(a, indent) {
		return
	}
	e.b = append(e.b, '[')
	for i, v := range a {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(indent + 1)
		e.value(v, indent+1)
	}
	e.newline(indent)
	e.b = append(e.b, ']')
}

// tryInline writes a container of plain values on one line if it is short.
func (e *encoder) tryInline(v any, indent int) bool {
	start := len(e.b)
	if !e.inline(v) || len(e.b)-start+2*indent > inlineWidth {
		e.b = e.b[:start]
		return false
	}
	return true
}

// inline writes v on one line; it fails on a container holding containers
// (other than texts).
func (e *encoder) inline(v any) bool {
	switch x := v.(type) {
	case object:
		e.b = append(e.b, '{')
		for i, m := range x {
			if i > 0 {
				e.b = append(e.b, ',', ' ')
			}
			e.string(m.k)
			e.b = append(e.b, ':', ' ')
			if !e.inlineLeaf(m.v) {
				return false
			}
		}
		e.b = append(e.b, '}')
	case map[string]any:
		return e.inline(sortedObject(x))
	case []any:
		e.b = append(e.b, '[')
		for i, el := range x {
			if i > 0 {
				e.b = append(e.b, ',', ' ')
			}
			if !e.inlineLeaf(el) {
				return false
			}
		}
		e.b = append(e.b, ']')
	}
	return true
}

// inlineLeaf writes a scalar, or a text object of scalars, inline.
func (e *encoder) inlineLeaf(v any) bool {
	switch x := v.(type) {
	case object, map[string]any:
		if !isFlat(x) {
			return false
		}
		return e.inline(x)
	case Text:
		return e.inline(textObject(x))
	case []any:
		return false
	}
	e.scalar(v)
	return true
}

func isFlat(v any) bool {
	switch x := v.(type) {
	case object:
		for _, m := range x {
			if !isScalar(m.v) {
				return false
			}
		}
	case map[string]any:
		for _, m := range x {
			if !isScalar(m) {
				return false
			}
		}
	}
	return true
}

func isScalar(v any) bool {
	switch v.(type) {
	case object, map[string]any, []any, Text:
		return false
	}
	return true
}

func (e *encoder) scalar(v any) {
	switch x := v.(type) {
	case nil:
		e.b = append(e.b, "null"...)
	case string:
		e.string(x)
	case bool:
		e.b = strconv.AppendBool(e.b, x)
	case json.Number:
		if x == "" {
			e.b = append(e.b, '0')
		} else {
			e.b = append(e.b, x...)
		}
	case int:
		e.b = strconv.AppendInt(e.b, int64(x), 10)
	case int64:
		e.b = strconv.AppendInt(e.b, x, 10)
	case float64:
		e.b = strconv.AppendFloat(e.b, x, 'g', -1, 64)
	default:
		// Values of other Go types come only from code, never from JSON;
		// write them as encoding/json would.
		raw, err := json.Marshal(x)
		if err != nil {
			raw = []byte("null")
		}
		e.b = append(e.b, raw...)
	}
}

const hexDigits = "0123456789abcdef"

// string writes s as a JSON string, escaping only what JSON requires.
func (e *encoder) string(s string) {
	e.b = append(e.b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				e.b = append(e.b, '\\', c)
			case c == '\n':
				e.b = append(e.b, '\\', 'n')
			case c == '\r':
				e.b = append(e.b, '\\', 'r')
			case c == '\t':
				e.b = append(e.b, '\\', 't')
			case c < 0x20:
				e.b = append(e.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				e.b = append(e.b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.b = append(e.b, `\ufffd`...)
		} else {
			e.b = append(e.b, s[i:i+size]...)
		}
		i += size
	}
	e.b = append(e.b, '"')
}

// sortedObject orders a map's keys: "zh" then "en" (so texts read Chinese
// first), then the rest in byte order.
func sortedObject(m map[string]any) object {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		switch k {
		case "zh":
			return 0
		case "en":
			return 1
		}
		return 2
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(keys[i]), rank(keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	o := make(object, len(keys))
	for i, k := range keys {
		o[i] = member{k, m[k]}
	}
	return o
}
