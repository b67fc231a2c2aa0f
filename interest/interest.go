package interest

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"guitai/money"
)

// Rate is an annual interest rate in units of a ten-thousandth of a
// percent (0.0001%): "1.75" (1.75% a year) is Rate(17500).
type Rate int64

// RateUnit is one percent as a Rate.
const RateUnit Rate = 10_000

// MaxRate is the largest rate ParseRate accepts: 100%.
const MaxRate = 100 * RateUnit

// MaxTerm is the longest term, in months, that Settle and Maturity accept
// (50 years).
const MaxTerm = 600

// Errors of this package. A *RateError wraps one of the first three; the
// others are returned as they are, or wrapped with the values at fault.
var (
	ErrSyntax    = errors.New("interest: not a percent rate")
	ErrPrecision = errors.New("interest: more than four decimal places")
	ErrRange     = errors.New("interest: rate out of range")

	ErrPrincipal = errors.New("interest: the principal must be positive")
	ErrTerm      = errors.New("interest: the term must be 1 to 600 months")
	ErrDates     = errors.New("interest: closed before it was opened")
	ErrWithdraw  = errors.New("interest: a partial withdrawal must be more than zero and less than the principal")
	ErrNotEarly  = errors.New("interest: a partial withdrawal must be made before maturity")
	ErrTwice     = errors.New("interest: a deposit may be partly withdrawn only once")
	ErrOverflow  = errors.New("interest: interest out of range")
)

// RateError is a refused rate: the input, the reason in words, and the
// error it is (ErrSyntax, ErrPrecision or ErrRange), like strconv.NumError.
type RateError struct {
	Input string
	Why   string
	Err   error
}

// Error returns `interest: rate "1.23456": more than four decimal places (5)`.
func (e *RateError) Error() string {
	return fmt.Sprintf("interest: rate %q: %s", e.Input, e.Why)
}

// Unwrap returns ErrSyntax, ErrPrecision or ErrRange.
func (e *RateError) Unwrap() error { return e.Err }

