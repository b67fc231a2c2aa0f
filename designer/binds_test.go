package designer

import (
	"strconv"
	"testing"

	"guitai/catalog"
	"guitai/dsl"
)

func TestReservedBind(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"date", true},  // the language's date helper
		{"len", true},   // a builtin
		{"and", true},   // a keyword
		{"today", true}, // a helper
		{"9x", true},    // no valid key
		{"amount", false},
		{"date_value", false},
		{"memo", false},
	} {
		if got := ReservedBind(tc.name); got != tc.want {
			t.Errorf("ReservedBind(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, n := range catalog.ContextNames {
		if !ReservedBind(n) {
			t.Errorf("the context value %q is not reserved", n)
		}
	}
}

// TestNewFieldNeverGetsAReservedBind: every input type inserted into a
// blank form, twice, and fields named after every context value, get bind
// keys the form accepts, none shared.
func TestNewFieldNeverGetsAReservedBind(t *testing.T) {
	d := New(Blank("x"))
	for range 2 {
		for ty := range dsl.Types {
			if ty == "form" {
				continue
			}
			if _, err := d.Insert(FromPalette, ty, []string{"root"}, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A node whose id is a context name: its bind must differ.
	for _, name := range catalog.ContextNames {
		n, err := NewNode(d.Form(), "text")
		if err != nil {
			t.Fatal(err)
		}
		n.ID = name
		n.Bind = FreshBind(d.Form(), n.ID, nil)
		if err := d.InsertNode(FromPalette, "x", n, []string{"root"}, 0); err != nil {
			t.Fatal(err)
		}
		if n.Bind == name || ReservedBind(n.Bind) {
			t.Errorf("a field called %s binds %q", name, n.Bind)
		}
	}
	binds := map[string]string{}
	d.Form().Walk(func(_ []string, n *dsl.Node) bool {
		if n.Bind == "" {
			return true
		}
		if ReservedBind(n.Bind) {
			t.Errorf("%s (%s) binds the reserved %q", n.ID, n.Type, n.Bind)
		}
		if prev, ok := binds[n.Bind]; ok {
			t.Errorf("%s and %s both bind %q", prev, n.ID, n.Bind)
		}
		binds[n.Bind] = n.ID
		return true
	})
	if got := d.Form().Find("date").Bind; got != "date_value" {
		t.Errorf("a new date field binds %q, want date_value", got)
	}
	if got := d.Form().Find("date_2").Bind; got != "date_2" {
		t.Errorf("a second date field binds %q, want date_2 (its id, free)", got)
	}
	if errs := dsl.Validate(d.Form()); len(errs) > 0 {
		t.Errorf("the form of new fields is invalid: %v", errs)
	}
}

// TestDuplicateGivesTheCopyANewKey: a duplicated field (and every field
// of a duplicated group) binds a key of its own; a label keeps the key it
// shows; a cut and pasted field keeps its key.
func TestDuplicateGivesTheCopyANewKey(t *testing.T) {
	d := New(load(t, "cash_withdrawal.form.json"))
	for _, tc := range []struct {
		id, copyID, copyBind string
	}{
		{"amount", "amount_2", "amount_2"},
		{"memo", "memo_2", "memo_2"},
		{"amount_2", "amount_3", "amount_3"}, // a copy of the copy
	} {
		d.Select(FromTree, tc.id)
		if err := d.Duplicate(FromKeys); err != nil {
			t.Fatal(err)
		}
		c := d.Form().Find(d.Selected())
		if c == nil || c.ID != tc.copyID || c.Bind != tc.copyBind {
			t.Errorf("duplicating %s gave %+v, want id %s bind %s", tc.id, c, tc.copyID, tc.copyBind)
		}
	}
	// A whole group: every input in the copy binds a new key.
	before := map[string]bool{}
	d.Form().Walk(func(_ []string, n *dsl.Node) bool { before[n.Bind] = n.Bind != ""; return true })
	d.Select(FromTree, "acct")
	if err := d.Duplicate(FromKeys); err != nil {
		t.Fatal(err)
	}
	inputs := 0
	for _, c := range d.Form().Find(d.Selected()).Children {
		if c.Bind != "" && OwnsBind(c.Type) {
			inputs++
			if before[c.Bind] {
				t.Errorf("%s in the group's copy shares the key %q", c.ID, c.Bind)
			}
		}
	}
	if inputs == 0 {
		t.Fatal("the group acct holds no input")
	}
	// A label shows a key another node holds: its copy shows the same.
	lbl, _ := NewNode(d.Form(), "label")
	lbl.Bind = "amount"
	if err := d.InsertNode(FromPalette, "x", lbl, []string{"root"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.Duplicate(FromKeys); err != nil {
		t.Fatal(err)
	}
	if got := d.Form().Find(d.Selected()).Bind; got != "amount" {
		t.Errorf("the copy of a label showing amount shows %q", got)
	}
	// Cut and paste moves the field: it keeps its key.
	d.Select(FromTree, "memo_2")
	if err := d.Cut(FromKeys); err != nil {
		t.Fatal(err)
	}
	d.Select(FromTree, "root")
	if err := d.Paste(FromKeys); err != nil {
		t.Fatal(err)
	}
	if n := d.Form().Find("memo_2"); n == nil || n.Bind != "memo_2" {
		t.Errorf("cut and paste gave %+v, want memo_2 binding memo_2", n)
	}
	if errs := dsl.Validate(d.Form()); len(errs) > 0 {
		t.Errorf("invalid after the duplicates: %v", errs)
	}
}

// TestExprProblemOfARule: an expr rule's expression is checked live as
// the inspector's other expressions are, without changing the form.
func TestExprProblemOfARule(t *testing.T) {
	f := load(t, "cash_withdrawal.form.json")
	n := f.Find("amount")
	k := -1
	for i, r := range n.Rules {
		if r.Kind == "expr" {
			k = i
			break
		}
	}
	if k < 0 {
		t.Fatal("the amount has no expr rule")
	}
	was := n.Rules[k].Arg
	key := "rules/" + strconv.Itoa(k) + "/expr"
	for _, tc := range []struct {
		src  string
		want bool // a problem
	}{
		{"amount > 0", false},
		{"amount > ", true},
		{"nosuchfield > 0", true},
		{"", false},
	} {
		if msg := ExprProblem(f, "amount", key, tc.src); (msg != "") != tc.want {
			t.Errorf("%q: problem %q, want one: %v", tc.src, msg, tc.want)
		}
	}
	if msg := ExprProblem(f, "amount", "rules/99/expr", "amount > 0"); msg == "" {
		t.Error("no problem for a rule that is not there")
	}
	if n.Rules[k].Arg != was {
		t.Error("the check changed the form")
	}
}
