package ui

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
	"guitai/dsl"
	"guitai/widgets"
)

// plainBox is the container a group, row, column or grid node's object
// holds its children's objects in, or nil.
func plainBox(n *dsl.Node, o fyne.CanvasObject) *fyne.Container {
	switch n.Type {
	case "group", "row", "column", "grid":
	default:
		return nil
	}
	switch x := o.(type) {
	case *fyne.Container:
		return x
	case *widgets.GroupBox:
		c, _ := x.Content.(*fyne.Container)
		return c
	}
	return nil
}

// checkCanvas fails unless the surface shows the form as it now stands,
// as a render of it from scratch would: a block per root child in order,
// each knowing its child's JSON, and in each block built every captioned
// field showing its caption and every plain container its children in
// order, each where the driver finds it.
func checkCanvas(t *testing.T, ed *Editor, step string) {
	t.Helper()
	c := ed.canvas
	c.measured = false
	c.measure()
	root := ed.doc.Form().Root
	if len(root.Children) > 0 && len(c.root.Objects) != len(root.Children) {
		t.Fatalf("%s: %d objects in the box for %d children", step, len(c.root.Objects), len(root.Children))
	}
	d := fyne.CurrentApp().Driver()
	checked := 0
	for i, child := range root.Children {
		b := c.blocks[child.ID]
		if b == nil || c.root.Objects[i] != b.obj {
			t.Fatalf("%s: child %d (%s) is not its block in the box", step, i, child.ID)
		}
		if want := string(dsl.EncodeNode(child)); b.key != want {
			t.Fatalf("%s: block %s shows an old state of its child", step, child.ID)
		}
		if !b.built {
			continue
		}
		(&dsl.Form{Root: child}).Walk(func(_ []string, n *dsl.Node) bool {
			o := c.nodeObject(n.ID)
			if o == nil {
				t.Fatalf("%s: node %s has no object", step, n.ID)
			}
			if lt := n.PropText("label"); !lt.IsZero() && n.Type != "check" && n.Type != "table" && n.Type != "seal" {
				if row, ok := o.(*fyne.Container); !ok || len(row.Objects) == 0 {
					t.Fatalf("%s: %s has no caption row", step, n.ID)
				} else if cp, ok := row.Objects[0].(*widgets.Caption); !ok || cp.Text != lt.In("zh") {
					t.Fatalf("%s: %s shows caption %v, want %q", step, n.ID, row.Objects[0], lt.In("zh"))
				}
			}
			if box := plainBox(n, o); box != nil {
				if len(box.Objects) != len(n.Children) {
					t.Fatalf("%s: %s holds %d objects for %d children", step, n.ID, len(box.Objects), len(n.Children))
				}
				for k, kid := range n.Children {
					if box.Objects[k] != c.nodeObject(kid.ID) {
						t.Fatalf("%s: %s's child %d is not %s", step, n.ID, k, kid.ID)
					}
				}
			}
			// Where the surface measures it, against the driver's walk of
			// the window (a few nodes a check: the walk is slow).
			if checked++; checked%7 != 1 {
				return true
			}
			if r, ok := c.rectIn(n.ID); ok && r.visible && d.CanvasForObject(o) != nil {
				want := d.AbsolutePositionForObject(o).Subtract(d.AbsolutePositionForObject(c.root))
				if r.pos.Subtract(want).X*r.pos.Subtract(want).X+r.pos.Subtract(want).Y*r.pos.Subtract(want).Y > 0.01 {
					t.Fatalf("%s: %s measured at %v, the driver has it at %v", step, n.ID, r.pos, want)
				}
			}
			return true
		})
	}
}

