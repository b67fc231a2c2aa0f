package teller

import (
	"context"
	"strings"
	"testing"

	"guitai/dsl"
	"guitai/ledger"
)

// TestAccountE2E runs the account modules through the window: 2203 PIN
// change by the holder (a wrong PIN refused and counted), and reset with
// the holder's ID and a supervisor; 2202 loss report release with a new
// card; 2214 dormant account activation; 2205 deduction on a court order
// from a frozen account; 2212 a deposit certificate and its hold; 2104 a
// class II account with the PIN the customer sets; 2210 customer
// maintenance and its history. The cases are functions so TestE2E's table
// (every form has a case) can name them too.
func TestAccountE2E(t *testing.T) {
	for _, tt := range accountE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

func init() { moduleE2ECases = append(moduleE2ECases, accountE2ECases...) }

var accountE2ECases = []e2eCase{
	{"2203 PIN change by the holder", accountPINChangeE2E},
	{"2203 wrong old PIN refused and counted", accountWrongPINE2E},
	{"2203 PIN reset with ID, authorized", accountPINResetE2E},
	{"2202 loss report released with a new card", accountLossReleaseE2E},
	{"2214 dormant account activation, authorized", accountDormantE2E},
	{"2205 court-ordered deduction from a frozen account", accountCourtDeductionE2E},
	{"2212 deposit certificate holds its amount", accountCertificateE2E},
	{"2104 class II account bound to a class I, with a PIN", accountClassOpenE2E},
	{"2210 customer maintenance keeps the history", accountCustomerUpdateE2E},
}

// pinHash reads an account's stored PIN hash and failure count.
func (e *e2e) pinHash(acct string) (hash string, failures int) {
	e.t.Helper()
	db := e.store.DB()
	if err := db.QueryRow(db.Rebind(`SELECT pin_hash, pin_failures FROM accounts WHERE number = ?`), acct).Scan(&hash, &failures); err != nil {
		e.t.Fatal(err)
	}
	return hash, failures
}

// noPINShown fails when the confirmation summary of f, the receipt
// printed or the entry's journal result shows one of pins.
func (e *e2e) noPINShown(summary string, o outcome, pins ...string) {
	e.t.Helper()
	for _, pin := range pins {
		if strings.Contains(summary, pin) || strings.Contains(o.printed, pin) {
			e.t.Errorf("PIN %s shown in the confirmation or on the receipt:\n%s\n%s", pin, summary, o.printed)
		}
		if o.serial != "" && e.count(`SELECT COUNT(*) FROM journal WHERE serial = ? AND result LIKE ?`, o.serial, "%"+pin+"%") != 0 {
			e.t.Errorf("journal %s keeps PIN %s", o.serial, pin)
		}
	}
}

func accountPINChangeE2E(t *testing.T, e *e2e) {
	acct := ledger.DemoPINAccount
	before, _ := e.pinHash(acct)
	f := e.openCode("2203", "pin_change")
	f.Scope.Set("action", "change")
	e.typeIn(f, "account", acct)
	if name, _ := f.Scope.Get("acct_name"); name != ledger.DemoHolderName {
		t.Errorf("holder shown %v", name)
	}
	e.typeIn(f, "old_pin", ledger.DemoPIN)
	e.typeIn(f, "new_pin", "246813")
	e.typeIn(f, "confirm_pin", "246813")
	summary := Summary(f.Def, f.Values(), "zh")
	if !strings.Contains(summary, "******") {
		t.Errorf("the confirmation does not hide the PINs:\n%s", summary)
	}
	o := e.submit(false)
	e.checkPosted(o, want{code: "2203", account: acct, receipt: []string{o.serial, dsl.Mask(acct), "修改密码"}})
	e.noPINShown(summary, o, ledger.DemoPIN, "246813")
	if after, n := e.pinHash(acct); after == before || !strings.HasPrefix(after, "pbkdf2-sm3$") || n != 0 {
		t.Errorf("PIN hash not replaced (failures %d)", n)
	}
}

func accountWrongPINE2E(t *testing.T, e *e2e) {
	acct := ledger.DemoPINAccount
	before, _ := e.pinHash(acct)
	f := e.openCode("2203", "pin_change")
	f.Scope.Set("action", "change")
	e.typeIn(f, "account", acct)
	e.typeIn(f, "old_pin", "111222")
	e.typeIn(f, "new_pin", "246813")
	e.typeIn(f, "confirm_pin", "246813")
	o := e.submit(false)
	e.checkRefused(o, f, "old_pin", "E_PIN_MISMATCH")
	// The posting rolled back; the wrong PIN still counts.
	if after, n := e.pinHash(acct); after != before || n != 1 {
		t.Errorf("after a wrong PIN: hash changed %v, failures %d, want 1", after != before, n)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'refused' AND object = 'pin_change' AND result = 'E_PIN_MISMATCH'`); n != 1 {
		t.Errorf("%d refusal records", n)
	}
}

func accountPINResetE2E(t *testing.T, e *e2e) {
	acct := ledger.DemoPINAccount
	before, _ := e.pinHash(acct)
	f := e.openCode("2203", "pin_change")
	f.Scope.Set("action", "reset")
	e.typeIn(f, "account", acct)
	e.typeIn(f, "cust_name", ledger.DemoHolderName)
	e.typeIn(f, "idcard", ledger.DemoHolderID)
	e.typeIn(f, "new_pin", "582047")
	e.typeIn(f, "confirm_pin", "582047")
	summary := Summary(f.Def, f.Values(), "zh")
	o := e.submit(false)
	e.checkPosted(o, want{code: "2203", authorizer: "010199", account: acct, receipt: []string{o.serial, dsl.Mask(acct), "重置密码"}})
	e.noPINShown(summary, o, "582047")
	if after, _ := e.pinHash(acct); after == before {
		t.Error("PIN hash not replaced")
	}
	// The new PIN works for the holder.
	e.post("pin_change", map[string]any{"action": "change", "account": acct, "old_pin": "582047", "new_pin": "246813", "confirm_pin": "246813"}, false)
}

func accountLossReleaseE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	acct := ledger.DemoLostAccount
	card := ledger.AccountNumber("0109", 11)
	f := e.openCode("2202", "loss_release")
	f.Scope.Set("action", "replace")
	e.typeIn(f, "account", acct)
	e.typeIn(f, "cust_name", ledger.DemoHolderName)
	e.typeIn(f, "idcard", ledger.DemoHolderID)
	e.typeIn(f, "new_card", card)
	o := e.submit(false)
	e.checkPosted(o, want{code: "2202", account: acct, receipt: []string{o.serial, dsl.Mask(acct), "补卡"}})
	if strings.Contains(o.printed, card) {
		t.Errorf("receipt shows the whole new card number:\n%s", o.printed)
	}
	if n := e.count(`SELECT COUNT(*) FROM holds h JOIN accounts a ON a.number = h.account WHERE h.id = ? AND h.status = 'released'
		AND h.release_serial = ? AND a.card_no = ?`, "seed-loss-"+acct, o.serial, card); n != 1 {
		t.Fatalf("loss report not released by %s with card %s", o.serial, card)
	}
	e.post("cash_withdrawal", map[string]any{"account": acct, "amount": "1"}, false)
}

func accountDormantE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	acct := ledger.DemoDormantAccount
	w := e.openCode("1402", "cash_withdrawal")
	e.typeIn(w, "account", acct)
	e.typeIn(w, "amount", "100")
	e.checkRefused(e.submit(false), w, "account", "E_ACCOUNT_DORMANT")

	f := e.openCode("2214", "dormant_activation")
	e.typeIn(f, "account", acct)
	e.typeIn(f, "cust_name", ledger.DemoHolderName)
	e.typeIn(f, "idcard", ledger.DemoHolderID)
	o := e.submit(false)
	e.checkPosted(o, want{code: "2214", authorizer: "010199", account: acct, receipt: []string{o.serial, dsl.Mask(acct)}})
	if n := e.count(`SELECT COUNT(*) FROM accounts WHERE number = ? AND dormant = 0 AND last_activity = ?`, acct, e.date); n != 1 {
		t.Fatalf("%s still dormant", acct)
	}
	e.post("cash_withdrawal", map[string]any{"account": acct, "amount": "100"}, false)
}

func accountCourtDeductionE2E(t *testing.T, e *e2e) {
	acct := ledger.DemoFrozenAccount
	e.post("cash_deposit", map[string]any{"account": acct, "amount": "1000"}, false)
	before := balance(t, e.store, acct)
	f := e.openCode("2205", "court_deduction")
	e.typeIn(f, "account", acct)
	e.typeIn(f, "hold_id", "seed-"+acct)
	e.typeIn(f, "authority", ledger.DemoFreezeAuthority)
	e.typeIn(f, "document_no", "（2026）京0101执1234号")
	e.typeIn(f, "officer1", "王立新")
	e.typeIn(f, "officer1_id", "京法0101023")
	e.typeIn(f, "officer2", "赵敏")
	e.typeIn(f, "officer2_id", "京法0101077")
	e.typeIn(f, "amount", "600")
	o := e.submit(false)
	e.checkPosted(o, want{code: "2205", authorizer: "010199", account: acct, amount: yuan("600"),
		receipt: []string{o.serial, dsl.Mask(acct), "600.00"}})
	if got := balance(t, e.store, acct); got != before-yuan("600") {
		t.Errorf("balance %s, want %s", got.Grouped(), (before - yuan("600")).Grouped())
	}
	if n := e.count(`SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'active'`, "seed-"+acct); n != 1 {
		t.Error("the whole-account freeze did not stay")
	}
}

func accountCertificateE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	acct := ledger.DemoPINAccount
	e.post("cash_deposit", map[string]any{"account": acct, "amount": "1000"}, false)
	bal := balance(t, e.store, acct)
	f := e.openCode("2212", "deposit_certificate")
	f.Scope.Set("action", "issue")
	e.typeIn(f, "account", acct)
	e.typeIn(f, "cust_name", ledger.DemoHolderName)
	e.typeIn(f, "idcard", ledger.DemoHolderID)
	e.typeIn(f, "amount", "800")
	e.typeIn(f, "expiry_date", holdExpiry(t, e))
	f.Scope.Set("purpose", "visa")
	o := e.submit(false)
	e.checkPosted(o, want{code: "2212", account: acct, receipt: []string{o.serial, dsl.Mask(acct), "ZM" + o.serial}})
	if n := e.count(`SELECT COUNT(*) FROM holds WHERE id = ? AND kind = 'certificate_hold' AND amount = ? AND status = 'active'`, o.serial, int64(yuan("800"))); n != 1 {
		t.Fatalf("no certificate hold %s", o.serial)
	}
	// What the certificate holds cannot be withdrawn.
	w := e.openCode("1402", "cash_withdrawal")
	e.typeIn(w, "account", acct)
	e.typeIn(w, "amount", (bal - yuan("800") + 1).String())
	o = e.submit(false)
	e.checkRefused(o, w, "amount", "E_AVAILABLE_INSUFFICIENT")
}

func accountClassOpenE2E(t *testing.T, e *e2e) {
	f := e.openCode("2104", "class_account_open")
	e.typeIn(f, "cust_name", ledger.DemoHolderName)
	e.typeIn(f, "idcard", ledger.DemoHolderID)
	f.Scope.Set("class", "II")
	e.typeIn(f, "bound_account", ledger.DemoPINAccount)
	e.typeIn(f, "new_pin", "246813")
	e.typeIn(f, "confirm_pin", "246813")
	summary := Summary(f.Def, f.Values(), "zh")
	o := e.submit(false)
	e.checkPosted(o, want{code: "2104", receipt: []string{o.serial, "Class II", dsl.Mask(ledger.DemoPINAccount), "10,000.00"}})
	e.noPINShown(summary, o, "246813")
	acct := e.journal(o.serial).Account
	if n := e.count(`SELECT COUNT(*) FROM accounts WHERE number = ? AND class = 'II' AND daily_limit = 1000000 AND pin_hash LIKE 'pbkdf2-sm3$%'`, acct); n != 1 {
		t.Fatalf("no class II account %q with a PIN", acct)
	}
	if !strings.Contains(o.printed, acct) {
		t.Errorf("receipt lacks the new account number %s:\n%s", acct, o.printed)
	}
}

func accountCustomerUpdateE2E(t *testing.T, e *e2e) {
	f := e.openCode("2210", "customer_update")
	e.typeIn(f, "cust_name", ledger.DemoHolderName)
	e.typeIn(f, "idcard", ledger.DemoHolderID)
	e.typeIn(f, "phone", "13911112222")
	e.typeIn(f, "id_expiry", "2036-03-15")
	f.Scope.Set("reason", "new_id")
	o := e.submit(false)
	e.checkPosted(o, want{code: "2210", receipt: []string{o.serial, "*******2222", "2036-03-15"}})
	if strings.Contains(o.printed, "13911112222") || strings.Contains(o.printed, ledger.DemoHolderID) {
		t.Errorf("receipt shows the whole phone or ID:\n%s", o.printed)
	}
	c, err := e.store.FindCustomer(context.Background(), ledger.DemoHolderID)
	if err != nil || c.Phone != "13911112222" {
		t.Fatalf("customer after the change: %+v %v", c, err)
	}
	if n := e.count(`SELECT COUNT(*) FROM customer_changes WHERE serial = ? AND customer_id = ? AND phone_cipher = ''`, o.serial, c.ID); n != 1 {
		t.Fatalf("no history row of %s", o.serial)
	}
}
