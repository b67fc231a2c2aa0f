package widgets

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/money"
	"guitai/state"
)

const depositForm = `{"dsl": "guitai.form/1", "id": "dep", "version": "1.0.0", "code": "1401",
"title": {"zh": "现金存款", "en": "Cash deposit"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "g", "type": "group", "props": {"title": {"zh": "账户", "en": "Account"}}, "children": [
    {"id": "account", "type": "account", "bind": "account", "props": {"label": {"zh": "账号", "en": "Account"}},
     "rules": [{"required": true}, {"luhn": true}]},
    {"id": "name", "type": "text", "bind": "name", "props": {"label": {"zh": "户名", "en": "Name"}}}
  ]},
  {"id": "amount", "type": "amount", "bind": "amount", "props": {"label": {"zh": "金额", "en": "Amount"}},
   "rules": [{"required": true}, {"expr": "amount > 0", "message": {"zh": "金额必须大于零", "en": "Amount must be positive"}}]},
  {"id": "upper", "type": "label", "value": "cnUpper(amount)"},
  {"id": "memo", "type": "text", "bind": "memo", "visibleWhen": "amount >= 50000", "props": {"label": {"zh": "用途", "en": "Purpose"}},
   "rules": [{"required": true}]},
  {"id": "copy", "type": "label", "bind": "name"},
  {"id": "agree", "type": "check", "bind": "agree", "enabledWhen": "amount > 0", "props": {"label": {"zh": "已核对", "en": "Checked"}}}
]},
"submit": {"txn": "cash_deposit", "authorize": {"when": "amount > 50000", "role": "supervisor"}}}`

