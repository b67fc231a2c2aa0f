package dsl

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/expr-lang/expr/builtin"

	"guitai/money"
)

// Validate checks a form built in memory (by the designer's operations, say)
// exactly as Decode checks a decoded one, and compiles its expressions. The
// errors carry JSON pointers but no line:column.
func Validate(f *Form) ErrorList {
	errs := validate(f)
	errs.sort()
	return errs
}

func validate(f *Form) ErrorList {
	v := &validator{f: f, ids: map[string]string{}, binds: map[string]bindSite{}}
	v.form()
	// Expressions are compiled even when other problems were found, so one
	// pass reports them all; a conflicting key keeps its first type.
	prog, errs := compile(f)
	v.errs = append(v.errs, errs...)
	if len(v.errs) == 0 {
		f.prog = prog
	}
	return v.errs
}

type bindSite struct {
	typ ValueType
	ptr string
}

type validator struct {
	f     *Form
	errs  ErrorList
	ids   map[string]string // id -> pointer of its first node
	binds map[string]bindSite
}

func (v *validator) add(code Code, ptr, format string, args ...any) {
	v.errs = append(v.errs, &Error{Code: code, Pointer: ptr, Msg: fmt.Sprintf(format, args...), offset: -1})
}

func (v *validator) form() {
	f := v.f
	switch {
	case f.DSL == "":
		v.add(CodeMissing, "/dsl", "the form must say its schema: \"dsl\": %q", Current)
	case f.DSL != Current:
		v.add(CodeBadVersion, "/dsl", "unknown schema %q: this build reads %q", f.DSL, Current)
	}
	switch {
	case f.ID == "":
		v.add(CodeMissing, "/id", "the form needs an id")
	case !validID(f.ID):
		v.add(CodeBadID, "/id", "form id %q: use letters, digits and '_', not starting with a digit", f.ID)
	}
	switch {
	case f.Version == "":
		v.add(CodeMissing, "/version", "the form needs a version, e.g. \"1.0.0\"")
	case !validSemver(f.Version):
		v.add(CodeBadVersion, "/version", "version %q is not MAJOR.MINOR.PATCH", f.Version)
	}
	if f.Code != "" && !validCode(f.Code) {
		v.add(CodeBadValue, "/code", "fast-path code %q: use 3 to 6 digits", f.Code)
	}
	if f.Title.IsZero() {
		v.add(CodeMissing, "/title", "the form needs a title")
	}
	if f.Root == nil {
		v.add(CodeMissing, "/root", "the form needs a root node")
	} else {
		if f.Root.Type != "form" && f.Root.Type != "" {
			v.add(CodeBadValue, "/root/type", "the root node is of type \"form\", not %q", f.Root.Type)
		}
		v.node(f.Root, "/root", true)
	}
	v.lookups()
	if s := f.Submit; s != nil {
		switch {
		case s.Txn == "":
			v.add(CodeMissing, "/submit/txn", "submit needs the catalog transaction to run")
		case !validID(s.Txn):
			v.add(CodeBadID, "/submit/txn", "transaction id %q: use letters, digits and '_'", s.Txn)
		}
		if s.Receipt != "" && !validID(s.Receipt) {
			v.add(CodeBadID, "/submit/receipt", "receipt id %q: use letters, digits and '_'", s.Receipt)
		}
		if a := s.Authorize; a != nil {
			if a.When == "" {
				v.add(CodeMissing, "/submit/authorize/when", "authorize needs a condition, e.g. \"amount > 50000\"")
			}
			if a.Role != "supervisor" && a.Role != "admin" {
				v.add(CodeBadValue, "/submit/authorize/role", "role %q: an authorizer is a \"supervisor\" or an \"admin\"", a.Role)
			}
		}
	}
}

