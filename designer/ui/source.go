package ui

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
	"guitai/dsl"
)

// Source is the JSON pane, in live two-way sync with the document.
//
// The selected node's subtree is edited as text: a well-formed edit
// becomes operations on the document at once (one undo step per typing
// burst), even when the form it makes is not yet valid (an expression
// naming a field still to be added): its problems show under Problems. A
// malformed or mis-shaped one shows its line:column and leaves the
// document alone. Edits made elsewhere rewrite the text, keeping the
// cursor on the same line and column.
//
// The whole form (the root or nothing selected, or "whole form" ticked)
// shows in a read view that builds only the lines in sight, so a form of
// thousands of lines opens and follows every edit at once: a click on a
// line selects its node, a double click edits that node's text, and
// "edit as text" opens the whole form in the editor (Fyne's Entry, which
// slows down with tens of kilobytes: fine for a form of ordinary size).
type Source struct {
	ed      *Editor
	entry   *widget.Entry
	view    *widget.List // the whole form, read only
	status  *widget.Label
	whole   *widget.Check
	editBtn *widget.Button
	scopeL  *widget.Label
	scope   string // id of the node shown, "" for the whole form
	editing bool   // the whole form is open as text in the entry
	obj     fyne.CanvasObject
	writing bool // the text is being set from the document
	stale   bool // the document changed while the pane was hidden
	visible func() bool
	err     dsl.ErrorList
	asked   *dialog.ConfirmDialog // the last question of Done on text that does not read

	// the read view's text, as of document change number viewAt
	viewAt  int
	raw     []byte
	lines   []string
	spans   []designer.Span
	spansOK bool
	hlFrom  int // highlighted lines (the selected node), -1 for none
	hlTo    int
}

func newSource(ed *Editor) *Source {
	s := &Source{ed: ed, visible: func() bool { return true }, viewAt: -1, hlFrom: -1, hlTo: -1}
	s.entry = widget.NewMultiLineEntry()
	s.entry.TextStyle = fyne.TextStyle{Monospace: true}
	s.entry.Wrapping = fyne.TextWrapOff
	s.entry.OnChanged = s.edited
	s.view = widget.NewList(func() int { return len(s.lines) }, s.newLine, s.updateLine)
	s.view.OnSelected = func(i widget.ListItemID) { // Space on a focused row
		s.view.UnselectAll()
		s.tapLine(i, true)
	}
	s.view.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.scopeL = widget.NewLabel("")
	s.scopeL.Truncation = fyne.TextTruncateEllipsis
	s.whole = widget.NewCheck("整个表单 Whole", func(bool) { s.sync(true) })
	s.editBtn = widget.NewButton("编辑全文 Edit text", func() { s.EditWhole(!s.editing) })
	s.editBtn.Importance = widget.LowImportance
	s.obj = container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(s.editBtn, s.whole), s.scopeL),
		s.status, nil, nil, container.NewStack(s.entry, s.view))
	return s
}

// EditWhole opens the whole form as text in the editor (true) or goes back
// to the read view. Going back from text that does not read (Done on an
// invalid draft) asks first: the text is not in the form, and going back
// drops it.
func (s *Source) EditWhole(on bool) {
	if !on && s.editing && len(s.err) > 0 {
		d := dialog.NewConfirm("文本有问题 The text has problems",
			fmt.Sprintf("JSON 文本有 %d 个问题，尚未进入表单。放弃这段文本？\nThe text has %d problem(s) and is not in the form.\nDiscard it and go back to the form as it is?", len(s.err), len(s.err)),
			func(discard bool) {
				if discard {
					s.ed.repair = ""
					s.editing = false
					s.sync(true)
					s.ed.title()
				} else {
					s.ed.win.Canvas().Focus(s.entry)
				}
			}, s.ed.win)
		d.SetConfirmText("放弃 Discard")
		d.SetDismissText("继续编辑 Keep editing")
		d.Show()
		s.asked = d
		return
	}
	if on {
		s.whole.Checked = true
		s.whole.Refresh()
	}
	s.editing = on
	s.sync(true)
}

// Reading reports whether the pane shows the whole form's read view.
func (s *Source) Reading() bool { return s.view.Visible() }

// Lines returns the read view's lines, for tests.
func (s *Source) Lines() []string { return s.lines }

// Highlighted returns the lines of the selected node in the read view,
// or -1, -1.
func (s *Source) Highlighted() (from, to int) { return s.hlFrom, s.hlTo }

// TapLine acts as a click (or with edit, a double click) on line i of the
// read view.
func (s *Source) TapLine(i int, edit bool) { s.tapLine(i, edit) }

