package ledger_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"guitai/ledger"
	"guitai/money"
)

// refusedWith posts txn as T1 and fails unless it is refused with code at
// field.
func (e *env) refusedWith(t *testing.T, txn string, auth *ledger.Credentials, vals map[string]any, code ledger.Code, field string) {
	t.Helper()
	r, err := e.post(txn, T1, auth, vals)
	if ledger.CodeOf(err) != code || fieldOf(err) != field {
		t.Fatalf("%s: got %v (result %v), want %s at %s", txn, err, r, code, field)
	}
}

// pinOf reads an account's stored PIN hash and its failure count.
func (e *env) pinOf(t *testing.T, acct string) (hash string, failures int) {
	t.Helper()
	db := e.store.DB()
	if err := db.QueryRow(db.Rebind(`SELECT pin_hash, pin_failures FROM accounts WHERE number = ?`), acct).Scan(&hash, &failures); err != nil {
		t.Fatal(err)
	}
	return hash, failures
}

// leaks counts the rows of the tables a posting leaves behind (journal
// results, receipts, refusals' audit records) that show s.
func (e *env) leaks(t *testing.T, s string) int {
	t.Helper()
	var n int
	db := e.store.DB()
	q := `SELECT (SELECT COUNT(*) FROM journal WHERE result LIKE ? OR request_digest LIKE ?) + (SELECT COUNT(*) FROM receipts WHERE payload LIKE ?)`
	like := "%" + s + "%"
	if err := db.Get(&n, db.Rebind(q), like, like, like); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAccountsPIN: 2203 changes a PIN when the old one is right, refuses
// a wrong one and counts it although the posting rolls back, locks after
// three, and a reset with the holder's ID and a supervisor sets a new
// PIN and unlocks it. No PIN, nor its hash, is in a journal result or a
// receipt.
func TestAccountsPIN(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		acct := ledger.DemoPINAccount
		change := func(old, pin string) map[string]any {
			return map[string]any{"action": "change", "account": acct, "old_pin": old, "new_pin": pin, "confirm_pin": pin}
		}
		reset := func(id, pin string) map[string]any {
			return map[string]any{"action": "reset", "account": acct, "cust_name": ledger.DemoHolderName, "idcard": id, "new_pin": pin, "confirm_pin": pin}
		}
		seeded, _ := e.pinOf(t, acct)

		t.Run("refusals", func(t *testing.T) {
			e.refusedWith(t, "pin_change", nil, change(ledger.DemoPIN, "24681"), "E_PIN_SYNTAX", "new_pin")
			e.refusedWith(t, "pin_change", nil, change("13579a", "246813"), "E_PIN_SYNTAX", "old_pin")
			e.refusedWith(t, "pin_change", nil, change("", "246813"), "E_REQUIRED", "old_pin")
			vals := change(ledger.DemoPIN, "246813")
			vals["confirm_pin"] = "246814"
			e.refusedWith(t, "pin_change", nil, vals, "E_PIN_CONFIRM", "confirm_pin")
			e.refusedWith(t, "pin_change", nil, change(ledger.DemoPIN, "123456"), "E_PIN_WEAK", "new_pin")
			e.refusedWith(t, "pin_change", nil, change(ledger.DemoPIN, "888888"), "E_PIN_WEAK", "new_pin")
			e.refusedWith(t, "pin_change", nil, change(ledger.DemoPIN, ledger.DemoPIN), "E_PIN_SAME", "new_pin")
			vals = change(ledger.DemoPIN, "246813")
			vals["account"] = A1 // no PIN set
			e.refusedWith(t, "pin_change", nil, vals, "E_PIN_NOT_SET", "old_pin")
			if h, n := e.pinOf(t, acct); h != seeded || n != 0 {
				t.Fatalf("refusals changed the PIN or counted failures: %d", n)
			}
		})

		t.Run("change", func(t *testing.T) {
			r := e.must(t, "pin_change", T1, nil, change(ledger.DemoPIN, "246813"))
			if r.Authorizer != "" || r.Values["acct_name"] != ledger.DemoHolderName {
				t.Fatalf("change: authorizer %q values %v", r.Authorizer, r.Values)
			}
			for _, k := range []string{"hash", "ok", "check_pin", "check_hash", "reset_needs_supervisor"} {
				if _, ok := r.Values[k]; ok {
					t.Errorf("result shows the secret %s", k)
				}
			}
			for _, k := range []string{"old_pin", "new_pin", "confirm_pin"} {
				if _, ok := r.Params[k]; ok {
					t.Errorf("result params show %s", k)
				}
			}
			if h, _ := e.pinOf(t, acct); h == seeded || h == "" {
				t.Fatal("PIN hash not changed")
			}
			// The old PIN no longer works, the new one does.
			e.refusedWith(t, "pin_change", nil, change(ledger.DemoPIN, "975310"), "E_PIN_MISMATCH", "old_pin")
			e.must(t, "pin_change", T1, nil, change("246813", "975310"))
			if _, n := e.pinOf(t, acct); n != 0 {
				t.Fatalf("a right PIN left %d failures", n)
			}
		})

		t.Run("three wrong PINs lock, a reset unlocks", func(t *testing.T) {
			for i := 1; i <= ledger.PINTries; i++ {
				e.refusedWith(t, "pin_change", nil, change("111222", "246813"), "E_PIN_MISMATCH", "old_pin")
				if _, n := e.pinOf(t, acct); n != i {
					t.Fatalf("after %d wrong PINs the count is %d", i, n)
				}
			}
			e.refusedWith(t, "pin_change", nil, change("975310", "246813"), "E_PIN_LOCKED", "old_pin")
			e.refusedWith(t, "pin_change", nil, reset(ledger.DemoHolderID, "582047"), "E_AUTH_REQUIRED", "authorizer")
			other := "11010119900315894"
			other += string(checkChar(other))
			e.refusedWith(t, "pin_change", sup(), reset(other, "582047"), "E_ID_MISMATCH", "idcard")
			r := e.must(t, "pin_change", T1, sup(), reset(ledger.DemoHolderID, "582047"))
			if r.Authorizer != SUP {
				t.Fatalf("reset authorized by %q", r.Authorizer)
			}
			if _, n := e.pinOf(t, acct); n != 0 {
				t.Fatalf("a reset left %d failures", n)
			}
			e.must(t, "pin_change", T1, nil, change("582047", "246813"))
		})

		t.Run("no PIN kept in clear or hashed", func(t *testing.T) {
			for _, s := range []string{ledger.DemoPIN, "246813", "975310", "582047", "111222", "pbkdf2"} {
				if n := e.leaks(t, s); n != 0 {
					t.Errorf("%d journal or receipt rows show %q", n, s)
				}
			}
			var n int
			db := e.store.DB()
			if err := db.Get(&n, `SELECT COUNT(*) FROM receipts WHERE template = 'pin_change'`); err != nil || n != 4 {
				t.Errorf("%d PIN receipts (%v), want 4", n, err)
			}
		})
		e.books(t)
	})
}

