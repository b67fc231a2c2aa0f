package ledger

import (
	"context"
	"fmt"
	"slices"
)

// VoucherKinds are the kinds of important blank voucher (重要空白凭证) the
// ledger stocks (migration 00010): a bank card, a passbook, a deposit
// certificate (存单) and a cheque book.
var VoucherKinds = []string{"card", "passbook", "certificate", "cheque_book"}

// ConsumeVoucherSQL is the catalog statement that uses the next unused
// voucher of kind (one of VoucherKinds) in the posting teller's cash box,
// in serial order, for the posting (:serial) on :account, and returns its
// number as voucher_no. A module that prints on a voucher (term deposit
// opening on a 存单) puts this text in a step with expectRows 1 and error
// E_VOUCHER_NONE, so a box without one refuses the posting. It panics on
// an unknown kind: the text is a program's constant, not input.
func ConsumeVoucherSQL(kind string) string {
	if !slices.Contains(VoucherKinds, kind) {
		panic("ledger: unknown voucher kind " + kind)
	}
	return fmt.Sprintf(`UPDATE vouchers SET status = 'used', used_serial = :serial, used_by = :teller, used_on = :business_date, `+
		`account = :account, version = version + 1 WHERE id = (SELECT v.id FROM vouchers v WHERE v.kind = '%s' `+
		`AND v.location = :cashbox AND v.status = 'unused' ORDER BY v.serial_no LIMIT 1) AND status = 'unused' `+
		`RETURNING serial_no AS voucher_no`, kind)
}

// VoucherCount is how many vouchers of a kind are at one location (the
// vault's or a cash box's book code) in one status, and the lowest and
// highest serial among them.
type VoucherCount struct {
	Location string `db:"location" json:"location"`
	Teller   string `db:"teller" json:"teller,omitempty"`
	Kind     string `db:"kind" json:"kind"`
	Status   string `db:"status" json:"status"`
	Count    int64  `db:"count" json:"count"`
	First    int64  `db:"first" json:"first"`
	Last     int64  `db:"last" json:"last"`
}

// VoucherStock counts a branch's vouchers by location, kind and status,
// for day-end's count of the vouchers with the cash and for the property
// test's "every voucher accounted for". Used, sold and void vouchers are
// counted where they were when it happened.
func (s *Store) VoucherStock(ctx context.Context, branch string) ([]VoucherCount, error) {
	var out []VoucherCount
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT location, teller, kind, status, COUNT(*) AS count,
		MIN(serial_no) AS first, MAX(serial_no) AS last FROM vouchers WHERE branch = ?
		GROUP BY location, teller, kind, status ORDER BY location, kind, status`), branch)
	return out, wrapDB(err)
}
