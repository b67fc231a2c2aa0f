package widgets

import (
	"fmt"
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
