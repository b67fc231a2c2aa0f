package teller

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
	"guitai/widgets"
)

// TestCashE2E runs the cash and voucher modules through the window: 3107
// note exchange (and its refusal of unequal sides at the amount), 3103
// teller-to-teller transfer confirmed by the receiver, 3106 over/short
// authorized by a supervisor, 3105 box handover confirmed by the receiver
// and witnessed by a supervisor, 3201 voucher issue confirmed by the vault
// keeper, 3202 cheque book sale, 3203 void and return; 1402 using the
// day's large-cash reservation (1407), given back by its reversal (1901). The cases are
// functions so TestE2E's table (every form has a case) can name them.
func TestCashE2E(t *testing.T) {
	for _, tt := range cashE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

func init() { moduleE2ECases = append(moduleE2ECases, cashE2ECases...) }

var cashE2ECases = []e2eCase{
	{"3107 note exchange, and unequal sides refused at the amount", cashExchangeE2E},
	{"3103 teller-to-teller transfer confirmed by the receiver", cashTransferE2E},
	{"3106 cash over and short authorized", cashOverShortE2E},
	{"3105 box handover, cash and vouchers, witnessed", boxHandoverE2E},
	{"3201 voucher issue from the vault confirmed by the keeper", voucherIssueE2E},
	{"3202 cheque book sale in serial order with a fee", voucherSaleE2E},
	{"3203 voucher void authorized, then a return to the vault", voucherVoidE2E},
	{"1402 withdrawal uses the day's 1407 reservation once, its reversal books it again", reservedWithdrawalE2E},
}

// typeAll types each key's text into form f, in order.
func (e *e2e) typeAll(f *widgets.Form, kv ...string) {
	e.t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		e.typeIn(f, kv[i], kv[i+1])
	}
}

// tellerBox is the cash box of teller on the business date.
func (e *e2e) tellerBox(teller string) boxRow {
	e.t.Helper()
	var b boxRow
	if err := e.store.DB().Get(&b, e.store.DB().Rebind(`SELECT balance, cash_in, cash_out, over_short, status FROM cash_boxes
		WHERE teller = ? AND business_date = ?`), teller, e.date); err != nil {
		e.t.Fatal(err)
	}
	return b
}

// voucherAt reports where voucher kind/no is and in what status.
func (e *e2e) voucherAt(kind string, no int64) (location, status, usedSerial string) {
	e.t.Helper()
	row := e.store.DB().QueryRowx(e.store.DB().Rebind(`SELECT location, status, used_serial FROM vouchers WHERE kind = ? AND serial_no = ?`), kind, no)
	if err := row.Scan(&location, &status, &usedSerial); err != nil {
		e.t.Fatalf("voucher %s %d: %v", kind, no, err)
	}
	return
}

func cashExchangeE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	box := e.box()
	f := e.openCode("3107", "note_exchange")
	if got, _ := f.Scope.Get("box_balance"); got != money.Fen(box.Balance) {
		t.Errorf("box balance shown %v, want %d", got, box.Balance)
	}
	// The customer brings 2 × 100 and takes 3 × 50 + 5 × 10.
	e.typeAll(f, "amount", "200", "in_n100", "2", "out_n50", "3", "out_n10", "5", "memo", "零钱兑换")
	o := e.submit(false)
	e.checkPosted(o, want{code: "3107", amount: yuan("200"),
		receipt: []string{o.serial, "200.00", "贰佰元整", "100元", "50元", "10元", "零钱兑换"}})
	if !strings.Contains(o.printed, "券别") || strings.Contains(o.printed, "20元") {
		t.Errorf("the receipt's denominations:\n%s", o.printed)
	}
	if b := e.box(); b != box {
		t.Errorf("box %+v after an exchange, was %+v", b, box)
	}
	if n := e.count(`SELECT COUNT(*) FROM postings WHERE serial = ?`, o.serial); n != 0 {
		t.Errorf("%d postings for a note exchange", n)
	}

	// Out differs from in: refused at the amount, nothing posted.
	f = e.openCode("3107", "note_exchange")
	e.typeAll(f, "amount", "200", "in_n100", "2", "out_n50", "3", "out_n10", "4")
	if l := f.NodeObject("unequal"); l == nil || !l.Visible() {
		t.Error("the form does not say out and in differ")
	}
	o = e.submit(false)
	e.checkRefused(o, f, "amount", "")
	if msg := fieldError(f, "amount"); !strings.Contains(msg, "付出") {
		t.Errorf("error at the amount %q, want the out side named", msg)
	}
	if b := e.box(); b != box {
		t.Errorf("box %+v after a refusal, was %+v", b, box)
	}
}