// TestAccountsLossRelease: 2202 lifts the seeded loss report with the
// holder's ID (a release), or lifts it and records a new card (a
// replacement); a card number in use is refused, and debits work again.
func TestAccountsLossRelease(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		acct := ledger.DemoLostAccount
		vals := func(action, card string) map[string]any {
			return map[string]any{"action": action, "account": acct, "cust_name": ledger.DemoHolderName, "idcard": ledger.DemoHolderID, "new_card": card}
		}
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "1000.00"}) // cash in the box
		e.refusedWith(t, "cash_withdrawal", nil, map[string]any{"account": acct, "amount": "1.00"}, "E_ACCOUNT_HELD", "account")
		other := "11010119900315894"
		other += string(checkChar(other))
		bad := vals("replace", "")
		bad["idcard"] = other
		e.refusedWith(t, "loss_release", nil, bad, "E_ID_MISMATCH", "idcard")
		e.refusedWith(t, "loss_release", nil, vals("replace", ""), "E_REQUIRED", "new_card")
		e.refusedWith(t, "loss_release", nil, vals("replace", A1), "E_CARD_IN_USE", "new_card")
		e.refusedWith(t, "loss_release", nil, vals("renew", ""), "E_LOSS_ACTION", "action")
		e.refusedWith(t, "loss_release", nil, map[string]any{"action": "release", "account": ledger.DemoPINAccount,
			"cust_name": ledger.DemoHolderName, "idcard": ledger.DemoHolderID}, "E_LOSS_NOT_REPORTED", "account")

		card := ledger.AccountNumber("0109", 7) // a card number no account uses
		r := e.must(t, "loss_release", T1, nil, vals("replace", card))
		if r.Values["new_card_masked"] != card[:6]+"******"+card[len(card)-4:] {
			t.Errorf("new card shown as %v", r.Values["new_card_masked"])
		}
		db := e.store.DB()
		var status, release, cardNo string
		if err := db.QueryRow(db.Rebind(`SELECT h.status, h.release_serial, a.card_no FROM holds h JOIN accounts a ON a.number = h.account WHERE h.id = ?`),
			"seed-loss-"+acct).Scan(&status, &release, &cardNo); err != nil {
			t.Fatal(err)
		}
		if status != "released" || release != r.Serial || cardNo != card {
			t.Fatalf("after the replacement: hold %s by %s, card %s", status, release, cardNo)
		}
		e.refusedWith(t, "loss_release", nil, vals("release", ""), "E_LOSS_NOT_REPORTED", "account")
		e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": acct, "amount": "1.00"})
		e.books(t)
	})
}

