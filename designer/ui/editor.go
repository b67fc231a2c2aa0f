package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/catalog"
	"guitai/designer"
	"guitai/dsl"
)

// Sources of edits made in this window.
const (
	fromCanvas    = designer.FromCanvas
	fromTree      = designer.FromTree
	fromInspector = designer.FromInspector
	fromJSON      = designer.FromJSON
	fromPalette   = designer.FromPalette
	fromKeys      = designer.FromKeys
	fromProblems  = designer.Source("problems")
	fromBinding   = designer.Source("binding")
	fromRename    = designer.Source("rename")
	fromRecovery  = designer.Source("recovery")
)

// Config is what the window needs from the outside.
type Config struct {
	Lang       string // language of the rendered form: "zh" (default) or "en"
	PublishDir string // where Publish writes; "" asks
	// Ledger, when set, is where Publish submits instead: the ledger's
	// release packages under change control (designer -db).
	Ledger *Ledger
	// Catalog is the transaction catalog the binding editor and the
	// problems check the form against; nil leaves bindings unchecked.
	Catalog catalog.Catalog
	// Recovery, when set, is where the form's draft is written a few
	// seconds after each change (AutosaveDelay, DefaultAutosaveDelay when
	// zero), so a crash or a kill loses no more; OfferRecovery restores it.
	Recovery      *designer.Recovery
	AutosaveDelay time.Duration
	// After, when set, runs fn after d on the UI goroutine instead of a
	// timer, for tests.
	After func(d time.Duration, fn func())
}

// Editor is the designer window's content and its panes.
type Editor struct {
	win  fyne.Window
	cfg  Config
	doc  *designer.Document
	lang string

	palette   *Palette
	canvas    *Canvas
	outline   *Outline
	inspector *Inspector
	source    *Source
	problems  *Problems
	preview   *Preview

	centre   *container.AppTabs
	side     *container.AppTabs
	statusL  *widget.Label
	content  fyne.CanvasObject
	undoBtn  *widget.Button
	redoBtn  *widget.Button
	lastErr  error
	lastMsg  string
	draft    *draftDialog // the draft transaction editor last opened
	onChange []func()
	// repair is the path of a file that does not read as a form, open as
	// text in the JSON source until it does; "" otherwise.
	repair      string
	autosaveDue bool      // a draft write is scheduled
	recovery    *question // the last offer of a draft, for tests
}

