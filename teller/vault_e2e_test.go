package teller

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"guitai/dsl"
	"guitai/ledger"
)

// TestVaultE2E runs the vault, statement and reservation modules through
// the window: 3104 a top-up from the vault and a partial return, each
// confirmed by the vault keeper, 1406 a statement print with running
// balances, 1407 a large-cash reservation booked and cancelled, and one
// the withdrawal form finds on its day, and 3901's count of the box's
// vouchers. The cases are functions so TestE2E's table (every form has a
// case) can name them.
func TestVaultE2E(t *testing.T) {
	for _, tt := range vaultE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

func init() { moduleE2ECases = append(moduleE2ECases, vaultE2ECases...) }

var vaultE2ECases = []e2eCase{
	{"3104 vault request and partial return confirmed by the keeper", vaultCashE2E},
	{"1406 statement print with running balances", statementE2E},
	{"1407 large-cash reservation booked and cancelled, and found by the withdrawal form on the day", reservationE2E},
	{"3901 day-end counts the box's vouchers with the cash", dayEndVouchersE2E},
}

func vaultCashE2E(t *testing.T, e *e2e) {
	// Before the box is opened with 3101, 3104 sends the teller there.
	f := e.openCode("3104", "vault_cash")
	f.Scope.Set("direction", "request")
	e.typeAll(f, "amount", "100", "handover_id", "010102", "n100", "1")
	o := e.submit(false)
	e.checkRefused(o, f, "", "E_VAULT_BOX_NOT_OPEN")

	e.allocate(10000)
	box, vault := e.box(), e.vault()
	f = e.openCode("3104", "vault_cash")
	if got, _ := f.Scope.Get("vault_balance"); got != vault {
		t.Errorf("vault balance shown %v, want %v", got, vault)
	}
	f.Scope.Set("direction", "request")
	e.typeAll(f, "amount", "20000", "handover_id", "010102", "memo", "午间备付", "n100", "190", "n50", "20")
	o = e.submit(false)
	if !o.handover {
		t.Error("the window did not ask the vault keeper to confirm")
	}
	e.checkPosted(o, want{code: "3104", account: "010102", amount: yuan("20000"),
		receipt: []string{o.serial, "向金库请领 Request", "20,000.00", "贰万元整", "李娜", "100元", "190", "30,000.00", "午间备付"}})
	if b := e.box(); b.Balance != box.Balance+2000000 || b.CashIn != box.CashIn+2000000 || b.Status != "open" {
		t.Errorf("box %+v after the request, was %+v", b, box)
	}
	if v := e.vault(); v != vault-yuan("20000") {
		t.Errorf("vault %v after the request, was %v", v, vault)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action = 'counterpart' AND authorizer = '010102'`, o.serial); n != 1 {
		t.Errorf("%d counterpart records of %s", n, o.serial)
	}

	// A partial return: the box stays open with the rest.
	f = e.openCode("3104", "vault_cash")
	f.Scope.Set("direction", "return")
	e.typeAll(f, "amount", "25000", "handover_id", "010102", "n100", "250")
	o = e.submit(false)
	e.checkPosted(o, want{code: "3104", account: "010102", amount: yuan("25000"),
		receipt: []string{o.serial, "上缴金库 Return", "25,000.00", "5,000.00"}})
	if b := e.box(); b.Balance != box.Balance-500000 || b.CashOut != box.CashOut+2500000 || b.Status != "open" {
		t.Errorf("box %+v after the return, was %+v", b, box)
	}
	if n := e.count(`SELECT COUNT(*) FROM postings WHERE serial = ? AND ((book = 'BOX-010101' AND amount = -2500000) OR (book = 'VAULT-0101' AND amount = 2500000))`, o.serial); n != 2 {
		t.Errorf("postings of %s: %d of 2", o.serial, n)
	}

	// More than the box holds: the form refuses at the amount.
	f = e.openCode("3104", "vault_cash")
	f.Scope.Set("direction", "return")
	e.typeAll(f, "amount", "6000", "handover_id", "010102", "n100", "60")
	o = e.submit(false)
	e.checkRefused(o, f, "amount", "")
	if msg := fieldError(f, "amount"); !strings.Contains(msg, "尾箱") {
		t.Errorf("error at the amount %q", msg)
	}
}

func dayEndVouchersE2E(t *testing.T, e *e2e) {
	e.allocate(100)
	all := 4 * ledger.DemoBoxVouchers
	f := e.openCode("3901", "day_end_balance")
	if got, _ := f.Scope.Get("box_vouchers"); fmt.Sprint(got) != fmt.Sprint(all) {
		t.Errorf("vouchers on the books shown %v, want %d", got, all)
	}
	first := ledger.DemoVoucherBase("0101") + 1
	if rows, _ := f.Scope.Get("voucher_rows"); !strings.Contains(fmt.Sprint(rows), "存单") ||
		!strings.Contains(fmt.Sprint(rows), fmt.Sprint(first+ledger.DemoBoxVouchers-1)) {
		t.Errorf("voucher rows %v lack the certificates up to %d", rows, first+ledger.DemoBoxVouchers-1)
	}
	if l := f.NodeObject("voucher_hint"); l == nil || !l.Visible() {
		t.Error("the form does not warn that the vouchers are not counted")
	}
	e.typeAll(f, "n100", "1", "voucher_counted", fmt.Sprint(all-1))
	o := e.submit(false)
	e.checkRefused(o, f, "voucher_counted", "E_VOUCHER_COUNT")
	if b := e.box(); b.Status != "open" {
		t.Errorf("box %+v after a refused count", b)
	}

	f = e.openCode("3901", "day_end_balance")
	e.typeAll(f, "n100", "1", "voucher_counted", fmt.Sprint(all))
	o = e.submit(false)
	e.checkPosted(o, want{code: "3901", amount: 0, receipt: []string{"日终轧账", "100.00", "存单 Certificate",
		fmt.Sprintf("%d-%d", first, first+ledger.DemoBoxVouchers-1), fmt.Sprintf("%d 份 实点相符", all)}})
	if b := e.box(); b.Status != "balanced" {
		t.Errorf("box %+v after balancing", b)
	}
}

func statementE2E(t *testing.T, e *e2e) {
	acct := e.account(yuan("100"), 3)
	before := balance(t, e.store, acct)
	e.post("cash_deposit", map[string]any{"account": acct, "amount": "321.09", "memo": "存入"}, false)
	f := e.openCode("1406", "statement_print")
	e.typeIn(f, "account", acct)
	// The form previews the entries before the print.
	after := before + yuan("321.09")
	if v, _ := f.Scope.Get("closing_balance"); v != after {
		t.Errorf("closing balance shown %v, want %v", v, after)
	}
	if rows, _ := f.Scope.Get("statement_rows"); !strings.Contains(fmt.Sprint(rows), "1401") {
		t.Errorf("the form's entries %v lack the deposit", rows)
	}
	o := e.submit(false)
	e.checkPosted(o, want{code: "1406", account: acct, amount: 0,
		receipt: []string{o.serial, dsl.Mask(acct), "期初余额", "1401", " 321.09 ", "期末余额", after.Grouped()}})
	// The dates the wrong way round: the form says so before posting.
	f = e.openCode("1406", "statement_print")
	e.typeIn(f, "account", acct)
	f.Scope.Set("from_date", "2099-01-01")
	o = e.submit(false)
	if o.serial != "" || fieldError(f, "to_date") == "" {
		t.Errorf("dates the wrong way round: posted %q, error at the end date %q", o.serial, fieldError(f, "to_date"))
	}
}

func reservationE2E(t *testing.T, e *e2e) {
	acct := e.account(yuan("60000"), 0)
	day, err := time.Parse(time.DateOnly, e.date)
	if err != nil {
		t.Fatal(err)
	}
	tomorrow := day.AddDate(0, 0, 1).Format(time.DateOnly)
	f := e.openCode("1407", "cash_reservation")
	f.Scope.Set("action", "book")
	e.typeAll(f, "account", acct, "amount", "60000", "withdraw_on", tomorrow, "phone", "13800001111")
	o := e.submit(false)
	e.checkPosted(o, want{code: "1407", account: acct, amount: 0,
		receipt: []string{o.serial, dsl.Mask(acct), "预约 Booked", "60,000.00", tomorrow, "预约号 Booking no.", "13800001111"}})
	booking := o.serial
	if n := e.count(`SELECT COUNT(*) FROM cash_reservations WHERE id = ? AND account = ? AND amount = 6000000 AND withdraw_on = ?`, o.serial, acct, tomorrow); n != 1 {
		t.Errorf("%d reservations of %s", n, o.serial)
	}
	// The same day again: refused at the date.
	f = e.openCode("1407", "cash_reservation")
	f.Scope.Set("action", "book")
	e.typeAll(f, "account", acct, "amount", "55000", "withdraw_on", tomorrow)
	o = e.submit(false)
	e.checkRefused(o, f, "withdraw_on", "E_RESERVATION_EXISTS")

	// The customer cancels: the booking is kept, marked cancelled.
	f = e.openCode("1407", "cash_reservation")
	f.Scope.Set("action", "cancel")
	e.typeAll(f, "account", acct, "withdraw_on", tomorrow)
	o = e.submit(false)
	e.checkPosted(o, want{code: "1407", account: acct, amount: 0,
		receipt: []string{o.serial, "取消预约 Cancelled", "60,000.00", booking, "该预约已取消"}})
	if n := e.count(`SELECT COUNT(*) FROM cash_reservations WHERE id = ? AND status = 'cancelled' AND cancel_serial = ?`, booking, o.serial); n != 1 {
		t.Errorf("booking %s not cancelled by %s", booking, o.serial)
	}

	// On the day (booked a day earlier, here straight in the table): the
	// withdrawal form shows the reservation; without one it warns.
	if _, err := e.store.DB().Exec(e.store.DB().Rebind(`INSERT INTO cash_reservations (id, branch, account, amount, withdraw_on, booked_by, booked_on)
		VALUES ('e2e-booking', '0101', ?, 6000000, ?, '010101', '2000-01-01')`), acct, e.date); err != nil {
		t.Fatal(err)
	}
	f = e.openCode("1402", "cash_withdrawal")
	e.typeAll(f, "account", acct, "amount", "60000")
	if v, _ := f.Scope.Get("reserved_amount"); v != yuan("60000") {
		t.Errorf("reserved amount shown %v, want 60,000.00", v)
	}
	if l := f.NodeObject("no_reservation"); l == nil || l.Visible() {
		t.Error("the withdrawal form says there is no reservation")
	}
	f = e.openCode("1402", "cash_withdrawal")
	e.typeAll(f, "account", e.account(yuan("60000"), 1), "amount", "60000")
	if l := f.NodeObject("no_reservation"); l == nil || !l.Visible() {
		t.Error("the withdrawal form does not warn of a missing reservation")
	}
}
