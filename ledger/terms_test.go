package ledger_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"guitai/assets"
	"guitai/interest"
	"guitai/ledger"
	"guitai/money"
)

// termRow is a term deposit's contract as term_deposits holds it.
type termRow struct {
	Principal int64  `db:"principal"`
	Rate      string `db:"rate"`
	Opened    string `db:"opened_on"`
	Maturity  string `db:"maturity"`
	Partly    int    `db:"partly_withdrawn"`
	Carried   int64  `db:"carried_interest"`
	Rollovers int    `db:"rollovers"`
	Status    string `db:"status"`
	Voucher   int64  `db:"voucher_no"`
}

// term reads the contract of term deposit acct.
func (e *env) term(t *testing.T, acct string) termRow {
	t.Helper()
	var r termRow
	db := e.store.DB()
	if err := db.Get(&r, db.Rebind(`SELECT principal, rate, opened_on, maturity, partly_withdrawn, carried_interest, rollovers, status, voucher_no
		FROM term_deposits WHERE account = ?`), acct); err != nil {
		t.Fatal(err)
	}
	return r
}

// seededTerm is the account of the demo term deposit of branch 0101 of
// product that rolls over (or not).
func (e *env) seededTerm(t *testing.T, product string, rollover int) string {
	t.Helper()
	var a string
	db := e.store.DB()
	if err := db.Get(&a, db.Rebind(`SELECT account FROM term_deposits WHERE branch = '0101' AND product = ? AND auto_rollover = ?`), product, rollover); err != nil {
		t.Fatal(err)
	}
	return a
}

// termRefused asserts that txn is refused with code at field.
func (e *env) termRefused(t *testing.T, txn string, auth *ledger.Credentials, vals map[string]any, code ledger.Code, field string) {
	t.Helper()
	r, err := e.post(txn, T1, auth, vals)
	if ledger.CodeOf(err) != code || fieldOf(err) != field {
		t.Fatalf("%s %v: got %v (result %v), want %s at %s", txn, vals, err, r, code, field)
	}
}

