package widgets

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"guitai/dsl"
	"guitai/money"
	"guitai/state"
)

// bigForm is 200 fields in groups of 10 with 50 expressions, as in the dsl
// benchmark: each expression reads the amount of its group.
func bigForm(tb testing.TB) *dsl.Form {
	var b strings.Builder
	b.WriteString(`{"dsl": "guitai.form/1", "id": "big", "version": "1.0.0", "title": {"zh": "大表单", "en": "Big"},
"root": {"id": "root", "type": "form", "children": [`)
	types := []string{"text", "amount", "account", "number", "date", "select", "check", "idcard", "phone", "textarea"}
	for g := 0; g < 20; g++ {
		if g > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "g%d", "type": "group", "props": {"title": {"zh": "分组%d"}, "columns": 2}, "children": [`, g, g)
		for i := 0; i < 10; i++ {
			n := g*10 + i
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id": "f%d", "type": "%s", "bind": "f%d", "props": {"label": {"zh": "字段%d"}`, n, types[i], n, n)
			if types[i] == "select" {
				b.WriteString(`, "options": [{"value": "a", "label": {"zh": "甲"}}]`)
			}
			b.WriteString(`}, "rules": [{"required": true}]`)
			if n < 50 {
				fmt.Fprintf(&b, `, "visibleWhen": "f%d > %d"`, g*10+1, n)
			}
			b.WriteString("}")
		}
		b.WriteString("]}")
	}
	b.WriteString(`]}}`)
	f, err := dsl.Decode([]byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// BenchmarkRender200 builds the live tree of a 200-field form and lays it
// out once with the headless test driver.
func BenchmarkRender200(b *testing.B) {
	test.NewTempApp(b)
	def := bigForm(b)
	bus := state.NewBus()
	b.ReportAllocs()
	for b.Loop() {
		f, err := Render(def, bus.Scope("form:big"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		o := f.Object()
		o.Resize(o.MinSize())
		f.Close()
		bus.Drop("form:big")
	}
}

// BenchmarkFieldChange200 is one edit on a 200-field form with 50
// expressions: the state commit, the subscriber, and the dependents
// re-evaluated and shown.
func BenchmarkFieldChange200(b *testing.B) {
	test.NewTempApp(b)
	def := bigForm(b)
	scope := state.NewBus().Scope("form:big")
	f, err := Render(def, scope, Options{})
	if err != nil {
		b.Fatal(err)
	}
	w := test.NewWindow(f.Object())
	defer w.Close()
	b.ReportAllocs()
	i := int64(0)
	for b.Loop() {
		i++
		// Alternate across the threshold so visibility really flips.
		if err := scope.Set("f1", money.Fen(i%20)); err != nil {
			b.Fatal(err)
		}
	}
}
