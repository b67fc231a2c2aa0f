package dsl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// limitForm is a form whose memo field shows while expr holds.
func limitForm(expr string) []byte {
	q := fmt.Sprintf("%q", expr)
	return []byte(`{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "amount", "type": "amount", "bind": "amount"},
  {"id": "memo", "type": "text", "bind": "memo",
   "visibleWhen": ` + q + `}]}}`)
}

func TestExpressionLimits(t *testing.T) {
	nest := func(open, close string, n int, inner string) string {
		return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		expr string
		code Code // "" when the form is valid
		col  int  // characters into the expression where the problem stands
	}{
		{"64 parentheses", nest("(", ")", 64, "amount > 0"), "", 0},
		{"65 parentheses", nest("(", ")", 65, "amount > 0"), CodeTooDeep, 64},
		{"a million parentheses", nest("(", ")", 1_000_000, "amount > 0"), CodeTooLong, 0},
		{"a million unclosed", strings.Repeat("(", 1_000_000), CodeTooLong, 0},
		{"arrays", "len(" + nest("[", "]", 64, "1") + ") > 0", CodeTooDeep, 4 + 63}, // len( is one level
		{"maps", "len(" + nest("{a: ", "}", 70, "1") + ") > 0", CodeTooDeep, 4 + 63*4},
		{"mixed", nest("(", ")", 30, "len("+nest("[", "]", 40, "1")+") > 0"), CodeTooDeep, 30 + 4 + 33},
		{"inside a string", `memo != "` + strings.Repeat("([{", 100) + `"`, "", 0},
		{"inside single quotes", `memo != '` + strings.Repeat(`(\'`, 100) + `'`, "", 0},
		{"inside a raw string", "memo != `" + strings.Repeat("(", 100) + "`", "", 0},
		{"after a string", `memo != "\"(" && ` + nest("(", ")", 65, "true"), CodeTooDeep, 17 + 64},
		{"after a character", "中" + nest("(", ")", 65, "true"), CodeTooDeep, 1 + 64},
		{"in a comment", "amount > 0 /* " + strings.Repeat("(", 100) + " */", "", 0},
		{"closers first", strings.Repeat(")", 100) + nest("(", ")", 65, "true"), CodeTooDeep, 164},
		{"4096 bytes", "amount > 0" + strings.Repeat(" ", MaxExprBytes-10), "", 0},
		{"4097 bytes", "amount > 0" + strings.Repeat(" ", MaxExprBytes-9), CodeTooLong, 0},
		// No bracket, but as deep as the length allows: the parser and
		// checker recurse this far without trouble.
		{"4000 nots", strings.Repeat("!", 4000) + "true", "", 0},
		{"4000 minus signs", strings.Repeat("-", 4000) + "amount > 0", "", 0},
		{"2000 conditionals", strings.Repeat("true ? true : ", 290) + "false", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := limitForm(tt.expr)
			f, err := Decode(src)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("refused: %.300v", err)
				}
				if _, err := f.Program(); err != nil {
					t.Fatal(err)
				}
				return
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("want one problem, got %.300v", err)
			}
			e := list[0]
			if e.Code != tt.code || e.Pointer != "/root/children/1/visibleWhen" {
				t.Fatalf("got %.300v", e)
			}
			// The expression's string opens at this column of the last line.
			last := src[strings.LastIndex(string(src), "\n")+1:]
			open := strings.Index(string(last), `"visibleWhen": "`) + len(`"visibleWhen": "`)
			wantCol := open + len(fmt.Sprintf("%q", string([]rune(tt.expr)[:tt.col]))) - 2 + 1
			if e.Line != 5 || e.Column != wantCol {
				t.Errorf("at %d:%d, want 5:%d", e.Line, e.Column, wantCol)
			}
			if len(e.Msg) > 200 {
				t.Errorf("message of %d bytes", len(e.Msg))
			}
		})
	}
}

// A form built in memory, or kept with its problems, goes through the
// same check.
func TestExpressionLimitsValidate(t *testing.T) {
	deep := strings.Repeat("(", 1_000_000) + "true" + strings.Repeat(")", 1_000_000)
	f, errs := DecodeLenient(limitForm(deep))
	if f == nil || len(errs) != 1 || errs[0].Code != CodeTooLong {
		t.Fatalf("got %v, %.300v", f, errs)
	}
	if p := f.PartialProgram(); p == nil || len(p.Exprs) != 0 {
		t.Fatalf("partial program %+v", p)
	}
	if _, err := f.Program(); err == nil {
		t.Fatal("Program compiled a million parentheses")
	}
	errs = Validate(f)
	if len(errs) != 1 || errs[0].Code != CodeTooLong || errs[0].Pointer != "/root/children/1/visibleWhen" {
		t.Fatalf("got %.300v", errs)
	}
}
