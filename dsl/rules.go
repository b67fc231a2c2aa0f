package dsl

import (
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"unicode/utf8"

	"guitai/idnum"
	"guitai/money"
)

// Violation is a rule a value broke, with the message to show under the field.
type Violation struct {
	Node    string
	Rule    int
	Kind    string
	Message Text
}

// Error formats the violation in Chinese and English.
func (v *Violation) Error() string {
	return fmt.Sprintf("%s: %s / %s", v.Node, v.Message.Zh, v.Message.En)
}

// Empty reports whether a field value counts as not filled in.
func Empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x // an unticked box does not satisfy "required"
	}
	return false
}

// Check runs a field's rules over its value in order and returns the first
// broken one, or nil. env is the form's expression environment (Program.Env)
// for {"expr": ...} rules. An empty value breaks only "required": the other
// rules judge what was typed.
func (p *Program) Check(n *Node, value any, env map[string]any) *Violation {
	for i, r := range n.Rules {
		if r.Kind != "required" && r.Kind != "expr" && Empty(value) {
			continue
		}
		ok, def := p.holds(n, i, r, value, env)
		if ok {
			continue
		}
		msg := r.Message
		if msg.IsZero() {
			msg = def
		}
		return &Violation{Node: n.ID, Rule: i, Kind: r.Kind, Message: msg}
	}
	return nil
}

var patterns sync.Map // pattern source -> *regexp.Regexp

func pattern(src string) *regexp.Regexp {
	if re, ok := patterns.Load(src); ok {
		return re.(*regexp.Regexp)
	}
	re, err := regexp.Compile("^(?:" + src + ")$")
	if err != nil {
		re = regexp.MustCompile(`^\b$`) // never matches; Validate reported it
	}
	patterns.Store(src, re)
	return re
}

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
)

// holds evaluates one rule and returns its default message.
func (p *Program) holds(n *Node, i int, r Rule, value any, env map[string]any) (bool, Text) {
	s, _ := value.(string)
	switch r.Kind {
	case "required":
		return !Empty(value), Text{"必填", "Required"}
	case "luhn":
		return idnum.Luhn(s), Text{"账号校验位不正确", "Account number check digit is wrong"}
	case "idcard":
		return idnum.IDCard(s), Text{"身份证号码无效", "Not a valid ID number"}
	case "phone":
		return mobileRe.MatchString(s) || landlineRe.MatchString(s), Text{"电话号码格式不正确", "Not a valid phone number"}
	case "pattern":
		src, _ := r.Arg.(string)
		return pattern(src).MatchString(s), Text{"格式不正确", "Wrong format"}
	case "minLen":
		want := argInt(r.Arg)
		return utf8.RuneCountInString(s) >= want, Text{fmt.Sprintf("至少 %d 个字符", want), fmt.Sprintf("At least %d characters", want)}
	case "maxLen":
		want := argInt(r.Arg)
		return utf8.RuneCountInString(s) <= want, Text{fmt.Sprintf("最多 %d 个字符", want), fmt.Sprintf("At most %d characters", want)}
	case "min", "max":
		return compareLimit(r, value)
	case "expr":
		for _, e := range p.byNode[n.ID] {
			if e.Kind == ExprRule && e.Rule == i {
				ok, err := e.EvalBool(env)
				return err == nil && ok, Text{"不符合要求", "Not allowed"}
			}
		}
	}
	return true, Text{}
}

func argInt(a any) int {
	n, _ := strconv.Atoi(fmt.Sprint(a))
	return n
}

func compareLimit(r Rule, value any) (bool, Text) {
	var v, limit int64
	var shown string
	switch x := value.(type) {
	case money.Fen:
		lim, _ := money.Parse(fmt.Sprint(r.Arg))
		v, limit, shown = int64(x), int64(lim), lim.Grouped()
	case int64:
		lim, _ := strconv.ParseInt(fmt.Sprint(r.Arg), 10, 64)
		v, limit, shown = x, lim, strconv.FormatInt(lim, 10)
	default:
		return true, Text{}
	}
	if r.Kind == "min" {
		return v >= limit, Text{"不能小于 " + shown, "At least " + shown}
	}
	return v <= limit, Text{"不能大于 " + shown, "At most " + shown}
}

// Put stores a state value into an expression environment, in the type
// expressions see; nil stores the zero value of the key's type.
func (p *Program) Put(env map[string]any, key string, v any) {
	t, ok := p.Fields[key]
	if !ok {
		return
	}
	if v == nil {
		env[key] = p.zero[key]
		return
	}
	env[key] = normalize(v, t)
}