// ParseRate reads an annual rate in percent: digits, optionally a '.' and
// one to four more digits ("1.75", "0.25", "3", "2.1000"), from 0 to 100.
// Nothing else is accepted — no sign, space, '%', ',' or exponent — and
// nothing is rounded: "1.23456" is refused, not read as 1.2346.
func ParseRate(s string) (Rate, error) {
	bad := func(err error, format string, a ...any) (Rate, error) {
		return 0, &RateError{Input: s, Why: fmt.Sprintf(format, a...), Err: err}
	}
	if s == "" {
		return bad(ErrSyntax, "empty: give a percent such as 1.75")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9' || c == '.':
		case c == '%':
			return bad(ErrSyntax, "give the number of percent without '%%' (1.75 for 1.75%%)")
		case c == '-' && i == 0:
			return bad(ErrRange, "a rate cannot be negative")
		case c == '+' && i == 0:
			return bad(ErrSyntax, "no sign: give the number alone")
		case c == ',':
			return bad(ErrSyntax, "',' at byte %d: the decimal point is '.' and there are no group separators", i)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return bad(ErrSyntax, "white space at byte %d", i)
		default:
			r := []rune(s[i:])[0]
			return bad(ErrSyntax, "%q at byte %d is not a digit or '.'", r, i)
		}
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	switch {
	case strings.Contains(frac, "."):
		return bad(ErrSyntax, "more than one '.'")
	case intPart == "":
		return bad(ErrSyntax, "no digit before '.' (write 0.5, not .5)")
	case hasDot && frac == "":
		return bad(ErrSyntax, "no digit after '.' (write 1 or 1.0, not 1.)")
	case len(frac) > 4:
		return bad(ErrPrecision, "more than four decimal places (%d)", len(frac))
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 3 {
		return bad(ErrRange, "above 100 percent")
	}
	var whole int64
	if intPart != "" {
		whole, _ = strconv.ParseInt(intPart, 10, 64) // at most 3 digits
	}
	var part int64
	if frac != "" {
		part, _ = strconv.ParseInt((frac + "000")[:4], 10, 64) // 4 digits
	}
	r := Rate(whole)*RateUnit + Rate(part)
	if r > MaxRate {
		return bad(ErrRange, "above 100 percent")
	}
	return r, nil
}

// MustParseRate is ParseRate for constants in code and tests; it panics
// on error.
func MustParseRate(s string) Rate {
	r, err := ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

// String returns the rate in percent with two to four decimal places, the
// form ParseRate reads back: "1.75", "2.00", "1.2345".
func (r Rate) String() string {
	neg := r < 0
	if neg {
		r = -r
	}
	s := strconv.FormatInt(int64(r/RateUnit), 10) + "." + fmt.Sprintf("%04d", int64(r%RateUnit))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0")
	if neg {
		s = "-" + s
	}
	return s
}

// Kind says how a deposit was closed relative to its maturity.
type Kind string

// The kinds of closing.
const (
	Full    Kind = "full"    // on the maturity date
	Early   Kind = "early"   // before maturity: the demand rate for the days held
	Overdue Kind = "overdue" // after maturity: the term, then the demand rate
	Partial Kind = "partial" // a part withdrawn before maturity (PartialEarly)
)

// Deposit is a fixed-term deposit: what the certificate (存单) says.
type Deposit struct {
	Principal money.Fen // the amount deposited (or left after a partial withdrawal)
	Rate      Rate      // the contract rate, posted on the opening day
	Term      int       // months
	// Opened is the opening date; only its calendar date (year, month,
	// day in its location) counts, as for every date of this package.
	Opened time.Time
	// PartlyWithdrawn is set on the remainder PartialEarly returns: a
	// deposit may be partly withdrawn once.
	PartlyWithdrawn bool
}

// Result is the interest of closing a deposit (or of withdrawing part of
// it): the parts, each rounded half-up to the fen, and their sum.
type Result struct {
	Kind     Kind
	Maturity time.Time // the deposit's maturity date (UTC midnight)
	// Days is the days held, opening date to closing date.
	Days int
	// OverdueDays is the days from maturity to the closing date when
	// Overdue, else 0.
	OverdueDays int
	// Principal is the amount the interest is on: the deposit's
	// principal, or the part withdrawn (Partial).
	Principal money.Fen
	// TermInterest is the contract interest of the full term (Full and
	// Overdue), else 0.
	TermInterest money.Fen
	// DemandInterest is at the demand rate: the days held (Early,
	// Partial) or the days past maturity (Overdue), else 0.
	DemandInterest money.Fen
	// Interest is TermInterest + DemandInterest: what is paid. The
	// interest tax is zero.
	Interest money.Fen
}

// civil returns t's calendar date as UTC midnight.
func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Maturity is the date a deposit opened on opened for term months
// matures: the same day of the month term months later, or that month's
// last day when it is shorter (2024-01-31 + 1 month = 2024-02-29). The
// result is a UTC midnight.
func Maturity(opened time.Time, term int) time.Time {
	o := civil(opened)
	// Month arithmetic from the first of the month, then the day clamped:
	// time.AddDate would roll 01-31 + 1 month over into March.
	first := time.Date(o.Year(), o.Month()+time.Month(term), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(o.Day(), last)-1)
}

// Days is the number of calendar days from the date of from to the date
// of to (negative when to is earlier): the first day counts, the last
// does not.
func Days(from, to time.Time) int {
	return int((civil(to).Unix() - civil(from).Unix()) / 86400)
}

// Settle is the interest of closing the deposit d on the date closed,
// with demand the demand (活期) rate posted on that day:
//
//   - on the maturity date (Full): Principal × Rate × Term ÷ 12;
//   - before it (Early): Principal × demand × days held ÷ 360;
//   - after it (Overdue): the Full interest plus Principal × demand × days
//     past maturity ÷ 360.
//
// The contract Rate applies to the whole term whatever the rates did
// meanwhile. Each part is rounded half-up to the fen.
func Settle(d Deposit, closed time.Time, demand Rate) (Result, error) {
	if err := d.check(demand); err != nil {
		return Result{}, err
	}
	r := Result{Maturity: Maturity(d.Opened, d.Term), Days: Days(d.Opened, closed), Principal: d.Principal}
	if r.Days < 0 {
		return Result{}, fmt.Errorf("%w: opened %s, closed %s", ErrDates, civil(d.Opened).Format(time.DateOnly), civil(closed).Format(time.DateOnly))
	}
	var err error
	switch past := Days(r.Maturity, closed); {
	case past < 0:
		r.Kind = Early
		r.DemandInterest, err = byDays(d.Principal, demand, r.Days)
	default:
		r.Kind = Full
		if past > 0 {
			r.Kind, r.OverdueDays = Overdue, past
			if r.DemandInterest, err = byDays(d.Principal, demand, past); err != nil {
				break
			}
		}
		r.TermInterest, err = byMonths(d.Principal, d.Rate, d.Term)
	}
	if err != nil {
		return Result{}, err
	}
	r.Interest = r.TermInterest + r.DemandInterest
	if r.Interest > money.MaxFen {
		return Result{}, ErrOverflow
	}
	return r, nil
}

// PartialEarly is a partial early withdrawal (部分提前支取) of withdrawn
// from the deposit d on the date on, before its maturity: the part
// withdrawn earns the demand rate posted that day for the days held
// (withdrawn × demand × days ÷ 360, rounded half-up to the fen; Kind
// Partial), and the remainder is a deposit of d.Principal − withdrawn that
// keeps d's opening date, term and contract rate — its interest is
// Settle's when it is closed. A deposit may be partly withdrawn once: the
// remainder has PartlyWithdrawn set and PartialEarly refuses it
// (ErrTwice). Withdrawing everything is closing early: use Settle.
func PartialEarly(d Deposit, withdrawn money.Fen, on time.Time, demand Rate) (Result, Deposit, error) {
	if err := d.check(demand); err != nil {
		return Result{}, Deposit{}, err
	}
	if d.PartlyWithdrawn {
		return Result{}, Deposit{}, ErrTwice
	}
	if withdrawn <= 0 || withdrawn >= d.Principal {
		return Result{}, Deposit{}, fmt.Errorf("%w: %s of %s", ErrWithdraw, withdrawn, d.Principal)
	}
	r := Result{Kind: Partial, Maturity: Maturity(d.Opened, d.Term), Days: Days(d.Opened, on), Principal: withdrawn}
	if r.Days < 0 {
		return Result{}, Deposit{}, fmt.Errorf("%w: opened %s, withdrawn %s", ErrDates, civil(d.Opened).Format(time.DateOnly), civil(on).Format(time.DateOnly))
	}
	if Days(r.Maturity, on) >= 0 {
		return Result{}, Deposit{}, fmt.Errorf("%w: matured %s", ErrNotEarly, r.Maturity.Format(time.DateOnly))
	}
	var err error
	if r.DemandInterest, err = byDays(withdrawn, demand, r.Days); err != nil {
		return Result{}, Deposit{}, err
	}
	r.Interest = r.DemandInterest
	rest := d
	rest.Principal -= withdrawn
	rest.PartlyWithdrawn = true
	return r, rest, nil
}

// check refuses a deposit (or demand rate) Settle cannot work with.
func (d Deposit) check(demand Rate) error {
	switch {
	case d.Principal <= 0 || d.Principal > money.MaxFen:
		return fmt.Errorf("%w: %s", ErrPrincipal, d.Principal)
	case d.Term < 1 || d.Term > MaxTerm:
		return fmt.Errorf("%w: %d", ErrTerm, d.Term)
	case d.Rate < 0 || d.Rate > MaxRate:
		return &RateError{Input: d.Rate.String(), Why: "the contract rate is not 0 to 100 percent", Err: ErrRange}
	case demand < 0 || demand > MaxRate:
		return &RateError{Input: demand.String(), Why: "the demand rate is not 0 to 100 percent", Err: ErrRange}
	}
	return nil
}

// byMonths is p × r × months ÷ 12, rounded half-up to the fen.
func byMonths(p money.Fen, r Rate, months int) (money.Fen, error) {
	return roundHalfUp(p, r, int64(months), 12)
}

// byDays is p × r × days ÷ 360, rounded half-up to the fen.
func byDays(p money.Fen, r Rate, days int) (money.Fen, error) {
	return roundHalfUp(p, r, int64(days), 360)
}

// roundHalfUp is p × (r ÷ 100 ÷ RateUnit) × n ÷ per, every factor a
// non-negative integer, rounded half-up: ⌊(2·num + den) ÷ (2·den)⌋.
func roundHalfUp(p money.Fen, r Rate, n, per int64) (money.Fen, error) {
	num := new(big.Int).Mul(big.NewInt(int64(p)), big.NewInt(int64(r)))
	num.Mul(num, big.NewInt(n))
	den := big.NewInt(100 * int64(RateUnit) * per)
	num.Lsh(num, 1).Add(num, den)
	num.Quo(num, den.Lsh(den, 1))
	if !num.IsInt64() || num.Int64() > int64(money.MaxFen) {
		return 0, ErrOverflow
	}
	return money.Fen(num.Int64()), nil
}
