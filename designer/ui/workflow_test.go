package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	"guitai/ledger"
	"guitai/money"
	"guitai/state"
	"guitai/teller"
	"guitai/widgets"
)

// These tests are the "tried as a new user would": the cash
// withdrawal form built from an empty document with the mouse alone and
// with the keyboard alone, bound to the catalog transaction, checked,
// previewed, published, then loaded as the teller loads published forms
// and posted against a ledger.

func loadCatalog(t *testing.T) catalog.Catalog {
	t.Helper()
	cat, err := catalog.LoadCatalog(os.DirFS(filepath.Join("..", "..", "assets", "txns")))
	if err != nil || cat["cash_withdrawal"] == nil {
		t.Fatalf("catalog: %v", err)
	}
	return cat
}

func newEditorCfg(t testing.TB, doc *designer.Document, cfg Config) (*Editor, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(widgets.Theme{})
	w := test.NewWindow(nil)
	ed := New(w, doc, cfg)
	w.SetContent(ed.Content())
	w.Resize(fyne.NewSize(1400, 900))
	t.Cleanup(w.Close)
	return ed, w
}

// centre is the absolute centre of o.
func centre(o fyne.CanvasObject) fyne.Position {
	return abs(o).Add(fyne.NewPos(o.Size().Width/2, o.Size().Height/2))
}

// click taps the window where o is, as the mouse does.
func click(w fyne.Window, o fyne.CanvasObject) { test.TapCanvas(w.Canvas(), centre(o)) }

// find returns the first visible object under root that is a typ (as
// %T prints it) followed by a text holding text: a button by its label,
// a menu item, a tab header.
func find(t *testing.T, root fyne.CanvasObject, typ, text string) fyne.CanvasObject {
	t.Helper()
	var last fyne.CanvasObject
	for _, o := range test.LaidOutObjects(root) {
		if !o.Visible() {
			continue
		}
		if fmt.Sprintf("%T", o) == typ {
			last = o
		}
		var s string
		switch x := o.(type) {
		case *canvas.Text:
			s = x.Text
		case *widget.Button:
			s = x.Text
		}
		if last != nil && s != "" && strings.Contains(s, text) {
			return last
		}
	}
	t.Fatalf("no %s %q on screen", typ, text)
	return nil
}

// pickMenu clicks the item of the open pop-up menu holding text.
func pickMenu(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no menu open to pick %q", text)
	}
	click(w, find(t, top, "*widget.menuItem", text))
}

// closeDialog presses the top dialog's button with the mouse.
func closeDialog(t *testing.T, w fyne.Window) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog to close")
	}
	click(w, find(t, top, "*ui.keyButton", "OK"))
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("the dialog stayed open")
	}
}

// paletteDrag drags palette item typ, scrolling the palette with the
// wheel until it is in sight, and drops it at the surface point to.
func paletteDrag(t *testing.T, ed *Editor, w fyne.Window, typ string, to fyne.Position) {
	t.Helper()
	it, sc := ed.palette.Item(typ), ed.palette.scroll
	for i := 0; ; i++ {
		top := abs(sc).Y
		y := abs(it).Y
		if y >= top && y+it.Size().Height <= top+sc.Size().Height {
			break
		}
		if i > 50 {
			t.Fatalf("palette item %s never scrolled into sight", typ)
		}
		dy := float32(60)
		if y > top {
			dy = -60
		}
		test.Scroll(w.Canvas(), centre(sc), 0, dy)
	}
	from := abs(it).Add(fyne.NewPos(10, 5))
	at := surfaceAbs(ed, to)
	test.Drag(w.Canvas(), from, at.X-from.X, at.Y-from.Y)
}

// belowLast is a surface point just under the root's last child.
func belowLast(ed *Editor) fyne.Position {
	kids := ed.doc.Form().Root.Children
	pos, size, _ := ed.canvas.Rect(kids[len(kids)-1].ID)
	return pos.Add(fyne.NewPos(20, size.Height+6))
}

// doubleClickAndType replaces an entry's text by typing, the text first
// selected with a double click (a one-word text). The inspector's
// editors are tapped as objects: the test driver does not place objects
// inside a freshly rebuilt scroll, so a tap at a computed position would
// land elsewhere.
func doubleClickAndType(e *widget.Entry, s string) {
	test.Tap(e)
	test.DoubleTap(e)
	test.Type(e, s)
}

