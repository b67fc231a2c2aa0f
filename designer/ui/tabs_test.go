package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"guitai/designer"
)

// tabsForm is a form whose tabs node holds two titled pages, a field on
// each, and the window showing it.
func tabsForm(t *testing.T) (*Editor, fyne.Window) {
	ed, w := newEditor(t, designer.New(designer.Blank("x")))
	doc := ed.doc
	ed.insertHere("tabs")
	ed.insertHere("group") // page one
	ed.insertHere("text")
	doc.Select(fromKeys, "tabs")
	ed.insertHere("group") // page two
	ed.insertHere("amount")
	doc.Set(fromInspector, "group", "props.title.zh", "第一页")
	doc.Set(fromInspector, "group_2", "props.title.zh", "第二页")
	doc.Select(fromKeys, "")
	return ed, w
}

// headerAbs is the absolute centre of the tab header titled title, found
// in the rendered objects (not by the designer's own geometry).
func headerAbs(t *testing.T, ed *Editor, title string) fyne.Position {
	t.Helper()
	ed.canvas.measure()
	tabs := ed.canvas.nodeObject("tabs").(*container.AppTabs)
	var button fyne.CanvasObject // the header being walked
	for _, o := range test.LaidOutObjects(tabs) {
		if fmt.Sprintf("%T", o) == "*container.tabButton" {
			button = o
		}
		if tx, ok := o.(*canvas.Text); ok && tx.Text == title && tx.Visible() && button != nil {
			return abs(button).Add(fyne.NewPos(button.Size().Width/2, button.Size().Height/2))
		}
	}
	t.Fatalf("no tab header %q", title)
	return fyne.Position{}
}

func TestTabHeadersClickOnTheCanvas(t *testing.T) {
	ed, w := tabsForm(t)
	doc := ed.doc
	cases := []struct {
		header   string
		selected string
		shown    string // a field that must be on the surface after
		hidden   string // and one that must not
	}{
		{"第二页", "group_2", "amount", "text"},
		{"第一页", "group", "text", "amount"},
		{"第二页", "group_2", "amount", "text"},
	}
	for _, c := range cases {
		test.TapCanvas(w.Canvas(), headerAbs(t, ed, c.header))
		if doc.Selected() != c.selected {
			t.Fatalf("clicking %s selected %q, want %q", c.header, doc.Selected(), c.selected)
		}
		if _, _, ok := ed.canvas.Rect(c.shown); !ok {
			t.Fatalf("after clicking %s, %s is not shown", c.header, c.shown)
		}
		if _, _, ok := ed.canvas.Rect(c.hidden); ok {
			t.Fatalf("after clicking %s, %s still shows", c.header, c.hidden)
		}
	}
	// The page forward stays forward when its block is rendered again.
	doc.Set(fromInspector, "amount", "props.label.zh", "金额改")
	if _, _, ok := ed.canvas.Rect("amount"); !ok {
		t.Fatal("an edit on the second page brought the first page back")
	}
	// The bar beyond the headers selects the tabs node itself.
	ed.canvas.measure()
	tabs := ed.canvas.nodeObject("tabs").(*container.AppTabs)
	end := abs(tabs).Add(fyne.NewPos(tabs.Size().Width-10, 8))
	test.TapCanvas(w.Canvas(), end)
	if doc.Selected() != "tabs" {
		t.Fatalf("clicking the empty bar selected %q", doc.Selected())
	}
}
