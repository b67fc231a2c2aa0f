package dsl

import (
	"os"
	"testing"
)

func TestLocate(t *testing.T) {
	src := []byte("{\"dsl\": \"guitai.form/1\",\n" +
		" \"title\": {\"zh\": \"中文\", \"en\": \"x\"},\n" +
		" \"root\": {\"id\": \"root\", \"children\": [\n" +
		"   {\"id\": \"a\"},\n" +
		"   {\"id\": \"b/c\", \"props\": {\"x~y\": 1}}]}}\n")
	tests := []struct {
		ptr       string
		line, col int
	}{
		{"", 1, 1},
		{"/dsl", 1, 9},
		{"/title", 2, 11},
		{"/title/en", 2, 34}, // the column counts bytes: 中文 is six
		{"/root/children/0", 4, 4},
		{"/root/children/0/id", 4, 11},
		{"/root/children/1/id", 5, 11},
		{"/root/children/1/props/x~0y", 5, 35},
		{"/root/children/1/props/missing", 5, 27}, // deepest value on the way
		{"/root/children/7/id", 3, 37},
		{"/nothing", 1, 1},
	}
	for _, tt := range tests {
		line, col := Locate(src, tt.ptr)
		if line != tt.line || col != tt.col {
			t.Errorf("Locate(%q) = %d:%d, want %d:%d", tt.ptr, line, col, tt.line, tt.col)
		}
	}
	if line, col := Locate([]byte(`{"a": [1,`), "/a"); line != 0 || col != 0 {
		t.Errorf("Locate of broken JSON = %d:%d, want 0:0", line, col)
	}
}

func TestDecodeLenient(t *testing.T) {
	valid, err := os.ReadFile("testdata/valid/cash_deposit.form.json")
	if err != nil {
		t.Fatal(err)
	}
	const head = `{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"},
"root": {"id": "root", "type": "form", "children": [
`
	tests := []struct {
		name     string
		src      string
		form     bool   // a form comes back
		problems []Code // codes, in order
		line     int    // line of the first problem
	}{
		{name: "valid", src: string(valid), form: true},
		{name: "unknown field in expression", form: true, problems: []Code{CodeUnknownField}, line: 4,
			src: head + `  {"id": "a", "type": "amount", "bind": "amount"},
  {"id": "b", "type": "text", "bind": "memo", "visibleWhen": "amount > limit"}]}}`},
		{name: "duplicate id and bad widget", form: true, problems: []Code{CodeUnknownWidget, CodeDuplicateID}, line: 3,
			src: head + `  {"id": "a", "type": "gizmo"},
  {"id": "a", "type": "text", "bind": "memo"}]}}`},
		{name: "syntax", problems: []Code{CodeSyntax}, line: 3, src: head + `  {"id": "a",,}]}}`},
		{name: "shape", problems: []Code{CodeMissing, CodeType}, line: 3, src: head + `  {"id": 7, "type": "text"}]}}`},
		{name: "not an object", problems: []Code{CodeType}, line: 1, src: `[1]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, errs := DecodeLenient([]byte(tt.src))
			if (f != nil) != tt.form {
				t.Fatalf("form = %v, want a form: %v (problems %v)", f != nil, tt.form, errs)
			}
			if errs == nil && len(tt.problems) > 0 || errs != nil && len(errs) == 0 {
				t.Fatalf("problems = %#v, want %v", errs, tt.problems)
			}
			var got []Code
			for _, e := range errs {
				got = append(got, e.Code)
			}
			if len(got) != len(tt.problems) {
				t.Fatalf("problems %v, want %v", errs, tt.problems)
			}
			for i := range got {
				if got[i] != tt.problems[i] {
					t.Errorf("problem %d is %s, want %s (%v)", i, got[i], tt.problems[i], errs)
				}
			}
			if len(errs) > 0 && errs[0].Line != tt.line {
				t.Errorf("first problem at line %d, want %d: %v", errs[0].Line, tt.line, errs[0])
			}
			// Decode agrees: the same problems, and no form unless none.
			df, err := Decode([]byte(tt.src))
			if (df != nil) != (len(tt.problems) == 0) || (err != nil) != (len(tt.problems) > 0) {
				t.Errorf("Decode = %v, %v", df != nil, err)
			}
			if f != nil && len(errs) > 0 && errs[0].Code == CodeUnknownField {
				if _, err := f.Program(); err == nil {
					t.Error("Program of an invalid form compiled")
				}
				if p := f.PartialProgram(); p == nil {
					t.Error("no partial program")
				}
			}
		})
	}
}
