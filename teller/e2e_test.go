package teller

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/assets"
	"guitai/audit"
	"guitai/devices/escpos"
	"guitai/dsl"
	"guitai/idnum"
	"guitai/ledger"
	"guitai/money"
	"guitai/widgets"
)

// e2e is a teller window on a fresh demo ledger with a printer simulator,
// the journal and sign-off wired as cmd/teller wires them.
type e2e struct {
	t         *testing.T
	s         *Shell
	w         fyne.Window
	store     *ledger.Store
	sim       *escpos.Sim
	x         *ledger.Executor
	anchor    *ecdsa.PublicKey
	signedOff bool
	setups    int
	date      string
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	s, w, store, sim := shellWithPrinter(t)
	e := &e2e{t: t, s: s, w: w, store: store, sim: sim, anchor: lastKey.Public().(*ecdsa.PublicKey),
		date: s.cfg.BusinessDate}
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	e.x = ledger.NewExecutor(store, cat, forms)
	s.cfg.SignOff = func() error { return store.SignOff(context.Background(), "010101", "T01") }
	s.cfg.SignedOff = func() { e.signedOff = true }
	return e
}

// post runs a setup transaction straight on the ledger, as teller 010101.
func (e *e2e) post(txn string, vals map[string]any, authorized bool) *ledger.Result {
	e.t.Helper()
	e.setups++
	req := ledger.Request{Txn: txn, Values: vals, Teller: "010101", Terminal: "T01", Key: fmt.Sprintf("e2e-setup-%d", e.setups)}
	if authorized {
		req.Authorizer = &ledger.Credentials{ID: "010199", Password: ledger.DemoPassword}
	}
	r, err := e.x.Submit(context.Background(), req)
	if err != nil {
		e.t.Fatalf("setup %s: %v", txn, err)
	}
	return r
}

// allocate moves cash from the vault into the teller's box.
func (e *e2e) allocate(yuan int64) {
	e.t.Helper()
	e.t.Helper()
	e.setups++
	if _, err := e.x.Submit(context.Background(), ledger.Request{Txn: "cashbox_allocate", Teller: "010101", Terminal: "T01",
		Key:         fmt.Sprintf("e2e-setup-%d", e.setups),
		Values:      map[string]any{"amount": fmt.Sprint(yuan), "handover_id": "010102", "n100": fmt.Sprint(yuan / 100)},
		Counterpart: &ledger.Credentials{ID: "010102", Password: ledger.DemoPassword}}); err != nil {
		e.t.Fatalf("setup allocation: %v", err)
	}
}

// account returns the n-th active 0101 account holding at least min.
func (e *e2e) account(min money.Fen, n int) string {
	e.t.Helper()
	var a string
	if err := e.store.DB().Get(&a, e.store.DB().Rebind(`SELECT number FROM accounts WHERE status = 'active' AND branch = '0101'
		AND balance >= ? ORDER BY number LIMIT 1 OFFSET ?`), int64(min), n); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// customerID is a valid ID number no demo customer holds: a man's (the
// 17th digit odd), as the forms' gender says.
func customerID(birth string) string {
	first17 := "110101" + birth + "881"
	return first17 + string(idnum.IDCheckChar(first17))
}

// openFor opens a demand account for a new customer straight on the
// ledger and returns its number.
func (e *e2e) openFor(id string, deposit string) string {
	e.t.Helper()
	r := e.post("open_account", map[string]any{"cust_name": "赵雷", "idcard": id, "gender": "male",
		"birth_date": id[6:10] + "-" + id[10:12] + "-" + id[12:14], "phone": "13900001111", "occupation": "employee",
		"address": "北京市东城区", "product": "demand", "initial_deposit": deposit}, false)
	acct, _ := r.Values["account_no"].(string)
	if acct == "" {
		e.t.Fatalf("open_account returned %v", r.Values)
	}
	return acct
}

// openCode opens a form as a teller does: its code in the code box, Enter.
func (e *e2e) openCode(code, id string) *widgets.Form {
	e.t.Helper()
	e.w.Canvas().Focus(e.s.layout.code)
	test.Type(e.s.layout.code, code)
	e.s.layout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f := e.s.Current()
	if f == nil || f.Def.ID != id {
		e.t.Fatalf("code %s opened %v, want %s", code, f, id)
	}
	wait(e.t, e.s) // the lookups the form runs when it opens
	return f
}

// typeIn clicks into a field, types text and presses Enter.
func (e *e2e) typeIn(f *widgets.Form, id, text string) {
	e.t.Helper()
	fld := f.Field(id)
	if fld == nil || fld.Focusable() == nil {
		e.t.Fatalf("%s: no field %s to type into", f.Def.ID, id)
	}
	foc := fld.Focusable()
	if d, ok := foc.(fyne.Disableable); ok && d.Disabled() {
		e.t.Fatalf("%s: field %s is disabled", f.Def.ID, id)
	}
	e.w.Canvas().Focus(foc)
	test.Type(foc, text)
	// Enter moves on from every field, a text area too (Ctrl+Enter is
	// its new line).
	foc.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	wait(e.t, e.s) // a lookup the field started
}

// dismiss closes every dialog: the shell's modals as Esc would, then
// anything else on top.
func (e *e2e) dismiss() {
	for e.s.Modal() != "" {
		m := e.s.modals[len(e.s.modals)-1]
		m.answer(m.escapeIsYes)
	}
	for top := e.w.Canvas().Overlays().Top(); top != nil; top = e.w.Canvas().Overlays().Top() {
		e.w.Canvas().Overlays().Remove(top)
	}
}

// submitButton taps "提交 F10" in the window.
func (e *e2e) submitButton() {
	e.t.Helper()
	for _, o := range test.LaidOutObjects(e.w.Content()) {
		if b, ok := o.(*widget.Button); ok && (b.Text == "提交 F10" || b.Text == "查询 F10") {
			test.Tap(b)
			return
		}
	}
	e.t.Fatal("no submit button")
}

// dialogHas reports whether the top dialog has a button labelled text.
func (e *e2e) dialogHas(text string) bool {
	top := e.w.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
			return true
		}
	}
	return false
}

