package ledger_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"guitai/ledger"
	"guitai/money"
)

// refusedAt asserts that posting txn as T1 fails with code at field and
// returns nothing.
func (e *env) refusedAt(t *testing.T, txn string, auth *ledger.Credentials, vals map[string]any, code ledger.Code, field string) {
	t.Helper()
	r, err := e.post(txn, T1, auth, vals)
	if ledger.CodeOf(err) != code || fieldOf(err) != field {
		t.Fatalf("%s %v: got %v (result %v), want %s at %q", txn, vals, err, r, code, field)
	}
}

// boxOf is a teller's cash box of the business date.
type boxOf struct {
	Balance   int64 `db:"balance"`
	CashIn    int64 `db:"cash_in"`
	CashOut   int64 `db:"cash_out"`
	OverShort int64 `db:"over_short"`
}

func (e *env) box(t *testing.T, teller string) boxOf {
	t.Helper()
	var b boxOf
	db := e.store.DB()
	if err := db.Get(&b, db.Rebind(`SELECT balance, cash_in, cash_out, over_short FROM cash_boxes WHERE teller = ? AND business_date = ?`), teller, bizDate); err != nil {
		t.Fatalf("box of %s: %v", teller, err)
	}
	return b
}

func (e *env) glBalance(t *testing.T, code string) int64 {
	t.Helper()
	var v int64
	db := e.store.DB()
	if err := db.Get(&v, db.Rebind(`SELECT balance FROM gl_books WHERE code = ?`), code); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCashModules: 3107 note exchange leaves the box's total as it was
// and refuses unequal sides at the amount; 3103 moves cash between two
// tellers' boxes only with the receiver's own confirmation, and reverses
// while the receiver still holds the cash; 3106 books a box's over or
// short against suspense with a supervisor and a reason; 3105 hands the
// whole box, cash and vouchers, to another teller with a supervisor as
// witness. The books balance throughout.
func TestCashModules(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		start := e.books(t)
		e.must(t, "cashbox_allocate", T1, nil, allocate("10000", 100))

		t.Run("3107 note exchange", func(t *testing.T) {
			before := e.box(t, T1)
			// 2 × 100 in, 3 × 50 + 5 × 10 out.
			vals := map[string]any{"amount": "200.00", "in_n100": "2", "out_n50": "3", "out_n10": "5", "memo": "残损币兑换"}
			r := e.must(t, "note_exchange", T1, nil, vals)
			if after := e.box(t, T1); after != before {
				t.Fatalf("box %+v after an exchange, was %+v", after, before)
			}
			if r.Values["box_balance"] != money.Fen(before.Balance) {
				t.Fatalf("returned %v", r.Values)
			}
			e.refusedAt(t, "note_exchange", nil, map[string]any{"amount": "200.00", "in_n100": "2", "out_n50": "3", "out_n10": "4"}, "E_EXCHANGE_UNEQUAL", "amount")
			e.refusedAt(t, "note_exchange", nil, map[string]any{"amount": "200.00", "in_n100": "1", "out_n100": "2"}, "E_EXCHANGE_IN", "amount")
			var n int
			db := e.store.DB()
			if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM postings WHERE serial = ?`), r.Serial); err != nil || n != 0 {
				t.Fatalf("%d postings for a note exchange (%v)", n, err)
			}
		})

		t.Run("3103 teller-to-teller transfer", func(t *testing.T) {
			from, to := e.box(t, T1), boxOf{}
			vals := map[string]any{"amount": "1500.00", "handover_id": T2, "n100": "15", "memo": "午间调剂"}
			// Without the receiver's confirmation, or confirmed by someone else: refused.
			req := ledger.Request{Txn: "cash_transfer", Values: vals, Teller: T1, Terminal: "T-01", Key: key()}
			if _, err := e.exec.Submit(context.Background(), req); ledger.CodeOf(err) != "E_COUNTERPART_REQUIRED" {
				t.Fatalf("without the receiver: %v", err)
			}
			req.Key, req.Counterpart = key(), sup()
			if _, err := e.exec.Submit(context.Background(), req); ledger.CodeOf(err) != "E_COUNTERPART_MISMATCH" {
				t.Fatalf("confirmed by another: %v", err)
			}
			r := e.must(t, "cash_transfer", T1, nil, vals)
			to = e.box(t, T2)
			if got := e.box(t, T1); got.Balance != from.Balance-150000 || got.CashOut != from.CashOut+150000 {
				t.Fatalf("giver's box %+v, was %+v", got, from)
			}
			if to.Balance != 150000 || to.CashIn != 150000 {
				t.Fatalf("receiver's box %+v", to)
			}
			if r.Values["receiver_balance"] != money.Fen(150000) {
				t.Fatalf("returned %v", r.Values)
			}
			e.refusedAt(t, "cash_transfer", nil, map[string]any{"amount": "1.00", "handover_id": T1, "c1": "1"}, "E_TRANSFER_RECEIVER", "handover_id")
			e.refusedAt(t, "cash_transfer", nil, map[string]any{"amount": "1.00", "handover_id": SUP, "c1": "1"}, "E_TRANSFER_RECEIVER", "handover_id")
			e.refusedAt(t, "cash_transfer", nil, map[string]any{"amount": "1.00", "handover_id": "010201", "c1": "1"}, "E_TRANSFER_RECEIVER", "handover_id")
			e.refusedAt(t, "cash_transfer", nil, map[string]any{"amount": "2.00", "handover_id": T2, "c1": "1"}, "E_DENOMINATIONS", "amount")
			e.refusedAt(t, "cash_transfer", nil, map[string]any{"amount": "100000.00", "handover_id": T2, "n100": "1000"}, "E_BOX_INSUFFICIENT", "amount")
			// And back: the receiver's cash is theirs to hand on.
			back := map[string]any{"amount": "500.00", "handover_id": T1, "n100": "5"}
			req = ledger.Request{Txn: "cash_transfer", Values: back, Teller: T2, Terminal: "T-02", Key: key(),
				Counterpart: &ledger.Credentials{ID: T1, Password: ledger.DemoPassword}}
			res, err := e.exec.Submit(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.box(t, T2); got.Balance != 100000 {
				t.Fatalf("receiver's box after handing back: %+v", got)
			}
			// A transfer is reversible (with the supervisor every reversal
			// needs) while the receiver still holds the cash.
			if _, err := e.post("reversal", T1, sup(), map[string]any{"orig_serial": r.Serial, "orig_date": bizDate, "reason": "调错柜员"}); ledger.CodeOf(err) != "E_BOX_INSUFFICIENT" {
				t.Fatalf("reversing more than the receiver holds: %v", err)
			}
			if _, err := e.post("reversal", T2, sup(), map[string]any{"orig_serial": res.Serial, "orig_date": bizDate, "reason": "重复调回"}); err != nil {
				t.Fatal(err)
			}
			if got := e.box(t, T2); got.Balance != 150000 || got.CashIn != 150000 || got.CashOut != 0 {
				t.Fatalf("receiver's box after the reversal: %+v", got)
			}
			if got := e.box(t, T1); got.Balance != from.Balance-150000 {
				t.Fatalf("giver's box after the reversal: %+v", got)
			}
		})

		t.Run("3106 over and short", func(t *testing.T) {
			before, susp := e.box(t, T1), e.glBalance(t, "SUSP-0101")
			over := map[string]any{"action": "over", "amount": "12.30", "reason": "客户多付未取回"}
			e.refusedAt(t, "cash_over_short", nil, over, "E_AUTH_REQUIRED", "authorizer")
			e.refusedAt(t, "cash_over_short", sup(), map[string]any{"action": "over", "amount": "12.30", "reason": "x"}, "E_OVER_SHORT_REASON", "reason")
			e.refusedAt(t, "cash_over_short", sup(), map[string]any{"action": "lost", "amount": "12.30", "reason": "客户多付未取回"}, "E_OVER_SHORT_ACTION", "action")
			r := e.must(t, "cash_over_short", T1, sup(), over)
			if r.Authorizer != SUP || r.Values["difference"] != money.Fen(1230) {
				t.Fatalf("over: %+v", r)
			}
			e.must(t, "cash_over_short", T1, sup(), map[string]any{"action": "short", "amount": "2.00", "reason": "点钞差错短款"})
			got := e.box(t, T1)
			if got.Balance != before.Balance+1030 || got.OverShort != before.OverShort+1030 {
				t.Fatalf("box %+v, was %+v", got, before)
			}
			if s := e.glBalance(t, "SUSP-0101"); s != susp-1030 {
				t.Fatalf("suspense %d, was %d", s, susp)
			}
			e.refusedAt(t, "cash_over_short", sup(), map[string]any{"action": "short", "amount": "100000.00", "reason": "点钞差错短款"}, "E_BOX_INSUFFICIENT", "amount")
		})

		t.Run("3105 box handover witnessed", func(t *testing.T) {
			giver := e.box(t, T1)
			all := map[string]any{"amount": money.Fen(giver.Balance).String(), "handover_id": T2,
				"n100": fmt.Sprint(giver.Balance / 10000), "f1": fmt.Sprint(giver.Balance % 10000)}
			e.refusedAt(t, "box_handover", nil, all, "E_AUTH_REQUIRED", "authorizer")
			e.refusedAt(t, "box_handover", sup(), map[string]any{"amount": "100.00", "handover_id": T2, "n100": "1"}, "E_HANDOVER_AMOUNT", "amount")
			e.refusedAt(t, "box_handover", sup(), map[string]any{"amount": all["amount"], "handover_id": SUP, "n100": all["n100"], "f1": all["f1"]}, "E_TRANSFER_RECEIVER", "handover_id")
			receiver := e.box(t, T2)
			r := e.must(t, "box_handover", T1, sup(), all)
			if r.Authorizer != SUP || r.Values["witness_name"] == "" || r.Values["vouchers_handed"] != int64(4*ledger.DemoBoxVouchers) {
				t.Fatalf("handover %+v", r)
			}
			if got := e.box(t, T1); got.Balance != 0 || got.CashOut != giver.CashOut+giver.Balance {
				t.Fatalf("giver's box after the handover %+v", got)
			}
			if got := e.box(t, T2); got.Balance != receiver.Balance+giver.Balance {
				t.Fatalf("receiver's box after the handover %+v, was %+v", got, receiver)
			}
			var left, moved int
			db := e.store.DB()
			if err := db.Get(&left, db.Rebind(`SELECT COUNT(*) FROM vouchers WHERE location = ? AND status = 'unused'`), "BOX-"+T1); err != nil {
				t.Fatal(err)
			}
			if err := db.Get(&moved, db.Rebind(`SELECT COUNT(*) FROM vouchers WHERE location = ? AND teller = ? AND issue_serial = ?`), "BOX-"+T2, T2, r.Serial); err != nil {
				t.Fatal(err)
			}
			if left != 0 || moved != 4*ledger.DemoBoxVouchers {
				t.Fatalf("vouchers: %d left in the giver's box, %d moved", left, moved)
			}
		})

		t.Run("3103 to a balanced box refused", func(t *testing.T) {
			bal := e.box(t, T2).Balance
			e.must(t, "day_end_balance", T2, nil, map[string]any{"n100": fmt.Sprint(bal / 10000), "f1": fmt.Sprint(bal % 10000)})
			e.must(t, "cashbox_allocate", T1, nil, allocate("100", 1))
			e.refusedAt(t, "cash_transfer", nil, map[string]any{"amount": "100.00", "handover_id": T2, "n100": "1"}, "E_TRANSFER_RECEIVER_BOX", "handover_id")
			if got := e.box(t, T1); got.Balance != 10000 {
				t.Fatalf("giver's box after the refusal %+v", got)
			}
		})

		end := e.books(t)
		if end.Equity != start.Equity || end.Net() != 0 || end.Cash != start.Cash-end.Suspense+start.Suspense {
			t.Fatalf("books %+v after %+v", end, start)
		}
	})
}

// voucherRow is one voucher's place and state.
type voucherRow struct {
	Location   string `db:"location"`
	Teller     string `db:"teller"`
	Status     string `db:"status"`
	UsedSerial string `db:"used_serial"`
	Account    string `db:"account"`
	Reason     string `db:"reason"`
}

func (e *env) voucher(t *testing.T, kind string, no int64) voucherRow {
	t.Helper()
	var v voucherRow
	db := e.store.DB()
	if err := db.Get(&v, db.Rebind(`SELECT location, teller, status, used_serial, account, reason FROM vouchers WHERE kind = ? AND serial_no = ?`), kind, no); err != nil {
		t.Fatalf("voucher %s %d: %v", kind, no, err)
	}
	return v
}

// TestVouchers: the demo stock; 3201 issues a serial range from the vault
// to the teller's box (the vault keeper confirms); 3202 sells the next
// cheque book in serial order, its fee debited within the available
// balance; 3203 voids one with a supervisor and a reason, and returns a
// range to the vault; ConsumeVoucherSQL uses the next 存单 as a later
// module's step would. Every voucher is accounted for at the end.
func TestVouchers(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		start := e.books(t)
		base := ledger.DemoVoucherBase("0101")
		// T1's box holds the first serials, T2's the next, the vault the rest.
		boxFirst, vaultFirst := base+1, base+2*ledger.DemoBoxVouchers+1
		stock := func() map[string]int64 {
			t.Helper()
			rows, err := e.store.VoucherStock(context.Background(), "0101")
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int64{}
			for _, r := range rows {
				out[r.Location+"/"+r.Kind+"/"+r.Status] += r.Count
			}
			return out
		}
		s0 := stock()
		if s0["VAULT-0101/cheque_book/unused"] != ledger.DemoVaultVouchers || s0["BOX-010101/certificate/unused"] != ledger.DemoBoxVouchers {
			t.Fatalf("demo stock %v", s0)
		}
		if v := e.voucher(t, "cheque_book", boxFirst); v.Location != "BOX-010101" || v.Teller != T1 || v.Status != "unused" {
			t.Fatalf("seeded box voucher %+v", v)
		}
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "100.00"}) // opens T1's box
		lookup := func(kind string) map[string]any {
			t.Helper()
			r, err := e.exec.Lookup(context.Background(), ledger.Request{Txn: "voucher_stock", Values: map[string]any{"kind": kind}, Teller: T1, Terminal: "T-01"})
			if err != nil {
				t.Fatal(err)
			}
			return r.Values
		}
		if v := lookup(""); v["next_no"] != boxFirst || v["box_stock"] != int64(ledger.DemoBoxVouchers) ||
			v["vault_next"] != vaultFirst || v["vault_stock"] != int64(ledger.DemoVaultVouchers) || v["box_vouchers"] != int64(4*ledger.DemoBoxVouchers) {
			t.Fatalf("stock lookup (cheque books) %v", v)
		}

		t.Run("3201 issue", func(t *testing.T) {
			vals := map[string]any{"kind": "cheque_book", "from_no": fmt.Sprint(vaultFirst), "to_no": fmt.Sprint(vaultFirst + 9), "handover_id": T2}
			r := e.must(t, "voucher_issue", T1, nil, vals)
			if r.Values["voucher_count"] != int64(10) || r.Values["box_stock"] != int64(15) || r.Values["next_no"] != boxFirst {
				t.Fatalf("issue returned %v", r.Values)
			}
			for _, no := range []int64{vaultFirst, vaultFirst + 9} {
				if v := e.voucher(t, "cheque_book", no); v.Location != "BOX-010101" || v.Teller != T1 || v.Status != "unused" {
					t.Fatalf("voucher %d after the issue: %+v", no, v)
				}
			}
			if v := e.voucher(t, "cheque_book", vaultFirst+10); v.Location != "VAULT-0101" {
				t.Fatalf("voucher past the range moved: %+v", v)
			}
			// Already issued, past the vault's stock, backwards, too many, unknown kind.
			e.refusedAt(t, "voucher_issue", nil, vals, "E_VOUCHER_NOT_IN_VAULT", "from_no")
			e.refusedAt(t, "voucher_issue", nil, map[string]any{"kind": "cheque_book", "from_no": fmt.Sprint(vaultFirst + 95), "to_no": fmt.Sprint(vaultFirst + 105), "handover_id": T2}, "E_VOUCHER_NOT_IN_VAULT", "from_no")
			e.refusedAt(t, "voucher_issue", nil, map[string]any{"kind": "cheque_book", "from_no": "20", "to_no": "10", "handover_id": T2}, "E_VOUCHER_RANGE", "to_no")
			e.refusedAt(t, "voucher_issue", nil, map[string]any{"kind": "cheque_book", "from_no": "1", "to_no": "1001", "handover_id": T2}, "E_VOUCHER_RANGE", "to_no")
			e.refusedAt(t, "voucher_issue", nil, map[string]any{"kind": "bond", "from_no": "1", "to_no": "2", "handover_id": T2}, "E_VOUCHER_KIND", "kind")
			// The vault keeper confirms, as for cash.
			req := ledger.Request{Txn: "voucher_issue", Teller: T1, Terminal: "T-01", Key: key(),
				Values: map[string]any{"kind": "card", "from_no": fmt.Sprint(vaultFirst), "to_no": fmt.Sprint(vaultFirst), "handover_id": T2}}
			if _, err := e.exec.Submit(context.Background(), req); ledger.CodeOf(err) != "E_COUNTERPART_REQUIRED" {
				t.Fatalf("issue without the vault keeper: %v", err)
			}
		})

		t.Run("3202 sale in serial order", func(t *testing.T) {
			before, equity := e.balance(t, A2), e.glBalance(t, "EQUITY-0101")
			r := e.must(t, "voucher_sale", T1, nil, map[string]any{"account": A2, "fee": "25.00"})
			if r.Values["voucher_no"] != boxFirst || r.Values["balance"] != money.Fen(before-2500) {
				t.Fatalf("sale returned %v", r.Values)
			}
			if v := e.voucher(t, "cheque_book", boxFirst); v.Status != "sold" || v.UsedSerial != r.Serial || v.Account != A2 {
				t.Fatalf("sold voucher %+v", v)
			}
			if e.glBalance(t, "EQUITY-0101") != equity+2500 {
				t.Fatal("fee not booked to income")
			}
			r = e.must(t, "voucher_sale", T1, nil, map[string]any{"account": A2})
			if r.Values["voucher_no"] != boxFirst+1 || e.balance(t, A2) != before-2500 {
				t.Fatalf("second sale %v", r.Values)
			}
			// A fee is a debit: it respects holds and the balance.
			e.refusedAt(t, "voucher_sale", nil, map[string]any{"account": ledger.DemoFrozenAccount, "fee": "1.00"}, "E_ACCOUNT_HELD", "account")
			empty := ledger.AccountNumber("0101", 10) // the seed leaves every tenth account at zero
			if e.balance(t, empty) != 0 {
				t.Fatalf("%s is not empty", empty)
			}
			e.refusedAt(t, "voucher_sale", nil, map[string]any{"account": empty, "fee": "0.01"}, "E_INSUFFICIENT_FUNDS", "fee")
			e.refusedAt(t, "voucher_sale", nil, map[string]any{"account": ledger.AccountNumber("0101", 99999)}, "E_ACCOUNT_UNKNOWN", "account")
			// T2 has none left once theirs are sold.
			for i := 0; i < ledger.DemoBoxVouchers; i++ {
				if _, err := e.post("voucher_sale", T2, nil, map[string]any{"account": A3}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.post("voucher_sale", T2, nil, map[string]any{"account": A3}); ledger.CodeOf(err) != "E_VOUCHER_NONE" {
				t.Fatalf("sale from an empty box: %v", err)
			}
		})

		t.Run("3203 void and return", func(t *testing.T) {
			next := boxFirst + 2
			void := map[string]any{"action": "void", "kind": "cheque_book", "from_no": fmt.Sprint(next), "reason": "打印错位"}
			e.refusedAt(t, "voucher_void", nil, void, "E_AUTH_REQUIRED", "authorizer")
			e.refusedAt(t, "voucher_void", sup(), map[string]any{"action": "void", "kind": "cheque_book", "from_no": fmt.Sprint(next)}, "E_VOUCHER_REASON", "reason")
			e.refusedAt(t, "voucher_void", sup(), map[string]any{"action": "void", "kind": "cheque_book", "from_no": fmt.Sprint(boxFirst), "reason": "打印错位"}, "E_VOUCHER_NOT_IN_BOX", "from_no")
			e.refusedAt(t, "voucher_void", sup(), map[string]any{"action": "void", "kind": "cheque_book", "from_no": fmt.Sprint(next), "to_no": fmt.Sprint(next + 1), "reason": "打印错位"}, "E_VOUCHER_RANGE", "to_no")
			r := e.must(t, "voucher_void", T1, sup(), void)
			if v := e.voucher(t, "cheque_book", next); v.Status != "void" || v.Reason != "打印错位" || v.UsedSerial != r.Serial {
				t.Fatalf("voided %+v", v)
			}
			if r.Values["next_no"] != next+1 {
				t.Fatalf("next after the void %v", r.Values)
			}
			// Return the issued range to the vault, no supervisor needed.
			ret := map[string]any{"action": "return", "kind": "cheque_book", "from_no": fmt.Sprint(vaultFirst), "to_no": fmt.Sprint(vaultFirst + 9)}
			r = e.must(t, "voucher_void", T1, nil, ret)
			if r.Authorizer != "" || r.Values["voucher_count"] != int64(10) {
				t.Fatalf("return %+v", r)
			}
			if v := e.voucher(t, "cheque_book", vaultFirst+3); v.Location != "VAULT-0101" || v.Teller != "" || v.Status != "unused" {
				t.Fatalf("returned voucher %+v", v)
			}
			e.refusedAt(t, "voucher_void", nil, ret, "E_VOUCHER_NOT_IN_BOX", "from_no")
		})

		t.Run("a module consumes the next certificate", func(t *testing.T) {
			consume := func() (int64, int64) {
				t.Helper()
				tx, err := e.store.DB().Beginx()
				if err != nil {
					t.Fatal(err)
				}
				defer tx.Rollback()
				q, args, err := sqlx.Named(ledger.ConsumeVoucherSQL("certificate"), map[string]any{"serial": "TEST-1", "teller": T1,
					"business_date": bizDate, "account": A1, "cashbox": "BOX-" + T1})
				if err != nil {
					t.Fatal(err)
				}
				var no int64
				if err := tx.Get(&no, tx.Rebind(q), args...); err != nil {
					t.Fatal(err)
				}
				var left int64
				if err := tx.Get(&left, tx.Rebind(`SELECT COUNT(*) FROM vouchers WHERE kind = 'certificate' AND location = ? AND status = 'unused'`), "BOX-"+T1); err != nil {
					t.Fatal(err)
				}
				return no, left
			}
			if no, left := consume(); no != boxFirst || left != ledger.DemoBoxVouchers-1 {
				t.Fatalf("consumed %d, %d left", no, left)
			}
			if v := lookup("certificate"); v["next_no"] != boxFirst {
				t.Fatalf("the consumption was rolled back, yet the lookup says %v", v)
			}
		})

		// Every voucher is accounted for: as many as the seed made, by kind.
		s1 := stock()
		for _, kind := range ledger.VoucherKinds {
			var was, now int64
			for k, n := range s0 {
				if strings.Contains(k, "/"+kind+"/") {
					was += n
				}
			}
			for k, n := range s1 {
				if strings.Contains(k, "/"+kind+"/") {
					now += n
				}
			}
			if was != now || was == 0 {
				t.Errorf("%s: %d vouchers, seeded %d", kind, now, was)
			}
		}
		if s1["VAULT-0101/cheque_book/unused"] != ledger.DemoVaultVouchers || s1["BOX-010101/cheque_book/sold"] != 2 ||
			s1["BOX-010101/cheque_book/void"] != 1 || s1["BOX-010102/cheque_book/sold"] != ledger.DemoBoxVouchers {
			t.Errorf("stock at the end %v", s1)
		}
		end := e.books(t)
		if end.Net() != 0 || end.Equity != start.Equity+2500 {
			t.Fatalf("books %+v after %+v", end, start)
		}
	})
}
