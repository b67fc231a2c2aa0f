package screenshot

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/widgets"
)

// Walk calls fn for o and every object under it that Fyne lets an
// application reach: containers' objects, scrolls', splits', pop-ups',
// cards', group boxes' and forms' contents.
func Walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	for _, c := range children(o) {
		Walk(c.obj, fn)
	}
}

// child is an object under another, at pos from the parent's origin.
type child struct {
	obj fyne.CanvasObject
	pos fyne.Position
}

// children lists the objects directly under o that an application can
// reach, with their positions relative to o. A form's items are placed
// where its renderer put them, which is relative to o plus the form's own
// padding: close enough to check that they fit and do not overlap.
func children(o fyne.CanvasObject) []child {
	var out []child
	add := func(objs ...fyne.CanvasObject) {
		for _, x := range objs {
			if x != nil {
				out = append(out, child{x, x.Position()})
			}
		}
	}
	switch x := o.(type) {
	case *fyne.Container:
		add(x.Objects...)
	case *container.Scroll:
		if x.Content != nil {
			out = append(out, child{x.Content, x.Content.Position().Subtract(x.Offset)})
		}
	case *container.Split:
		add(x.Leading, x.Trailing)
	case *widget.PopUp:
		add(x.Content)
	case *widget.Card:
		add(x.Content)
	case *widgets.GroupBox:
		add(x.Content)
	case *widget.Form:
		for _, it := range x.Items {
			add(it.Widget)
		}
	}
	return out
}

// CheckLayout looks at everything on c an application can reach (the
// window's content and each dialog) and says what does not fit: an object
// given less room than its minimum ("squeezed"), one reaching out of its
// container or out of the window, two controls whose rectangles overlap
// (other than in a stack, where covering is the point), a truncating
// label whose text is cut, and a scroll whose content is wider than it
// (a form that scrolls sideways). Call it on the UI goroutine.
func CheckLayout(c fyne.Canvas) []string {
	k := &layoutCheck{window: rect{0, 0, c.Size().Width, c.Size().Height}}
	k.layer(c.Content(), "window")
	for i, o := range c.Overlays().List() {
		k.layer(o, fmt.Sprintf("dialog %d", i+1))
	}
	return k.problems
}

type rect struct{ x, y, w, h float32 }

func (r rect) intersect(o rect) rect {
	x0, y0 := max(r.x, o.x), max(r.y, o.y)
	x1, y1 := min(r.x+r.w, o.x+o.w), min(r.y+r.h, o.y+o.h)
	return rect{x0, y0, max(x1-x0, 0), max(y1-y0, 0)}
}

// within reports whether r lies in o, give or take a pixel.
func (r rect) within(o rect) bool {
	return r.x >= o.x-1 && r.y >= o.y-1 && r.x+r.w <= o.x+o.w+1 && r.y+r.h <= o.y+o.h+1
}

// leaf is a control placed in a layer: where it is, and the containers
// and child indexes leading to it (to find the stack that may hold two
// overlapping ones).
type leaf struct {
	r    rect
	what string
	path []step
}

type step struct {
	parent fyne.CanvasObject
	index  int
}

type layoutCheck struct {
	window   rect
	problems []string
	leaves   []leaf
	seen     map[string]bool
}

func (k *layoutCheck) add(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	if k.seen == nil {
		k.seen = map[string]bool{}
	}
	if !k.seen[p] {
		k.seen[p] = true
		k.problems = append(k.problems, p)
	}
}

// layer checks one layer: the window's content or a dialog.
func (k *layoutCheck) layer(o fyne.CanvasObject, name string) {
	if o == nil {
		return
	}
	k.leaves = k.leaves[:0]
	k.walk(o, o.Position(), nil, nil, name)
	for i, a := range k.leaves {
		for _, b := range k.leaves[i+1:] {
			if in := a.r.intersect(b.r); in.w > 1 && in.h > 1 && !stacked(a.path, b.path) {
				k.add("%s: %s overlaps %s", name, a.what, b.what)
			}
		}
	}
}

