package ledger

import (
	"context"

	"github.com/jmoiron/sqlx"
)

func init() { moduleSeeds = append(moduleSeeds, seedVouchers) }

// Demo vouchers (migration 00010): each demo teller of a branch holds
// DemoBoxVouchers of every kind in their cash box, the first tellers the
// lowest serials (010101 from DemoVoucherBase(branch) + 1, 010102 next),
// and the branch's vault the next DemoVaultVouchers of every kind, so a
// sale (3202) or a term deposit's 存单 works on a fresh demo ledger and
// an issue (3201) hands out higher serials than the boxes hold.
const (
	DemoVaultVouchers = 100
	DemoBoxVouchers   = 5
)

// DemoVoucherBase is the serial before a demo branch's first voucher of
// every kind: 10,000,000 for 0101, 20,000,000 for 0102, ...
func DemoVoucherBase(branch string) int64 {
	var n int64
	for _, c := range branch {
		n = n*10 + int64(c-'0')
	}
	return (n % 100) * 10_000_000
}

// seedVouchers stocks the demo tellers' boxes of branch d.branch, then its
// vault.
func seedVouchers(ctx context.Context, s *Store, tx *sqlx.Tx, d seedDay) error {
	base := DemoVoucherBase(d.branch)
	for _, u := range DemoUsers {
		if u.Branch != d.branch || u.Role != RoleTeller {
			continue
		}
		if err := insertVouchers(ctx, s, tx, d.branch, bookCode("box", u.ID), u.ID, base, DemoBoxVouchers); err != nil {
			return err
		}
		base += DemoBoxVouchers
	}
	return insertVouchers(ctx, s, tx, d.branch, bookCode("vault", d.branch), "", base, DemoVaultVouchers)
}

// insertVouchers adds n unused vouchers of every kind numbered after
// `after` at location, held by teller ("" for the vault).
func insertVouchers(ctx context.Context, s *Store, tx *sqlx.Tx, branch, location, teller string, after int64, n int) error {
	for _, kind := range VoucherKinds {
		_, err := s.exec(ctx, tx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < :n)
			INSERT INTO vouchers (id, kind, serial_no, branch, location, teller)
			SELECT CAST(:kind AS TEXT) || '-' || CAST(CAST(:after AS BIGINT) + i AS TEXT), :kind, CAST(:after AS BIGINT) + i,
			       :branch, :location, :teller FROM seq`,
			map[string]any{"n": n, "kind": kind, "after": after, "branch": branch, "location": location, "teller": teller})
		if err != nil {
			return err
		}
	}
	return nil
}
