package money

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Fen is an amount in fen, the hundredth of a yuan. Money is always a Fen in
// Go and an integer column in SQL.
type Fen int64

// MaxFen is the largest amount Parse accepts: 9,999,999,999,999.99 yuan,
// well inside int64 and inside what Upper can spell.
const MaxFen Fen = 999_999_999_999_999

// Errors returned by Parse. They are values so callers can map them to a
// message in the teller's language.
var (
	ErrEmpty     = errors.New("money: empty amount")
	ErrSyntax    = errors.New("money: not a decimal amount")
	ErrPrecision = errors.New("money: more than two decimal places")
	ErrRange     = errors.New("money: amount out of range")
)

// Parse reads a decimal yuan amount such as "1234.5", "1,234.50" or "-3" and
// returns it in fen. Group separators (',') are allowed only between groups
// of three digits; a third decimal place is an error, never rounded.
func Parse(s string) (Fen, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrEmpty
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && (!hasDot || frac == "") {
		return 0, ErrSyntax
	}
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrSyntax
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrSyntax
			}
		}
		intPart = strings.Join(groups, "")
	}
	if !digits(intPart) || !digits(frac) {
		return 0, ErrSyntax
	}
	if len(frac) > 2 {
		return 0, ErrPrecision
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 13 {
		return 0, ErrRange
	}
	var v int64
	if intPart != "" {
		n, err := strconv.ParseInt(intPart, 10, 64)
		if err != nil {
			return 0, ErrRange
		}
		v = n * 100
	}
	switch len(frac) {
	case 1:
		v += int64(frac[0]-'0') * 10
	case 2:
		v += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	if Fen(v) > MaxFen {
		return 0, ErrRange
	}
	if neg {
		v = -v
	}
	return Fen(v), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustParse is Parse for constants in code and tests; it panics on error.
func MustParse(s string) Fen {
	f, err := Parse(s)
	if err != nil {
		panic(fmt.Sprintf("money.MustParse(%q): %v", s, err))
	}
	return f
}

// String returns the plain decimal form with two places: "1234.50", "-0.05".
// It is the form used in JSON and by Parse.
func (f Fen) String() string {
	neg, y, c := f.split()
	s := strconv.FormatUint(y, 10) + "." + twoDigits(c)
	if neg {
		return "-" + s
	}
	return s
}

// Grouped returns the figure a person reads: thousands separated by commas
// and two decimal places, "1,234,567.80".
func (f Fen) Grouped() string {
	neg, y, c := f.split()
	s := Group(strconv.FormatUint(y, 10)) + "." + twoDigits(c)
	if neg {
		return "-" + s
	}
	return s
}

// Group inserts a comma between each group of three digits of an unsigned
// digit string: "1234567" -> "1,234,567".
func Group(d string) string {
	if len(d) <= 3 {
		return d
	}
	var b strings.Builder
	first := len(d) % 3
	if first > 0 {
		b.WriteString(d[:first])
	}
	for i := first; i < len(d); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(d[i : i+3])
	}
	return b.String()
}

func (f Fen) split() (neg bool, yuan uint64, cents uint64) {
	v := int64(f)
	var u uint64
	if v < 0 {
		neg = true
		u = uint64(-v)
	} else {
		u = uint64(v)
	}
	return neg, u / 100, u % 100
}

func twoDigits(c uint64) string {
	return string([]byte{byte('0' + c/10), byte('0' + c%10)})
}

var (
	cnDigits = []string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}
	cnUnits  = []string{"", "拾", "佰", "仟"}
	cnGroups = []string{"", "万", "亿", "万亿"}
)

// Upper spells the amount in uppercase Chinese as written on bank vouchers
// (中文大写金额), following the usual rules of the People's Bank of China
// settlement regulations: "零元整" for zero, "整" after whole yuan or jiao,
// a single 零 for any run of zeros, and "负" before a negative amount.
//
//	100000    -> 壹仟元整
//	100500    -> 壹仟零伍元整
//	1234567   -> 壹万贰仟叁佰肆拾伍元陆角柒分
//	5         -> 伍分
func (f Fen) Upper() string {
	neg, yuan, cents := f.split()
	var b strings.Builder
	if neg {
		b.WriteString("负")
	}
	jiao, fen := cents/10, cents%10
	if yuan == 0 && cents == 0 {
		b.WriteString("零元整")
		return b.String()
	}
	if yuan > 0 {
		b.WriteString(upperInt(yuan))
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && fen == 0:
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteString(cnDigits[fen] + "分")
	default:
		b.WriteString(cnDigits[jiao] + "角")
		if fen == 0 {
			b.WriteString("整")
		} else {
			b.WriteString(cnDigits[fen] + "分")
		}
	}
	return b.String()
}

// upperInt spells n > 0 in groups of four digits (万, 亿, 万亿).
func upperInt(n uint64) string {
	var groups []uint64
	for n > 0 {
		groups = append(groups, n%10000)
		n /= 10000
	}
	var b strings.Builder
	zero := false // a zero is owed before the next digit written
	for gi := len(groups) - 1; gi >= 0; gi-- {
		g := groups[gi]
		if g == 0 {
			zero = b.Len() > 0
			continue
		}
		if b.Len() > 0 && g < 1000 {
			zero = true
		}
		for ui := 3; ui >= 0; ui-- {
			d := (g / pow10[ui]) % 10
			if d == 0 {
				if b.Len() > 0 && g%pow10[ui] != 0 {
					zero = true
				}
				continue
			}
			if zero {
				b.WriteString("零")
				zero = false
			}
			b.WriteString(cnDigits[d] + cnUnits[ui])
		}
		b.WriteString(cnGroups[gi])
		// 贰仟万零叁仟: zeros at the end of a group are read before the
		// next group's first digit.
		zero = g%10 == 0
	}
	return b.String()
}

var pow10 = []uint64{1, 10, 100, 1000}
