package widgets

import (
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/dsl"
	"guitai/state"
)

const pinForm = `{"dsl": "guitai.form/1", "id": "pins", "version": "1.0.0", "code": "9996",
"title": {"zh": "密码", "en": "PINs"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "name", "type": "text", "bind": "name", "props": {"label": {"zh": "姓名", "en": "Name"}}},
  {"id": "new_pin", "type": "password", "bind": "new_pin", "props": {"label": {"zh": "新密码", "en": "New PIN"}}},
  {"id": "confirm_pin", "type": "password", "bind": "confirm_pin", "props": {"label": {"zh": "确认新密码", "en": "Confirm"}}},
  {"id": "memo", "type": "text", "bind": "memo", "props": {"label": {"zh": "备注", "en": "Memo"}}}
]}}`

func renderPINForm(t *testing.T, opts Options) (*Form, fyne.Window) {
	t.Helper()
	def, err := dsl.Decode([]byte(pinForm))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Render(def, state.NewBus().Scope("form:pins"), opts)
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, f.Object())
	w.Resize(fyne.NewSize(600, 400))
	return f, w
}

// walk calls fn on o and every object its renderers draw.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// TestPINFieldNeverReveals fails if a password field offers Fyne's eye
// (its passwordRevealer) again, or anything in it can show the PIN.
func TestPINFieldNeverReveals(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"no pad", Options{}},
		{"pad", Options{PinPad: func(PINTarget) {}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			test.NewTempApp(t)
			f, _ := renderPINForm(t, tt.opts)
			for _, id := range []string{"new_pin", "confirm_pin"} {
				e := f.Field(id).(*textField).entry
				test.Type(e, "135790")
				if !e.Password || e.ActionItem == nil {
					t.Fatalf("%s: password %v, action item %v", id, e.Password, e.ActionItem)
				}
				walk(e, func(o fyne.CanvasObject) {
					if name := reflect.TypeOf(o).String(); strings.Contains(strings.ToLower(name), "revealer") {
						t.Errorf("%s: the entry draws %s", id, name)
					}
					if tp, ok := o.(fyne.Tappable); ok && o != fyne.CanvasObject(e) {
						tp.Tapped(&fyne.PointEvent{})
					}
				})
				// Whatever was tapped, the PIN stays hidden.
				if !e.Password {
					t.Errorf("%s: the PIN shows after a tap", id)
				}
				walk(e, func(o fyne.CanvasObject) {
					if tx, ok := o.(interface{ Text() string }); ok && strings.Contains(tx.Text(), "135790") {
						t.Errorf("%s: %T shows the PIN", id, o)
					}
				})
			}
		})
	}
}

func TestPINPadButtonFills(t *testing.T) {
	test.NewTempApp(t)
	var asked []PINTarget
	f, w := renderPINForm(t, Options{PinPad: func(p PINTarget) { asked = append(asked, p) }})
	e := f.Field("new_pin").(*textField).entry
	btn, ok := e.ActionItem.(*padButton)
	if !ok {
		t.Fatalf("action item %T, want the pad's button", e.ActionItem)
	}
	test.Tap(btn)
	if len(asked) != 1 || asked[0].Label() != "新密码" {
		t.Fatalf("asked %v", asked)
	}
	asked[0].Fill("246810")
	if got := f.Values()["new_pin"]; got != "246810" {
		t.Errorf("new_pin = %v", got)
	}
	// Filled as if typed: the form counts it, and the focus moved on.
	if !f.Typed() {
		t.Error("a PIN from the pad is not typed")
	}
	confirm := f.Field("confirm_pin").(*textField).entry
	if w.Canvas().Focused() != fyne.Focusable(confirm) {
		t.Errorf("focus on %T after the fill", w.Canvas().Focused())
	}
	// The pad's button takes no focus: Tab order is the fields'.
	if _, ok := fyne.CanvasObject(btn).(fyne.Focusable); ok {
		t.Error("the pad's button takes the focus")
	}
	// A disabled field is not filled.
	confirm.Disable()
	pinTarget{f.Field("confirm_pin").(*textField)}.Fill("111111")
	if f.Values()["confirm_pin"] != nil {
		t.Error("a disabled field was filled")
	}
}

func TestFormPINTarget(t *testing.T) {
	test.NewTempApp(t)
	f, w := renderPINForm(t, Options{})
	label := func(p PINTarget) string {
		if p == nil {
			return "<nil>"
		}
		return p.Label()
	}
	if got := label(f.PINTarget(nil)); got != "新密码" {
		t.Errorf("nothing focused: %s", got)
	}
	confirm := f.Field("confirm_pin").(*textField).entry
	w.Canvas().Focus(confirm)
	if got := label(f.PINTarget(w.Canvas().Focused())); got != "确认新密码" {
		t.Errorf("confirm focused: %s", got)
	}
	f.PINTarget(nil).Fill("123456")
	w.Canvas().Focus(f.Field("name").(*textField).entry)
	if got := label(f.PINTarget(w.Canvas().Focused())); got != "确认新密码" {
		t.Errorf("first empty after a fill: %s", got)
	}
	f.PINTarget(nil).Fill("123456")
	if got := f.PINTarget(nil); got != nil {
		t.Errorf("both filled: %s", label(got))
	}
}
