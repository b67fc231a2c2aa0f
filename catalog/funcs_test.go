package catalog

import (
	"strings"
	"testing"
)

// TestCheckCall: a call step is checked against its function's
// signature, and its results become names the later steps may use.
func TestCheckCall(t *testing.T) {
	params := []Param{{Name: "amount", Type: "money"}, {Name: "rate", Type: "string"}, {Name: "months", Type: "int"},
		{Name: "opened", Type: "date"}, {Name: "demand", Type: "string"}}
	settle := func(args map[string]string, ret map[string]string) Step {
		return Step{Call: "interest.settle", Args: args, Returning: ret}
	}
	full := map[string]string{"principal": "amount", "rate": "rate", "term": "months", "opened": "opened", "closed": "business_date", "demand_rate": "demand"}
	without := func(k string) map[string]string {
		m := map[string]string{}
		for a, v := range full {
			if a != k {
				m[a] = v
			}
		}
		return m
	}
	with := func(k, v string) map[string]string {
		m := without("")
		m[k] = v
		return m
	}
	cases := []struct {
		name  string
		steps []Step
		want  string // "" when the transaction checks
	}{
		{"a call whose result a later step names", []Step{settle(full, map[string]string{"interest": "money"}), {SQL: "SELECT :interest AS x"}}, ""},
		{"a result not kept is unknown later", []Step{settle(full, nil), {SQL: "SELECT :interest AS x"}}, ":interest is neither"},
		{"unknown function", []Step{{Call: "interest.guess"}}, `unknown function "interest.guess"`},
		{"argument missing", []Step{settle(without("demand_rate"), nil)}, "argument demand_rate missing"},
		{"argument from an unknown name", []Step{settle(with("rate", "nope"), nil)}, "argument rate = :nope"},
		{"an argument the function lacks", []Step{settle(with("tax", "rate"), nil)}, "has no argument tax"},
		{"a result the function lacks", []Step{settle(full, map[string]string{"bonus": "money"})}, "has no result bonus"},
		{"a result of the wrong type", []Step{settle(full, map[string]string{"interest": "int"})}, "result interest is money, not int"},
		{"both sql and call", []Step{{SQL: "SELECT 1", Call: "pin.hash", Args: map[string]string{"pin": "rate"}}}, "both sql and call"},
		{"args without a call", []Step{{SQL: "SELECT 1", Args: map[string]string{"pin": "rate"}}}, "args without a call"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := &Txn{ID: "t", Params: params, Steps: c.steps}
			err := tx.Check(nil)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
