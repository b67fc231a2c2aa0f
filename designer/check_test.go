package designer

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// deepForm returns a form file whose first field shows only while an
// expression of n nested parentheses holds, and the line:column at which
// that expression's string starts.
func deepForm(n int) (src []byte, line, col int) {
	head := "{\n  \"dsl\": \"guitai.form/1\",\n  \"id\": \"deep\",\n  \"version\": \"1.0.0\",\n" +
		"  \"title\": {\"zh\": \"深\"},\n  \"root\": {\"id\": \"root\", \"type\": \"form\", \"children\": [\n" +
		"    {\"id\": \"amount\", \"type\": \"amount\", \"bind\": \"amount\",\n     \"visibleWhen\": "
	expr := strings.Repeat("(", n) + "amount" + strings.Repeat(")", n) + " > 0"
	tail := "}\n  ]}\n}\n"
	lines := strings.Split(head, "\n")
	return []byte(head + `"` + expr + `"` + tail), len(lines), len(lines[len(lines)-1]) + 1
}

// A million nested parentheses used to overflow the stack of the
// expression parser and crash "designer check"; now the file is refused
// with a located problem.
func TestCheckMillionNestedParentheses(t *testing.T) {
	src, line, col := deepForm(1_000_000)
	file := filepath.Join(t.TempDir(), "deep.form.json")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	got := Check(file, nil)
	if len(got) != 1 {
		t.Fatalf("want one problem, got %d: %.300q", len(got), got)
	}
	// The string starts at col; the problem stands on its first character.
	want := file + ":" + itoa(line) + ":" + itoa(col+1) + ": /root/children/0/visibleWhen: "
	if !strings.HasPrefix(got[0], want) || !strings.HasSuffix(got[0], "[too-long]") {
		t.Fatalf("got  %.300s\nwant %s... [too-long]", got[0], want)
	}
	if len(got[0]) > 400 {
		t.Errorf("the message quotes the whole expression: %d bytes", len(got[0]))
	}
}

// Within the length limit, nesting deeper than the limit is refused at
// the bracket that goes too deep.
func TestCheckDeepNesting(t *testing.T) {
	src, line, col := deepForm(200)
	file := filepath.Join(t.TempDir(), "deep.form.json")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	got := Check(file, nil)
	// The 65th "(" is the first too deep: 64 characters past the start.
	want := file + ":" + itoa(line) + ":" + itoa(col+1+64) + ": /root/children/0/visibleWhen: "
	if len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.HasSuffix(got[0], "[too-deep]") {
		t.Fatalf("got  %.300q\nwant %s... [too-deep]", got, want)
	}
	src, _, _ = deepForm(64)
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Check(file, nil); got != nil {
		t.Fatalf("64 levels refused: %.300q", got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A file with validation problems (but well-formed, every value of the
// right shape) opens with its problems listed; one that is not JSON is
// refused with the located error.
func TestOpenKeepsAFormWithProblems(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "assets", "forms", "cash_withdrawal.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(raw), `"id": "memo",`, ``, 1)
	text = strings.Replace(text, `"type": "amount"`, `"type": "amout"`, 1)
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.form.json")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(file)
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if d.Path != file || d.Dirty() {
		t.Errorf("path %q, dirty %v", d.Path, d.Dirty())
	}
	codes := map[string]bool{}
	for _, p := range d.Problems() {
		codes[string(p.Code)] = true
	}
	if !codes["missing"] || !codes["unknown-widget"] {
		t.Errorf("problems %v", d.Problems())
	}
	// Check, the command line's, still reports them.
	if got := strings.Join(Check(file, nil), "\n"); !strings.Contains(got, "[missing]") || !strings.Contains(got, "[unknown-widget]") {
		t.Errorf("check: %s", got)
	}
	broken := filepath.Join(dir, "broken.form.json")
	if err := os.WriteFile(broken, []byte(text[:len(text)/2]), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(broken); err == nil || len(Errors(err)) != 1 || Errors(err)[0].Code != "syntax" || Errors(err)[0].Line == 0 {
		t.Errorf("a broken file: %v", err)
	}
}
