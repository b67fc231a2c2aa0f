package dsl

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"guitai/idnum"
	"guitai/money"
)

// ExprKind says where in a form an expression stands.
type ExprKind int

// Kinds of expression.
const (
	ExprVisible   ExprKind = iota // a node's visibleWhen
	ExprEnabled                   // a node's enabledWhen
	ExprValue                     // a node's computed value
	ExprRule                      // an {"expr": ...} rule
	ExprAuthorize                 // submit.authorize.when
)

// Expr is one compiled expression of a form.
type Expr struct {
	Node    string   // id of the node it belongs to ("" for authorize)
	Kind    ExprKind //
	Rule    int      // index of the rule, for ExprRule
	Source  string   // the expression as written
	Deps    []string // the bound keys it reads, sorted
	Pointer string   // where it stands in the form

	program *vm.Program
}

// Program holds a form's expressions, compiled once, and which expressions
// depend on which key, so that a change re-evaluates only its dependents.
type Program struct {
	Fields map[string]ValueType // every bound key and its type
	Exprs  []*Expr

	zero       map[string]any
	dependents map[string][]*Expr
	byNode     map[string][]*Expr
}

// Program returns the form's compiled expressions, compiling them if the
// form changed since. It fails when an expression does not compile.
func (f *Form) Program() (*Program, error) {
	if f.prog != nil {
		return f.prog, nil
	}
	p, errs := compile(f)
	if len(errs) > 0 {
		errs.sort()
		return nil, errs
	}
	f.prog = p
	return p, nil
}

// Dependents returns the expressions that read key.
func (p *Program) Dependents(key string) []*Expr { return p.dependents[key] }

// OfNode returns the expressions that belong to a node.
func (p *Program) OfNode(id string) []*Expr { return p.byNode[id] }

// Authorize returns the authorize.when expression, or nil.
func (p *Program) Authorize() *Expr {
	for _, e := range p.byNode[""] {
		if e.Kind == ExprAuthorize {
			return e
		}
	}
	return nil
}

// Env returns an environment holding values for every key, with the zero
// value of its type where values has none (an empty amount is 0 fen).
func (p *Program) Env(values map[string]any) map[string]any {
	env := make(map[string]any, len(p.zero))
	for k, z := range p.zero {
		if v, ok := values[k]; ok && v != nil {
			env[k] = normalize(v, p.Fields[k])
		} else {
			env[k] = z
		}
	}
	return env
}

// normalize turns a state value into the type expressions see: money.Fen
// and other integers become int64.
func normalize(v any, t ValueType) any {
	switch x := v.(type) {
	case money.Fen:
		return int64(x)
	case int:
		return int64(x)
	}
	return v
}

func zeroOf(t ValueType) any {
	switch t {
	case ValueMoney, ValueInt:
		return int64(0)
	case ValueBool:
		return false
	case ValueString, ValueDate:
		return ""
	case ValueRows:
		return []any{}
	}
	return nil
}

// Eval runs the expression over env (see Program.Env).
func (e *Expr) Eval(env map[string]any) (any, error) {
	out, err := vm.Run(e.program, env)
	if err != nil {
		return nil, fmt.Errorf("%s: %q: %w", e.Pointer, e.Source, err)
	}
	return out, nil
}

// EvalBool runs a boolean expression.
func (e *Expr) EvalBool(env map[string]any) (bool, error) {
	out, err := e.Eval(env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("%s: %q gave %T, not a boolean", e.Pointer, e.Source, out)
	}
	return b, nil
}

// Today is the date today() returns; the teller sets it to the business date.
var Today = func() time.Time { return time.Now() }

