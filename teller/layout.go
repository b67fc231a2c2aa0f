package teller

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
)

// layoutPane builds the window's content and holds its parts: the
// navigator on the left (the code box, the search box and the menu), the
// header on the right (the title and the tool buttons) over the host that
// shows the open form or screen, and the status line along the bottom (the
// summary's, which it only places).
//
// It asks the session for what it does not hold through layoutSession:
// the keys typed in its inputs, and the forms chosen in its navigator.
type layoutPane struct {
	win     fyne.Window
	session layoutSession
	lang    string
	forms   []*dsl.Form
	keys    map[*dsl.Form]searchKey // each form's search key, made once

	code   *shellEntry
	search *shellEntry
	nav    *navTree
	groups []navGroup // what the navigator shows (after search)
	host   *fyne.Container
	title  *widget.Label
	header *fyne.Container // the title and the tool buttons (newHeader)
}

// keySink takes the function keys and the activity of the window's own
// inputs (the code box, the search box, the menu).
type keySink interface {
	functionKey(k *fyne.KeyEvent) bool
	touch()
}

// layoutSession is what the layout asks of the session around it.
type layoutSession interface {
	keySink
	// open shows a form chosen in the navigator or the search box.
	open(def *dsl.Form)
	// openCode opens the form of a code typed in the code box.
	openCode(code string)
	// currentDef is the open form's definition, or nil.
	currentDef() *dsl.Form
}

// newLayout makes the layout of forms (in code order) for win; build
// makes its content.
func newLayout(win fyne.Window, forms []*dsl.Form, session layoutSession) *layoutPane {
	l := &layoutPane{win: win, session: session, forms: forms, keys: map[*dsl.Form]searchKey{}}
	for _, f := range forms {
		l.keys[f] = newSearchKey(f)
	}
	return l
}

// setForms makes forms (in code order) the ones the navigator shows, in
// place of the last ones: the menu shows them at once, filtered by the
// search typed, a category new to it open.
func (l *layoutPane) setForms(forms []*dsl.Form) {
	keys := make(map[*dsl.Form]searchKey, len(forms))
	for _, f := range forms {
		if k, ok := l.keys[f]; ok {
			keys[f] = k
		} else {
			keys[f] = newSearchKey(f)
		}
	}
	l.forms, l.keys = forms, keys
	if l.nav == nil {
		return
	}
	shown := map[string]bool{}
	for _, g := range l.groups {
		shown[g.Key] = true
	}
	l.groups = groupForms(l.forms, l.keys, l.search.Text)
	l.nav.Refresh()
	for _, g := range l.groups {
		if !shown[g.Key] {
			l.nav.OpenBranch(g.Key)
		}
	}
}

// t is zh or en, in the layout's language.
func (l *layoutPane) t(zh, en string) string {
	if l.lang == "en" {
		return en
	}
	return zh
}

// build makes the window's content in lang, with tools in the header and
// statusLine along the bottom, and returns it.
func (l *layoutPane) build(lang string, tools []headerTool, statusLine fyne.CanvasObject) fyne.CanvasObject {
	l.lang = lang
	nav := l.buildNavigator()
	l.buildHeader(tools)
	l.host = container.NewStack()
	right := container.NewBorder(l.header, nil, nil, nil, l.host)
	// The navigator keeps its width: a wide form scrolls in the host
	// rather than push the divider over the menu.
	split := container.NewHSplit(container.New(&minWidth{w: 200 * textScale()}, nav), right)
	split.Offset = 0.22
	return container.NewBorder(nil, statusLine, nil, nil, split)
}

// buildNavigator makes the code box, the search box and the menu under
// them.
func (l *layoutPane) buildNavigator() fyne.CanvasObject {
	l.code = newShellEntry(l.session)
	l.code.SetPlaceHolder(l.t("交易码 F2", "Code F2"))
	l.code.OnSubmitted = func(code string) { l.session.openCode(strings.TrimSpace(code)) }
	l.search = newShellEntry(l.session)
	l.search.SetPlaceHolder(l.t("搜索 F3", "Search F3"))
	l.search.OnChanged = func(q string) { l.filter(q) }
	l.search.OnSubmitted = func(string) { l.openFirst() }
	l.groups = groupForms(l.forms, l.keys, "")
	l.nav = l.newNavigator()
	return container.NewBorder(
		container.NewVBox(container.NewGridWithColumns(2, l.code, l.search)), nil, nil, nil, l.nav)
}

