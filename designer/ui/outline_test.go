package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guitai/designer"
	"guitai/dsl"
)

// outlineCount counts the rows the outline would show with every branch
// open: the nodes reachable from the tree's root through its callbacks. It
// gives up past limit, so a cycle (a node taken for one of its ancestors)
// fails the count instead of recursing forever. It also fails the count
// when a key repeats.
func outlineCount(o *Outline, limit int) int {
	n := 0
	seen := map[string]bool{}
	var walk func(uid string, depth int)
	walk = func(uid string, depth int) {
		for _, k := range o.children(uid) {
			if n++; n > limit || depth > limit {
				return
			}
			if k == "" || seen[k] {
				n = -1 << 30
				return
			}
			seen[k] = true
			if o.isBranch(k) {
				walk(k, depth+1)
			}
		}
	}
	walk("", 0)
	return n
}

// formNodes counts the nodes of the document's form.
func formNodes(doc *designer.Document) int {
	n := 0
	doc.Form().Walk(func(_ []string, _ *dsl.Node) bool { n++; return true })
	return n
}

// TestOutlineNodeWithoutID: a JSON edit that removes a node's id while the
// outline shows its parent used to crash the designer (stack overflow):
// the outline keyed rows by id, and the empty id is the tree's root, whose
// child is the form's root, whose child is the id-less node... The edit
// now comes in, the outline shows the node among its siblings, the
// problem is listed, and the text stays as typed.
func TestOutlineNodeWithoutID(t *testing.T) {
	tests := []struct {
		name     string
		scope    string // the node whose text is edited, "" for the whole form
		old, new string // the edit
		bad      string // pointer of the node with the problem
		code     dsl.Code
	}{
		{"whole form, a field's id removed", "", `"id": "memo",`, ``, "/root/children/1/children/%d", dsl.CodeMissing},
		{"node text, a child's id removed", "withdrawal", `"id": "memo",`, ``, "/root/children/1/children/%d", dsl.CodeMissing},
		{"whole form, the root's id removed", "", `"id": "root",`, ``, "/root", dsl.CodeMissing},
		{"whole form, a field named as the root", "", `"id": "memo"`, `"id": "root"`, "/root/children/1/children/%d/id", dsl.CodeDuplicateID},
		{"whole form, a field named as its parent", "", `"id": "memo"`, `"id": "withdrawal"`, "/root/children/1/children/%d/id", dsl.CodeDuplicateID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
			doc := ed.doc
			ed.ShowSource(true)
			doc.Select(fromKeys, "memo") // opens root and withdrawal in the outline
			if !ed.outline.tree.IsBranchOpen("withdrawal") {
				t.Fatal("the outline does not show memo's parent")
			}
			before := outlineCount(ed.outline, 1000)
			if tt.scope == "" {
				ed.source.EditWhole(true)
			} else {
				doc.Select(fromKeys, tt.scope)
			}
			text := ed.source.Entry().Text
			edited := strings.Replace(text, tt.old, tt.new, 1)
			if edited == text {
				t.Fatalf("%s is not in the text", tt.old)
			}
			ed.source.Entry().SetText(edited)
			if p := ed.source.Problem(); p != "" {
				t.Fatalf("the edit was refused: %s", p)
			}
			if ed.source.Entry().Text != edited {
				t.Error("the pane rewrote the text the analyst typed")
			}
			at := -1
			for i, n := range doc.Form().Root.Children[1].Children {
				if n.Bind == "memo" {
					at = i
				}
			}
			w.Canvas().Content().Refresh() // draw the tree as the window would
			if got := outlineCount(ed.outline, 1000); got != before || got != formNodes(doc) {
				t.Errorf("outline shows %d nodes, want %d", got, before)
			}
			ed.outline.tree.OpenAllBranches()
			want := tt.bad
			if strings.Contains(want, "%d") {
				want = fmt.Sprintf(want, at)
			}
			var found bool
			for _, e := range doc.Problems() {
				if e.Pointer == want && e.Code == tt.code {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %v lack %s [%s]", doc.Problems(), want, tt.code)
			}
			// Its row selects nothing and says why.
			key := ed.outline.children("withdrawal")[at]
			if tt.bad == "/root" {
				key = ed.outline.children("")[0]
			}
			if ed.outline.idOf(key) != "" {
				t.Fatalf("row %q is taken for a node of its own id", key)
			}
			ed.outline.tree.Select(key)
			if doc.Selected() != "" || !strings.Contains(ed.statusL.Text, "no id of its own") {
				t.Errorf("selecting the row selected %q; status %q", doc.Selected(), ed.statusL.Text)
			}
			// Putting the text back restores the outline.
			if tt.scope != "" {
				doc.Select(fromKeys, tt.scope)
			}
			ed.source.Entry().SetText(text)
			if doc.Form().Find("memo") == nil || outlineCount(ed.outline, 1000) != before {
				t.Error("the id put back is not in the outline")
			}
		})
	}
}

