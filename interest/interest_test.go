package interest_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"guitai/interest"
	"guitai/money"
)

func date(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Rates are in units of 0.0001%, so an interest is
// principal(fen) × rate(units) × n ÷ (1,000,000 × 12 or 360).

// TestSettle: every case computed by hand, in the comment beside it.
func TestSettle(t *testing.T) {
	tests := []struct {
		name                     string
		principal, rate          string
		term                     int
		opened, closed           string
		demand                   string
		kind                     interest.Kind
		maturity                 string
		days, overdue            int
		termInt, demandInt, want string
	}{
		// 10,000.00 at 1.75% for 12 months, closed on maturity:
		// 1,000,000 fen × 0.0175 × 12/12 = 17,500 fen. Days 2025-01-10 → 2026-01-10 = 365.
		// (A rate change meanwhile would not matter: only the contract rate is used.)
		{"full year", "10000", "1.75", 12, "2025-01-10", "2026-01-10", "0.25", interest.Full, "2026-01-10", 365, 0, "175.00", "0.00", "175.00"},
		// Opened on Jan 31, 1 month, leap year: matures Feb 29 (Feb has no 31st).
		// 5,000,000 × 0.0135 × 1/12 = 67,500/12 = 5,625 fen. Days 31 Jan → 29 Feb = 29.
		{"month end leap", "50000", "1.35", 1, "2024-01-31", "2024-02-29", "0.25", interest.Full, "2024-02-29", 29, 0, "56.25", "0.00", "56.25"},
		// Jan 31, 1 month, common year: matures Feb 28.
		// 2,000,000 × 0.011 / 12 = 22,000/12 = 1,833.33 → 1,833 fen. Days 28.
		{"month end common", "20000", "1.10", 1, "2023-01-31", "2023-02-28", "0.25", interest.Full, "2023-02-28", 28, 0, "18.33", "0.00", "18.33"},
		// Nov 30 + 3 months = Feb 28 2026 (no Feb 30).
		// 1,000,000 × 0.0125 × 3/12 = 12,500/4 = 3,125 fen. Days 30 Nov → 28 Feb = 1+31+31+28 = 90.
		{"nov 30 three months", "10000", "1.25", 3, "2025-11-30", "2026-02-28", "0.25", interest.Full, "2026-02-28", 90, 0, "31.25", "0.00", "31.25"},
		// Opened on Feb 29 2024 for a year: matures Feb 28 2025.
		// 10,000,000 × 0.0155 × 12/12 = 155,000 fen. Days 365 (29 Feb 2024 → 28 Feb 2025).
		{"opened feb 29", "100000", "1.55", 12, "2024-02-29", "2025-02-28", "0.25", interest.Full, "2025-02-28", 365, 0, "1550.00", "0.00", "1550.00"},
		// Feb 29 2024 + 48 months = Feb 29 2028 (a leap year again).
		// 1,000,000 × 0.0275 × 48/12 = 27,500 × 4 = 110,000 fen. Days 366+365+365+365 = 1461.
		{"feb 29 four years", "10000", "2.75", 48, "2024-02-29", "2028-02-29", "0.25", interest.Full, "2028-02-29", 1461, 0, "1100.00", "0.00", "1100.00"},
		// Half-up at exactly half a fen: 150 × 0.01 × 12/12 = 1.5 fen → 2 fen.
		{"half up", "1.50", "1", 12, "2025-01-10", "2026-01-10", "0", interest.Full, "2026-01-10", 365, 0, "0.02", "0.00", "0.02"},
		// Just under half: 149 × 0.01 = 1.49 fen → 1 fen.
		{"below half", "1.49", "1", 12, "2025-01-10", "2026-01-10", "0", interest.Full, "2026-01-10", 365, 0, "0.01", "0.00", "0.01"},
		// Closed early after 181 days (10 Jan → 10 Jul 2025 = 21+28+31+30+31+30+10) at the demand rate:
		// 1,000,000 × 0.0025 × 181/360 = 452,500/360 = 1,256.94 → 1,257 fen.
		{"early", "10000", "1.75", 12, "2025-01-10", "2025-07-10", "0.25", interest.Early, "2026-01-10", 181, 0, "0.00", "12.57", "12.57"},
		// Closed the day it was opened: 0 days, no interest.
		{"early same day", "10000", "1.75", 12, "2025-01-10", "2025-01-10", "0.25", interest.Early, "2026-01-10", 0, 0, "0.00", "0.00", "0.00"},
		// Early across Feb 29: 1 Feb → 1 Mar 2024 = 29 days.
		// 3,600,000 × 0.0035 × 29/360 = 12,600 × 29/360 = 365,400/360 = 1,015 fen.
		{"early leap february", "36000", "1.75", 12, "2024-02-01", "2024-03-01", "0.35", interest.Early, "2025-02-01", 29, 0, "0.00", "10.15", "10.15"},
		// One day before maturity is still early: 364 days.
		// 1,000,000 × 0.0025 × 364/360 = 910,000/360 = 2,527.78 → 2,528 fen.
		{"day before maturity", "10000", "1.75", 12, "2025-01-10", "2026-01-09", "0.25", interest.Early, "2026-01-10", 364, 0, "0.00", "25.28", "25.28"},
		// Overdue: matured 2026-01-10, closed 2026-03-01: 21+28+1 = 50 days past.
		// Term 17,500 fen; demand 1,000,000 × 0.0025 × 50/360 = 125,000/360 = 347.22 → 347 fen.
		// Total 17,847 fen. Days held 365 + 50 = 415.
		{"overdue", "10000", "1.75", 12, "2025-01-10", "2026-03-01", "0.25", interest.Overdue, "2026-01-10", 415, 50, "175.00", "3.47", "178.47"},
		// Overdue after a month-end maturity: 30 Nov 2023 + 3 months = 29 Feb 2024; closed 31 Mar = 31 days past.
		// Term 8,000,000 × 0.0145 × 3/12 = 116,000/4 = 29,000 fen;
		// demand 8,000,000 × 0.002 × 31/360 = 496,000/360 = 1,377.78 → 1,378 fen. Total 30,378 fen.
		// Days held 30 Nov 2023 → 31 Mar 2024 = 31 + 31 + 29 + 31 = 122.
		{"overdue month end", "80000", "1.45", 3, "2023-11-30", "2024-03-31", "0.20", interest.Overdue, "2024-02-29", 122, 31, "290.00", "13.78", "303.78"},
		// Overdue one day: 1,000,000 × 0.0025 × 1/360 = 6.94 → 7 fen, on top of 17,500.
		{"overdue one day", "10000", "1.75", 12, "2025-01-10", "2026-01-11", "0.25", interest.Overdue, "2026-01-10", 366, 1, "175.00", "0.07", "175.07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := interest.Deposit{Principal: money.MustParse(tt.principal), Rate: interest.MustParseRate(tt.rate), Term: tt.term, Opened: date(t, tt.opened)}
			r, err := interest.Settle(d, date(t, tt.closed), interest.MustParseRate(tt.demand))
			if err != nil {
				t.Fatal(err)
			}
			got := []any{r.Kind, r.Maturity.Format(time.DateOnly), r.Days, r.OverdueDays, r.TermInterest.String(), r.DemandInterest.String(), r.Interest.String()}
			want := []any{tt.kind, tt.maturity, tt.days, tt.overdue, tt.termInt, tt.demandInt, tt.want}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("got kind, maturity, days, overdue, term, demand, interest = %v\nwant %v", got, want)
					break
				}
			}
		})
	}
}

