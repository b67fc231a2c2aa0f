package idnum

import "time"

// Luhn reports whether s is all digits, at least two of them, and its last
// digit is the Luhn check digit of the rest.
func Luhn(s string) bool {
	if len(s) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// LuhnDigit returns the check digit that makes payload+digit pass Luhn.
// payload must be all digits.
func LuhnDigit(payload string) byte {
	sum := 0
	double := true
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar returns the GB 11643 check character for the first 17 digits
// of an identity number.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// IDCard reports whether s is a valid 18-character resident identity number:
// 17 digits, a correct check character (digit or upper- or lower-case X), and
// a birth date (positions 7-14) that exists and is not after today.
func IDCard(s string) bool {
	_, ok := IDCardBirth(s)
	return ok
}

// IDCardBirth returns the birth date carried by a valid identity number.
func IDCardBirth(s string) (time.Time, bool) {
	if len(s) != 18 {
		return time.Time{}, false
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
	}
	c := s[17]
	if c == 'x' {
		c = 'X'
	}
	if IDCheckChar(s) != c {
		return time.Time{}, false
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(time.Now()) {
		return time.Time{}, false
	}
	return birth, true
}
