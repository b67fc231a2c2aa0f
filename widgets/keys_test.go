package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/dsl"
	"guitai/state"
)

// Function keys typed in any kind of field reach Options.OnKey; other keys
// stay with the field, and a key OnKey declines is the field's again.
func TestFunctionKeysReachTheWindowFromEveryField(t *testing.T) {
	test.NewTempApp(t)
	def, err := dsl.Decode([]byte(depositForm))
	if err != nil {
		t.Fatal(err)
	}
	var got []fyne.KeyName
	take := true
	f, err := Render(def, state.NewBus().Scope("form:keys"), Options{OnKey: func(k *fyne.KeyEvent) bool {
		got = append(got, k.Name)
		return take
	}})
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(f.Object())
	defer w.Close()
	for _, key := range []string{"account", "name", "amount", "agree"} {
		field, ok := f.Field(key).Focusable().(fyne.Focusable)
		if !ok {
			t.Fatalf("%s: not focusable", key)
		}
		got = nil
		w.Canvas().Focus(field)
		field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF10})
		field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
		if len(got) != 1 || got[0] != fyne.KeyF10 {
			t.Errorf("%s: OnKey saw %v, want [F10]", key, got)
		}
	}
	if !IsFunctionKey(fyne.KeyF1) || IsFunctionKey(fyne.KeyReturn) {
		t.Error("IsFunctionKey")
	}
}
