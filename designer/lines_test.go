package designer

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"guitai/dsl"
)

func TestNodeSpans(t *testing.T) {
	src := strings.Join([]string{
		`{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0",`, // 0: the form's own id is no node
		`  "root": {"id": "root", "type": "form", "children": [`,  // 1
		`    {`,                  // 2
		`      "id": "g",`,       // 3
		`      "type": "group",`, // 4
		`      "children": [{"id": "a", "type": "text"},`, // 5: a child on one line
		`        {"type": "amount", "id": "b"}]`,          // 6: id not first
		`    },`,                                          // 7
		`    {"id": "c", "type": "select", "props": {"options": [{"value": "x", "id": "no"}]}}`, // 8
		`  ]}}`, // 9
	}, "\n")
	spans := NodeSpans([]byte(src))
	want := []Span{{"root", 1, 9}, {"g", 2, 7}, {"a", 5, 5}, {"b", 6, 6}, {"c", 8, 8}}
	if len(spans) != len(want) {
		t.Fatalf("spans %v, want %v", spans, want)
	}
	for i := range want {
		if spans[i] != want[i] {
			t.Errorf("span %d = %v, want %v", i, spans[i], want[i])
		}
	}
	cases := []struct {
		line int
		want string
	}{
		{0, ""}, {1, "root"}, {3, "g"}, {5, "a"}, {6, "b"}, {7, "g"}, {8, "c"}, {9, "root"}, {42, ""},
	}
	for _, c := range cases {
		if got := NodeAtLine(spans, c.line); got != c.want {
			t.Errorf("NodeAtLine(%d) = %q, want %q", c.line, got, c.want)
		}
	}
	if _, ok := SpanOf(spans, "no"); ok {
		t.Error("an option's id was taken for a node")
	}
	if got := NodeSpans([]byte(src[:len(src)/2])); len(got) == 0 {
		t.Error("a cut text gave no spans at all")
	}
}

func TestCharColumn(t *testing.T) {
	raw := []byte("{\n  \"zh\": \"金额\", \"x\": 1\n}")
	for _, tc := range []struct {
		line, col, want int
	}{
		{2, 1, 1},
		{2, 9, 9},   // the opening quote of "金额", before any Chinese
		{2, 16, 12}, // the quote after 金额: six bytes, two characters
		{2, 23, 19}, // the 1
		{2, 26, 22}, // past the line's end: three beyond it
		{1, 2, 2},
		{0, 5, 5}, // not located
		{9, 3, 3}, // no such line
	} {
		if got := CharColumn(raw, tc.line, tc.col); got != tc.want {
			t.Errorf("CharColumn(%d, %d) = %d, want %d", tc.line, tc.col, got, tc.want)
		}
	}
}

// TestCheckCountsCharacters: on a line with Chinese before the problem,
// "designer check" gives the column in characters.
func TestCheckCountsCharacters(t *testing.T) {
	head := "{\n  \"dsl\": \"" + dsl.Current + "\", \"id\": \"x\", \"version\": \"1.0.0\",\n"
	for _, tc := range []struct {
		name, line, at, code string
	}{
		{"shape", `  "title": {"zh": "现金取款", "en": 7},`, "7", "[wrong-type]"},
		{"validation", `  "title": {"zh": "现金取款"}, "root": {"id": "root", "type": "form", "children": [{"id": "d", "type": "date", "props": {"label": {"zh": "日期"}}, "bind": "date"}]}`, `"date"}`, "[bad-id]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := head + tc.line + "\n"
			if tc.name == "shape" {
				src += "  \"root\": {\"id\": \"root\", \"type\": \"form\"}\n"
			}
			src += "}\n"
			file := filepath.Join(t.TempDir(), "zh.form.json")
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			got := Check(file, nil)
			col := utf8.RuneCountInString(tc.line[:strings.Index(tc.line, tc.at)]) + 1
			want := file + ":3:" + strconv.Itoa(col) + ": "
			if len(got) == 0 || !strings.HasPrefix(got[0], want) || !strings.HasSuffix(got[0], tc.code) {
				t.Fatalf("got  %q\nwant %s… %s", got, want, tc.code)
			}
		})
	}
}
