package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2"

	"guitai/designer"
	"guitai/dsl"
	"guitai/widgets"
)

// cpuTime is the CPU time the process has used, every thread, user and
// system.
func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

// cpuPerOp starts counting CPU time; the function it returns reports it
// per iteration as cpu-ms/op. On a machine shared with other work the
// wall time (ns/op) counts the wait for a core; this counts the work (and
// the collector's, which an idle core would run alongside).
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric((cpuTime()-start)/float64(b.N), "cpu-ms/op") }
}

// inSight reports whether the node with id stands in the surface's
// visible part.
func inSight(ed *Editor, id string) bool {
	pos, size, ok := ed.canvas.Rect(id)
	off, h := ed.canvas.scroll.Offset.Y, ed.canvas.scroll.Size().Height
	return ok && pos.Y+size.Height > off && pos.Y < off+h
}

// canvasCaption is the caption the surface shows for the node with id.
func canvasCaption(ed *Editor, id string) string {
	ed.canvas.measure()
	if row, ok := ed.canvas.nodeObject(id).(*fyne.Container); ok && len(row.Objects) > 0 {
		if c, ok := row.Objects[0].(*widgets.Caption); ok {
			return c.Text
		}
	}
	return ""
}

// bigForm is a form of about n nodes: groups of 24 fields of mixed types.
func bigForm(tb testing.TB, n int) []byte {
	tb.Helper()
	types := []string{"text", "amount", "account", "number", "date", "select", "check", "idcard", "phone", "textarea", "label", "radio"}
	var b strings.Builder
	b.WriteString(`{"dsl": "guitai.form/1", "id": "big", "version": "1.0.0", "title": {"zh": "大表单", "en": "Big"}, "root": {"id": "root", "type": "form", "children": [`)
	count := 1
	for g := 0; count < n; g++ {
		if g > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "g%d", "type": "group", "props": {"title": {"zh": "分组%d"}, "columns": 2}, "children": [`, g, g)
		count++
		for i := 0; i < 24 && count < n; i++ {
			k := g*24 + i
			t := types[i%len(types)]
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id": "f%d", "type": "%s", "bind": "f%d", "props": {"label": {"zh": "字段%d"}`, k, t, k, k)
			if t == "select" || t == "radio" {
				b.WriteString(`, "options": [{"value": "a", "label": {"zh": "甲"}}]`)
			}
			b.WriteString(`}`)
			if i%6 == 1 && t != "label" {
				b.WriteString(`, "rules": [{"required": true}]`)
			}
			b.WriteString("}")
			count++
		}
		b.WriteString("]}")
	}
	b.WriteString("]}}\n")
	f, err := dsl.Decode([]byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return dsl.Encode(f)
}

func countNodes(f *dsl.Form) int {
	n := 0
	f.Walk(func([]string, *dsl.Node) bool { n++; return true })
	return n
}

