package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
	"guitai/dsl"
)

// Source is the JSON pane, in live two-way sync with the document: a
// well-formed edit of the text becomes operations on the document at once
// (one undo step per typing burst), even when the form it makes is not yet
// valid (an expression naming a field still to be added): its problems
// show under Problems. A malformed or mis-shaped one shows its line:column
// and leaves the document alone. Edits made elsewhere rewrite the text, keeping the
// cursor on the same line and column.
//
// The pane shows the selected node's subtree, or the whole form when the
// root or nothing is selected or "whole form" is ticked: Fyne's Entry
// slows down with tens of kilobytes of text, and a node's JSON is what one
// usually edits.
type Source struct {
	ed      *Editor
	entry   *widget.Entry
	status  *widget.Label
	whole   *widget.Check
	scopeL  *widget.Label
	scope   string // id of the node shown, "" for the whole form
	obj     fyne.CanvasObject
	writing bool // the text is being set from the document
	stale   bool // the document changed while the pane was hidden
	visible func() bool
	err     dsl.ErrorList
}

func newSource(ed *Editor) *Source {
	s := &Source{ed: ed, visible: func() bool { return true }}
	s.entry = widget.NewMultiLineEntry()
	s.entry.TextStyle = fyne.TextStyle{Monospace: true}
	s.entry.Wrapping = fyne.TextWrapOff
	s.entry.OnChanged = s.edited
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.scopeL = widget.NewLabel("")
	s.whole = widget.NewCheck("整个表单 Whole form", func(bool) { s.sync(true) })
	s.obj = container.NewBorder(container.NewBorder(nil, nil, nil, s.whole, s.scopeL), s.status, nil, nil, s.entry)
	return s
}

// Entry is the text editor, for tests.
func (s *Source) Entry() *widget.Entry { return s.entry }

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
	f, problems, err := s.decode(text)
	if err != nil {
		s.err = designer.Errors(err)
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
	s.err = nil
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
		s.err = designer.Errors(err)
		s.status.SetText("✗ " + err.Error() + " — 文档未改动 document unchanged")
		s.status.Importance = widget.DangerImportance
		s.status.Refresh()
		return
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
	f := s.ed.doc.Form().Clone()
	path := designer.PathOf(f, s.scope)
	if len(path) < 2 {
		return nil, nil, fmt.Errorf("node %s is gone", s.scope)
	}
	parent := f.Find(path[len(path)-2])
	for i, c := range parent.Children {
		if c.ID == s.scope {
			parent.Children[i] = n
		}
	}
	seen := map[string]bool{}
	var dup string
	f.Walk(func(_ []string, x *dsl.Node) bool {
		if seen[x.ID] && dup == "" {
			dup = x.ID
		}
		seen[x.ID] = true
		return true
	})
	if dup != "" {
		return nil, nil, dsl.ErrorList{{Code: dsl.CodeDuplicateID, Line: 1, Column: 1, Msg: fmt.Sprintf("id %q is already used in the form", dup)}}
	}
	return f, nil, nil
}

// sync rewrites the text from the document, keeping the cursor.
func (s *Source) sync(force bool) {
	if !force && !s.visible() {
		s.stale = true
		return
	}
	s.stale = false
	s.scope = s.wanted()
	if s.scope == "" {
		s.scopeL.SetText("表单 form " + s.ed.doc.Form().ID)
	} else {
		s.scopeL.SetText("节点 node " + s.scope)
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
	s.err = nil
	s.status.SetText("")
}

// show brings the text up to date when the pane is shown.
func (s *Source) show() {
	if s.stale {
		s.sync(true)
	}
}