// fieldError is the error shown under a field.
func fieldError(f *widgets.Form, id string) string {
	obj := f.NodeObject(id)
	if obj == nil {
		return ""
	}
	for _, o := range test.LaidOutObjects(obj) {
		if v, ok := o.(interface{ ValidationError() string }); ok && v.ValidationError() != "" {
			return v.ValidationError()
		}
		if l, ok := o.(*widget.Label); ok && l.Importance == widget.DangerImportance && l.Visible() && l.Text != "" {
			return l.Text
		}
	}
	return ""
}

func (e *e2e) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.store.DB().Get(&n, e.store.DB().Rebind(query), args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

type boxRow struct {
	Balance   int64  `db:"balance"`
	CashIn    int64  `db:"cash_in"`
	CashOut   int64  `db:"cash_out"`
	OverShort int64  `db:"over_short"`
	Status    string `db:"status"`
}

func (e *e2e) box() boxRow {
	e.t.Helper()
	var b boxRow
	if err := e.store.DB().Get(&b, e.store.DB().Rebind(`SELECT balance, cash_in, cash_out, over_short, status FROM cash_boxes
		WHERE teller = '010101' AND business_date = ?`), e.date); err != nil {
		e.t.Fatal(err)
	}
	return b
}

func (e *e2e) vault() money.Fen {
	e.t.Helper()
	var v int64
	if err := e.store.DB().Get(&v, `SELECT balance FROM gl_books WHERE code = (SELECT code FROM gl_books WHERE kind = 'vault' ORDER BY code LIMIT 1)`); err != nil {
		e.t.Fatal(err)
	}
	return money.Fen(v)
}

type journalRow struct {
	Code       string `db:"txn_code"`
	Teller     string `db:"teller"`
	Authorizer string `db:"authorizer"`
	Account    string `db:"account"`
	Amount     int64  `db:"amount"`
	ReversalOf string `db:"reversal_of"`
	ReversedBy string `db:"reversed_by"`
	Form       string `db:"form_id"`
}

func (e *e2e) journal(serial string) journalRow {
	e.t.Helper()
	var j journalRow
	if err := e.store.DB().Get(&j, e.store.DB().Rebind(`SELECT txn_code, teller, COALESCE(authorizer, '') AS authorizer,
		COALESCE(account, '') AS account, amount, COALESCE(reversal_of, '') AS reversal_of, COALESCE(reversed_by, '') AS reversed_by,
		form_id FROM journal WHERE serial = ?`), serial); err != nil {
		e.t.Fatalf("journal %s: %v", serial, err)
	}
	return j
}

func (e *e2e) lastSerial() string {
	var s string
	e.store.DB().Get(&s, `SELECT COALESCE(MAX(serial), '') FROM journal WHERE branch = '0101'`)
	return s
}

// checkBooksAndAudit asserts the books balance and the audit log verifies.
func (e *e2e) checkBooksAndAudit() {
	e.t.Helper()
	ctx := context.Background()
	b, err := e.store.CheckBooks(ctx)
	if err != nil || !b.OK() {
		e.t.Errorf("books do not balance: %v %+v", err, b)
	}
	log, err := audit.New(audit.Config{Origin: "guitai/test", Dialect: audit.SQLite})
	if err != nil {
		e.t.Fatal(err)
	}
	rep, err := log.Verify(ctx, e.store.DB().DB, audit.VerifyOptions{Anchor: e.anchor})
	if err != nil || !rep.OK() {
		e.t.Errorf("audit log does not verify: %v %+v", err, rep)
	}
}

// outcome is what one submission through the window did.
type outcome struct {
	serial  string // "" when nothing was journaled
	printed string // the lines the printer got meanwhile
	auth    bool   // the window asked for a supervisor
	// handover: the window asked the other teller of a cash handover to
	// confirm it (the e2e confirms as 010102 with the demo password).
	handover bool
}

// submit taps Submit, confirms, authorizes when asked (or cancels, with
// cancelAuth) and waits for the posting.
func (e *e2e) submit(cancelAuth bool) outcome {
	e.t.Helper()
	e.dismiss()
	before, lines := e.lastSerial(), len(e.sim.Lines())
	e.submitButton()
	var o outcome
	if e.dialogHas(confirmZh) {
		tap(e.t, e.w, confirmZh)
	}
	if e.dialogHas("授权 Enter") {
		o.auth = true
		if cancelAuth {
			tap(e.t, e.w, "取消 Esc")
		} else {
			authorize(e.t, e.w)
		}
	}
	wait(e.t, e.s)
	if e.dialogHas("确认交接 Enter") {
		o.handover = true
		confirmHandover(e.t, e.w, ledger.DemoPassword)
		wait(e.t, e.s)
	}
	if s := e.lastSerial(); s != before {
		o.serial = s
	}
	o.printed = strings.Join(e.sim.Lines()[lines:], "\n")
	return o
}

// want is what a successful posting must leave behind.
type want struct {
	code       string
	authorizer string
	account    string    // journal account ("" not checked)
	amount     money.Fen // journal amount
	receipt    []string  // what the receipt shows, besides the serial; nil: no receipt
	asks       bool      // the window asks for a supervisor though the ledger records none (known bug)
}

func (e *e2e) checkPosted(o outcome, w want) {
	e.t.Helper()
	if o.serial == "" {
		e.t.Fatalf("nothing posted; status %q", e.s.summary.status.Text)
	}
	j := e.journal(o.serial)
	if j.Code != w.code || j.Teller != "010101" || j.Authorizer != w.authorizer || j.Amount != int64(w.amount) ||
		(w.account != "" && j.Account != w.account) {
		e.t.Errorf("journal %s: %+v, want code %s teller 010101 authorizer %q account %s amount %d",
			o.serial, j, w.code, w.authorizer, w.account, w.amount)
	}
	if (w.authorizer != "" || w.asks) != o.auth {
		e.t.Errorf("window asked for a supervisor: %v, journal authorizer %q", o.auth, j.Authorizer)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action IN ('posting', 'reversal') AND teller = '010101'`, o.serial); n != 1 {
		e.t.Errorf("%d audit records of posting %s", n, o.serial)
	}
	if w.authorizer != "" {
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE object = ? AND action = 'authorization' AND authorizer = ?`, o.serial, w.authorizer); n != 1 {
			e.t.Errorf("%d audit records of the authorization of %s", n, o.serial)
		}
	}
	if !strings.Contains(e.s.summary.status.Text, o.serial) {
		e.t.Errorf("status %q does not show the serial %s", e.s.summary.status.Text, o.serial)
	}
	if w.receipt == nil {
		if o.printed != "" {
			e.t.Errorf("printed a receipt for %s:\n%s", w.code, o.printed)
		}
		if n := e.count(`SELECT COUNT(*) FROM receipts WHERE serial = ?`, o.serial); n != 0 {
			e.t.Errorf("%s queued a receipt", o.serial)
		}
	} else {
		for _, s := range w.receipt {
			if !strings.Contains(o.printed, s) {
				e.t.Errorf("receipt of %s lacks %q:\n%s", o.serial, s, o.printed)
			}
		}
		if w.account != "" && len(w.account) >= 10 && strings.Contains(o.printed, w.account) {
			e.t.Errorf("receipt shows the full account number %s", w.account)
		}
		if r := receiptOf(e.t, e.store, o.serial); r.Status != ledger.ReceiptPrinted {
			e.t.Errorf("receipt %s is %s", o.serial, r.Status)
		}
		if !strings.Contains(e.s.summary.status.Text, "凭条已打印") {
			e.t.Errorf("status %q", e.s.summary.status.Text)
		}
	}
	e.checkBooksAndAudit()
}

