package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// FocusGained scrolls the inspector, when the entry is one of its
// editors, to show it with its field's name: Tab walks the editors of a
// node taller than the pane.
func (e *docEntry) FocusGained() {
	e.Entry.FocusGained()
	if in := e.ed.inspector; in != nil {
		in.reveal(e)
	}
}

// FocusGained scrolls the inspector to the select, as for an entry.
func (s *keySelect) FocusGained() {
	s.Select.FocusGained()
	if in := s.ed.inspector; in != nil {
		in.reveal(s)
	}
}

// keyCheck is a check of the inspector.
type keyCheck struct {
	widget.Check
	in *Inspector
}

func (in *Inspector) newCheck(label string, changed func(bool)) *keyCheck {
	c := &keyCheck{in: in}
	c.Text, c.OnChanged = label, changed
	c.ExtendBaseWidget(c)
	return c
}

// FocusGained scrolls the inspector to the check, as for an entry.
func (c *keyCheck) FocusGained() {
	c.Check.FocusGained()
	c.in.reveal(c)
}

// reveal scrolls the pane, when o is in it and out of sight, just enough
// to show the field that holds o (its name above it) and, room allowing,
// the fields before and after it: Tab and Shift+Tab then land on an
// editor already in sight even when it cannot scroll the pane itself (the
// amount entry, a widget of its own). A field taller than the pane shows
// o alone.
func (in *Inspector) reveal(o fyne.CanvasObject) {
	sc, ok := in.obj.(*container.Scroll)
	if !ok || sc.Size().Height <= 0 {
		return
	}
	k := in.rowIndex(o)
	if k < 0 {
		return // not an editor of this pane
	}
	d := fyne.CurrentApp().Driver()
	origin := d.AbsolutePositionForObject(sc.Content).Y // moves with the offset
	room := sc.Size().Height - 2*theme.Padding()
	span := func(x fyne.CanvasObject) (top, bottom float32) {
		top = d.AbsolutePositionForObject(x).Y - origin
		return top, top + x.Size().Height
	}
	rows := in.box.Objects
	top, bottom := span(rows[k])
	if bottom-top > room {
		top, bottom = span(o)
	} else {
		if prev := in.neighbour(k, -1); prev >= 0 {
			if t, _ := span(rows[prev]); bottom-t <= room {
				top = t
			}
		}
		if next := in.neighbour(k, 1); next >= 0 {
			if _, b := span(rows[next]); b-top <= room {
				bottom = b
			}
		}
	}
	pad := theme.Padding()
	y := sc.Offset.Y
	switch {
	case top-pad < y:
		y = top - pad
	case bottom+pad > y+sc.Size().Height:
		y = bottom + pad - sc.Size().Height
	default:
		return // in sight already
	}
	sc.ScrollToOffset(fyne.NewPos(sc.Offset.X, max(y, 0)))
}

// neighbour is the index of the row before (step -1) or after (step 1)
// row k that shows something, separators skipped, or -1.
func (in *Inspector) neighbour(k, step int) int {
	for i := k + step; i >= 0 && i < len(in.box.Objects); i += step {
		r := in.box.Objects[i]
		if _, sep := r.(*widget.Separator); !sep && r.Visible() && r.Size().Height > 0 {
			return i
		}
	}
	return -1
}

// rowOf returns the row of the pane (a field: its name and editors) that
// holds o, or nil when o is not in the pane.
func (in *Inspector) rowOf(o fyne.CanvasObject) fyne.CanvasObject {
	if k := in.rowIndex(o); k >= 0 {
		return in.box.Objects[k]
	}
	return nil
}

// rowIndex returns the index of the row that holds o, or -1. It goes by
// where things are: an editor may sit inside another widget (the amount
// entry's field).
func (in *Inspector) rowIndex(o fyne.CanvasObject) int {
	if o == nil || !o.Visible() {
		return -1
	}
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(o).Add(fyne.NewPos(1, 1))
	within := func(x fyne.CanvasObject) bool {
		p, s := d.AbsolutePositionForObject(x), x.Size()
		return x.Visible() && at.X >= p.X && at.Y >= p.Y && at.X < p.X+s.Width && at.Y < p.Y+s.Height
	}
	if !within(in.box) {
		return -1
	}
	for i, row := range in.box.Objects {
		if within(row) {
			return i
		}
	}
	return -1
}