func cashTransferE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	from := e.box()
	f := e.openCode("3103", "cash_transfer")
	e.typeAll(f, "amount", "1500", "handover_id", "010102", "memo", "午间调剂", "n100", "14", "n50", "2")
	o := e.submit(false)
	if !o.handover {
		t.Error("the window did not ask the receiver to confirm")
	}
	e.checkPosted(o, want{code: "3103", account: "010102", amount: yuan("1500"),
		receipt: []string{o.serial, "010102", "1,500.00", "壹仟伍佰元整", "李娜", "接收 Receiver"}})
	if !regexp.MustCompile(`100元 +14\n50元 +2\n`).MatchString(o.printed) {
		t.Errorf("the receipt's denominations:\n%s", o.printed)
	}
	if b := e.box(); b.Balance != from.Balance-150000 || b.CashOut != from.CashOut+150000 {
		t.Errorf("giver's box %+v, was %+v", b, from)
	}
	if b := e.tellerBox("010102"); b.Balance != 150000 || b.CashIn != 150000 {
		t.Errorf("receiver's box %+v", b)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action = 'counterpart' AND authorizer = '010102'`, o.serial); n != 1 {
		t.Errorf("%d counterpart records of %s", n, o.serial)
	}
	if n := e.count(`SELECT COUNT(*) FROM postings WHERE serial = ? AND ((book = 'BOX-010102' AND amount = 150000) OR (book = 'BOX-010101' AND amount = -150000))`, o.serial); n != 2 {
		t.Errorf("postings of %s: %d of 2", o.serial, n)
	}
}

func cashOverShortE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	box := e.box()
	susp := e.suspense()
	f := e.openCode("3106", "cash_over_short")
	f.Scope.Set("action", "over")
	e.typeAll(f, "amount", "12.30", "reason", "客户多付未取回")
	o := e.submit(false)
	e.checkPosted(o, want{code: "3106", authorizer: "010199", amount: yuan("12.30"),
		receipt: []string{o.serial, "长款 Over", "12.30", "客户多付未取回", "010199"}})
	if b := e.box(); b.Balance != box.Balance+1230 || b.OverShort != box.OverShort+1230 {
		t.Errorf("box %+v, was %+v", b, box)
	}
	if s := e.suspense(); s != susp-1230 {
		t.Errorf("suspense %d, was %d", s, susp)
	}

	f = e.openCode("3106", "cash_over_short")
	f.Scope.Set("action", "short")
	e.typeAll(f, "amount", "2", "reason", "点钞差错短款")
	o = e.submit(false)
	e.checkPosted(o, want{code: "3106", authorizer: "010199", amount: yuan("2"),
		receipt: []string{o.serial, "短款 Short", "2.00", "点钞差错短款"}})
	if b := e.box(); b.Balance != box.Balance+1030 || b.OverShort != box.OverShort+1030 {
		t.Errorf("box %+v after the short, was %+v", b, box)
	}
}

func boxHandoverE2E(t *testing.T, e *e2e) {
	e.allocate(12300)
	box := e.box()
	f := e.openCode("3105", "box_handover")
	if got, _ := f.Scope.Get("box_vouchers"); fmt.Sprint(got) != fmt.Sprint(4*ledger.DemoBoxVouchers) {
		t.Errorf("vouchers in the box shown %v, want %d", got, 4*ledger.DemoBoxVouchers)
	}
	// Less than the box holds: the form refuses at the amount.
	e.typeAll(f, "amount", "12000", "handover_id", "010102", "n100", "120")
	o := e.submit(false)
	e.checkRefused(o, f, "amount", "")

	f = e.openCode("3105", "box_handover")
	e.typeAll(f, "amount", "12300", "handover_id", "010102", "n100", "120", "n50", "6", "memo", "午休交接")
	o = e.submit(false)
	if !o.handover || !o.auth {
		t.Errorf("asked the receiver %v, a supervisor %v; want both", o.handover, o.auth)
	}
	e.checkPosted(o, want{code: "3105", authorizer: "010199", account: "010102", amount: yuan("12300"),
		receipt: []string{o.serial, "12,300.00", "李娜", "监交人 Witness", "010199", "20 份", "午休交接"}})
	if b := e.box(); b.Balance != 0 || b.CashOut != box.CashOut+1230000 {
		t.Errorf("giver's box %+v, was %+v", b, box)
	}
	if b := e.tellerBox("010102"); b.Balance != 1230000 {
		t.Errorf("receiver's box %+v", b)
	}
	if n := e.count(`SELECT COUNT(*) FROM vouchers WHERE location = 'BOX-010102' AND teller = '010102' AND issue_serial = ?`, o.serial); n != 4*ledger.DemoBoxVouchers {
		t.Errorf("%d vouchers handed over, want %d", n, 4*ledger.DemoBoxVouchers)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action = 'counterpart' AND authorizer = '010102'`, o.serial); n != 1 {
		t.Errorf("%d counterpart records of %s", n, o.serial)
	}
}