// helpers are the functions every expression may call, besides expr's own
// builtins (len, upper, lower, trim, abs, ...).
var helpers = []struct {
	name string
	fn   func(params ...any) (any, error)
	sig  any
	doc  string
}{
	{"cnUpper", func(p ...any) (any, error) { return money.Fen(asInt64(p[0])).Upper(), nil },
		new(func(int64) string), "an amount in Chinese capitals: cnUpper(amount) = \"壹仟元整\""},
	{"yuan", func(p ...any) (any, error) { return money.Fen(asInt64(p[0])).Grouped(), nil },
		new(func(int64) string), "an amount as figures: yuan(amount) = \"1,000.00\""},
	{"luhn", func(p ...any) (any, error) { return idnum.Luhn(p[0].(string)), nil },
		new(func(string) bool), "bank card check digit holds"},
	{"idcardValid", func(p ...any) (any, error) { return idnum.IDCard(p[0].(string)), nil },
		new(func(string) bool), "a valid 18-character resident ID number"},
	{"age", func(p ...any) (any, error) { return ageOf(p[0].(string)), nil },
		new(func(string) int), "age in whole years from an ID number (-1 if invalid)"},
	{"today", func(p ...any) (any, error) { return Today().Format("2006-01-02"), nil },
		new(func() string), "the business date, \"YYYY-MM-DD\""},
	{"mask", func(p ...any) (any, error) { return Mask(p[0].(string)), nil },
		new(func(string) string), "an account with all but the first and last four digits hidden"},
	{"fen", func(p ...any) (any, error) { return asInt64(p[0]), nil },
		new(func(int64) int64), "marks a whole number as fen, so no yuan scaling applies"},
	{"idBirth", func(p ...any) (any, error) { return IDBirth(p[0].(string)), nil },
		new(func(string) string), "the birth date of an ID number, \"YYYY-MM-DD\" (\"\" if invalid)"},
	{"idGender", func(p ...any) (any, error) { return IDGender(p[0].(string)), nil },
		new(func(string) string), "the gender of an ID number, \"male\" or \"female\" (\"\" if invalid)"},
}

// IDBirth is the birth date a valid resident ID number carries, as
// "YYYY-MM-DD", or "" for an invalid or incomplete one.
func IDBirth(id string) string {
	b, ok := idnum.IDCardBirth(id)
	if !ok {
		return ""
	}
	return b.Format("2006-01-02")
}

// IDGender is the gender a valid resident ID number carries, "male" (odd
// 17th digit) or "female" (even): the values of the account opening
// form's gender options. It is "" for an invalid or incomplete number.
func IDGender(id string) string {
	if !idnum.IDCard(id) {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return "male"
	}
	return "female"
}

// asInt64 takes the integer an expression computed: expr's arithmetic gives
// int even over int64 operands.
func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		return int64(math.Round(x))
	}
	return 0
}

func helperNames() []string {
	out := make([]string, len(helpers))
	for i, h := range helpers {
		out[i] = h.name
	}
	return out
}

// HelperDocs returns the helper functions and their one-line docs, for the
// designer's expression editor.
func HelperDocs() map[string]string {
	m := make(map[string]string, len(helpers))
	for _, h := range helpers {
		m[h.name] = h.doc
	}
	return m
}

