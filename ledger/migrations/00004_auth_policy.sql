-- The four-eyes rule belongs to the ledger (controls issue §6).
--
-- auth_policy says which catalog transactions need a supervisor: a
-- posting of txn whose Amount param is over threshold (fen, strictly
-- greater; 0 means any amount) needs `authorizers` distinct users of
-- `role`, none of them the teller. The executor enforces it whatever the
-- form says; a form's authorize.when only makes the window ask earlier.
-- A catalog transaction's "authorize": "always" or "never" wins over the
-- threshold (its role and authorizers still come from here). Rows are
-- changed through Store.SetPolicy (tellerctl policy set), which audits the
-- change. The seed is the built-in forms' rules as they were:
--   cash_deposit, cash_withdrawal  amount > 50,000.00 yuan
--   transfer                       amount > 200,000.00 yuan
--   close_account, reversal        always
--
-- journal.request_digest binds a journal entry to the request that made
-- it (SM3 of the canonical transaction, params, teller and idempotency
-- key): a replay of the key with another request is refused, and the
-- authorization records carry it. Entries made before this migration keep
-- ''. One text for SQLite and PostgreSQL, like 00001.

-- +goose Up
CREATE TABLE auth_policy (
    txn         TEXT PRIMARY KEY CHECK (txn <> ''),
    threshold   BIGINT NOT NULL CHECK (threshold >= 0),
    role        TEXT NOT NULL CHECK (role IN ('supervisor', 'admin')),
    authorizers INTEGER NOT NULL DEFAULT 1 CHECK (authorizers IN (1, 2)),
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at) VALUES
    ('cash_deposit',    5000000,  'supervisor', 1, 'migration 00004', '2026-01-01T00:00:00Z'),
    ('cash_withdrawal', 5000000,  'supervisor', 1, 'migration 00004', '2026-01-01T00:00:00Z'),
    ('transfer',        20000000, 'supervisor', 1, 'migration 00004', '2026-01-01T00:00:00Z'),
    ('close_account',   0,        'supervisor', 1, 'migration 00004', '2026-01-01T00:00:00Z'),
    ('reversal',        0,        'supervisor', 1, 'migration 00004', '2026-01-01T00:00:00Z');

ALTER TABLE journal ADD COLUMN request_digest TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE journal DROP COLUMN request_digest;
DROP TABLE auth_policy;