// FuzzDocumentOutline types arbitrary text into the JSON pane, as the
// whole form or as the text of one node, and checks that the designer
// survives it and that the outline shows exactly the document's nodes.
func FuzzDocumentOutline(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "assets", "forms", "*.form.json"))
	for _, file := range files[:3] {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), false)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	if err != nil {
		f.Fatal(err)
	}
	src := string(raw)
	for _, edit := range [][2]string{
		{`"id": "memo",`, ``},
		{`"id": "root",`, ``},
		{`"id": "memo"`, `"id": "root"`},
		{`"id": "memo"`, `"id": "withdrawal"`},
		{`"id": "memo"`, `"id": ""`},
		{`"id": "memo"`, `"id": "\u0000/root"`},
		{`"id": "acct"`, `"id": "amount"`},
		{`"type": "form",`, `"type": "form", "children": [{"type": "text"}, {"type": "text"}],`},
	} {
		f.Add(strings.Replace(src, edit[0], edit[1], 1), false)
	}
	f.Add(`{"type": "group", "children": [{"type": "text"}, {"id": "withdrawal", "type": "text"}]}`, true)
	f.Add(`{"id": "withdrawal", "type": "group", "children": [{"id": "", "type": "text", "children": [{"type": "text"}]}]}`, true)
	f.Add(`{"id": "root", "type": "group"}`, true)
	f.Add(`{"id": "x", "type": "group", "children": [{"id": "x", "type": "group", "children": [{"id": "x", "type": "text"}]}]}`, true)
	f.Add(`{`, false)
	f.Add(`{"dsl": "guitai.form/1", "root": {"type": "form"}}`, false)

	ed, w := newEditor(f, designer.New(designer.Blank("x")))
	ed.ShowSource(true)
	f.Fuzz(func(t *testing.T, text string, node bool) {
		f, err := dsl.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		ed.SetDocument(designer.New(f))
		doc := ed.doc
		doc.Select(fromKeys, "memo") // the outline shows memo's parent
		if node {
			doc.Select(fromKeys, "withdrawal")
			ed.source.EditWhole(false)
			ed.source.whole.SetChecked(false)
		} else {
			ed.source.EditWhole(true)
		}
		ed.source.Entry().SetText(text)
		w.Canvas().Content().Refresh()
		if got, want := outlineCount(ed.outline, 100_000), formNodes(doc); got != want {
			t.Fatalf("outline shows %d nodes, the document has %d", got, want)
		}
		ed.outline.tree.OpenAllBranches()
		for _, id := range []string{"memo", "withdrawal", "root", ""} {
			doc.Select(fromKeys, id)
		}
		ed.outline.tree.CloseAllBranches()
	})
}

// TestOpenFileWithProblems: a file with validation problems opens in the
// designer, its problems listed, instead of being refused.
func TestOpenFileWithProblems(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(raw), `"id": "memo",`, ``, 1)
	text = strings.Replace(text, `"visibleWhen": "amount > 0"`, `"visibleWhen": "amount > ceiling"`, 1)
	file := filepath.Join(t.TempDir(), "bad.form.json")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ed, w := newEditor(t, designer.New(designer.Blank("x")))
	ed.OpenFile(file)
	if ed.doc.Path != file {
		t.Fatalf("not opened; overlays %d", len(w.Canvas().Overlays().List()))
	}
	var texts []string
	for _, p := range ed.problems.Items() {
		texts = append(texts, problemText(p))
	}
	got := strings.Join(texts, "\n")
	if !strings.Contains(got, "node without an id") || !strings.Contains(got, "ceiling") {
		t.Errorf("problems pane lists:\n%s", got)
	}
	if outlineCount(ed.outline, 1000) != formNodes(ed.doc) {
		t.Error("the outline does not show every node")
	}
}

// FuzzOutlineIndex builds the outline's keys from the form a JSON text
// decodes to, kept with its problems as the JSON pane keeps it: without
// a window, so the fuzzer tries many more forms than FuzzDocumentOutline.
// Every node has one key, none empty, each node's parent chain ends at
// the form's root, and an id's key is the node Find gives.
func FuzzOutlineIndex(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "assets", "forms", "*.form.json"))
	for _, file := range files[:2] {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	const head = `{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"}, "root": `
	for _, root := range []string{
		`{"type": "form", "children": [{"type": "text"}, {"id": "", "type": "text"}]}`,
		`{"id": "root", "type": "form", "children": [{"id": "root", "type": "group", "children": [{"id": "root", "type": "text"}]}]}`,
		`{"id": "a", "type": "form", "children": [{"id": "\u0000/root/children/1", "type": "text"}, {"type": "text"}]}`,
		`{"id": "a", "type": "form", "children": [{"id": "b", "type": "group", "children": [{"id": "a", "type": "text"}, {"id": "b", "type": "text"}]}]}`,
	} {
		f.Add([]byte(head + root + "}"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		form, _ := dsl.DecodeLenient(data)
		if form == nil || form.Root == nil {
			return
		}
		x := buildIndex(form.Root)
		count := 0
		form.Walk(func(_ []string, n *dsl.Node) bool {
			count++
			key, ok := x.keys[n]
			if !ok || key == "" || x.byKey[key] != n {
				t.Fatalf("node %q has key %q", n.ID, key)
			}
			if n.ID != "" && !strings.HasPrefix(n.ID, idKeyless) && form.Find(n.ID) == n && key != n.ID {
				t.Fatalf("node %q is keyed %q", n.ID, key)
			}
			steps := 0
			for k := key; k != x.root; k = x.parent[k] {
				if steps++; k == "" || steps > count+1 {
					t.Fatalf("the parents of %q do not lead to the root", key)
				}
			}
			return true
		})
		if len(x.byKey) != count || len(x.keys) != count {
			t.Fatalf("%d keys for %d nodes", len(x.byKey), count)
		}
	})
}
