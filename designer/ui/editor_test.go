package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/assets"
	"guitai/catalog"
	"guitai/designer"
	"guitai/dsl"
)

func newEditor(t testing.TB, doc *designer.Document) (*Editor, fyne.Window) {
	t.Helper()
	return newEditorCfg(t, doc, Config{})
}

// newBlankEditor opens a blank form and inserts a node of each type in
// turn at the root, leaving nothing selected.
func newBlankEditor(t testing.TB, types ...string) (*Editor, fyne.Window) {
	t.Helper()
	ed, w := newEditor(t, designer.New(designer.Blank("x")))
	for _, ty := range types {
		ed.insertHere(ty)
		ed.doc.Select(fromKeys, "")
	}
	return ed, w
}

func openForm(t testing.TB, name string) *designer.Document {
	t.Helper()
	d, err := designer.Open(filepath.Join("..", "..", "assets", "forms", name))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func abs(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// surfaceAbs is the absolute position of a point of the design surface.
func surfaceAbs(ed *Editor, p fyne.Position) fyne.Position { return abs(ed.canvas.glass).Add(p) }

// dragPalette drags palette item t to the surface point p with the test driver.
func dragPalette(t *testing.T, ed *Editor, w fyne.Window, typ string, p fyne.Position) {
	t.Helper()
	ed.palette.search.SetText(typ)
	it := ed.palette.Item(typ)
	if !it.Visible() {
		t.Fatalf("palette item %s hidden after searching for it", typ)
	}
	from := abs(it).Add(fyne.NewPos(10, 5))
	to := surfaceAbs(ed, p)
	test.Drag(w.Canvas(), from, to.X-from.X, to.Y-from.Y)
}

func ids(n *dsl.Node) string {
	var s []string
	for _, c := range n.Children {
		s = append(s, c.ID)
	}
	return strings.Join(s, ",")
}

func TestDragFromPaletteToCanvas(t *testing.T) {
	ed, w := newEditor(t, designer.New(designer.Blank("demo")))
	doc := ed.doc
	// Into the empty root.
	dragPalette(t, ed, w, "group", fyne.NewPos(100, 20))
	if got := ids(doc.Form().Root); got != "group" {
		t.Fatalf("root children %q after dropping a group", got)
	}
	if ed.canvas.MarkerShown() {
		t.Error("marker still shown after the drop")
	}
	// Into the group: aim at its middle.
	pos, size, ok := ed.canvas.Rect("group")
	if !ok {
		t.Fatal("the group is not on the canvas")
	}
	dragPalette(t, ed, w, "amount", pos.Add(fyne.NewPos(size.Width/2, size.Height/2)))
	if got := ids(doc.Form().Find("group")); got != "amount" {
		t.Fatalf("group children %q after dropping an amount into it", got)
	}
	// Before the group, at the top edge of the root.
	pos, _, _ = ed.canvas.Rect("group")
	dragPalette(t, ed, w, "text", fyne.NewPos(pos.X+5, pos.Y+1))
	if got := ids(doc.Form().Root); got != "text,group" {
		t.Fatalf("root children %q after dropping text above the group", got)
	}
	js := string(doc.Bytes())
	for _, want := range []string{`"type": "amount"`, `"bind": "amount"`, `"type": "text"`} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	if doc.Selected() != "text" {
		t.Errorf("selected %q, want the dropped node", doc.Selected())
	}
	// A drop outside the canvas inserts nothing.
	ed.palette.search.SetText("check")
	it := ed.palette.Item("check")
	test.Drag(w.Canvas(), abs(it).Add(fyne.NewPos(5, 5)), 3, 3)
	if doc.Form().Find("check") != nil {
		t.Error("dropping on the palette inserted a node")
	}
}

func TestCanvasClickSelectsAndDragMoves(t *testing.T) {
	ed, w := newBlankEditor(t, "text", "amount", "check")
	doc := ed.doc
	pos, size, _ := ed.canvas.Rect("amount")
	test.TapCanvas(w.Canvas(), surfaceAbs(ed, pos.Add(fyne.NewPos(size.Width/2, size.Height/2))))
	if doc.Selected() != "amount" {
		t.Fatalf("click selected %q", doc.Selected())
	}
	// Drag "check" above "text".
	cp, cs, _ := ed.canvas.Rect("check")
	tp, _, _ := ed.canvas.Rect("text")
	from := surfaceAbs(ed, cp.Add(fyne.NewPos(cs.Width/2, cs.Height/2)))
	to := surfaceAbs(ed, tp.Add(fyne.NewPos(10, 2)))
	test.Drag(w.Canvas(), from, to.X-from.X, to.Y-from.Y)
	if got := ids(doc.Form().Root); got != "check,text,amount" {
		t.Fatalf("order %q after dragging check to the top", got)
	}
	doc.Undo()
	if got := ids(doc.Form().Root); got != "text,amount,check" {
		t.Fatalf("order %q after undoing the move", got)
	}
}

func TestKeysUndoRedoDeleteAndMove(t *testing.T) {
	ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	start := doc.Bytes()
	c := w.Canvas()
	shortcut := func(k fyne.KeyName, mod fyne.KeyModifier) {
		sc := &desktop.CustomShortcut{KeyName: k, Modifier: mod}
		c.(fyne.Shortcutable).TypedShortcut(sc)
	}
	doc.Select(fromTree, "memo")
	shortcut(fyne.KeyUp, fyne.KeyModifierAlt)
	if got := ids(doc.Form().Find("withdrawal")); !strings.HasPrefix(got, "amount,amount_cn,memo,balance_after") {
		t.Fatalf("Alt+Up: %s", got)
	}
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if doc.Form().Find("memo") != nil {
		t.Fatal("Delete left the node")
	}
	c.(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{}) // what the driver sends for Ctrl+Z
	if doc.Form().Find("memo") == nil {
		t.Fatal("Ctrl+Z did not bring the node back")
	}
	shortcut(fyne.KeyZ, fyne.KeyModifierShortcutDefault)
	if !bytes.Equal(doc.Bytes(), start) {
		t.Fatal("two undos did not restore the file's bytes")
	}
	shortcut(fyne.KeyZ, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	shortcut(fyne.KeyZ, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	if doc.Form().Find("memo") != nil {
		t.Fatal("Ctrl+Shift+Z twice did not delete again")
	}
	// Keyboard only: walk to a container, Enter inserts the palette's first match.
	doc.Select(fromKeys, "acct")
	ed.palette.search.SetText("身份证")
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := ids(doc.Form().Find("acct")); !strings.HasSuffix(got, ",idcard_2") && !strings.HasSuffix(got, ",idcard") {
		t.Fatalf("Enter did not insert an idcard into acct: %s", got)
	}
}

func TestJSONEditShowsInTreeAndCanvas(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	e := ed.source.Entry()
	if e.Text != string(doc.Bytes()) {
		t.Fatal("JSON pane does not show the document")
	}
	before := doc.Bytes()
	// Invalid: the document stays, the error has a line and column.
	e.SetText(strings.Replace(e.Text, `"id": "memo",`, `"id": "memo"`, 1))
	if !bytes.Equal(doc.Bytes(), before) {
		t.Fatal("an invalid edit changed the document")
	}
	if p := ed.source.Problem(); !strings.Contains(p, ":") || !strings.HasPrefix(p, "✗ ") {
		t.Fatalf("no located error: %q", p)
	}
	// Valid: a renamed node shows in the outline and on the canvas.
	e.SetText(strings.Replace(string(before), `"id": "memo"`, `"id": "remark"`, 1))
	if doc.Form().Find("remark") == nil {
		t.Fatal("the JSON rename did not reach the document")
	}
	if kids := ed.outline.children("withdrawal"); !strings.Contains(strings.Join(kids, ","), "remark") {
		t.Fatalf("outline children %v", kids)
	}
	if _, _, ok := ed.canvas.Rect("remark"); !ok {
		t.Fatal("the canvas does not show the renamed node")
	}
	if ed.source.Problem() != "" {
		t.Error("a valid edit still shows an error")
	}
	// One undo goes back across panes.
	doc.Undo()
	if !bytes.Equal(doc.Bytes(), before) {
		t.Fatal("undo of the JSON edit did not restore the bytes")
	}
	if e.Text != string(before) {
		t.Error("the JSON pane did not follow the undo")
	}
}

func TestTreeAndInspectorEditsRewriteJSON(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	ed.ShowSource(true)
	ed.outline.tree.Select("memo")
	if doc.Selected() != "memo" {
		t.Fatalf("tree selection did not select: %q", doc.Selected())
	}
	ed.report(doc.WrapInGroup(fromTree))
	if !strings.Contains(ed.source.Entry().Text, `"id": "group"`) {
		t.Fatal("wrap in group not in the JSON pane")
	}
	doc.Undo()
	doc.Select(fromTree, "memo")
	ed.ShowSource(false)
	test.Type(ed.inspector.Entry("props.label.zh"), "说明")
	if got := doc.Form().Find("memo").PropText("label").Zh; got != "说明摘要" {
		t.Fatalf("label %q after typing", got)
	}
	if n := len(doc.History()); doc.UndoLabel() == "" || n == 0 {
		t.Fatal("no undo step")
	}
	steps := len(doc.History())
	doc.Undo()
	if len(doc.History()) != steps-1 || doc.Form().Find("memo").PropText("label").Zh != "摘要" {
		t.Fatal("typing a word was not one undo step")
	}
	ed.ShowSource(true)
	if ed.source.Entry().Text != string(dsl.EncodeNode(doc.Form().Find("memo")))+"\n" {
		t.Error("JSON pane out of sync after inspector edit and undo")
	}
}

func TestUndoInInspectorEntryUndoesTheDocument(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	start := doc.Bytes()
	doc.Select(fromCanvas, "memo")
	test.Type(ed.inspector.Entry("props.label.zh"), "备注")
	doc.Seal()
	doc.Select(fromCanvas, "memo")
	ed.inspector.entries["bind"].TypedShortcut(&fyne.ShortcutUndo{})
	if !bytes.Equal(doc.Bytes(), start) {
		t.Fatal("Ctrl+Z in an inspector entry did not undo the document")
	}
	ed.inspector.entries["bind"].TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if got := doc.Form().Find("memo").PropText("label").Zh; got != "备注摘要" {
		t.Fatalf("Ctrl+Shift+Z in an entry: label %q", got)
	}
}

func TestExpressionCheckedLive(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	ed.doc.Select(fromCanvas, "memo")
	e := ed.inspector.Entry("visibleWhen")
	test.Type(e, "amont > 1")
	if n := ed.inspector.Note("visibleWhen"); !strings.HasPrefix(n, "✗") || !strings.Contains(n, "amont") {
		t.Fatalf("broken expression note %q", n)
	}
	if len(ed.problems.Items()) == 0 {
		t.Fatal("problems panel empty")
	}
	ed.doc.Select(fromKeys, "root")
	ed.problems.Select(0)
	if ed.doc.Selected() != "memo" {
		t.Fatalf("clicking the problem selected %q", ed.doc.Selected())
	}
	e = ed.inspector.Entry("visibleWhen")
	e.SetText("amount > 1")
	if n := ed.inspector.Note("visibleWhen"); !strings.HasPrefix(n, "✓") {
		t.Fatalf("good expression note %q", n)
	}
}

func TestPreviewDryRun(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	ed.ShowPreview(true)
	f := ed.preview.Form()
	if f == nil {
		t.Fatal("no preview")
	}
	ed.preview.action("submit")
	if !strings.HasPrefix(ed.preview.LastSubmit, "✗") {
		t.Fatalf("empty form passed: %q", ed.preview.LastSubmit)
	}
	if f.Visible("amount_cn") {
		t.Fatal("the amount in words shows before an amount is typed")
	}
	ed.preview.Sample()
	if !f.Visible("amount_cn") {
		t.Error("visibleWhen did not follow the sample amount")
	}
	if v := f.Field("account").Value(); v == nil {
		t.Error("no sample account")
	}
	// The computed label follows the sample amount (1,200.00 yuan).
	var texts []string
	for _, o := range test.LaidOutObjects(f.NodeObject("amount_cn")) {
		switch x := o.(type) {
		case *canvas.Text:
			texts = append(texts, x.Text)
		case *widget.Label:
			texts = append(texts, x.Text)
		}
	}
	if !strings.Contains(strings.Join(texts, "|"), "壹仟贰佰元整") {
		t.Errorf("amount in words shows %q", texts)
	}
	ed.preview.action("submit")
	if !strings.Contains(ed.preview.LastSubmit, "Dry run") || !strings.Contains(ed.preview.LastSubmit, "amount = ") {
		t.Errorf("dry run with sample values: %q", ed.preview.LastSubmit)
	}
}

func TestSaveWritesCanonical(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("..", "..", "assets", "forms", "transfer.form.json")
	raw, _ := os.ReadFile(src)
	path := filepath.Join(dir, "transfer.form.json")
	os.WriteFile(path, raw, 0o644)
	doc, err := designer.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ed, _ := newEditor(t, doc)
	ed.insertHere("text")
	if !doc.Dirty() {
		t.Fatal("not dirty")
	}
	ed.Save(false)
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, doc.Bytes()) || doc.Dirty() {
		t.Fatal("save did not write the canonical bytes")
	}
}

func TestJSONPaneScopedToSelection(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	ed.ShowSource(true)
	doc.Select(fromCanvas, "memo")
	e := ed.source.Entry()
	if !strings.HasPrefix(e.Text, `{`) || !strings.Contains(e.Text, `"id": "memo"`) || strings.Contains(e.Text, `"dsl"`) {
		t.Fatalf("pane does not show the selected node:\n%s", e.Text)
	}
	before := doc.Bytes()
	e.SetText(strings.Replace(e.Text, `"type": "text"`, `"type": "text",`, 1))
	if !bytes.Equal(before, doc.Bytes()) || !strings.Contains(ed.source.Problem(), "3:") {
		t.Fatalf("invalid node edit: %q", ed.source.Problem())
	}
	e.SetText(strings.Replace(strings.Replace(e.Text, `"type": "text",`, `"type": "text"`, 1), `"id": "memo"`, `"id": "note"`, 1))
	if doc.Form().Find("note") == nil || doc.Selected() != "note" {
		t.Fatalf("rename in the node's JSON: selected %q", doc.Selected())
	}
	e.SetText(strings.Replace(e.Text, `"id": "note"`, `"id": "amount"`, 1))
	if !strings.Contains(ed.source.Problem(), "amount") || doc.Form().Find("note") == nil {
		t.Fatalf("a duplicate id was accepted: %q", ed.source.Problem())
	}
	doc.Undo()
	if !bytes.Equal(before, doc.Bytes()) {
		t.Fatal("undo did not restore")
	}
}

func TestBindingEditor(t *testing.T) {
	cat, err := catalog.LoadCatalog(os.DirFS(filepath.Join("..", "..", "assets", "txns")))
	if err != nil || len(cat) == 0 {
		t.Skipf("no catalog: %v", err)
	}
	doc := designer.New(designer.Blank("withdraw"))
	ed, _ := newEditor(t, doc)
	doc.Catalog = cat
	doc.Select(fromKeys, "root")
	sel := ed.inspector.selects["submit.txn"]
	if sel == nil {
		t.Fatal("no transaction select in the form's inspector")
	}
	for _, o := range sel.Options {
		if strings.Contains(o, " cash_withdrawal ") {
			sel.SetSelected(o)
		}
	}
	if doc.Form().Submit == nil || doc.Form().Submit.Txn != "cash_withdrawal" {
		t.Fatal("choosing the transaction did not set submit.txn")
	}
	// The context values its steps read come from the session, not the form.
	if got := ed.inspector.contextLine; !strings.HasSuffix(got, ": teller, branch, business_date, serial, authorizer, cashbox") {
		t.Errorf("context line %q", got)
	}
	unbound := 0
	for _, p := range doc.Problems() {
		if strings.Contains(p.Msg, "required param") {
			unbound++
		}
	}
	if unbound == 0 {
		t.Fatal("no unmapped params reported for an empty form")
	}
	// Add a field for the amount param with its button.
	ed.insertHere("text")
	doc.Select(fromKeys, "root")
	pick := ed.inspector.selects["param.amount"]
	if pick == nil {
		t.Fatal("no row for param amount")
	}
	if len(pick.Options) != 0 {
		t.Errorf("a text field offered for a money param: %v", pick.Options)
	}
	ed.insertHere("amount")
	doc.Set(fromInspector, "amount", "bind", "amt")
	doc.Select(fromKeys, "root")
	ed.inspector.selects["param.amount"].SetSelected("amount")
	if n := doc.Form().Find("amount"); n.Bind != "amount" {
		t.Fatalf("mapping did not bind: %q", n.Bind)
	}
	for _, p := range doc.Problems() {
		if strings.Contains(p.Msg, "param amount") {
			t.Errorf("amount still reported: %s", p.Msg)
		}
	}
}

func TestTreeDragReorders(t *testing.T) {
	ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	doc.Select(fromCanvas, "memo")
	row := func(id string) *treeRow {
		for _, r := range ed.outline.rows {
			if r.id == id && r.Visible() && fyne.CurrentApp().Driver().CanvasForObject(r) != nil {
				return r
			}
		}
		t.Fatalf("no visible row for %s", id)
		return nil
	}
	drag := func(from, to *treeRow, frac float32) {
		a := abs(from).Add(fyne.NewPos(20, from.Size().Height/2))
		b := abs(to).Add(fyne.NewPos(20, to.Size().Height*frac))
		test.Drag(w.Canvas(), a, b.X-a.X, b.Y-a.Y)
	}
	drag(row("memo"), row("amount"), 0.1)
	if got := ids(doc.Form().Find("withdrawal")); !strings.HasPrefix(got, "memo,amount") {
		t.Fatalf("dropped on the top of amount: %s", got)
	}
	drag(row("memo"), row("acct"), 0.5)
	if got := ids(doc.Form().Find("acct")); !strings.HasSuffix(got, ",memo") {
		t.Fatalf("dropped into acct: %s", got)
	}
	doc.Undo()
	doc.Undo()
	if got := ids(doc.Form().Find("withdrawal")); !strings.HasPrefix(got, "amount,amount_cn,balance_after,memo") {
		t.Fatalf("after two undos: %s", got)
	}
}

// TestKeyboardOnlyBuildsAForm builds a small withdrawal form from an empty
// document with keys alone: / to search, Enter to insert, arrows and
// Alt+arrows to arrange, Delete, Ctrl+Z.
func TestKeyboardOnlyBuildsAForm(t *testing.T) {
	ed, w := newEditor(t, designer.New(designer.Blank("withdraw")))
	doc := ed.doc
	c := w.Canvas()
	insert := func(q string) {
		ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeySlash})
		if c.Focused() != ed.palette.search {
			t.Fatal("/ did not focus the palette search")
		}
		ed.palette.search.SetText("")
		test.Type(ed.palette.search, q)
		ed.palette.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		c.Unfocus()
	}
	alt := func(k fyne.KeyName) {
		c.(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierAlt})
	}
	insert("分组")    // group under the root, selected
	insert("账号")    // account into the group
	insert("金额")    // amount after the account
	insert("摘要")    // no match: nothing
	insert("text")  // text after the amount
	alt(fyne.KeyUp) // text above the amount
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // root
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // group
	insert("按钮")                                    // button at the end of the group
	alt(fyne.KeyLeft)                               // out of the group, after it
	if got := ids(doc.Form().Root); got != "group,button" {
		t.Fatalf("root %s", got)
	}
	if got := ids(doc.Form().Find("group")); got != "account,text,amount" {
		t.Fatalf("group %s", got)
	}
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if doc.Form().Find("button") != nil {
		t.Fatal("Delete kept the button")
	}
	c.(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	if doc.Form().Find("button") == nil {
		t.Fatal("Ctrl+Z did not restore the button")
	}
	if len(doc.Problems()) != 0 {
		t.Errorf("problems: %v", doc.Problems()[0].Msg)
	}
}

func TestRenameFromInspector(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	ed.doc.Select(fromCanvas, "memo")
	e := ed.inspector.Entry("id")
	e.SetText("remark")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if ed.doc.Form().Find("remark") == nil || ed.doc.Selected() != "remark" {
		t.Fatalf("rename: selected %q", ed.doc.Selected())
	}
	if got := ed.inspector.Entry("id").Text; got != "remark" {
		t.Errorf("inspector shows id %q", got)
	}
}

func TestUnsavedChangesPrompt(t *testing.T) {
	ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	ed.New()
	if ed.doc.Form().ID != "new_form" {
		t.Fatal("New on a clean document asked or did nothing")
	}
	ed.insertHere("text")
	before := ed.doc
	ed.New()
	if ed.doc != before {
		t.Fatal("New dropped unsaved changes without asking")
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no unsaved-changes dialog")
	}
}

func TestEnterInsertsTheChosenPaletteItem(t *testing.T) {
	ed, _ := newEditor(t, designer.New(designer.Blank("x")))
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n := len(ed.doc.Form().Root.Children); n != 0 {
		t.Fatalf("Enter with nothing chosen inserted %d nodes", n)
	}
	test.Tap(ed.palette.Item("group"))
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Tap(ed.palette.Item("amount"))
	ed.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := ids(ed.doc.Form().Find("group")); got != "amount" {
		t.Fatalf("Enter did not insert the chosen item into the selected group: %q", got)
	}
}

func TestMoneyPropIsAnAmountEntry(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	ed.doc.Select(fromCanvas, "amount")
	a := ed.inspector.amounts["props.max"]
	if a == nil {
		t.Fatal("no amount entry for the money prop max")
	}
	if v, ok := a.Value(); !ok || v.String() != "10000000.00" {
		t.Fatalf("shows %v %v", v, ok)
	}
	a.SetValue(5000000)
	if got := ed.doc.Form().Find("amount").Props["max"]; got != "50000.00" {
		t.Fatalf("max = %v", got)
	}
}

func TestCopyPasteThroughTheSystemClipboard(t *testing.T) {
	ed, w := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	ed.doc.Select(fromTree, "memo")
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutCopy{})
	text := fyne.CurrentApp().Clipboard().Content()
	if !strings.Contains(text, `"id": "memo"`) {
		t.Fatalf("system clipboard holds %q", text)
	}
	fyne.CurrentApp().Clipboard().SetContent(strings.Replace(text, `"id": "memo"`, `"id": "note"`, 1))
	ed.doc.Select(fromTree, "acct")
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutPaste{})
	if got := ids(ed.doc.Form().Find("acct")); !strings.HasSuffix(got, ",note") {
		t.Fatalf("pasted from the system clipboard: %s", got)
	}
}

