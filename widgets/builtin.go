package widgets

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/money"
)

func init() {
	Register("form", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		return Element{Object: container.NewVBox(kids...)}
	})
	Register("group", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		var body fyne.CanvasObject
		if cols := n.PropInt("columns", 1); cols > 1 {
			body = c.grid(cols, kids...)
		} else {
			body = container.NewVBox(kids...)
		}
		return Element{Object: NewGroupBox(c.T(n.PropText("title")), body)}
	})
	Register("row", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		return Element{Object: c.grid(len(kids), kids...)}
	})
	Register("column", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		return Element{Object: container.NewVBox(kids...)}
	})
	Register("grid", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		return Element{Object: c.grid(n.PropInt("columns", 2), kids...)}
	})
	Register("tabs", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		tabs := container.NewAppTabs()
		for i, k := range kids {
			child := n.Children[i]
			title := c.T(child.PropText("title"))
			if title == "" {
				title = child.ID
			}
			tabs.Append(container.NewTabItem(title, k))
		}
		return Element{Object: tabs}
	})
	Register("split", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		for len(kids) < 2 {
			kids = append(kids, layout.NewSpacer())
		}
		var s *container.Split
		if n.PropString("direction") == "vertical" {
			s = container.NewVSplit(kids[0], container.NewVBox(kids[1:]...))
		} else {
			s = container.NewHSplit(kids[0], container.NewVBox(kids[1:]...))
		}
		s.Offset = n.PropFloat("offset", 0.5)
		return Element{Object: s}
	})
	Register("scroll", func(c *Context, n *dsl.Node, kids []fyne.CanvasObject) Element {
		sc := container.NewVScroll(container.NewVBox(kids...))
		return Element{Object: container.New(&minHeight{h: float32(n.PropInt("height", 240))}, sc)}
	})

	text := func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		f := newTextField(c, n)
		return Element{Object: f.box, Field: f}
	}
	for _, t := range []string{"text", "textarea", "password", "number", "phone", "date"} {
		Register(t, text)
	}
	choice := func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		f := newChoiceField(c, n)
		return Element{Object: f.box, Field: f}
	}
	Register("select", choice)
	Register("radio", choice)
	Register("check", func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		f := newCheckField(c, n)
		return Element{Object: f.box, Field: f}
	})
	Register("amount", func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		f := newAmountField(c, n)
		return Element{Object: f.w, Field: f}
	})
	Register("account", func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		f := newAccountField(c, n)
		return Element{Object: f.w, Field: f}
	})
	Register("idcard", func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		f := newIDField(c, n)
		return Element{Object: f.w, Field: f}
	})
	Register("seal", newSealElement)
	Register("label", newLabelElement)
	Register("button", func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		action := n.PropString("action")
		title := c.T(n.PropText("text"))
		if title == "" {
			title = c.T(actionTitles[action])
		}
		b := widget.NewButton(title, func() { c.Do(action) })
		switch n.PropString("importance") {
		case "high":
			b.Importance = widget.HighImportance
		case "low":
			b.Importance = widget.LowImportance
		}
		return Element{Object: container.NewHBox(b)}
	})
	Register("image", func(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
		h := float32(n.PropInt("height", 120))
		src := n.PropString("src")
		if res := c.image(src); res != nil {
			img := canvas.NewImageFromResource(res)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSize(h, h))
			return Element{Object: img}
		}
		box := canvas.NewRectangle(color.Transparent)
		box.StrokeColor = theme.Color(theme.ColorNameSeparator)
		box.StrokeWidth = 1
		box.SetMinSize(fyne.NewSize(h, h))
		return Element{Object: container.NewStack(box, container.NewCenter(widget.NewLabel(src)))}
	})
	Register("table", newTableElement)
}

var actionTitles = map[string]dsl.Text{
	"submit":   {Zh: "提交", En: "Submit"},
	"cancel":   {Zh: "取消", En: "Cancel"},
	"clear":    {Zh: "清空", En: "Clear"},
	"readCard": {Zh: "读卡", En: "Read card"},
	"query":    {Zh: "查询", En: "Query"},
}

// labelField shows a bound key's value; it takes no input.
type labelField struct {
	hooks
	label *widget.Label
	v     any
}

// Value is the value shown (never posted: labels are display-only), so
// that deleting the key clears the label.
func (f *labelField) Value() any { return f.v }
func (f *labelField) SetValue(v any) {
	f.v = v
	f.label.SetText(display(v))
}
func (f *labelField) SetError(string)           {}
func (f *labelField) SetEnabled(bool)           {}
func (f *labelField) Focusable() fyne.Focusable { return nil }

