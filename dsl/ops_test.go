package dsl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"
)

func loadForm(t testing.TB, name string) *Form {
	t.Helper()
	src, err := os.ReadFile("testdata/valid/" + name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Decode(src)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func textNode(id string) *Node {
	return &Node{ID: id, Type: "text", Bind: id, Props: map[string]any{"label": map[string]any{"zh": "新字段"}}}
}

func TestApplyAndInvert(t *testing.T) {
	tests := []struct {
		name  string
		op    Op
		check func(t *testing.T, f *Form)
	}{
		{"insert first", Op{Op: "insert", ParentPath: []string{"root", "acct"}, Index: 0, Node: textNode("payer")},
			func(t *testing.T, f *Form) {
				if f.Find("acct").Children[0].ID != "payer" {
					t.Error("not inserted at 0")
				}
			}},
		{"insert last", Op{Op: "insert", ParentPath: []string{"root"}, Index: 4, Node: textNode("tail")},
			func(t *testing.T, f *Form) {
				if c := f.Root.Children; c[len(c)-1].ID != "tail" {
					t.Error("not appended")
				}
			}},
		{"delete", Op{Op: "delete", Path: []string{"root", "acct", "account"}},
			func(t *testing.T, f *Form) {
				if f.Find("account") != nil {
					t.Error("still there")
				}
			}},
		{"move into group", Op{Op: "move", Path: []string{"root", "memo"}, ParentPath: []string{"root", "acct"}, Index: 1},
			func(t *testing.T, f *Form) {
				if f.Find("acct").Children[1].ID != "memo" || len(f.Root.Children) != 3 {
					t.Error("not moved")
				}
			}},
		{"move within parent", Op{Op: "move", Path: []string{"root", "acct"}, ParentPath: []string{"root"}, Index: 3},
			func(t *testing.T, f *Form) {
				if f.Root.Children[3].ID != "acct" {
					t.Errorf("order %v", ids(f))
				}
			}},
		{"update label", Op{Op: "update", Path: []string{"root", "amount"}, Set: map[string]any{"props.label.zh": "存款金额"}},
			func(t *testing.T, f *Form) {
				if f.Find("amount").PropText("label").Zh != "存款金额" {
					t.Error("not set")
				}
			}},
		{"update creates nested props", Op{Op: "update", Path: []string{"root", "memo"}, Set: map[string]any{"props.label.zh": "备注", "props.label.en": "Memo", "props.hint.zh": "选填"}},
			func(t *testing.T, f *Form) {
				if f.Find("memo").PropText("label").En != "Memo" {
					t.Error("not set")
				}
			}},
		{"update removes and sets fields", Op{Op: "update", Path: []string{"root", "memo"}, Set: map[string]any{"visibleWhen": nil, "bind": "note", "rules": []any{map[string]any{"maxLen": json.Number("30")}}}},
			func(t *testing.T, f *Form) {
				n := f.Find("memo")
				if n.VisibleWhen != "" || n.Bind != "note" || len(n.Rules) != 1 {
					t.Errorf("%+v", n)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := loadForm(t, "cash_deposit.form.json")
			before := Encode(f)
			inv, err := Apply(f, tt.op)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, f)
			if bytes.Equal(Encode(f), before) {
				t.Fatal("op changed nothing")
			}
			if _, err := Apply(f, inv); err != nil {
				t.Fatalf("inverse %+v: %v", inv, err)
			}
			if after := Encode(f); !bytes.Equal(after, before) {
				t.Errorf("apply+invert differs:\n%s\n---\n%s", after, before)
			}
		})
	}
}

func TestApplyErrorsLeaveFormUnchanged(t *testing.T) {
	tests := []struct {
		name string
		op   Op
		code Code
	}{
		{"missing path", Op{Op: "delete", Path: []string{"root", "nope"}}, CodeNotFound},
		{"wrong root", Op{Op: "delete", Path: []string{"x"}}, CodeNotFound},
		{"delete root", Op{Op: "delete", Path: []string{"root"}}, CodeBadOp},
		{"move into own subtree", Op{Op: "move", Path: []string{"root", "acct"}, ParentPath: []string{"root", "acct"}, Index: 0}, CodeBadOp},
		{"move into descendant", Op{Op: "move", Path: []string{"root", "acct"}, ParentPath: []string{"root", "acct", "account"}, Index: 0}, CodeBadOp},
		{"insert duplicate id", Op{Op: "insert", ParentPath: []string{"root"}, Index: 0, Node: textNode("amount")}, CodeDuplicateID},
		{"insert duplicate id in subtree", Op{Op: "insert", ParentPath: []string{"root"}, Index: 0,
			Node: &Node{ID: "g2", Type: "group", Children: []*Node{textNode("memo")}}}, CodeDuplicateID},
		{"insert index too big", Op{Op: "insert", ParentPath: []string{"root"}, Index: 5, Node: textNode("x")}, CodeBadOp},
		{"insert negative index", Op{Op: "insert", ParentPath: []string{"root"}, Index: -1, Node: textNode("x")}, CodeBadOp},
		{"insert under a field", Op{Op: "insert", ParentPath: []string{"root", "amount"}, Index: 0, Node: textNode("x")}, CodeNotContainer},
		{"move index too big", Op{Op: "move", Path: []string{"root", "memo"}, ParentPath: []string{"root"}, Index: 4}, CodeBadOp},
		{"update unknown field", Op{Op: "update", Path: []string{"root", "memo"}, Set: map[string]any{"id": "x"}}, CodeBadOp},
		{"update through a string", Op{Op: "update", Path: []string{"root", "amount"}, Set: map[string]any{"props.currency.x": "y"}}, CodeBadOp},
		{"update overlapping keys", Op{Op: "update", Path: []string{"root", "amount"}, Set: map[string]any{"props.label": nil, "props.label.zh": "x"}}, CodeBadOp},
		{"update bad rules", Op{Op: "update", Path: []string{"root", "amount"}, Set: map[string]any{"rules": "required", "bind": "x"}}, CodeBadOp},
		{"unknown op", Op{Op: "rename"}, CodeBadOp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := loadForm(t, "cash_deposit.form.json")
			before := Encode(f)
			_, err := Apply(f, tt.op)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("got %v, want code %s", err, tt.code)
			}
			if !bytes.Equal(Encode(f), before) {
				t.Error("a failed op changed the form")
			}
		})
	}
}

