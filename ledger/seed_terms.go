package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"guitai/interest"
	"guitai/money"
)

func init() { moduleSeeds = append(moduleSeeds, seedTerms) }

// demoTerm is one term deposit of the demo: the demand account it was
// opened from (a wealthier customer's, whose balance pays it), its
// product and principal, how long before the business date it was opened
// (years, months, days back) and whether it rolls over. A notice
// deposit has no months; notice, when not 0, is how many days before the
// business date a notice of withdrawal of the whole was given.
type demoTerm struct {
	holder    int64 // sequence of the holder's demand account (AccountNumber)
	product   string
	months    int
	principal money.Fen
	back      [3]int
	rollover  bool
	notice    int
}

// demoTerms are the demo's term deposits of each branch: two maturing
// on the business date (one rolls over at day-end), one 45 days overdue,
// and two running (for an early or a partial early withdrawal); and two
// notice deposits, a 7-day one whose notice for the whole ran out today
// and a 1-day one without a notice.
var demoTerms = []demoTerm{
	{holder: 168, product: "Y1", months: 12, principal: 5_000_000, back: [3]int{-1, 0, 0}},
	{holder: 175, product: "Y1", months: 12, principal: 2_000_000, back: [3]int{-1, 0, 0}, rollover: true},
	{holder: 182, product: "M6", months: 6, principal: 3_000_000, back: [3]int{0, -6, -45}},
	{holder: 189, product: "Y3", months: 36, principal: 8_000_000, back: [3]int{0, -5, 0}},
	{holder: 196, product: "M3", months: 3, principal: 1_000_000, back: [3]int{0, -1, 0}, rollover: true},
	{holder: 203, product: "N7", principal: 10_000_000, back: [3]int{0, 0, -30}, notice: 7},
	{holder: 217, product: "N1", principal: 20_000_000, back: [3]int{0, 0, -10}},
}

// demoTermNumbers is where the demo term deposits' account sequences
// start: a range of their own, so the branch's counter of new accounts
// (and every account a test opens) is as SeedDemo left it.
const demoTermNumbers = 800_000_000

// seedEntry finds the seed's journal entry of branch and the last line
// of its postings, for the seeds that add lines to it.
func seedEntry(ctx context.Context, s *Store, tx *sqlx.Tx, branch string) (serial string, line int64, err error) {
	rows, err := s.query(ctx, tx, `SELECT j.serial AS serial, COALESCE((SELECT MAX(p.line) FROM postings p WHERE p.serial = j.serial), 0) AS line
		FROM journal j WHERE j.idem_key = :key`, map[string]any{"key": "seed/" + branch})
	if err != nil {
		return "", 0, err
	}
	if len(rows) != 1 {
		return "", 0, fmt.Errorf("ledger: seed of branch %s: no seed entry", branch)
	}
	return fmt.Sprint(rows[0]["serial"]), asInt(rows[0]["line"]), nil
}

// seedTerms opens the demo term and notice deposits of a branch (migration 00011)
// and its interest-expense book: accounts of product 'term' with their
// contracts, at the rates the table posted on their opening days, each
// paid from its holder's demand account by postings added to the seed's
// journal entry, so the customers' total and the equity stay as SeedDemo
// left them.
func seedTerms(ctx context.Context, s *Store, tx *sqlx.Tx, d seedDay) error {
	arg := map[string]any{"branch": d.branch, "book": "INTEXP-" + d.branch}
	if _, err := s.exec(ctx, tx, `INSERT INTO gl_books (code, branch, kind) VALUES (:book, :branch, 'equity') ON CONFLICT (code) DO NOTHING`, arg); err != nil {
		return err
	}
	day, err := time.Parse(time.DateOnly, d.date)
	if err != nil {
		return errf("E_DATE_SYNTAX", "business_date", err)
	}
	serial, last, err := seedEntry(ctx, s, tx, d.branch)
	if err != nil {
		return err
	}
	line := int(last)
	for i, t := range demoTerms {
		opened := day.AddDate(t.back[0], t.back[1], t.back[2])
		if err := s.seedTerm(ctx, tx, d, t, opened, serial, line, demoTermNumbers+int64(i)+1); err != nil {
			return err
		}
		line += 2
	}
	return nil
}

// seedTerm opens one demo term deposit t on opened, account sequence n,
// paid from its holder's demand account: lines after line of the seed
// entry serial.
func (s *Store) seedTerm(ctx context.Context, tx *sqlx.Tx, d seedDay, t demoTerm, opened time.Time, serial string, line int, n int64) error {
	on := opened.Format(time.DateOnly)
	rate, ok, err := s.rateOn(ctx, tx, t.product, on)
	if err != nil {
		return err
	}
	if !ok {
		return errf("E_TERM_RATE", "product", nil)
	}
	rollover := 0
	if t.rollover {
		rollover = 1
	}
	arg := map[string]any{"number": AccountNumber(d.branch, n), "holder": AccountNumber(d.branch, t.holder), "branch": d.branch,
		"product": t.product, "principal": int64(t.principal), "rate": rate, "months": t.months, "opened": on,
		"maturity": "", "kind": "notice", "rollover": rollover, "serial": serial, "debit": line + 1, "credit": line + 2,
		"notice_date": "", "notice_amount": int64(0)}
	if t.months > 0 {
		arg["maturity"], arg["kind"] = interest.Maturity(opened, t.months).Format(time.DateOnly), "term"
	}
	if t.notice > 0 {
		day, _ := time.Parse(time.DateOnly, d.date)
		arg["notice_date"], arg["notice_amount"] = day.AddDate(0, 0, -t.notice).Format(time.DateOnly), int64(t.principal)
	}
	for _, q := range []string{
		`INSERT INTO accounts (number, customer_id, branch, product, balance, daily_limit, opened_on)
			SELECT :number, customer_id, :branch, :kind, :principal, 0, :opened FROM accounts WHERE number = :holder`,
		`INSERT INTO term_deposits (account, customer_id, branch, product, principal, rate, term_months, opened_on, maturity,
			auto_rollover, first_opened, settle_account, open_serial, notice_date, notice_amount)
			SELECT :number, customer_id, :branch, :product, :principal, :rate, :months, :opened, :maturity, :rollover, :opened, :holder, :serial,
			:notice_date, :notice_amount FROM accounts WHERE number = :holder`,
		`UPDATE accounts SET balance = balance - :principal WHERE number = :holder AND balance >= :principal`,
		`INSERT INTO postings (serial, line, book, amount) VALUES (:serial, :debit, :holder, :principal)`,
		`INSERT INTO postings (serial, line, book, amount) VALUES (:serial, :credit, :number, 0 - :principal)`,
	} {
		n, err := s.exec(ctx, tx, q, arg)
		if err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("ledger: demo term deposit from %s: %d rows", arg["holder"], n)
		}
	}
	return nil
}