// stacked reports whether two leaves part in a stack (or a layout that
// puts its objects over each other), where one covers the other by design.
func stacked(a, b []step) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i].parent != b[i].parent {
				return false
			}
			c, ok := a[i].parent.(*fyne.Container)
			return ok && (reflect.TypeOf(c.Layout) == stackLayout ||
				reflect.TypeOf(c.Layout) == centerLayout || reflect.TypeOf(c.Layout) == paddedLayout)
		}
	}
	return true // one holds the other
}

var (
	stackLayout  = reflect.TypeOf(layout.NewStackLayout())
	centerLayout = reflect.TypeOf(layout.NewCenterLayout())
	paddedLayout = reflect.TypeOf(layout.NewPaddedLayout())
)

// walk checks o at abs (its position on the canvas); clip is the visible
// part of the scroll holding it, nil when none.
func (k *layoutCheck) walk(o fyne.CanvasObject, abs fyne.Position, clip *rect, path []step, name string) {
	if o == nil || !o.Visible() {
		return
	}
	size := o.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	r := rect{abs.X, abs.Y, size.Width, size.Height}
	what := describe(o)
	_, isWidget := o.(fyne.Widget)
	_, isContainer := o.(*fyne.Container)
	if isWidget || isContainer {
		min := o.MinSize()
		if squeezable(o) {
			// A truncating label may be narrower than its text: it is cut.
			if l, ok := o.(*widget.Label); ok && l.Truncation != fyne.TextTruncateOff && LabelWidth(l) > size.Width+0.5 {
				k.add("%s: %s cut to %.0f px", name, what, size.Width)
			}
		} else if slack := theme.InnerPadding(); size.Width+slack < min.Width || size.Height+slack < min.Height {
			// Less than the inner padding short: the padding around the
			// text gives, and nothing drawn is lost.
			k.add("%s: %s squeezed to %.0f×%.0f, needs %.0f×%.0f", name, what, size.Width, size.Height, min.Width, min.Height)
		}
		if clip == nil && !r.within(k.window) {
			k.add("%s: %s reaches out of the window (%.0f,%.0f %.0f×%.0f)", name, what, r.x, r.y, r.w, r.h)
		}
	}
	if isLeaf(o) {
		if clip != nil {
			r = r.intersect(*clip) // what the scroll shows of it
		}
		if r.w > 1 && r.h > 1 {
			k.leaves = append(k.leaves, leaf{r: r, what: what, path: append([]step(nil), path...)})
		}
		return
	}
	if sp, ok := o.(*container.Split); ok && sp.Leading != nil && sp.Leading.Visible() && sp.Trailing != nil && sp.Trailing.Visible() {
		// The divider stays where it was put unless one side needs more
		// room than that leaves it: then the other side is squeezed
		// (a navigator cut to "…").
		length, got := size.Width, sp.Leading.Size().Width
		if !sp.Horizontal {
			length, got = size.Height, sp.Leading.Size().Height
		}
		if want := float32(sp.Offset) * length; got < want-0.05*length || got > want+0.05*length {
			k.add("%s: split of %s and %s moved from %.0f%% to %.0f%%: a side needs more room",
				name, describe(sp.Leading), describe(sp.Trailing), 100*sp.Offset, 100*got/length)
		}
	}
	if sc, ok := o.(*container.Scroll); ok && sc.Content != nil && sc.Content.Visible() &&
		(sc.Direction == container.ScrollBoth || sc.Direction == container.ScrollHorizontalOnly) {
		// A teller never scrolls sideways to fill a form: what scrolls
		// across is wider than the room it is given.
		if cw := max(sc.Content.Size().Width, sc.Content.MinSize().Width); cw > size.Width+1 {
			k.add("%s: %s scrolls sideways: %.0f px wide in %.0f", name, describe(sc.Content), cw, size.Width)
		}
	}
	inner := clip
	if _, ok := o.(*container.Scroll); ok {
		v := r
		if clip != nil {
			v = v.intersect(*clip)
		}
		inner = &v
	}
	for i, c := range children(o) {
		at := abs.Add(c.pos)
		cr := rect{at.X, at.Y, c.obj.Size().Width, c.obj.Size().Height}
		if _, scroll := o.(*container.Scroll); !scroll && c.obj.Visible() && cr.w > 0 && cr.h > 0 && !cr.within(r) {
			switch c.obj.(type) {
			case fyne.Widget, *fyne.Container:
				k.add("%s: %s reaches out of %s", name, describe(c.obj), what)
			}
		}
		k.walk(c.obj, at, inner, append(path, step{o, i}), name)
	}
}