// randomStep makes one edit through the panes' own calls, as the user
// would: inspector sets, structure moves, inserts, deletes, copies,
// wraps, renames, JSON edits of a node, undo and redo.
func randomStep(t *testing.T, r *rand.Rand, ed *Editor) string {
	doc := ed.doc
	var all, leaves, groups []*dsl.Node
	doc.Form().Walk(func(p []string, n *dsl.Node) bool {
		if len(p) > 1 {
			all = append(all, n)
			if len(n.Children) == 0 && n.Type != "group" {
				leaves = append(leaves, n)
			}
			if n.Type == "group" {
				groups = append(groups, n)
			}
		}
		return true
	})
	pick := func(l []*dsl.Node) *dsl.Node {
		if len(l) == 0 {
			return nil
		}
		return l[r.IntN(len(l))]
	}
	n := pick(all)
	if n == nil {
		ed.insertHere("group")
		return "insert group"
	}
	doc.Select(fromTree, n.ID)
	switch k := r.IntN(14); k {
	case 0, 1, 2:
		if l := pick(leaves); l != nil {
			doc.Select(fromTree, l.ID)
			doc.Set(fromInspector, l.ID, "props.label.zh", fmt.Sprint("标签", r.IntN(1000)))
			return "set label of " + l.ID
		}
	case 3:
		if g := pick(groups); g != nil {
			doc.Set(fromInspector, g.ID, "props.title.zh", fmt.Sprint("分组", r.IntN(1000)))
			return "set title of " + g.ID
		}
	case 4, 5:
		dir := []designer.Direction{designer.Up, designer.Down, designer.Down, designer.Into, designer.Out}[r.IntN(5)]
		doc.Move(fromKeys, dir)
		return fmt.Sprint("move ", n.ID, " ", dir)
	case 6:
		ed.insertHere([]string{"text", "amount", "group", "check", "select"}[r.IntN(5)])
		return "insert near " + n.ID
	case 7:
		doc.Delete(fromKeys)
		return "delete " + n.ID
	case 8:
		doc.Duplicate(fromKeys)
		return "duplicate " + n.ID
	case 9:
		doc.WrapInGroup(fromKeys)
		return "wrap " + n.ID
	case 10:
		doc.Rename(fromRename, n.ID, n.ID+"_r")
		return "rename " + n.ID
	case 11:
		ed.ShowSource(true)
		e := ed.source.Entry()
		if i := strings.Index(e.Text, `"zh": "`); i >= 0 && ed.source.scope == n.ID {
			e.SetText(e.Text[:i] + `"zh": "改` + e.Text[i+len(`"zh": "`):])
		}
		ed.ShowSource(false)
		return "JSON edit of " + n.ID
	case 12:
		doc.Undo()
		return "undo"
	default:
		doc.Redo()
		return "redo"
	}
	return "nothing"
}

// TestCanvasFollowsEveryEdit makes random edits and checks after each
// that the surface, kept up to date block by block and leaf by leaf,
// shows what rendering the form afresh would.
func TestCanvasFollowsEveryEdit(t *testing.T) {
	forms := map[string]func() *designer.Document{
		"big": func() *designer.Document { f, _ := dsl.Decode(bigForm(t, 150)); return designer.New(f) },
		"cash_withdrawal": func() *designer.Document {
			return openForm(t, "cash_withdrawal.form.json")
		},
	}
	for name, open := range forms {
		for seed := range uint64(3) {
			t.Run(fmt.Sprint(name, seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(seed, 11))
				ed, _ := newEditor(t, open())
				checkCanvas(t, ed, "opened")
				for i := range 60 {
					step := randomStep(t, r, ed)
					if r.IntN(5) == 0 {
						// Scroll somewhere: blocks come into sight.
						ed.canvas.scroll.ScrollToOffset(fyne.NewPos(0, float32(r.IntN(3000))))
						ed.canvas.scroll.OnScrolled(ed.canvas.scroll.Offset)
					}
					checkCanvas(t, ed, fmt.Sprint(i, " ", step))
				}
				// Every block built at last shows its child too.
				for _, child := range ed.doc.Form().Root.Children {
					if len(child.Children) > 0 {
						ed.canvas.Rect(child.Children[0].ID)
					}
				}
				checkCanvas(t, ed, "all built")
				s := ed.canvas.stats
				if s.patches == 0 || s.renders == 0 {
					t.Errorf("%d blocks patched, %d rendered: the test does not try both", s.patches, s.renders)
				}
			})
		}
	}
}

