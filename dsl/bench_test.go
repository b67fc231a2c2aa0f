package dsl

import (
	"fmt"
	"strings"
	"testing"
)

// bigForm writes a form of groups of 10 fields, `fields` fields in all, with
// `exprs` expressions spread over them, in the shape analysts draw.
func bigForm(fields, exprs int) []byte {
	var b strings.Builder
	b.WriteString(`{"dsl": "guitai.form/1", "id": "big", "version": "1.0.0", "code": "9001",
"title": {"zh": "大表单", "en": "Big form"}, "root": {"id": "root", "type": "form", "children": [`)
	types := []string{"text", "amount", "account", "number", "date", "select", "check", "idcard", "phone", "textarea"}
	for g := 0; g*10 < fields; g++ {
		if g > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": "g%d", "type": "group", "props": {"title": {"zh": "分组%d", "en": "Group %d"}, "columns": 2}, "children": [`, g, g, g)
		for i := 0; i < 10 && g*10+i < fields; i++ {
			n := g*10 + i
			if i > 0 {
				b.WriteString(",")
			}
			typ := types[i]
			fmt.Fprintf(&b, `{"id": "f%d", "type": "%s", "bind": "f%d", "props": {"label": {"zh": "字段%d", "en": "Field %d"}`, n, typ, n, n, n)
			if typ == "select" {
				b.WriteString(`, "options": [{"value": "a", "label": {"zh": "甲", "en": "A"}}, {"value": "b", "label": {"zh": "乙", "en": "B"}}]`)
			}
			b.WriteString(`}, "rules": [{"required": true}]`)
			if n < exprs {
				// Each expression reads an amount field, so changing f1
				// wakes the ones in its group.
				amt := g*10 + 1
				fmt.Fprintf(&b, `, "visibleWhen": "f%d > %d"`, amt, n*100)
			}
			b.WriteString("}")
		}
		b.WriteString("]}")
	}
	b.WriteString(`]}, "submit": {"txn": "big", "authorize": {"when": "f1 > 50000", "role": "supervisor"}}}`)
	return []byte(b.String())
}

func BenchmarkDecode200(b *testing.B) {
	src := bigForm(200, 50)
	if _, err := Decode(src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode200(b *testing.B) {
	f, err := Decode(bigForm(200, 50))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Encode(f)
	}
}

// BenchmarkDependents200 is one field change on a 200-field form with 50
// expressions: find the dependents of the key and evaluate them.
func BenchmarkDependents200(b *testing.B) {
	f, err := Decode(bigForm(200, 50))
	if err != nil {
		b.Fatal(err)
	}
	p, _ := f.Program()
	values := map[string]any{}
	env := p.Env(values)
	if len(p.Dependents("f1")) == 0 {
		b.Fatal("no dependents")
	}
	b.ReportAllocs()
	i := int64(0)
	for b.Loop() {
		i++
		env["f1"] = i
		for _, e := range p.Dependents("f1") {
			if _, err := e.EvalBool(env); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// thousandNodes is a 1,000-node document: 100 groups of 9 fields plus
// containers.
func thousandNodes(tb testing.TB) *Form {
	f, err := Decode(bigForm(900, 0))
	if err != nil {
		tb.Fatal(err)
	}
	count := 0
	f.Walk(func([]string, *Node) bool { count++; return true })
	for i := 0; count < 1000; i++ {
		if _, err := Apply(f, Op{Op: "insert", ParentPath: []string{"root"}, Index: 0, Node: &Node{ID: fmt.Sprintf("pad%d", i), Type: "label"}}); err != nil {
			tb.Fatal(err)
		}
		count++
	}
	return f
}

func BenchmarkOpApplyInvert1000(b *testing.B) {
	f := thousandNodes(b)
	ops := []Op{
		{Op: "update", Path: []string{"root", "g50", "f505"}, Set: map[string]any{"props.label.zh": "改", "bind": "x505"}},
		{Op: "move", Path: []string{"root", "g50", "f505"}, ParentPath: []string{"root", "g80"}, Index: 3},
		{Op: "insert", ParentPath: []string{"root", "g70"}, Index: 2, Node: textNode("fresh")},
		{Op: "delete", Path: []string{"root", "g60"}},
	}
	for _, op := range ops {
		b.Run(op.Op, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				inv, err := Apply(f, op)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Apply(f, inv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
