package dsl

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"guitai/idnum"
	"guitai/internal/golden"
	"guitai/money"
)

func TestDecodeValid(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.form.json")
	if len(files) < 3 {
		t.Fatalf("only %d valid forms in testdata", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Decode(src)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			canon := Encode(f)
			golden.Check(t, strings.TrimSuffix(file, ".form.json")+".canonical.json", canon)
			f2, err := Decode(canon)
			if err != nil {
				t.Fatalf("Decode(canonical): %v", err)
			}
			if again := Encode(f2); !bytes.Equal(again, canon) {
				t.Errorf("canonical form is not a fixed point:\n%s\n---\n%s", canon, again)
			}
			if _, err := f.Program(); err != nil {
				t.Errorf("Program: %v", err)
			}
		})
	}
}

func TestDecodeInvalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.json")
	if len(files) < 10 {
		t.Fatalf("only %d invalid forms in testdata", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Decode(src)
			if err == nil {
				t.Fatalf("Decode accepted an invalid form: %+v", f)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, not an ErrorList: %v", err, err)
			}
			for _, e := range list {
				if e.Line == 0 || e.Column == 0 {
					t.Errorf("error without a location: %v", e)
				}
			}
			golden.Check(t, strings.TrimSuffix(file, ".json")+".golden", []byte(err.Error()+"\n"))
		})
	}
}

// TestDecodeReportsEveryProblem checks that one pass finds each kind of
// problem the issue names, in many_problems.json, at the right place.
func TestDecodeReportsEveryProblem(t *testing.T) {
	src, _ := os.ReadFile("testdata/invalid/many_problems.json")
	_, err := Decode(src)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("want an ErrorList, got %v", err)
	}
	want := []struct {
		code Code
		ptr  string
		line int
	}{
		{CodeBadVersion, "/version", 4},
		{CodeBadValue, "/code", 5},
		{CodeUnknownKey, "/title/fr", 6},
		{CodeUnknownWidget, "/root/children/0/type", 10},
		{CodeType, "/root/children/1/props/label", 12},
		{CodeBadValue, "/root/children/1/props/max", 12},
		{CodeType, "/root/children/1/props/upper", 12},
		{CodeUnknownRule, "/root/children/1/rules/1/positive", 13},
		{CodeDuplicateID, "/root/children/2/id", 14},
		{CodeMissing, "/root/children/3", 15},
		{CodeNotContainer, "/root/children/4/children", 16},
		{CodeType, "/root/children/6/bind", 18},
		{CodeBadID, "/submit/txn", 21},
		{CodeBadValue, "/submit/authorize/role", 21},
	}
	for _, w := range want {
		found := false
		for _, e := range list {
			if e.Code == w.code && e.Pointer == w.ptr {
				found = true
				if e.Line != w.line {
					t.Errorf("%s %s: line %d, want %d", w.code, w.ptr, e.Line, w.line)
				}
			}
		}
		if !found {
			t.Errorf("missing %s at %s in:\n%v", w.code, w.ptr, err)
		}
	}
}

func TestExpressionErrorsPointInsideTheString(t *testing.T) {
	src := []byte(`{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "a", "type": "amount", "bind": "amount"},
  {"id": "b", "type": "text", "bind": "memo", "visibleWhen": "amount > limit"}]}}`)
	_, err := Decode(src)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("want one error, got %v", err)
	}
	e := list[0]
	// The string opens at column 62 of line 4; "limit" starts at 72.
	if e.Code != CodeUnknownField || e.Line != 4 || e.Column != 72 {
		t.Errorf("got %v, want unknown-field at 4:72", e)
	}
}

func TestUnknownKeysSurviveRoundTrip(t *testing.T) {
	src, _ := os.ReadFile("testdata/valid/everything.form.json")
	f, err := Decode(src)
	if err != nil {
		t.Fatal(err)
	}
	out := string(Encode(f))
	for _, k := range []string{`"x-analyst-note": "kept on round trip"`, `"x-layout-hint": {"dense": true}`, `"x-channel": "counter"`, `"x-owner": "analyst@branch"`} {
		if !strings.Contains(out, k) {
			t.Errorf("lost %s", k)
		}
	}
}

