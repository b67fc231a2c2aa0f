-- Vault requests, statements and large-cash reservations (issue 18 §2:
-- 3104, 1406, 1407). One text for SQLite and PostgreSQL, like 00001.
--
-- vault_cash (3104) moves cash between the vault (gl_books :vault) and the
-- posting teller's open box during the day: a top-up (request) or a
-- partial return, the box staying open. 3101 opens a box with its first
-- allocation and 3102 hands in a balanced box; 3104 is neither and refuses
-- a box that holds no cash of the day yet (no opening, nothing in) or is
-- balanced (E_VAULT_BOX_NOT_OPEN names 3101 and 3102). The vault keeper, named in handover_id,
-- confirms it (dual_control), like a voucher issue (3201).
--
-- Statement print (1406) needs no table: it reads postings and the
-- journal, and its own journal row counts the print.
--
-- cash_reservations holds the large-cash withdrawal reservations (大额取现
-- 预约, 1407): a customer books a withdrawal of 50,000 yuan or more in
-- cash (amount, fen) from account for a business date (withdraw_on), so
-- the branch orders the cash from the vault in time. id is the booking
-- posting's serial. status is 'booked' until the customer cancels it
-- (1407 again, action cancel, before the day: 'cancelled', cancel_serial
-- that posting's serial). The withdrawal form (1402) shows the booking of
-- its account for the business date (reservation_lookup). One booking per
-- account and day: a second one is refused (E_RESERVATION_EXISTS, and the
-- partial unique index) rather than doubling the cash ordered.

-- +goose Up
INSERT INTO dual_control (txn, param, updated_by, updated_at) VALUES
    ('vault_cash', 'handover_id', 'migration 00015', '2026-01-01T00:00:00Z');

CREATE TABLE cash_reservations (
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
CREATE UNIQUE INDEX cash_reservations_day ON cash_reservations(account, withdraw_on) WHERE status = 'booked';

-- +goose Down
DROP TABLE cash_reservations;
DELETE FROM dual_control WHERE txn = 'vault_cash';
