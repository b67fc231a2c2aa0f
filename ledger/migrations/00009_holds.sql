-- Holds on an account (issue 18 §1): a court's or an administrative
-- authority's freeze of the whole account or of an amount, the bank's
-- amount block, a stop payment, a loss report, a deposit certificate's
-- hold. A loss report was accounts.status = 'frozen', which could not
-- tell a loss report from a freeze nor lift them separately: it is a
-- hold now, and the accounts a loss report froze become holds below.
--
-- Available balance = balance − the amounts of the account's active
-- holds; an active hold of amount 0 holds the whole account (no debit at
-- all). Every debit of the catalog (cash_withdrawal, transfer's payer,
-- cheque_deposit's drawer) checks it in its guard.
--
-- id is the serial of the journal entry that placed the hold (the seed's
-- and this migration's holds have ids of their own); serial repeats it,
-- renew_serial and release_serial name the entries that renewed and
-- lifted it. A freeze placed while the account is under another
-- authority's full freeze waits (轮候): status 'waiting' with queue, its
-- place in line (1, 2, ...); releasing the active freeze activates the
-- first waiting one in the same posting. Dates are the branch's business
-- dates ('YYYY-MM-DD'); expiry_date '' means none; a hold runs through
-- its expiry date, and day-end marks it 'expired' after.
--
-- Placing and lifting a freeze (freeze, 2204) or a stop payment
-- (stop_payment, 2206) needs a supervisor: auth_policy rows of threshold
-- 0 (the transactions have no Amount param, so every posting needs one).
-- One text for SQLite and PostgreSQL, like 00001.

-- +goose Up
CREATE TABLE holds (
    id                  TEXT PRIMARY KEY,
    account             TEXT NOT NULL REFERENCES accounts(number),
    kind                TEXT NOT NULL CHECK (kind IN ('judicial_freeze', 'admin_freeze', 'partial_freeze',
                            'stop_payment', 'loss_report', 'certificate_hold')),
    amount              BIGINT NOT NULL DEFAULT 0 CHECK (amount >= 0),
    authority           TEXT NOT NULL DEFAULT '',
    document_no         TEXT NOT NULL DEFAULT '',
    officers            TEXT NOT NULL DEFAULT '',
    reason              TEXT NOT NULL DEFAULT '',
    start_date          TEXT NOT NULL,
    expiry_date         TEXT NOT NULL DEFAULT '',
    queue               INTEGER NOT NULL DEFAULT 0 CHECK (queue >= 0),
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released', 'expired', 'waiting')),
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    serial              TEXT NOT NULL DEFAULT '',
    renewals            INTEGER NOT NULL DEFAULT 0,
    renew_document_no   TEXT NOT NULL DEFAULT '',
    renew_serial        TEXT NOT NULL DEFAULT '',
    released_by         TEXT NOT NULL DEFAULT '',
    released_at         TEXT NOT NULL DEFAULT '',
    release_document_no TEXT NOT NULL DEFAULT '',
    release_serial      TEXT NOT NULL DEFAULT '',
    version             BIGINT NOT NULL DEFAULT 0,
    CHECK (status <> 'waiting' OR queue > 0)
);
CREATE INDEX holds_account ON holds(account, status);

-- The accounts a loss report froze keep their loss report, as a hold.
INSERT INTO holds (id, account, kind, amount, reason, start_date, status, created_by, created_at)
SELECT 'M00009-' || a.number, a.number, 'loss_report', 0, 'migration 00009: accounts.status was frozen',
       (SELECT b.business_date FROM branches b WHERE b.code = a.branch), 'active', 'migration 00009', '2026-01-01T00:00:00Z'
FROM accounts a WHERE a.status = 'frozen';
UPDATE accounts SET status = 'active', version = version + 1 WHERE status = 'frozen';

INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at) VALUES
    ('freeze', 0, 'supervisor', 1, 'migration 00009', '2026-01-01T00:00:00Z'),
    ('stop_payment',   0, 'supervisor', 1, 'migration 00009', '2026-01-01T00:00:00Z');

-- +goose Down
DELETE FROM auth_policy WHERE txn IN ('freeze', 'stop_payment');
UPDATE accounts SET status = 'frozen', version = version + 1
WHERE status = 'active' AND number IN (SELECT account FROM holds WHERE kind = 'loss_report' AND status = 'active');
DROP TABLE holds;
