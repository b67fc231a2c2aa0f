package cli

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"guitai/ledger"
)

// amlRow is a customer of the large cash report as --json prints it:
// amounts as yuan strings with two decimals.
type amlRow struct {
	CustomerID string   `json:"customer_id"`
	Name       string   `json:"name"`
	IDNumber   string   `json:"id_number"`
	Accounts   []string `json:"accounts"`
	CashIn     string   `json:"cash_in"`
	CashOut    string   `json:"cash_out"`
	Count      int      `json:"count"`
}

// amlReport is the --json output of aml report.
type amlReport struct {
	Date      string   `json:"date"`
	Threshold string   `json:"threshold"`
	Customers []amlRow `json:"customers"`
}

// aml runs "aml report [--date YYYY-MM-DD] [--branch B]": the large cash
// report (大额现金交易报告) of a business date, by default the branch's
// (0101's) current one — every customer whose cash in or cash out that
// day reaches 50,000.00 yuan (ledger.Store.LargeCash). ID numbers are
// masked.
func (c *cmd) aml(args []string) int {
	if len(args) != 1 || args[0] != "report" {
		fmt.Fprintln(c.err, usage)
		return ExitUsage
	}
	date := c.flags["date"]
	if _, set := c.flags["date"]; set {
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			return c.fail(codedError("E_DATE_SYNTAX", "date", fmt.Errorf("--date %q: a business date YYYY-MM-DD", date)))
		}
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	if date == "" {
		branch := c.flags["branch"]
		if branch == "" {
			branch = "0101"
		}
		var err error
		if date, err = s.BusinessDate(c.ctx, branch); errors.Is(err, sql.ErrNoRows) {
			return c.fail(codedError("E_BRANCH_UNKNOWN", "branch", fmt.Errorf("--branch %q", branch)))
		} else if err != nil {
			return c.fail(err)
		}
	}
	rows, err := s.LargeCash(c.ctx, date, ledger.LargeCashThreshold)
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		out := amlReport{Date: date, Threshold: ledger.LargeCashThreshold.String(), Customers: []amlRow{}}
		for _, r := range rows {
			out.Customers = append(out.Customers, amlRow{CustomerID: r.CustomerID, Name: r.Name, IDNumber: r.IDNumber,
				Accounts: r.Accounts, CashIn: r.CashIn.String(), CashOut: r.CashOut.String(), Count: r.Count})
		}
		c.print(out)
		return ExitOK
	}
	fmt.Fprintf(c.out, "large cash report %s: cash in or out of %s yuan or more, %d customers\n", date, ledger.LargeCashThreshold.Grouped(), len(rows))
	if len(rows) == 0 {
		return ExitOK
	}
	fmt.Fprintf(c.out, "%-13s %-8s %-18s %14s %14s %5s  %s\n", "customer", "name", "id number", "cash in", "cash out", "count", "accounts")
	for _, r := range rows {
		fmt.Fprintf(c.out, "%-13s %s %-18s %14s %14s %5d  %s\n", r.CustomerID, padCols(r.Name, 8), r.IDNumber, r.CashIn.Grouped(),
			r.CashOut.Grouped(), r.Count, strings.Join(r.Accounts, ","))
	}
	return ExitOK
}

// padCols pads s with spaces to width columns of a terminal, a Chinese
// character taking two.
func padCols(s string, width int) string {
	w := 0
	for _, r := range s {
		w++
		if r >= 0x1100 {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}
