package ledger

import (
	"context"

	"github.com/jmoiron/sqlx"
)

func init() { moduleSeeds = append(moduleSeeds, seedReservation) }

// DemoReservedAccount is a wealthier customer's account of branch 0101
// (every seventh demo account is one) with a large-cash reservation (1407,
// migration 00015) of DemoReservedAmount for the demo's business date, so
// the withdrawal form (1402) shows a reservation on a fresh demo ledger.
var DemoReservedAccount = AccountNumber("0101", 217)

// DemoReservation is the demo reservation's booking number: a word, not
// the account's number, which a receipt prints only masked.
const DemoReservation = "seed-reservation"

// DemoReservedAmount is the demo reservation's amount: 80,000.00 yuan.
const DemoReservedAmount = 8_000_000

// seedReservation books the demo reservation for branch 0101's business
// date, in the name of the branch's first demo teller.
func seedReservation(ctx context.Context, s *Store, tx *sqlx.Tx, d seedDay) error {
	if d.branch != "0101" {
		return nil
	}
	_, err := s.exec(ctx, tx, `INSERT INTO cash_reservations (id, branch, account, amount, withdraw_on, booked_by, booked_on)
		VALUES (:id, :branch, :account, :amount, :date, :teller, :date)`,
		map[string]any{"id": DemoReservation, "branch": d.branch, "account": DemoReservedAccount,
			"amount": DemoReservedAmount, "date": d.date, "teller": "010101"})
	return err
}