// New builds the designer for doc into win.
func New(win fyne.Window, doc *designer.Document, cfg Config) *Editor {
	ed := &Editor{win: win, cfg: cfg, doc: doc, lang: cfg.Lang}
	if ed.lang == "" {
		ed.lang = "zh"
	}
	ed.palette = newPalette(ed)
	ed.canvas = newCanvas(ed)
	ed.outline = newOutline(ed)
	ed.inspector = newInspector(ed)
	ed.source = newSource(ed)
	ed.problems = newProblems(ed)
	ed.preview = newPreview(ed)
	ed.statusL = widget.NewLabel("")
	ed.statusL.Truncation = fyne.TextTruncateEllipsis
	ed.statusL.SetText(keysHint)

	ed.centre = container.NewAppTabs(
		container.NewTabItemWithIcon("设计 Design", theme.GridIcon(), ed.canvas),
		container.NewTabItemWithIcon("预览 Preview", theme.MediaPlayIcon(), ed.preview.obj),
	)
	ed.centre.OnSelected = func(t *container.TabItem) {
		if t.Content == ed.preview.obj {
			ed.preview.run()
		}
	}
	ed.side = container.NewAppTabs(
		container.NewTabItem("属性 Properties", ed.inspector.obj),
		container.NewTabItem("JSON 源码", ed.source.obj),
	)
	ed.source.visible = func() bool { return ed.side.Selected() != nil && ed.side.Selected().Content == ed.source.obj }
	ed.inspector.visible = func() bool { return ed.side.Selected() == nil || ed.side.Selected().Content == ed.inspector.obj }
	ed.side.OnSelected = func(t *container.TabItem) {
		if t.Content == ed.source.obj {
			ed.source.show()
		} else {
			ed.inspector.show()
		}
	}

	left := container.NewVSplit(
		container.NewBorder(widget.NewLabelWithStyle("控件 Palette", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, ed.palette.obj),
		container.NewBorder(widget.NewLabelWithStyle("结构 Outline", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, ed.outline.tree),
	)
	left.Offset = 0.5
	middle := container.NewVSplit(ed.centre, ed.problems.obj)
	middle.Offset = 0.8
	right := container.NewHSplit(middle, ed.side)
	right.Offset = 0.64
	body := container.NewHSplit(left, right)
	body.Offset = 0.17

	ed.content = container.NewBorder(ed.toolbar(), ed.statusL, nil, nil, body)
	ed.shortcuts()
	ed.attach()
	return ed
}

// Content is the window content.
func (ed *Editor) Content() fyne.CanvasObject { return ed.content }

// Document is the document being edited.
func (ed *Editor) Document() *designer.Document { return ed.doc }

// Canvas, Palette, Outline, Inspector, Source, Problems and Preview give
// the panes, for tests and the screenshot script.
func (ed *Editor) Canvas() *Canvas { return ed.canvas }

// Palette is the widget palette.
func (ed *Editor) Palette() *Palette { return ed.palette }

// Outline is the tree pane.
func (ed *Editor) Outline() *Outline { return ed.outline }

// Inspector is the property pane.
func (ed *Editor) Inspector() *Inspector { return ed.inspector }

// Source is the JSON pane.
func (ed *Editor) Source() *Source { return ed.source }

// Problems is the problems pane.
func (ed *Editor) Problems() *Problems { return ed.problems }

// Preview is the preview pane.
func (ed *Editor) Preview() *Preview { return ed.preview }

// ShowSource brings the JSON pane (true) or the inspector to the front.
func (ed *Editor) ShowSource(on bool) {
	if on {
		ed.side.SelectIndex(1)
	} else {
		ed.side.SelectIndex(0)
	}
}

// ShowPreview brings the preview (true) or the design canvas to the front.
func (ed *Editor) ShowPreview(on bool) {
	if on {
		ed.centre.SelectIndex(1)
	} else {
		ed.centre.SelectIndex(0)
	}
}

// SetDocument replaces the document being edited (after New or Open).
func (ed *Editor) SetDocument(doc *designer.Document) {
	ed.doc = doc
	ed.repair = ""
	ed.canvas.reset()
	ed.outline.shape, ed.outline.labels, ed.outline.shown = "", nil, "\x00"
	ed.source.viewAt, ed.source.raw = -1, nil
	ed.attach()
}

// attach subscribes the panes to the document and shows it.
func (ed *Editor) attach() {
	if ed.doc.Catalog == nil {
		ed.doc.Catalog = ed.cfg.Catalog
	}
	ed.doc.OnChange(ed.changed)
	ed.canvas.Update()
	ed.outline.sync()
	ed.inspector.sync()
	ed.source.sync(false)
	ed.problems.sync()
	ed.title()
}

// changed brings every pane up to date after an edit or a selection.
func (ed *Editor) changed(e designer.Event) {
	if e.Edited {
		ed.canvas.Update()
		ed.outline.sync()
		if e.Source != fromInspector {
			ed.inspector.sync()
		}
		if e.Source != fromJSON {
			ed.source.sync(false)
		}
		ed.problems.sync()
		if ed.centre.Selected() != nil && ed.centre.Selected().Content == ed.preview.obj {
			ed.preview.run()
		}
	} else {
		if e.Source != fromCanvas && e.Selection != "" {
			ed.canvas.reveal(e.Selection)
		}
		ed.canvas.glass.Refresh()
		if e.Source != fromTree {
			ed.outline.sync()
		}
		ed.inspector.sync()
		if e.Source != fromJSON {
			ed.source.sync(false)
		}
	}
	ed.title()
	if e.Edited {
		ed.scheduleAutosave()
	}
	for _, fn := range ed.onChange {
		fn()
	}
}

func (ed *Editor) title() {
	name := "未命名 untitled"
	if ed.doc.Path != "" {
		name = filepath.Base(ed.doc.Path)
	}
	mark := ""
	if ed.doc.Dirty() {
		mark = " •"
	}
	if ed.repair != "" {
		name, mark = filepath.Base(ed.repair), " — 待修复 needs repair"
	}
	ed.win.SetTitle(fmt.Sprintf("表单设计器 Form designer — %s%s", name, mark))
	if ed.undoBtn != nil {
		setEnabled(ed.undoBtn, ed.doc.CanUndo())
		setEnabled(ed.redoBtn, ed.doc.CanRedo())
	}
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// keysHint is the status line when there is nothing to report.
const keysHint = "拖动控件到画布或双击插入 · / 或 Ctrl+F 搜索 ⏎ 插入 · ↑↓ 选择 · Ctrl+I 属性 Tab 下一项 Esc 返回 · Alt+↑↓←→ 移动 · Del 删除 · Ctrl+Z 撤销 · F5 预览 F6 示例值 F8 试提交 · F7 检查 · Ctrl+Shift+P 发布"

// report shows an error of an edit in the status line.
func (ed *Editor) report(err error) {
	ed.lastErr = err
	if err != nil {
		ed.status("✗ " + err.Error())
	} else if ed.statusL.Text != keysHint {
		ed.status(keysHint)
	}
}

// LastError is the last error reported, for tests.
func (ed *Editor) LastError() error { return ed.lastErr }

func (ed *Editor) status(s string) { ed.statusL.SetText(s) }

// insertHere inserts a new node of type t where the selection says.
func (ed *Editor) insertHere(t string) {
	parent, index := ed.doc.InsertTarget()
	_, err := ed.doc.Insert(fromPalette, t, parent, index)
	ed.report(err)
}

func (ed *Editor) toolbar() fyne.CanvasObject {
	btn := func(label string, icon fyne.Resource, fn func()) *widget.Button {
		b := widget.NewButtonWithIcon(label, icon, fn)
		b.Importance = widget.LowImportance
		return b
	}
	ed.undoBtn = btn("撤销", theme.ContentUndoIcon(), func() { ed.doc.Undo() })
	ed.redoBtn = btn("重做", theme.ContentRedoIcon(), func() { ed.doc.Redo() })
	bar := container.NewHBox(
		btn("新建", theme.DocumentCreateIcon(), ed.New),
		btn("打开", theme.FolderOpenIcon(), ed.Open),
		btn("保存", theme.DocumentSaveIcon(), func() { ed.Save(false) }),
		btn("另存为", theme.DocumentSaveIcon(), func() { ed.Save(true) }),
		widget.NewSeparator(),
		ed.undoBtn, ed.redoBtn,
		widget.NewSeparator(),
		btn("上移", theme.MoveUpIcon(), func() { ed.report(ed.doc.Move(fromKeys, designer.Up)) }),
		btn("下移", theme.MoveDownIcon(), func() { ed.report(ed.doc.Move(fromKeys, designer.Down)) }),
		btn("复制一份", theme.ContentCopyIcon(), ed.Duplicate),
		btn("删除", theme.DeleteIcon(), func() { ed.report(ed.doc.Delete(fromKeys)) }),
		widget.NewSeparator(),
		btn("检查", theme.ConfirmIcon(), ed.Check),
		btn("发布", theme.UploadIcon(), ed.Publish),
	)
	if ed.cfg.Ledger != nil {
		bar.Add(btn("发布记录", theme.HistoryIcon(), ed.ShowReleases))
	}
	return bar
}

// shortcuts installs the keys: Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y), copy,
// cut, paste, Ctrl+D duplicate, Ctrl+S save, Delete, Alt+arrows for
// structure moves, arrows to walk the nodes, Enter to insert the first
// palette match.
func (ed *Editor) shortcuts() {
	c := ed.win.Canvas()
	ctrl := fyne.KeyModifierShortcutDefault
	add := func(key fyne.KeyName, mod fyne.KeyModifier, fn func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(fyne.Shortcut) { fn() })
	}
	c.AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { ed.doc.Undo() })
	c.AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { ed.doc.Redo() })
	add(fyne.KeyZ, ctrl, func() { ed.doc.Undo() })
	add(fyne.KeyZ, ctrl|fyne.KeyModifierShift, func() { ed.doc.Redo() })
	add(fyne.KeyY, ctrl, func() { ed.doc.Redo() })
	add(fyne.KeyD, ctrl, ed.Duplicate)
	add(fyne.KeyS, ctrl, func() { ed.Save(false) })
	add(fyne.KeyG, ctrl, func() { ed.report(ed.doc.WrapInGroup(fromKeys)) })
	add(fyne.KeyF, ctrl, ed.FocusPalette)
	add(fyne.KeyI, ctrl, ed.FocusInspector)
	add(fyne.KeyP, ctrl|fyne.KeyModifierShift, ed.Publish)
	if ed.cfg.Ledger != nil {
		add(fyne.KeyR, ctrl|fyne.KeyModifierShift, ed.ShowReleases)
		add(fyne.KeyT, ctrl|fyne.KeyModifierShift, ed.EditDraft)
	}
	c.AddShortcut(&fyne.ShortcutCopy{}, func(fyne.Shortcut) { ed.Copy(false) })
	c.AddShortcut(&fyne.ShortcutCut{}, func(fyne.Shortcut) { ed.Copy(true) })
	c.AddShortcut(&fyne.ShortcutPaste{}, func(fyne.Shortcut) { ed.Paste() })
	for key, dir := range map[fyne.KeyName]designer.Direction{fyne.KeyUp: designer.Up, fyne.KeyDown: designer.Down, fyne.KeyRight: designer.Into, fyne.KeyLeft: designer.Out} {
		add(key, fyne.KeyModifierAlt, func() { ed.report(ed.doc.Move(fromKeys, dir)) })
	}
	c.SetOnTypedKey(ed.TypedKey)
}