// tapLine selects the node the line belongs to; edit opens its text with
// the caret on the line clicked, scrolled into sight.
func (s *Source) tapLine(i int, edit bool) {
	id := designer.NodeAtLine(s.nodeSpans(), i)
	doc := s.ed.doc
	if id == "" {
		id = doc.Form().Root.ID
	}
	row, clicked := i, ""
	if i >= 0 && i < len(s.lines) {
		clicked = s.lines[i]
	}
	if sp, ok := designer.SpanOf(s.nodeSpans(), id); ok && id != doc.Form().Root.ID {
		row = i - sp.From // the node's text starts at its span
	}
	doc.Select(fromJSON, id)
	s.sync(true) // fromJSON events skip this pane
	if !edit {
		return
	}
	if id != doc.Form().Root.ID {
		s.whole.SetChecked(false)
	} else {
		s.EditWhole(true)
	}
	s.caretOn(row, clicked)
}

// caretOn puts the editor's caret at the start of the text of line row,
// or of the line nearest to it that reads as clicked does (the node's text
// indented less than in the whole form), and scrolls it into sight.
func (s *Source) caretOn(row int, clicked string) {
	lines := strings.Split(s.entry.Text, "\n")
	want := strings.TrimSpace(clicked)
	best := -1
	for d := 0; d < len(lines) && best < 0; d++ {
		for _, r := range []int{row - d, row + d} {
			if r >= 0 && r < len(lines) && strings.TrimSpace(lines[r]) == want {
				best = r
				break
			}
		}
	}
	if best < 0 {
		best = min(max(row, 0), len(lines)-1)
	}
	line := []rune(lines[best])
	col := 0
	for col < len(line) && (line[col] == ' ' || line[col] == '\t') {
		col++
	}
	s.GotoLine(best+1, col+1)
}

func (s *Source) nodeSpans() []designer.Span {
	if !s.spansOK {
		s.spans = designer.NodeSpans(s.raw)
		s.spansOK = true
	}
	return s.spans
}

// sourceLine is one row of the read view: its number and text.
type sourceLine struct {
	widget.BaseWidget
	s    *Source
	i    int
	bg   *canvas.Rectangle
	num  *canvas.Text
	text *canvas.Text
}

func (s *Source) newLine() fyne.CanvasObject {
	l := &sourceLine{s: s, bg: canvas.NewRectangle(color.Transparent)}
	l.num = canvas.NewText("0000", theme.Color(theme.ColorNamePlaceHolder))
	l.num.TextStyle.Monospace = true
	l.num.Alignment = fyne.TextAlignTrailing
	l.text = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	l.text.TextStyle.Monospace = true
	l.ExtendBaseWidget(l)
	return l
}

func (s *Source) updateLine(i widget.ListItemID, o fyne.CanvasObject) {
	l := o.(*sourceLine)
	l.i = i
	if i >= len(s.lines) {
		return
	}
	l.num.Text = strconv.Itoa(i + 1)
	l.text.Text = strings.ReplaceAll(s.lines[i], "\t", "    ")
	if i >= s.hlFrom && i <= s.hlTo {
		l.bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		l.bg.FillColor = color.Transparent
	}
	l.Refresh()
}

// Tapped selects the line's node.
func (l *sourceLine) Tapped(*fyne.PointEvent) { l.s.tapLine(l.i, false) }

// DoubleTapped edits the line's node as text.
func (l *sourceLine) DoubleTapped(*fyne.PointEvent) { l.s.tapLine(l.i, true) }

// CreateRenderer is a private method to Fyne which links this widget to its
// renderer.
func (l *sourceLine) CreateRenderer() fyne.WidgetRenderer { return &sourceLineRenderer{l: l} }

type sourceLineRenderer struct{ l *sourceLine }

// numWidth is the width of the line-number gutter.
func (r *sourceLineRenderer) numWidth() float32 {
	return fyne.MeasureText("00000", r.l.num.TextSize, r.l.num.TextStyle).Width
}

func (r *sourceLineRenderer) Layout(size fyne.Size) {
	r.l.bg.Resize(size)
	w := r.numWidth()
	h := r.l.text.MinSize().Height
	r.l.num.Resize(fyne.NewSize(w, h))
	r.l.num.Move(fyne.NewPos(0, (size.Height-h)/2))
	r.l.text.Move(fyne.NewPos(w+theme.Padding()*2, (size.Height-h)/2))
	r.l.text.Resize(fyne.NewSize(max(size.Width-w-theme.Padding()*2, 0), h))
}

func (r *sourceLineRenderer) MinSize() fyne.Size {
	return fyne.NewSize(r.numWidth()+theme.Padding()*2+40, r.l.text.MinSize().Height)
}

