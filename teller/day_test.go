package teller

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/ledger"
	"guitai/money"
)

// TestWholeDayOnTheDemoSeed walks a teller's day through the window on a
// fresh demo ledger, with the demo seed's own accounts and nothing posted
// behind the window's back: the empty box is pointed out, cash allocated,
// a deposit with fen, a 60,000 withdrawal a supervisor authorizes and its
// reversal, a transfer, a balance inquiry, an account opened (its number
// shown), the day-end count with coins that balances to 0.00, the box
// handed in, sign-off with nothing left in the box; then the books and the
// audit log are checked.
func TestWholeDayOnTheDemoSeed(t *testing.T) {
	e := newE2E(t)
	wait(t, e.s)
	if !shows(e.w.Content(), "3101") {
		t.Error("the welcome screen does not say to allocate cash (3101) into the empty box")
	}
	if d := e.s.cfg.BusinessDate; d == "" || !shows(e.s.layout.header, d) {
		t.Errorf("the header does not show the business date %q", d)
	}

	// Cash from the vault, counted by the vault keeper 010102.
	f := e.openCode("3101", "cashbox_allocate")
	e.typeIn(f, "amount", "200000")
	e.typeIn(f, "handover_id", "010102")
	e.typeIn(f, "n100", "2000")
	o := e.submit(false)
	e.checkPosted(o, want{code: "3101", account: "010102", amount: yuan("200000")})
	if !o.handover {
		t.Error("the allocation posted without the vault keeper's confirmation")
	}

	// A deposit with fen.
	acct := e.account(0, 0)
	f = e.openCode("1401", "cash_deposit")
	e.typeIn(f, "account", acct)
	e.typeIn(f, "amount", "1234.56")
	o = e.submit(false)
	e.checkPosted(o, want{code: "1401", account: acct, amount: yuan("1234.56"), receipt: []string{"1,234.56"}})

	// 60,000 in cash from a wealthier customer: the supervisor authorizes.
	rich := e.account(yuan("100000"), 0)
	f = e.openCode("1402", "cash_withdrawal")
	e.typeIn(f, "account", rich)
	if v, _ := f.Scope.Get("daily_left"); v != ledger.DemoRichDailyLimit {
		t.Errorf("cash left today shown %v, want %s", v, ledger.DemoRichDailyLimit.Grouped())
	}
	e.typeIn(f, "amount", "60000")
	e.typeIn(f, "idcard", "11010519491231002X")
	f.Scope.Set("id_verified", true)
	o = e.submit(false)
	if !o.auth {
		t.Error("the window did not ask for a supervisor for 60,000")
	}
	e.checkPosted(o, want{code: "1402", authorizer: "010199", account: rich, amount: yuan("60000"), receipt: []string{"60,000.00"}})
	withdrawal := o.serial

	// The customer changes their mind: reversed, with the supervisor.
	f = e.openCode("1901", "reversal")
	e.typeIn(f, "orig_serial", withdrawal)
	if v, _ := f.Scope.Get("orig_date"); v != e.date {
		e.typeIn(f, "orig_date", e.date)
	}
	e.typeIn(f, "reason", "客户取消取款")
	o = e.submit(false)
	e.checkPosted(o, want{code: "1901", authorizer: "010199", account: rich, amount: yuan("60000"), receipt: []string{withdrawal}})

	// A transfer to another demo customer.
	to := e.account(0, 5)
	f = e.openCode("1403", "transfer")
	e.typeIn(f, "from_account", acct)
	e.typeIn(f, "to_account", to)
	// The teller types the name the customer gives; the account's holder
	// is shown beside it.
	holder, _ := f.Scope.Get("payee_holder")
	e.typeIn(f, "payee_name", fmt.Sprint(holder))
	e.typeIn(f, "amount", "321")
	f.Scope.Set("purpose", "salary")
	o = e.submit(false)
	e.checkPosted(o, want{code: "1403", account: acct, amount: yuan("321"), receipt: []string{"321.00"}})

	// A balance inquiry.
	f = e.openCode("1405", "balance_inquiry")
	e.typeIn(f, "account", acct)
	o = e.submit(false)
	e.checkPosted(o, want{code: "1405", account: acct})

	// A new account: its number is in the success message.
	id := customerID("19900307")
	f = e.openCode("2101", "open_account")
	e.typeIn(f, "cust_name", "赵雷")
	e.typeIn(f, "idcard", id) // the birth date and the gender come from it
	e.typeIn(f, "phone", "13900001111")
	f.Scope.Set("occupation", "employee")
	e.typeIn(f, "address", "北京市东城区")
	f.Scope.Set("product", "demand")
	e.typeIn(f, "initial_deposit", "100")
	o = e.submit(false)
	newAccount := e.journal(o.serial).Account
	e.checkPosted(o, want{code: "2101", amount: yuan("100"), receipt: []string{newAccount}})
	if top := e.w.Canvas().Overlays().Top(); top == nil || !shows(top, newAccount) || !shows(top, "新开账号") {
		t.Errorf("the success message does not show the new account number %s", newAccount)
	}

	// Day-end: the count, coins and fen included, meets the book figure.
	f = e.openCode("3901", "day_end_balance")
	v, _ := f.Scope.Get("expected")
	expected, _ := v.(money.Fen)
	if want := yuan("200000") + yuan("1234.56") + yuan("100"); expected != want {
		t.Fatalf("the day-end form expects %s, want %s", expected.Grouped(), want.Grouped())
	}
	for _, c := range countOf(expected) {
		e.typeIn(f, c[0], c[1])
	}
	e.dismiss()
	e.submitButton()
	// The confirmation shows the counted total and the difference.
	top := e.w.Canvas().Overlays().Top()
	if top == nil || !shows(top, "¥"+expected.Grouped()) && !shows(top, expected.Grouped()) || !shows(top, "0.00") {
		t.Errorf("the confirmation does not show the counted total %s and a 0.00 difference", expected.Grouped())
	}
	tap(t, e.w, confirmZh)
	wait(t, e.s)
	if top := e.w.Canvas().Overlays().Top(); top == nil || !shows(top, expected.Grouped()) {
		t.Error("the success message does not show the counted total")
	}
	if b := e.box(); b.Status != "balanced" || b.OverShort != 0 || b.Balance != int64(expected) {
		t.Errorf("box %+v after balancing", b)
	}

	// Everything in the box goes back to the vault, coins and fen too.
	f = e.openCode("3102", "cashbox_settle")
	e.typeIn(f, "amount", expected.String())
	e.typeIn(f, "handover_id", "010102")
	for _, c := range countOf(expected) {
		e.typeIn(f, c[0], c[1])
	}
	o = e.submit(false)
	e.checkPosted(o, want{code: "3102", account: "010102", amount: expected})
	if !o.handover {
		t.Error("the hand-in posted without the receiver's confirmation")
	}
	if b := e.box(); b.Balance != 0 {
		t.Errorf("box %+v after the hand-in", b)
	}

	// Sign-off: nothing left in the box, so no warning.
	e.dismiss()
	e.s.signOff()
	wait(t, e.s)
	if top := e.w.Canvas().Overlays().Top(); top == nil || shows(top, "尾箱仍有现金") {
		t.Error("the sign-off confirmation is missing, or warns of cash in an empty box")
	}
	tap(t, e.w, confirmZh)
	wait(t, e.s)
	if !e.signedOff {
		t.Errorf("sign-off refused: %q", e.s.summary.status.Text)
	}
	e.checkBooksAndAudit()
}