// checkRefused asserts that nothing was posted and the refusal shows at
// field (or in the status line when field is "").
func (e *e2e) checkRefused(o outcome, f *widgets.Form, field, code string) {
	e.t.Helper()
	if o.serial != "" {
		e.t.Fatalf("posted %s; want it refused with %s", o.serial, code)
	}
	// The status says why in words; the code is for the detail line only.
	if code != "" && !strings.Contains(e.s.summary.status.Text, ledger.Messages[ledger.Code(code)].Zh) {
		e.t.Errorf("status %q, want %s's message %q", e.s.summary.status.Text, code, ledger.Messages[ledger.Code(code)].Zh)
	}
	if strings.Contains(e.s.summary.status.Text, "E_") {
		e.t.Errorf("status %q shows an error code", e.s.summary.status.Text)
	}
	if field != "" {
		if msg := fieldError(f, field); msg == "" {
			e.t.Errorf("no error shown at %s (status %q)", field, e.s.summary.status.Text)
		}
		if foc := f.Field(field).Focusable(); e.w.Canvas().Focused() != foc {
			e.t.Errorf("focus on %T, not on %s", e.w.Canvas().Focused(), field)
		}
	}
	e.checkBooksAndAudit()
}

// kept asserts the typed values are still in the form.
func kept(t *testing.T, f *widgets.Form, vals map[string]any) {
	t.Helper()
	for k, want := range vals {
		if got, _ := f.Scope.Get(k); got != want {
			t.Errorf("%s = %v (%T) after the refusal, want %v", k, got, got, want)
		}
	}
}

func yuan(s string) money.Fen { return money.MustParse(s) }

