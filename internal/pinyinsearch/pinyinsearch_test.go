package pinyinsearch

import "testing"

func TestKeyMatch(t *testing.T) {
	for _, tc := range []struct {
		plain, zh, q string
		want         bool
		at           int // where Pinyin finds q, when it does
	}{
		{"amount 金额 amount", "金额", "jine", true, 0},
		{"amount 金额 amount", "金额", "je", true, 0},
		{"amount 金额 amount", "金额", "jin", true, 0}, // a syllable cut short
		{"amount 金额 amount", "金额", "jinee", false, 0},
		{"amount 金额 amount", "金额", "e", true, 1},
		{"amount 金额 amount", "金额", "amo", true, -1}, // the plain text, not the pinyin
		{"amount 金额 amount", "金额", "AMO", false, -1},
		{"", "现金存款", "xjck", true, 0},
		{"", "现金存款", "xianjinc", true, 0},
		{"", "现金存款", "ck", true, 2},
		{"", "现金存款", "xjq", false, 0},
		{"", "银行卡", "yhk", true, 0}, // 行 read háng
		{"", "银行卡", "yinhang", true, 0},
		{"", "日期 date", "date", true, 2}, // Latin letters stand for themselves
		{"", "金额", "", true, -1},
	} {
		k := NewKey(tc.plain, tc.zh)
		if got := k.Match(tc.q); got != tc.want {
			t.Errorf("%q/%q: Match(%q) = %v, want %v", tc.plain, tc.zh, tc.q, got, tc.want)
		}
		at, ok := k.Pinyin(tc.q)
		if tc.at >= 0 && tc.want && (!ok || at != tc.at) {
			t.Errorf("%q: Pinyin(%q) = %d, %v; want %d, true", tc.zh, tc.q, at, ok, tc.at)
		}
		if tc.at < 0 && ok {
			t.Errorf("%q: Pinyin(%q) = %d, true; want no pinyin match", tc.zh, tc.q, at)
		}
	}
}

func TestQuery(t *testing.T) {
	for in, want := range map[string]string{"XJ CK": "xjck", "  jine ": "jine", "金 额": "金额", "": ""} {
		if got := Query(in); got != want {
			t.Errorf("Query(%q) = %q, want %q", in, got, want)
		}
	}
}
