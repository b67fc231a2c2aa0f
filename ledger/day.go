package ledger

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"guitai/audit"
)

// This file holds the business date. It is the ledger's, one per branch
// (branches.business_date), never a program's wall clock: every program
// reads it from the ledger, so the window, tellerctl and auditctl post to
// and report the same day whatever the zone of the machine they run on.
//
// A branch's day is opened by its first sign-on: when the calendar day in
// China (UTC+8) is past the branch's business date and no cash box of
// that date is still open with cash in it, the branch moves to today. It
// is closed by day-end (CloseDay, 日切), which needs every box of the day
// balanced or empty and moves the branch to the next day.

// china is China Standard Time, UTC+8, without daylight saving: the zone
// the branches' calendar days are counted in.
var china = time.FixedZone("CST", 8*3600)

// Today is the calendar date in China (UTC+8) now, as YYYY-MM-DD: the
// first business date of a new ledger, and the date a branch's first
// sign-on of a later day opens.
func Today() string { return time.Now().In(china).Format(time.DateOnly) }

// BusinessDate is the branch's business date.
func (s *Store) BusinessDate(ctx context.Context, branch string) (string, error) {
	var d string
	err := s.db.GetContext(ctx, &d, s.db.Rebind(`SELECT business_date FROM branches WHERE code = ?`), branch)
	if err != nil {
		return "", wrapDB(err)
	}
	return d, nil
}

// openDay moves u's branch to today in tx when its business date is past
// and nothing of that date is still open, and records it.
func (s *Store) openDay(ctx context.Context, tx *sqlx.Tx, u User, terminal string) error {
	date, err := s.businessDate(ctx, tx, u.Branch)
	if err != nil {
		return err
	}
	today := s.now().In(china).Format(time.DateOnly)
	if date >= today {
		return nil
	}
	open, err := s.openBoxes(ctx, tx, u.Branch, date)
	if err != nil || open > 0 {
		return err // the old day is still being worked: it must be closed first
	}
	if _, err := s.exec(ctx, tx, `UPDATE branches SET business_date = :today WHERE code = :code AND business_date = :date`,
		map[string]any{"today": today, "code": u.Branch, "date": date}); err != nil {
		return err
	}
	return s.record(ctx, tx, AuditEvent{Teller: u.ID, Terminal: terminal, Branch: u.Branch, Action: audit.ActionDayOpen,
		Object: u.Branch, Result: today})
}

// boxInUse is the condition on cash_boxes of a box still being worked: open
// (not balanced) and holding or having moved cash. Sign-off, the opening
// of a new day and day-end all ask it.
const boxInUse = `status = 'open' AND (balance <> 0 OR cash_in <> 0 OR cash_out <> 0)`

// openBoxes counts the branch's cash boxes of date still in use
// (boxInUse).
func (s *Store) openBoxes(ctx context.Context, tx *sqlx.Tx, branch, date string) (int64, error) {
	rows, err := s.query(ctx, tx, `SELECT COUNT(*) AS n FROM cash_boxes WHERE branch = :branch AND business_date = :date
		AND `+boxInUse, map[string]any{"branch": branch, "date": date})
	if err != nil {
		return 0, err
	}
	return asInt(rows[0]["n"]), nil
}

// CloseDay is the branch's day-end (日切): refused with E_DAY_OPEN while a
// cash box of the day is open with cash in it; otherwise the holds whose
// expiry date has come end and the freezes waiting behind them take effect
// (expireHolds), the matured term deposits that roll over start their new
// term (rollTermDeposits), and the branch moves to the next calendar day, which it
// returns. Who closed it is recorded (Options.Actor, else actor), with what
// happened to the holds.
func (s *Store) CloseDay(ctx context.Context, branch, actor string) (string, error) {
	var next string
	err := s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		date, err := s.businessDate(ctx, tx, branch)
		if err != nil {
			return errf("E_BRANCH_UNKNOWN", "branch", err)
		}
		open, err := s.openBoxes(ctx, tx, branch, date)
		if err != nil {
			return err
		}
		if open > 0 {
			return errf("E_DAY_OPEN", "branch", nil)
		}
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return errf("E_DATE_SYNTAX", "business_date", err)
		}
		next = d.AddDate(0, 0, 1).Format(time.DateOnly)
		expired, started, err := s.expireHolds(ctx, tx, branch, date, next)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, `UPDATE branches SET business_date = :next WHERE code = :code`,
			map[string]any{"next": next, "code": branch}); err != nil {
			return err
		}
		who := s.actor
		if who == "" {
			who = actor
		}
		if _, err := s.rollTermDeposits(ctx, tx, branch, date, who); err != nil {
			return err // term deposits (terms.go)
		}
		return s.record(ctx, tx, AuditEvent{Teller: who, Branch: branch, Action: audit.ActionDayClose, Object: date, Result: next,
			Payload: dayClosePayload(expired, started)})
	})
	return next, wrapDB(err)
}
