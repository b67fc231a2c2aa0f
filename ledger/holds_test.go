package ledger_test

import (
	"fmt"
	"testing"

	"guitai/ledger"
	"guitai/money"
)

// TestHolds: freezes (2204), stop payments (2206) and loss reports (2201)
// are holds; every debit respects the available balance (balance − active
// holds; a hold of the whole account stops every debit), credits still
// come in, a freeze on a frozen account waits (轮候) until the first is
// lifted, and lifting a hold restores the debits. The books balance
// throughout.
func TestHolds(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		start := e.books(t)
		refused := func(t *testing.T, txn string, auth *ledger.Credentials, vals map[string]any, code ledger.Code, field string) {
			t.Helper()
			r, err := e.post(txn, T1, auth, vals)
			if ledger.CodeOf(err) != code || fieldOf(err) != field {
				t.Fatalf("%s %v: got %v (result %v), want %s at %s", txn, vals, err, r, code, field)
			}
		}
		withdraw := func(acct, amount string) (*ledger.Result, error) {
			return e.post("cash_withdrawal", T1, nil, map[string]any{"account": acct, "amount": amount})
		}
		officers := map[string]any{"officer1": "王立新", "officer1_id": "京法0101023", "officer2": "赵敏", "officer2_id": "京法0101077"}
		freeze := func(vals map[string]any) map[string]any {
			out := map[string]any{"authority": ledger.DemoFreezeAuthority, "document_no": "（2026）京0101执保9号"}
			for k, v := range officers {
				out[k] = v
			}
			for k, v := range vals {
				out[k] = v
			}
			return out
		}
		holdStatus := func(id string) (status string, queue int) {
			t.Helper()
			db := e.store.DB()
			if err := db.QueryRow(db.Rebind(`SELECT status, queue FROM holds WHERE id = ?`), id).Scan(&status, &queue); err != nil {
				t.Fatal(err)
			}
			return status, queue
		}
		// Cash in the teller's box for the withdrawals below.
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "45000.00"})
		expiry := "2027-05-01"

		t.Run("seeded holds", func(t *testing.T) {
			refused(t, "cash_withdrawal", nil, map[string]any{"account": ledger.DemoFrozenAccount, "amount": "1.00"}, "E_ACCOUNT_HELD", "account")
			bal := e.balance(t, ledger.DemoHeldAccount)
			over := money.Fen(bal - int64(ledger.DemoPartialHold) + 1)
			refused(t, "cash_withdrawal", sup(), map[string]any{"account": ledger.DemoHeldAccount, "amount": over.String(), "limit_reason": "court"}, "E_AVAILABLE_INSUFFICIENT", "amount")
			if _, err := withdraw(ledger.DemoHeldAccount, "100.00"); err != nil {
				t.Fatal(err)
			}
		})

		f := ledger.AccountNumber("0101", 241) // frozen, then a second freeze waits
		p := ledger.AccountNumber("0101", 242) // a partial freeze
		s := ledger.AccountNumber("0101", 243) // a stop payment
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": f, "amount": "500.00"})
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": p, "amount": "500.00"})
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": s, "amount": "500.00"})

		var first, second string
		t.Run("full freeze stops every debit", func(t *testing.T) {
			vals := freeze(map[string]any{"action": "freeze", "account": f, "kind": "judicial_freeze", "scope": "full", "expiry_date": expiry})
			refused(t, "freeze", nil, vals, "E_AUTH_REQUIRED", "authorizer")
			r := e.must(t, "freeze", T1, sup(), vals)
			first = r.Serial
			if r.Values["hold_id"] != first || r.Values["hold_status"] != "active" {
				t.Fatalf("freeze: %v", r.Values)
			}
			refused(t, "cash_withdrawal", nil, map[string]any{"account": f, "amount": "0.01"}, "E_ACCOUNT_HELD", "account")
			refused(t, "transfer", nil, map[string]any{"from_account": f, "to_account": A2, "amount": "1.00", "payee_name": "x", "purpose": "p"}, "E_ACCOUNT_HELD", "from_account")
			refused(t, "cheque_deposit", nil, map[string]any{"cheque_no": "10000001", "issue_date": bizDate, "amount": "1.00",
				"payer_account": f, "payer_name": "x", "payee_account": A2, "seal_ok": true}, "E_ACCOUNT_HELD", "payer_account")
			// A freeze stops debits, not credits.
			e.must(t, "transfer", T1, nil, map[string]any{"from_account": A2, "to_account": f, "amount": "1.00", "payee_name": "x", "purpose": "p"})
			// The other cases keep their codes.
			refused(t, "cash_withdrawal", nil, map[string]any{"account": ledger.AccountNumber("0101", 99999), "amount": "1.00"}, "E_ACCOUNT_UNKNOWN", "account")
			refused(t, "cash_withdrawal", nil, map[string]any{"account": A1, "amount": money.Fen(e.balance(t, A1) + 1).String()}, "E_INSUFFICIENT_FUNDS", "amount")
		})

		t.Run("a second freeze waits (轮候)", func(t *testing.T) {
			r := e.must(t, "freeze", T1, sup(), freeze(map[string]any{"action": "freeze", "account": f, "kind": "admin_freeze", "scope": "full",
				"authority": "北京市公安局东城分局", "document_no": "京公东冻字〔2026〕31号", "expiry_date": expiry}))
			second = r.Serial
			if st, q := holdStatus(second); st != "waiting" || q != 1 || r.Values["hold_status"] != "waiting" {
				t.Fatalf("second freeze %s queue %d (%v)", st, q, r.Values)
			}
			// Only the authority that froze may lift or renew.
			refused(t, "freeze", sup(), freeze(map[string]any{"action": "unfreeze", "account": f, "hold_id": first, "authority": "北京市公安局东城分局"}), "E_HOLD_AUTHORITY", "authority")
			refused(t, "freeze", sup(), freeze(map[string]any{"action": "renew", "account": f, "hold_id": first, "expiry_date": "2027-04-01"}), "E_HOLD_EXPIRY", "expiry_date")
			refused(t, "freeze", sup(), freeze(map[string]any{"action": "renew", "account": f, "hold_id": "nope", "expiry_date": "2027-06-01"}), "E_HOLD_UNKNOWN", "hold_id")
			e.must(t, "freeze", T1, sup(), freeze(map[string]any{"action": "renew", "account": f, "hold_id": first, "expiry_date": "2027-06-01"}))
			// Lifting the first freeze activates the waiting one: still no debit.
			e.must(t, "freeze", T1, sup(), freeze(map[string]any{"action": "unfreeze", "account": f, "hold_id": first}))
			if st, _ := holdStatus(first); st != "released" {
				t.Fatalf("first freeze %s after its release", st)
			}
			if st, _ := holdStatus(second); st != "active" {
				t.Fatalf("waiting freeze %s after the first was lifted", st)
			}
			refused(t, "cash_withdrawal", nil, map[string]any{"account": f, "amount": "0.01"}, "E_ACCOUNT_HELD", "account")
			e.must(t, "freeze", T1, sup(), freeze(map[string]any{"action": "unfreeze", "account": f, "hold_id": second,
				"authority": "北京市公安局东城分局", "document_no": "京公东解冻字〔2026〕3号"}))
			refused(t, "freeze", sup(), freeze(map[string]any{"action": "unfreeze", "account": f, "hold_id": second,
				"authority": "北京市公安局东城分局"}), "E_HOLD_UNKNOWN", "hold_id")
			if _, err := withdraw(f, "501.00"); err != nil {
				t.Fatalf("withdrawal after both freezes were lifted: %v", err)
			}
		})

		t.Run("partial freeze leaves the rest available", func(t *testing.T) {
			bal := e.balance(t, p)
			held := money.Fen(bal - 10000) // 100.00 stays available
			refused(t, "freeze", sup(), freeze(map[string]any{"action": "freeze", "account": p, "kind": "judicial_freeze", "scope": "partial", "expiry_date": expiry}), "E_HOLD_AMOUNT", "freeze_amount")
			refused(t, "freeze", sup(), freeze(map[string]any{"action": "freeze", "account": p, "kind": "judicial_freeze", "scope": "partial",
				"freeze_amount": held.String(), "expiry_date": "2028-01-01"}), "E_HOLD_EXPIRY", "expiry_date")
			r := e.must(t, "freeze", T1, sup(), freeze(map[string]any{"action": "freeze", "account": p, "kind": "judicial_freeze", "scope": "partial",
				"freeze_amount": held.String(), "expiry_date": expiry}))
			if r.Values["hold_amount"] != held {
				t.Fatalf("hold amount %v, want %v", r.Values["hold_amount"], held)
			}
			refused(t, "cash_withdrawal", nil, map[string]any{"account": p, "amount": "100.01"}, "E_AVAILABLE_INSUFFICIENT", "amount")
			refused(t, "transfer", nil, map[string]any{"from_account": p, "to_account": A2, "amount": "100.01", "payee_name": "x", "purpose": "p"}, "E_AVAILABLE_INSUFFICIENT", "amount")
			if _, err := withdraw(p, "100.00"); err != nil {
				t.Fatalf("withdrawing the available balance: %v", err)
			}
			refused(t, "cash_withdrawal", nil, map[string]any{"account": p, "amount": "0.01"}, "E_AVAILABLE_INSUFFICIENT", "amount")
			e.must(t, "freeze", T1, sup(), freeze(map[string]any{"action": "unfreeze", "account": p, "hold_id": r.Serial}))
			if _, err := withdraw(p, "0.01"); err != nil {
				t.Fatalf("withdrawal after the release: %v", err)
			}
		})

		t.Run("stop payment", func(t *testing.T) {
			vals := map[string]any{"action": "stop", "account": s, "requester": "北京市公安局东城分局", "reason": "police_request", "document_no": "京公东紧急止付〔2026〕7号"}
			refused(t, "stop_payment", nil, vals, "E_AUTH_REQUIRED", "authorizer")
			r := e.must(t, "stop_payment", T1, sup(), vals)
			refused(t, "cash_withdrawal", nil, map[string]any{"account": s, "amount": "0.01"}, "E_ACCOUNT_HELD", "account")
			refused(t, "transfer", nil, map[string]any{"from_account": s, "to_account": A2, "amount": "1.00", "payee_name": "x", "purpose": "p"}, "E_ACCOUNT_HELD", "from_account")
			refused(t, "stop_payment", sup(), map[string]any{"action": "release", "account": s, "hold_id": r.Serial, "requester": "someone else"}, "E_HOLD_AUTHORITY", "requester")
			e.must(t, "stop_payment", T1, sup(), map[string]any{"action": "release", "account": s, "hold_id": r.Serial, "requester": "北京市公安局东城分局"})
			if _, err := withdraw(s, "1.00"); err != nil {
				t.Fatalf("withdrawal after the release: %v", err)
			}
		})

		t.Run("loss report is a hold", func(t *testing.T) {
			id := "11010119880505003"
			id += string(checkChar(id))
			o := e.must(t, "open_account", T1, nil, map[string]any{"cust_name": "钱七", "idcard": id, "gender": "m",
				"birth_date": "1988-05-05", "phone": "13800002222", "occupation": "x", "address": "y", "product": "demand"})
			acct := fmt.Sprint(o.Values["account_no"])
			e.must(t, "cash_deposit", T1, nil, map[string]any{"account": acct, "amount": "300.00"})
			loss := map[string]any{"account": acct, "medium": "card", "cust_name": "钱七", "idcard": id, "phone": "13800002222", "loss_type": "formal", "reason": "lost"}
			r := e.must(t, "card_loss_report", T1, nil, loss)
			refused(t, "card_loss_report", nil, loss, "E_LOSS_REPORTED", "account")
			db := e.store.DB()
			var status, kind string
			if err := db.QueryRow(db.Rebind(`SELECT a.status, h.kind FROM accounts a JOIN holds h ON h.account = a.number WHERE h.id = ?`), r.Serial).Scan(&status, &kind); err != nil {
				t.Fatal(err)
			}
			if status != "active" || kind != "loss_report" {
				t.Fatalf("after a loss report: account %s, hold %s", status, kind)
			}
			refused(t, "cash_withdrawal", nil, map[string]any{"account": acct, "amount": "1.00"}, "E_ACCOUNT_HELD", "account")
			other := "11010119880505011"
			other += string(checkChar(other))
			rel := map[string]any{"action": "release", "account": acct, "hold_id": r.Serial, "requester": "钱七", "idcard": other}
			refused(t, "stop_payment", sup(), rel, "E_ID_MISMATCH", "idcard")
			rel["idcard"] = id
			e.must(t, "stop_payment", T1, sup(), rel)
			if _, err := withdraw(acct, "300.00"); err != nil {
				t.Fatalf("withdrawal after the loss report was lifted: %v", err)
			}
		})

		end := e.books(t)
		if end.Equity != start.Equity || end.Net() != 0 {
			t.Fatalf("equity %d -> %d, net %d", start.Equity, end.Equity, end.Net())
		}
	})
}
