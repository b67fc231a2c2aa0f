-- Term deposit certificates and reservations used (issue 18: 1501 prints
-- on a 存单, 1402 uses the day's 1407 reservation). One text for SQLite
-- and PostgreSQL, like 00001.
--
-- term_deposits.voucher_no is the serial of the blank deposit certificate
-- (vouchers kind 'certificate', migration 00010) the opening (1501) was
-- printed on: the lowest unused one in the posting teller's box, which
-- the same posting marks 'used' (used_serial the opening's serial,
-- account the new term deposit). 0 for a deposit opened without one (the
-- demo's seeded deposits, notice deposits). 1501 is not reversible, so a
-- certificate once used stays used; a spoiled one is voided (3203).
--
-- cash_reservations gains the status 'used': a cash withdrawal (1402) of
-- the reserved account on the reservation's day, of at most the amount
-- booked, uses the booking (used_serial the withdrawal's serial), so it
-- serves one withdrawal only. Reversing that withdrawal (1901) books it
-- again ('booked', used_serial ''). A withdrawal without a reservation
-- posts as before: whether it needs a supervisor is the ledger's policy.
-- SQLite cannot alter a CHECK, so the table is rebuilt, on both.

-- +goose Up
ALTER TABLE term_deposits ADD COLUMN voucher_no BIGINT NOT NULL DEFAULT 0;

CREATE TABLE cash_reservations_16 (
    id            TEXT PRIMARY KEY,
    branch        TEXT NOT NULL REFERENCES branches(code),
    account       TEXT NOT NULL REFERENCES accounts(number),
    amount        BIGINT NOT NULL CHECK (amount >= 5000000),
    withdraw_on   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'used')),
    cancel_serial TEXT NOT NULL DEFAULT '',
    used_serial   TEXT NOT NULL DEFAULT '',
    booked_by     TEXT NOT NULL,
    booked_on     TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    version       BIGINT NOT NULL DEFAULT 0,
    CHECK (status <> 'used' OR used_serial <> '')
);
INSERT INTO cash_reservations_16 (id, branch, account, amount, withdraw_on, status, cancel_serial, booked_by, booked_on, phone, version)
    SELECT id, branch, account, amount, withdraw_on, status, cancel_serial, booked_by, booked_on, phone, version FROM cash_reservations;
DROP TABLE cash_reservations;
ALTER TABLE cash_reservations_16 RENAME TO cash_reservations;
CREATE UNIQUE INDEX cash_reservations_day ON cash_reservations(account, withdraw_on) WHERE status = 'booked';
CREATE INDEX cash_reservations_used ON cash_reservations(used_serial) WHERE used_serial <> '';

-- +goose Down
CREATE TABLE cash_reservations_15 (
    id            TEXT PRIMARY KEY,
    branch        TEXT NOT NULL REFERENCES branches(code),
    account       TEXT NOT NULL REFERENCES accounts(number),
    amount        BIGINT NOT NULL CHECK (amount >= 5000000),
    withdraw_on   TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
    cancel_serial TEXT NOT NULL DEFAULT '',
    booked_by     TEXT NOT NULL,
    booked_on     TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    version       BIGINT NOT NULL DEFAULT 0
);
INSERT INTO cash_reservations_15 (id, branch, account, amount, withdraw_on, status, cancel_serial, booked_by, booked_on, phone, version)
    SELECT id, branch, account, amount, withdraw_on, CASE WHEN status = 'used' THEN 'cancelled' ELSE status END,
           CASE WHEN status = 'used' THEN used_serial ELSE cancel_serial END, booked_by, booked_on, phone, version FROM cash_reservations;
DROP TABLE cash_reservations;
ALTER TABLE cash_reservations_15 RENAME TO cash_reservations;
CREATE UNIQUE INDEX cash_reservations_day ON cash_reservations(account, withdraw_on) WHERE status = 'booked';
ALTER TABLE term_deposits DROP COLUMN voucher_no;
