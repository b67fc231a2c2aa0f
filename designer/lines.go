package designer

import (
	"bytes"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"guitai/dsl"
)

// Span is the lines a node's object takes in a form's JSON text, 0-based
// and inclusive.
type Span struct {
	ID       string
	From, To int
}

// NodeSpans returns where every node of the form text raw stands, in text
// order (a parent before its children). It reads the text with a
// tokenizer, so it works on any layout, not only the canonical one; text
// that does not tokenize gives the spans read so far.
func NodeSpans(raw []byte) []Span {
	// Line starts, to turn offsets into lines.
	starts := []int{0}
	for i, b := range raw {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	lineOf := func(off int64) int { return sort.SearchInts(starts, int(off)+1) - 1 }

	type open struct {
		from int64
		span int // index in out, -1 while the object has no id member
	}
	var (
		out   []Span
		stack []open
		key   bool // the next token is a member name
		name  string
	)
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	for {
		before := dec.InputOffset()
		tok, err := dec.ReadToken()
		if err == io.EOF || err != nil {
			break
		}
		kind := tok.Kind()
		// jsontext skips whitespace before a token: find where it starts.
		at := before
		for at < int64(len(raw)) && (raw[at] == ' ' || raw[at] == '\n' || raw[at] == '\t' || raw[at] == '\r' || raw[at] == ',' || raw[at] == ':') {
			at++
		}
		inObject := len(stack) > 0 && stack[len(stack)-1].span != -2
		switch kind {
		case '{':
			stack = append(stack, open{from: at, span: -1})
			key = true
			continue
		case '[':
			stack = append(stack, open{from: at, span: -2}) // arrays are marked -2
			key = false
			continue
		case '}':
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if top.span >= 0 {
				out[top.span].To = lineOf(dec.InputOffset() - 1)
			}
		case ']':
			stack = stack[:len(stack)-1]
		default:
			if inObject && key {
				name = tok.String()
				key = false
				continue
			}
			if inObject && name == "id" && kind == '"' && isNodePointer(string(dec.StackPointer())) {
				top := &stack[len(stack)-1]
				top.span = len(out)
				out = append(out, Span{ID: tok.String(), From: lineOf(top.from)})
			}
		}
		key = len(stack) > 0 && stack[len(stack)-1].span != -2
	}
	return out
}

// isNodePointer reports whether p is the pointer of a node's "id" member:
// /root/id, /root/children/0/id, /root/children/0/children/3/id…
func isNodePointer(p string) bool {
	if !strings.HasPrefix(p, "/root/") || !strings.HasSuffix(p, "/id") {
		return false
	}
	mid := strings.Split(strings.TrimSuffix(strings.TrimPrefix(p, "/root"), "/id"), "/")
	// mid is "", or "", "children", "0", "children", "3"…
	if len(mid)%2 == 0 {
		return false
	}
	for i := 1; i < len(mid); i += 2 {
		if mid[i] != "children" || mid[i+1] == "" || strings.Trim(mid[i+1], "0123456789") != "" {
			return false
		}
	}
	return true
}

// NodeAtLine returns the id of the innermost node whose span holds line,
// or "" for a line of the form's header.
func NodeAtLine(spans []Span, line int) string {
	id := ""
	for _, s := range spans {
		if s.From > line {
			break
		}
		if line <= s.To {
			id = s.ID // later spans that hold the line are inner ones
		}
	}
	return id
}

// SpanOf returns the span of the node with id.
func SpanOf(spans []Span, id string) (Span, bool) {
	for _, s := range spans {
		if s.ID == id {
			return s, true
		}
	}
	return Span{}, false
}

// CharColumn turns col, a 1-based column counted in bytes on line (1-based)
// of raw, as dsl reports positions, into a column counted in characters,
// as an editor and a reader count them: each of 金额 before a problem
// counts one, not three. A position past the line's end keeps its
// distance from it; one that is not located (line or col below 1) is
// returned as it is.
func CharColumn(raw []byte, line, col int) int {
	if line < 1 || col < 1 {
		return col
	}
	start := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(raw[start:], '\n')
		if i < 0 {
			return col
		}
		start += i + 1
	}
	end := bytes.IndexByte(raw[start:], '\n')
	if end < 0 {
		end = len(raw) - start
	}
	n := col - 1
	if n <= end {
		return utf8.RuneCount(raw[start:start+n]) + 1
	}
	return utf8.RuneCount(raw[start:start+end]) + n - end + 1
}

// CharColumns rewrites the column of every located error of errs, found
// in raw, in characters (see CharColumn), and returns errs.
func CharColumns(errs dsl.ErrorList, raw []byte) dsl.ErrorList {
	for _, e := range errs {
		e.Column = CharColumn(raw, e.Line, e.Column)
	}
	return errs
}
