package ledger

import (
	"context"
	"encoding/json"

	"github.com/jmoiron/sqlx"
)

// heldBranch limits a holds statement to the accounts of branch :branch.
const heldBranch = `account IN (SELECT number FROM accounts WHERE branch = :branch)`

// expireHolds is day-end's part for the holds of branch (migration 00009)
// at the close of business date date: a hold whose expiry date has come
// (expiry_date <= date) ends as 'expired', and on every account whose
// whole-account freeze so ended, the first freeze waiting behind it (轮候,
// lowest queue) takes effect on next. It returns how many ended and how
// many took effect, for the day close's audit record.
func (s *Store) expireHolds(ctx context.Context, tx *sqlx.Tx, branch, date, next string) (expired, started int64, err error) {
	arg := map[string]any{"branch": branch, "date": date, "next": next}
	expired, err = s.exec(ctx, tx, `UPDATE holds SET status = 'expired', version = version + 1
		WHERE status = 'active' AND expiry_date <> '' AND expiry_date <= :date AND `+heldBranch, arg)
	if err != nil || expired == 0 {
		return expired, 0, err
	}
	started, err = s.exec(ctx, tx, `UPDATE holds SET status = 'active', start_date = :next, version = version + 1
		WHERE status = 'waiting' AND `+heldBranch+`
		AND queue = (SELECT MIN(w.queue) FROM holds w WHERE w.account = holds.account AND w.status = 'waiting')
		AND NOT EXISTS (SELECT 1 FROM holds b WHERE b.account = holds.account AND b.status = 'active'
			AND b.amount = 0 AND b.kind IN ('judicial_freeze', 'admin_freeze'))`, arg)
	return expired, started, err
}

// dayClosePayload is the payload of a day close's audit record: what
// day-end did to the branch's holds.
func dayClosePayload(expired, started int64) []byte {
	b, _ := json.Marshal(map[string]int64{"holds_expired": expired, "holds_started": started})
	return b
}