// TestAccountsDormant: a dormant account takes credits but no debits
// (withdrawal, transfer) until 2214 wakes it with the holder's ID and a
// supervisor; an account that is not dormant is refused.
func TestAccountsDormant(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		acct := ledger.DemoDormantAccount
		vals := map[string]any{"account": acct, "cust_name": ledger.DemoHolderName, "idcard": ledger.DemoHolderID}
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "1000.00"}) // cash in the box
		// A dormant account takes credits, not debits.
		e.must(t, "transfer", T1, nil, map[string]any{"from_account": A3, "to_account": acct, "amount": "10.00", "payee_name": "x", "purpose": "p"})
		e.refusedWith(t, "cash_withdrawal", nil, map[string]any{"account": acct, "amount": "1.00"}, "E_ACCOUNT_DORMANT", "account")
		e.refusedWith(t, "transfer", nil, map[string]any{"from_account": acct, "to_account": A3, "amount": "1.00", "payee_name": "x", "purpose": "p"}, "E_ACCOUNT_DORMANT", "from_account")
		e.refusedWith(t, "dormant_activation", nil, vals, "E_AUTH_REQUIRED", "authorizer")
		other := "11010119900315894"
		other += string(checkChar(other))
		e.refusedWith(t, "dormant_activation", sup(), map[string]any{"account": acct, "cust_name": ledger.DemoHolderName, "idcard": other}, "E_ID_MISMATCH", "idcard")
		r := e.must(t, "dormant_activation", T1, sup(), vals)
		if r.Authorizer != SUP || r.Values["balance"] != money.Fen(e.balance(t, acct)) {
			t.Fatalf("activation: authorizer %q values %v", r.Authorizer, r.Values)
		}
		var dormant int
		var last string
		db := e.store.DB()
		if err := db.QueryRow(db.Rebind(`SELECT dormant, last_activity FROM accounts WHERE number = ?`), acct).Scan(&dormant, &last); err != nil {
			t.Fatal(err)
		}
		if dormant != 0 || last != r.BusinessDate {
			t.Fatalf("after the activation: dormant %d, last activity %q", dormant, last)
		}
		e.refusedWith(t, "dormant_activation", sup(), vals, "E_NOT_DORMANT", "account")
		e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": acct, "amount": "1.00"})
		e.books(t)
	})
}

