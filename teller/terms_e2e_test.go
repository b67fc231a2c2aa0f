package teller

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"guitai/dsl"
	"guitai/interest"
	"guitai/ledger"
	"guitai/money"
)

// TestTermE2E runs the term and notice deposit modules through the
// window: 1501 opens a term deposit from cash and prints its
// certificate, 1502 pays out a deposit maturing today and part of a
// running one (a supervisor authorizes), 1408 shows the interest
// tellerctl interest computes, 1503 opens a notice deposit from the
// customer's account, 1504 registers a notice and pays one out.
func TestTermE2E(t *testing.T) {
	for _, tt := range termE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

func init() { moduleE2ECases = append(moduleE2ECases, termE2ECases...) }

var termE2ECases = []e2eCase{
	{"1501 term deposit opening from cash on the box's next certificate, refused with none left", termOpenE2E},
	{"1502 term withdrawal at maturity, then a partial early one authorized", termWithdrawE2E},
	{"1408 interest trial of a certificate, tellerctl's figure", interestTrialE2E},
	{"1503 notice deposit opening by transfer", noticeOpenE2E},
	{"1504 notice deposit: a notice, then a withdrawal after its notice authorized", noticeWithdrawE2E},
}

// termContract is a term deposit's contract as the ledger holds it.
type termContract struct {
	Principal int64  `db:"principal"`
	Rate      string `db:"rate"`
	Term      int    `db:"term_months"`
	Opened    string `db:"opened_on"`
	Maturity  string `db:"maturity"`
	Partly    int    `db:"partly_withdrawn"`
	Status    string `db:"status"`
}

// contract reads term deposit acct's contract.
func (e *e2e) contract(acct string) termContract {
	e.t.Helper()
	var c termContract
	db := e.store.DB()
	if err := db.Get(&c, db.Rebind(`SELECT principal, rate, term_months, opened_on, maturity, partly_withdrawn, status
		FROM term_deposits WHERE account = ?`), acct); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// seededTerm is the demo term deposit of branch 0101 of product that
// rolls over (or not).
func (e *e2e) seededTerm(product string, rollover int) string {
	e.t.Helper()
	var a string
	db := e.store.DB()
	if err := db.Get(&a, db.Rebind(`SELECT account FROM term_deposits WHERE branch = '0101' AND product = ? AND auto_rollover = ?`), product, rollover); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// settle is interest.Settle of contract c closed on the business date
// at demand rate "0.05" (the demo's rate table on the e2e's date).
func (e *e2e) settle(c termContract) interest.Result {
	e.t.Helper()
	opened, _ := time.Parse(time.DateOnly, c.Opened)
	closed, _ := time.Parse(time.DateOnly, e.date)
	r, err := interest.Settle(interest.Deposit{Principal: money.Fen(c.Principal), Rate: interest.MustParseRate(c.Rate), Term: c.Term, Opened: opened},
		closed, interest.MustParseRate("0.05"))
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func termOpenE2E(t *testing.T, e *e2e) {
	acct := e.account(0, 2)
	box := e.box()
	f := e.openCode("1501", "term_open")
	e.typeIn(f, "account", acct)
	if name, _ := f.Scope.Get("acct_name"); name == nil || name == "" {
		t.Error("no holder name shown")
	}
	f.Scope.Set("product", "Y1")
	e.typeIn(f, "amount", "10000")
	f.Scope.Set("source", "cash")
	f.Scope.Set("auto_rollover", true)
	o := e.submit(false)
	opened, _ := time.Parse(time.DateOnly, e.date)
	maturity := interest.Maturity(opened, 12).Format(time.DateOnly)
	e.checkPosted(o, want{code: "1501", amount: yuan("10000"),
		receipt: []string{o.serial, "定期存单", "0.95%", maturity, "10,000.00", "到期自动转存", "壹万元整"}})
	no := e.journal(o.serial).Account
	if !strings.Contains(o.printed, no) {
		t.Errorf("the certificate lacks its number %s:\n%s", no, o.printed)
	}
	if c := e.contract(no); c.Principal != 1_000_000 || c.Rate != "0.95" || c.Opened != e.date || c.Maturity != maturity || c.Status != "active" {
		t.Errorf("contract %+v", c)
	}
	if n := e.count(`SELECT COUNT(*) FROM accounts WHERE number = ? AND product = 'term' AND balance = 1000000`, no); n != 1 {
		t.Errorf("no term account %s of 10,000.00", no)
	}
	if b := e.box(); b.Balance-box.Balance != 1_000_000 {
		t.Errorf("box %+v after %+v", b, box)
	}
	// Printed on the lowest certificate (存单) in 010101's box: used by
	// the opening, for the deposit, named on the contract and the receipt.
	cert := ledger.DemoVoucherBase("0101") + 1
	if !strings.Contains(o.printed, "存单凭证号 Voucher serial") || !strings.Contains(o.printed, fmt.Sprint(cert)) {
		t.Errorf("the certificate lacks its voucher serial %d:\n%s", cert, o.printed)
	}
	if loc, st, used := e.voucherAt("certificate", cert); loc != "BOX-010101" || st != "used" || used != o.serial {
		t.Errorf("certificate %d: %s %s %s, want used by %s", cert, loc, st, used, o.serial)
	}
	if n := e.count(`SELECT COUNT(*) FROM term_deposits d JOIN vouchers v ON v.kind = 'certificate' AND v.serial_no = d.voucher_no
		WHERE d.account = ? AND d.voucher_no = ? AND v.account = d.account`, no, cert); n != 1 {
		t.Errorf("contract %s does not name certificate %d", no, cert)
	}
	if n := e.count(`SELECT COUNT(*) FROM vouchers WHERE kind = 'certificate' AND location = 'BOX-010101' AND status = 'unused'`); n != ledger.DemoBoxVouchers-1 {
		t.Errorf("%d certificates left in the box, want %d", n, ledger.DemoBoxVouchers-1)
	}

	// No certificate left in the box (handed back to the vault): refused,
	// the window says to take some first, nothing posted.
	if _, err := e.store.DB().Exec(`UPDATE vouchers SET location = 'VAULT-0101', teller = '' WHERE kind = 'certificate' AND location = 'BOX-010101' AND status = 'unused'`); err != nil {
		t.Fatal(err)
	}
	box = e.box()
	f = e.openCode("1501", "term_open")
	e.typeIn(f, "account", acct)
	f.Scope.Set("product", "Y1")
	e.typeIn(f, "amount", "500")
	f.Scope.Set("source", "cash")
	o = e.submit(false)
	e.checkRefused(o, f, "", "E_VOUCHER_NONE")
	if b := e.box(); b != box {
		t.Errorf("box %+v after a refusal, was %+v", b, box)
	}
	if n := e.count(`SELECT COUNT(*) FROM term_deposits WHERE settle_account = ?`, acct); n != 1 {
		t.Errorf("%d term deposits of %s after the refusal, want 1", n, acct)
	}
}

func termWithdrawE2E(t *testing.T, e *e2e) {
	e.allocate(100000)
	// At maturity: 50,000.00 for a year at 0.95 = 475.00 (interest.Settle).
	due := e.seededTerm("Y1", 0)
	c := e.contract(due)
	want1 := e.settle(c)
	if c.Maturity != e.date || want1.Kind != interest.Full || want1.Interest != 47_500 {
		t.Fatalf("seeded deposit %+v, %+v", c, want1)
	}
	f := e.openCode("1502", "term_withdraw")
	e.typeIn(f, "account", due)
	if p, _ := f.Scope.Get("principal"); fenOf(p) != money.Fen(c.Principal) {
		t.Errorf("principal shown %v, want %d", p, c.Principal)
	}
	f.Scope.Set("mode", "full")
	o := e.submit(false)
	e.checkPosted(o, want{code: "1502", account: due, amount: money.Fen(c.Principal) + want1.Interest,
		receipt: []string{o.serial, dsl.Mask(due), "到期支取", "475.00", "50,475.00"}})
	if c := e.contract(due); c.Status != "closed" || balance(t, e.store, due) != 0 {
		t.Errorf("after the withdrawal: %+v", c)
	}

	// Part of a running deposit, early: the part earns the demand rate
	// for the days held (interest.PartialEarly); a supervisor authorizes.
	run := e.seededTerm("M3", 1)
	c = e.contract(run)
	opened, _ := time.Parse(time.DateOnly, c.Opened)
	today, _ := time.Parse(time.DateOnly, e.date)
	part, rest, err := interest.PartialEarly(interest.Deposit{Principal: money.Fen(c.Principal), Rate: interest.MustParseRate(c.Rate), Term: 3, Opened: opened},
		yuan("4000"), today, interest.MustParseRate("0.05"))
	if err != nil {
		t.Fatal(err)
	}
	f = e.openCode("1502", "term_withdraw")
	e.typeIn(f, "account", run)
	f.Scope.Set("mode", "partial")
	e.typeIn(f, "withdraw_amount", "4000")
	o = e.submit(false)
	e.checkPosted(o, want{code: "1502", authorizer: "010199", account: run, amount: yuan("4000") + part.Interest,
		receipt: []string{o.serial, "部分提前支取", rest.Principal.Grouped(), (yuan("4000") + part.Interest).Grouped()}})
	if got := e.contract(run); got.Principal != int64(rest.Principal) || got.Partly != 1 || got.Opened != c.Opened || got.Rate != c.Rate || got.Status != "active" {
		t.Errorf("remainder %+v", got)
	}

	// A second partial withdrawal is refused at the kind.
	f = e.openCode("1502", "term_withdraw")
	e.typeIn(f, "account", run)
	f.Scope.Set("mode", "partial")
	e.typeIn(f, "withdraw_amount", "100")
	o = e.submit(false)
	e.checkRefused(o, f, "mode", "E_TERM_PARTIAL_TWICE")
}

func interestTrialE2E(t *testing.T, e *e2e) {
	// The overdue demo deposit: 6 months at 0.85, 45 days past maturity.
	acct := e.seededTerm("M6", 0)
	c := e.contract(acct)
	w := e.settle(c)
	if w.Kind != interest.Overdue {
		t.Fatalf("seeded deposit %+v is %s", c, w.Kind)
	}
	f := e.openCode("1408", "interest_trial")
	e.typeIn(f, "account", acct)
	if p, _ := f.Scope.Get("principal"); fenOf(p) != money.Fen(c.Principal) {
		t.Errorf("principal filled in %v, want %d", p, c.Principal)
	}
	journal := e.count(`SELECT COUNT(*) FROM journal`)
	o := e.submit(false)
	if o.serial != "" || e.count(`SELECT COUNT(*) FROM journal`) != journal || o.printed != "" {
		t.Errorf("a trial was journaled or printed: %q", o.serial)
	}
	if v, _ := f.Scope.Get("interest"); fenOf(v) != w.Interest {
		t.Errorf("interest shown %v, want %s (interest.Settle, as tellerctl interest)", v, w.Interest)
	}
	if k, _ := f.Scope.Get("kind"); k != "overdue" {
		t.Errorf("kind shown %v", k)
	}
	if d, _ := f.Scope.Get("overdue_days"); fenOf(d) != money.Fen(w.OverdueDays) {
		t.Errorf("overdue days shown %v, want %d", d, w.OverdueDays)
	}
}

func noticeOpenE2E(t *testing.T, e *e2e) {
	acct := e.account(yuan("60000"), 0)
	before := balance(t, e.store, acct)
	f := e.openCode("1503", "notice_open")
	e.typeIn(f, "account", acct)
	f.Scope.Set("product", "N7")
	e.typeIn(f, "amount", "50000")
	f.Scope.Set("source", "transfer")
	o := e.submit(false)
	e.checkPosted(o, want{code: "1503", amount: yuan("50000"),
		receipt: []string{o.serial, "通知存款", "七天通知存款", "0.45%", "50,000.00", dsl.Mask(acct)}})
	no := e.journal(o.serial).Account
	if c := e.contract(no); c.Principal != 5_000_000 || c.Term != 0 || c.Maturity != "" || c.Status != "active" {
		t.Errorf("notice deposit %+v", c)
	}
	if got := before - balance(t, e.store, acct); got != yuan("50000") {
		t.Errorf("the account paid %s", got.Grouped())
	}
	if n := e.count(`SELECT COUNT(*) FROM accounts WHERE number = ? AND product = 'notice' AND balance = 5000000`, no); n != 1 {
		t.Errorf("no notice account %s", no)
	}
}

func noticeWithdrawE2E(t *testing.T, e *e2e) {
	e.allocate(200000)
	// A notice of the whole 1-day deposit: nothing is paid.
	n1 := e.seededTerm("N1", 0)
	f := e.openCode("1504", "notice_withdraw")
	f.Scope.Set("action", "notice")
	e.typeIn(f, "account", n1)
	e.typeIn(f, "amount", "200000")
	o := e.submit(false)
	e.checkPosted(o, want{code: "1504", account: n1, receipt: []string{o.serial, "支取通知", "200,000.00"}})
	if n := e.count(`SELECT COUNT(*) FROM term_deposits WHERE account = ? AND notice_date = ? AND notice_amount = 20000000`, n1, e.date); n != 1 {
		t.Errorf("no notice registered on %s", n1)
	}

	// The 7-day deposit whose notice of the whole ran out: the notice
	// rate for the days held (interest.Settle's days ÷ 360 formula).
	n7 := e.seededTerm("N7", 0)
	c := e.contract(n7)
	opened, _ := time.Parse(time.DateOnly, c.Opened)
	today, _ := time.Parse(time.DateOnly, e.date)
	w, err := interest.Settle(interest.Deposit{Principal: money.Fen(c.Principal), Rate: interest.MustParseRate(c.Rate), Term: interest.MaxTerm, Opened: opened},
		today, interest.MustParseRate(c.Rate))
	if err != nil || w.Days != 30 || w.Interest != 3_750 {
		t.Fatalf("seeded notice deposit %+v: %+v %v", c, w, err)
	}
	f = e.openCode("1504", "notice_withdraw")
	f.Scope.Set("action", "withdraw")
	e.typeIn(f, "account", n7)
	if p, _ := f.Scope.Get("notice_amount"); fenOf(p) != money.Fen(c.Principal) {
		t.Errorf("notice shown %v", p)
	}
	e.typeIn(f, "amount", "100000")
	o = e.submit(false)
	e.checkPosted(o, want{code: "1504", authorizer: "010199", account: n7, amount: yuan("100037.50"),
		receipt: []string{o.serial, "37.50", "100,037.50", "通知 notice", dsl.Mask(n7)}})
	if c := e.contract(n7); c.Status != "closed" {
		t.Errorf("after the withdrawal: %+v", c)
	}
}