// TestLeafEditRendersTheLeafAlone: an edit of a field's own props puts a
// render of that field alone in its place, unless it changes the field's
// size (then the block is rendered again).
func TestLeafEditRendersTheLeafAlone(t *testing.T) {
	ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	c := ed.canvas
	doc.Select(fromTree, "amount")
	c.measure()
	b := c.owner["amount"]
	form, pos := b.form, b.obj.Position()
	p0, s0, _ := c.Rect("amount")
	doc.Set(fromInspector, "amount", "props.label.zh", "金额改")
	if c.blocks[b.id] != b || b.form != form || b.obj.Position() != pos || c.stats.patches != 1 {
		t.Fatal("a label edit rendered the whole block again")
	}
	if got := canvasCaption(ed, "amount"); got != "金额改" {
		t.Fatalf("the canvas shows %q", got)
	}
	if p, s, ok := c.Rect("amount"); !ok || p != p0 || s != s0 {
		t.Fatalf("the field moved: %v %v, was %v %v", p, s, p0, s0)
	}
	// A click there still selects it.
	doc.Select(fromTree, "")
	test.TapCanvas(w.Canvas(), surfaceAbs(ed, p0.Add(fyne.NewPos(s0.Width/2, s0.Height/2))))
	if doc.Selected() != "amount" {
		t.Fatalf("a click on the edited field selected %q", doc.Selected())
	}
	// Undo is an edit of the field too.
	doc.Undo()
	if b.form != form || canvasCaption(ed, "amount") != "取款金额" || c.stats.patches != 2 {
		t.Fatal("undo did not patch the field back")
	}
	// A check's label is its text: a longer one widens it, and the block
	// is rendered again.
	parent, index := doc.InsertTarget()
	if _, err := doc.Insert(fromPalette, "check", parent, index); err != nil {
		t.Fatal(err)
	}
	id := doc.Selected()
	c.measure()
	b = c.owner[id]
	form = b.form
	doc.Set(fromInspector, id, "props.label.zh", strings.Repeat("很长的勾选说明", 3))
	if c.measure(); c.owner[id].form == form {
		t.Fatal("a resized field was patched in place")
	}
	checkCanvas(t, ed, "after the check")
}

// TestCanvasBuildsWhatComesIntoSight opens a form of 1,000 nodes: only the
// blocks in sight are built; scrolling builds the ones that come into
// sight without moving what is in sight; asking where a node stands, or
// selecting it elsewhere, builds its block.
func TestCanvasBuildsWhatComesIntoSight(t *testing.T) {
	// Groups of one and two columns: blocks of two heights, so that a
	// placeholder's guess is wrong for some.
	f, _ := dsl.Decode(bigForm(t, 1000))
	for i, g := range f.Root.Children {
		if i%3 == 0 {
			g.Props["columns"] = json.Number("1")
		}
	}
	path := filepath.Join(t.TempDir(), "big.form.json")
	os.WriteFile(path, dsl.Encode(f), 0o644)
	ed, _ := newEditor(t, designer.New(designer.Blank("x")))
	ed.OpenFile(path)
	c := ed.canvas
	built := func() int {
		k := 0
		for _, b := range c.blocks {
			if b.built {
				k++
			}
		}
		return k
	}
	if n, all := built(), len(c.blocks); n == 0 || n > 4 || all < 40 {
		t.Fatalf("%d of %d blocks built on opening", n, all)
	}
	if !inSight(ed, "f0") || canvasCaption(ed, "f0") != "字段0" {
		t.Fatal("the first field is not in sight")
	}
	// Scroll down, as the wheel does.
	wheel := func(dy float32) { c.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: dy}}) }
	wheel(-8000)
	off := c.scroll.Offset.Y
	if off < 7000 {
		t.Fatalf("scrolled to %v", off)
	}
	if n := c.nodeAt(fyne.NewPos(100, off+c.scroll.Size().Height/2-theme.Padding()), false, ""); n.ID == "root" {
		t.Fatal("nothing stands in the middle of the view")
	}
	// Scroll up: the blocks above come into sight, built at their real
	// height; what was in sight moves by the scroll, no more.
	var seen string
	for _, ch := range ed.doc.Form().Root.Children {
		if b := c.blocks[ch.ID]; seen == "" && b.built && inSight(ed, b.id) {
			seen = b.id
		}
	}
	p0, _, _ := c.Rect(seen)
	screen := p0.Y - c.scroll.Offset.Y
	before, shifted := built(), false
	for range 10 {
		o := c.scroll.Offset.Y
		wheel(300)
		shifted = shifted || o-c.scroll.Offset.Y != 300
	}
	if built() <= before || !shifted {
		t.Fatalf("scrolling up built %d blocks, shifted %v: the test tries nothing", built()-before, shifted)
	}
	p1, _, _ := c.Rect(seen)
	if got, want := p1.Y-c.scroll.Offset.Y, screen+10*300; got-want > 1 || want-got > 1 {
		t.Fatalf("%s stands at %v in the view, want %v", seen, got, want)
	}
	// Far nodes: asked for, or selected in the outline.
	if _, _, ok := c.Rect("f900"); !ok {
		t.Fatal("no rect for f900")
	}
	if c.owner["f900"] == nil || !c.owner["f900"].built {
		t.Fatal("asking for f900 did not build its block")
	}
	ed.doc.Select(fromTree, "f10")
	if !inSight(ed, "f10") {
		t.Fatal("selecting f10 in the outline did not bring it into sight")
	}
	checkCanvas(t, ed, "after scrolling")
}

