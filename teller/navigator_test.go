package teller

import (
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/assets"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/state"
)

func TestSearchFindsFormsByPinyinAndCode(t *testing.T) {
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[*dsl.Form]searchKey{}
	for _, f := range forms {
		keys[f] = newSearchKey(f)
	}
	ids := func(q string) []string {
		var out []string
		for _, g := range groupForms(forms, keys, q) {
			for _, f := range g.forms {
				out = append(out, f.ID)
			}
		}
		return out
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"xjck", []string{"cash_deposit"}},                                                              // 现金存款, initials
		{"XJ CK", []string{"cash_deposit"}},                                                             // case and spaces don't matter
		{"xianjinqu", []string{"cash_withdrawal"}},                                                      // whole syllables, the last cut short
		{"xjq", []string{"cash_withdrawal"}},                                                            // 现金取款
		{"chongzheng", []string{"reversal", "prior_day_reversal"}},                                      // 冲正, 隔日冲正
		{"czh", []string{"term_open", "term_withdraw", "pin_change", "reversal", "prior_day_reversal"}}, // 存整, 重置, 冲正
		{"1401", []string{"cash_deposit"}},                                                              // the code
		{"轧账", []string{"day_end_balance"}},                                                             // Chinese
		{"transfer", []string{"transfer", "cash_transfer"}},                                             // English
		{"zz", []string{"transfer", "pin_change", "day_end_balance", "voucher_void"}},                   // 转账, 重置 (zhong zhi), 轧账, 作废
		{"zhuanz", []string{"transfer"}},
		{"wbdc", nil}, // nothing
		{"ck", []string{"cash_deposit", "notice_open", "notice_withdraw", "court_deduction", "deposit_certificate"}}, // 存款; 支票存入 is zhi piao cun ru
	} {
		got := ids(tc.q)
		if len(got) != len(tc.want) {
			t.Errorf("%q: found %v, want %v", tc.q, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: found %v, want %v", tc.q, got, tc.want)
			}
		}
	}
	// Every form sits in one named category, cash first.
	groups := groupForms(forms, keys, "")
	n := 0
	for _, g := range groups {
		n += len(g.forms)
		if g.Key == otherCategory.Key {
			t.Errorf("forms without a category: %v", g.forms)
		}
	}
	if n != len(forms) || groups[0].Key != "cat:cash" {
		t.Errorf("%d of %d forms grouped; first group %s", n, len(forms), groups[0].Key)
	}
}

func TestSearchEnterOpensTheFirstMatch(t *testing.T) {
	test.NewTempApp(t)
	forms, _ := assets.Forms()
	w := test.NewWindow(nil)
	defer w.Close()
	s := New(w, Config{Forms: forms, Bus: state.NewBus()})
	test.Type(s.layout.search, "xjqk")
	s.layout.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Current() == nil || s.Current().Def.ID != "cash_withdrawal" {
		t.Fatalf("open form %v, want cash_withdrawal", s.currentDef())
	}
	if s.layout.search.Text != "" {
		t.Errorf("search box kept %q", s.layout.search.Text)
	}
	// The navigator shows every form again once the search is cleared.
	n := 0
	for _, g := range s.layout.groups {
		n += len(g.forms)
	}
	if n != len(forms) {
		t.Errorf("navigator shows %d forms, want %d", n, len(forms))
	}
}

func TestFunctionKeysFromAFormField(t *testing.T) {
	test.NewTempApp(t)
	forms, _ := assets.Forms()
	w := test.NewWindow(nil)
	defer w.Close()
	var submitted []string
	s := New(w, Config{Forms: forms, Bus: state.NewBus(), Submit: func(f *dsl.Form, _ map[string]any) (*ledger.Result, error) {
		submitted = append(submitted, f.ID)
		return &ledger.Result{Serial: "1"}, nil
	}})
	if err := s.Open("balance_inquiry"); err != nil {
		t.Fatal(err)
	}
	focused := w.Canvas().Focused()
	if focused == nil {
		t.Fatal("no field has the focus")
	}
	// F3 from inside the form moves to the search box.
	focused.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF3})
	if w.Canvas().Focused() != s.layout.search {
		t.Fatalf("F3 focused %T, want the search box", w.Canvas().Focused())
	}
	// F2 from the search box to the code box; the code opens its form.
	s.layout.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	if w.Canvas().Focused() != s.layout.code {
		t.Fatalf("F2 focused %T, want the code box", w.Canvas().Focused())
	}
	test.Type(s.layout.code, "1401")
	s.layout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.currentDef() == nil || s.currentDef().ID != "cash_deposit" {
		t.Fatalf("code 1401 opened %v", s.currentDef())
	}
	// F10 submits: an empty deposit is refused by validation, nothing posted.
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyF10})
	if len(submitted) != 0 {
		t.Fatalf("an invalid form was submitted: %v", submitted)
	}
	if s.summary.status.Text == "" {
		t.Error("F10 on an invalid form says nothing")
	}
	// F1 lists the keys.
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyF1})
	if w.Canvas().Overlays().Top() == nil {
		t.Error("F1 shows no key list")
	}
}

func TestIdleLockUnlocksOnlyForTheTeller(t *testing.T) {
	test.NewTempApp(t)
	forms, _ := assets.Forms()
	w := test.NewWindow(nil)
	defer w.Close()
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s := New(w, Config{Forms: forms, Bus: state.NewBus(), User: "010101 张敏", IdleLock: 5 * time.Minute,
		Now: func() time.Time { return clock },
		Unlock: func(pw string) error {
			if pw != "right" {
				return errors.New("密码错误")
			}
			return nil
		}})
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	s.Current().Scope.Set("memo", "typed before the lock")
	clock = clock.Add(4 * time.Minute)
	s.checkIdle(clock)
	if s.Locked() {
		t.Fatal("locked after 4 of 5 idle minutes")
	}
	s.Current().Scope.Set("memo", "still typing") // activity
	clock = clock.Add(4 * time.Minute)
	s.checkIdle(clock)
	if s.Locked() {
		t.Fatal("locked though the teller typed 4 minutes ago")
	}
	clock = clock.Add(2 * time.Minute)
	s.checkIdle(clock)
	if !s.Locked() {
		t.Fatal("not locked after 6 idle minutes")
	}
	// F-keys and the form are out of reach while locked.
	if s.win.Canvas().Focused() != s.lock.password {
		t.Errorf("the lock screen's password has no focus")
	}
	l := s.lock
	test.Type(l.password, "wrong")
	l.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !s.Locked() || !l.message.Visible() {
		t.Fatal("a wrong password unlocked, or was not refused")
	}
	test.Type(l.password, "right")
	l.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Locked() {
		t.Fatal("the teller's password did not unlock")
	}
	if v, _ := s.Current().Scope.Get("memo"); v != "still typing" {
		t.Errorf("the form lost what was typed: memo %v", v)
	}
}
