package cli

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"guitai/interest"
	"guitai/ledger"
	"guitai/money"
)

// interestRequired are the flags the interest command cannot do without.
var interestRequired = []string{"principal", "rate", "term", "opened", "closed"}

// interestOut is the --json output of the interest command: amounts as
// yuan strings with two decimals, dates as YYYY-MM-DD.
type interestOut struct {
	Interest       string `json:"interest"`
	Kind           string `json:"kind"`
	Principal      string `json:"principal"`
	Rate           string `json:"rate"`
	DemandRate     string `json:"demand_rate"`
	Term           int    `json:"term"`
	Opened         string `json:"opened"`
	Closed         string `json:"closed"`
	Maturity       string `json:"maturity"`
	Days           int    `json:"days"`
	OverdueDays    int    `json:"overdue_days"`
	TermInterest   string `json:"term_interest"`
	DemandInterest string `json:"demand_interest"`
	Tax            string `json:"tax"`
	// Withdrawn and Remainder are set for a partial early withdrawal
	// (--withdraw): the interest is on the part withdrawn, the remainder
	// keeps its term.
	Withdrawn string `json:"withdrawn,omitempty"`
	Remainder string `json:"remainder,omitempty"`
}

// interest runs "interest --principal AMOUNT --rate PCT --term MONTHS
// --opened D --closed D --demand-rate PCT [--withdraw AMOUNT]": the
// interest of closing a fixed-term deposit (package interest), or with
// --withdraw of a partial early withdrawal. It prints the interest in yuan
// ("175.00"); --json adds how it was computed. It needs no ledger. A
// value the rules refuse is a coded error (exit 1).
func (c *cmd) interest(args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(c.err, usage)
		return ExitUsage
	}
	for _, f := range interestRequired {
		if c.flags[f] == "" {
			fmt.Fprintln(c.err, "tellerctl: interest needs --principal AMOUNT --rate PCT --term MONTHS --opened YYYY-MM-DD --closed YYYY-MM-DD [--demand-rate PCT]; missing --"+f)
			return ExitUsage
		}
	}
	var d interest.Deposit
	var err error
	if d.Principal, err = c.amountFlag("principal"); err != nil {
		return c.fail(err)
	}
	if d.Rate, err = c.rateFlag("rate"); err != nil {
		return c.fail(err)
	}
	if d.Term, err = strconv.Atoi(c.flags["term"]); err != nil {
		return c.fail(&ledger.Error{Code: "E_INT_SYNTAX", Field: "term", Msg: ledger.Messages["E_INT_SYNTAX"], Err: fmt.Errorf("--term %q: months, a whole number", c.flags["term"])})
	}
	if d.Term < 1 || d.Term > interest.MaxTerm {
		return c.fail(&ledger.Error{Code: "E_INT_RANGE", Field: "term", Msg: ledger.Messages["E_INT_RANGE"], Err: fmt.Errorf("--term %d: 1 to %d months", d.Term, interest.MaxTerm)})
	}
	if d.Opened, err = c.dateFlag("opened"); err != nil {
		return c.fail(err)
	}
	closed, err := c.dateFlag("closed")
	if err != nil {
		return c.fail(err)
	}
	if interest.Days(d.Opened, closed) < 0 {
		return c.fail(codedError("E_DATE_ORDER", "closed", fmt.Errorf("opened %s, closed %s", c.flags["opened"], c.flags["closed"])))
	}
	// The demand rate is needed unless the deposit is closed exactly on
	// its maturity date (and nothing is withdrawn early).
	var demand interest.Rate
	_, withdraw := c.flags["withdraw"]
	if _, ok := c.flags["demand-rate"]; ok {
		if demand, err = c.rateFlag("demand-rate"); err != nil {
			return c.fail(err)
		}
	} else if withdraw || !interest.Maturity(d.Opened, d.Term).Equal(closed) {
		return c.fail(&ledger.Error{Code: "E_REQUIRED", Field: "demand-rate", Msg: ledger.Messages["E_REQUIRED"],
			Err: fmt.Errorf("--demand-rate PCT: the deposit matures on %s, not on the closing date", interest.Maturity(d.Opened, d.Term).Format(time.DateOnly))})
	}
	var r interest.Result
	var rest interest.Deposit
	if withdraw {
		w, err := c.amountFlag("withdraw")
		if err != nil {
			return c.fail(err)
		}
		if r, rest, err = interest.PartialEarly(d, w, closed, demand); err != nil {
			return c.fail(interestErr(err))
		}
	} else if r, err = interest.Settle(d, closed, demand); err != nil {
		return c.fail(interestErr(err))
	}
	if !c.json {
		fmt.Fprintln(c.out, r.Interest)
		return ExitOK
	}
	out := interestOut{Interest: r.Interest.String(), Kind: string(r.Kind), Principal: d.Principal.String(), Rate: d.Rate.String(),
		DemandRate: demand.String(), Term: d.Term, Opened: d.Opened.Format(time.DateOnly), Closed: closed.Format(time.DateOnly),
		Maturity: r.Maturity.Format(time.DateOnly), Days: r.Days, OverdueDays: r.OverdueDays,
		TermInterest: r.TermInterest.String(), DemandInterest: r.DemandInterest.String(), Tax: money.Fen(0).String()}
	if withdraw {
		out.Withdrawn, out.Remainder = r.Principal.String(), rest.Principal.String()
	}
	c.print(out)
	return ExitOK
}

