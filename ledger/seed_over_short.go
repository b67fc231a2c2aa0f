package ledger

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

func init() { moduleSeeds = append(moduleSeeds, seedOverShort) }

// DemoOverage is the demo's outstanding overage (长款) of branch 0101:
// 50.00 yuan a customer left at teller 010101's counter, booked to the
// branch suspense and handed in to the vault, so 3108 (over_short_clear)
// has an item to clear on a fresh demo ledger (migration 00017). Its item
// is named by the serial of the seed's journal entry of branch 0101.
const DemoOverage = 5000

// seedOverShort books the demo overage: suspense credited, the vault
// debited, by lines added to the seed's journal entry, and the item
// outstanding in full.
func seedOverShort(ctx context.Context, s *Store, tx *sqlx.Tx, d seedDay) error {
	if d.branch != "0101" {
		return nil
	}
	serial, line, err := seedEntry(ctx, s, tx, d.branch)
	if err != nil {
		return err
	}
	arg := map[string]any{"serial": serial, "branch": d.branch, "date": d.date, "teller": "010101",
		"amount": int64(DemoOverage), "suspense": bookCode("suspense", d.branch), "vault": bookCode("vault", d.branch),
		"l1": line + 1, "l2": line + 2}
	for _, q := range []string{
		`INSERT INTO postings (serial, line, book, amount) VALUES (:serial, :l1, :vault, :amount)`,
		`INSERT INTO postings (serial, line, book, amount) VALUES (:serial, :l2, :suspense, 0 - :amount)`,
		`UPDATE gl_books SET balance = balance + :amount WHERE code = :vault`,
		`UPDATE gl_books SET balance = balance - :amount WHERE code = :suspense`,
		`INSERT INTO over_short_items (serial, branch, teller, business_date, kind, amount, outstanding)
			VALUES (:serial, :branch, :teller, :date, 'over', :amount, :amount)`,
	} {
		n, err := s.exec(ctx, tx, q, arg)
		if err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("ledger: demo overage: %d rows", n)
		}
	}
	return nil
}