func TestSelectingInAHiddenTabShowsIt(t *testing.T) {
	ed, _ := newEditor(t, designer.New(designer.Blank("x")))
	doc := ed.doc
	ed.insertHere("tabs")
	ed.insertHere("group")
	doc.Select(fromKeys, "tabs")
	ed.insertHere("group")
	ed.insertHere("amount") // into group_2, the second tab
	doc.Select(fromKeys, "group")
	if _, _, ok := ed.canvas.Rect("group"); !ok {
		t.Fatal("the first tab's group is not shown")
	}
	if _, _, ok := ed.canvas.Rect("amount"); ok {
		t.Fatal("the second tab's amount shows while the first tab is forward")
	}
	doc.Select(fromTree, "amount")
	if _, _, ok := ed.canvas.Rect("amount"); !ok {
		t.Fatal("selecting a node on the second tab did not bring the tab forward")
	}
}

func TestJSONEditWithProblemsApplies(t *testing.T) {
	ed, _ := newEditor(t, openForm(t, "cash_withdrawal.form.json"))
	doc := ed.doc
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	e := ed.source.Entry()
	before := doc.Bytes()
	if len(doc.Problems()) != 0 {
		t.Fatalf("the shipped form has problems: %v", doc.Problems()[0].Msg)
	}
	// Well-formed, but naming a field not yet added: it applies, and the
	// problem shows under Problems, not as a refusal.
	e.SetText(strings.Replace(e.Text, `"id": "memo",`, `"id": "memo", "visibleWhen": "amount > limit",`, 1))
	if n := doc.Form().Find("memo"); n == nil || n.VisibleWhen != "amount > limit" {
		t.Fatal("a well-formed edit with a validation problem was refused")
	}
	if p := ed.source.Problem(); p != "" {
		t.Errorf("the pane refuses the edit: %q", p)
	}
	var hit *designer.Problem
	for _, p := range ed.problems.Items() {
		if p.Code == dsl.CodeUnknownField {
			hit = &p
		}
	}
	if hit == nil || hit.Node != "memo" {
		t.Fatalf("no unknown-field problem at memo under Problems: %v", ed.problems.Items())
	}
	// The surface still renders the node, its broken condition off.
	if _, _, ok := ed.canvas.Rect("memo"); !ok {
		t.Error("the canvas does not show memo with its broken condition")
	}
	// One undo restores the form and clears the problem.
	doc.Undo()
	if !bytes.Equal(doc.Bytes(), before) {
		t.Fatal("undo of the edit did not restore the bytes")
	}
	if len(ed.problems.Items()) != 0 {
		t.Errorf("problems after undo: %v", ed.problems.Items())
	}
	// Malformed text is still refused.
	e.SetText(strings.Replace(e.Text, `"id": "memo",`, `"id": "memo" "visibleWhen": "limit",`, 1))
	if !bytes.Equal(doc.Bytes(), before) || !strings.HasPrefix(ed.source.Problem(), "✗ ") {
		t.Errorf("a malformed edit applied or was not reported: %q", ed.source.Problem())
	}
}