func TestMouseAloneBuildsTheWithdrawalForm(t *testing.T) {
	dir := t.TempDir()
	ed, w := newEditorCfg(t, designer.New(designer.Blank("new_form")), Config{Catalog: loadCatalog(t), PublishDir: dir})
	doc := ed.doc
	in := ed.inspector

	// Fields, dragged from the palette onto the surface.
	paletteDrag(t, ed, w, "account", fyne.NewPos(100, 20))
	paletteDrag(t, ed, w, "amount", belowLast(ed))
	paletteDrag(t, ed, w, "text", belowLast(ed))
	if got := ids(doc.Form().Root); got != "account,amount,text" {
		t.Fatalf("after three drops the root holds %q", got)
	}
	if ed.canvas.MarkerShown() {
		t.Error("the drop marker stayed up")
	}
	// The amount's caption: click it on the surface, retype its label.
	pos, size, _ := ed.canvas.Rect("amount")
	test.TapCanvas(w.Canvas(), surfaceAbs(ed, pos.Add(fyne.NewPos(size.Width/2, size.Height/2))))
	if doc.Selected() != "amount" {
		t.Fatalf("clicking the amount selected %q", doc.Selected())
	}
	doubleClickAndType(in.Entry("props.label.zh"), "取款金额")

	// The form's header: click the root in the outline.
	// The root is the outline's first row (the test driver cannot place
	// a row object, so click where the first row shows).
	var rootRow *treeRow
	for _, o := range test.LaidOutObjects(ed.outline.tree) {
		if r, ok := o.(*treeRow); ok && r.id == "root" && r.Visible() {
			rootRow = r
		}
	}
	if rootRow == nil {
		t.Fatal("no root row in the outline")
	}
	test.TapCanvas(w.Canvas(), abs(ed.outline.tree).Add(fyne.NewPos(rootRow.Size().Width/2, rootRow.Size().Height/2)))
	if doc.Selected() != "root" || in.Entry("title.zh") == nil {
		t.Fatalf("clicking the root row selected %q", doc.Selected())
	}
	doubleClickAndType(in.Entry("id"), "cash_withdrawal")
	doubleClickAndType(in.Entry("title.zh"), "现金取款")
	test.Tap(in.Entry("code"))
	test.Type(in.Entry("code"), "1402")

	// Bind it: the transaction, then each param in the binding editor.
	test.Tap(in.Select("submit.txn"))
	pickMenu(t, w, " cash_withdrawal ")
	if s := doc.Form().Submit; s == nil || s.Txn != "cash_withdrawal" {
		t.Fatalf("submit %+v after picking the transaction", s)
	}
	test.Tap(in.Select("param.memo"))
	pickMenu(t, w, "text")
	if add := in.AddButton("idcard"); add == nil {
		t.Fatal("no add-field button for the unmapped idcard param")
	} else {
		test.Tap(add)
	}
	checkBuilt(t, ed)

	// Check, preview with sample values and a dry run, publish: buttons.
	click(w, find(t, ed.Content(), "*widget.Button", "检查"))
	if !strings.Contains(ed.LastMessage(), "没有问题") {
		t.Fatalf("check says %q", ed.LastMessage())
	}
	closeDialog(t, w)
	click(w, find(t, ed.centre, "*container.tabButton", "预览 Preview"))
	click(w, find(t, ed.preview.obj, "*widget.Button", "示例值"))
	click(w, find(t, ed.preview.obj, "*widget.Button", "试提交"))
	checkDryRun(t, ed)
	closeDialog(t, w)
	click(w, find(t, ed.Content(), "*widget.Button", "发布"))
	closeDialog(t, w)

	postWithPublished(t, dir)
}

