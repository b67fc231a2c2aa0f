package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/money"
)

const multiLineForm = `{"dsl": "guitai.form/1", "id": "ml", "version": "1.0.0", "title": {"zh": "多行"},
"root": {"id": "root", "type": "form", "children": [
 {"id": "name", "type": "text", "bind": "name"},
 {"id": "addr", "type": "textarea", "bind": "addr", "props": {"maxLength": 5}},
 {"id": "phone", "type": "phone", "bind": "phone"}]}}`

// pressTab does what the desktop driver does with Tab: the focused widget
// takes it when it accepts tabs, else the focus moves on.
func pressTab(w fyne.Window) {
	c := w.Canvas()
	if t, ok := c.Focused().(fyne.Tabbable); ok && t.AcceptsTab() {
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		return
	}
	c.FocusNext()
}

// Tab and Enter leave a multi-line field as they leave any other;
// Ctrl+Enter is its new line.
func TestMultiLineFieldKeys(t *testing.T) {
	test.NewTempApp(t)
	f, scope, w, _ := render(t, multiLineForm, "zh")
	addr := f.Field("addr").Focusable()
	phone := f.Field("phone").Focusable()

	w.Canvas().Focus(addr)
	test.Type(addr, "ab")
	pressTab(w)
	if w.Canvas().Focused() != phone {
		t.Fatalf("Tab in the text area left the focus at %T", w.Canvas().Focused())
	}
	if v, _ := scope.Get("addr"); v != "ab" {
		t.Errorf("after Tab addr = %q, want \"ab\" (no tab character)", v)
	}

	w.Canvas().Focus(addr)
	addr.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.Canvas().Focused() != phone {
		t.Fatalf("Enter in the text area left the focus at %T", w.Canvas().Focused())
	}
	if v, _ := scope.Get("addr"); v != "ab" {
		t.Errorf("after Enter addr = %q, want \"ab\"", v)
	}

	w.Canvas().Focus(addr)
	newLine := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl}
	addr.(fyne.Shortcutable).TypedShortcut(newLine)
	test.Type(addr, "c")
	if v, _ := scope.Get("addr"); v != "ab\nc" && v != "\ncab" && v != "c\nab" {
		t.Errorf("after Ctrl+Enter addr = %q, want a new line in it", v)
	} else if w.Canvas().Focused() != addr {
		t.Errorf("Ctrl+Enter moved the focus")
	}
	// maxLength 5 counts the new line: a second one is refused.
	addr.(fyne.Shortcutable).TypedShortcut(newLine)
	addr.(fyne.Shortcutable).TypedShortcut(newLine)
	if v, _ := scope.Get("addr"); len([]rune(v.(string))) > 5 {
		t.Errorf("addr %q is longer than its maxLength", v)
	}

	// A single-line field ignores Ctrl+Enter.
	name := f.Field("name").Focusable()
	w.Canvas().Focus(name)
	test.Type(name, "x")
	name.(fyne.Shortcutable).TypedShortcut(newLine)
	if v, _ := scope.Get("name"); v != "x" {
		t.Errorf("name = %q after Ctrl+Enter", v)
	}
}

// A computed money figure below zero (the balance after a withdrawal of
// more than the account holds) is drawn in the error colour.
func TestNegativeFigureInTheErrorColour(t *testing.T) {
	test.NewTempApp(t)
	f, scope, _, _ := render(t, `{"dsl": "guitai.form/1", "id": "neg", "version": "1.0.0", "title": {"zh": "余额"},
"root": {"id": "root", "type": "form", "children": [
 {"id": "balance", "type": "amount", "bind": "balance"},
 {"id": "amount", "type": "amount", "bind": "amount"},
 {"id": "after", "type": "label", "value": "yuan(balance - amount)", "props": {"style": "money"}}]}}`, "zh")
	label := f.nodes["after"].el.Object.(*widget.Label)
	scope.Set("balance", money.MustParse("100"))
	scope.Set("amount", money.MustParse("30"))
	if label.Text != "70.00" || label.Importance != widget.HighImportance {
		t.Errorf("70.00 after: %q in importance %v", label.Text, label.Importance)
	}
	scope.Set("amount", money.MustParse("130"))
	if label.Text != "-30.00" || label.Importance != widget.DangerImportance {
		t.Errorf("-30.00 after: %q in importance %v, want the error colour", label.Text, label.Importance)
	}
	scope.Set("amount", money.MustParse("20"))
	if label.Importance != widget.HighImportance {
		t.Errorf("80.00 after: importance %v, want the figure's own again", label.Importance)
	}
}