// Duplicate inserts a copy of the selection just after it and says in the
// status line that the copy is a field of its own: its id and, for an
// input, its new bind key (designer.Document.Duplicate gives it one).
func (ed *Editor) Duplicate() {
	if err := ed.doc.Duplicate(fromKeys); err != nil {
		ed.report(err)
		return
	}
	ed.report(nil)
	n := ed.doc.Form().Find(ed.doc.Selected())
	msg := "已复制为 Duplicated as " + n.ID
	if n.Bind != "" && designer.OwnsBind(n.Type) {
		msg += "，新键 new key " + n.Bind + "（不与原件共用 not shared with the original）"
	}
	ed.status(msg)
}

// Copy copies (or with cut, cuts) the selected subtree, also as JSON on the
// system clipboard, so it can be pasted into another designer or an editor.
func (ed *Editor) Copy(cut bool) {
	var err error
	if cut {
		err = ed.doc.Cut(fromKeys)
	} else {
		err = ed.doc.Copy()
	}
	ed.report(err)
	if err == nil {
		fyne.CurrentApp().Clipboard().SetContent(string(ed.doc.Clipboard()))
	}
}

// Paste inserts the clipboard where the selection says: the system
// clipboard when it holds a node's JSON, else the designer's own.
func (ed *Editor) Paste() {
	if text := fyne.CurrentApp().Clipboard().Content(); strings.HasPrefix(strings.TrimSpace(text), "{") {
		if n, err := dsl.DecodeNode([]byte(text)); err == nil {
			ed.doc.SetClipboard(n)
		}
	}
	ed.report(ed.doc.Paste(fromKeys))
}

