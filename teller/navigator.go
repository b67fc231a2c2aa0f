package teller

import (
	"sort"
	"strings"

	"guitai/dsl"
	"guitai/internal/pinyinsearch"
)

// Category is a group of the module navigator.
type Category struct {
	Key    string // stable id, the navigator tree's branch id
	Zh, En string
	order  int
}

// categories group transaction codes by their leading digits, the way a
// branch's code book is laid out: 14xx counter cash and accounts, 15xx
// term and notice deposits, 19xx the journal, 2xxx account services, 32xx
// vouchers (重要空白凭证), the other 3xxx the cash box.
var categories = []struct {
	prefix string
	cat    Category
}{
	{"14", Category{Key: "cat:cash", Zh: "存取款", En: "Deposits and withdrawals", order: 1}},
	{"15", Category{Key: "cat:term", Zh: "定期与通知存款", En: "Term and notice deposits", order: 2}},
	{"2", Category{Key: "cat:accounts", Zh: "账户服务", En: "Accounts", order: 3}},
	{"32", Category{Key: "cat:vouchers", Zh: "重要空白凭证", En: "Vouchers", order: 5}},
	{"3", Category{Key: "cat:box", Zh: "尾箱管理", En: "Cash box", order: 4}},
	{"19", Category{Key: "cat:journal", Zh: "流水与冲正", En: "Journal and reversals", order: 6}},
}

var otherCategory = Category{Key: "cat:other", Zh: "其他", En: "Other", order: 9}

// CategoryOf returns the navigator group of a transaction code.
func CategoryOf(code string) Category {
	for _, c := range categories {
		if strings.HasPrefix(code, c.prefix) {
			return c.cat
		}
	}
	return otherCategory
}

// searchKey is what a form is found by: its code, id and titles, and the
// pinyin of its Chinese title, whole syllables and initials, every
// reading of a character with several (行 is háng in 银行).
type searchKey = pinyinsearch.Key

func newSearchKey(f *dsl.Form) searchKey {
	return pinyinsearch.NewKey(f.Code+" "+f.ID+" "+f.Title.Zh+" "+f.Title.En, f.Title.Zh)
}

// navGroup is one category of the navigator with the forms shown in it.
type navGroup struct {
	Category
	forms []*dsl.Form
}

// groupForms sorts forms into their categories, in category order and by
// code within one, keeping only those q finds.
func groupForms(forms []*dsl.Form, keys map[*dsl.Form]searchKey, q string) []navGroup {
	q = pinyinsearch.Query(q)
	byKey := map[string]*navGroup{}
	var groups []*navGroup
	for _, f := range forms {
		if !keys[f].Match(q) {
			continue
		}
		c := CategoryOf(f.Code)
		g := byKey[c.Key]
		if g == nil {
			g = &navGroup{Category: c}
			byKey[c.Key] = g
			groups = append(groups, g)
		}
		g.forms = append(g.forms, f)
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].order < groups[j].order })
	out := make([]navGroup, len(groups))
	for i, g := range groups {
		sort.SliceStable(g.forms, func(a, b int) bool { return g.forms[a].Code < g.forms[b].Code })
		out[i] = *g
	}
	return out
}