func validCode(s string) bool {
	if len(s) < 3 || len(s) > 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (v *validator) node(n *Node, ptr string, isRoot bool) {
	if n == nil {
		return
	}
	switch {
	case n.ID == "":
		v.add(CodeMissing, ptr, "node without an id")
	case !validID(n.ID):
		v.add(CodeBadID, ptr+"/id", "id %q: use letters, digits and '_', not starting with a digit", n.ID)
	default:
		if first, dup := v.ids[n.ID]; dup {
			v.add(CodeDuplicateID, ptr+"/id", "id %q is already used at %s", n.ID, first)
		} else {
			v.ids[n.ID] = ptr
		}
	}
	spec, known := Types[n.Type]
	switch {
	case n.Type == "":
		v.add(CodeMissing, ptr, "node %q has no type", n.ID)
	case !known:
		v.add(CodeUnknownWidget, ptr+"/type", "unknown widget type %q%s", n.Type, suggest(n.Type))
	}
	if known {
		if !isRoot && n.Type == "form" {
			v.add(CodeBadValue, ptr+"/type", "a \"form\" node is only the root")
		}
		if len(n.Children) > 0 && !spec.Container {
			v.add(CodeNotContainer, ptr+"/children", "a %q cannot hold children", n.Type)
		}
		v.props(n, spec, ptr)
		if n.Bind != "" {
			v.bind(n, spec, ptr)
		}
		for i, r := range n.Rules {
			v.rule(n, spec, r, fmt.Sprintf("%s/rules/%d", ptr, i))
		}
	}
	for i, c := range n.Children {
		v.node(c, ptr+"/children/"+strconv.Itoa(i), false)
	}
}

func suggest(t string) string {
	best, bestD := "", 3
	for name := range Types {
		if d := editDistance(t, name); d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (v *validator) bind(n *Node, spec *TypeSpec, ptr string) {
	p := ptr + "/bind"
	switch {
	case spec.Value == ValueNone:
		v.add(CodeBadValue, p, "a %q does not hold a value and cannot bind %q", n.Type, n.Bind)
		return
	case !validID(n.Bind):
		v.add(CodeBadID, p, "bind key %q: use letters, digits and '_', not starting with a digit", n.Bind)
		return
	case reserved[n.Bind]:
		v.add(CodeBadID, p, "bind key %q is the name of a function or keyword", n.Bind)
		return
	}
	prev, seen := v.binds[n.Bind]
	switch {
	case !seen || prev.typ == ValueAny:
		v.binds[n.Bind] = bindSite{typ: spec.Value, ptr: p}
	case spec.Value != ValueAny && prev.typ != spec.Value:
		v.add(CodeBindConflict, p, "key %q is bound as %s here and as %s at %s", n.Bind, spec.Value, prev.typ, prev.ptr)
	}
}

// ruleTypes lists the value types each typed rule applies to; rules not
// listed (required, expr) apply to every input.
var ruleTypes = map[string]map[ValueType]bool{
	"luhn":    {ValueString: true},
	"idcard":  {ValueString: true},
	"phone":   {ValueString: true},
	"pattern": {ValueString: true, ValueDate: true},
	"minLen":  {ValueString: true},
	"maxLen":  {ValueString: true},
	"min":     {ValueMoney: true, ValueInt: true},
	"max":     {ValueMoney: true, ValueInt: true},
}

// reserved names cannot be bind keys: they would hide a helper or keyword.
var reserved = map[string]bool{"true": true, "false": true, "nil": true, "in": true, "not": true, "and": true, "or": true, "matches": true, "contains": true, "let": true}

func init() {
	for _, f := range helperNames() {
		reserved[f] = true
	}
	for _, f := range builtin.Names {
		reserved[f] = true // len, upper, abs, ...
	}
}

func (v *validator) props(n *Node, spec *TypeSpec, ptr string) {
	for name, val := range n.Props {
		p := ptr + "/props" + pointer(name)
		ps := spec.Prop(name)
		if ps == nil {
			continue // unknown props are kept for the round trip, never dropped
		}
		if msg := checkProp(ps, val); msg != "" {
			code := CodeType
			if _, isJSONType := jsonKind(val); isJSONType && kindFits(ps.Kind, val) {
				code = CodeBadValue
			}
			v.add(code, p, "%s %q: %s", n.Type, name, msg)
		}
	}
}

// jsonKind names the JSON type of a generic value.
func jsonKind(v any) (string, bool) {
	switch v.(type) {
	case string:
		return "string", true
	case json.Number, int, int64, float64:
		return "number", true
	case bool:
		return "boolean", true
	case map[string]any:
		return "object", true
	case []any:
		return "array", true
	case nil:
		return "null", true
	}
	return fmt.Sprintf("%T", v), false
}

func kindFits(k PropKind, v any) bool {
	j, _ := jsonKind(v)
	switch k {
	case PropText, PropEnum, PropExpr, PropMoney:
		return j == "string"
	case PropI18n:
		return j == "object"
	case PropNumber:
		return j == "number"
	case PropBool:
		return j == "boolean"
	case PropOptions, PropColumns:
		return j == "array"
	}
	return false
}

// checkProp returns what is wrong with a prop value, or "".
func checkProp(ps *PropSpec, val any) string {
	if !kindFits(ps.Kind, val) {
		j, _ := jsonKind(val)
		return fmt.Sprintf("want %s, got %s", ps.Kind, j)
	}
	switch ps.Kind {
	case PropI18n:
		return checkText(val)
	case PropEnum:
		s := val.(string)
		for _, e := range ps.Enum {
			if e == s {
				return ""
			}
		}
		return fmt.Sprintf("%q is not one of %q", s, ps.Enum)
	case PropMoney:
		if _, err := money.Parse(val.(string)); err != nil {
			return fmt.Sprintf("%q is not an amount like \"10000.00\"", val)
		}
	case PropOptions:
		for i, e := range val.([]any) {
			m, ok := e.(map[string]any)
			if !ok {
				return fmt.Sprintf("option %d is not an object", i)
			}
			if s, ok := m["value"].(string); !ok || s == "" {
				return fmt.Sprintf("option %d needs a string \"value\"", i)
			}
			if msg := checkText(m["label"]); msg != "" {
				return fmt.Sprintf("option %d label: %s", i, msg)
			}
		}
	case PropColumns:
		for i, e := range val.([]any) {
			m, ok := e.(map[string]any)
			if !ok {
				return fmt.Sprintf("column %d is not an object", i)
			}
			if s, ok := m["key"].(string); !ok || s == "" {
				return fmt.Sprintf("column %d needs a string \"key\"", i)
			}
			if msg := checkText(m["title"]); msg != "" {
				return fmt.Sprintf("column %d title: %s", i, msg)
			}
			if k, ok := m["kind"]; ok && k != "text" && k != "money" {
				return fmt.Sprintf("column %d kind %v: \"text\" or \"money\"", i, k)
			}
		}
	}
	return ""
}

func checkText(val any) string {
	m, ok := val.(map[string]any)
	if !ok {
		j, _ := jsonKind(val)
		return fmt.Sprintf("want {\"zh\": ..., \"en\": ...}, got %s", j)
	}
	for k, s := range m {
		if k != "zh" && k != "en" {
			return fmt.Sprintf("unknown language %q", k)
		}
		if _, ok := s.(string); !ok {
			return fmt.Sprintf("%q is not a string", k)
		}
	}
	return ""
}

func (v *validator) rule(n *Node, spec *TypeSpec, r Rule, ptr string) {
	kind, ok := RuleKinds[r.Kind]
	if !ok {
		if r.Kind != "" {
			v.add(CodeUnknownRule, ptr+pointer(r.Kind), "unknown rule %q", r.Kind)
		}
		return
	}
	p := ptr + pointer(r.Kind)
	if spec.Value == ValueNone || spec.Value == ValueAny || spec.Value == ValueRows {
		v.add(CodeBadValue, p, "a %q takes no input, so it has no rules", n.Type)
		return
	}
	if want := ruleTypes[r.Kind]; want != nil && !want[spec.Value] {
		v.add(CodeBadValue, p, "rule %q does not apply to a %q, which holds %s", r.Kind, n.Type, spec.Value)
		return
	}
	if kind == PropMoney && spec.Value != ValueMoney {
		kind = PropNumber // min and max of a number field are whole numbers
	}
	if !kindFits(kind, r.Arg) {
		j, _ := jsonKind(r.Arg)
		v.add(CodeType, p, "rule %q wants %s, got %s", r.Kind, kind, j)
		return
	}
	switch r.Kind {
	case "required", "luhn", "idcard", "phone":
		if r.Arg != true {
			v.add(CodeBadValue, p, "write {%q: true} or leave the rule out", r.Kind)
		}
	case "pattern":
		if _, err := regexp.Compile(r.Arg.(string)); err != nil {
			v.add(CodeBadValue, p, "pattern does not compile: %v", err)
		}
	case "minLen", "maxLen":
		if n, err := strconv.Atoi(fmt.Sprint(r.Arg)); err != nil || n < 0 {
			v.add(CodeBadValue, p, "%s wants a whole number ≥ 0", r.Kind)
		}
	case "min", "max":
		if kind == PropMoney {
			if _, err := money.Parse(r.Arg.(string)); err != nil {
				v.add(CodeBadValue, p, "%q is not an amount like \"0.01\"", r.Arg)
			}
		} else if _, err := strconv.ParseInt(fmt.Sprint(r.Arg), 10, 64); err != nil {
			v.add(CodeBadValue, p, "%s of a whole-number field wants a whole number, not %v", r.Kind, r.Arg)
		}
	}
}
