package ui

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"guitai/internal/screenshot"
)

// Screenshots drives the window through a short editing session on the
// form it holds, capturing the X screen (import -window root) mid-edit
// into dir: a selection, a palette drag with its insertion marker, the
// problems panel, the JSON pane with an invalid and a valid edit, and the
// preview. It runs on its own goroutine and calls done at the end.
func (ed *Editor) Screenshots(dir string, done func(error)) {
	go func() { done(ed.screenshots(dir)) }()
}

func (ed *Editor) screenshots(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	settle := func() { time.Sleep(500 * time.Millisecond) }
	shot := func(name string) error {
		settle()
		path := filepath.Join(dir, name+".png")
		_, _, err := screenshot.Capture(path, image.Rectangle{})
		return err
	}
	settle()
	pick := func(ids ...string) string {
		for _, id := range ids {
			if ed.doc.Form().Find(id) != nil {
				return id
			}
		}
		return ed.doc.Form().Root.ID
	}
	fyne.DoAndWait(func() { ed.doc.Select(fromCanvas, pick("amount", "account")) })
	if err := shot("1-selection"); err != nil {
		return err
	}
	// A palette item held over the canvas, half-way through a drag.
	fyne.DoAndWait(func() {
		it := ed.palette.Item("text")
		pos, size, _ := ed.canvas.Rect(pick("amount", "account"))
		abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(ed.canvas.glass).Add(pos).Add(fyne.NewPos(size.Width+12, size.Height/2))
		it.active = true
		it.Refresh()
		ed.canvas.DragOver("text", abs)
	})
	if err := shot("2-drag-marker"); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		ed.palette.Item("text").DragEnd()
	})
	if err := shot("3-dropped"); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		id := ed.doc.Selected()
		ed.doc.Set(fromInspector, id, "visibleWhen", "amont > 100")
		ed.doc.Set(fromInspector, id, "props.label.zh", "")
		ed.inspector.sync()
	})
	if err := shot("4-problems"); err != nil {
		return err
	}
	// The selected node's JSON, broken: the error's line and column.
	fyne.DoAndWait(func() {
		ed.ShowSource(true)
		e := ed.source.Entry()
		e.SetText(strings.Replace(e.Text, `"type"`, `"type" 1,`, 1))
	})
	if err := shot("5-json-invalid"); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		ed.doc.Undo()
		ed.doc.Undo()
		ed.source.sync(true)
		e := ed.source.Entry()
		e.SetText(strings.Replace(e.Text, `"zh": "`, `"zh": "新·`, 1))
	})
	if err := shot("6-json-valid"); err != nil {
		return err
	}
	// The whole form's read view, the selected node's lines lit.
	fyne.DoAndWait(func() {
		ed.doc.Select(fromKeys, pick("memo", "amount"))
		ed.source.whole.SetChecked(true)
	})
	if err := shot("6b-json-whole"); err != nil {
		return err
	}
	fyne.DoAndWait(func() { ed.source.whole.SetChecked(false) })
	fyne.DoAndWait(func() { ed.ShowSource(false); ed.ShowPreview(true) })
	if err := shot("7-preview"); err != nil {
		return err
	}
	// The form's inspector with the binding editor, a param unmapped.
	fyne.DoAndWait(func() {
		ed.ShowPreview(false)
		if ed.doc.Form().Find("memo") != nil {
			ed.doc.Set(fromInspector, "memo", "bind", "remark")
		}
		ed.doc.Select(fromKeys, ed.doc.Form().Root.ID)
	})
	// Down to the bindings and the lookups under them.
	fyne.DoAndWait(func() {
		if sc, ok := ed.inspector.obj.(*container.Scroll); ok {
			sc.ScrollToBottom()
		}
	})
	if err := shot("8-bindings"); err != nil {
		return err
	}
	// A row of the outline half-way through a drag onto another.
	fyne.DoAndWait(func() {
		ed.doc.Select(fromKeys, pick("memo", "amount"))
		var from, to *treeRow
		d := fyne.CurrentApp().Driver()
		for _, r := range ed.outline.rows {
			if r.id == "" || !r.Visible() || d.CanvasForObject(r) == nil {
				continue
			}
			if r.id == pick("memo", "amount") {
				from = r
			}
			if r.id == pick("amount", "account") {
				to = r
			}
		}
		if from != nil && to != nil {
			a := d.AbsolutePositionForObject(from).Add(fyne.NewPos(20, 10))
			b := d.AbsolutePositionForObject(to).Add(fyne.NewPos(20, 3))
			from.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 10)}, Dragged: fyne.NewDelta(b.X-a.X, b.Y-a.Y)})
		}
	})
	if err := shot("9-tree-drag"); err != nil {
		return err
	}
	return nil
}