// TestSignOffWarnsOfCashInTheBox: signing off with cash still in the box
// says how much, before the ledger refuses.
func TestSignOffWarnsOfCashInTheBox(t *testing.T) {
	e := newE2E(t)
	e.allocate(1000)
	e.s.signOff()
	wait(t, e.s)
	top := e.w.Canvas().Overlays().Top()
	if top == nil || !shows(top, "尾箱仍有现金 ¥1,000.00") {
		t.Fatal("no warning of the 1,000.00 still in the box")
	}
}

// countOf is a count of f in notes and coins, largest first, as the
// day-end and hand-in forms take it.
func countOf(f money.Fen) [][2]string {
	denoms := []struct {
		id   string
		unit money.Fen
	}{{"n100", 10000}, {"n50", 5000}, {"n20", 2000}, {"n10", 1000}, {"n5", 500}, {"n1", 100},
		{"j5", 50}, {"j1", 10}, {"f5", 5}, {"f2", 2}, {"f1", 1}}
	var out [][2]string
	for _, d := range denoms {
		if n := f / d.unit; n > 0 {
			out = append(out, [2]string{d.id, fmt.Sprint(int64(n))})
			f -= n * d.unit
		}
	}
	return out
}

// shows reports whether a label, rich text or entry under o shows text.
func shows(o fyne.CanvasObject, text string) bool {
	for _, x := range test.LaidOutObjects(o) {
		switch w := x.(type) {
		case *widget.Label:
			if strings.Contains(w.Text, text) {
				return true
			}
		case *widget.RichText:
			if strings.Contains(w.String(), text) {
				return true
			}
		}
	}
	return false
}