// glBook is the balance of a GL book.
func (e *env) termBook(t *testing.T, code string) int64 {
	t.Helper()
	var b int64
	db := e.store.DB()
	if err := db.Get(&b, db.Rebind(`SELECT balance FROM gl_books WHERE code = ?`), code); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTermDeposits: 1501 opens term deposits from cash and from a demand
// account at the rate of the business date; 1502 pays them out in full
// at maturity, overdue, early and partly early (once), the interest
// from the interest-expense book, each figure computed by hand below
// from the rules of package interest. The demo ledger's rates (migration
// 00011) in force on 2026-11-23 and on the seeded opening days are those
// of 2025-05-20: demand 0.05, 3 months 0.65, 6 months 0.85, 1 year 0.95,
// 3 years 1.25. The books balance throughout.
func TestTermDeposits(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		// Cash in the teller's box for the withdrawals.
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "40000.00"})
		e.must(t, "cash_deposit", T1, sup(), map[string]any{"account": A3, "amount": "200000.00"})
		intexp := e.termBook(t, "INTEXP-0101")
		// T1's box holds the branch's first demo certificates (存单).
		cert := ledger.DemoVoucherBase("0101") + 1

		t.Run("1501 open from cash", func(t *testing.T) {
			r := e.must(t, "term_open", T1, nil, map[string]any{"account": A1, "product": "Y1", "amount": "10000.00", "source": "cash"})
			no, _ := r.Values["account_no"].(string)
			if r.Values["rate"] != "0.95" || r.Values["maturity"] != "2027-11-23" || no == "" {
				t.Fatalf("term_open: %v", r.Values)
			}
			if got := e.term(t, no); got.Principal != 1_000_000 || got.Rate != "0.95" || got.Opened != bizDate || got.Maturity != "2027-11-23" || got.Status != "active" {
				t.Fatalf("contract %+v", got)
			}
			if e.balance(t, no) != 1_000_000 {
				t.Fatalf("term account balance %d", e.balance(t, no))
			}
			e.certificateUsed(t, r, no, cert)
			// Over 50,000.00 the ledger asks for a supervisor.
			e.termRefused(t, "term_open", nil, map[string]any{"account": A1, "product": "Y3", "amount": "60000.00", "source": "cash"}, "E_AUTH_REQUIRED", "authorizer")
			r = e.must(t, "term_open", T1, sup(), map[string]any{"account": A1, "product": "Y3", "amount": "60000.00", "source": "cash"})
			e.certificateUsed(t, r, r.Values["account_no"].(string), cert+1)
			// A term deposit does not fund another; nor a product that is not a term.
			e.termRefused(t, "term_open", nil, map[string]any{"account": no, "product": "Y1", "amount": "100.00", "source": "transfer"}, "E_TERM_SETTLE_ACCOUNT", "account")
			e.termRefused(t, "term_open", nil, map[string]any{"account": A1, "product": "N7", "amount": "100.00", "source": "cash"}, "E_TERM_PRODUCT", "product")
			e.termRefused(t, "term_open", nil, map[string]any{"account": A1, "product": "Y1", "amount": "49.99", "source": "cash"}, "E_AMOUNT_MIN", "amount")
			e.termRefused(t, "term_open", nil, map[string]any{"account": A1, "product": "Y1", "amount": "100.00", "source": "cheque"}, "E_TERM_SOURCE", "source")
		})

		t.Run("1501 open by transfer", func(t *testing.T) {
			before := e.balance(t, A2)
			if before < 10_000 {
				e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A2, "amount": "100.00"})
				before = e.balance(t, A2)
			}
			r := e.must(t, "term_open", T1, nil, map[string]any{"account": A2, "product": "M6", "amount": "100.00", "source": "transfer", "auto_rollover": true})
			no := r.Values["account_no"].(string)
			if e.balance(t, A2) != before-10_000 || e.balance(t, no) != 10_000 || r.Values["rate"] != "0.85" || r.Values["maturity"] != "2027-05-23" {
				t.Fatalf("transfer: %s %d -> %d, %v", A2, before, e.balance(t, A2), r.Values)
			}
			// The refusals before it used none: the next certificate in serial order.
			e.certificateUsed(t, r, no, cert+2)
			e.termRefused(t, "term_open", nil, map[string]any{"account": ledger.DemoFrozenAccount, "product": "Y1", "amount": "100.00", "source": "transfer"}, "E_ACCOUNT_HELD", "account")
			e.termRefused(t, "term_open", nil, map[string]any{"account": A2, "product": "Y1", "amount": money.Fen(before + 1).String(), "source": "transfer"}, "E_INSUFFICIENT_FUNDS", "amount")
		})

		t.Run("1501 without a certificate in the box refused", func(t *testing.T) {
			// T1 hands the two certificates left back to the vault.
			left := map[string]any{"action": "return", "kind": "certificate", "from_no": fmt.Sprint(cert + 3), "to_no": fmt.Sprint(cert + ledger.DemoBoxVouchers - 1)}
			if r := e.must(t, "voucher_void", T1, nil, left); r.Values["voucher_count"] != int64(ledger.DemoBoxVouchers-3) {
				t.Fatalf("return of the certificates left: %v", r.Values)
			}
			box, bal, terms := e.termBox(t), e.balance(t, A2), e.termCount(t)
			e.termRefused(t, "term_open", nil, map[string]any{"account": A1, "product": "Y1", "amount": "100.00", "source": "cash"}, "E_VOUCHER_NONE", "voucher_no")
			e.termRefused(t, "term_open", nil, map[string]any{"account": A2, "product": "Y1", "amount": "100.00", "source": "transfer"}, "E_VOUCHER_NONE", "voucher_no")
			if e.termBox(t) != box || e.balance(t, A2) != bal || e.termCount(t) != terms {
				t.Fatalf("a refused opening moved the box %d -> %d, %s %d -> %d, or opened a deposit (%d -> %d)",
					box, e.termBox(t), A2, bal, e.balance(t, A2), terms, e.termCount(t))
			}
			// Issued a range from the vault, the lowest of it is used.
			first := ledger.DemoVoucherBase("0101") + 2*ledger.DemoBoxVouchers + 1
			e.must(t, "voucher_issue", T1, nil, map[string]any{"kind": "certificate", "from_no": fmt.Sprint(first + 1), "to_no": fmt.Sprint(first + 2), "handover_id": T2})
			r := e.must(t, "term_open", T1, nil, map[string]any{"account": A1, "product": "Y1", "amount": "100.00", "source": "cash"})
			e.certificateUsed(t, r, r.Values["account_no"].(string), first+1)
			if v := e.voucher(t, "certificate", first+2); v.Status != "unused" || v.Location != "BOX-"+T1 {
				t.Fatalf("the next certificate %+v", v)
			}
		})

		t.Run("1502 full at maturity", func(t *testing.T) {
			// Opened 2025-11-23 for a year at 0.95, matures today:
			// 50,000.00 × 0.95% × 12 ÷ 12 = 475.00.
			acct := e.seededTerm(t, "Y1", 0)
			box := e.termBox(t)
			r := e.must(t, "term_withdraw", T1, nil, map[string]any{"account": acct, "mode": "full"})
			if r.Values["interest"] != money.Fen(47_500) || r.Values["kind"] != "full" || r.Values["paid_total"] != money.Fen(5_047_500) {
				t.Fatalf("full: %v", r.Values)
			}
			if got := e.term(t, acct); got.Status != "closed" || e.balance(t, acct) != 0 {
				t.Fatalf("after full withdrawal: %+v, balance %d", got, e.balance(t, acct))
			}
			if d := box - e.termBox(t); d != 5_047_500 {
				t.Fatalf("box paid %d", d)
			}
			if d := intexp - e.termBook(t, "INTEXP-0101"); d != 47_500 {
				t.Fatalf("interest expense moved by %d", d)
			}
			e.termRefused(t, "term_withdraw", nil, map[string]any{"account": acct, "mode": "full"}, "E_TERM_CLOSED", "account")
		})

		t.Run("1502 overdue", func(t *testing.T) {
			// Opened 2026-04-08 for 6 months at 0.85, matured 2026-10-08,
			// 46 days overdue (23 in October, 23 in November):
			// 30,000.00 × 0.85% × 6 ÷ 12 = 127.50, plus
			// 30,000.00 × 0.05% × 46 ÷ 360 = 1.9166… → 1.92; 129.42.
			acct := e.seededTerm(t, "M6", 0)
			if c := e.term(t, acct); c.Opened != "2026-04-08" || c.Maturity != "2026-10-08" {
				t.Fatalf("seeded overdue deposit %+v", c)
			}
			e.termRefused(t, "term_withdraw", sup(), map[string]any{"account": acct, "mode": "early"}, "E_TERM_MATURED", "mode")
			r := e.must(t, "term_withdraw", T1, nil, map[string]any{"account": acct, "mode": "full"})
			if r.Values["interest"] != money.Fen(12_942) || r.Values["kind"] != "overdue" || r.Values["overdue_days"] != int64(46) {
				t.Fatalf("overdue: %v", r.Values)
			}
		})

		t.Run("1502 partial early, once, then early", func(t *testing.T) {
			// Opened 2026-10-23 for 3 months at 0.65; 31 days held.
			// 4,000.00 withdrawn: 4,000.00 × 0.05% × 31 ÷ 360 = 0.1722… → 0.17.
			acct := e.seededTerm(t, "M3", 1)
			vals := map[string]any{"account": acct, "mode": "partial", "withdraw_amount": "4000.00"}
			e.termRefused(t, "term_withdraw", nil, vals, "E_AUTH_REQUIRED", "authorizer")
			e.termRefused(t, "term_withdraw", sup(), map[string]any{"account": acct, "mode": "full"}, "E_TERM_NOT_MATURE", "mode")
			e.termRefused(t, "term_withdraw", sup(), map[string]any{"account": acct, "mode": "partial", "withdraw_amount": "9960.01"}, "E_TERM_REMAINDER", "withdraw_amount")
			e.termRefused(t, "term_withdraw", sup(), map[string]any{"account": acct, "mode": "partial"}, "E_PARTIAL_WITHDRAWAL", "withdraw_amount")
			r := e.must(t, "term_withdraw", T1, sup(), vals)
			if r.Values["interest"] != money.Fen(17) || r.Values["paid_total"] != money.Fen(400_017) || r.Values["remainder"] != money.Fen(600_000) {
				t.Fatalf("partial: %v", r.Values)
			}
			c := e.term(t, acct)
			if c.Principal != 600_000 || c.Partly != 1 || c.Rate != "0.65" || c.Opened != "2026-10-23" || c.Maturity != "2027-01-23" || c.Status != "active" || e.balance(t, acct) != 600_000 {
				t.Fatalf("remainder %+v, balance %d", c, e.balance(t, acct))
			}
			e.termRefused(t, "term_withdraw", sup(), map[string]any{"account": acct, "mode": "partial", "withdraw_amount": "100.00"}, "E_TERM_PARTIAL_TWICE", "mode")
			// The rest early: 6,000.00 × 0.05% × 31 ÷ 360 = 0.2583… → 0.26.
			r = e.must(t, "term_withdraw", T1, sup(), map[string]any{"account": acct, "mode": "early"})
			if r.Values["interest"] != money.Fen(26) || r.Values["kind"] != "early" || r.Values["paid_total"] != money.Fen(600_026) {
				t.Fatalf("early rest: %v", r.Values)
			}
		})

		t.Run("1502 early", func(t *testing.T) {
			// Opened 2026-06-23 for 3 years at 1.25; 153 days held
			// (7 + 31 + 31 + 30 + 31 + 23): 80,000.00 × 0.05% × 153 ÷ 360 = 17.00.
			acct := e.seededTerm(t, "Y3", 0)
			r := e.must(t, "term_withdraw", T1, sup(), map[string]any{"account": acct, "mode": "early"})
			if r.Values["interest"] != money.Fen(1_700) || r.Values["days"] != int64(153) || r.Authorizer != SUP {
				t.Fatalf("early: %v", r.Values)
			}
		})

		t.Run("1408 trial is tellerctl's figure", func(t *testing.T) {
			vals := map[string]any{"principal": "30000.00", "rate": "0.85", "term_months": "6", "opened": "2026-04-08"}
			r := e.must(t, "interest_trial", T1, nil, vals)
			want, err := interest.Settle(interest.Deposit{Principal: 3_000_000, Rate: interest.MustParseRate("0.85"), Term: 6,
				Opened: time.Date(2026, 4, 8, 0, 0, 0, 0, time.UTC)}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), interest.MustParseRate("0.05"))
			if err != nil || r.Values["interest"] != want.Interest || want.Interest != 12_942 || r.Values["demand_used"] != "0.05" {
				t.Fatalf("trial %v, interest.Settle %+v %v", r.Values, want, err)
			}
			vals["closed"], vals["demand_rate"] = "2026-10-08", "0.30"
			if r := e.must(t, "interest_trial", T1, nil, vals); r.Values["interest"] != money.Fen(12_750) || r.Values["kind"] != "full" {
				t.Fatalf("trial at maturity: %v", r.Values)
			}
			vals["closed"] = "2026-04-01"
			e.termRefused(t, "interest_trial", nil, vals, "E_INTEREST_DATES", "closed")
			vals["closed"], vals["rate"] = "", "0.8%"
			e.termRefused(t, "interest_trial", nil, vals, "E_RATE", "rate")
		})

		if b := e.books(t); !b.OK() || b.Net() != 0 {
			t.Fatalf("books: %+v", b)
		}
	})
}