func TestE2E(t *testing.T) {
	today := ledger.Today()
	tests := []e2eCase{
		{"1401 cash deposit", func(t *testing.T, e *e2e) {
			acct := e.account(0, 0)
			before, box := balance(t, e.store, acct), e.box()
			f := e.openCode("1401", "cash_deposit")
			if e.w.Canvas().Focused() != f.Field("account").Focusable() {
				t.Errorf("focus on %T when the form opens, want the account", e.w.Canvas().Focused())
			}
			e.typeIn(f, "account", acct)
			if e.w.Canvas().Focused() != f.Field("amount").Focusable() {
				t.Errorf("Enter in the account moved the focus to %T, want the amount", e.w.Canvas().Focused())
			}
			e.typeIn(f, "amount", "1234.56")
			e.typeIn(f, "memo", "工资")
			o := e.submit(false)
			e.checkPosted(o, want{code: "1401", account: acct, amount: yuan("1234.56"),
				receipt: []string{o.serial, dsl.Mask(acct), "1,234.56", "工资"}})
			if got := balance(t, e.store, acct) - before; got != yuan("1234.56") {
				t.Errorf("account moved by %s", got.Grouped())
			}
			if b := e.box(); b.Balance-box.Balance != 123456 || b.CashIn-box.CashIn != 123456 || b.CashOut != box.CashOut {
				t.Errorf("box %+v after %+v", b, box)
			}
		}},
		{"1401 cash deposit over 50,000 authorized", func(t *testing.T, e *e2e) {
			acct := e.account(0, 1)
			before := balance(t, e.store, acct)
			f := e.openCode("1401", "cash_deposit")
			e.typeIn(f, "account", acct)
			e.typeIn(f, "amount", "60000")
			e.typeIn(f, "depositor_name", "王伟")
			e.typeIn(f, "depositor_id", "11010519491231002X")
			f.Scope.Set("fund_source", "salary")
			o := e.submit(false)
			e.checkPosted(o, want{code: "1401", authorizer: "010199", account: acct, amount: yuan("60000"),
				receipt: []string{o.serial, dsl.Mask(acct), "60,000.00"}})
			if got := balance(t, e.store, acct) - before; got != yuan("60000") {
				t.Errorf("account moved by %s", got.Grouped())
			}
		}},
		{"1402 cash withdrawal", func(t *testing.T, e *e2e) {
			e.allocate(10000)
			acct := e.account(yuan("1000"), 0)
			before, box := balance(t, e.store, acct), e.box()
			f := e.openCode("1402", "cash_withdrawal")
			e.typeIn(f, "account", acct)
			// The lookup shows whose account it is and what it holds.
			var holder string
			e.store.DB().Get(&holder, e.store.DB().Rebind(`SELECT c.name FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.number = ?`), acct)
			if name, _ := f.Scope.Get("acct_name"); holder == "" || name != holder {
				t.Errorf("holder shown %v, want %q", name, holder)
			}
			if bal, _ := f.Scope.Get("balance"); bal != before {
				t.Errorf("balance shown %v, want %s", bal, before.Grouped())
			}
			e.typeIn(f, "amount", "500")
			e.typeIn(f, "memo", "取现")
			o := e.submit(false)
			e.checkPosted(o, want{code: "1402", account: acct, amount: yuan("500"),
				receipt: []string{o.serial, dsl.Mask(acct), "500.00"}})
			if got := before - balance(t, e.store, acct); got != yuan("500") {
				t.Errorf("account moved by -%s", got.Grouped())
			}
			if b := e.box(); box.Balance-b.Balance != 50000 || b.CashOut-box.CashOut != 50000 || b.CashIn != box.CashIn {
				t.Errorf("box %+v after %+v", b, box)
			}
			if n := e.count(`SELECT COUNT(*) FROM daily_usage WHERE account = ? AND withdrawn = 50000`, acct); n != 1 {
				t.Errorf("daily usage not recorded")
			}
		}},
		{"1402 withdrawal over the balance refused", func(t *testing.T, e *e2e) {
			e.allocate(100000)
			acct := e.account(yuan("100"), 0)
			before := balance(t, e.store, acct)
			over := before + yuan("100")
			f := e.openCode("1402", "cash_withdrawal")
			e.typeIn(f, "account", acct)
			e.typeIn(f, "amount", over.String())
			// The balance the lookup showed: the form's own rule refuses.
			o := e.submit(false)
			if o.serial != "" || fieldError(f, "amount") == "" {
				t.Fatalf("withdrawing %s of %s: posted %q, amount error %q", over, before, o.serial, fieldError(f, "amount"))
			}
			// The ledger refuses too when what the window saw is stale:
			// another counter takes money out meanwhile.
			f.Scope.Set("amount", nil)
			e.typeIn(f, "amount", "100")
			e.post("cash_withdrawal", map[string]any{"account": acct, "amount": (before - yuan("50")).String()}, false)
			o = e.submit(false)
			e.checkRefused(o, f, "amount", "E_INSUFFICIENT_FUNDS")
			kept(t, f, map[string]any{"account": acct, "amount": yuan("100")})
			before = yuan("50")
			if balance(t, e.store, acct) != before {
				t.Error("balance moved")
			}
		}},
		{"1402 withdrawal over 50,000 without authorization", func(t *testing.T, e *e2e) {
			e.allocate(100000)
			acct := e.account(0, 2)
			e.post("cash_deposit", map[string]any{"account": acct, "amount": "70000", "depositor_name": "王伟",
				"depositor_id": "11010519491231002X", "fund_source": "salary"}, true)
			before, box := balance(t, e.store, acct), e.box()
			f := e.openCode("1402", "cash_withdrawal")
			e.typeIn(f, "account", acct)
			e.typeIn(f, "amount", "60000")
			// Over this account's 50,000 daily cash limit too: a reason.
			e.typeIn(f, "limit_reason", "购房首付款")
			e.typeIn(f, "idcard", "11010519491231002X")
			f.Scope.Set("id_verified", true)
			o := e.submit(true)
			if !o.auth {
				t.Error("the window did not ask for a supervisor")
			}
			e.checkRefused(o, f, "", "")
			if balance(t, e.store, acct) != before || e.box() != box {
				t.Error("money moved without authorization")
			}
			kept(t, f, map[string]any{"account": acct, "amount": yuan("60000")})
		}},
		{"1403 transfer", func(t *testing.T, e *e2e) {
			from, to := e.account(yuan("1000"), 0), e.account(0, 5)
			bf, bt, box := balance(t, e.store, from), balance(t, e.store, to), e.box()
			f := e.openCode("1403", "transfer")
			e.typeIn(f, "from_account", to) // a slip of the finger, corrected below
			stale, _ := f.Scope.Get("payer_name")
			f.Scope.Set("from_account", nil)
			e.typeIn(f, "from_account", from[:len(from)-1])
			if v, _ := f.Scope.Get("payer_name"); stale == nil || v != nil {
				t.Errorf("payer name %v, then %v once the account is incomplete; want a name, then none", stale, v)
			}
			e.typeIn(f, "from_account", from[len(from)-1:])
			if v, _ := f.Scope.Get("payer_name"); v == nil || v == "" {
				t.Error("no payer name once the account is complete")
			}
			if v, _ := f.Scope.Get("balance"); v != bf {
				t.Errorf("payer balance shown %v, want %s", v, bf.Grouped())
			}
			// An incomplete payee account is refused at the field.
			short := len(to) - 1
			for idnum.Luhn(to[:short]) {
				short--
			}
			e.typeIn(f, "to_account", to[:short])
			if got := fieldError(f, "to_account"); !strings.Contains(got, "转入账号校验位错误") {
				t.Errorf("payee account %s (incomplete): error %q", to[:short], got)
			}
			f.Field("to_account").SetValue(nil)
			e.typeIn(f, "to_account", to)
			if got := fieldError(f, "to_account"); got != "" {
				t.Errorf("payee account %s: error %q", to, got)
			}
			if v, _ := f.Scope.Get("balance"); v != bf {
				t.Errorf("the payee's lookup overwrote the payer's balance: %v", v)
			}
			// A payee name that is not the account holder's is flagged at
			// the field and kept as typed, never overwritten.
			holder, _ := f.Scope.Get("payee_holder")
			if holder == nil || holder == "" {
				t.Fatal("no payee holder shown once the payee account is complete")
			}
			e.typeIn(f, "payee_name", "不是户名")
			if got := fieldError(f, "payee_name"); got != "收款人户名与账户户名不符" {
				t.Errorf("a payee name not the holder's: error %q", got)
			}
			if v, _ := f.Scope.Get("payee_name"); v != "不是户名" {
				t.Errorf("the typed payee name became %v", v)
			}
			f.Field("payee_name").SetValue(nil)
			e.typeIn(f, "payee_name", fmt.Sprint(holder))
			if got := fieldError(f, "payee_name"); got != "" {
				t.Errorf("the holder's own name: error %q", got)
			}
			e.typeIn(f, "amount", "321")
			f.Scope.Set("purpose", "salary")
			e.typeIn(f, "postscript", "十一月工资")
			o := e.submit(false)
			e.checkPosted(o, want{code: "1403", account: from, amount: yuan("321"),
				receipt: []string{o.serial, dsl.Mask(from), "321.00"}})
			if bf-balance(t, e.store, from) != yuan("321") || balance(t, e.store, to)-bt != yuan("321") {
				t.Errorf("balances %s→%s, %s→%s", bf.Grouped(), balance(t, e.store, from).Grouped(), bt.Grouped(), balance(t, e.store, to).Grouped())
			}
			if e.box() != box {
				t.Error("a transfer moved cash")
			}
		}},
		{"1405 balance inquiry", func(t *testing.T, e *e2e) {
			acct := e.account(yuan("1"), 3)
			bal := balance(t, e.store, acct)
			f := e.openCode("1405", "balance_inquiry")
			e.typeIn(f, "account", acct)
			o := e.submit(false)
			e.checkPosted(o, want{code: "1405", account: acct, amount: 0})
			rows, _ := f.Scope.Get("result_rows")
			rs, _ := rows.([]map[string]any)
			if len(rs) != 1 || fmt.Sprint(rs[0]["balance"]) != fmt.Sprint(int64(bal)) {
				t.Errorf("result rows %v, want the balance %s", rows, bal.Grouped())
			}
			if name, _ := f.Scope.Get("acct_name"); name == nil || name == "" {
				t.Error("no holder name shown")
			}
			if v, _ := f.Scope.Get("account"); v != acct {
				t.Errorf("the inquiry cleared its criteria: account %v", v)
			}
		}},
		{"2101 open account", func(t *testing.T, e *e2e) {
			id := customerID("19900307")
			box := e.box()
			f := e.openCode("2101", "open_account")
			e.typeIn(f, "cust_name", "赵雷")
			// The birth date and the gender come from the ID number; a
			// gender or a date that does not match it is refused at the
			// field.
			e.typeIn(f, "idcard", id)
			if g, _ := f.Scope.Get("gender"); g != "male" {
				t.Errorf("gender %v from %s, want male", g, id)
			}
			if b, _ := f.Scope.Get("birth_date"); b != "1990-03-07" {
				t.Errorf("birth date %v from %s, want 1990-03-07", b, id)
			}
			f.Field("birth_date").SetValue(nil)
			e.typeIn(f, "birth_date", "1990-03-08")
			if got := fieldError(f, "birth_date"); got != "出生日期与身份证号不符" {
				t.Errorf("birth date 1990-03-08 for %s: error %q", id, got)
			}
			f.Scope.Set("gender", "female")
			f.Validate()
			if got := fieldError(f, "gender"); got != "性别与身份证号不符" {
				t.Errorf("gender female for %s: error %q", id, got)
			}
			f.Scope.Set("gender", "male")
			f.Field("birth_date").SetValue(nil)
			e.typeIn(f, "birth_date", "1990-03-07")
			e.typeIn(f, "phone", "13900001111")
			f.Scope.Set("occupation", "employee")
			e.typeIn(f, "address", "北京市东城区")
			f.Scope.Set("product", "demand")
			e.typeIn(f, "initial_deposit", "100")
			o := e.submit(false)
			var acct string
			e.store.DB().Get(&acct, e.store.DB().Rebind(`SELECT COALESCE(account, '') FROM journal WHERE serial = ?`), o.serial)
			e.checkPosted(o, want{code: "2101", amount: yuan("100"), receipt: []string{o.serial, "100.00"}})
			var a struct {
				Status  string `db:"status"`
				Balance int64  `db:"balance"`
				Name    string `db:"name"`
			}
			if err := e.store.DB().Get(&a, e.store.DB().Rebind(`SELECT a.status, a.balance, c.name FROM accounts a
				JOIN customers c ON c.id = a.customer_id WHERE a.number = ?`), acct); err != nil {
				t.Fatalf("new account %q: %v", acct, err)
			}
			if a.Status != "active" || a.Balance != 10000 || a.Name != "赵雷" {
				t.Errorf("new account %+v", a)
			}
			if c, err := e.store.FindCustomer(context.Background(), id); err != nil || c.Name != "赵雷" {
				t.Errorf("customer %+v: %v", c, err)
			}
			if b := e.box(); b.CashIn-box.CashIn != 10000 || b.Balance-box.Balance != 10000 {
				t.Errorf("box %+v after %+v", b, box)
			}
			// The new account's number is what the customer came for:
			// printed whole, once.
			if strings.Count(o.printed, acct) != 1 || strings.Count(o.printed, "账号 Account") != 1 {
				t.Errorf("receipt does not show the new account %s once:\n%s", acct, o.printed)
			}
		}},
		{"2102 close account", func(t *testing.T, e *e2e) {
			id := customerID("19850612")
			acct := e.openFor(id, "0")
			f := e.openCode("2102", "close_account")
			e.typeIn(f, "account", acct)
			e.typeIn(f, "idcard", id)
			f.Scope.Set("card_recovered", true)
			f.Scope.Set("reason", "customer_request")
			o := e.submit(false)
			e.checkPosted(o, want{code: "2102", authorizer: "010199", account: acct, receipt: []string{o.serial, dsl.Mask(acct)}})
			var status, closed string
			e.store.DB().QueryRow(e.store.DB().Rebind(`SELECT status, COALESCE(closed_on, '') FROM accounts WHERE number = ?`), acct).Scan(&status, &closed)
			if status != "closed" || closed != e.date {
				t.Errorf("account %s, closed on %q", status, closed)
			}
		}},
		{"2102 close account with a balance refused", func(t *testing.T, e *e2e) {
			id := customerID("19850613")
			acct := e.openFor(id, "100")
			f := e.openCode("2102", "close_account")
			e.typeIn(f, "account", acct)
			e.typeIn(f, "idcard", id)
			f.Scope.Set("reason", "customer_request")
			// The lookup showed the balance: the form's own rule refuses.
			o := e.submit(false)
			if o.serial != "" || fieldError(f, "account") == "" {
				t.Fatalf("closing an account showing 100.00: posted %q, account error %q", o.serial, fieldError(f, "account"))
			}
			// The ledger refuses too when what the window saw is stale: the
			// account looked empty, then money came in.
			empty := e.openFor(customerID("19850614"), "0")
			f.Scope.Set("account", nil)
			f.Scope.Set("idcard", nil)
			e.typeIn(f, "account", empty)
			e.typeIn(f, "idcard", customerID("19850614"))
			e.post("cash_deposit", map[string]any{"account": empty, "amount": "100"}, false)
			acct = empty
			o = e.submit(false)
			e.checkRefused(o, f, "account", "E_BALANCE_NOT_ZERO")
			kept(t, f, map[string]any{"account": acct, "idcard": customerID("19850614")})
			if n := e.count(`SELECT COUNT(*) FROM accounts WHERE number = ? AND status = 'active' AND balance = 10000`, acct); n != 1 {
				t.Error("account changed")
			}
		}},
		{"2201 card loss report", func(t *testing.T, e *e2e) {
			id := customerID("19770101")
			acct := e.openFor(id, "0")
			f := e.openCode("2201", "card_loss_report")
			e.typeIn(f, "account", acct)
			f.Scope.Set("medium", "card")
			e.typeIn(f, "cust_name", "赵雷")
			e.typeIn(f, "idcard", id)
			e.typeIn(f, "phone", "13900001111")
			f.Scope.Set("loss_type", "oral")
			f.Scope.Set("reason", "lost")
			o := e.submit(false)
			e.checkPosted(o, want{code: "2201", account: acct, receipt: []string{o.serial, dsl.Mask(acct)}})
			// A loss report is a hold of its own (issue 18), not the
			// account's status: it can be lifted without touching others.
			if n := e.count(`SELECT COUNT(*) FROM holds WHERE account = ? AND kind = 'loss_report' AND status = 'active'`, acct); n != 1 {
				t.Error("no active loss-report hold on the account")
			}
			if n := e.count(`SELECT COUNT(*) FROM accounts WHERE number = ? AND status = 'active'`, acct); n != 1 {
				t.Error("the loss report changed the account's status")
			}
		}},
		{"1901 reversal, then again refused", func(t *testing.T, e *e2e) {
			acct := e.account(0, 4)
			before, box := balance(t, e.store, acct), e.box()
			orig := e.post("cash_deposit", map[string]any{"account": acct, "amount": "300"}, false).Serial
			if err := e.s.receiptService().Print(context.Background(), orig); err != nil {
				t.Fatal(err)
			}
			reverse := func() (*widgets.Form, outcome) {
				f := e.openCode("1901", "reversal")
				e.typeIn(f, "orig_serial", orig)
				if v, _ := f.Scope.Get("orig_date"); v != today {
					e.typeIn(f, "orig_date", today)
				}
				e.typeIn(f, "reason", "金额录入错误")
				return f, e.submit(false)
			}
			_, o := reverse()
			e.checkPosted(o, want{code: "1901", authorizer: "010199", account: acct, amount: yuan("300"),
				receipt: []string{o.serial, orig, "冲正凭条", "金额录入错误"}})
			if j := e.journal(o.serial); j.ReversalOf != orig {
				t.Errorf("reversal_of %q, want %s", j.ReversalOf, orig)
			}
			if j := e.journal(orig); j.ReversedBy != o.serial {
				t.Errorf("original reversed_by %q, want %s", j.ReversedBy, o.serial)
			}
			if balance(t, e.store, acct) != before {
				t.Errorf("balance %s after the reversal, want %s", balance(t, e.store, acct).Grouped(), before.Grouped())
			}
			if b := e.box(); b.Balance != box.Balance || b.CashIn != box.CashIn {
				t.Errorf("box %+v after the reversal, want %+v", b, box)
			}
			f, o2 := reverse()
			e.checkRefused(o2, f, "orig_serial", "E_ALREADY_REVERSED")
			kept(t, f, map[string]any{"orig_serial": orig, "reason": "金额录入错误"})
			if balance(t, e.store, acct) != before {
				t.Error("reversed twice")
			}
		}},
		{"1901 reversal of a withdrawal", func(t *testing.T, e *e2e) {
			e.allocate(10000)
			acct := e.account(yuan("1000"), 1)
			before, box := balance(t, e.store, acct), e.box()
			orig := e.post("cash_withdrawal", map[string]any{"account": acct, "amount": "800"}, false).Serial
			if err := e.s.receiptService().Print(context.Background(), orig); err != nil {
				t.Fatal(err)
			}
			f := e.openCode("1901", "reversal")
			e.typeIn(f, "orig_serial", orig)
			if v, _ := f.Scope.Get("orig_date"); v != today {
				e.typeIn(f, "orig_date", today)
			}
			e.typeIn(f, "reason", "客户取消取款")
			o := e.submit(false)
			e.checkPosted(o, want{code: "1901", authorizer: "010199", account: acct, amount: yuan("800"),
				receipt: []string{o.serial, orig, "客户取消取款"}})
			if balance(t, e.store, acct) != before {
				t.Errorf("balance %s after the reversal, want %s", balance(t, e.store, acct).Grouped(), before.Grouped())
			}
			if b := e.box(); b.Balance != box.Balance || b.CashOut != box.CashOut || b.CashIn != box.CashIn {
				t.Errorf("box %+v after the reversal, want %+v", b, box)
			}
			if n := e.count(`SELECT COUNT(*) FROM daily_usage WHERE account = ? AND withdrawn <> 0`, acct); n != 0 {
				t.Error("the reversed withdrawal still counts against the daily limit")
			}
		}},
		{"3101 cash box allocation", func(t *testing.T, e *e2e) {
			box, vault := e.box(), e.vault()
			f := e.openCode("3101", "cashbox_allocate")
			e.typeIn(f, "amount", "10000")
			e.typeIn(f, "handover_id", "010102")
			e.typeIn(f, "memo", "早间领现")
			e.typeIn(f, "n100", "90")
			e.typeIn(f, "n50", "20")
			o := e.submit(false)
			e.checkPosted(o, want{code: "3101", account: "010102", amount: yuan("10000")})
			if !o.handover {
				t.Error("the allocation posted without asking 010102, who handed the cash over, to confirm")
			}
			if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'counterpart' AND authorizer = '010102' AND object = ?`, o.serial); n != 1 {
				t.Errorf("%d counterpart records for %s", n, o.serial)
			}
			if b := e.box(); b.Balance-box.Balance != 1000000 || b.CashIn-box.CashIn != 1000000 {
				t.Errorf("box %+v after %+v", b, box)
			}
			// The form, cleared for the next one, shows the new box balance.
			wait(t, e.s)
			if v, _ := f.Scope.Get("box_balance"); v != money.Fen(e.box().Balance) {
				t.Errorf("box balance shown %v after the allocation, box holds %d", v, e.box().Balance)
			}
			if d := vault - e.vault(); d != yuan("10000") {
				t.Errorf("vault moved by -%s", d.Grouped())
			}
		}},
		{"3101 the other teller must confirm", func(t *testing.T, e *e2e) {
			box := e.box()
			f := e.openCode("3101", "cashbox_allocate")
			e.typeIn(f, "amount", "100")
			e.typeIn(f, "handover_id", "010102")
			e.typeIn(f, "n100", "1")
			before := e.lastSerial()
			// Cancelled: nothing posts and what was typed stays.
			e.submitButton()
			if e.dialogHas(confirmZh) {
				tap(t, e.w, confirmZh)
			}
			wait(t, e.s)
			if !e.dialogHas("确认交接 Enter") {
				t.Fatal("no handover confirmation asked")
			}
			tap(t, e.w, "取消 Esc")
			wait(t, e.s)
			if v, _ := f.Scope.Get("handover_id"); v != "010102" || e.lastSerial() != before {
				t.Fatalf("a cancelled confirmation posted or lost the form (handover_id %v)", v)
			}
			// A wrong password: refused, and the box has not moved.
			e.submitButton()
			if e.dialogHas(confirmZh) {
				tap(t, e.w, confirmZh)
			}
			wait(t, e.s)
			confirmHandover(t, e.w, "not-the-password")
			wait(t, e.s)
			if e.lastSerial() != before || e.box() != box {
				t.Fatal("posted with a wrong password of the other teller")
			}
			if !strings.Contains(e.s.summary.status.Text, "密码错误") {
				t.Errorf("status %q after a wrong password", e.s.summary.status.Text)
			}
		}},
		{"3102 cash box settlement", func(t *testing.T, e *e2e) {
			e.allocate(10000)
			box, vault := e.box(), e.vault()
			f := e.openCode("3102", "cashbox_settle")
			e.typeIn(f, "amount", "5000")
			e.typeIn(f, "handover_id", "010102")
			e.typeIn(f, "n100", "50")
			o := e.submit(false)
			e.checkPosted(o, want{code: "3102", account: "010102", amount: yuan("5000")})
			if !o.handover {
				t.Error("the hand-in posted without asking 010102, who received the cash, to confirm")
			}
			if b := e.box(); box.Balance-b.Balance != 500000 || b.CashOut-box.CashOut != 500000 {
				t.Errorf("box %+v after %+v", b, box)
			}
			if d := e.vault() - vault; d != yuan("5000") {
				t.Errorf("vault moved by %s", d.Grouped())
			}
		}},
		{"1410 cheque deposit", func(t *testing.T, e *e2e) {
			payer, payee := e.account(yuan("2000"), 0), e.account(0, 6)
			bp, bq, box := balance(t, e.store, payer), balance(t, e.store, payee), e.box()
			f := e.openCode("1410", "cheque_deposit")
			e.typeIn(f, "cheque_no", "12345678")
			e.typeIn(f, "issue_date", today)
			e.typeIn(f, "amount", "1500")
			e.typeIn(f, "payer_account", payer)
			e.typeIn(f, "payer_name", "王芳")
			e.typeIn(f, "payee_account", payee)
			f.Scope.Set("seal_ok", true)
			o := e.submit(false)
			e.checkPosted(o, want{code: "1410", account: payee, amount: yuan("1500"),
				receipt: []string{o.serial, dsl.Mask(payee), "1,500.00"}})
			if bp-balance(t, e.store, payer) != yuan("1500") || balance(t, e.store, payee)-bq != yuan("1500") {
				t.Errorf("payer %s→%s, payee %s→%s", bp.Grouped(), balance(t, e.store, payer).Grouped(), bq.Grouped(), balance(t, e.store, payee).Grouped())
			}
			if e.box() != box {
				t.Error("a cheque moved cash")
			}
		}},
		{"1906 journal query", func(t *testing.T, e *e2e) {
			acct := e.account(0, 0)
			dep := e.post("cash_deposit", map[string]any{"account": acct, "amount": "42"}, false).Serial
			f := e.openCode("1906", "journal_query")
			if v, _ := f.Scope.Get("date_from"); v != today {
				e.typeIn(f, "date_from", today)
			}
			if v, _ := f.Scope.Get("date_to"); v != today {
				e.typeIn(f, "date_to", today)
			}
			e.typeIn(f, "teller_id", "010101")
			e.typeIn(f, "account", acct)
			journal := e.count(`SELECT COUNT(*) FROM journal`)
			o := e.submit(false)
			if o.serial != "" || e.count(`SELECT COUNT(*) FROM journal`) != journal {
				t.Errorf("a query was journaled: %s", o.serial)
			}
			if o.printed != "" {
				t.Errorf("a query printed:\n%s", o.printed)
			}
			// What the teller sees of the result: the table or the message.
			shown := e.s.summary.status.Text
			if rows, _ := f.Scope.Get("journal_rows"); rows != nil {
				shown += fmt.Sprint(rows)
			}
			if strings.Contains(e.s.summary.status.Text, "E_") {
				t.Fatalf("query refused: %q", e.s.summary.status.Text)
			}
			e.checkBooksAndAudit()
			if !strings.Contains(shown, dep) {
				t.Errorf("the journal query's rows do not show %s (status %q)", dep, e.s.summary.status.Text)
			}
		}},
		{"3901 day-end balancing and sign-off", func(t *testing.T, e *e2e) {
			e.allocate(10000)
			deposit(t, e.s, e.w, e.store, e.account(0, 0), "123.40")
			e.dismiss()
			e.s.signOff()
			tap(t, e.w, confirmZh)
			if e.signedOff {
				t.Fatal("signed off before balancing the box")
			}
			e.dismiss()
			f := e.openCode("3901", "day_end_balance")
			// 10,123.40 = 101×100 + 1×20 + 3×1 + 4×0.10
			for _, c := range [][2]string{{"n100", "101"}, {"n20", "1"}, {"n1", "3"}, {"j1", "4"}} {
				e.typeIn(f, c[0], c[1])
			}
			// The form opened with the book figures.
			if v, _ := f.Scope.Get("expected"); v != yuan("10123.40") {
				t.Errorf("expected %v, want 10,123.40", v)
			}
			if v, _ := f.Scope.Get("summary_rows"); !strings.Contains(fmt.Sprint(v), "现金存款") {
				t.Errorf("the day's summary %v lacks the deposit by name", v)
			}
			o := e.submit(false)
			e.checkPosted(o, want{code: "3901", amount: 0, receipt: []string{"日终轧账", "10,123.40"}})
			if b := e.box(); b.Status != "balanced" || b.OverShort != 0 || b.Balance != 1012340 {
				t.Errorf("box %+v after balancing", b)
			}
			if n := e.count(`SELECT COUNT(*) FROM cash_boxes WHERE teller = '010101' AND business_date = ? AND closing = 1012340
				AND n100 = 101 AND n20 = 1 AND n1 = 3 AND j1 = 4`, e.date); n != 1 {
				t.Error("the count is not recorded in the box")
			}
			e.dismiss()
			e.s.signOff()
			tap(t, e.w, confirmZh)
			if !e.signedOff {
				t.Errorf("sign-off refused after balancing and printing: %q", e.s.summary.status.Text)
			}
			if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'sign_off' AND teller = '010101'`); n != 1 {
				t.Errorf("%d sign-off audit records", n)
			}
			e.checkBooksAndAudit()
		}},
		{"3901 day-end count not matching", func(t *testing.T, e *e2e) {
			e.allocate(10000)
			f := e.openCode("3901", "day_end_balance")
			e.typeIn(f, "n100", "99") // 100 yuan short
			o := e.submit(false)
			if o.serial != "" {
				t.Fatalf("a short count posted %s without explanation", o.serial)
			}
			if msg := fieldError(f, "diff_reason"); msg == "" {
				t.Errorf("no word that the difference needs explaining (status %q)", e.s.summary.status.Text)
			}
			if b := e.box(); b.Status != "open" {
				t.Errorf("box %+v", b)
			}
			e.typeIn(f, "diff_reason", "清点短款一百元")
			o = e.submit(false)
			if !o.auth {
				t.Error("the window did not ask for a supervisor for a difference")
			}
			e.checkPosted(o, want{code: "3901", authorizer: "010199", amount: yuan("-100"), receipt: []string{"日终轧账"}})
			if b := e.box(); b.Status != "balanced" || b.OverShort != -10000 || b.Balance != 990000 {
				t.Errorf("box %+v after a short count", b)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newE2E(t))
		})
	}
	// Every form has a case.
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		found := false
		for _, tt := range append(tests, moduleE2ECases...) { // the later modules have tests of their own
			found = found || strings.HasPrefix(tt.name, f.Code+" ")
		}
		if !found {
			t.Errorf("no end-to-end case for form %s (%s)", f.ID, f.Code)
		}
	}
}
