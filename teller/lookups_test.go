package teller

import (
	"strings"
	"testing"

	"guitai/money"
	"guitai/state/ledger"
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
