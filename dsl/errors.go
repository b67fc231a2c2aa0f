package dsl

import (
	"fmt"
	"sort"
	"strings"
)

// Code names the kind of a problem in a form, stable across releases so that
// tools and tests can match on it.
type Code string

// Problem codes reported by Decode, Validate and Apply.
const (
	CodeSyntax        Code = "syntax"         // the input is not JSON
	CodeType          Code = "wrong-type"     // a JSON value of the wrong type
	CodeMissing       Code = "missing"        // a required key is absent or empty
	CodeUnknownKey    Code = "unknown-key"    // a key that is not part of the schema where unknown keys are not kept
	CodeUnknownWidget Code = "unknown-widget" // a node type the registry does not know
	CodeUnknownRule   Code = "unknown-rule"   // a rule kind that does not exist
	CodeDuplicateID   Code = "duplicate-id"   // two nodes share an id
	CodeBadID         Code = "bad-id"         // an id that is not an identifier
	CodeNotContainer  Code = "not-container"  // children under a node that cannot hold them
	CodeExpr          Code = "expr"           // an expression that does not compile
	CodeTooLong       Code = "too-long"       // an expression longer than MaxExprBytes
	CodeTooDeep       Code = "too-deep"       // an expression nesting brackets deeper than MaxExprDepth
	CodeUnknownField  Code = "unknown-field"  // an expression names a field the form does not bind
	CodeBindConflict  Code = "bind-conflict"  // one key bound by fields of different value types
	CodeBadVersion    Code = "bad-version"    // a version or dsl string that does not parse
	CodeBadValue      Code = "bad-value"      // a value of the right JSON type but not allowed
	CodeNotFound      Code = "not-found"      // an operation names a path that does not exist
	CodeBadOp         Code = "bad-op"         // an operation that cannot be applied as written
)

// Error is one located problem. Pointer is the RFC 6901 JSON pointer of the
// offending value; Line and Column (1-based, column in bytes) locate it in the
// decoded input and are zero for a form that was not decoded from text.
type Error struct {
	Code    Code
	Pointer string
	Line    int
	Column  int
	Msg     string

	offset int // byte offset in the input, -1 when unknown; orders the list
	inner  int // characters from offset to the problem inside a string value
}

// Error formats the problem as "line:col: pointer: message [code]".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Column)
	}
	if e.Pointer != "" {
		b.WriteString(e.Pointer)
	} else {
		b.WriteString("/")
	}
	fmt.Fprintf(&b, ": %s [%s]", e.Msg, e.Code)
	return b.String()
}

// ErrorList is every problem found in one pass, ordered by position. A
// non-empty ErrorList is returned as an error; use errors.As to get it.
type ErrorList []*Error

// Error joins the problems, one a line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.offset != b.offset {
			if a.offset < 0 {
				return false
			}
			if b.offset < 0 {
				return true
			}
			return a.offset < b.offset
		}
		return a.Pointer < b.Pointer
	})
}

// pointer builds an RFC 6901 JSON pointer from tokens.
func pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// lineCol turns a byte offset of data into a 1-based line and column.
func lineCol(data []byte, off int) (line, col int) {
	if off < 0 {
		return 0, 0
	}
	if off > len(data) {
		off = len(data)
	}
	line, col = 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