func render(t testing.TB, src string, lang string) (*Form, *state.Scope, fyne.Window, *[]string) {
	t.Helper()
	def, err := dsl.Decode([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	scope := state.NewBus().Scope("form:test")
	var actions []string
	f, err := Render(def, scope, Options{Lang: lang, OnAction: func(a string) { actions = append(actions, a) }})
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(f.Object())
	w.Resize(fyne.NewSize(900, 700))
	t.Cleanup(w.Close)
	return f, scope, w, &actions
}

func TestRenderBindsStateBothWays(t *testing.T) {
	test.NewTempApp(t)
	f, scope, w, _ := render(t, depositForm, "zh")

	// Typing writes state.
	test.Type(f.Field("name").Focusable().(fyne.Focusable), "张三")
	if v, _ := scope.Get("name"); v != "张三" {
		t.Fatalf("name in state = %v", v)
	}
	// A label bound to the same key follows.
	if got := f.nodes["copy"].el.Object.(*widget.Label).Text; got != "张三" {
		t.Fatalf("label bound to name shows %q", got)
	}
	// State writes show in the field.
	if err := scope.Set("amount", money.MustParse("60000.00")); err != nil {
		t.Fatal(err)
	}
	if v := f.Field("amount").Value(); v != money.MustParse("60000.00") {
		t.Errorf("amount field shows %v", v)
	}
	// The computed label and visibleWhen followed the change.
	if !f.Visible("memo") {
		t.Error("memo hidden at 60,000")
	}
	if !strings.Contains(textOf(w.Canvas().Content()), "陆万元整") {
		t.Error("大写 label missing 陆万元整")
	}
	scope.Set("amount", money.MustParse("100.00"))
	if f.Visible("memo") {
		t.Error("memo shown at 100")
	}
	if need, _ := f.NeedsAuthorization(); need {
		t.Error("authorization at 100")
	}
	scope.Set("amount", money.MustParse("50000.01"))
	if need, _ := f.NeedsAuthorization(); !need {
		t.Error("no authorization at 50,000.01")
	}
}

func TestEnabledWhen(t *testing.T) {
	test.NewTempApp(t)
	f, scope, _, _ := render(t, depositForm, "zh")
	if f.Enabled("agree") {
		t.Error("agree enabled with no amount")
	}
	scope.Set("amount", money.Fen(1))
	if !f.Enabled("agree") {
		t.Error("agree disabled with an amount")
	}
}

func TestValidateShowsEveryProblemAndSkipsHidden(t *testing.T) {
	test.NewTempApp(t)
	f, scope, _, _ := render(t, depositForm, "en")
	problems := f.Validate()
	var kinds []string
	for _, p := range problems {
		kinds = append(kinds, p.Node+":"+p.Kind)
	}
	if got := strings.Join(kinds, " "); got != "account:required amount:required" {
		t.Errorf("problems %q", got)
	}
	// The hidden memo is not checked; once shown it is.
	scope.Set("amount", money.MustParse("60000"))
	scope.Set("account", "6222020200112233")
	problems = f.Validate()
	kinds = kinds[:0]
	for _, p := range problems {
		kinds = append(kinds, p.Node+":"+p.Kind)
	}
	if got := strings.Join(kinds, " "); got != "account:luhn memo:required" {
		t.Errorf("problems %q", got)
	}
	if e := f.Field("account").(*bankField).w.(*AccountEntry).ValidationError(); e != "Account number check digit is wrong" {
		t.Errorf("account shows %q", e)
	}
	scope.Set("account", "6222020200112230")
	scope.Set("memo", "rent")
	if p := f.Validate(); len(p) != 0 {
		t.Errorf("still %v", p)
	}
	vals := f.Values()
	if vals["amount"] != money.MustParse("60000") || vals["memo"] != "rent" || vals["account"] != "6222020200112230" {
		t.Errorf("values %v", vals)
	}
	// Hiding memo again drops it from the values posted.
	scope.Set("amount", money.MustParse("10"))
	if _, ok := f.Values()["memo"]; ok {
		t.Error("hidden memo posted")
	}
}

func TestRuleErrorShowsWhenLeavingField(t *testing.T) {
	test.NewTempApp(t)
	f, _, w, _ := render(t, depositForm, "zh")
	acct := f.Field("account").Focusable()
	w.Canvas().Focus(acct)
	test.Type(acct, "6222020200112233")
	w.Canvas().Focus(f.Field("name").Focusable())
	if e := f.Field("account").(*bankField).w.(*AccountEntry).ValidationError(); e != "账号校验位不正确" {
		t.Errorf("after leaving: %q", e)
	}
	// Fixing the value clears the error as it is typed.
	w.Canvas().Focus(acct)
	f.Field("account").(*bankField).w.(*AccountEntry).SetValue("6222020200112230")
	if e := f.Field("account").(*bankField).w.(*AccountEntry).ValidationError(); e != "" {
		t.Errorf("after fixing: %q", e)
	}
}

func TestEnterMovesToNextFieldAndEscapeCancels(t *testing.T) {
	test.NewTempApp(t)
	f, scope, w, actions := render(t, depositForm, "zh")
	f.FocusFirst()
	if w.Canvas().Focused() != f.Field("account").Focusable() {
		t.Fatal("first focus is not the account")
	}
	order := []string{"name", "amount", "agree"}
	scope.Set("amount", money.Fen(100)) // enables agree, memo stays hidden
	w.Canvas().Focus(f.Field("account").Focusable())
	for _, id := range order {
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if w.Canvas().Focused() != f.Field(id).Focusable() {
			t.Fatalf("Enter did not reach %s", id)
		}
	}
	w.Canvas().Focus(f.Field("amount").Focusable())
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	w.Canvas().Focus(f.Field("name").Focusable())
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if fmt.Sprint(*actions) != "[cancel cancel]" {
		t.Errorf("actions %v", *actions)
	}
}

func TestTabOrderFollowsTree(t *testing.T) {
	test.NewTempApp(t)
	f, scope, w, _ := render(t, depositForm, "zh")
	scope.Set("amount", money.MustParse("60000")) // memo shown
	w.Canvas().Focus(f.Field("account").Focusable())
	for _, id := range []string{"name", "amount", "memo", "agree"} {
		w.Canvas().FocusNext()
		if w.Canvas().Focused() != f.Field(id).Focusable() {
			t.Fatalf("Tab did not reach %s, at %T", id, w.Canvas().Focused())
		}
	}
}

func TestRenderEveryType(t *testing.T) {
	test.NewTempApp(t)
	for _, lang := range []string{"zh", "en"} {
		f, _, _, _ := render(t, everyType, lang)
		for name := range dsl.Types {
			if _, ok := Lookup(name); !ok {
				t.Errorf("type %q has no constructor", name)
			}
		}
		if len(f.fields) < 10 {
			t.Errorf("%s: only %d focusable fields", lang, len(f.fields))
		}
	}
}

const everyType = `{"dsl": "guitai.form/1", "id": "all", "version": "1.0.0", "title": {"zh": "全部", "en": "All"},
"root": {"id": "root", "type": "form", "children": [
 {"id": "tabs", "type": "tabs", "children": [
  {"id": "t1", "type": "group", "props": {"title": {"zh": "字段", "en": "Fields"}, "columns": 2}, "children": [
   {"id": "text", "type": "text", "bind": "text", "props": {"label": {"zh": "文本", "en": "Text"}}},
   {"id": "ta", "type": "textarea", "bind": "ta"},
   {"id": "pw", "type": "password", "bind": "pw"},
   {"id": "num", "type": "number", "bind": "num"},
   {"id": "phone", "type": "phone", "bind": "phone"},
   {"id": "date", "type": "date", "bind": "due_date", "props": {"defaultToday": true}},
   {"id": "sel", "type": "select", "bind": "sel", "props": {"options": [{"value": "a", "label": {"zh": "甲", "en": "A"}}]}},
   {"id": "radio", "type": "radio", "bind": "radio", "props": {"options": [{"value": "m", "label": {"zh": "男", "en": "Male"}}]}},
   {"id": "check", "type": "check", "bind": "check"},
   {"id": "amount", "type": "amount", "bind": "amount"},
   {"id": "account", "type": "account", "bind": "account"},
   {"id": "idno", "type": "idcard", "bind": "idno"}]},
  {"id": "t2", "type": "column", "children": [
   {"id": "row", "type": "row", "children": [{"id": "l1", "type": "label", "props": {"text": {"zh": "静态"}}}]},
   {"id": "grid", "type": "grid", "children": [{"id": "btn", "type": "button", "props": {"action": "query"}}]},
   {"id": "split", "type": "split", "children": [
     {"id": "scroll", "type": "scroll", "children": [{"id": "img", "type": "image", "props": {"src": "logo"}}]},
     {"id": "table", "type": "table", "bind": "rows", "props": {"columns": [{"key": "a", "title": {"zh": "金额"}, "kind": "money"}]}}]},
   {"id": "seal", "type": "seal"}]}]}]}}`

// textOf joins the text drawn under o, as the test driver draws it.
func textOf(o fyne.CanvasObject) string {
	var b strings.Builder
	for _, c := range test.LaidOutObjects(o) {
		if t, ok := c.(*canvas.Text); ok && c.Visible() {
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}

func TestNodeObjectIsTheOuterObject(t *testing.T) {
	test.NewTempApp(t)
	f, scope, _, _ := render(t, depositForm, "en")
	// A captioned field's outer object holds its caption and its input.
	memo := f.NodeObject("memo")
	if memo == nil || memo == f.nodes["memo"].el.Object {
		t.Fatalf("memo's object is %v, want its caption row", memo)
	}
	if !strings.Contains(textOf(memo), "Purpose") {
		t.Errorf("memo's object lacks its caption: %q", textOf(memo))
	}
	// It is what visibleWhen hides.
	if memo.Visible() {
		t.Error("memo's object shown at amount 0")
	}
	if err := scope.Set("amount", money.MustParse("60000.00")); err != nil {
		t.Fatal(err)
	}
	if !memo.Visible() {
		t.Error("memo's object hidden at 60,000")
	}
	// A node without caption is its element; children sit in their parent.
	if f.NodeObject("upper") != f.nodes["upper"].el.Object {
		t.Error("upper's object is not its label")
	}
	if !strings.Contains(textOf(f.NodeObject("g")), "Name") {
		t.Error("the group's object does not hold its children")
	}
	if f.NodeObject("nope") != nil {
		t.Error("an unknown id has an object")
	}
}

func TestDesignShowsEveryNodeAndExpressions(t *testing.T) {
	test.NewTempApp(t)
	// An expression naming a field not yet added does not stop a design render.
	src := strings.Replace(depositForm, `"visibleWhen": "amount >= 50000"`, `"visibleWhen": "amount >= limit"`, 1)
	def, errs := dsl.DecodeLenient([]byte(src))
	if def == nil || len(errs) != 1 {
		t.Fatalf("DecodeLenient: %v", errs)
	}
	scope := state.NewBus().Scope("form:design")
	if _, err := Render(def, scope, Options{Lang: "en"}); err == nil {
		t.Fatal("a broken expression rendered outside design")
	}
	f, err := Render(def, scope, Options{Lang: "en", Design: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !f.NodeObject("memo").Visible() || !f.Visible("memo") {
		t.Error("memo hidden in design")
	}
	if !f.Enabled("agree") {
		t.Error("agree disabled in design")
	}
	if got := f.nodes["upper"].el.Object.(*widget.Label).Text; got != "= cnUpper(amount)" {
		t.Errorf("computed label shows %q in design", got)
	}
	// Changes do not evaluate expressions either.
	if err := scope.Set("amount", money.MustParse("60.00")); err != nil {
		t.Fatal(err)
	}
	if got := f.nodes["upper"].el.Object.(*widget.Label).Text; got != "= cnUpper(amount)" {
		t.Errorf("computed label shows %q in design after a change", got)
	}
}

// TestReadOnlyFieldReadsPlainly: a readOnly field takes no input, yet its
// value is drawn in the foreground colour, not the faded disabled one.
func TestReadOnlyFieldReadsPlainly(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "ro", "version": "1.0.0", "title": {"zh": "余额"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "balance", "type": "amount", "bind": "balance", "props": {"label": {"zh": "余额"}, "readOnly": true}},
  {"id": "amount", "type": "amount", "bind": "amount", "props": {"label": {"zh": "金额"}}}
]}}`
	f, scope, w, _ := render(t, src, "zh")
	scope.Set("balance", money.Fen(123456))
	w.Canvas().Refresh(f.Object())
	img := w.Canvas().Capture() // draws through the override: no recursion
	if img == nil {
		t.Fatal("no capture")
	}
	ro := f.NodeObject("balance")
	var texts []*canvas.Text
	for _, o := range test.LaidOutObjects(ro) {
		if tx, ok := o.(*canvas.Text); ok && strings.Contains(tx.Text, "1,234.56") {
			texts = append(texts, tx)
		}
	}
	if len(texts) == 0 {
		t.Fatal("the read-only value is not drawn")
	}
	fg := theme.Current().Color(theme.ColorNameForeground, theme.VariantLight)
	dis := theme.Current().Color(theme.ColorNameDisabled, theme.VariantLight)
	for _, tx := range texts {
		if tx.Color == dis || tx.Color != fg {
			t.Errorf("read-only value drawn in %v; foreground is %v, disabled %v", tx.Color, fg, dis)
		}
	}
	if e, ok := f.Field("balance").Focusable().(fyne.Disableable); !ok || !e.Disabled() {
		t.Error("the read-only field takes input")
	}
}

// TestReadOnlyFieldIsNoInputBox: a read-only amount or text (上日库存)
// is drawn as a figure, without the input background and border an
// editable field has.
func TestReadOnlyFieldIsNoInputBox(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "ro", "version": "1.0.0", "title": {"zh": "库存"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "stock", "type": "amount", "bind": "stock", "props": {"label": {"zh": "上日库存"}, "readOnly": true}},
  {"id": "teller", "type": "text", "bind": "teller", "props": {"label": {"zh": "柜员"}, "readOnly": true}},
  {"id": "amount", "type": "amount", "bind": "amount", "props": {"label": {"zh": "金额"}}},
  {"id": "memo", "type": "text", "bind": "memo", "props": {"label": {"zh": "附言"}}}
]}}`
	f, scope, w, _ := render(t, src, "zh")
	scope.Set("stock", money.Fen(123456))
	scope.Set("teller", "010101")
	w.Canvas().Refresh(f.Object())
	// boxed reports whether the entry of node id draws an input box: a
	// rectangle with a visible fill or border.
	boxed := func(id string) bool {
		entry := f.Field(id).Focusable().(fyne.CanvasObject)
		for _, o := range test.WidgetRenderer(entry.(fyne.Widget)).Objects() {
			r, ok := o.(*canvas.Rectangle)
			if !ok || !r.Visible() {
				continue
			}
			if r.FillColor != nil {
				if _, _, _, a := r.FillColor.RGBA(); a != 0 {
					return true
				}
			}
			if r.StrokeColor != nil && r.StrokeWidth > 0 {
				if _, _, _, a := r.StrokeColor.RGBA(); a != 0 {
					return true
				}
			}
		}
		return false
	}
	for id, want := range map[string]bool{"stock": false, "teller": false, "amount": true, "memo": true} {
		if got := boxed(id); got != want {
			t.Errorf("%s draws an input box: %v, want %v", id, got, want)
		}
	}
	if s := labelOrText(f, "stock"); !strings.Contains(s, "1,234.56") {
		t.Errorf("the read-only stock shows %q", s)
	}
}

// labelOrText is the first text drawn in node id holding a digit.
func labelOrText(f *Form, id string) string {
	for _, o := range test.LaidOutObjects(f.NodeObject(id)) {
		if tx, ok := o.(*canvas.Text); ok && strings.ContainsAny(tx.Text, "0123456789") {
			return tx.Text
		}
	}
	return ""
}

// TestTableColumnsFitTheirCells: a column widens to its widest cell, so a
// 19-digit account number is not cut or drawn over the next column.
func TestTableColumnsFitTheirCells(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "tb", "version": "1.0.0", "title": {"zh": "表"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "table", "type": "table", "bind": "rows", "props": {"columns": [
    {"key": "account", "kind": "text", "title": {"zh": "账号"}},
    {"key": "balance", "kind": "money", "title": {"zh": "余额"}}]}}
]}}`
	f, scope, w, _ := render(t, src, "zh")
	w.Resize(fyne.NewSize(1200, 500))
	long := "6222020200112233445"
	scope.Set("rows", []map[string]any{{"account": long, "balance": int64(123456789012)}})
	tf, ok := f.Field("table").(*tableField)
	if !ok {
		t.Fatalf("table field is %T", f.Field("table"))
	}
	pad := theme.InnerPadding() * 2
	for i, text := range []string{long, "1,234,567,890.12"} {
		need := fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width + pad
		if len(tf.widths) != 2 || tf.widths[i] < need {
			t.Errorf("column %d widths %v: %q needs %.0f", i, tf.widths, text, need)
		}
	}
	// Emptied, the columns go back to their captions' width.
	scope.Set("rows", nil)
	if tf.widths[0] != 120 {
		t.Errorf("empty table: widths %v", tf.widths)
	}
}

// A horizontal radio gives each option its own width: with Fyne's equal
// widths, one long option ("Deposit certificate") made the row three times
// as wide and pushed the form past the window.
func TestHorizontalRadioOptionsTakeTheirOwnWidth(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "r", "version": "1.0.0", "code": "9999",
"title": {"zh": "单选", "en": "Radio"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "m", "type": "radio", "bind": "m", "props": {"horizontal": true, "options": [
    {"value": "card", "label": {"zh": "卡", "en": "Card"}},
    {"value": "pb", "label": {"zh": "折", "en": "Book"}},
    {"value": "cd", "label": {"zh": "存单", "en": "Deposit certificate of a long name"}}]}}]}}`
	f, scope, _, _ := render(t, src, "en")
	var row *radioRow
	for _, o := range test.LaidOutObjects(f.Object()) {
		if x, ok := o.(*radioRow); ok {
			row = x
		}
	}
	if row == nil {
		t.Fatal("no radio row")
	}
	items := test.WidgetRenderer(row).Objects()
	var sum, widest float32
	for i, it := range items {
		m := it.MinSize()
		sum += m.Width
		widest = max(widest, m.Width)
		if it.Size().Width+0.5 < m.Width {
			t.Errorf("option %d is %.0f wide, needs %.0f", i, it.Size().Width, m.Width)
		}
		if i > 0 && it.Position().X+0.5 < items[i-1].Position().X+items[i-1].Size().Width {
			t.Errorf("option %d overlaps the one before", i)
		}
	}
	if got := row.MinSize().Width; got > sum+0.5 || got >= 3*widest {
		t.Errorf("the row needs %.0f px; its options %.0f (widest %.0f)", got, sum, widest)
	}
	// Tapping an option still selects it.
	test.Tap(items[2].(fyne.Tappable))
	if v, _ := scope.Get("m"); v != "cd" {
		t.Errorf("value %v after tapping the third option", v)
	}
}