// TypedKey handles a key typed while no widget has the focus.
func (ed *Editor) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyDelete, fyne.KeyBackspace:
		ed.report(ed.doc.Delete(fromKeys))
	case fyne.KeyDown, fyne.KeyUp:
		ed.step(k.Name == fyne.KeyDown)
	case fyne.KeyReturn, fyne.KeyEnter:
		if first := ed.palette.first(); first != nil {
			ed.insertHere(first.Type)
		}
	case fyne.KeyEscape:
		ed.doc.Select(fromKeys, "")
	case fyne.KeySlash:
		ed.FocusPalette()
	default:
		ed.functionKey(k)
	}
}

// functionKey runs the action of a function key, wherever the focus is:
// F5 preview or design, F6 sample values, F7 check, F8 dry-run submit. It
// reports whether k was one.
func (ed *Editor) functionKey(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyF5:
		ed.ShowPreview(ed.centre.SelectedIndex() != 1)
	case fyne.KeyF6:
		ed.ShowPreview(true)
		ed.preview.Sample()
	case fyne.KeyF7:
		ed.Check()
	case fyne.KeyF8:
		ed.ShowPreview(true)
		ed.preview.action("submit")
	default:
		return false
	}
	return true
}

// FocusPalette puts the keyboard in the palette's search box, its text
// selected: type a widget's name and press Enter to insert it.
func (ed *Editor) FocusPalette() {
	ed.win.Canvas().Focus(ed.palette.search)
	ed.palette.search.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// FocusInspector puts the keyboard in the first editor of the property
// pane (the label of a node, the id of the form); Tab goes on from there.
func (ed *Editor) FocusInspector() {
	ed.ShowSource(false)
	if e := ed.inspector.first(); e != nil {
		ed.win.Canvas().Focus(e)
	}
}

// inform shows a message in a dialog whose button has the keyboard, so
// Enter, Space or Escape closes it.
func (ed *Editor) inform(title, msg string) {
	ed.lastMsg = msg
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(title, container.NewVScroll(text), ed.win)
	ok := &keyButton{}
	ok.Text, ok.Importance = "确定 OK", widget.HighImportance
	ok.OnTapped = d.Hide
	ok.ExtendBaseWidget(ok)
	d.SetButtons([]fyne.CanvasObject{ok})
	d.Resize(fyne.NewSize(520, min(120+float32(strings.Count(msg, "\n"))*22, 480)))
	d.Show()
	ed.win.Canvas().Focus(ok)
}

// LastMessage is the text of the last dialog shown, for tests.
func (ed *Editor) LastMessage() string { return ed.lastMsg }

// keyButton is a button that Enter and Escape press too.
type keyButton struct{ widget.Button }

// TypedKey presses the button on Enter, Return, Space or Escape.
func (b *keyButton) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace, fyne.KeyEscape:
		b.Tapped(nil)
	}
}

