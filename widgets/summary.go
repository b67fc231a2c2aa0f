package widgets

import "guitai/dsl"

// ComputedRows lists the form's computed figures as they show now: each
// visible label with a value expression and a caption, as caption and
// text, in tree order. A confirmation shows them beside the typed values
// (the amount in words, a day-end's counted total and its difference).
func (f *Form) ComputedRows() [][2]string {
	values := map[string]*dsl.Expr{}
	for _, e := range f.prog.Exprs {
		if e.Kind == dsl.ExprValue {
			values[e.Node] = e
		}
	}
	var rows [][2]string
	f.Def.Walk(func(_ []string, n *dsl.Node) bool {
		l := f.nodes[n.ID]
		if l == nil || !l.shown {
			return false
		}
		e, ok := values[n.ID]
		caption := f.ctx.T(n.PropText("label"))
		if !ok || caption == "" {
			return true
		}
		if v, err := e.Eval(f.env); err == nil {
			rows = append(rows, [2]string{caption, display(v)})
		}
		return true
	})
	return rows
}