// buildHeader makes the header: the title, then the tool buttons.
func (l *layoutPane) buildHeader(tools []headerTool) {
	l.title = widget.NewLabel("")
	l.title.TextStyle = fyne.TextStyle{Bold: true}
	l.title.SizeName = theme.SizeNameSubHeadingText
	l.title.Truncation = fyne.TextTruncateEllipsis
	l.header = newHeader(l.title, tools)
}

// setTitle shows the title in the header and lays the header out again:
// whether the tool buttons keep their captions depends on the title's
// length, which the header's least width (the title is cut at need) does
// not tell Fyne.
func (l *layoutPane) setTitle(text string) {
	l.title.SetText(text)
	l.header.Refresh()
}

// show puts o in the host, in place of what it showed.
func (l *layoutPane) show(o fyne.CanvasObject) {
	l.host.Objects = []fyne.CanvasObject{o}
	l.host.Refresh()
}

// showWelcome shows the welcome screen in the host and returns it, for
// what the session adds under it.
func (l *layoutPane) showWelcome() *fyne.Container {
	l.setTitle(l.t("柜台 Guitai", "Guitai teller"))
	hint := widget.NewLabel(l.t("从左侧菜单选择交易，或输入交易码（如 1401）后回车。", "Pick a transaction on the left, or type its code (e.g. 1401) and press Enter."))
	hint.Wrapping = fyne.TextWrapWord
	welcome := container.NewVBox(hint)
	l.show(welcome)
	return welcome
}

// focusCode gives the keyboard focus to the code box.
func (l *layoutPane) focusCode() { l.win.Canvas().Focus(l.code) }

// focusSearch gives the keyboard focus to the search box.
func (l *layoutPane) focusSearch() { l.win.Canvas().Focus(l.search) }

// clearCode empties the code box once its code opened a form.
func (l *layoutPane) clearCode() { l.code.SetText("") }

// filter shows the forms q finds, grouped, every group open.
func (l *layoutPane) filter(q string) {
	l.groups = groupForms(l.forms, l.keys, q)
	l.nav.UnselectAll()
	l.nav.Refresh()
	l.nav.OpenAllBranches()
}

// openFirst opens the first form the search shows (Enter in the search box).
func (l *layoutPane) openFirst() {
	for _, g := range l.groups {
		if len(g.forms) > 0 {
			l.search.SetText("")
			l.session.open(g.forms[0])
			return
		}
	}
}

// navTree is the module navigator: categories with their forms. Enter or
// Space on a form opens it; the function keys work while it has the focus.
type navTree struct {
	widget.Tree
	keys keySink
}

// newNavigator makes the menu of the forms the search shows.
func (l *layoutPane) newNavigator() *navTree {
	t := &navTree{keys: l.session}
	t.ChildUIDs = l.childUIDs
	t.IsBranch = func(id widget.TreeNodeID) bool { return id == "" || strings.HasPrefix(id, "cat:") }
	t.CreateNode = func(bool) fyne.CanvasObject {
		lbl := widget.NewLabel("")
		lbl.Truncation = fyne.TextTruncateEllipsis
		return lbl
	}
	t.UpdateNode = func(id widget.TreeNodeID, branch bool, o fyne.CanvasObject) {
		l.updateNode(id, branch, o.(*widget.Label))
	}
	t.OnSelected = func(id widget.TreeNodeID) { l.selected(t, id) }
	t.ExtendBaseWidget(t)
	t.OpenAllBranches()
	return t
}

// childUIDs are the menu's categories (under the root) and the forms of
// one.
func (l *layoutPane) childUIDs(id widget.TreeNodeID) []widget.TreeNodeID {
	if id == "" {
		ids := make([]string, len(l.groups))
		for i, g := range l.groups {
			ids[i] = g.Key
		}
		return ids
	}
	for _, g := range l.groups {
		if g.Key == id {
			ids := make([]string, len(g.forms))
			for i, f := range g.forms {
				ids[i] = f.ID
			}
			return ids
		}
	}
	return nil
}

// updateNode shows a category in bold, a form as its code and title.
func (l *layoutPane) updateNode(id widget.TreeNodeID, branch bool, lbl *widget.Label) {
	if branch {
		for _, g := range l.groups {
			if g.Key == id {
				lbl.TextStyle = fyne.TextStyle{Bold: true}
				lbl.Text = l.t(g.Zh, g.En)
				lbl.Refresh()
			}
		}
		return
	}
	lbl.TextStyle = fyne.TextStyle{}
	if f := l.formByID(id); f != nil {
		lbl.Text = f.Code + "  " + f.Title.In(l.lang)
		lbl.Refresh()
	}
}

