package designer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"guitai/dsl"
)

// Problem is one validation error of the form with the node it concerns.
type Problem struct {
	*dsl.Error
	Node string // id of the innermost node on the error's pointer, "" for the header
}

// Problems validates the form (at most once per state) and returns every
// problem, located at its node.
func (d *Document) Problems() []Problem {
	if d.problemsFrom != d.changes {
		d.problems = dsl.Validate(d.form)
		d.problemsFrom = d.changes
	}
	out := make([]Problem, len(d.problems), len(d.problems)+2)
	for i, e := range d.problems {
		out[i] = Problem{Error: e, Node: NodeAt(d.form, e.Pointer)}
	}
	return append(out, catalogProblems(d.Catalog, d.form)...)
}

// NodeAt returns the id of the innermost node on a JSON pointer into f
// ("/root/children/2/props/label" names the root's third child), or "".
func NodeAt(f *dsl.Form, pointer string) string {
	parts := strings.Split(pointer, "/")
	if len(parts) < 2 || parts[1] != "root" || f.Root == nil {
		return ""
	}
	n := f.Root
	for i := 2; i+1 < len(parts) && parts[i] == "children"; i += 2 {
		k, err := strconv.Atoi(parts[i+1])
		if err != nil || k < 0 || k >= len(n.Children) {
			break
		}
		n = n.Children[k]
	}
	return n.ID
}

// Errors returns err's located problems, or one unlocated problem.
func Errors(err error) dsl.ErrorList {
	var el dsl.ErrorList
	if errors.As(err, &el) {
		return el
	}
	var e *dsl.Error
	if errors.As(err, &e) {
		return dsl.ErrorList{e}
	}
	return dsl.ErrorList{{Code: dsl.CodeBadValue, Msg: err.Error()}}
}

// ExprProblem checks one expression as if it stood at key ("visibleWhen",
// "enabledWhen", "value", or "rules/2/expr" for the node's third rule, an
// expr rule) of node id, against the form's fields, and returns the
// problem or "".
func ExprProblem(f *dsl.Form, id, key, src string) string {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	c := f.Clone()
	n := c.Find(id)
	if n == nil {
		return "no node " + id
	}
	switch key {
	case "visibleWhen":
		n.VisibleWhen = src
	case "enabledWhen":
		n.EnabledWhen = src
	case "value":
		n.Value = src
	default:
		var i int
		if _, err := fmt.Sscanf(key, "rules/%d/expr", &i); err != nil || i < 0 || i >= len(n.Rules) || n.Rules[i].Kind != "expr" {
			return "no expression at " + key
		}
		n.Rules[i].Arg = src
	}
	if _, err := c.Program(); err != nil {
		for _, e := range Errors(err) {
			if NodeAt(c, e.Pointer) == id && strings.HasSuffix(e.Pointer, "/"+key) {
				return e.Msg
			}
		}
	}
	return ""
}