// display formats a state value for a label or a table cell.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case money.Fen:
		return x.Grouped()
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func newLabelElement(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
	l := widget.NewLabel(c.T(n.PropText("text")))
	l.Wrapping = fyne.TextWrapWord
	switch n.PropString("style") {
	case "heading":
		l.SizeName = theme.SizeNameSubHeadingText
		l.TextStyle.Bold = true
	case "strong":
		l.TextStyle.Bold = true
	case "muted":
		l.Importance = widget.LowImportance
	case "money":
		l.TextStyle.Bold = true
		l.Importance = widget.HighImportance
	}
	el := Element{Object: l, Text: l.SetText}
	if l.Importance == widget.LowImportance && n.Bind == "" {
		// A muted note is drawn in the placeholder colour of the hint lines
		// under the fields. A Label's LowImportance is the disabled colour
		// (#e3e3e3 on white, about 1.3:1), which no teller can read.
		seg := &widget.TextSegment{Text: l.Text, Style: widget.RichTextStyle{
			ColorName: theme.ColorNamePlaceHolder, Inline: true, SizeName: theme.SizeNameText}}
		rt := widget.NewRichText(seg)
		rt.Wrapping = fyne.TextWrapWord
		el.Object = rt
		el.Text = func(s string) {
			seg.Text = s
			rt.Refresh()
		}
	}
	if n.Bind != "" {
		el.Field = &labelField{label: l}
	}
	return el
}

// tableField shows rows of a bound key in a read-only table.
type tableField struct {
	hooks
	cols   []dsl.Column
	lang   string
	rows   []map[string]any
	table  *widget.Table
	widths []float32 // each column's width, as fit set it
}

// Value is the rows shown, nil when there are none (so clearing the key
// empties the table).
func (f *tableField) Value() any {
	if len(f.rows) == 0 {
		return nil
	}
	return f.rows
}

func (f *tableField) SetError(string)           {}
func (f *tableField) SetEnabled(bool)           {}
func (f *tableField) Focusable() fyne.Focusable { return nil }

func (f *tableField) SetValue(v any) {
	f.rows = f.rows[:0]
	switch x := v.(type) {
	case []map[string]any:
		f.rows = append(f.rows, x...)
	case []any:
		for _, r := range x {
			if m, ok := r.(map[string]any); ok {
				f.rows = append(f.rows, m)
			}
		}
	}
	f.fit()
	f.table.Refresh()
}

// maxColumnWidth bounds how wide a column grows to fit its cells.
const maxColumnWidth = 360

// fit widens each column to its widest caption or cell (up to
// maxColumnWidth), so a 19-digit account or a long name is not cut.
func (f *tableField) fit() {
	size, pad := theme.TextSize(), theme.InnerPadding()*2
	f.widths = f.widths[:0]
	for i, col := range f.cols {
		w := float32(120)
		if col.Kind == "money" {
			w = 150
		}
		w = max(w, fyne.MeasureText(col.Title.In(f.lang), size, fyne.TextStyle{Bold: true}).Width+pad)
		for _, r := range f.rows {
			w = max(w, fyne.MeasureText(f.cell(col, r[col.Key]), size, fyne.TextStyle{}).Width+pad)
		}
		w = min(w, maxColumnWidth)
		f.table.SetColumnWidth(i, w)
		f.widths = append(f.widths, w)
	}
}

// cell is the text a cell shows.
func (f *tableField) cell(col dsl.Column, v any) string {
	if col.Kind == "money" {
		if fen, ok := moneyOf(v); ok {
			return fen.Grouped()
		}
	}
	return display(v)
}

func newTableElement(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
	f := &tableField{cols: n.PropColumns("columns"), lang: c.Lang}
	f.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(f.rows), len(f.cols) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			col := f.cols[id.Col]
			if col.Kind == "money" {
				l.Alignment = fyne.TextAlignTrailing
			} else {
				l.Alignment = fyne.TextAlignLeading
			}
			l.SetText(f.cell(col, f.rows[id.Row][col.Key]))
		})
	f.table.ShowHeaderColumn = false
	f.table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle.Bold = true
		return l
	}
	f.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row == -1 && id.Col >= 0 && id.Col < len(f.cols) {
			o.(*widget.Label).SetText(f.cols[id.Col].Title.In(c.Lang))
		}
	}
	f.fit()
	h := float32(n.PropInt("height", 200))
	obj := container.New(&minHeight{h: h}, f.table)
	return Element{Object: obj, Field: f}
}

// moneyOf reads an amount from a table cell: fen as money.Fen or int64, or
// a decimal string.
func moneyOf(v any) (money.Fen, bool) {
	switch x := v.(type) {
	case money.Fen:
		return x, true
	case int64:
		return money.Fen(x), true
	case int:
		return money.Fen(x), true
	case string:
		f, err := money.Parse(x)
		return f, err == nil
	}
	return 0, false
}

func newSealElement(c *Context, n *dsl.Node, _ []fyne.CanvasObject) Element {
	cheque, seal, err := c.Seal(n.PropString("specimen"))
	if err != nil {
		l := widget.NewLabel(c.T(dsl.Text{Zh: "印鉴无法显示：", En: "Seal unavailable: "}) + err.Error())
		l.Importance = widget.DangerImportance
		return Element{Object: l}
	}
	return Element{Object: NewSealViewer(cheque, seal)}
}
