package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/internal/pinyinsearch"
	"guitai/widgets"
)

var groupTitles = map[string][2]string{
	"container": {"容器", "Containers"},
	"field":     {"字段", "Fields"},
	"banking":   {"银行", "Banking"},
	"display":   {"展示", "Display"},
}

// Palette lists the widget types of the registry by group, filtered by a
// search box. Drag an item onto the canvas, double-click it, or type in
// the search box and press Enter to insert the first match.
type Palette struct {
	ed     *Editor
	search *docEntry
	scroll *container.Scroll
	box    *fyne.Container
	items  []*PaletteItem
	obj    fyne.CanvasObject
	chosen *PaletteItem // the item last clicked: Enter inserts it
}

func newPalette(ed *Editor) *Palette {
	p := &Palette{ed: ed}
	p.search = newDocEntry(ed, false)
	p.search.ownUndo = true
	p.search.SetPlaceHolder("搜索 Search (Ctrl+F) ⏎")
	p.search.OnChanged = func(string) { p.filter() }
	p.search.OnSubmitted = func(string) {
		if first := p.first(); first != nil {
			p.ed.insertHere(first.Type)
			// The next name typed replaces this one.
			p.search.TypedShortcut(&fyne.ShortcutSelectAll{})
		}
	}
	p.box = container.NewVBox()
	for _, s := range widgets.Specs() {
		if s.Name == "form" {
			continue // only the root is a form
		}
		it := newPaletteItem(ed, s)
		p.items = append(p.items, it)
	}
	p.filter()
	p.scroll = container.NewVScroll(p.box)
	p.obj = container.NewBorder(p.search, nil, nil, nil, p.scroll)
	return p
}

// first is what Enter inserts: the best match of the search (an exact
// name or title, then a prefix, then a part of one, then a word of the
// doc), or with no search the item last clicked.
func (p *Palette) first() *PaletteItem {
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	if q == "" {
		return p.chosen
	}
	var best *PaletteItem
	bestScore := 99
	for _, it := range p.items {
		if !it.Visible() {
			continue
		}
		score := matchScore(it, q)
		if score < bestScore {
			best, bestScore = it, score
		}
	}
	return best
}

func matchScore(it *PaletteItem, q string) int {
	s := it.spec
	names := []string{strings.ToLower(s.Name), strings.ToLower(s.Title.Zh), strings.ToLower(s.Title.En)}
	best := 4
	for _, n := range names {
		switch {
		case n == q:
			return 0
		case strings.HasPrefix(n, q):
			best = min(best, 1)
		case strings.Contains(n, q):
			best = min(best, 2)
		}
	}
	if at, ok := it.key.Pinyin(pinyinsearch.Query(q)); ok {
		// The pinyin of the Chinese title: from its first character as
		// good as a prefix (jine, je for 金额), else as a part.
		best = min(best, 1+min(at, 1))
	}
	if best == 4 && strings.Contains(strings.ToLower(s.Doc), q) {
		best = 3
	}
	return best
}

// filter shows the items matching the search, under their group headings:
// those whose name, titles or doc hold it, or whose Chinese title it
// spells in pinyin, whole syllables or initials (jine or je finds 金额).
func (p *Palette) filter() {
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	var objs []fyne.CanvasObject
	group := ""
	for _, it := range p.items {
		s := it.spec
		match := it.key.Match(q)
		if _, ok := it.key.Pinyin(pinyinsearch.Query(q)); ok {
			match = true // typed with spaces: "jin e"
		}
		if !match {
			it.Hide()
			continue
		}
		it.Show()
		if s.Group != group {
			group = s.Group
			t := groupTitles[group]
			h := canvas.NewText(t[0]+" "+t[1], theme.Color(theme.ColorNamePlaceHolder))
			h.TextStyle.Bold = true
			h.TextSize = theme.CaptionTextSize()
			objs = append(objs, h)
		}
		objs = append(objs, it)
	}
	p.box.Objects = objs
	p.box.Refresh()
}

