package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"guitai/interest"
	"guitai/money"
)

// ActionTermRollover is the audit action of day-end's rollover of the
// term deposits that matured (object: the branch's business date closed;
// result: how many rolled over; payload: each deposit's new term).
const ActionTermRollover = "term_rollover"

// dueTerm is one term deposit day-end rolls over: its contract as
// term_deposits holds it (migration 00011).
type dueTerm struct {
	Account   string
	Product   string
	Principal money.Fen
	Rate      string
	Term      int
	Opened    string
	Maturity  string
	Carried   money.Fen
	Version   int64
}

// TermRollover is what day-end did to one term deposit: the terms it
// finished (several when day-end did not run on a maturity date), the
// interest of those terms, now carried, and its new term.
type TermRollover struct {
	Account  string    `json:"account"`
	Terms    int       `json:"terms"`
	Interest money.Fen `json:"interest"`
	Rate     string    `json:"rate"`
	Opened   string    `json:"opened"`
	Maturity string    `json:"maturity"`
}

// rollTermDeposits is day-end's part for the term deposits of branch at
// the close of business date date (migration 00011): every active term
// deposit that rolls over automatically (auto_rollover) and whose
// maturity has come (maturity <= date) without a withdrawal starts a new
// term on its maturity date, of the same months, at the rate of its
// product posted on that day (储蓄管理条例: a rolled-over deposit is a new
// deposit, at the rate of the rollover day). The principal rolls over
// (本金转存); the interest of the finished term (principal × contract rate
// × months ÷ 12, package interest) is carried and paid with the deposit,
// so day-end posts nothing. A deposit with no rate posted for its
// product keeps its rate. It records what it did and returns it.
func (s *Store) rollTermDeposits(ctx context.Context, tx *sqlx.Tx, branch, date, actor string) ([]TermRollover, error) {
	due, err := s.dueTerms(ctx, tx, branch, date)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	var out []TermRollover
	for _, d := range due {
		r, err := s.rollTerm(ctx, tx, d, date)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	payload, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return out, s.record(ctx, tx, AuditEvent{Teller: actor, Branch: branch, Action: ActionTermRollover, Object: date,
		Result: fmt.Sprint(len(out)), Payload: payload})
}

// dueTerms reads branch's active auto-rollover term deposits matured on
// or before date, by account.
func (s *Store) dueTerms(ctx context.Context, tx *sqlx.Tx, branch, date string) ([]dueTerm, error) {
	rows, err := s.query(ctx, tx, `SELECT account, product, principal, rate, term_months, opened_on, maturity, carried_interest, version
		FROM term_deposits WHERE branch = :branch AND status = 'active' AND auto_rollover = 1 AND term_months > 0
		AND maturity <> '' AND maturity <= :date ORDER BY account`, map[string]any{"branch": branch, "date": date})
	if err != nil {
		return nil, err
	}
	out := make([]dueTerm, 0, len(rows))
	for _, r := range rows {
		out = append(out, dueTerm{Account: fmt.Sprint(r["account"]), Product: fmt.Sprint(r["product"]),
			Principal: money.Fen(asInt(r["principal"])), Rate: fmt.Sprint(r["rate"]), Term: int(asInt(r["term_months"])),
			Opened: fmt.Sprint(r["opened_on"]), Maturity: fmt.Sprint(r["maturity"]), Carried: money.Fen(asInt(r["carried_interest"])),
			Version: asInt(r["version"])})
	}
	return out, nil
}

// rollTerm rolls the deposit d over until its maturity is after date,
// and writes its new term.
func (s *Store) rollTerm(ctx context.Context, tx *sqlx.Tx, d dueTerm, date string) (TermRollover, error) {
	r := TermRollover{Account: d.Account, Rate: d.Rate, Opened: d.Opened, Maturity: d.Maturity}
	for r.Maturity <= date {
		full, err := termInterest(d.Principal, r.Rate, d.Term, r.Opened)
		if err != nil {
			return r, fmt.Errorf("ledger: term deposit %s: %w", d.Account, err)
		}
		r.Interest += full
		r.Terms++
		if rate, ok, err := s.rateOn(ctx, tx, d.Product, r.Maturity); err != nil {
			return r, err
		} else if ok {
			r.Rate = rate
		}
		m, err := time.Parse(time.DateOnly, r.Maturity)
		if err != nil {
			return r, errf("E_DATE_SYNTAX", "maturity", err)
		}
		r.Opened, r.Maturity = r.Maturity, interest.Maturity(m, d.Term).Format(time.DateOnly)
	}
	n, err := s.exec(ctx, tx, `UPDATE term_deposits SET rate = :rate, opened_on = :opened, maturity = :maturity,
		carried_interest = carried_interest + :interest, rollovers = rollovers + :terms, version = version + 1
		WHERE account = :account AND version = :version`, map[string]any{"rate": r.Rate, "opened": r.Opened,
		"maturity": r.Maturity, "interest": int64(r.Interest), "terms": r.Terms, "account": d.Account, "version": d.Version})
	if err != nil {
		return r, err
	}
	if n != 1 {
		return r, fmt.Errorf("ledger: term deposit %s changed during day-end", d.Account)
	}
	return r, nil
}

// termInterest is the interest of a whole term of months opened on
// opened at the contract rate (interest.Settle on the maturity date).
func termInterest(principal money.Fen, rate string, months int, opened string) (money.Fen, error) {
	r, err := interest.ParseRate(rate)
	if err != nil {
		return 0, err
	}
	o, err := time.Parse(time.DateOnly, opened)
	if err != nil {
		return 0, err
	}
	d := interest.Deposit{Principal: principal, Rate: r, Term: months, Opened: o}
	res, err := interest.Settle(d, interest.Maturity(o, months), 0)
	if err != nil {
		return 0, err
	}
	return res.Interest, nil
}

// rateOn is the rate of product posted on day (the row of the latest
// effective date on or before it); false when none is.
func (s *Store) rateOn(ctx context.Context, tx *sqlx.Tx, product, day string) (string, bool, error) {
	rows, err := s.query(ctx, tx, `SELECT rate FROM deposit_rates WHERE product = :product AND effective <= :day
		ORDER BY effective DESC LIMIT 1`, map[string]any{"product": product, "day": day})
	if err != nil || len(rows) == 0 {
		return "", false, err
	}
	return fmt.Sprint(rows[0]["rate"]), true, nil
}