// TestAccountsCourtDeduction: 2205 debits a judicially frozen account
// for the authority that froze it, with a supervisor: to the branch's
// suspense (remitted to the court) or to the court's account here. A
// whole-account freeze stays after the deduction; a partial freeze is
// consumed by what is deducted and released when all of it is. Another
// authority, another kind of hold, more than the freeze or the balance
// are refused, and the books balance.
func TestAccountsCourtDeduction(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		start := e.books(t)
		acct := ledger.DemoFrozenAccount
		hold := "seed-" + acct
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": acct, "amount": "1000.00"})
		bal := e.balance(t, acct)
		order := func(vals map[string]any) map[string]any {
			out := map[string]any{"account": acct, "hold_id": hold, "authority": ledger.DemoFreezeAuthority, "document_no": "（2026）京0101执1234号",
				"officer1": "王立新", "officer1_id": "京法0101023", "officer2": "赵敏", "officer2_id": "京法0101077", "amount": "600.00"}
			for k, v := range vals {
				out[k] = v
			}
			return out
		}
		holdOf := func(id string) (status string, amount int64) {
			t.Helper()
			db := e.store.DB()
			if err := db.QueryRow(db.Rebind(`SELECT status, amount FROM holds WHERE id = ?`), id).Scan(&status, &amount); err != nil {
				t.Fatal(err)
			}
			return status, amount
		}

		t.Run("whole-account freeze, to suspense", func(t *testing.T) {
			e.refusedWith(t, "court_deduction", nil, order(nil), "E_AUTH_REQUIRED", "authorizer")
			e.refusedWith(t, "court_deduction", sup(), order(map[string]any{"authority": "北京市公安局东城分局"}), "E_HOLD_AUTHORITY", "authority")
			e.refusedWith(t, "court_deduction", sup(), order(map[string]any{"hold_id": "nope"}), "E_DEDUCT_HOLD", "hold_id")
			e.refusedWith(t, "court_deduction", sup(), order(map[string]any{"amount": money.Fen(bal + 1).String()}), "E_DEDUCT_AMOUNT", "amount")
			e.refusedWith(t, "court_deduction", sup(), order(map[string]any{"payee_account": acct}), "E_DEDUCT_PAYEE", "payee_account")
			susp := e.glBook(t, "suspense")
			r := e.must(t, "court_deduction", T1, sup(), order(nil))
			if e.balance(t, acct) != bal-60000 || e.glBook(t, "suspense") != susp-60000 {
				t.Fatalf("balance %d (was %d), suspense %d (was %d)", e.balance(t, acct), bal, e.glBook(t, "suspense"), susp)
			}
			if st, amt := holdOf(hold); st != "active" || amt != 0 || r.Values["hold_status"] != "active" {
				t.Fatalf("whole-account freeze after the deduction: %s %d", st, amt)
			}
			// The freeze still stops the holder's debits.
			e.refusedWith(t, "cash_withdrawal", nil, map[string]any{"account": acct, "amount": "1.00"}, "E_ACCOUNT_HELD", "account")
		})

		t.Run("partial freeze, to the court's account", func(t *testing.T) {
			p := ledger.AccountNumber("0101", 233)
			court := A2
			e.must(t, "cash_deposit", T1, nil, map[string]any{"account": p, "amount": "800.00"})
			f := e.must(t, "freeze", T1, sup(), map[string]any{"action": "freeze", "account": p, "kind": "judicial_freeze", "scope": "partial",
				"freeze_amount": "500.00", "authority": ledger.DemoFreezeAuthority, "document_no": "（2026）京0101执保88号",
				"officer1": "王立新", "officer1_id": "京法0101023", "officer2": "赵敏", "officer2_id": "京法0101077", "expiry_date": expiryOf(t, e)})
			o := func(amount string) map[string]any {
				return order(map[string]any{"account": p, "hold_id": f.Serial, "amount": amount, "payee_account": court, "payee_name": "北京市东城区人民法院"})
			}
			e.refusedWith(t, "court_deduction", sup(), o("500.01"), "E_DEDUCT_AMOUNT", "amount")
			before, courtBefore := e.balance(t, p), e.balance(t, court)
			e.must(t, "court_deduction", T1, sup(), o("200.00"))
			if st, amt := holdOf(f.Serial); st != "active" || amt != 30000 {
				t.Fatalf("partial freeze after 200.00: %s %d", st, amt)
			}
			r := e.must(t, "court_deduction", T1, sup(), o("300.00"))
			if st, _ := holdOf(f.Serial); st != "released" || r.Values["hold_status"] != "released" {
				t.Fatalf("partial freeze after all of it was deducted: %s", st)
			}
			if e.balance(t, p) != before-50000 || e.balance(t, court) != courtBefore+50000 {
				t.Fatalf("account %d (was %d), court %d (was %d)", e.balance(t, p), before, e.balance(t, court), courtBefore)
			}
			e.refusedWith(t, "court_deduction", sup(), o("1.00"), "E_DEDUCT_HOLD", "hold_id")
			e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": p, "amount": "1.00"})
		})

		t.Run("another authority's whole freeze comes first", func(t *testing.T) {
			s := ledger.AccountNumber("0101", 235)
			e.must(t, "cash_deposit", T1, nil, map[string]any{"account": s, "amount": "800.00"})
			e.must(t, "stop_payment", T1, sup(), map[string]any{"action": "stop", "account": s, "requester": "北京市公安局东城分局",
				"reason": "police_request", "document_no": "京公东紧急止付〔2026〕9号"})
			f := e.must(t, "freeze", T1, sup(), map[string]any{"action": "freeze", "account": s, "kind": "judicial_freeze", "scope": "partial",
				"freeze_amount": "100.00", "authority": ledger.DemoFreezeAuthority, "document_no": "（2026）京0101执保89号",
				"officer1": "王立新", "officer1_id": "京法0101023", "officer2": "赵敏", "officer2_id": "京法0101077", "expiry_date": expiryOf(t, e)})
			e.refusedWith(t, "court_deduction", sup(), order(map[string]any{"account": s, "hold_id": f.Serial, "amount": "100.00"}), "E_ACCOUNT_HELD", "account")
		})

		end := e.books(t)
		if end.Equity != start.Equity || end.Net() != 0 {
			t.Fatalf("equity %d -> %d, net %d", start.Equity, end.Equity, end.Net())
		}
	})
}