// Item returns the palette item of a widget type, for tests.
func (p *Palette) Item(t string) *PaletteItem {
	for _, it := range p.items {
		if it.Type == t {
			return it
		}
	}
	return nil
}

// PaletteItem is one widget type in the palette.
type PaletteItem struct {
	widget.BaseWidget
	Type string

	ed      *Editor
	spec    *widgets.Spec
	key     pinyinsearch.Key // what the search finds it by
	start   fyne.Position    // absolute position where the drag began
	dragged fyne.Delta
	active  bool
	hovered bool
}

func newPaletteItem(ed *Editor, s *widgets.Spec) *PaletteItem {
	it := &PaletteItem{Type: s.Name, ed: ed, spec: s,
		key: pinyinsearch.NewKey(s.Name+" "+s.Title.Zh+" "+s.Title.En+" "+s.Doc, s.Title.Zh)}
	it.ExtendBaseWidget(it)
	return it
}

// Dragged carries the item over the canvas, which shows the drop marker.
func (it *PaletteItem) Dragged(e *fyne.DragEvent) {
	if !it.active {
		it.active = true
		it.start = fyne.CurrentApp().Driver().AbsolutePositionForObject(it).Add(e.Position)
		it.dragged = fyne.Delta{}
		it.Refresh()
	}
	it.dragged.DX += e.Dragged.DX
	it.dragged.DY += e.Dragged.DY
	at := e.AbsolutePosition // the desktop driver gives it
	if at.IsZero() {
		at = it.start.Add(it.dragged) // the test driver does not
	}
	it.ed.canvas.DragOver(it.Type, at)
}

// DragEnd drops the item where the marker is.
func (it *PaletteItem) DragEnd() {
	it.active = false
	it.Refresh()
	it.ed.canvas.Drop()
}

// Tapped chooses the item (Enter inserts it) and shows its doc in the
// status line.
func (it *PaletteItem) Tapped(*fyne.PointEvent) {
	p := it.ed.palette
	if old := p.chosen; old != nil {
		p.chosen = nil
		old.Refresh()
	}
	p.chosen = it
	it.Refresh()
	it.ed.status(it.spec.Title.Zh + " " + it.spec.Name + ": " + it.spec.Doc + " — 双击或拖到画布插入 double-click or drag to insert")
}

// DoubleTapped inserts the item where the selection says.
func (it *PaletteItem) DoubleTapped(*fyne.PointEvent) { it.ed.insertHere(it.Type) }

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (it *PaletteItem) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = 4
	bg.StrokeWidth = 1
	title := canvas.NewText(it.spec.Title.Zh, theme.Color(theme.ColorNameForeground))
	name := canvas.NewText(it.spec.Name, theme.Color(theme.ColorNamePlaceHolder))
	name.TextSize = theme.CaptionTextSize()
	r := &paletteRenderer{it: it, bg: bg, title: title, name: name}
	r.Refresh()
	return r
}

type paletteRenderer struct {
	it          *PaletteItem
	bg          *canvas.Rectangle
	title, name *canvas.Text
}

func (r *paletteRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	pad := theme.InnerPadding()
	ts := r.title.MinSize()
	r.title.Move(fyne.NewPos(pad, (size.Height-ts.Height)/2))
	ns := r.name.MinSize()
	r.name.Move(fyne.NewPos(size.Width-pad-ns.Width, (size.Height-ns.Height)/2))
}

func (r *paletteRenderer) MinSize() fyne.Size {
	pad := theme.InnerPadding()
	ts, ns := r.title.MinSize(), r.name.MinSize()
	return fyne.NewSize(ts.Width+ns.Width+pad*3, ts.Height+pad)
}

func (r *paletteRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	if r.it.active || r.it.ed.palette != nil && r.it.ed.palette.chosen == r.it {
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	r.bg.Refresh()
	r.title.Color = theme.Color(theme.ColorNameForeground)
	r.title.Refresh()
	r.name.Refresh()
}

func (r *paletteRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.title, r.name}
}

func (r *paletteRenderer) Destroy() {}