// Mask hides all but the first and last four characters of an account.
func Mask(s string) string {
	if len(s) <= 8 {
		return s
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}

func ageOf(id string) int {
	b, ok := idnum.IDCardBirth(id)
	if !ok {
		return -1
	}
	now := Today()
	age := now.Year() - b.Year()
	if now.Month() < b.Month() || (now.Month() == b.Month() && now.Day() < b.Day()) {
		age-- // the birthday has not come yet this year
	}
	return age
}

// compile compiles every expression of f against its bound fields.
func compile(f *Form) (*Program, ErrorList) {
	p := &Program{
		Fields:     map[string]ValueType{},
		zero:       map[string]any{},
		dependents: map[string][]*Expr{},
		byNode:     map[string][]*Expr{},
	}
	for _, fl := range f.Fields() {
		p.Fields[fl.Key] = fl.Type
		p.zero[fl.Key] = zeroOf(fl.Type)
	}
	// Labels bound to keys no field holds still show them: type any.
	f.Walk(func(_ []string, n *Node) bool {
		if n.Bind != "" {
			if _, ok := p.Fields[n.Bind]; !ok {
				p.Fields[n.Bind] = ValueAny
				p.zero[n.Bind] = nil
			}
		}
		return true
	})

	cfg := newConfig(p)
	var errs ErrorList
	add := func(n *Node, kind ExprKind, rule int, src, ptr string) {
		if src == "" {
			return
		}
		e, err := compileOne(cfg, p, src)
		if err != nil {
			errs = append(errs, err.located(ptr))
			return
		}
		e.Kind, e.Rule, e.Pointer = kind, rule, ptr
		if n != nil {
			e.Node = n.ID
		}
		if kind != ExprValue && !e.program.Node().Type().AssignableTo(boolType) && e.program.Node().Type() != interfaceType {
			errs = append(errs, &Error{Code: CodeExpr, Pointer: ptr, offset: -1,
				Msg: fmt.Sprintf("%q gives %s, but a condition must give true or false", src, e.program.Node().Type())})
			return
		}
		p.Exprs = append(p.Exprs, e)
		p.byNode[e.Node] = append(p.byNode[e.Node], e)
		for _, d := range e.Deps {
			p.dependents[d] = append(p.dependents[d], e)
		}
	}
	var walkErr func(ptr string, n *Node)
	walkErr = func(ptr string, n *Node) {
		if n == nil {
			return
		}
		add(n, ExprVisible, 0, n.VisibleWhen, ptr+"/visibleWhen")
		add(n, ExprEnabled, 0, n.EnabledWhen, ptr+"/enabledWhen")
		add(n, ExprValue, 0, n.Value, ptr+"/value")
		for i, r := range n.Rules {
			if r.Kind == "expr" {
				if s, ok := r.Arg.(string); ok {
					add(n, ExprRule, i, s, fmt.Sprintf("%s/rules/%d/expr", ptr, i))
				}
			}
		}
		for i, c := range n.Children {
			walkErr(fmt.Sprintf("%s/children/%d", ptr, i), c)
		}
	}
	walkErr("/root", f.Root)
	if f.Submit != nil && f.Submit.Authorize != nil {
		add(nil, ExprAuthorize, 0, f.Submit.Authorize.When, "/submit/authorize/when")
	}
	return p, errs
}

// newConfig builds the expr configuration for a form once: its typed
// environment, the helpers, and the money-literal patch.
func newConfig(p *Program) *conf.Config {
	opts := []expr.Option{expr.Env(p.zero), expr.Patch(&moneyLiterals{fields: p.Fields})}
	for _, h := range helpers {
		opts = append(opts, expr.Function(h.name, h.fn, h.sig))
	}
	cfg := conf.CreateNew()
	for _, o := range opts {
		o(cfg)
	}
	cfg.Check()
	return cfg
}

type exprError struct {
	code   Code
	msg    string
	column int // 0-based byte column inside the expression, -1 if unknown
}

func (e *exprError) located(ptr string) *Error {
	inner := 0
	if e.column >= 0 {
		inner = 1 + e.column // characters past the opening quote
	}
	return &Error{Code: e.code, Pointer: ptr, Msg: e.msg, offset: -1, inner: inner}
}

// Limits on an expression, checked before expr-lang parses it: its parser
// recurses once per nesting level, and a string of a million "(" would
// overflow the stack. The longest expression of the shipped forms is 122
// bytes and nests 2 deep.
const (
	MaxExprBytes = 4096 // bytes of UTF-8 in one expression
	MaxExprDepth = 64   // levels of (), [] and {} nested in one expression
)

// checkSize refuses an expression longer than MaxExprBytes or nesting
// brackets deeper than MaxExprDepth. Brackets inside string literals
// ("...", '...', `...`) and comments (// and /* */) do not count. A
// too-deep expression is located at the bracket that goes too deep.
func checkSize(src string) *exprError {
	if len(src) > MaxExprBytes {
		return &exprError{code: CodeTooLong, column: 0,
			msg: fmt.Sprintf("expression %s is %d bytes long; at most %d are allowed", abbrev(src), len(src), MaxExprBytes)}
	}
	depth, col := 0, 0 // col counts characters, as expr-lang's columns do
	var quote rune     // the quote of the string literal being read, or 0
	escaped := false
	comment, from := byte(0), 0 // '/' or '*' while in a // or /* comment opened at from
	for i, r := range src {
		switch {
		case comment == '/':
			if r == '\n' {
				comment = 0
			}
		case comment == '*':
			if r == '/' && src[i-1] == '*' && i >= from+3 {
				comment = 0
			}
		case quote != 0:
			switch {
			case escaped:
				escaped = false
			case r == '\\' && quote != '`':
				escaped = true
			case r == quote:
				quote = 0
			}
		case r == '"' || r == '\'' || r == '`':
			quote = r
		case r == '/' && i+1 < len(src) && (src[i+1] == '/' || src[i+1] == '*'):
			comment, from = src[i+1], i
		case r == '(' || r == '[' || r == '{':
			depth++
			if depth > MaxExprDepth {
				return &exprError{code: CodeTooDeep, column: col,
					msg: fmt.Sprintf("expression %s nests brackets more than %d deep", abbrev(src), MaxExprDepth)}
			}
		case r == ')' || r == ']' || r == '}':
			depth = max(depth-1, 0) // an unbalanced one is the parser's to report
		}
		col++
	}
	return nil
}

// abbrev quotes an expression for a message, cut after 40 characters.
func abbrev(src string) string {
	n := 0
	for i := range src {
		if n == 40 {
			return strconv.Quote(src[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(src)
}

func compileOne(cfg *conf.Config, p *Program, src string) (*Expr, *exprError) {
	if err := checkSize(src); err != nil {
		return nil, err
	}
	tree, err := checker.ParseCheck(src, cfg)
	if err == nil {
		var prog *vm.Program
		prog, err = compiler.Compile(tree, cfg)
		if err == nil {
			return &Expr{Source: src, Deps: deps(tree.Node, p.Fields), program: prog}, nil
		}
	}
	ee := &exprError{code: CodeExpr, msg: fmt.Sprintf("expression %q: %v", src, err), column: -1}
	var fe *file.Error
	if errors.As(err, &fe) {
		ee.msg = fmt.Sprintf("expression %q: %s", src, strings.TrimSpace(fe.Message))
		ee.column = fe.Column
		if strings.HasPrefix(fe.Message, "unknown name ") {
			ee.code = CodeUnknownField
			ee.msg = fmt.Sprintf("expression %q names %s, which no field of the form binds", src, strings.TrimPrefix(fe.Message, "unknown name "))
		}
	}
	return nil, ee
}

// deps lists the bound keys an expression reads.
func deps(root ast.Node, fields map[string]ValueType) []string {
	c := &identCollector{fields: fields, seen: map[string]bool{}}
	ast.Walk(&root, c)
	sort.Strings(c.out)
	return c.out
}

type identCollector struct {
	fields map[string]ValueType
	seen   map[string]bool
	out    []string
}

func (c *identCollector) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		if _, isField := c.fields[id.Value]; isField && !c.seen[id.Value] {
			c.seen[id.Value] = true
			c.out = append(c.out, id.Value)
		}
	}
}

// moneyLiterals lets an analyst write amounts in yuan: in a comparison or a
// sum where one side is money (an amount field, or + and - of them) and the
// other a number literal, the literal is read as yuan and becomes exact fen.
// "amount > 50000" compares with 5,000,000 fen; no float touches the value.
type moneyLiterals struct {
	fields map[string]ValueType
}

var moneyOps = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "+": true, "-": true}

func (m *moneyLiterals) Visit(n *ast.Node) {
	b, ok := (*n).(*ast.BinaryNode)
	if !ok || !moneyOps[b.Operator] {
		return
	}
	switch {
	case m.isMoney(b.Left):
		m.scale(&b.Right)
	case m.isMoney(b.Right):
		m.scale(&b.Left)
	}
}

func (m *moneyLiterals) isMoney(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return m.fields[x.Value] == ValueMoney
	case *ast.BinaryNode:
		return (x.Operator == "+" || x.Operator == "-") && (m.isMoney(x.Left) || m.isMoney(x.Right))
	case *ast.UnaryNode:
		return x.Operator == "-" && m.isMoney(x.Node)
	case *ast.CallNode:
		if id, ok := x.Callee.(*ast.IdentifierNode); ok {
			return id.Value == "fen"
		}
	}
	return false
}

func (m *moneyLiterals) scale(n *ast.Node) {
	var fen int
	switch x := (*n).(type) {
	case *ast.IntegerNode:
		fen = x.Value * 100
	case *ast.FloatNode:
		fen = int(math.Round(x.Value * 100))
	case *ast.UnaryNode:
		if x.Operator == "-" {
			m.scale(&x.Node)
		}
		return
	default:
		// A constant expression such as 50000 * 2 is yuan too: scale its
		// result.
		if isConstant(*n) {
			ast.Patch(n, &ast.BinaryNode{Operator: "*", Left: *n, Right: &ast.IntegerNode{Value: 100}})
		}
		return
	}
	ast.Patch(n, &ast.IntegerNode{Value: fen})
}

// isConstant reports whether n is arithmetic over number literals only.
func isConstant(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		return true
	case *ast.UnaryNode:
		return (x.Operator == "-" || x.Operator == "+") && isConstant(x.Node)
	case *ast.BinaryNode:
		switch x.Operator {
		case "+", "-", "*", "/":
			return isConstant(x.Left) && isConstant(x.Right)
		}
	}
	return false
}

// PartialProgram returns the form's program as Program does when every
// expression compiles; otherwise it compiles the ones that do and leaves the
// others out. It is for views of a form on its way to a valid one, such as
// a designer's surface, which must render while an expression is broken.
func (f *Form) PartialProgram() *Program {
	if p, err := f.Program(); err == nil {
		return p
	}
	p, _ := compile(f)
	return p
}