// suspense is branch 0101's suspense balance.
func (e *e2e) suspense() int64 {
	e.t.Helper()
	var v int64
	if err := e.store.DB().Get(&v, `SELECT balance FROM gl_books WHERE code = 'SUSP-0101'`); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// vaultFirst is the first demo voucher of branch 0101's vault: the demo
// tellers' boxes hold the serials before it.
func vaultFirst() int64 { return ledger.DemoVoucherBase("0101") + 2*ledger.DemoBoxVouchers + 1 }

func voucherIssueE2E(t *testing.T, e *e2e) {
	first := vaultFirst()
	f := e.openCode("3201", "voucher_issue")
	f.Scope.Set("kind", "certificate")
	wait(t, e.s)
	if got, _ := f.Scope.Get("vault_next"); fmt.Sprint(got) != fmt.Sprint(first) {
		t.Errorf("vault's next shown %v, want %d", got, first)
	}
	if got, _ := f.Scope.Get("box_stock"); fmt.Sprint(got) != fmt.Sprint(ledger.DemoBoxVouchers) {
		t.Errorf("box stock shown %v, want %d", got, ledger.DemoBoxVouchers)
	}
	e.typeAll(f, "from_no", fmt.Sprint(first), "to_no", fmt.Sprint(first+19), "handover_id", "010102")
	o := e.submit(false)
	if !o.handover {
		t.Error("the window did not ask the vault keeper to confirm")
	}
	e.checkPosted(o, want{code: "3201", account: "010102"})
	if n := e.count(`SELECT COUNT(*) FROM vouchers WHERE kind = 'certificate' AND location = 'BOX-010101' AND teller = '010101'
		AND status = 'unused' AND issue_serial = ?`, o.serial); n != 20 {
		t.Errorf("%d certificates issued to the box, want 20", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action = 'counterpart' AND authorizer = '010102'`, o.serial); n != 1 {
		t.Errorf("%d counterpart records of %s", n, o.serial)
	}
	if loc, _, _ := e.voucherAt("certificate", first+20); loc != "VAULT-0101" {
		t.Errorf("the voucher after the range is in %s", loc)
	}

	// The same range again: refused at the first serial.
	f = e.openCode("3201", "voucher_issue")
	f.Scope.Set("kind", "certificate")
	wait(t, e.s)
	e.typeAll(f, "from_no", fmt.Sprint(first), "to_no", fmt.Sprint(first+19), "handover_id", "010102")
	o = e.submit(false)
	e.checkRefused(o, f, "from_no", "E_VOUCHER_NOT_IN_VAULT")
}

func voucherSaleE2E(t *testing.T, e *e2e) {
	next := ledger.DemoVoucherBase("0101") + 1 // 010101's box holds the first serials
	acct := e.account(yuan("100"), 5)
	before := balance(t, e.store, acct)
	f := e.openCode("3202", "voucher_sale")
	if got, _ := f.Scope.Get("next_no"); fmt.Sprint(got) != fmt.Sprint(next) {
		t.Errorf("next cheque book shown %v, want %d", got, next)
	}
	e.typeAll(f, "account", acct, "fee", "10", "memo", "领购支票")
	o := e.submit(false)
	e.checkPosted(o, want{code: "3202", account: acct, amount: yuan("10"),
		receipt: []string{o.serial, dsl.Mask(acct), fmt.Sprint(next), "10.00", "支票 Cheque book", "领购支票"}})
	if loc, st, used := e.voucherAt("cheque_book", next); loc != "BOX-010101" || st != "sold" || used != o.serial {
		t.Errorf("cheque book %d: %s %s %s", next, loc, st, used)
	}
	if n := e.count(`SELECT COUNT(*) FROM vouchers WHERE kind = 'cheque_book' AND serial_no = ? AND account = ?`, next, acct); n != 1 {
		t.Errorf("cheque book %d not sold to %s", next, acct)
	}
	if got := balance(t, e.store, acct); got != before-yuan("10") {
		t.Errorf("balance %s after the fee, was %s", got.Grouped(), before.Grouped())
	}

	// The next sale takes the next serial.
	f = e.openCode("3202", "voucher_sale")
	if got, _ := f.Scope.Get("next_no"); fmt.Sprint(got) != fmt.Sprint(next+1) {
		t.Errorf("next cheque book shown %v after a sale, want %d", got, next+1)
	}
}

func voucherVoidE2E(t *testing.T, e *e2e) {
	next := ledger.DemoVoucherBase("0101") + 1
	f := e.openCode("3203", "voucher_void")
	f.Scope.Set("action", "void")
	f.Scope.Set("kind", "passbook")
	wait(t, e.s)
	if got, _ := f.Scope.Get("next_no"); fmt.Sprint(got) != fmt.Sprint(next) {
		t.Errorf("next passbook shown %v, want %d", got, next)
	}
	e.typeAll(f, "from_no", fmt.Sprint(next), "reason", "打印错位作废")
	o := e.submit(false)
	e.checkPosted(o, want{code: "3203", authorizer: "010199"})
	if loc, st, used := e.voucherAt("passbook", next); loc != "BOX-010101" || st != "void" || used != o.serial {
		t.Errorf("voided passbook %d: %s %s %s", next, loc, st, used)
	}
	if n := e.count(`SELECT COUNT(*) FROM vouchers WHERE kind = 'passbook' AND serial_no = ? AND reason = '打印错位作废'`, next); n != 1 {
		t.Error("the void's reason is not kept")
	}

	// Return the rest of the box's passbooks to the vault: no supervisor.
	f = e.openCode("3203", "voucher_void")
	f.Scope.Set("action", "return")
	f.Scope.Set("kind", "passbook")
	wait(t, e.s)
	last := next + ledger.DemoBoxVouchers - 1
	e.typeAll(f, "from_no", fmt.Sprint(next+1), "to_no", fmt.Sprint(last))
	o = e.submit(false)
	e.checkPosted(o, want{code: "3203"})
	if n := e.count(`SELECT COUNT(*) FROM vouchers WHERE kind = 'passbook' AND location = 'VAULT-0101' AND teller = ''
		AND status = 'unused' AND issue_serial = ? AND serial_no BETWEEN ? AND ?`, o.serial, next+1, last); n != ledger.DemoBoxVouchers-1 {
		t.Errorf("%d passbooks returned to the vault, want %d", n, ledger.DemoBoxVouchers-1)
	}
	if n := e.count(`SELECT COUNT(*) FROM vouchers WHERE kind = 'passbook' AND location = 'BOX-010101' AND status = 'unused'`); n != 0 {
		t.Errorf("%d passbooks left unused in the box", n)
	}
}

// reservationOf is the status of reservation id and the serial that used it.
func (e *e2e) reservationOf(id string) (status, usedSerial string) {
	e.t.Helper()
	row := e.store.DB().QueryRowx(e.store.DB().Rebind(`SELECT status, used_serial FROM cash_reservations WHERE id = ?`), id)
	if err := row.Scan(&status, &usedSerial); err != nil {
		e.t.Fatalf("reservation %s: %v", id, err)
	}
	return
}

func reservedWithdrawalE2E(t *testing.T, e *e2e) {
	e.allocate(200000)
	// The demo books 80,000.00 of this account for the business date.
	acct, booking := ledger.DemoReservedAccount, ledger.DemoReservation
	withdrawal := func(amount string) *widgets.Form {
		t.Helper()
		f := e.openCode("1402", "cash_withdrawal")
		e.typeAll(f, "account", acct, "amount", amount)
		return f
	}
	f := withdrawal("80000")
	if v, _ := f.Scope.Get("reserved_amount"); v != money.Fen(ledger.DemoReservedAmount) {
		t.Fatalf("reserved amount shown %v, want %s", v, money.Fen(ledger.DemoReservedAmount).Grouped())
	}
	if l := f.NodeObject("reservation_used"); l == nil || !l.Visible() {
		t.Error("the withdrawal form does not say it uses the reservation")
	}
	e.typeIn(f, "idcard", "11010519491231002X")
	f.Scope.Set("id_verified", true)
	o := e.submit(false)
	e.checkPosted(o, want{code: "1402", authorizer: "010199", account: acct, amount: yuan("80000"),
		receipt: []string{o.serial, "80,000.00", "大额取现预约 Reserved", "已使用 used"}})
	used := o.serial
	if st, by := e.reservationOf(booking); st != "used" || by != used {
		t.Errorf("reservation %s: %s by %q, want used by %s", booking, st, by, used)
	}

	// Used once: the form shows none for the next withdrawal and warns.
	f = withdrawal("60000")
	if v, _ := f.Scope.Get("reserved_amount"); v != money.Fen(0) {
		t.Errorf("reserved amount shown %v after it was used, want 0", v)
	}
	if l := f.NodeObject("no_reservation"); l == nil || !l.Visible() {
		t.Error("the withdrawal form does not warn that no reservation is left")
	}
	if l := f.NodeObject("reservation_used"); l == nil || l.Visible() {
		t.Error("the withdrawal form says it uses a reservation already used")
	}

	// The withdrawal reversed: the reservation is booked again.
	f = e.openCode("1901", "reversal")
	e.typeIn(f, "orig_serial", used)
	if v, _ := f.Scope.Get("orig_date"); v != e.date {
		e.typeIn(f, "orig_date", e.date)
	}
	e.typeIn(f, "reason", "客户取消取款")
	o = e.submit(false)
	e.checkPosted(o, want{code: "1901", authorizer: "010199", account: acct, amount: yuan("80000"), receipt: []string{used}})
	if st, by := e.reservationOf(booking); st != "booked" || by != "" {
		t.Errorf("reservation %s after the reversal: %s by %q, want booked", booking, st, by)
	}
	f = withdrawal("80000")
	if v, _ := f.Scope.Get("reserved_amount"); v != money.Fen(ledger.DemoReservedAmount) {
		t.Errorf("reserved amount shown %v after the reversal, want %s", v, money.Fen(ledger.DemoReservedAmount).Grouped())
	}
}