// squeezable objects may be given less room than their minimum: labels
// that truncate, scrolls, and what draws itself to the room it gets.
func squeezable(o fyne.CanvasObject) bool {
	switch x := o.(type) {
	case *widget.Label:
		return x.Truncation != fyne.TextTruncateOff
	case *container.Scroll, *widget.Table, *widget.List, *widget.Tree:
		return true
	case FitsItself:
		return x.FitsItself()
	}
	return false
}

// FitsItself is an object that draws itself to the room it gets (a line
// of the customer display scaled to its width): the check lets it have
// less than its minimum.
type FitsItself interface{ FitsItself() bool }

// Texter is an object of the application's that names its text for a
// problem report (an entry by its placeholder, a drawn line by its text).
type Texter interface{ ShownText() string }

// LabelWidth is the width a label's text needs on one line.
func LabelWidth(l *widget.Label) float32 {
	th := fyne.CurrentApp().Settings().Theme()
	name := l.SizeName
	if name == "" {
		name = theme.SizeNameText
	}
	return fyne.MeasureText(l.Text, th.Size(name), l.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding)
}

// isLeaf reports whether o is a control the overlap check compares: a
// widget the walk does not go into, other than the purely decorative.
func isLeaf(o fyne.CanvasObject) bool {
	if len(children(o)) > 0 {
		return false
	}
	if _, ok := o.(fyne.Widget); !ok {
		return false // canvas primitives: backgrounds, borders, icons
	}
	switch x := o.(type) {
	case *widget.Separator, *widget.Icon, *widget.ProgressBarInfinite:
		return false
	case *widget.Label:
		return x.Text != ""
	}
	// Fyne's dialogs draw their background with a widget of their own.
	return !strings.HasSuffix(reflect.TypeOf(o).String(), "themedBackground")
}

// describe names an object for a problem report: its type and text.
func describe(o fyne.CanvasObject) string {
	t := strings.TrimPrefix(reflect.TypeOf(o).String(), "*")
	text := ""
	switch x := o.(type) {
	case *widget.Label:
		text = x.Text
	case *widget.Button:
		text = x.Text
	case *widget.Entry:
		text = x.Text
		if text == "" {
			text = x.PlaceHolder
		}
	case *widget.Select:
		text = x.Selected
		if text == "" {
			text = x.PlaceHolder
		}
	case *widget.Check:
		text = x.Text
	case *widgets.GroupBox:
		text = x.Title
	case Texter:
		text = x.ShownText()
	}
	if _, ok := o.(*fyne.Container); ok {
		// A container by the first thing in it that says something.
		var inner string
		Walk(o, func(x fyne.CanvasObject) {
			if _, c := x.(*fyne.Container); !c && inner == "" && x.Visible() {
				if d := describe(x); strings.Contains(d, "\"") {
					inner = d
				}
			}
		})
		if inner != "" {
			return t + " with " + inner
		}
	}
	if text == "" {
		return t
	}
	if r := []rune(text); len(r) > 40 {
		text = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%s %q", t, strings.ReplaceAll(text, "\n", " "))
}

func ReadPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}
