package idnum

import (
	"testing"
	"time"
)

func TestLuhn(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"79927398713", true}, // the classic example
		{"79927398710", false},
		{"6222020200112230", true},
		{"6222020200112233", false},
		{"4111111111111111", true},
		{"0", false},
		{"", false},
		{"6222-0202", false},
	}
	for _, tt := range tests {
		if got := Luhn(tt.in); got != tt.want {
			t.Errorf("Luhn(%q) = %v", tt.in, got)
		}
	}
	for _, p := range []string{"622202020011223", "7992739871", "411111111111111"} {
		if !Luhn(p + string(LuhnDigit(p))) {
			t.Errorf("LuhnDigit(%s) does not pass", p)
		}
	}
}

func TestIDCard(t *testing.T) {
	tests := []struct {
		in    string
		ok    bool
		birth string
	}{
		{"11010519491231002X", true, "1949-12-31"}, // the example of GB 11643
		{"11010519491231002x", true, "1949-12-31"},
		{"440524188001010014", false, ""}, // before 1900
		{"110105194912310021", false, ""}, // wrong check character
		{"11010519490231002X", false, ""}, // 31 February... (check char aside)
		{"1101051949123100", false, ""},
		{"11010519491231002Y", false, ""},
	}
	for _, tt := range tests {
		b, ok := IDCardBirth(tt.in)
		if ok != tt.ok || (ok && b.Format("2006-01-02") != tt.birth) {
			t.Errorf("IDCardBirth(%q) = %v %v", tt.in, b, ok)
		}
	}
	// A valid number with a birth date in the future is refused.
	future := time.Now().AddDate(1, 0, 0).Format("20060102")
	id := "110105" + future + "001"
	id += string(IDCheckChar(id))
	if IDCard(id) {
		t.Errorf("accepted a birth date in the future: %s", id)
	}
	// A bad date with a correct check character is refused too.
	bad := "11010519490231001"
	if IDCard(bad + string(IDCheckChar(bad))) {
		t.Error("accepted 1949-02-31")
	}
}

func FuzzIDCard(f *testing.F) {
	f.Add("11010519491231002X")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := IDCardBirth(s)
		if ok && (len(s) != 18 || b.After(time.Now()) || IDCheckChar(s) != upper(s[17])) {
			t.Fatalf("accepted %q", s)
		}
	})
}

func upper(c byte) byte {
	if c == 'x' {
		return 'X'
	}
	return c
}