// TestOutlineRowsCutToTheirWidth: a row shows its node's label, cut with
// an ellipsis when the pane is narrow, never wider than the row, and as
// high as a Label.
func TestOutlineRowsCutToTheirWidth(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	if h, want := newLineText("").MinSize().Height, widget.NewLabel("").MinSize().Height; h != want {
		t.Errorf("row height %v, a Label's %v", h, want)
	}
	size, style := theme.TextSize(), fyne.TextStyle{}
	s := "取款金额  amount · 金额"
	full := fyne.MeasureText(s, size, style).Width
	if got := fitLine(s, full+1, size, style); got != s {
		t.Errorf("%q cut to %q at its own width", s, got)
	}
	for _, wd := range []float32{full - 1, full * 2 / 3, full / 3, 12} {
		got := fitLine(s, wd, size, style)
		if !strings.HasSuffix(got, "…") || !strings.HasPrefix(s, strings.TrimSuffix(got, "…")) {
			t.Fatalf("%q cut to %v is %q", s, wd, got)
		}
		if w := fyne.MeasureText(got, size, style).Width; w > wd && got != "…" {
			t.Fatalf("%q at %v is %v wide", got, wd, w)
		}
		if k := len([]rune(got)) - 1; k+1 < len([]rune(s)) && got != "…" {
			if longer := string([]rune(s)[:k+1]) + "…"; fyne.MeasureText(longer, size, style).Width <= wd-2 {
				t.Fatalf("%q at %v: %q fits too", got, wd, longer)
			}
		}
	}
	// The rows show the labels.
	ed.doc.Select(fromTree, "amount")
	ed.doc.Set(fromInspector, "amount", "props.label.zh", "金额改")
	var row *treeRow
	for _, r := range ed.outline.rows {
		if r.id == "amount" {
			row = r
		}
	}
	if row == nil {
		t.Fatal("no row for amount")
	}
	if got := row.label.Text(); !strings.HasPrefix(got, "金额改") {
		t.Fatalf("the row shows %q", got)
	}
	if sh := strings.TrimSuffix(row.label.Shown(), "…"); sh == "" || !strings.HasPrefix(row.label.Text(), sh) {
		t.Fatalf("the row shows %q of %q", row.label.Shown(), row.label.Text())
	}
}

// TestGhostPos: the drag chip stands beside the marker on the side away
// from the next block's caption: left of a vertical bar (above it when the
// container leaves no room on the left), at the right end of a horizontal
// bar; always touching the marker's neighbourhood, never on the surface's
// negative side.
func TestGhostPos(t *testing.T) {
	chip := fyne.NewSize(90, 22)
	in := rect{pos: fyne.NewPos(10, 10), size: fyne.NewSize(800, 400), visible: true}
	overlaps := func(p fyne.Position, r rect) bool {
		return p.X < r.pos.X+r.size.Width && r.pos.X < p.X+chip.Width && p.Y < r.pos.Y+r.size.Height && r.pos.Y < p.Y+chip.Height
	}
	// Between two blocks side by side: the next block starts right of the bar.
	bar := rect{pos: fyne.NewPos(300, 100), size: fyne.NewSize(4, 40), visible: true}
	next := rect{pos: fyne.NewPos(304, 100), size: fyne.NewSize(200, 40), visible: true}
	p := ghostPos(bar, in, chip)
	if overlaps(p, next) || p.X+chip.Width > bar.pos.X || bar.pos.X-(p.X+chip.Width) > 8 {
		t.Errorf("by a vertical bar at %v the chip is at %v: over the next block or away from the bar", bar.pos, p)
	}
	if mid := p.Y + chip.Height/2; mid != bar.pos.Y+bar.size.Height/2 {
		t.Errorf("chip centred at y %v, bar at %v", mid, bar.pos.Y+bar.size.Height/2)
	}
	// The bar at the container's left edge: above it.
	bar.pos.X, next.pos.X = 12, 16
	p = ghostPos(bar, in, chip)
	if overlaps(p, next) || p.Y+chip.Height > bar.pos.Y || p.X < in.pos.X {
		t.Errorf("by a bar at the left edge the chip is at %v", p)
	}
	// ... below it at the top of the surface.
	bar.pos.Y, next.pos.Y = 2, 2
	if p = ghostPos(bar, in, chip); overlaps(p, next) || p.Y < 0 {
		t.Errorf("by a bar at the top left the chip is at %v", p)
	}
	// Between stacked blocks: the right end of the bar, captions being left.
	bar = rect{pos: fyne.NewPos(20, 200), size: fyne.NewSize(600, 4), visible: true}
	p = ghostPos(bar, in, chip)
	if p.X+chip.Width != bar.pos.X+bar.size.Width || p.Y+chip.Height/2 != 202 {
		t.Errorf("by a horizontal bar the chip is at %v", p)
	}
	// A bar narrower than the chip: it starts at the bar.
	bar.size.Width = 40
	if p = ghostPos(bar, in, chip); p.X != bar.pos.X {
		t.Errorf("by a narrow bar the chip is at %v", p)
	}
}