func (r *sourceLineRenderer) Refresh() {
	r.l.num.Refresh()
	r.l.text.Refresh()
	r.l.bg.Refresh()
	r.Layout(r.l.Size())
}

func (r *sourceLineRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.l.bg, r.l.num, r.l.text}
}

func (r *sourceLineRenderer) Destroy() {}

// Entry is the text editor, for tests.
func (s *Source) Entry() *widget.Entry { return s.entry }

// setErr keeps the problems of the text that does not read (nil when it
// does) and lists them under Problems.
func (s *Source) setErr(errs dsl.ErrorList) {
	if len(errs) == 0 && len(s.err) == 0 {
		return
	}
	s.err = errs
	if s.ed.problems != nil {
		s.ed.problems.setText(errs)
	}
}

// SetText puts text in the editor as if typed there: it becomes the
// form (or the selected node) when it reads, else its problems show.
func (s *Source) SetText(text string) { s.entry.SetText(text) }

// GotoLine puts the editor's caret at line and column (1-based, in
// characters) and scrolls it into sight.
func (s *Source) GotoLine(line, col int) {
	lines := strings.Split(s.entry.Text, "\n")
	row := min(max(line-1, 0), len(lines)-1)
	s.entry.CursorRow = row
	s.entry.CursorColumn = min(max(col-1, 0), len([]rune(lines[row])))
	s.entry.Refresh()
	s.ed.win.Canvas().Focus(s.entry)
}

// Problem returns the error shown for the text, or "".
func (s *Source) Problem() string {
	if len(s.err) == 0 {
		return ""
	}
	return s.status.Text
}

func (s *Source) edited(text string) {
	if s.writing {
		return
	}
	s.ed.scheduleAutosave() // text that does not read is kept as typed
	f, problems, err := s.decode(text)
	if err != nil {
		s.setErr(designer.CharColumns(designer.Errors(err), []byte(text)))
		e := s.err[0]
		more := ""
		if len(s.err) > 1 {
			more = fmt.Sprintf(" (+%d)", len(s.err)-1)
		}
		s.status.SetText(fmt.Sprintf("✗ %d:%d: %s %s%s — 文档未改动 document unchanged", e.Line, e.Column, e.Pointer, e.Msg, more))
		s.status.Importance = widget.DangerImportance
		s.status.Refresh()
		return
	}
	s.setErr(nil)
	if len(problems) > 0 {
		s.status.SetText(fmt.Sprintf("✓ 已同步，%d 个问题见问题列表 in sync, %d problem(s) under Problems", len(problems), len(problems)))
		s.status.Importance = widget.WarningImportance
	} else {
		s.status.SetText("✓ 已同步 in sync")
		s.status.Importance = widget.SuccessImportance
	}
	s.status.Refresh()
	err = s.ed.doc.Replace(fromJSON, f, "json")
	s.ed.report(err)
	if err != nil {
		s.setErr(designer.Errors(err))
		s.status.SetText("✗ " + err.Error() + " — 文档未改动 document unchanged")
		s.status.Importance = widget.DangerImportance
		s.status.Refresh()
		return
	}
	if s.ed.repair != "" {
		// The broken file's text reads now: it is the form, and Save
		// writes it back to its file.
		s.ed.doc.Path, s.ed.repair = s.ed.repair, ""
		s.ed.title()
	}
	if s.scope != "" && f.Find(s.scope) == nil {
		// The node was renamed in the text: follow it.
		var n *dsl.Node
		n, _ = dsl.DecodeNode([]byte(text))
		s.scope = n.ID
		s.ed.doc.Select(fromJSON, n.ID)
	}
}

// wanted is the id of the node the pane should show, "" for the form.
func (s *Source) wanted() string {
	doc := s.ed.doc
	id := doc.Selected()
	if s.whole.Checked || id == "" || id == doc.Form().Root.ID {
		return ""
	}
	return id
}

// text is the JSON the pane shows for its scope.
func (s *Source) text() string {
	if s.scope == "" {
		return string(s.ed.doc.Bytes())
	}
	n := s.ed.doc.Form().Find(s.scope)
	if n == nil {
		return ""
	}
	return string(dsl.EncodeNode(n)) + "\n"
}