// glBook reads the balance of the branch 0101 book of kind.
func (e *env) glBook(t *testing.T, kind string) int64 {
	t.Helper()
	var b int64
	db := e.store.DB()
	if err := db.Get(&b, db.Rebind(`SELECT balance FROM gl_books WHERE kind = ? AND branch = '0101'`), kind); err != nil {
		t.Fatal(err)
	}
	return b
}

// expiryOf is a freeze's expiry six months after the business date.
func expiryOf(t *testing.T, e *env) string {
	t.Helper()
	var d string
	if err := e.store.DB().Get(&d, `SELECT business_date FROM branches WHERE code = '0101'`); err != nil {
		t.Fatal(err)
	}
	day, err := time.Parse(time.DateOnly, d)
	if err != nil {
		t.Fatal(err)
	}
	return day.AddDate(0, 6, 0).Format(time.DateOnly)
}

// TestAccountsDepositCertificate: 2212 issues a deposit certificate with
// the holder's ID and holds its amount until its date: debits beyond the
// rest are refused, an amount beyond the available balance is refused,
// and returning the certificate lifts the hold.
func TestAccountsDepositCertificate(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		acct := ledger.DemoPINAccount
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": acct, "amount": "1000.00"})
		bal := e.balance(t, acct)
		issue := func(amount, expiry string) map[string]any {
			return map[string]any{"action": "issue", "account": acct, "cust_name": ledger.DemoHolderName, "idcard": ledger.DemoHolderID,
				"amount": amount, "expiry_date": expiry, "purpose": "visa"}
		}
		expiry := expiryOf(t, e)
		e.refusedWith(t, "deposit_certificate", nil, issue(money.Fen(bal+1).String(), expiry), "E_AVAILABLE_INSUFFICIENT", "amount")
		e.refusedWith(t, "deposit_certificate", nil, issue("100.00", "2020-01-01"), "E_HOLD_EXPIRY", "expiry_date")
		e.refusedWith(t, "deposit_certificate", nil, issue("0", expiry), "E_CERT_AMOUNT", "amount")
		held := money.Fen(bal - 10000) // 100.00 stays available
		r := e.must(t, "deposit_certificate", T1, nil, issue(held.String(), expiry))
		if r.Values["certificate_no"] != "ZM"+r.Serial || r.Values["hold_amount"] != held || r.Values["hold_expiry"] != expiry {
			t.Fatalf("certificate: %v", r.Values)
		}
		e.refusedWith(t, "cash_withdrawal", nil, map[string]any{"account": acct, "amount": "100.01"}, "E_AVAILABLE_INSUFFICIENT", "amount")
		e.refusedWith(t, "deposit_certificate", nil, issue("100.01", expiry), "E_AVAILABLE_INSUFFICIENT", "amount")
		release := map[string]any{"action": "release", "account": acct, "cust_name": ledger.DemoHolderName, "idcard": ledger.DemoHolderID, "hold_id": r.Serial}
		rel := e.must(t, "deposit_certificate", T1, nil, release)
		if rel.Values["hold_status"] != "released" {
			t.Fatalf("returned certificate: %v", rel.Values)
		}
		e.refusedWith(t, "deposit_certificate", nil, release, "E_HOLD_UNKNOWN", "hold_id")
		e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": acct, "amount": "100.01"})
		e.books(t)
	})
}