// certificateUsed asserts that term opening r (of deposit no) used the
// certificate (存单) numbered want: returned for the receipt, kept on the
// contract, and the voucher marked used by r for the deposit.
func (e *env) certificateUsed(t *testing.T, r *ledger.Result, no string, want int64) {
	t.Helper()
	if r.Values["voucher_no"] != want {
		t.Fatalf("term_open %s used certificate %v, want %d", r.Serial, r.Values["voucher_no"], want)
	}
	if c := e.term(t, no); c.Voucher != want {
		t.Fatalf("contract of %s names certificate %d, want %d", no, c.Voucher, want)
	}
	if v := e.voucher(t, "certificate", want); v.Status != "used" || v.UsedSerial != r.Serial || v.Account != no || v.Location != "BOX-"+T1 {
		t.Fatalf("certificate %d after %s: %+v", want, r.Serial, v)
	}
}

// termCount is how many term and notice deposits there are.
func (e *env) termCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.store.DB().Get(&n, `SELECT COUNT(*) FROM term_deposits`); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTermOpenConsumesLikeConsumeVoucherSQL: term_open's certificate
// step is ledger.ConsumeVoucherSQL("certificate"), but for the account
// it names: the new term deposit's, not the customer's demand account.
func TestTermOpenConsumesLikeConsumeVoucherSQL(t *testing.T) {
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(ledger.ConsumeVoucherSQL("certificate"), "account = :account,", "account = :new_account,", 1)
	for _, st := range cat["term_open"].Steps {
		if st.Error == "E_VOUCHER_NONE" {
			if st.SQL != want || st.ExpectRows == nil || *st.ExpectRows != 1 || st.Field != "voucher_no" {
				t.Fatalf("term_open's certificate step %+v,\nwant SQL %s", st, want)
			}
			return
		}
	}
	t.Fatal("term_open consumes no certificate")
}

