package ui

import (
	"testing"

	"guitai/designer"
)

// TestPaletteSearchByPinyin: the search finds a widget by the pinyin of
// its Chinese title, whole syllables or initials, and Enter inserts the
// best match.
func TestPaletteSearchByPinyin(t *testing.T) {
	ed, _ := newEditor(t, designer.New(designer.Blank("x")))
	p := ed.palette
	for _, tc := range []struct {
		q, first string
		hidden   []string // items the search must leave out
	}{
		{"jine", "amount", []string{"group", "date", "check"}}, // 金额
		{"je", "amount", []string{"group", "date"}},            // its initials
		{"JIN E", "amount", []string{"group"}},                 // case and spaces
		{"jin", "amount", []string{"group"}},                   // a syllable cut short
		{"sfz", "idcard", []string{"amount"}},                  // 身份证号
		{"zhanghao", "account", []string{"amount"}},            // 账号
		{"riqi", "date", []string{"amount"}},                   // 日期
		{"xlxz", "select", []string{"radio"}},                  // 下拉选择
		{"xuanze", "select", []string{"amount"}},               // 选择, inside 下拉选择
		{"amount", "amount", nil},                              // the name still works
		{"金额", "amount", []string{"group"}},
	} {
		p.search.SetText(tc.q)
		first := p.first()
		if first == nil || first.Type != tc.first {
			t.Errorf("%q: first match %v, want %s", tc.q, first, tc.first)
			continue
		}
		if !p.Item(tc.first).Visible() {
			t.Errorf("%q: %s is hidden", tc.q, tc.first)
		}
		for _, h := range tc.hidden {
			if p.Item(h).Visible() {
				t.Errorf("%q: %s is shown", tc.q, h)
			}
		}
	}
	p.search.SetText("jine")
	p.search.OnSubmitted(p.search.Text)
	if n := ed.doc.Form().Find("amount"); n == nil {
		t.Fatalf("Enter after jine inserted no amount: %s", ed.doc.Bytes())
	}
}