// TestAccountsClassOpening: 2104 opens class II and III accounts for a
// customer of the bank, bound to the customer's own class I account,
// with the PIN the customer sets and the class's daily limit; at most 5
// of each class.
func TestAccountsClassOpening(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		open := func(class, bound string) map[string]any {
			return map[string]any{"cust_name": ledger.DemoHolderName, "idcard": ledger.DemoHolderID, "class": class,
				"bound_account": bound, "new_pin": "246813", "confirm_pin": "246813"}
		}
		stranger := "11010119900315894"
		stranger += string(checkChar(stranger))
		vals := open("II", ledger.DemoPINAccount)
		vals["idcard"] = stranger
		e.refusedWith(t, "class_account_open", nil, vals, "E_CUSTOMER_UNKNOWN", "idcard")
		vals = open("II", ledger.DemoPINAccount)
		vals["cust_name"] = "林晓"
		e.refusedWith(t, "class_account_open", nil, vals, "E_NAME_MISMATCH", "cust_name")
		e.refusedWith(t, "class_account_open", nil, open("IV", ledger.DemoPINAccount), "E_ACCOUNT_CLASS", "class")
		e.refusedWith(t, "class_account_open", nil, open("II", A1), "E_BOUND_ACCOUNT", "bound_account")

		r := e.must(t, "class_account_open", T1, nil, open("II", ledger.DemoPINAccount))
		acct, _ := r.Values["account_no"].(string)
		if acct == "" || r.Values["account_class"] != "II" || r.Values["daily_limit"] != money.Fen(1_000_000) {
			t.Fatalf("class II: %v", r.Values)
		}
		if h, _ := e.pinOf(t, acct); h == "" {
			t.Fatal("no PIN set at opening")
		}
		// The PIN the customer set is the account's.
		e.must(t, "pin_change", T1, nil, map[string]any{"action": "change", "account": acct, "old_pin": "246813", "new_pin": "975310", "confirm_pin": "975310"})
		e.refusedWith(t, "class_account_open", nil, open("III", acct), "E_BOUND_ACCOUNT", "bound_account")

		for i := range 5 {
			r := e.must(t, "class_account_open", T1, nil, open("III", ledger.DemoPINAccount))
			if r.Values["daily_limit"] != money.Fen(200_000) {
				t.Fatalf("class III #%d: %v", i+1, r.Values)
			}
		}
		e.refusedWith(t, "class_account_open", nil, open("III", ledger.DemoPINAccount), "E_CLASS_LIMIT", "class")
		if n := e.leaks(t, "246813"); n != 0 {
			t.Errorf("%d rows show the PIN", n)
		}
		e.books(t)
	})
}