// TestDragChipClearOfCaptions holds a palette item between two fields of
// the transfer form side by side, and between two of its groups: the drag
// chip is opaque and covers no field's caption, the one beside the marker
// above all.
func TestDragChipClearOfCaptions(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "transfer.form.json"))
	c := ed.canvas
	r := test.WidgetRenderer(c.glass).(*glassRenderer)
	origin := abs(c.root)
	check := func(where string) {
		t.Helper()
		if !c.MarkerShown() || !r.ghostBg.Visible() || !r.ghost.Visible() {
			t.Fatalf("%s: no marker or chip", where)
		}
		if _, _, _, a := r.ghostBg.FillColor.RGBA(); a != 0xffff {
			t.Errorf("%s: chip background alpha %x, want opaque", where, a)
		}
		gp, gs := r.ghostBg.Position(), r.ghostBg.Size()
		tp, ts := r.ghost.Position(), r.ghost.MinSize()
		if tp.X < gp.X || tp.Y < gp.Y || tp.X+ts.Width > gp.X+gs.Width || tp.Y+ts.Height > gp.Y+gs.Height {
			t.Errorf("%s: chip text %v %v outside its background %v %v", where, tp, ts, gp, gs)
		}
		seen := 0
		ed.doc.Form().Walk(func(_ []string, n *dsl.Node) bool {
			row, ok := c.nodeObject(n.ID).(*fyne.Container)
			if !ok || len(row.Objects) == 0 {
				return true
			}
			cp, ok := row.Objects[0].(*widgets.Caption)
			if !ok || !cp.Visible() || fyne.CurrentApp().Driver().CanvasForObject(cp) == nil {
				return true
			}
			seen++
			p, s := abs(cp).Subtract(origin), cp.Size()
			if gp.X < p.X+s.Width && p.X < gp.X+gs.Width && gp.Y < p.Y+s.Height && p.Y < gp.Y+gs.Height {
				t.Errorf("%s: chip %v %v covers the caption %q of %s at %v %v", where, gp, gs, cp.Text, n.ID, p, s)
			}
			return true
		})
		if seen < 4 {
			t.Fatalf("%s: %d captions found", where, seen)
		}
	}
	// Right of the amount, the big-letters caption next to it.
	ap, as, ok := c.Rect("amount")
	if !ok || !c.DragOver("text", surfaceAbs(ed, ap.Add(fyne.NewPos(as.Width+12, as.Height/2)))) {
		t.Fatal("no drop by the amount")
	}
	if m := c.target.marker; m.size.Height <= m.size.Width {
		t.Fatalf("marker %v by the amount is not a vertical bar", m)
	}
	check("beside the amount")
	// Just inside the top of the payee group: before its first field, the
	// bar at the group's left edge.
	root := ed.doc.Form().Root
	second := root.Children[1].ID
	pp, ps, _ := c.Rect(second)
	if !c.DragOver("text", surfaceAbs(ed, pp.Add(fyne.NewPos(ps.Width/2, 3)))) {
		t.Fatal("no drop in the payee group")
	}
	if m := c.target.marker; m.size.Height <= m.size.Width || strings.Join(c.target.parent, "/") != "root/"+second || c.target.index != 0 {
		t.Fatalf("marker %v in %v at %d, want a vertical bar before the payee group's first field", m, c.target.parent, c.target.index)
	}
	check("before the payee group's first field")
	// Just above the payee group: between the two groups.
	if !c.DragOver("text", surfaceAbs(ed, pp.Add(fyne.NewPos(ps.Width/2, -2)))) {
		t.Fatal("no drop between the groups")
	}
	if m := c.target.marker; m.size.Height >= m.size.Width {
		t.Fatalf("marker %v between the groups is not a horizontal bar", m)
	}
	check("between the groups")
	c.endDrag()
}
