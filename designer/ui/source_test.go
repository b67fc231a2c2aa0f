package ui

import (
	"strings"
	"testing"

	"guitai/designer"
	"guitai/dsl"
)

// TestWholeFormReadView: with nothing selected the JSON pane shows the
// whole form in its read view (no text in the slow editor), follows edits
// made elsewhere, highlights the selected node's lines, selects a node on
// a click and edits it on a double click.
func TestWholeFormReadView(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	src := ed.source
	ed.ShowSource(true)
	if !src.Reading() || src.Entry().Visible() || src.Entry().Text != "" {
		t.Fatal("the whole form is not in the read view")
	}
	want := strings.Split(strings.TrimSuffix(string(doc.Bytes()), "\n"), "\n")
	if len(src.Lines()) != len(want) || src.Lines()[5] != want[5] {
		t.Fatalf("read view has %d lines, want %d", len(src.Lines()), len(want))
	}
	lineOf := func(text string) int {
		for i, l := range src.Lines() {
			if strings.Contains(l, text) {
				return i
			}
		}
		t.Fatalf("no line holds %s", text)
		return -1
	}
	// An edit made in the inspector shows at once.
	doc.Set(fromInspector, "memo", "props.label.zh", "附言")
	lineOf(`"附言"`)

	cases := []struct {
		name   string
		line   string // a line to click
		edit   bool   // double click
		sel    string // selected after
		lit    bool   // the selection's lines are highlighted
		reads  bool   // still in the read view
		scoped string // the editor's node, when not reading
	}{
		{"a field's label line selects the field", `"附言"`, false, "memo", true, true, ""},
		{"a group's title line selects the group", `"取款账户"`, false, "acct", true, true, ""},
		{"the header selects the root", `"version"`, false, "root", false, true, ""},
		{"a double click edits the node", `"附言"`, true, "memo", false, false, "memo"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc.Select(fromKeys, "")
			src.whole.SetChecked(true)
			i := lineOf(c.line)
			src.TapLine(i, c.edit)
			if doc.Selected() != c.sel {
				t.Fatalf("selected %q, want %q", doc.Selected(), c.sel)
			}
			if src.Reading() != c.reads {
				t.Fatalf("reading %v, want %v", src.Reading(), c.reads)
			}
			from, to := src.Highlighted()
			if c.lit && (i < from || i > to) {
				t.Errorf("line %d not in the highlight %d-%d", i, from, to)
			}
			if !c.lit && c.reads && from != -1 {
				t.Errorf("highlight %d-%d with the root selected", from, to)
			}
			if !c.reads && !strings.Contains(src.Entry().Text, `"id": "`+c.scoped+`"`) {
				t.Errorf("editor shows %q", src.Entry().Text)
			}
		})
	}
	// Edit as text: the whole form in the editor, and back.
	doc.Select(fromKeys, "")
	src.EditWhole(true)
	if src.Reading() || src.Entry().Text != string(doc.Bytes()) {
		t.Fatal("edit as text did not open the whole form in the editor")
	}
	src.EditWhole(false)
	if !src.Reading() {
		t.Fatal("done did not go back to the read view")
	}
}

func TestNodeSpansInReadView(t *testing.T) {
	f, err := dsl.Decode(bigForm(t, 200))
	if err != nil {
		t.Fatal(err)
	}
	raw := dsl.Encode(f)
	lines := strings.Split(string(raw), "\n")
	spans := designer.NodeSpans(raw)
	if len(spans) != countNodes(f) {
		t.Fatalf("%d spans for %d nodes", len(spans), countNodes(f))
	}
	for _, sp := range spans {
		if !strings.Contains(strings.Join(lines[sp.From:sp.To+1], "\n"), `"id": "`+sp.ID+`"`) {
			t.Fatalf("span of %s (%d-%d) does not hold its id", sp.ID, sp.From, sp.To)
		}
	}
}
