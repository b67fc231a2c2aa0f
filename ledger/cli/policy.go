package cli

import (
	"fmt"
	"strconv"

	"guitai/ledger"
	"guitai/money"
)

// policy runs "policy list" and "policy set TXN --threshold AMOUNT --role R
// [--authorizers 1|2]": the ledger's four-eyes rule, which the executor
// enforces whatever a form says. A change is audited with --as.
func (c *cmd) policy(args []string) int {
	if len(args) == 0 || (args[0] != "list" && args[0] != "set") || (args[0] == "list" && len(args) != 1) ||
		(args[0] == "set" && len(args) != 2) {
		fmt.Fprintln(c.err, usage)
		return ExitUsage
	}
	var p ledger.Policy
	if args[0] == "set" {
		p.Txn = args[1]
		th, ok := c.flags["threshold"]
		if !ok || c.flags["role"] == "" {
			fmt.Fprintln(c.err, "tellerctl: policy set needs --threshold AMOUNT and --role supervisor|admin")
			return ExitUsage
		}
		f, err := money.Parse(th)
		if err != nil || f < 0 {
			fmt.Fprintf(c.err, "tellerctl: --threshold %q is not an amount in yuan (e.g. 50000.00)\n", th)
			return ExitUsage
		}
		p.Threshold, p.Role, p.Authorizers = f, c.flags["role"], 1
		if n, ok := c.flags["authorizers"]; ok {
			if p.Authorizers, err = strconv.Atoi(n); err != nil || (p.Authorizers != 1 && p.Authorizers != 2) {
				fmt.Fprintf(c.err, "tellerctl: --authorizers %q: 1 or 2\n", n)
				return ExitUsage
			}
		}
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	if args[0] == "set" {
		x, err := c.executor(s)
		if err != nil {
			return c.fail(err)
		}
		t, ok := x.Catalog()[p.Txn]
		if !ok || !t.Journal {
			return c.fail(&ledger.Error{Code: "E_UNKNOWN_TXN", Field: "txn", Msg: ledger.Messages["E_UNKNOWN_TXN"],
				Err: fmt.Errorf("%q is not a transaction that posts", p.Txn)})
		}
		if err := s.SetPolicy(c.ctx, p); err != nil {
			return c.fail(err)
		}
	}
	ps, err := s.Policies(c.ctx)
	if err != nil {
		return c.fail(err)
	}
	if args[0] == "set" {
		for _, q := range ps {
			if q.Txn == p.Txn {
				ps = []ledger.Policy{q}
			}
		}
	}
	if c.json {
		c.print(ps)
		return ExitOK
	}
	fmt.Fprintf(c.out, "%-16s %16s %-10s %11s  %s\n", "txn", "over", "role", "authorizers", "updated")
	for _, q := range ps {
		fmt.Fprintf(c.out, "%-16s %16s %-10s %11d  %s by %s\n", q.Txn, q.Threshold.Grouped(), q.Role, q.Authorizers, q.UpdatedAt, q.UpdatedBy)
	}
	return ExitOK
}
