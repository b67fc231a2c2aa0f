package dsl

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Decode reads a form from JSON, migrating older schema versions, and checks
// it. It reports every problem it finds, not just the first, as an ErrorList
// whose entries carry a JSON pointer and line:column. A form that decodes
// without error has its expressions compiled (see Form.Program).
func Decode(data []byte) (*Form, error) {
	f, errs := DecodeLenient(data)
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// DecodeLenient reads a form as Decode does but keeps a form that is only
// invalid: when the JSON is well-formed and every value has the right shape,
// it returns the form together with its validation problems (located as
// Decode locates them), so an editor can hold a form on its way to a valid
// one. On a syntax, shape or migration error the form is nil (the list
// then also holds any validation problems found). Form.Program of a
// form returned with problems fails when an expression is among them.
func DecodeLenient(data []byte) (*Form, ErrorList) {
	f, errs := decodeLenient(data)
	if len(errs) == 0 {
		errs = nil
	}
	return f, errs
}

func decodeLenient(data []byte) (*Form, ErrorList) {
	root, err := parseJSON(data)
	if err != nil {
		var se *syntaxError
		errors.As(err, &se)
		line, col := lineCol(data, se.off)
		return nil, ErrorList{{Code: CodeSyntax, Pointer: se.ptr, Line: line, Column: col, Msg: se.msg, offset: se.off}}
	}
	migrated, from, err := migrate(root)
	if err != nil {
		var el ErrorList
		if errors.As(err, &el) {
			locate(el, data, nil)
			return nil, el
		}
		return nil, ErrorList{{Code: CodeBadVersion, Msg: err.Error(), offset: -1}}
	}
	if migrated != nil {
		// Locations then refer to the migrated text (keys in byte order),
		// not the file as written; the message says so.
		f, errs := decodeLenient(migrated)
		for _, e := range errs {
			e.Msg += fmt.Sprintf(" (in the form as migrated from %s)", schemaName(from))
		}
		return f, errs
	}
	d := &decoder{}
	f := d.form(root)
	errs := d.errs
	if f != nil {
		errs = append(errs, validate(f)...)
	}
	locate(errs, data, root)
	if len(d.errs) > 0 || f == nil {
		return nil, errs
	}
	return f, errs
}

// Locate returns the 1-based line and column in data of the JSON value a
// pointer names (RFC 6901, "" for the whole document), or of the deepest
// value on the way to it when the pointer goes further than data does. It
// returns 0, 0 when data is not well-formed JSON.
func Locate(data []byte, pointer string) (line, col int) {
	root, err := parseJSON(data)
	if err != nil {
		return 0, 0
	}
	return lineCol(data, root.at(pointer).off)
}

// locate fills Line and Column of each error from its offset or, for an
// error found after decoding, from the value its pointer names (or the
// deepest value on the way to it) in the parsed input.
func locate(errs ErrorList, data []byte, root *jvalue) {
	for _, e := range errs {
		if e.offset < 0 && root != nil {
			e.offset = root.at(e.Pointer).off
		}
		if e.offset >= 0 {
			e.Line, e.Column = lineCol(data, e.offset+rawLen(data[min(e.offset, len(data)):], e.inner))
		}
	}
	errs.sort()
}

// rawLen returns how many bytes of raw JSON text hold the first n
// characters of a string token (its opening quote counting as one): an
// escape such as \" or \u4e2d is one character of several bytes, and so is
// a multi-byte UTF-8 sequence.
func rawLen(raw []byte, n int) int {
	i := 0
	for ; n > 0 && i < len(raw); n-- {
		switch {
		case raw[i] == '\\' && i+1 < len(raw) && raw[i+1] == 'u':
			i += 6
			// A surrogate pair is one character in two escapes.
			if i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' && i >= 6 && raw[i-4] == 'd' {
				i += 6
			}
		case raw[i] == '\\':
			i += 2
		default:
			_, size := utf8.DecodeRune(raw[i:])
			i += size
		}
	}
	return min(i, len(raw))
}

// decoder turns the parsed tree into typed values, collecting every JSON
// shape problem. Pointers are built only for the values that have one.
type decoder struct {
	errs ErrorList
}

func (d *decoder) errorf(code Code, v *jvalue, format string, args ...any) {
	d.errs = append(d.errs, &Error{Code: code, Pointer: v.pointer(), Msg: fmt.Sprintf(format, args...), offset: v.off})
}

// keyError reports a problem with member i of object v, at the member name.
func (d *decoder) keyError(code Code, v *jvalue, i int, format string, args ...any) {
	d.errs = append(d.errs, &Error{Code: code, Pointer: v.pointer() + pointer(v.keys[i]), Msg: fmt.Sprintf(format, args...), offset: v.keyOffs[i]})
}

