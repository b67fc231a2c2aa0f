// Package pinyinsearch finds Chinese names by what a teller or an analyst
// types on a Latin keyboard: the pinyin of the characters, whole syllables
// run together or their initials, besides the text itself.
package pinyinsearch

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Key is what one item is found by: a plain text matched as a substring,
// and the pinyin of its Chinese name, every reading of a character with
// several (行 is háng in 银行).
type Key struct {
	plain    string     // lower case
	syllable [][]string // per character of the Chinese name, its readings
}

var args = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	a.Heteronym = true
	a.Fallback = func(r rune, _ pinyin.Args) []string { return []string{strings.ToLower(string(r))} }
	return a
}()

// NewKey returns the key of an item found by plain as a substring (case
// does not matter) and by the pinyin of zh, its Chinese name. Spaces in zh
// are skipped; a character without a reading (a Latin letter, a digit)
// stands for itself.
func NewKey(plain, zh string) Key {
	k := Key{plain: strings.ToLower(plain)}
	for _, r := range zh {
		if unicode.IsSpace(r) {
			continue
		}
		readings := pinyin.SinglePinyin(r, args)
		if len(readings) == 0 {
			readings = []string{strings.ToLower(string(r))}
		}
		k.syllable = append(k.syllable, readings)
	}
	return k
}

// Query turns what was typed into what Match takes: lower case, without
// spaces ("XJ CK" is "xjck").
func Query(q string) string { return strings.ToLower(strings.Join(strings.Fields(q), "")) }

// Match reports whether q (a Query) finds the item: as a substring of its
// plain text, or by Pinyin. The empty query finds everything.
func (k Key) Match(q string) bool {
	if q == "" || strings.Contains(k.plain, q) {
		return true
	}
	_, ok := k.Pinyin(q)
	return ok
}

// Pinyin reports whether q (a Query) spells consecutive characters of the
// Chinese name, and from which one (0 is the first): as their initials
// (xjck for 现金存款), as whole syllables run together, the last one
// possibly cut short (xianjinc), or a mix of the two (jine and je both
// spell 金额). The empty query spells nothing.
func (k Key) Pinyin(q string) (at int, ok bool) {
	if q == "" {
		return 0, false
	}
	for start := range k.syllable {
		if k.spell(start, q) {
			return start, true
		}
	}
	return 0, false
}

// spell reports whether q spells the characters from start on, each
// character given by its initial or by its whole syllable.
func (k Key) spell(start int, q string) bool {
	if q == "" {
		return true
	}
	if start >= len(k.syllable) {
		return false
	}
	for _, s := range k.syllable[start] {
		if s == "" {
			continue
		}
		if strings.HasPrefix(q, s) && k.spell(start+1, q[len(s):]) {
			return true
		}
		if len(q) < len(s) && strings.HasPrefix(s, q) {
			return true // the last syllable typed in part
		}
		if q[0] == s[0] && k.spell(start+1, q[1:]) {
			return true
		}
	}
	return false
}