// step selects the next or previous node in tree order.
func (ed *Editor) step(next bool) {
	var ids []string
	ed.doc.Form().Walk(func(_ []string, n *dsl.Node) bool { ids = append(ids, n.ID); return true })
	cur := -1
	for i, id := range ids {
		if id == ed.doc.Selected() {
			cur = i
		}
	}
	switch {
	case next && cur+1 < len(ids):
		cur++
	case !next && cur > 0:
		cur--
	case cur < 0:
		cur = 0
	}
	ed.doc.Select(fromKeys, ids[cur])
}

// confirmDiscard runs then at once when there is no unsaved work, else
// after the user agrees to drop it; either way the draft autosave kept of
// it goes. Text in the JSON source that does not read (a file being
// repaired) is unsaved work: it is in no file and not in the form.
func (ed *Editor) confirmDiscard(then func()) {
	if !ed.doc.Dirty() && ed.repair == "" && len(ed.source.err) == 0 {
		ed.dropDraft()
		then()
		return
	}
	dialog.ShowConfirm("未保存的修改 Unsaved changes", "放弃未保存的修改？\nDiscard the unsaved changes?", func(ok bool) {
		if ok {
			ed.dropDraft()
			then()
		}
	}, ed.win)
}

// CloseIntercept asks before closing a window with unsaved changes.
func (ed *Editor) CloseIntercept() {
	ed.confirmDiscard(ed.win.Close)
}

