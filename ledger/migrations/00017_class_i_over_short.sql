-- One class I account per person, and over/short items cleared (issue 18).
-- One text for SQLite and PostgreSQL, like 00001.
--
-- 个人银行账户分类管理: a person holds one class I account (Ⅰ类户) at the
-- bank. A person is a customer (customers.id_index, the HMAC-SM3 blind
-- index of the ID number, is unique), so the rule is: at most one account
-- of the customer with class 'I' that is not closed. Term and notice
-- deposits (1501, 1503) are accounts rows of their own, of the default
-- class 'I' but products 'term' and 'notice': deposits under the customer,
-- not classed settlement accounts, so the rule leaves them out. Account
-- opening (2101, open_account) refuses a second one at the ID number
-- (E_CLASS_I_EXISTS) with a guard step, and the partial unique index
-- accounts_class_i below makes the rule hold whatever runs concurrently:
-- two openings for one person racing past the guard meet at the index,
-- and 2101 inserts with ON CONFLICT on it DO NOTHING, so the loser
-- inserts no row and is refused with the same code (on PostgreSQL the
-- second insert waits for the first to commit; on SQLite writers are
-- serialized and the retried posting meets the guard).
--
-- class_i_rank keeps the index creatable on a ledger that already holds
-- several class I accounts of one person (opened before the rule): the
-- lowest-numbered one keeps rank 0, the others are numbered 1, 2, ... and
-- stay as they are (a bank downgrades such accounts with the customer,
-- not by a migration); the guard still counts them, so such a person
-- opens no further class I account. Every account opened from now on has
-- rank 0, so rank 0 is the one class I account the index allows.
--
-- over_short_items (3106, 3108): every over or short a teller books to the
-- branch suspense (3106, cash_over_short) is an item named by its journal
-- serial, of kind 'over' (长款: cash found over, a credit to suspense) or
-- 'short' (短款: cash missing, a debit to suspense), with its amount and
-- what is still outstanding. 3108 (over_short_clear, 长短款处理) clears an
-- item, wholly or in parts, never beyond what is outstanding (the update
-- of outstanding is its own guard): an overage to the branch's income
-- (book INCOME-<branch>, kind equity, made by 3108 when first needed) or
-- back to the customer in cash from the teller's box; a shortage
-- recovered from the teller in cash into the box, or written off to the
-- branch's losses (book LOSS-<branch>, kind equity). last_serial is the
-- last clearing's serial. The 3106 entries posted before this migration
-- become items, outstanding in full. Clearing takes a supervisor, whatever
-- the outcome, by the auth_policy row below (like 3106 itself): a
-- write-off above all, and the policy cannot tell one outcome of a
-- transaction from another.

-- +goose Up
ALTER TABLE accounts ADD COLUMN class_i_rank INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET class_i_rank = (
    SELECT COUNT(*) FROM accounts b
    WHERE b.customer_id = accounts.customer_id AND b.class = 'I' AND b.status <> 'closed'
      AND b.product NOT IN ('term', 'notice') AND b.number < accounts.number)
WHERE class = 'I' AND status <> 'closed' AND product NOT IN ('term', 'notice');
CREATE UNIQUE INDEX accounts_class_i ON accounts(customer_id, class_i_rank)
    WHERE class = 'I' AND status <> 'closed' AND product NOT IN ('term', 'notice');

CREATE TABLE over_short_items (
    serial        TEXT PRIMARY KEY REFERENCES journal(serial),
    branch        TEXT NOT NULL REFERENCES branches(code),
    teller        TEXT NOT NULL,
    business_date TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('over', 'short')),
    amount        BIGINT NOT NULL CHECK (amount > 0),
    outstanding   BIGINT NOT NULL CHECK (outstanding >= 0 AND outstanding <= amount),
    last_serial   TEXT NOT NULL DEFAULT '',
    version       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX over_short_items_open ON over_short_items(branch, business_date) WHERE outstanding > 0;

INSERT INTO over_short_items (serial, branch, teller, business_date, kind, amount, outstanding)
SELECT j.serial, j.branch, j.teller, j.business_date, CASE WHEN p.amount < 0 THEN 'over' ELSE 'short' END, j.amount, j.amount
FROM journal j JOIN postings p ON p.serial = j.serial AND p.book = 'SUSP-' || j.branch
WHERE j.txn_code = '3106' AND j.amount > 0 AND j.reversed_by IS NULL;

INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at) VALUES
    ('over_short_clear', 0, 'supervisor', 1, 'migration 00017', '2026-01-01T00:00:00Z');

-- +goose Down
DELETE FROM auth_policy WHERE txn = 'over_short_clear';
DROP TABLE over_short_items;
DROP INDEX accounts_class_i;
ALTER TABLE accounts DROP COLUMN class_i_rank;