// termBox is teller T1's cash box balance on the business date.
func (e *env) termBox(t *testing.T) int64 {
	t.Helper()
	var b int64
	db := e.store.DB()
	if err := db.Get(&b, db.Rebind(`SELECT balance FROM cash_boxes WHERE teller = ? ORDER BY business_date DESC LIMIT 1`), T1); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTermRollover: day-end rolls a matured auto-rollover deposit over
// to a new term from its maturity date at the rate posted that day,
// carrying the finished term's interest, which the withdrawal pays; a
// deposit without rollover stays overdue, one not yet due stays as it is.
func TestTermRollover(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		roll, stay := e.seededTerm(t, "Y1", 1), e.seededTerm(t, "Y1", 0)
		running := e.seededTerm(t, "M3", 1)
		db := e.store.DB()
		// The 1-year rate falls to 0.90 on the maturity day.
		if _, err := db.Exec(db.Rebind(`INSERT INTO deposit_rates (product, effective, rate, updated_by, updated_at) VALUES ('Y1', ?, '0.90', 'test', 'now')`), bizDate); err != nil {
			t.Fatal(err)
		}
		if next, err := e.store.CloseDay(ctx, "0101", "test"); err != nil || next != "2026-11-24" {
			t.Fatalf("day-end: %s %v", next, err)
		}
		// 20,000.00 × 0.95% × 12 ÷ 12 = 190.00 carried; new term 2026-11-23 to 2027-11-23 at 0.90.
		if c := e.term(t, roll); c.Opened != bizDate || c.Maturity != "2027-11-23" || c.Rate != "0.90" || c.Carried != 19_000 || c.Rollovers != 1 || c.Status != "active" {
			t.Fatalf("rolled over: %+v", c)
		}
		if c := e.term(t, stay); c.Opened != "2025-11-23" || c.Maturity != bizDate || c.Carried != 0 {
			t.Fatalf("no rollover: %+v", c)
		}
		if c := e.term(t, running); c.Maturity != "2027-01-23" || c.Rollovers != 0 {
			t.Fatalf("not due: %+v", c)
		}
		var n int
		if err := db.Get(&n, `SELECT COUNT(*) FROM audit_log WHERE action = 'term_rollover' AND result = '1'`); err != nil || n != 1 {
			t.Fatalf("%d rollover audit records (%v)", n, err)
		}
		// Withdrawn the next day, early in its new term: 1 day,
		// 20,000.00 × 0.05% × 1 ÷ 360 = 0.0277… → 0.03, plus 190.00 carried.
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "30000.00"})
		r := e.must(t, "term_withdraw", T1, sup(), map[string]any{"account": roll, "mode": "early"})
		if r.Values["interest"] != money.Fen(19_003) || r.Values["paid_total"] != money.Fen(2_019_003) {
			t.Fatalf("withdrawal after rollover: %v", r.Values)
		}
		if b := e.books(t); !b.OK() || b.Net() != 0 {
			t.Fatalf("books: %+v", b)
		}
	})
}