// TestPartialEarly: one partial early withdrawal, the remainder keeping
// its term; a second one, everything, nothing, or one after maturity is
// refused.
func TestPartialEarly(t *testing.T) {
	d := interest.Deposit{Principal: money.MustParse("10000"), Rate: interest.MustParseRate("1.75"), Term: 12, Opened: date(t, "2025-01-10")}
	demand := interest.MustParseRate("0.25")
	// 4,000.00 withdrawn on 2025-07-10, 181 days held:
	// 400,000 × 0.0025 × 181/360 = 181,000/360 = 502.78 → 503 fen.
	r, rest, err := interest.PartialEarly(d, money.MustParse("4000"), date(t, "2025-07-10"), demand)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != interest.Partial || r.Days != 181 || r.Principal != 400_000 || r.Interest != 503 || r.DemandInterest != 503 {
		t.Errorf("withdrawn part: %+v, want 181 days, 4000.00, 5.03", r)
	}
	if rest.Principal != 600_000 || rest.Rate != d.Rate || rest.Term != 12 || !rest.Opened.Equal(d.Opened) || !rest.PartlyWithdrawn {
		t.Errorf("remainder %+v, want 6000.00 at 1.75%% for 12 months from 2025-01-10, partly withdrawn", rest)
	}
	// The remainder at maturity: 600,000 × 0.0175 × 12/12 = 10,500 fen.
	full, err := interest.Settle(rest, date(t, "2026-01-10"), demand)
	if err != nil || full.Kind != interest.Full || full.Interest != 10_500 {
		t.Errorf("remainder at maturity: %+v, %v; want 105.00", full, err)
	}
	// The remainder closed early too, on 2025-10-10 (273 days):
	// 600,000 × 0.0025 × 273/360 = 409,500/360 = 1,137.5 → 1,138 fen (half up).
	early, err := interest.Settle(rest, date(t, "2025-10-10"), demand)
	if err != nil || early.Kind != interest.Early || early.Days != 273 || early.Interest != 1_138 {
		t.Errorf("remainder closed early: %+v, %v; want 273 days, 11.38", early, err)
	}

	refused := []struct {
		name      string
		d         interest.Deposit
		withdrawn string
		on        string
		want      error
	}{
		{"twice", rest, "1000", "2025-08-10", interest.ErrTwice},
		{"everything", d, "10000", "2025-07-10", interest.ErrWithdraw},
		{"more than everything", d, "10000.01", "2025-07-10", interest.ErrWithdraw},
		{"nothing", d, "0", "2025-07-10", interest.ErrWithdraw},
		{"on maturity", d, "1000", "2026-01-10", interest.ErrNotEarly},
		{"after maturity", d, "1000", "2026-02-10", interest.ErrNotEarly},
		{"before opening", d, "1000", "2025-01-09", interest.ErrDates},
	}
	for _, tt := range refused {
		_, _, err := interest.PartialEarly(tt.d, money.MustParse(tt.withdrawn), date(t, tt.on), demand)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestSettleRefuses: what Settle cannot compute is an error, never a
// figure.
func TestSettleRefuses(t *testing.T) {
	ok := interest.Deposit{Principal: 100, Rate: 17500, Term: 12, Opened: date(t, "2025-01-10")}
	with := func(f func(*interest.Deposit)) interest.Deposit { d := ok; f(&d); return d }
	tests := []struct {
		name   string
		d      interest.Deposit
		closed string
		demand interest.Rate
		want   error
	}{
		{"closed before opened", ok, "2025-01-09", 2500, interest.ErrDates},
		{"zero principal", with(func(d *interest.Deposit) { d.Principal = 0 }), "2026-01-10", 2500, interest.ErrPrincipal},
		{"negative principal", with(func(d *interest.Deposit) { d.Principal = -1 }), "2026-01-10", 2500, interest.ErrPrincipal},
		{"zero term", with(func(d *interest.Deposit) { d.Term = 0 }), "2026-01-10", 2500, interest.ErrTerm},
		{"term too long", with(func(d *interest.Deposit) { d.Term = 601 }), "2026-01-10", 2500, interest.ErrTerm},
		{"negative rate", with(func(d *interest.Deposit) { d.Rate = -1 }), "2026-01-10", 2500, interest.ErrRange},
		{"demand over 100%", ok, "2026-01-10", interest.MaxRate + 1, interest.ErrRange},
	}
	for _, tt := range tests {
		if _, err := interest.Settle(tt.d, date(t, tt.closed), tt.demand); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// The largest principal at 100% for 50 years, overdue for a century,
	// does not fit a Fen: refused, not wrapped around.
	big := interest.Deposit{Principal: money.MaxFen, Rate: interest.MaxRate, Term: 600, Opened: date(t, "2000-01-01")}
	if _, err := interest.Settle(big, date(t, "2150-01-01"), interest.MaxRate); !errors.Is(err, interest.ErrOverflow) {
		t.Errorf("overflow: %v", err)
	}
}

// TestMaturity: the same day term months later, or the month's last day.
func TestMaturity(t *testing.T) {
	tests := []struct {
		opened string
		term   int
		want   string
	}{
		{"2024-01-31", 1, "2024-02-29"}, // leap February
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-03-31", 1, "2024-04-30"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2025-01-10", 12, "2026-01-10"},
		{"2024-10-31", 4, "2025-02-28"},
		{"2023-12-31", 2, "2024-02-29"},
		{"2024-08-30", 6, "2025-02-28"},
		{"2025-12-15", 1, "2026-01-15"}, // across the year
		{"2025-01-10", 60, "2030-01-10"},
	}
	for _, tt := range tests {
		if got := interest.Maturity(date(t, tt.opened), tt.term).Format(time.DateOnly); got != tt.want {
			t.Errorf("Maturity(%s, %d) = %s, want %s", tt.opened, tt.term, got, tt.want)
		}
	}
	// Only the calendar date counts, whatever the time of day or zone.
	cst := time.FixedZone("CST", 8*3600)
	if got := interest.Maturity(time.Date(2024, 1, 31, 23, 59, 0, 0, cst), 1).Format(time.DateOnly); got != "2024-02-29" {
		t.Errorf("Maturity at 23:59 CST = %s", got)
	}
}

// TestDays: actual calendar days.
func TestDays(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-01-10", "2025-07-10", 181},
		{"2024-02-28", "2024-03-01", 2}, // Feb 29
		{"2023-02-28", "2023-03-01", 1},
		{"2024-01-01", "2025-01-01", 366},
		{"2025-01-10", "2025-01-10", 0},
		{"2025-01-10", "2025-01-09", -1},
	}
	for _, tt := range tests {
		if got := interest.Days(date(t, tt.from), date(t, tt.to)); got != tt.want {
			t.Errorf("Days(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

// TestParseRate: exact percent strings, and refusals that say why.
func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want interest.Rate
		err  error
		why  string // substring of the error
	}{
		{in: "1.75", want: 17500},
		{in: "0.25", want: 2500},
		{in: "3", want: 30000},
		{in: "0", want: 0},
		{in: "2.1000", want: 21000},
		{in: "0.0001", want: 1},
		{in: "007.5", want: 75000},
		{in: "100", want: 1_000_000},
		{in: "100.0000", want: 1_000_000},
		{in: "", err: interest.ErrSyntax, why: "empty"},
		{in: "1.23456", err: interest.ErrPrecision, why: "more than four decimal places (5)"},
		{in: "0.00001", err: interest.ErrPrecision, why: "four decimal"},
		{in: "100.0001", err: interest.ErrRange, why: "above 100 percent"},
		{in: "1000", err: interest.ErrRange, why: "above 100 percent"},
		{in: "99999999999999999999999", err: interest.ErrRange, why: "above 100 percent"},
		{in: "-1", err: interest.ErrRange, why: "negative"},
		{in: "+1", err: interest.ErrSyntax, why: "no sign"},
		{in: "1.75%", err: interest.ErrSyntax, why: "without '%'"},
		{in: "1,75", err: interest.ErrSyntax, why: "decimal point is '.'"},
		{in: " 1.75", err: interest.ErrSyntax, why: "white space"},
		{in: "1.75\n", err: interest.ErrSyntax, why: "white space"},
		{in: "1.", err: interest.ErrSyntax, why: "no digit after '.'"},
		{in: ".5", err: interest.ErrSyntax, why: "no digit before '.'"},
		{in: "1.2.3", err: interest.ErrSyntax, why: "more than one '.'"},
		{in: "1e3", err: interest.ErrSyntax, why: `'e' at byte 1`},
		{in: "1-2", err: interest.ErrSyntax, why: `'-' at byte 1`},
		{in: "NaN", err: interest.ErrSyntax, why: "not a digit"},
		{in: "１.７５", err: interest.ErrSyntax, why: `'１' at byte 0`},
		{in: "0x10", err: interest.ErrSyntax, why: "not a digit"},
	}
	for _, tt := range tests {
		got, err := interest.ParseRate(tt.in)
		if tt.err == nil {
			if err != nil || got != tt.want {
				t.Errorf("ParseRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
			continue
		}
		var re *interest.RateError
		if !errors.Is(err, tt.err) || !errors.As(err, &re) || re.Input != tt.in || !strings.Contains(err.Error(), tt.why) {
			t.Errorf("ParseRate(%q) = %d, %v; want %v saying %q", tt.in, got, err, tt.err, tt.why)
		}
	}
}

// TestRateString: the shortest form with two to four places, which
// ParseRate reads back.
func TestRateString(t *testing.T) {
	tests := []struct {
		r    interest.Rate
		want string
	}{
		{17500, "1.75"}, {2500, "0.25"}, {30000, "3.00"}, {0, "0.00"}, {12345, "1.2345"},
		{21000, "2.10"}, {1, "0.0001"}, {1_000_000, "100.00"}, {-2500, "-0.25"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("Rate(%d).String() = %q, want %q", int64(tt.r), got, tt.want)
		}
	}
}

// FuzzParseRate: whatever the input, ParseRate either returns the exact
// decimal value the input spells (checked with math/big), in range and
// read back from its String, or a *RateError wrapping one of its three
// errors with a reason — never another value.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"1.75", "0.25", "0", "100", "100.0001", "1.23456", "-1", "+1", "1.", ".5", "1e3", "1,75", " 1", "１", "0.0001", "007.5000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := interest.ParseRate(s)
		if err != nil {
			var re *interest.RateError
			if !errors.As(err, &re) || re.Input != s || re.Why == "" {
				t.Fatalf("ParseRate(%q): %v is not a *RateError with a reason", s, err)
			}
			if !errors.Is(err, interest.ErrSyntax) && !errors.Is(err, interest.ErrPrecision) && !errors.Is(err, interest.ErrRange) {
				t.Fatalf("ParseRate(%q): %v wraps none of the package's errors", s, err)
			}
			return
		}
		if r < 0 || r > interest.MaxRate {
			t.Fatalf("ParseRate(%q) = %d, out of range", s, r)
		}
		exact, ok := new(big.Rat).SetString(s)
		if !ok || exact.Cmp(big.NewRat(int64(r), int64(interest.RateUnit))) != 0 {
			t.Fatalf("ParseRate(%q) = %d, not the value %v the input spells", s, r, exact)
		}
		if back, err := interest.ParseRate(r.String()); err != nil || back != r {
			t.Fatalf("ParseRate(%q).String() = %q reads back as %d, %v", s, r.String(), back, err)
		}
	})
}
