package designer

import (
	"strings"
	"testing"
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