// TestNoticeDeposits: 1503 opens a notice deposit (at least 50,000.00);
// 1504 registers a notice of withdrawal and pays out, at the notice rate
// when the amount noticed is withdrawn after the notice period, else at
// the demand rate, for the days held ÷ 360 (通知存款管理办法). Rates of
// 2025-05-20: 1-day notice 0.10, 7-day 0.45, demand 0.05.
func TestNoticeDeposits(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.must(t, "cash_deposit", T1, sup(), map[string]any{"account": A3, "amount": "300000.00"})

		t.Run("1503 open", func(t *testing.T) {
			vals := map[string]any{"account": A1, "product": "N7", "amount": "60000.00", "source": "cash"}
			e.termRefused(t, "notice_open", nil, vals, "E_AUTH_REQUIRED", "authorizer")
			e.termRefused(t, "notice_open", sup(), map[string]any{"account": A1, "product": "N7", "amount": "49999.99", "source": "cash"}, "E_TERM_MIN", "amount")
			e.termRefused(t, "notice_open", sup(), map[string]any{"account": A1, "product": "Y1", "amount": "60000.00", "source": "cash"}, "E_NOTICE_PRODUCT", "product")
			r := e.must(t, "notice_open", T1, sup(), vals)
			no := r.Values["account_no"].(string)
			if c := e.term(t, no); c.Principal != 6_000_000 || c.Rate != "0.45" || c.Maturity != "" || e.balance(t, no) != 6_000_000 {
				t.Fatalf("notice deposit %+v, balance %d", c, e.balance(t, no))
			}
		})

		t.Run("1504 withdrawal after the notice", func(t *testing.T) {
			// Opened 2026-10-24, a notice of the whole on 2026-11-16 (7
			// days ago): 100,000.00 × 0.45% × 30 ÷ 360 = 37.50.
			acct := e.seededTerm(t, "N7", 0)
			vals := map[string]any{"account": acct, "action": "withdraw", "amount": "100000.00"}
			e.termRefused(t, "notice_withdraw", nil, vals, "E_AUTH_REQUIRED", "authorizer")
			r := e.must(t, "notice_withdraw", T1, sup(), vals)
			if r.Values["interest"] != money.Fen(3_750) || r.Values["rate_kind"] != "notice" || r.Values["days"] != int64(30) || r.Values["paid_total"] != money.Fen(10_003_750) {
				t.Fatalf("withdrawal: %v", r.Values)
			}
			if c := e.term(t, acct); c.Status != "closed" || e.balance(t, acct) != 0 {
				t.Fatalf("after: %+v", c)
			}
		})

		t.Run("1504 without a notice, then a notice the same day", func(t *testing.T) {
			// Opened 2026-11-13, 200,000.00, no notice: the demand rate,
			// 100,000.00 × 0.05% × 10 ÷ 360 = 1.3888… → 1.39.
			acct := e.seededTerm(t, "N1", 0)
			r := e.must(t, "notice_withdraw", T1, sup(), map[string]any{"account": acct, "action": "withdraw", "amount": "100000.00"})
			if r.Values["interest"] != money.Fen(139) || r.Values["rate_kind"] != "demand" || r.Values["remainder"] != money.Fen(10_000_000) {
				t.Fatalf("withdrawal without notice: %v", r.Values)
			}
			e.termRefused(t, "notice_withdraw", nil, map[string]any{"account": acct, "action": "notice", "amount": "60000.00"}, "E_NOTICE_REMAINDER", "amount")
			e.termRefused(t, "notice_withdraw", nil, map[string]any{"account": acct, "action": "notice", "amount": "40000.00"}, "E_NOTICE_REMAINDER", "amount")
			e.termRefused(t, "notice_withdraw", nil, map[string]any{"account": acct, "action": "notice", "amount": "100000.01"}, "E_NOTICE_AMOUNT", "amount")
			e.termRefused(t, "notice_withdraw", nil, map[string]any{"account": acct, "action": "close", "amount": "100000.00"}, "E_NOTICE_ACTION", "action")
			n := e.must(t, "notice_withdraw", T1, nil, map[string]any{"account": acct, "action": "notice", "amount": "100000.00"})
			if n.Values["paid_total"] != money.Fen(0) || n.Authorizer != "" {
				t.Fatalf("notice: %v", n.Values)
			}
			// The 1-day notice has not run: still the demand rate.
			r = e.must(t, "notice_withdraw", T1, sup(), map[string]any{"account": acct, "action": "withdraw", "amount": "100000.00"})
			if r.Values["interest"] != money.Fen(139) || r.Values["rate_kind"] != "demand" {
				t.Fatalf("withdrawal before the notice ran: %v", r.Values)
			}
			if c := e.term(t, acct); c.Status != "closed" {
				t.Fatalf("after: %+v", c)
			}
		})

		if b := e.books(t); !b.OK() || b.Net() != 0 {
			t.Fatalf("books: %+v", b)
		}
	})
}