// decode reads the pane's text as a whole form, or as the scoped node
// put in its place in a copy of the form. A whole form that is well-formed
// but invalid comes back with its validation problems; err refuses the
// text.
func (s *Source) decode(text string) (*dsl.Form, dsl.ErrorList, error) {
	if s.scope == "" {
		f, errs := dsl.DecodeLenient([]byte(text))
		if f == nil {
			return nil, nil, errs
		}
		return f, errs, nil
	}
	n, err := dsl.DecodeNode([]byte(text))
	if err != nil {
		return nil, nil, err
	}
	f := designer.WithNode(s.ed.doc.Form(), s.scope, n)
	if f == nil {
		return nil, nil, fmt.Errorf("node %s is gone", s.scope)
	}
	seen := map[string]bool{}
	var dup string
	var walk func(x *dsl.Node)
	walk = func(x *dsl.Node) {
		if seen[x.ID] && dup == "" {
			dup = x.ID
		}
		seen[x.ID] = true
		for _, k := range x.Children {
			walk(k)
		}
	}
	walk(f.Root)
	if dup != "" {
		return nil, nil, dsl.ErrorList{{Code: dsl.CodeDuplicateID, Line: 1, Column: 1, Msg: fmt.Sprintf("id %q is already used in the form", dup)}}
	}
	return f, nil, nil
}

// sync shows the document: the read view of the whole form, or the
// text of the node (or, editing, of the whole form) with the cursor kept.
func (s *Source) sync(force bool) {
	if !force && !s.visible() {
		s.stale = true
		return
	}
	s.stale = false
	if s.ed.repair != "" && s.editing && s.entry.Visible() {
		return // the text of a file being repaired stays until it reads
	}
	s.scope = s.wanted()
	if s.scope != "" {
		s.editing = false
	}
	reading := s.scope == "" && !s.editing
	s.editBtn.Hidden = s.scope != ""
	// Set only what changed: a truncating label shapes its text afresh
	// on every SetText, even the same text.
	btn := "编辑全文 Edit text"
	if s.editing {
		btn = "完成 Done"
	}
	if s.editBtn.Text != btn {
		s.editBtn.SetText(btn)
	}
	scope := "节点 node " + s.scope
	if s.scope == "" {
		scope = "表单 " + s.ed.doc.Form().ID
	}
	if s.scopeL.Text != scope {
		s.scopeL.SetText(scope)
	}
	if reading {
		s.read()
		return
	}
	if !s.entry.Visible() {
		s.view.Hide()
		s.entry.Show()
	}
	text := s.text()
	if text == s.entry.Text {
		return
	}
	row, col := s.entry.CursorRow, s.entry.CursorColumn
	s.writing = true
	s.entry.SetText(text)
	s.writing = false
	lines := strings.Split(text, "\n")
	if row >= len(lines) {
		row = len(lines) - 1
	}
	if row < 0 {
		row = 0
	}
	s.entry.CursorRow = row
	s.entry.CursorColumn = min(col, len([]rune(lines[row])))
	s.entry.Refresh()
	s.setErr(nil)
	if s.status.Text != "" {
		s.status.SetText("")
	}
}

// read brings the read view up to date: its lines when the form changed
// (only the rows in sight are redrawn), and the selected node's lines
// highlighted and scrolled into sight.
func (s *Source) read() {
	shown := false
	if s.entry.Visible() || !s.view.Visible() {
		shown = true
		s.entry.Hide()
		s.writing = true
		s.entry.SetText("") // the entry keeps no copy of a big form
		s.writing = false
		s.view.Show()
		s.setErr(nil)
		s.status.SetText("单击选中 click selects · 双击编辑该节点 double-click edits the node")
		s.status.Importance = widget.MediumImportance
		s.status.Refresh()
	}
	doc := s.ed.doc
	changed := false
	if at := doc.Changes(); at != s.viewAt || s.raw == nil {
		s.viewAt = at
		s.raw = doc.Bytes()
		s.lines = strings.Split(strings.TrimSuffix(string(s.raw), "\n"), "\n")
		s.spansOK = false
		changed = true
	}
	from, to := -1, -1
	if id := doc.Selected(); id != "" && id != doc.Form().Root.ID {
		if sp, ok := designer.SpanOf(s.nodeSpans(), id); ok {
			from, to = sp.From, sp.To
		}
	}
	moved := from != s.hlFrom || to != s.hlTo
	s.hlFrom, s.hlTo = from, to
	if changed || moved {
		s.view.Refresh()
	}
	if (moved || shown) && from >= 0 {
		// The node's first line near the top, a little context above.
		if shown {
			s.view.Resize(s.entry.Size()) // the stack sizes only what shows
		}
		row := s.newLine().MinSize().Height + theme.Padding() // as the list spaces rows
		s.view.ScrollToOffset(float32(max(from-2, 0)) * row)
	}
}

// show brings the text up to date when the pane is shown.
func (s *Source) show() {
	if s.stale {
		s.sync(true)
	}
}
