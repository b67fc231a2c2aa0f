package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Fen
		err  error
	}{
		{"0", 0, nil},
		{"1", 100, nil},
		{"1.5", 150, nil},
		{"1.05", 105, nil},
		{".5", 50, nil},
		{"1.", 100, nil},
		{"-3.01", -301, nil},
		{"+7", 700, nil},
		{"1,234,567.89", 123456789, nil},
		{" 12 ", 1200, nil},
		{"0012.30", 1230, nil},
		{"9999999999999.99", MaxFen, nil},
		{"", 0, ErrEmpty},
		{"1.234", 0, ErrPrecision},
		{"12,34", 0, ErrSyntax},
		{"1,2345", 0, ErrSyntax},
		{",123", 0, ErrSyntax},
		{"1e5", 0, ErrSyntax},
		{"-", 0, ErrSyntax},
		{".", 0, ErrSyntax},
		{"1.2.3", 0, ErrSyntax},
		{"１２", 0, ErrSyntax},
		{"10000000000000", 0, ErrRange},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in             Fen
		plain, grouped string
	}{
		{0, "0.00", "0.00"},
		{5, "0.05", "0.05"},
		{-5, "-0.05", "-0.05"},
		{123456789, "1234567.89", "1,234,567.89"},
		{100000, "1000.00", "1,000.00"},
		{MaxFen, "9999999999999.99", "9,999,999,999,999.99"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.plain {
			t.Errorf("%d.String() = %q, want %q", tt.in, got, tt.plain)
		}
		if got := tt.in.Grouped(); got != tt.grouped {
			t.Errorf("%d.Grouped() = %q, want %q", tt.in, got, tt.grouped)
		}
	}
}

// The cases follow the examples of the PBOC rules for writing amounts on
// vouchers (正确填写票据和结算凭证的基本规定).
func TestUpper(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"0", "零元整"},
		{"0.05", "伍分"},
		{"0.50", "伍角整"},
		{"0.55", "伍角伍分"},
		{"1", "壹元整"},
		{"10", "壹拾元整"},
		{"1000", "壹仟元整"},
		{"1005", "壹仟零伍元整"},
		{"1680.32", "壹仟陆佰捌拾元叁角贰分"},
		{"1409.50", "壹仟肆佰零玖元伍角整"},
		{"6007.14", "陆仟零柒元壹角肆分"},
		{"107000.53", "壹拾万零柒仟元伍角叁分"}, // PBOC allows the 零 or not; we always write it
		{"325.04", "叁佰贰拾伍元零肆分"},
		{"100000", "壹拾万元整"},
		{"100001", "壹拾万零壹元整"},
		{"10010000", "壹仟零壹万元整"},
		{"100000000", "壹亿元整"},
		{"100000001", "壹亿零壹元整"},
		{"120003000.10", "壹亿贰仟万零叁仟元壹角整"},
		{"-12.30", "负壹拾贰元叁角整"},
		{"9999999999999.99", "玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"},
	}
	for _, tt := range tests {
		if got := MustParse(tt.in).Upper(); got != tt.want {
			t.Errorf("Upper(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "1,234.5", "-0.01", "12.345", "9999999999999.99", ",", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if v > MaxFen || v < -MaxFen {
			t.Fatalf("Parse(%q) = %d out of range", s, v)
		}
		// Every accepted amount prints back to itself.
		for _, out := range []string{v.String(), v.Grouped()} {
			back, err := Parse(out)
			if err != nil || back != v {
				t.Fatalf("Parse(%q) = %d, but %q parses to %d, %v", s, v, out, back, err)
			}
		}
		if v.Upper() == "" {
			t.Fatalf("no Upper for %d", v)
		}
	})
}