// TestTermAccountsKeepOutOfDemandTransactions: a term deposit's account
// is paid in, out, transferred and closed only through its own modules:
// the demand transactions refuse it at its field, and its balance and
// contract stay as they were.
func TestTermAccountsKeepOutOfDemandTransactions(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		term := e.seededTerm(t, "Y1", 0)
		before := e.balance(t, term)
		e.must(t, "cashbox_allocate", T1, nil, map[string]any{"amount": "100", "handover_id": T2, "n100": "1"})
		for _, c := range []struct {
			txn   string
			vals  map[string]any
			field string
		}{
			{"cash_deposit", map[string]any{"account": term, "amount": "10.00"}, "account"},
			{"cash_withdrawal", map[string]any{"account": term, "amount": "10.00"}, "account"},
			{"transfer", map[string]any{"from_account": term, "to_account": A1, "amount": "10.00", "payee_name": "x", "purpose": "rent"}, "from_account"},
			{"transfer", map[string]any{"from_account": A1, "to_account": term, "amount": "10.00", "payee_name": "x", "purpose": "rent"}, "to_account"},
		} {
			e.termRefused(t, c.txn, nil, c.vals, "E_TERM_ACCOUNT", c.field)
		}
		if got := e.balance(t, term); got != before {
			t.Errorf("term account %s moved from %d to %d", term, before, got)
		}
	})
}
