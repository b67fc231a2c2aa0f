package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
	"guitai/dsl"
	"guitai/release"
	"guitai/state"
	"guitai/widgets"
)

// Problems lists every validation problem of the form; choosing one
// selects its node. Before them come the problems of the JSON source's
// text while it does not read; choosing one puts the caret on it.
type Problems struct {
	ed    *Editor
	list  *widget.List
	items []designer.Problem
	text  dsl.ErrorList // the JSON source's text that does not read, listed first
	shown bool          // the title and list show items
	title *widget.Label
	obj   fyne.CanvasObject
}

func newProblems(ed *Editor) *Problems {
	p := &Problems{ed: ed}
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.list = widget.NewList(
		func() int { return len(p.text) + len(p.items) },
		func() fyne.CanvasObject { return newLineText("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.text) {
				o.(*lineText).SetText(textProblem(p.text[i]))
			} else if i -= len(p.text); i < len(p.items) {
				o.(*lineText).SetText(problemText(p.items[i]))
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.text) {
			e := p.text[i]
			ed.ShowSource(true)
			ed.source.GotoLine(e.Line, e.Column)
			p.list.UnselectAll()
			return
		}
		i -= len(p.text)
		if i < len(p.items) {
			pr := p.items[i]
			id := pr.Node
			if id == "" {
				id = ed.doc.Form().Root.ID
			}
			ed.doc.Select(fromProblems, id)
		}
		p.list.UnselectAll()
	}
	p.obj = container.NewBorder(p.title, nil, nil, nil, p.list)
	return p
}

func problemText(p designer.Problem) string {
	where := p.Node
	if where == "" {
		where = "表单 form"
	}
	return fmt.Sprintf("✗ %s  %s: %s", where, p.Pointer, p.Msg)
}

// textProblem is the line of a problem of the JSON source's text.
func textProblem(e *dsl.Error) string {
	return fmt.Sprintf("✗ 源码 JSON %d:%d  %s: %s", e.Line, e.Column, e.Pointer, e.Msg)
}

// setText lists the problems of the JSON source's text that does not
// read (nil when it does), before the form's own.
func (p *Problems) setText(errs dsl.ErrorList) {
	p.text = errs
	p.shown = false
	p.sync()
}

// TextProblems returns the problems of the JSON source's text shown, for
// tests.
func (p *Problems) TextProblems() dsl.ErrorList { return p.text }

// Items returns the problems shown, for tests.
func (p *Problems) Items() []designer.Problem { return p.items }

// Select acts as a click on problem i.
func (p *Problems) Select(i int) { p.list.Select(i) }

func (p *Problems) sync() {
	items := p.ed.doc.Problems()
	same := p.shown && len(items) == len(p.items)
	for i := 0; same && i < len(items); i++ {
		same = problemText(items[i]) == problemText(p.items[i])
	}
	p.items = items
	if same {
		return // what shows is what would show: refresh nothing
	}
	p.shown = true
	if n := len(p.text) + len(p.items); n == 0 {
		p.title.SetText("✓ 没有问题 No problems")
		p.title.Importance = widget.SuccessImportance
	} else {
		p.title.SetText(fmt.Sprintf("问题 Problems (%d)", n))
		p.title.Importance = widget.DangerImportance
	}
	p.title.Refresh()
	p.list.Refresh()
}

// Preview runs the form in the runtime renderer: rules, visibility and
// computed fields work live; submit validates and shows what would be
// posted, posting nothing.
type Preview struct {
	ed   *Editor
	host *fyne.Container
	form *widgets.Form
	bus  *state.Bus
	obj  fyne.CanvasObject
	// LastSubmit is the text of the last dry run, for tests.
	LastSubmit string
}

func newPreview(ed *Editor) *Preview {
	p := &Preview{ed: ed, bus: state.NewBus()}
	p.host = container.NewStack()
	p.obj = container.NewVScroll(container.NewPadded(p.host))
	return p
}

// Form is the live preview form, or nil.
func (p *Preview) Form() *widgets.Form { return p.form }

// run renders the current form afresh.
func (p *Preview) run() {
	if p.form != nil {
		p.form.Close()
		p.form = nil
	}
	p.bus.Drop("preview")
	def := p.ed.doc.Form().Clone()
	f, err := widgets.Render(def, p.bus.Scope("preview"), widgets.Options{
		Lang:     p.ed.lang,
		OnAction: p.action,
		Image:    func(string) fyne.Resource { return nil },
	})
	if err != nil {
		l := widget.NewLabel("预览需要先修正问题 Fix the problems to preview:\n" + err.Error())
		l.Wrapping = fyne.TextWrapWord
		p.host.Objects = []fyne.CanvasObject{l}
		p.host.Refresh()
		return
	}
	p.form = f
	bar := container.NewHBox(
		widget.NewButton("示例值 Sample values", p.Sample),
		widget.NewButton("试提交 Dry-run submit", func() { p.action("submit") }),
		widget.NewButton("清空 Clear", func() { p.action("clear") }),
	)
	p.host.Objects = []fyne.CanvasObject{container.NewBorder(nil, bar, nil, nil, f.Object())}
	p.host.Refresh()
}

// Sample fills the preview with sample values (see designer.SampleValues);
// rules and computed fields follow them at once.
func (p *Preview) Sample() {
	if p.form == nil {
		return
	}
	for k, v := range designer.SampleValues(p.form.Def) {
		_ = p.form.Scope.Set(k, v)
	}
}

// publishProblems are what publishing the form would be refused for
// against the editor's catalog (release.FormProblems); none without a
// catalog to check against.
func (p *Preview) publishProblems() []error {
	if p.ed.doc.Catalog == nil {
		return nil
	}
	return release.FormProblems([]*dsl.Form{p.ed.doc.Form()}, p.ed.doc.Catalog)
}

func (p *Preview) action(a string) {
	if p.form == nil {
		return
	}
	switch a {
	case "submit":
		if v := p.form.Validate(); len(v) > 0 {
			msgs := make([]string, len(v))
			for i, x := range v {
				msgs[i] = x.Error()
			}
			p.LastSubmit = "✗ " + strings.Join(msgs, "\n")
		} else {
			vals := p.form.Values()
			keys := make([]string, 0, len(vals))
			for k := range vals {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var b strings.Builder
			txn := "(none)"
			if s := p.ed.doc.Form().Submit; s != nil {
				txn = s.Txn
			}
			fmt.Fprintf(&b, "试运行，未过账 Dry run, nothing posted\ntxn: %s\n", txn)
			for _, k := range keys {
				fmt.Fprintf(&b, "%s = %v\n", k, vals[k])
			}
			// What a publish would be refused for, said now.
			if probs := p.publishProblems(); len(probs) > 0 {
				b.WriteString("\n✗ 发布将被拒绝 Publish would be refused:\n")
				for _, e := range probs {
					fmt.Fprintf(&b, "  %v\n", e)
				}
			}
			p.LastSubmit = b.String()
		}
		p.ed.inform("试提交 Dry run", p.LastSubmit)
	case "clear":
		p.form.Clear()
	}
}