func TestMigrationFromSchema0(t *testing.T) {
	src, _ := os.ReadFile("testdata/valid/v0_migrated.form.json")
	f, err := Decode(src)
	if err != nil {
		t.Fatal(err)
	}
	if f.DSL != Current || f.Title.Zh != "旧表单" {
		t.Errorf("dsl %q title %+v", f.DSL, f.Title)
	}
	if got := f.Find("name").PropText("label"); got.Zh != "姓名" {
		t.Errorf("label %+v", got)
	}
	if got := f.Find("name").PropInt("maxLength", 0); got != 30 {
		t.Errorf("a number prop was touched: %d", got)
	}
}

func TestMissingMigration(t *testing.T) {
	saved := migrations[0]
	delete(migrations, 0)
	defer RegisterMigration(0, saved)
	src, _ := os.ReadFile("testdata/valid/v0_migrated.form.json")
	_, err := Decode(src)
	if err == nil || !strings.Contains(err.Error(), "no migration from guitai.form/0") {
		t.Fatalf("got %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"testdata/valid/*.json", "testdata/invalid/*.json"} {
		files, _ := filepath.Glob(dir)
		for _, file := range files {
			b, _ := os.ReadFile(file)
			f.Add(b)
		}
	}
	// Deep nesting: the expression parser recurses once per level (a
	// million parentheses overflowed its stack).
	for _, n := range []int{64, 65, 2100} {
		f.Add(limitForm(strings.Repeat("(", n) + "amount > 0" + strings.Repeat(")", n)))
		f.Add(limitForm("len(" + strings.Repeat("[", n) + "1" + strings.Repeat("]", n) + ") > 0"))
		f.Add(limitForm("memo != \"" + strings.Repeat("{", n) + "\""))
	}
	f.Add(limitForm(strings.Repeat("(", 3000)))
	f.Add(limitForm(strings.Repeat("!", 4000) + "true"))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := Decode(data)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %T %v", err, err)
			}
			for _, e := range list {
				if e.Line < 1 || e.Column < 1 {
					t.Fatalf("unlocated error %v", e)
				}
			}
			return
		}
		canon := Encode(form)
		again, err := Decode(canon)
		if err != nil {
			t.Fatalf("canonical output does not decode: %v\n%s", err, canon)
		}
		if b := Encode(again); !bytes.Equal(b, canon) {
			t.Fatalf("canonical form not stable:\n%s\n---\n%s", canon, b)
		}
		// A valid form's lookups name bound keys only and survive the
		// round trip.
		bound := map[string]bool{}
		for _, fld := range form.Fields() {
			bound[fld.Key] = true
		}
		for _, l := range form.Lookups() {
			for _, k := range l.On {
				if !bound[k] {
					t.Fatalf("lookup %s on unbound key %q passed validation", l.Txn, k)
				}
			}
		}
		if !reflect.DeepEqual(form.Lookups(), again.Lookups()) {
			t.Fatalf("lookups changed in the round trip: %+v -> %+v", form.Lookups(), again.Lookups())
		}
	})
}

func TestCheckRules(t *testing.T) {
	f := loadForm(t, "everything.form.json")
	p, err := f.Program()
	if err != nil {
		t.Fatal(err)
	}
	env := p.Env(nil)
	tests := []struct {
		node  string
		value any
		kind  string // broken rule, "" for none
	}{
		{"num", int64(0), "min"},
		{"num", int64(1), ""},
		{"num", int64(100), "max"},
		{"num", nil, ""}, // empty and not required
		{"phone", "13812345678", ""},
		{"phone", "010-12345678", ""},
		{"phone", "2381234567", "phone"},
		{"id", "11010519491231002X", ""},
		{"id", "110105194912310021", "idcard"},
	}
	for _, tt := range tests {
		v := p.Check(f.Find(tt.node), tt.value, env)
		switch {
		case tt.kind == "" && v != nil:
			t.Errorf("%s=%v: unexpected %v", tt.node, tt.value, v)
		case tt.kind != "" && (v == nil || v.Kind != tt.kind):
			t.Errorf("%s=%v: got %v, want rule %s", tt.node, tt.value, v, tt.kind)
		}
	}
	dep := loadForm(t, "cash_deposit.form.json")
	dp, _ := dep.Program()
	amount := dep.Find("amount")
	if v := dp.Check(amount, nil, dp.Env(nil)); v == nil || v.Kind != "required" {
		t.Errorf("empty amount: %v", v)
	}
	env = dp.Env(map[string]any{"amount": money.Fen(0)})
	if v := dp.Check(amount, money.Fen(0), env); v == nil || v.Kind != "expr" || v.Message.Zh != "金额必须大于零" {
		t.Errorf("zero amount: %v", v)
	}
	dp.Put(env, "amount", money.Fen(1))
	if v := dp.Check(amount, money.Fen(1), env); v != nil {
		t.Errorf("one fen: %v", v)
	}
}

func TestMoneyLiteralsAreYuan(t *testing.T) {
	f := loadForm(t, "cash_deposit.form.json")
	p, _ := f.Program()
	auth := p.Authorize()
	for _, tt := range []struct {
		fen  money.Fen
		want bool
	}{{money.MustParse("50000.00"), false}, {money.MustParse("50000.01"), true}, {money.MustParse("49999.99"), false}} {
		got, err := auth.EvalBool(p.Env(map[string]any{"amount": tt.fen}))
		if err != nil || got != tt.want {
			t.Errorf("authorize at %s: %v %v, want %v", tt.fen, got, err, tt.want)
		}
	}
}

func TestExpressionsOverArithmetic(t *testing.T) {
	src := []byte(`{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "shown", "type": "label", "bind": "amount"},
  {"id": "a", "type": "amount", "bind": "amount"},
  {"id": "n", "type": "number", "bind": "n100"},
  {"id": "l1", "type": "label", "value": "yuan(amount - 100)"},
  {"id": "l2", "type": "label", "value": "cnUpper(fen(n100 * 10000))"},
  {"id": "l3", "type": "label", "value": "amount > 50000 * 2"}]}}`)
	f, err := Decode(src)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := f.Program()
	env := p.Env(map[string]any{"amount": money.MustParse("100001.00"), "n100": int64(3)})
	want := map[string]any{"l1": "99,901.00", "l2": "叁佰元整", "l3": true}
	for id, w := range want {
		v, err := p.OfNode(id)[0].Eval(env)
		if err != nil || v != w {
			t.Errorf("%s: %v %v, want %v", id, v, err, w)
		}
	}
}

func TestAgeAroundBirthdays(t *testing.T) {
	saved := Today
	defer func() { Today = saved }()
	id := func(birth string) string {
		s := "110105" + birth + "001"
		return s + string(idCheck(s))
	}
	tests := []struct {
		birth, today string
		want         int
	}{
		{"20000301", "2023-03-01", 23},
		{"20000301", "2023-02-28", 22},
		{"20010301", "2024-02-29", 22},
		{"20040229", "2022-02-28", 17},
		{"20040229", "2022-03-01", 18},
	}
	for _, tt := range tests {
		Today = func() time.Time { d, _ := time.Parse("2006-01-02", tt.today); return d }
		if got := ageOf(id(tt.birth)); got != tt.want {
			t.Errorf("born %s, on %s: age %d, want %d", tt.birth, tt.today, got, tt.want)
		}
	}
}

func idCheck(first17 string) byte { return idnum.IDCheckChar(first17) }

func TestExpressionColumnCountsCharacters(t *testing.T) {
	src := []byte(`{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "a", "type": "text", "bind": "memo", "visibleWhen": "memo == \"中文\" && nope"}]}}`)
	_, err := Decode(src)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("want one error, got %v", err)
	}
	// Columns are bytes: the escaped quotes and the Chinese before "nope"
	// are several bytes a character.
	line := strings.Split(string(src), "\n")[2]
	wantByte := strings.Index(line, "nope") + 1
	if list[0].Line != 3 || list[0].Column != wantByte {
		t.Errorf("got %d:%d, want 3:%d", list[0].Line, list[0].Column, wantByte)
	}
}

func TestRuleMustFitTheValueType(t *testing.T) {
	src := []byte(`{"dsl": "guitai.form/1", "id": "f", "version": "1.0.0", "title": {"zh": "x"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "a", "type": "amount", "bind": "amount", "rules": [{"luhn": true}]},
  {"id": "n", "type": "number", "bind": "n", "rules": [{"min": 1.5}]},
  {"id": "t", "type": "text", "bind": "t", "rules": [{"max": "3"}]}]}}`)
	_, err := Decode(src)
	for _, want := range []string{`rules/0/luhn: rule "luhn" does not apply to a "amount"`, `rules/0/min: min of a whole-number field wants a whole number, not 1.5`, `rules/0/max: rule "max" does not apply to a "text"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}
