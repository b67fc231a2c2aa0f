package widgets

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"guitai/dsl"
	"guitai/state"
)

// A fitGrid keeps its columns while they fit side by side, as Fyne's grid
// lays them out, and drops to fewer when its width cannot hold them: its
// minimum width is one cell's, its minimum height that of its rows at the
// width it was last laid out at.
func TestFitGridDropsColumnsWhenNarrow(t *testing.T) {
	test.NewTempApp(t)
	pad := theme.Padding()
	cell := func() fyne.CanvasObject {
		r := canvas.NewRectangle(nil)
		r.SetMinSize(fyne.NewSize(300, 40))
		return r
	}
	objs := []fyne.CanvasObject{cell(), cell(), cell()}
	g := newFitGrid(2, objs...)
	lay := g.Layout.(*fitGrid)
	if got, want := g.MinSize(), fyne.NewSize(300, 80+pad); got != want {
		t.Errorf("before a layout: min %v, want %v (two columns, two rows)", got, want)
	}
	for _, tc := range []struct {
		width float32
		cols  int
	}{
		{1000, 2}, {600 + pad, 2}, {599 + pad, 1}, {300, 1}, {200, 1}, {900, 2},
	} {
		lay.width = tc.width
		rows := (3 + tc.cols - 1) / tc.cols
		h := float32(rows)*40 + float32(rows-1)*pad
		if got, want := g.MinSize(), fyne.NewSize(300, h); got != want {
			t.Errorf("at %.0f px: min %v, want %v", tc.width, got, want)
		}
		g.Resize(fyne.NewSize(tc.width, h))
		g.Refresh() // lays out at the same size again
		cw := (tc.width - float32(tc.cols-1)*pad) / float32(tc.cols)
		for i, o := range objs {
			x := float32(i%tc.cols) * (cw + pad)
			y := float32(i/tc.cols) * (40 + pad)
			if p, s := o.Position(), o.Size(); abs(p.X-x) > 0.01 || abs(p.Y-y) > 0.01 || abs(s.Width-cw) > 0.01 || abs(s.Height-40) > 0.01 {
				t.Errorf("at %.0f px, %d columns: cell %d at %v size %v, want (%.1f,%.1f) %.1f×40", tc.width, tc.cols, i, p, s, x, y, cw)
			}
		}
	}
	// A hidden cell takes no place, as in Fyne's grid.
	lay.width = 1000
	objs[2].Hide()
	if got, want := g.MinSize(), fyne.NewSize(300, 40); got != want {
		t.Errorf("two cells shown at 1000 px: min %v, want %v", got, want)
	}
}

func abs(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// A form's groups of columns, grids and rows fit their columns to the
// width; on a designer's surface they keep the columns as designed.
func TestGroupColumnsFitButNotInDesign(t *testing.T) {
	test.NewTempApp(t)
	def, err := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "g", "version": "1.0.0", "code": "9999",
"title": {"zh": "分组", "en": "Groups"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "g", "type": "group", "props": {"columns": 2, "title": {"zh": "组", "en": "Group"}}, "children": [
    {"id": "a", "type": "text", "bind": "a", "props": {"label": {"zh": "甲", "en": "A"}}},
    {"id": "b", "type": "text", "bind": "b", "props": {"label": {"zh": "乙", "en": "B"}}}
  ]},
  {"id": "r", "type": "row", "children": [
    {"id": "c", "type": "text", "bind": "c"}, {"id": "d", "type": "text", "bind": "d"}
  ]},
  {"id": "gr", "type": "grid", "props": {"columns": 3}, "children": [
    {"id": "e", "type": "text", "bind": "e"}
  ]}
]}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, design := range []bool{false, true} {
		f, err := Render(def, state.NewBus().Scope(fmt.Sprintf("form:%v", design)), Options{Lang: "en", Design: design})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"g", "r", "gr"} {
			o := f.NodeObject(id)
			if g, ok := o.(*GroupBox); ok {
				o = g.Content
			}
			_, fits := o.(*fyne.Container).Layout.(*fitGrid)
			if fits == design {
				t.Errorf("design %v: %s fits its columns %v", design, id, fits)
			}
		}
	}
}

// TestGridKeepsItsColumnsWhileTyping: a 2-column group keeps its columns
// and every cell its place at a given width while what is in the cells
// grows as the teller types (a long amount and its 大写, a long memo, the
// note of a refused key, a rule's message on leaving a field): the form
// never re-flows under the teller's fingers.
func TestGridKeepsItsColumnsWhileTyping(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "grow", "version": "1.0.0", "title": {"zh": "增长"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "g", "type": "group", "props": {"columns": 2}, "children": [
    {"id": "amount", "type": "amount", "bind": "amount", "props": {"label": {"en": "Amount"}, "upper": true}},
    {"id": "upper", "type": "label", "value": "cnUpper(amount)", "props": {"label": {"en": "In words"}}},
    {"id": "day", "type": "date", "bind": "day", "props": {"label": {"en": "Value date"}}},
    {"id": "memo", "type": "text", "bind": "memo", "props": {"label": {"en": "Memo"}},
     "rules": [{"expr": "len(memo) < 10", "message": {"en": "The memo is longer than the passbook can print on one line"}}]}
  ]}
]}}`
	f, _, w, _ := render(t, src, "en")
	grid := f.NodeObject("g").(*GroupBox).Content.(*fyne.Container)
	empty := grid.MinSize().Width
	// Just wide enough for two columns of what the cells need empty.
	w.Resize(fyne.NewSize(empty*2+theme.Padding()+80, 600))
	g := grid.Layout.(*fitGrid)
	pos := func() string {
		var ps []fyne.Position
		for _, o := range grid.Objects {
			ps = append(ps, o.Position())
		}
		return fmt.Sprint(ps)
	}
	before := pos()
	if p0, p1 := grid.Objects[0].Position(), grid.Objects[1].Position(); p1.Y != p0.Y || p1.X <= p0.X {
		t.Fatalf("empty, the grid is not in two columns: %v", before)
	}
	width := grid.Size().Width
	steady := func(what string) {
		t.Helper()
		grid.Refresh() // lays it out again, as the window does when a minimum changes
		if got := g.columns(grid.Objects, width); got != 2 {
			t.Fatalf("after %s the grid has %d columns", what, got)
		}
		if got := pos(); got != before {
			t.Fatalf("after %s the cells moved from %v to %v", what, before, got)
		}
	}
	amt := f.Field("amount").Focusable()
	w.Canvas().Focus(amt)
	for _, r := range "1234567890123.45" {
		amt.TypedRune(r)
		steady(fmt.Sprintf("amount key %q", r))
	}
	day := f.Field("day").Focusable()
	w.Canvas().Focus(day)
	test.Type(day, "2024/")
	steady("a refused key in the date")
	memo := f.Field("memo").Focusable()
	w.Canvas().Focus(memo)
	test.Type(memo, strings.Repeat("a long memo ", 8))
	steady("a long memo")
	w.Canvas().Focus(amt)
	steady("leaving the memo with its rule broken")
	if grid.MinSize().Width <= empty+40 {
		t.Fatalf("the cells need %v wide, %v empty: nothing grew, nothing is tested", grid.MinSize().Width, empty)
	}
}