func TestOpJSONRoundTrip(t *testing.T) {
	src := `{"op":"insert","parentPath":["root"],"index":2,"node":{"id":"n","type":"text","props":{"label":{"zh":"名"}}}}`
	var op Op
	if err := json.Unmarshal([]byte(src), &op); err != nil {
		t.Fatal(err)
	}
	if op.Node == nil || op.Node.ID != "n" || op.Index != 2 {
		t.Fatalf("%+v", op)
	}
	out, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	var again Op
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(EncodeNode(again.Node), EncodeNode(op.Node)) {
		t.Error("node changed on the round trip")
	}
	if err := json.Unmarshal([]byte(`{"op":"insert","node":{"id":5}}`), &op); err == nil {
		t.Error("a bad node was accepted")
	}
}

// randomOps drives a random edit session from data: every op that applies is
// undone in reverse order at the end, and every op that fails must leave the
// form as it was.
func randomOps(t testing.TB, f *Form, data []byte) {
	orig := Encode(f)
	var inverses []Op
	next := 0
	byteAt := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	for len(data) > 0 {
		var paths [][]string
		var containers [][]string
		f.Walk(func(p []string, n *Node) bool {
			paths = append(paths, p)
			if Types[n.Type] != nil && Types[n.Type].Container {
				containers = append(containers, p)
			}
			return true
		})
		pick := func(list [][]string) []string { return list[byteAt()%len(list)] }
		var op Op
		switch byteAt() % 5 {
		case 0:
			next++
			n := textNode(fmt.Sprintf("n%d", next))
			if byteAt()%3 == 0 {
				n = &Node{ID: fmt.Sprintf("g%d", next), Type: "group", Children: []*Node{textNode(fmt.Sprintf("c%d", next))}}
			}
			op = Op{Op: "insert", ParentPath: pick(containers), Index: byteAt() % 4, Node: n}
		case 1:
			op = Op{Op: "delete", Path: pick(paths)}
		case 2:
			op = Op{Op: "move", Path: pick(paths), ParentPath: pick(containers), Index: byteAt() % 4}
		default:
			keys := []string{"props.label.zh", "props.label", "props.a.b.c", "props.a.d", "props.maxLength", "bind", "visibleWhen", "rules", "value"}
			vals := []any{nil, "x", json.Number("12"), map[string]any{"zh": "甲"}, []any{map[string]any{"required": true}}, true}
			set := map[string]any{}
			for i := byteAt()%3 + 1; i > 0; i-- {
				set[keys[byteAt()%len(keys)]] = CloneValue(vals[byteAt()%len(vals)])
			}
			op = Op{Op: "update", Path: pick(paths), Set: set}
		}
		before := Encode(f)
		inv, err := Apply(f, op)
		if err != nil {
			if after := Encode(f); !bytes.Equal(after, before) {
				t.Fatalf("failed op %+v changed the form: %v", op, err)
			}
			continue
		}
		inverses = append(inverses, inv)
	}
	for i := len(inverses) - 1; i >= 0; i-- {
		if _, err := Apply(f, inverses[i]); err != nil {
			t.Fatalf("inverse %d %+v: %v", i, inverses[i], err)
		}
	}
	if got := Encode(f); !bytes.Equal(got, orig) {
		t.Fatalf("apply all + invert all differs:\n%s\n---\n%s", got, orig)
	}
}