// selected opens or shuts a category, and opens a form unless it is open.
func (l *layoutPane) selected(t *navTree, id widget.TreeNodeID) {
	if t.IsBranch(id) {
		t.ToggleBranch(id)
		t.Unselect(id)
		return
	}
	// By id: the open form, even in a version older than the menu's, is
	// not replaced by choosing it again.
	if f := l.formByID(id); f != nil && (l.session.currentDef() == nil || f.ID != l.session.currentDef().ID) {
		l.session.open(f)
	}
}

// TypedKey opens the focused form on Enter and gives function keys to the
// window.
func (t *navTree) TypedKey(k *fyne.KeyEvent) {
	switch {
	case t.keys.functionKey(k):
	case k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter:
		t.Tree.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	default:
		t.Tree.TypedKey(k)
	}
}

// formByID is the form with id, or nil.
func (l *layoutPane) formByID(id string) *dsl.Form {
	for _, f := range l.forms {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// textScale is how much larger than Fyne's default the theme's text is.
func textScale() float32 {
	return theme.TextSize() / theme.DefaultTheme().Size(theme.SizeNameText)
}

// minWidth gives its objects at least w of width.
type minWidth struct{ w float32 }

// MinSize is the objects' largest, at least w wide.
func (m *minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(max(s.Width, m.w), s.Height)
}

// Layout gives every object the whole size.
func (m *minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// headerTool is a header button in its two forms: with its caption and
// key, and with its key only (the same object when it has one form).
type headerTool struct{ full, short fyne.CanvasObject }

// newHeaderTool is a tool button: caption and key with the icon when the
// header has room, the key with the icon otherwise.
func newHeaderTool(caption string, key fyne.KeyName, icon fyne.Resource, run func()) headerTool {
	return headerTool{
		full:  widget.NewButtonWithIcon(caption+" "+string(key), icon, run),
		short: widget.NewButtonWithIcon(string(key), icon, run),
	}
}

// header lays out the window's header: the title on the left and the
// tools on the right, each in its full form when the row has room for them
// all and the whole title, in its short form otherwise. Its least width is
// the short tools' and the title's, cut with an ellipsis: the header
// never widens the window.
type header struct {
	title *widget.Label
	tools []headerTool
}

// newHeader lays title and tools out as a header.
func newHeader(title *widget.Label, tools []headerTool) *fyne.Container {
	h := &header{title: title, tools: tools}
	objs := []fyne.CanvasObject{title}
	for _, t := range tools {
		objs = append(objs, t.full)
		if t.short != t.full {
			objs = append(objs, t.short)
		}
	}
	return container.New(h, objs...)
}

// toolsWidth is the width of the tools side by side, short or full.
func (h *header) toolsWidth(short bool) float32 {
	w := float32(0)
	for i, t := range h.tools {
		o := t.full
		if short {
			o = t.short
		}
		if i > 0 {
			w += theme.Padding()
		}
		w += o.MinSize().Width
	}
	return w
}

// short reports whether the tools are shown in their short form for a
// header of this width.
func (h *header) short(width float32) bool {
	th := fyne.CurrentApp().Settings().Theme()
	size := h.title.SizeName
	if size == "" {
		size = theme.SizeNameText
	}
	title := fyne.MeasureText(h.title.Text, th.Size(size), h.title.TextStyle).Width +
		2*th.Size(theme.SizeNameInnerPadding)
	return title+theme.Padding()+h.toolsWidth(false) > width
}

// MinSize is the title's and the short tools' width, and the tallest's
// height.
func (h *header) MinSize([]fyne.CanvasObject) fyne.Size {
	height := h.title.MinSize().Height
	for _, t := range h.tools {
		height = max(height, t.full.MinSize().Height, t.short.MinSize().Height)
	}
	return fyne.NewSize(h.title.MinSize().Width+theme.Padding()+h.toolsWidth(true), height)
}

// Layout places the tools on the right, full or short, and gives the
// title what is left.
func (h *header) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	short := h.short(size.Width)
	x := size.Width
	for i := len(h.tools) - 1; i >= 0; i-- {
		show, hide := h.tools[i].full, h.tools[i].short
		if short {
			show, hide = hide, show
		}
		if hide != show {
			hide.Hide()
		}
		show.Show()
		m := show.MinSize()
		x -= m.Width
		show.Move(fyne.NewPos(x, (size.Height-m.Height)/2))
		show.Resize(m)
		x -= theme.Padding()
	}
	h.title.Move(fyne.NewPos(0, 0))
	h.title.Resize(fyne.NewSize(max(x, 0), size.Height))
}
