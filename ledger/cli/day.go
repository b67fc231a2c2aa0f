package cli

import (
	"fmt"
)

// day shows the branch's business date (day show) or closes it (day
// close, 日切): refused while a cash box of the day is open with cash in it.
func (c *cmd) day(args []string) int {
	if len(args) != 1 || (args[0] != "show" && args[0] != "close") {
		fmt.Fprintln(c.err, usage)
		return ExitUsage
	}
	branch := c.flags["branch"]
	if branch == "" {
		branch = "0101"
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	date, err := s.BusinessDate(c.ctx, branch)
	if err != nil {
		return c.fail(err)
	}
	out := map[string]any{"branch": branch, "business_date": date}
	if args[0] == "close" {
		next, err := s.CloseDay(c.ctx, branch, c.actor())
		if err != nil {
			return c.fail(err)
		}
		out = map[string]any{"branch": branch, "closed": date, "business_date": next}
	}
	if c.json {
		c.print(out)
		return ExitOK
	}
	if closed, ok := out["closed"]; ok {
		fmt.Fprintf(c.out, "branch %s: %s closed, business date %s\n", branch, closed, out["business_date"])
	} else {
		fmt.Fprintf(c.out, "branch %s: business date %s\n", branch, date)
	}
	return ExitOK
}