func TestRandomOps(t *testing.T) {
	for seed := 0; seed < 200; seed++ {
		data := make([]byte, 300)
		x := uint32(seed*2654435761 + 1)
		for i := range data {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			data[i] = byte(x)
		}
		randomOps(t, loadForm(t, "everything.form.json"), data)
	}
}

func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("insert delete move update"))
	base := loadForm(f, "everything.form.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		randomOps(t, base.Clone(), data)
	})
}

func ids(f *Form) map[string]bool {
	m := map[string]bool{}
	f.Walk(func(_ []string, n *Node) bool { m[n.ID] = true; return true })
	return m
}

func TestUpdateOverlapAnywhereInTheKeys(t *testing.T) {
	f := loadForm(t, "cash_deposit.form.json")
	before := Encode(f)
	// "props.a-b" sorts between "props.a" and "props.a.c": the overlap is
	// not between neighbours.
	_, err := Apply(f, Op{Op: "update", Path: []string{"root", "amount"},
		Set: map[string]any{"props.a": "x", "props.a-b": json.Number("1"), "props.a.c": "y"}})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeBadOp {
		t.Fatalf("got %v", err)
	}
	if !bytes.Equal(Encode(f), before) {
		t.Error("form changed")
	}
}

func TestOpJSONKeepsExpressionsReadable(t *testing.T) {
	op := Op{Op: "update", Path: []string{"root", "memo"}, Set: map[string]any{"visibleWhen": "amount >= 50000 && memo != ''"}}
	// json.Marshal escapes < > & in what MarshalJSON returns; an encoder
	// that does not escape HTML shows what the op itself writes.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(op); err != nil {
		t.Fatal(err)
	}
	if b := buf.Bytes(); !bytes.Contains(b, []byte(`amount >= 50000 && memo`)) {
		t.Errorf("escaped: %s", buf.Bytes())
	}
	var back Op
	if err := json.Unmarshal([]byte(`{"op":"delete","path":["root"],"Paht":["x"]}`), &back); err == nil {
		t.Error("an unknown key in an op was accepted")
	}
}
