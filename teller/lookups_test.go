package teller

import (
	"strings"
	"testing"

	"guitai/assets"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

// TestLookupOnAccount: a complete account number fills the holder and the
// balance; an unknown one is refused at the field, and the refusal and
// what was filled go as soon as the number changes.
func TestLookupOnAccount(t *testing.T) {
	s, _, store := shellOnLedger(t)
	var acct string
	var bal int64
	if err := store.DB().QueryRow(`SELECT number, balance FROM accounts WHERE status = 'active' AND balance > 0 ORDER BY number LIMIT 1`).Scan(&acct, &bal); err != nil {
		t.Fatal(err)
	}
	if err := s.Open("cash_withdrawal"); err != nil {
		t.Fatal(err)
	}
	f := s.Current()
	set := func(v any) {
		t.Helper()
		f.Scope.Set("account", v)
		wait(t, s)
	}
	get := func(k string) any { v, _ := f.Scope.Get(k); return v }

	set(acct)
	if get("acct_name") == nil || get("balance") != money.Fen(bal) || fieldError(f, "account") != "" {
		t.Fatalf("known account: name %v balance %v error %q", get("acct_name"), get("balance"), fieldError(f, "account"))
	}
	set(ledger.AccountNumber("0101", 99999)) // well formed, not on the books
	if get("acct_name") != nil || get("balance") != nil {
		t.Errorf("another account's name %v and balance %v stay", get("acct_name"), get("balance"))
	}
	if msg := fieldError(f, "account"); !strings.Contains(msg, "账户不存在") {
		t.Errorf("unknown account: error %q", msg)
	}
	set(acct[:10]) // being retyped: incomplete, nothing looked up
	if msg := fieldError(f, "account"); strings.Contains(msg, "账户不存在") {
		t.Errorf("the refusal of the old number stays: %q", msg)
	}
	set(acct)
	if get("acct_name") == nil || fieldError(f, "account") != "" {
		t.Errorf("back to the known account: name %v error %q", get("acct_name"), fieldError(f, "account"))
	}
}

// TestPostedRows: the success message names the serial and what the form
// binds of the result under its own captions, never raw keys.
func TestPostedRows(t *testing.T) {
	forms := formsByID(t)
	res := &ledger.Result{Serial: "202611230101000009", Values: map[string]any{
		"acct_name": "罗涛", "balance": money.Fen(1234567), "over_short": money.Fen(5)}}
	got := PostedRows(forms["cash_withdrawal"], res, "zh")
	want := [][2]string{{"流水号", "202611230101000009"}, {"户名", "罗涛"}, {"可用余额", "¥12,345.67"}}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %v, want %v", i, got[i], want[i])
		}
	}
	if en := PostedRows(forms["cash_withdrawal"], res, "en"); en[0][0] != "Journal no." || en[1][0] != "Holder" {
		t.Errorf("English rows %v", en)
	}
}

func formsByID(t *testing.T) map[string]*dsl.Form {
	t.Helper()
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dsl.Form{}
	for _, f := range forms {
		out[f.ID] = f
	}
	return out
}

// TestCloseFocusesTheCodeBox: Esc closes the form and the next code can
// be typed straight away.
func TestCloseFocusesTheCodeBox(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	w.Canvas().Focus(s.Current().Field("amount").Focusable())
	s.close()
	if w.Canvas().Focused() != s.layout.code {
		t.Fatalf("focus on %T after closing, not the code box", w.Canvas().Focused())
	}
}