// expect reports a wrong JSON type unless v is of kind k.
func (d *decoder) expect(v *jvalue, k byte) bool {
	if v.kind == k {
		return true
	}
	want := (&jvalue{kind: k}).kindName()
	d.errorf(CodeType, v, "want %s, got %s", want, v.kindName())
	return false
}

func (d *decoder) str(v *jvalue) string {
	if d.expect(v, 's') {
		return v.str
	}
	return ""
}

func (d *decoder) boolean(v *jvalue) bool {
	if d.expect(v, 'b') {
		return v.bool
	}
	return false
}

func (d *decoder) text(v *jvalue) Text {
	var t Text
	if !d.expect(v, 'o') {
		return t
	}
	for i, k := range v.keys {
		switch k {
		case "zh":
			t.Zh = d.str(v.vals[i])
		case "en":
			t.En = d.str(v.vals[i])
		default:
			d.keyError(CodeUnknownKey, v, i, "unknown language %q: a text has \"zh\" and \"en\"", k)
		}
	}
	return t
}

func (d *decoder) form(v *jvalue) *Form {
	if !d.expect(v, 'o') {
		return nil
	}
	f := &Form{}
	for i, k := range v.keys {
		e := v.vals[i]
		switch k {
		case "dsl":
			f.DSL = d.str(e)
		case "id":
			f.ID = d.str(e)
		case "version":
			f.Version = d.str(e)
		case "code":
			f.Code = d.str(e)
		case "title":
			f.Title = d.text(e)
		case "root":
			f.Root = d.node(e)
		case "submit":
			f.Submit = d.submit(e)
		default:
			if f.Extra == nil {
				f.Extra = map[string]any{}
			}
			f.Extra[k] = e.generic()
		}
	}
	return f
}

func (d *decoder) node(v *jvalue) *Node {
	if !d.expect(v, 'o') {
		return nil
	}
	n := &Node{}
	for i, k := range v.keys {
		e := v.vals[i]
		switch k {
		case "id":
			n.ID = d.str(e)
		case "type":
			n.Type = d.str(e)
		case "bind":
			n.Bind = d.str(e)
		case "value":
			n.Value = d.str(e)
		case "visibleWhen":
			n.VisibleWhen = d.str(e)
		case "enabledWhen":
			n.EnabledWhen = d.str(e)
		case "props":
			if d.expect(e, 'o') {
				n.Props, _ = e.generic().(map[string]any)
			}
		case "rules":
			if d.expect(e, 'a') {
				n.Rules = make([]Rule, 0, len(e.vals))
				for _, r := range e.vals {
					n.Rules = append(n.Rules, d.rule(r))
				}
			}
		case "children":
			if d.expect(e, 'a') {
				n.Children = make([]*Node, 0, len(e.vals))
				for _, c := range e.vals {
					if cn := d.node(c); cn != nil {
						n.Children = append(n.Children, cn)
					}
				}
			}
		default:
			if n.Extra == nil {
				n.Extra = map[string]any{}
			}
			n.Extra[k] = e.generic()
		}
	}
	return n
}

func (d *decoder) rule(v *jvalue) Rule {
	var r Rule
	if !d.expect(v, 'o') {
		return r
	}
	for i, k := range v.keys {
		e := v.vals[i]
		if k == "message" {
			r.Message = d.text(e)
			continue
		}
		if r.Kind != "" {
			d.keyError(CodeBadValue, v, i, "a rule has one kind; %q follows %q (write two rules)", k, r.Kind)
			continue
		}
		r.Kind = k
		r.Arg = e.generic()
	}
	if r.Kind == "" {
		d.errorf(CodeMissing, v, "a rule needs a kind, e.g. {\"required\": true}")
	}
	return r
}

func (d *decoder) submit(v *jvalue) *Submit {
	if !d.expect(v, 'o') {
		return nil
	}
	s := &Submit{}
	for i, k := range v.keys {
		e := v.vals[i]
		switch k {
		case "txn":
			s.Txn = d.str(e)
		case "confirm":
			s.Confirm = d.boolean(e)
		case "receipt":
			s.Receipt = d.str(e)
		case "authorize":
			if !d.expect(e, 'o') {
				continue
			}
			s.Authorize = &Authorize{}
			for j, ak := range e.keys {
				switch ak {
				case "when":
					s.Authorize.When = d.str(e.vals[j])
				case "role":
					s.Authorize.Role = d.str(e.vals[j])
				default:
					d.keyError(CodeUnknownKey, e, j, "unknown key %q: authorize has \"when\" and \"role\"", ak)
				}
			}
		default:
			if s.Extra == nil {
				s.Extra = map[string]any{}
			}
			s.Extra[k] = e.generic()
		}
	}
	return s
}