// TestAccountsCustomerUpdate: 2210 changes a customer's phone, address
// and ID expiry with the customer's ID and name, sealing the new values
// like the old, and keeps the values before each change in the history.
func TestAccountsCustomerUpdate(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		vals := func(more map[string]any) map[string]any {
			out := map[string]any{"idcard": ledger.DemoHolderID, "cust_name": ledger.DemoHolderName, "reason": "request"}
			for k, v := range more {
				out[k] = v
			}
			return out
		}
		e.refusedWith(t, "customer_update", nil, vals(nil), "E_NOTHING_CHANGED", "phone")
		e.refusedWith(t, "customer_update", nil, vals(map[string]any{"cust_name": "林晓", "phone": "13911112222"}), "E_NAME_MISMATCH", "cust_name")
		e.refusedWith(t, "customer_update", nil, vals(map[string]any{"id_expiry": "2020-01-01"}), "E_ID_EXPIRED", "id_expiry")
		r := e.must(t, "customer_update", T1, nil, vals(map[string]any{"phone": "13911112222", "id_expiry": "2036-03-15"}))
		if r.Values["changes"] != int64(1) || r.Values["id_valid_until"] != "2036-03-15" {
			t.Fatalf("first change: %v", r.Values)
		}
		e.must(t, "customer_update", T1, nil, vals(map[string]any{"address": "北京市东城区东直门内大街1号"}))
		c, err := e.store.FindCustomer(context.Background(), ledger.DemoHolderID)
		if err != nil || c.Phone != "13911112222" || c.Address != "北京市东城区东直门内大街1号" {
			t.Fatalf("customer after the changes: %+v %v", c, err)
		}
		var n int
		db := e.store.DB()
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM customer_changes WHERE customer_id = ? AND phone_cipher = '' AND id_expiry = ''`), c.ID); err != nil || n != 1 {
			t.Fatalf("history: %d rows with the values before the first change (%v)", n, err)
		}
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM customers WHERE phone_cipher LIKE ? OR address_cipher LIKE ?`), "%13911112222%", "%东直门%"); err != nil || n != 0 {
			t.Fatalf("%d customers keep a new value in clear (%v)", n, err)
		}
		if n := e.leaks(t, "13911112222"); n != 0 {
			t.Errorf("%d journal or receipt rows show the whole phone", n)
		}
	})
}