// New starts an empty form.
func (ed *Editor) New() {
	ed.confirmDiscard(func() { ed.SetDocument(designer.New(designer.Blank("new_form"))) })
}

// Open asks for a form file and opens it.
func (ed *Editor) Open() {
	ed.confirmDiscard(func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			r.Close()
			ed.OpenFile(r.URI().Path())
		}, ed.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
		d.Show()
	})
}

// OpenFile opens the form at path, remembering it among the recent files.
// A form with validation problems opens with them under Problems; a file
// whose text does not read as a form at all (malformed JSON, a value of
// the wrong shape) opens as text for repair (see OpenText). Only a file
// that cannot be read is refused.
func (ed *Editor) OpenFile(path string) {
	doc, err := designer.Open(path)
	if err != nil {
		raw, rerr := os.ReadFile(path)
		if rerr != nil {
			dialog.ShowError(rerr, ed.win)
			return
		}
		ed.OpenText(path, raw)
	} else {
		ed.SetDocument(doc)
		if n := len(doc.Problems()); n > 0 {
			ed.status(fmt.Sprintf("✗ 已打开，有 %d 个问题见问题列表 opened with %d problem(s), listed under Problems", n, n))
		}
	}
	ed.remember(path)
	ed.win.SetMainMenu(ed.MainMenu())
	ed.OfferRecovery()
}

// OpenText opens raw, the text of the file at path that does not read as
// a form, for repair: the JSON source edits it as the whole form, its
// problems listed under Problems (a click puts the caret on one). The
// form stays empty, and Save refuses, until the text reads; from then on
// the text is the form and Save writes it back to path.
func (ed *Editor) OpenText(path string, raw []byte) {
	ed.SetDocument(designer.New(designer.Blank("new_form")))
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	ed.repair = path
	ed.source.scopeL.SetText("修复 Repair " + filepath.Base(path))
	ed.source.SetText(string(raw))
	ed.title()
	if ed.repair != "" {
		n := len(ed.source.err)
		ed.status(fmt.Sprintf("✗ %s 未能读成表单，%d 个问题：请在 JSON 源码中修改 does not read as a form, %d problem(s): fix the text in the JSON source", filepath.Base(path), n, n))
	}
}

// Repairing returns the path of the file open as text for repair, or "".
func (ed *Editor) Repairing() string { return ed.repair }

func (ed *Editor) remember(path string) {
	p := fyne.CurrentApp().Preferences()
	list := []string{path}
	for _, r := range p.StringList("recent") {
		if r != path && len(list) < 8 {
			list = append(list, r)
		}
	}
	p.SetStringList("recent", list)
}

// Recent lists the recently opened files, newest first.
func (ed *Editor) Recent() []string { return fyne.CurrentApp().Preferences().StringList("recent") }

// Save writes the form canonically, asking for a name when it has none or
// as is true.
func (ed *Editor) Save(as bool) {
	if ed.repair != "" {
		err := fmt.Errorf("%s 的文本还不是表单，未保存 the text of %s does not read as a form yet: not saved (fix the problems listed)", filepath.Base(ed.repair), filepath.Base(ed.repair))
		ed.report(err)
		ed.inform("未保存 Not saved", "✗ "+err.Error())
		return
	}
	if ed.doc.Path != "" && !as {
		if err := ed.doc.Save(""); err != nil {
			ed.report(err)
			return
		}
		ed.report(nil)
		ed.dropDraft()
		ed.status("已保存 Saved " + ed.doc.Path)
		ed.title()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close()
		path := w.URI().Path()
		if !strings.HasSuffix(path, ".form.json") {
			path = strings.TrimSuffix(path, ".json") + ".form.json"
		}
		old := ed.draftPath()
		if err := ed.doc.Save(path); err != nil {
			ed.report(err)
			return
		}
		ed.report(nil)
		if r := ed.cfg.Recovery; r != nil {
			r.Remove(old)
		}
		ed.dropDraft()
		ed.remember(path)
		ed.title()
	}, ed.win)
	d.SetFileName(ed.doc.Form().ID + ".form.json")
	d.Show()
}