// BenchmarkOpAndCanvas500 is one inspector edit on a 500-node form and
// everything it refreshes: canvas (the edited field rendered again),
// outline, problems, JSON pane. The node is chosen in the outline, so the
// canvas has scrolled it into sight, as the user sees it.
func BenchmarkOpAndCanvas500(b *testing.B) {
	f, _ := dsl.Decode(bigForm(b, 500))
	doc := designer.New(f)
	ed, _ := newEditor(b, doc)
	ed.ShowSource(true)
	b.ReportMetric(float64(countNodes(f)), "nodes")
	doc.Select(fromTree, "f100")
	if !inSight(ed, "f100") {
		b.Fatal("f100 is not in sight on the canvas")
	}
	b.ResetTimer()
	done := cpuPerOp(b)
	for i := range b.N {
		doc.Seal()
		if err := doc.Set(fromInspector, "f100", "props.label.zh", fmt.Sprintf("标签%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	done()
	b.StopTimer()
	if got, want := canvasCaption(ed, "f100"), fmt.Sprintf("标签%d", b.N-1); got != want || !inSight(ed, "f100") {
		b.Fatalf("the canvas shows %q, want %q in sight", got, want)
	}
}

// BenchmarkMoveAndCanvas500 is one structure edit on a 500-node form: the
// selected field moved down and back up (Alt+↓, Alt+↑), its group
// rendered again and the outline's rows in sight redrawn.
func BenchmarkMoveAndCanvas500(b *testing.B) {
	f, _ := dsl.Decode(bigForm(b, 500))
	doc := designer.New(f)
	ed, _ := newEditor(b, doc)
	ed.ShowSource(true)
	doc.Select(fromTree, "f100")
	b.ResetTimer()
	done := cpuPerOp(b)
	for i := range b.N {
		dir := designer.Down
		if i%2 == 1 {
			dir = designer.Up
		}
		if err := doc.Move(fromKeys, dir); err != nil {
			b.Fatal(err)
		}
	}
	done()
	b.StopTimer()
	want := []string{"f100", "f101"}
	if b.N%2 == 1 {
		want = []string{"f101", "f100"}
	}
	if got := pathOf(doc.Form(), "f100"); len(got) != 3 || got[1] != "g4" || !inSight(ed, "f100") {
		b.Fatalf("f100 at %v", got)
	}
	p0, _, _ := ed.canvas.Rect(want[0])
	p1, _, _ := ed.canvas.Rect(want[1])
	if !(p0.Y < p1.Y || (p0.Y == p1.Y && p0.X < p1.X)) {
		b.Fatalf("the canvas does not show %s before %s", want[0], want[1])
	}
}

// BenchmarkJSONEdit500 is one edit typed in the JSON pane of a 500-node
// form, showing the selected node: decode, diff into operations, apply,
// and refresh the other panes.
func BenchmarkJSONEdit500(b *testing.B) {
	f, _ := dsl.Decode(bigForm(b, 500))
	doc := designer.New(f)
	ed, _ := newEditor(b, doc)
	ed.ShowSource(true)
	doc.Select(fromTree, "f100")
	if !inSight(ed, "f100") {
		b.Fatal("f100 is not in sight on the canvas")
	}
	src := ed.source.Entry().Text
	texts := []string{strings.Replace(src, `"字段100"`, `"字段100改"`, 1), src}
	b.ResetTimer()
	done := cpuPerOp(b)
	for i := range b.N {
		ed.source.Entry().SetText(texts[i%2])
		if ed.source.Problem() != "" {
			b.Fatal(ed.source.Problem())
		}
	}
	done()
	b.StopTimer()
	want := "字段100改"
	if b.N%2 == 0 {
		want = "字段100"
	}
	if got := canvasCaption(ed, "f100"); got != want {
		b.Fatalf("the canvas shows %q, want %q", got, want)
	}
}

// BenchmarkJSONEditWholeAsText500 is the same edit typed in the whole
// form's JSON opened as text ("edit as text": about 3,000 lines in Fyne's
// Entry). This is the explicit, slow path; the pane's whole-form view is
// the read view below.
func BenchmarkJSONEditWholeAsText500(b *testing.B) {
	src := bigForm(b, 500)
	f, _ := dsl.Decode(src)
	doc := designer.New(f)
	ed, _ := newEditor(b, doc)
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	texts := []string{strings.Replace(string(src), `"字段100"`, `"字段100改"`, 1), string(src)}
	b.ResetTimer()
	for i := range b.N {
		ed.source.Entry().SetText(texts[i%2])
		if ed.source.Problem() != "" {
			b.Fatal(ed.source.Problem())
		}
	}
}

// BenchmarkWholeViewOpen500 brings the JSON pane forward on the whole
// form of 500 nodes, its text read afresh: encode, split into lines, and
// build the rows in sight.
func BenchmarkWholeViewOpen500(b *testing.B) {
	f, _ := dsl.Decode(bigForm(b, 500))
	doc := designer.New(f)
	ed, _ := newEditor(b, doc)
	b.ResetTimer()
	for range b.N {
		ed.ShowSource(false)
		ed.source.viewAt = -1
		ed.ShowSource(true)
	}
	b.StopTimer()
	if !ed.source.Reading() || len(ed.source.Lines()) < 3000 {
		b.Fatalf("the read view shows %d lines", len(ed.source.Lines()))
	}
}

// BenchmarkWholeViewEdit500 is one inspector edit on a 500-node form while
// the JSON pane shows the whole form with the edited node highlighted:
// the edit and every pane re-synced, the read view included.
func BenchmarkWholeViewEdit500(b *testing.B) {
	f, _ := dsl.Decode(bigForm(b, 500))
	doc := designer.New(f)
	ed, _ := newEditor(b, doc)
	ed.ShowSource(true)
	ed.source.whole.SetChecked(true)
	doc.Select(fromCanvas, "f100")
	b.ResetTimer()
	for i := range b.N {
		doc.Seal()
		if err := doc.Set(fromInspector, "f100", "props.label.zh", fmt.Sprintf("标签%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if from, _ := ed.source.Highlighted(); from < 0 || !strings.Contains(strings.Join(ed.source.Lines()[from:from+8], ""), "标签") {
		b.Fatal("the read view does not show the edit")
	}
}

// BenchmarkOpen1000 opens a 1,000-node form file into the window.
func BenchmarkOpen1000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.form.json")
	os.WriteFile(path, bigForm(b, 1000), 0o644)
	ed, _ := newEditor(b, designer.New(designer.Blank("x")))
	b.ResetTimer()
	done := cpuPerOp(b)
	for range b.N {
		ed.OpenFile(path)
	}
	done()
	b.StopTimer()
	b.ReportMetric(float64(countNodes(ed.doc.Form())), "nodes")
	if ed.doc.Path != path || !inSight(ed, "f0") || canvasCaption(ed, "f0") != "字段0" {
		b.Fatal("the form's first field is not on the canvas")
	}
}

// BenchmarkJSONEditWholeForm is an edit typed in the whole JSON of a
// shipped form (cash withdrawal, about 180 lines).
func BenchmarkJSONEditWholeForm(b *testing.B) {
	doc := openForm(b, "cash_withdrawal.form.json")
	ed, _ := newEditor(b, doc)
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	src := ed.source.Entry().Text
	texts := []string{strings.Replace(src, `"卡号/账号"`, `"银行卡号"`, 1), src}
	b.ResetTimer()
	for i := range b.N {
		ed.source.Entry().SetText(texts[i%2])
		if ed.source.Problem() != "" {
			b.Fatal(ed.source.Problem())
		}
	}
}
