package designer

import (
	"guitai/dsl"
	"guitai/idnum"
	"guitai/money"
)

// SampleValues returns a plausible value for every key the form binds, in
// the type the state holds it (money.Fen, int64, bool, "YYYY-MM-DD"), for
// trying a form in the preview: a card number with a good check digit, a
// resident ID with a good check character, the first choice of a select.
func SampleValues(f *dsl.Form) map[string]any {
	out := map[string]any{}
	for _, fl := range f.Fields() {
		n := f.Find(fl.Node)
		if n == nil {
			continue
		}
		switch n.Type {
		case "account":
			p := "622202020011223344"
			out[fl.Key] = p + string(idnum.LuhnDigit(p))
		case "idcard":
			p := "11010519491231002"
			out[fl.Key] = p + string(idnum.IDCheckChar(p))
		case "phone":
			out[fl.Key] = "13800138000"
		case "password":
			out[fl.Key] = "123456"
		case "select", "radio":
			if opts := n.PropOptions("options"); len(opts) > 0 {
				out[fl.Key] = opts[0].Value
			}
		default:
			switch fl.Type {
			case dsl.ValueMoney:
				out[fl.Key] = money.Fen(120000)
			case dsl.ValueInt:
				out[fl.Key] = int64(1)
			case dsl.ValueBool:
				out[fl.Key] = true
			case dsl.ValueDate:
				out[fl.Key] = dsl.Today().Format("2006-01-02")
			case dsl.ValueString, dsl.ValueAny:
				out[fl.Key] = "示例"
			}
		}
	}
	return out
}