// Check shows the problems pane's verdict in a dialog.
func (ed *Editor) Check() {
	probs := ed.doc.Problems()
	if len(probs) == 0 {
		ed.inform("检查 Check", "✓ 没有问题 No problems")
		return
	}
	var lines []string
	for _, p := range probs {
		lines = append(lines, problemText(p))
	}
	ed.inform("检查 Check", strings.Join(lines, "\n"))
}

// Publish writes the form into the publish directory with a version bump
// and shows the semantic diff; with a ledger configured it submits the
// form there instead, for a second person to approve (submitToLedger).
func (ed *Editor) Publish() {
	if ed.cfg.Ledger != nil {
		ed.submitToLedger()
		return
	}
	do := func(dir string) {
		res, err := ed.doc.Publish(dir)
		if err != nil {
			ed.report(err)
			ed.inform("未发布 Not published", "✗ "+err.Error())
			return
		}
		msg := fmt.Sprintf("%s\n版本 version %s\n\n%s", res.File, res.Version, res.Diff.String())
		ed.status("已发布 Published " + res.File + " " + res.Version)
		ed.inform("已发布 Published", msg)
	}
	if ed.cfg.PublishDir != "" {
		do(ed.cfg.PublishDir)
		return
	}
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			do(u.Path())
		}
	}, ed.win)
}

func isContainer(t string) bool { return designer.IsContainer(t) }

func pathOf(f *dsl.Form, id string) []string { return designer.PathOf(f, id) }