// codedError is the *ledger.Error of code, with its message from
// ledger.Messages.
func codedError(code ledger.Code, field string, cause error) *ledger.Error {
	return &ledger.Error{Code: code, Field: field, Msg: ledger.Messages[code], Err: cause}
}

// amountFlag reads the yuan amount of flag (money.Parse: at most two
// decimals, never rounded); it must be positive.
func (c *cmd) amountFlag(flag string) (money.Fen, error) {
	v := c.flags[flag]
	f, err := money.Parse(v)
	var code ledger.Code
	switch {
	case errors.Is(err, money.ErrPrecision):
		code = "E_AMOUNT_PRECISION"
	case errors.Is(err, money.ErrRange):
		code = "E_AMOUNT_RANGE"
	case err != nil:
		code = "E_AMOUNT_SYNTAX"
	case f <= 0:
		code, err = "E_AMOUNT_MIN", errors.New("must be more than 0.00")
	}
	if code != "" {
		return 0, codedError(code, flag, fmt.Errorf("--%s %q: %w", flag, v, err))
	}
	return f, nil
}

// rateFlag reads the percent rate of flag (interest.ParseRate).
func (c *cmd) rateFlag(flag string) (interest.Rate, error) {
	r, err := interest.ParseRate(c.flags[flag])
	if err != nil {
		return 0, codedError(rateCode(err), flag, err)
	}
	return r, nil
}

// rateCode is the code of a refused rate.
func rateCode(err error) ledger.Code {
	switch {
	case errors.Is(err, interest.ErrPrecision):
		return "E_RATE_PRECISION"
	case errors.Is(err, interest.ErrRange):
		return "E_RATE_RANGE"
	}
	return "E_RATE_SYNTAX"
}

// dateFlag reads the YYYY-MM-DD date of flag.
func (c *cmd) dateFlag(flag string) (time.Time, error) {
	v := c.flags[flag]
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return d, codedError("E_DATE_SYNTAX", flag, fmt.Errorf("--%s %q: a date YYYY-MM-DD", flag, v))
	}
	return d, nil
}

// interestErr codes an error of package interest.
func interestErr(err error) error {
	code, field := ledger.Code("E_AMOUNT_RANGE"), "principal"
	switch {
	case errors.Is(err, interest.ErrDates):
		code, field = "E_DATE_ORDER", "closed"
	case errors.Is(err, interest.ErrTerm):
		code, field = "E_INT_RANGE", "term"
	case errors.Is(err, interest.ErrWithdraw), errors.Is(err, interest.ErrNotEarly), errors.Is(err, interest.ErrTwice):
		code, field = "E_PARTIAL", "withdraw"
	case errors.Is(err, interest.ErrSyntax), errors.Is(err, interest.ErrPrecision), errors.Is(err, interest.ErrRange):
		code, field = rateCode(err), "rate"
	}
	return codedError(code, field, err)
}