// TestBindingEditorShowsLookups: the form's inspector lists its lookups
// with their keys, mapping and the catalog's verdict; a lookup broken in
// the JSON shows its problem there and under Problems, where a click
// selects the form.
func TestBindingEditorShowsLookups(t *testing.T) {
	doc := openForm(t, "transfer.form.json")
	ed, _ := newEditorCfg(t, doc, Config{Catalog: loadCatalog(t)})
	doc.Select(fromKeys, "root")
	text := strings.Join(ed.inspector.LookupLines(), "\n")
	for _, want := range []string{"#0 account_lookup", "runs on: from_account", "param account (account) ← from_account",
		"fill acct_name → payer_name", "fill balance → balance", "#1 account_lookup", "runs on: to_account", "✓"} {
		if !strings.Contains(text, want) {
			t.Errorf("lookups section lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "✗") {
		t.Fatalf("the shipped lookups show a problem:\n%s", text)
	}
	// Break the second lookup in the whole form's JSON.
	ed.ShowSource(true)
	ed.source.EditWhole(true)
	e := ed.source.Entry()
	i := strings.LastIndex(e.Text, `"txn": "account_lookup"`)
	e.SetText(e.Text[:i] + `"txn": "cash_deposit"` + e.Text[i+len(`"txn": "account_lookup"`):])
	if ls := doc.Form().Lookups(); len(ls) != 2 || ls[1].Txn != "cash_deposit" {
		t.Fatalf("the JSON edit did not reach the lookups: %+v", ls)
	}
	ed.ShowSource(false)
	text = strings.Join(ed.inspector.LookupLines(), "\n")
	if !strings.Contains(text, "✗ lookup 1 (cash_deposit)") || !strings.Contains(text, "read-only") {
		t.Fatalf("the broken lookup shows no problem:\n%s", text)
	}
	hit := -1
	for i, p := range ed.problems.Items() {
		if p.Pointer == "/lookups/1/txn" {
			hit = i
		}
	}
	if hit < 0 {
		t.Fatalf("no lookup problem under Problems: %v", ed.problems.Items())
	}
	doc.Select(fromKeys, "amount")
	ed.problems.Select(hit)
	if doc.Selected() != "root" {
		t.Errorf("clicking the lookup problem selected %q", doc.Selected())
	}
	doc.Undo()
	if text := strings.Join(ed.inspector.LookupLines(), "\n"); strings.Contains(text, "✗") {
		t.Errorf("undo left the problem shown:\n%s", text)
	}
}

// TestDryRunSaysWhatPublishWouldRefuse: the dry run of a form whose
// values validate still lists what a publish would be refused for
// against the catalog (a transaction not in it), and says nothing of the
// kind for a form that binds well.
func TestDryRunSaysWhatPublishWouldRefuse(t *testing.T) {
	cat, err := catalog.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, txn string
		refused   bool
	}{
		{"bound well", "cash_withdrawal", false},
		{"a transaction not in the catalog", "cash_withdrawl", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openForm(t, "cash_withdrawal.form.json").Form().Clone()
			f.Submit.Txn = tc.txn
			ed, _ := newEditorCfg(t, designer.New(f), Config{Catalog: cat})
			ed.ShowPreview(true)
			ed.preview.Sample()
			ed.preview.action("submit")
			got := ed.preview.LastSubmit
			if !strings.Contains(got, "Dry run") {
				t.Fatalf("the sample values did not validate: %q", got)
			}
			if refused := strings.Contains(got, "Publish would be refused") && strings.Contains(got, tc.txn); refused != tc.refused {
				t.Errorf("refusal said %v, want %v:\n%s", refused, tc.refused, got)
			}
		})
	}
}