// MainMenu is the window's menu: file, edit and recent files.
func (ed *Editor) MainMenu() *fyne.MainMenu {
	recent := fyne.NewMenuItem("最近打开 Open recent", nil)
	var items []*fyne.MenuItem
	for _, p := range ed.Recent() {
		items = append(items, fyne.NewMenuItem(p, func() { ed.confirmDiscard(func() { ed.OpenFile(p) }) }))
	}
	if len(items) == 0 {
		items = append(items, fyne.NewMenuItem("(无 none)", nil))
	}
	recent.ChildMenu = fyne.NewMenu("", items...)
	file := fyne.NewMenu("文件 File",
		fyne.NewMenuItem("新建 New", ed.New),
		fyne.NewMenuItem("打开 Open…", ed.Open),
		recent,
		fyne.NewMenuItem("保存 Save", func() { ed.Save(false) }),
		fyne.NewMenuItem("另存为 Save as…", func() { ed.Save(true) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("检查 Check  F7", ed.Check),
		fyne.NewMenuItem("发布 Publish…  Ctrl+Shift+P", ed.Publish),
	)
	if ed.cfg.Ledger != nil {
		file.Items = append(file.Items, fyne.NewMenuItem("发布记录 Releases…  Ctrl+Shift+R", ed.ShowReleases),
			fyne.NewMenuItem("交易草稿 Draft transaction…  Ctrl+Shift+T", ed.EditDraft))
	}
	edit := fyne.NewMenu("编辑 Edit",
		fyne.NewMenuItem("撤销 Undo  Ctrl+Z", func() { ed.doc.Undo() }),
		fyne.NewMenuItem("重做 Redo  Ctrl+Shift+Z", func() { ed.doc.Redo() }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("剪切 Cut", func() { ed.Copy(true) }),
		fyne.NewMenuItem("复制 Copy", func() { ed.Copy(false) }),
		fyne.NewMenuItem("粘贴 Paste", ed.Paste),
		fyne.NewMenuItem("复制一份 Duplicate  Ctrl+D", ed.Duplicate),
		fyne.NewMenuItem("打包为分组 Wrap in group  Ctrl+G", func() { ed.report(ed.doc.WrapInGroup(fromKeys)) }),
		fyne.NewMenuItem("删除 Delete", func() { ed.report(ed.doc.Delete(fromKeys)) }),
	)
	view := fyne.NewMenu("视图 View",
		fyne.NewMenuItem("设计 Design  F5", func() { ed.ShowPreview(false) }),
		fyne.NewMenuItem("预览 Preview  F5", func() { ed.ShowPreview(true) }),
		fyne.NewMenuItem("示例值 Sample values  F6", func() { ed.ShowPreview(true); ed.preview.Sample() }),
		fyne.NewMenuItem("试提交 Dry-run submit  F8", func() { ed.ShowPreview(true); ed.preview.action("submit") }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("控件搜索 Palette search  Ctrl+F", ed.FocusPalette),
		fyne.NewMenuItem("属性 Properties  Ctrl+I", ed.FocusInspector),
		fyne.NewMenuItem("JSON 源码 Source", func() { ed.ShowSource(true) }),
	)
	return fyne.NewMainMenu(file, edit, view)
}

// docEntry is an entry of the inspector: Ctrl+Z and Ctrl+Shift+Z (or
// Ctrl+Y) in it undo and redo the document, not only the entry's text, so
// undo works the same in every pane.
type docEntry struct {
	widget.Entry
	ed      *Editor
	ownUndo bool // undo and redo act on the entry's text (the search box)
}

func newDocEntry(ed *Editor, multiLine bool) *docEntry {
	e := &docEntry{ed: ed}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut sends undo and redo to the document, and the window's
// own shortcuts (Ctrl+F, Ctrl+I, Ctrl+S, Ctrl+D…) to the window: the
// driver gives every shortcut to the focused widget, so without this they
// would do nothing while an editor has the keyboard.
func (e *docEntry) TypedShortcut(s fyne.Shortcut) {
	switch s := s.(type) {
	case *fyne.ShortcutUndo, *fyne.ShortcutRedo:
		if e.ownUndo {
			break
		}
		if _, undo := s.(*fyne.ShortcutUndo); undo {
			e.ed.doc.Undo()
		} else {
			e.ed.doc.Redo()
		}
		return
	case *desktop.CustomShortcut:
		if s.KeyName == fyne.KeyZ && s.Modifier == fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift && !e.ownUndo {
			e.ed.doc.Redo()
			return
		}
		if windowShortcut(s) {
			e.ed.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// windowShortcut reports whether s is one of the window's shortcuts that
// an editor does not use itself.
func windowShortcut(s *desktop.CustomShortcut) bool {
	ctrl := fyne.KeyModifierShortcutDefault
	switch {
	case s.Modifier == ctrl:
		switch s.KeyName {
		case fyne.KeyD, fyne.KeyF, fyne.KeyG, fyne.KeyI, fyne.KeyS:
			return true
		}
	case s.Modifier == ctrl|fyne.KeyModifierShift:
		return s.KeyName == fyne.KeyP || s.KeyName == fyne.KeyR
	}
	return false
}

// TypedKey leaves the editor on Escape (the arrows and Delete then act on
// the nodes again) and runs the function keys; the rest is typing.
func (e *docEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.ed.win.Canvas().Unfocus()
		return
	}
	if e.ed.functionKey(k) {
		return
	}
	e.Entry.TypedKey(k)
}

// AcceptsTab is false even for the multi-line editors (rules, options):
// Tab moves to the next editor, so the keyboard is never trapped in one.
func (e *docEntry) AcceptsTab() bool { return false }
