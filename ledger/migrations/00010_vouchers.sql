-- Cash and vouchers (issue 18 §1 "Vouchers", "Vault and boxes"; §2 3103,
-- 3105, 3106, 3107, 3201–3203). The cash modules need no table of their
-- own: they move cash_boxes and gl_books with postings (3107 note
-- exchange none: the box's total does not change, the journal keeps the
-- counts), and the rules below.
--
-- vouchers is the stock of important blank vouchers (重要空白凭证): one
-- row per numbered voucher of a kind — a bank card, a passbook, a
-- deposit certificate (存单), a cheque book — in serial ranges. A
-- voucher is where location says: the branch's vault (its book code,
-- 'VAULT-0101', the catalog's :vault) or a teller's cash box (the box's
-- book code, 'BOX-010101', the catalog's :cashbox), so a box is named
-- apart from the teller who holds it. teller is the box's holder ('' in
-- the vault). A voucher is 'unused' until a posting uses it ('used': a
-- module consumed it, e.g. a term deposit printed on a 存单), sells it
-- ('sold': 3202, a cheque book to account) or voids it ('void': 3203,
-- spoiled, with reason); used_serial is that posting's journal serial.
-- issue_serial is the posting that put it where it is (3201 issue, 3203
-- return, 3105 handover of a whole box, the seed's ''). Vouchers are off
-- the balance sheet (表外): no postings move them, the journal and this
-- table account for them (ledger.Store.VoucherStock counts them).
--
-- Vouchers are used in serial order: the next unused voucher of a kind
-- in the posting teller's box. A catalog transaction that consumes one
-- (term deposit opening consumes a 存单) does it in one statement, with
-- expectRows 1 so an empty box refuses the posting:
--
--   UPDATE vouchers SET status = 'used', used_serial = :serial,
--          used_by = :teller, used_on = :business_date, account = :account,
--          version = version + 1
--   WHERE id = (SELECT v.id FROM vouchers v WHERE v.kind = 'certificate'
--               AND v.location = :cashbox AND v.status = 'unused'
--               ORDER BY v.serial_no LIMIT 1)
--     AND status = 'unused'
--   RETURNING serial_no AS voucher_no
--   -- "expectRows": 1, "error": "E_VOUCHER_NONE"
--
-- (ledger.ConsumeVoucherSQL(kind) returns that text; the transaction
-- needs an :account param; vouchers_next serves the subquery.) id is
-- kind || '-' || serial_no; serial_no is the number printed on the
-- voucher, unique per kind.
--
-- The rules, the ledger's whatever a form says:
--   cash_transfer (3103)    the receiving teller, named in handover_id,
--                           confirms (dual_control)
--   voucher_issue (3201)    the vault keeper, named in handover_id,
--                           confirms (dual_control)
--   box_handover (3105)     the receiving teller, named in handover_id,
--                           confirms (dual_control), and a supervisor
--                           witnesses (监交人): the authorizer of every
--                           posting (auth_policy 0)
--   cash_over_short (3106)  a supervisor, every posting (auth_policy 0)
--   voucher_void (3203)     a supervisor for a void (the step's
--                           authorizeIf), not for a return to the vault
-- One text for SQLite and PostgreSQL, like 00001.

-- +goose Up
CREATE TABLE vouchers (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('card', 'passbook', 'certificate', 'cheque_book')),
    serial_no    BIGINT NOT NULL CHECK (serial_no > 0),
    branch       TEXT NOT NULL REFERENCES branches(code),
    location     TEXT NOT NULL,
    teller       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'unused' CHECK (status IN ('unused', 'used', 'sold', 'void')),
    issue_serial TEXT NOT NULL DEFAULT '',
    used_serial  TEXT NOT NULL DEFAULT '',
    used_by      TEXT NOT NULL DEFAULT '',
    used_on      TEXT NOT NULL DEFAULT '',
    account      TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    version      BIGINT NOT NULL DEFAULT 0,
    UNIQUE (kind, serial_no),
    CHECK (status = 'unused' OR used_serial <> '')
);
CREATE INDEX vouchers_next ON vouchers(location, kind, status, serial_no);

INSERT INTO dual_control (txn, param, updated_by, updated_at) VALUES
    ('cash_transfer', 'handover_id', 'migration 00010', '2026-01-01T00:00:00Z'),
    ('voucher_issue', 'handover_id', 'migration 00010', '2026-01-01T00:00:00Z'),
    ('box_handover',  'handover_id', 'migration 00010', '2026-01-01T00:00:00Z');

INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at) VALUES
    ('cash_over_short', 0, 'supervisor', 1, 'migration 00010', '2026-01-01T00:00:00Z'),
    ('box_handover',    0, 'supervisor', 1, 'migration 00010', '2026-01-01T00:00:00Z');

-- +goose Down
DELETE FROM auth_policy WHERE txn IN ('cash_over_short', 'box_handover');
DELETE FROM dual_control WHERE txn IN ('cash_transfer', 'voucher_issue', 'box_handover');
DROP TABLE vouchers;