// TestAccountsOneClassIPerPerson: a person (one customer, found by the ID
// number's blind index) holds one class I account that is not closed
// (个人银行账户分类管理). 2101 refuses a second at the ID number, whatever
// the product, and whoever asks at once: of concurrent openings for one
// new person one posts. The partial unique index holds the rule against
// a statement that skips the guard. Class II and III accounts still open
// (2104); a closed class I account does not count.
func TestAccountsOneClassIPerPerson(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		id := "11010119900315902"
		id += string(checkChar(id))
		first := e.must(t, "open_account", T1, nil, openVals("林晓雪", id))
		acct, cust := first.Values["account_no"].(string), first.Values["customer_id"]
		accounts := func() int {
			var n int
			db := e.store.DB()
			if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM accounts WHERE customer_id = ?`), cust); err != nil {
				t.Fatal(err)
			}
			return n
		}
		e.refusedWith(t, "open_account", nil, openVals("林晓雪", id), "E_CLASS_I_EXISTS", "idcard")
		fixed := openVals("林晓雪", id)
		fixed["product"], fixed["initial_deposit"] = "fixed_1y", "100.00"
		e.refusedWith(t, "open_account", nil, fixed, "E_CLASS_I_EXISTS", "idcard")
		// The demo holder has DemoPINAccount, the seed's people one each.
		e.refusedWith(t, "open_account", nil, openVals(ledger.DemoHolderName, ledger.DemoHolderID), "E_CLASS_I_EXISTS", "idcard")
		if n := accounts(); n != 1 {
			t.Fatalf("%d accounts after refusals, want 1", n)
		}

		// Class II and III still open, bound to the class I account.
		for _, class := range []string{"II", "III"} {
			e.must(t, "class_account_open", T1, nil, map[string]any{"cust_name": "林晓雪", "idcard": id, "class": class,
				"bound_account": acct, "new_pin": "246813", "confirm_pin": "246813"})
		}
		if n := accounts(); n != 3 {
			t.Fatalf("%d accounts after class II and III, want 3", n)
		}

		// The index holds the rule without the guard.
		db := e.store.DB()
		if _, err := db.Exec(db.Rebind(`INSERT INTO accounts (number, customer_id, branch, opened_on) VALUES (?, ?, '0101', ?)`),
			ledger.AccountNumber("0101", 9999), cust, bizDate); err == nil {
			t.Fatal("a second class I account inserted past the index")
		}

		// Closed, it no longer counts: the same person opens another, as
		// the same customer.
		e.must(t, "close_account", T1, sup(), map[string]any{"account": acct, "idcard": id, "reason": "moving"})
		again := e.must(t, "open_account", T1, nil, openVals("林晓雪", id))
		if again.Values["customer_id"] != cust || again.Values["account_no"] == acct {
			t.Fatalf("reopened %v, first %v", again.Values, first.Values)
		}

		// Openings for one customer (of a closed class I account) at
		// once from two workstations (two stores: one store's postings
		// queue for its group commit), one at each branch (each numbers
		// its accounts apart): one posts, the others are refused at the
		// ID number, round after round.
		ws := []*env{e, openEnv(t, e.name, e.dsn, false)}
		for i, w := range ws { // the second store's connection, 010201's box of the day
			if _, err := w.post("cashbox_summary", []string{T1, "010201"}[i], nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		for round := range 5 {
			pid := fmt.Sprintf("110101199003159%02d", 20+round)
			pid += string(checkChar(pid))
			o := e.must(t, "open_account", T1, nil, openVals("林晓霜", pid))
			e.must(t, "close_account", T1, sup(), map[string]any{"account": o.Values["account_no"], "idcard": pid, "reason": "moving"})
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 4)
			for i := range errs {
				teller := []string{T1, "010201"}[i%2] // branch 0101 on one store, 0102 on the other
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = ws[i%2].post("open_account", teller, nil, openVals("林晓霜", pid))
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case ledger.CodeOf(err) != "E_CLASS_I_EXISTS" || fieldOf(err) != "idcard":
					t.Fatalf("round %d: concurrent opening: %v", round, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d concurrent openings posted, want 1", round, won)
			}
		}
		var n int
		if err := db.Get(&n, `SELECT COUNT(*) FROM (SELECT customer_id FROM accounts WHERE class = 'I' AND status <> 'closed'
			AND product NOT IN ('term', 'notice') GROUP BY customer_id HAVING COUNT(*) > 1) x`); err != nil || n != 0 {
			t.Fatalf("%d people with two class I accounts (%v)", n, err)
		}
		e.books(t)
	})
}