func TestKeyboardAloneBuildsTheWithdrawalForm(t *testing.T) {
	dir := t.TempDir()
	cat := loadCatalog(t)
	ed, w := newEditorCfg(t, designer.New(designer.Blank("new_form")), Config{Catalog: cat, PublishDir: dir})
	doc := ed.doc
	in := ed.inspector
	c := w.Canvas()
	// What the desktop driver does with each key: the focused widget
	// gets it, else the window; Tab moves the focus unless the focused
	// widget takes tabs; a shortcut goes to the focused widget when it
	// takes shortcuts, else to the window.
	key := func(k fyne.KeyName) {
		if f := c.Focused(); f != nil {
			f.TypedKey(&fyne.KeyEvent{Name: k})
		} else {
			ed.TypedKey(&fyne.KeyEvent{Name: k})
		}
	}
	tab := func() {
		if tb, ok := c.Focused().(fyne.Tabbable); ok && tb.AcceptsTab() {
			c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
			return
		}
		c.FocusNext()
	}
	shortcut := func(s fyne.Shortcut) {
		if f, ok := c.Focused().(fyne.Shortcutable); ok {
			f.TypedShortcut(s)
			return
		}
		c.(fyne.Shortcutable).TypedShortcut(s)
	}
	ctrl := func(k fyne.KeyName) {
		shortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	typ := func(s string) {
		for _, r := range s {
			c.Focused().TypedRune(r)
		}
	}
	retype := func(s string) { shortcut(&fyne.ShortcutSelectAll{}); typ(s) }
	// choose opens the focused select and picks the option holding text
	// with the arrows, as the user reads the list.
	choose := func(text string) {
		sel, ok := c.Focused().(*keySelect)
		if !ok {
			t.Fatalf("focus on %T, not a select", c.Focused())
		}
		i := slices.IndexFunc(sel.Options, func(o string) bool { return strings.Contains(o, text) })
		if i < 0 {
			t.Fatalf("no option %q in %v", text, sel.Options)
		}
		key(fyne.KeySpace)
		for range i + 1 {
			key(fyne.KeyDown)
		}
		key(fyne.KeyReturn)
	}
	tabTo := func(target any) {
		for range 30 {
			f := c.Focused()
			if ks, ok := f.(*keySelect); (ok && &ks.Select == target) || f == target {
				return
			}
			tab()
		}
		t.Fatalf("Tab never reached %T", target)
	}

	// Fields: Ctrl+F, a name, Enter; the next name replaces the last.
	ctrl(fyne.KeyF)
	for _, q := range []string{"账号", "金额", "text", "身份证"} {
		typ(q)
		key(fyne.KeyReturn)
		shortcut(&fyne.ShortcutSelectAll{})
	}
	key(fyne.KeyEscape)
	if got := ids(doc.Form().Root); got != "account,amount,text,idcard" {
		t.Fatalf("root holds %q", got)
	}
	// The amount's caption: up twice from the idcard, Ctrl+I, retype.
	key(fyne.KeyUp)
	key(fyne.KeyUp)
	if doc.Selected() != "amount" {
		t.Fatalf("up twice selected %q", doc.Selected())
	}
	ctrl(fyne.KeyI)
	retype("取款金额")
	key(fyne.KeyEscape)

	// The header: Escape selects nothing, Ctrl+I, then Tab along.
	key(fyne.KeyEscape)
	ctrl(fyne.KeyI)
	if c.Focused() != fyne.Focusable(in.entries["id"]) {
		t.Fatalf("Ctrl+I on the form focused %T", c.Focused())
	}
	retype("cash_withdrawal")
	tabTo(fyne.Focusable(in.entries["code"]))
	typ("1402")
	tabTo(fyne.Focusable(in.entries["title.zh"]))
	retype("现金取款")
	tabTo(in.Select("submit.txn"))
	choose(" cash_withdrawal ")
	if s := doc.Form().Submit; s == nil || s.Txn != "cash_withdrawal" {
		t.Fatalf("submit %+v after choosing the transaction", s)
	}
	// The memo param: Ctrl+I, Tab to its picker, choose the text field.
	ctrl(fyne.KeyI)
	tabTo(in.Select("param.memo"))
	choose("text")
	key(fyne.KeyEscape)
	checkBuilt(t, ed)

	// F7 check, F6 sample values, F8 dry run, Ctrl+Shift+P publish; Enter
	// closes each dialog.
	key(fyne.KeyF7)
	if !strings.Contains(ed.LastMessage(), "没有问题") {
		t.Fatalf("check says %q", ed.LastMessage())
	}
	key(fyne.KeyReturn)
	key(fyne.KeyF6)
	key(fyne.KeyF8)
	checkDryRun(t, ed)
	key(fyne.KeyReturn)
	key(fyne.KeyF5)
	if ed.centre.SelectedIndex() != 0 {
		t.Error("F5 did not go back to the design surface")
	}
	shortcut(&desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if !strings.Contains(ed.LastMessage(), "cash_withdrawal.form.json") {
		t.Fatalf("publish says %q", ed.LastMessage())
	}
	key(fyne.KeyReturn)
	if c.Overlays().Top() != nil {
		t.Fatal("Enter did not close the publish dialog")
	}

	postWithPublished(t, dir)
}

// checkBuilt asserts the form is bound to cash_withdrawal with its
// account, amount, memo and idcard params mapped and no problem left.
func checkBuilt(t *testing.T, ed *Editor) {
	t.Helper()
	f := ed.doc.Form()
	if f.ID != "cash_withdrawal" || f.Code != "1402" || f.Title.Zh != "现金取款" {
		t.Fatalf("header id %q code %q title %q", f.ID, f.Code, f.Title.Zh)
	}
	if got := f.Find("amount").PropText("label").Zh; got != "取款金额" {
		t.Errorf("amount label %q", got)
	}
	bound := map[string]string{}
	for _, fl := range f.Fields() {
		bound[fl.Key] = f.Find(fl.Node).Type
	}
	for key, typ := range map[string]string{"account": "account", "amount": "amount", "memo": "text", "idcard": "idcard"} {
		if bound[key] != typ {
			t.Errorf("param %s bound to a %q field, want %s (bound: %v)", key, bound[key], typ, bound)
		}
	}
	if p := ed.problems.Items(); len(p) > 0 {
		t.Fatalf("problems: %s", problemText(p[0]))
	}
}

func checkDryRun(t *testing.T, ed *Editor) {
	t.Helper()
	got := ed.preview.LastSubmit
	for _, want := range []string{"txn: cash_withdrawal", "account = 6222", "amount = ", "memo = "} {
		if !strings.Contains(got, want) {
			t.Fatalf("dry run lacks %q:\n%s", want, got)
		}
	}
}

// postWithPublished loads the forms published into dir as the teller does
// (teller -forms DIR), opens a demo ledger on a temporary SQLite file,
// opens the teller's cash box, fills the published withdrawal form in the
// runtime renderer and posts it through the executor's submit hook (the
// teller window's Config.Submit); the account's balance must fall by the
// amount.
func postWithPublished(t *testing.T, dir string) {
	t.Helper()
	base, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	forms, err := teller.LoadForms(dir, base)
	if err != nil {
		t.Fatal(err)
	}
	var def *dsl.Form
	for _, f := range forms {
		if f.ID == "cash_withdrawal" {
			def = f
		}
	}
	if def == nil || def.Find("acct") != nil || def.Find("memo") != nil {
		t.Fatal("the teller did not load the published form over the built-in one")
	}
	ctx := context.Background()
	store, err := ledger.OpenDemo(ctx, filepath.Join(t.TempDir(), "l.db"), ledger.Options{PasswordIterations: 1000},
		ledger.Today())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	const tellerID = "010101"
	if _, err := store.SignOn(ctx, tellerID, ledger.DemoPassword, "T01"); err != nil {
		t.Fatal(err)
	}
	x := ledger.NewExecutor(store, cat, forms)
	if _, err := x.Submit(ctx, ledger.Request{Txn: "cashbox_allocate", Teller: tellerID, Terminal: "T01", Key: "box-" + dir,
		Values:      map[string]any{"amount": "10000.00", "handover_id": "010102", "n100": "100"},
		Counterpart: &ledger.Credentials{ID: "010102", Password: ledger.DemoPassword}}); err != nil {
		t.Fatalf("opening the cash box: %v", err)
	}
	acct := ledger.AccountNumber("0101", 1)
	balance := func() money.Fen {
		var b int64
		if err := store.DB().Get(&b, store.DB().Rebind(`SELECT balance FROM accounts WHERE number = ?`), acct); err != nil {
			t.Fatal(err)
		}
		return money.Fen(b)
	}
	before := balance()

	f, err := widgets.Render(def, state.NewBus().Scope("teller"), widgets.Options{Lang: "zh", Image: func(string) fyne.Resource { return nil }})
	if err != nil {
		t.Fatalf("the teller cannot render the published form: %v", err)
	}
	defer f.Close()
	amount := money.MustParse("321.50")
	f.Scope.Set("account", acct)
	f.Scope.Set("amount", amount)
	f.Scope.Set("memo", "设计器发布的表单")
	if v := f.Validate(); len(v) > 0 {
		t.Fatalf("the published form refuses good values: %v", v[0])
	}
	submit := x.SubmitHook(func() ledger.Session { return ledger.Session{Teller: tellerID, Terminal: "T01"} }, nil, nil)
	res, err := submit(def, f.Values())
	if err != nil {
		t.Fatalf("posting with the published form: %v", err)
	}
	if got := before - balance(); got != amount {
		t.Fatalf("balance fell by %s, want %s (%s)", got.Grouped(), amount.Grouped(), res.Message("zh"))
	}
}