// The caption column grows with the text: a caption that fits at scale 1
// is not cut at 1.25.
func TestCaptionColumnFollowsTheTextScale(t *testing.T) {
	src := `{"dsl": "guitai.form/1", "id": "c", "version": "1.0.0", "code": "9998",
"title": {"zh": "开户", "en": "Open"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "initial_deposit", "type": "text", "bind": "d", "props": {"label": {"zh": "首次存入", "en": "Initial deposit"}}}]}}`
	for _, scale := range []float32{1, 1.25, 1.5} {
		test.NewTempApp(t)
		fyne.CurrentApp().Settings().SetTheme(Theme{Scale: scale})
		f, _, w, _ := render(t, src, "en")
		w.Resize(fyne.NewSize(900, 700))
		w.Content().Refresh()
		if cut := f.Truncated(); len(cut) > 0 {
			t.Errorf("scale %g: captions cut: %v", scale, cut)
		}
	}
}

// TestClearEmptiesLabelsAndStaysQuiet: clearing a form empties its bound
// labels and tables too, and, when the StateBus delivers the deletions
// later (as the window's dispatcher does), no emptied field complains.
func TestClearEmptiesLabelsAndStaysQuiet(t *testing.T) {
	test.NewTempApp(t)
	def, err := dsl.Decode([]byte(depositForm))
	if err != nil {
		t.Fatal(err)
	}
	bus := state.NewBus()
	var queued []func()
	bus.SetDispatcher(func(fn func()) { queued = append(queued, fn) })
	run := func() {
		for len(queued) > 0 {
			fn := queued[0]
			queued = queued[1:]
			fn()
		}
	}
	scope := bus.Scope("form:clear")
	f, err := Render(def, scope, Options{Lang: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(f.Object())
	defer w.Close()
	scope.Set("name", "张三")
	scope.Set("amount", money.Fen(100))
	run()
	if f.Validate(); labelText(f, "copy") != "张三" {
		t.Fatalf("label shows %q", labelText(f, "copy"))
	}
	// Submitted with F10 from the amount field: the form is cleared and
	// the focus goes back to the first field.
	w.Canvas().Focus(f.Field("amount").Focusable())
	f.Clear()
	f.FocusFirst()
	run()
	if got := labelText(f, "copy"); got != "" {
		t.Errorf("cleared label still shows %q", got)
	}
	// A lookup's answer taken back (the key deleted) empties its label.
	scope.Set("name", "李四")
	run()
	tx := scope.Begin()
	tx.Delete("name")
	tx.Commit()
	run()
	if got := labelText(f, "copy"); got != "" {
		t.Errorf("label still shows %q after its key was deleted", got)
	}
	for _, id := range []string{"account", "amount"} {
		if msg := fieldErrorOf(f, id); msg != "" {
			t.Errorf("cleared field %s complains %q", id, msg)
		}
	}
}

func labelText(f *Form, id string) string {
	for _, o := range test.LaidOutObjects(f.NodeObject(id)) {
		if l, ok := o.(*widget.Label); ok {
			return l.Text
		}
	}
	return "?"
}

func fieldErrorOf(f *Form, id string) string {
	for _, o := range test.LaidOutObjects(f.NodeObject(id)) {
		if v, ok := o.(interface{ ValidationError() string }); ok && v.ValidationError() != "" {
			return v.ValidationError()
		}
	}
	return ""
}

// TestHintShownUnderEveryField: the form's "hint" prop is drawn under its
// field, in the language of the window, on a standard input, a choice, a
// check and the banking entries alike; an error takes its place and the
// hint comes back when the error is cleared. A field without a hint draws
// no line.
func TestHintShownUnderEveryField(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "hint", "version": "1.0.0", "title": {"zh": "提示"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "name", "type": "text", "bind": "name", "props": {"label": {"zh": "户名"}, "hint": {"zh": "与证件一致", "en": "As on the ID"}}},
  {"id": "kind", "type": "radio", "bind": "kind", "props": {"label": {"zh": "种类"}, "hint": {"zh": "选一种", "en": "Pick one"},
    "options": [{"value": "a", "label": {"zh": "甲"}}, {"value": "b", "label": {"zh": "乙"}}]}},
  {"id": "seen", "type": "check", "bind": "seen", "props": {"label": {"zh": "已核对"}, "hint": {"zh": "核对原件", "en": "Check the original"}}},
  {"id": "account", "type": "account", "bind": "account", "props": {"label": {"zh": "账号"}, "hint": {"zh": "卡片已遗失，请手工输入", "en": "The card is lost: type the number"}}},
  {"id": "amount", "type": "amount", "bind": "amount", "props": {"label": {"zh": "金额"}, "upper": true, "hint": {"zh": "整百", "en": "Hundreds"}}},
  {"id": "memo", "type": "text", "bind": "memo", "props": {"label": {"zh": "附言"}}}
]}}`
	drawn := func(f *Form, id, text string) bool {
		for _, o := range test.LaidOutObjects(f.NodeObject(id)) {
			if !o.Visible() {
				continue
			}
			switch v := o.(type) {
			case *canvas.Text:
				if v.Text == text {
					return true
				}
			case *widget.Label:
				if v.Text == text {
					return true
				}
			}
		}
		return false
	}
	for _, tc := range []struct{ lang, name, kind, seen, account, amount string }{
		{"zh", "与证件一致", "选一种", "核对原件", "卡片已遗失，请手工输入", "整百"},
		{"en", "As on the ID", "Pick one", "Check the original", "The card is lost: type the number", "Hundreds"},
	} {
		f, scope, w, _ := render(t, src, tc.lang)
		for id, want := range map[string]string{"name": tc.name, "kind": tc.kind, "seen": tc.seen, "account": tc.account, "amount": tc.amount} {
			if !drawn(f, id, want) {
				t.Errorf("%s %s: hint %q not drawn", tc.lang, id, want)
			}
		}
		// An error takes the hint's place, and the hint comes back.
		for _, id := range []string{"name", "account"} {
			f.Field(id).SetError("错误 " + id)
			w.Canvas().Refresh(f.Object())
			if !drawn(f, id, "错误 "+id) || drawn(f, id, map[string]string{"name": tc.name, "account": tc.account}[id]) {
				t.Errorf("%s %s: the error does not replace the hint", tc.lang, id)
			}
			f.Field(id).SetError("")
			w.Canvas().Refresh(f.Object())
			if !drawn(f, id, map[string]string{"name": tc.name, "account": tc.account}[id]) {
				t.Errorf("%s %s: the hint does not come back after the error", tc.lang, id)
			}
		}
		// The amount's 大写 says more than its hint while there is an amount.
		scope.Set("amount", money.Fen(10000))
		w.Canvas().Refresh(f.Object())
		if drawn(f, "amount", tc.amount) || !drawn(f, "amount", "壹佰元整") {
			t.Errorf("%s amount: the 大写 does not take the hint's place", tc.lang)
		}
		// No hint, no line: only the field's own texts are drawn.
		for _, o := range test.LaidOutObjects(f.NodeObject("memo")) {
			if l, ok := o.(*widget.Label); ok && o.Visible() && l.Text != "" && l.Text != "附言" {
				t.Errorf("%s memo without a hint draws %q", tc.lang, l.Text)
			}
		}
	}
}

// TestMutedLabelReadable: a "muted" note is drawn in the hint lines'
// placeholder colour, not in Fyne's disabled colour, which is nearly
// invisible on the form's background.
func TestMutedLabelReadable(t *testing.T) {
	test.NewTempApp(t)
	src := `{"dsl": "guitai.form/1", "id": "muted", "version": "1.0.0", "title": {"zh": "注"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "note", "type": "label", "props": {"style": "muted", "text": {"zh": "销户前余额须为零"}}},
  {"id": "plain", "type": "label", "props": {"text": {"zh": "普通说明"}}}
]}}`
	f, _, w, _ := render(t, src, "zh")
	w.Canvas().Refresh(f.Object())
	if w.Canvas().Capture() == nil {
		t.Fatal("no capture")
	}
	colourOf := func(id, text string) color.Color {
		for _, o := range test.LaidOutObjects(f.NodeObject(id)) {
			if tx, ok := o.(*canvas.Text); ok && tx.Text == text {
				return tx.Color
			}
		}
		t.Fatalf("%s: %q not drawn", id, text)
		return nil
	}
	v := theme.VariantLight
	ph := theme.Current().Color(theme.ColorNamePlaceHolder, v)
	dis := theme.Current().Color(theme.ColorNameDisabled, v)
	fg := theme.Current().Color(theme.ColorNameForeground, v)
	if got := colourOf("note", "销户前余额须为零"); got != ph || got == dis {
		t.Errorf("muted note drawn in %v; placeholder is %v, disabled %v", got, ph, dis)
	}
	if got := colourOf("plain", "普通说明"); got != fg {
		t.Errorf("plain note drawn in %v, want the foreground %v", got, fg)
	}
}
