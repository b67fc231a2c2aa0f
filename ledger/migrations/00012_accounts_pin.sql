-- Accounts, PINs and customers (issue 18 §1 "PIN", "Customers"; modules
-- 2202, 2203, 2205, 2214).
--
-- accounts.pin_hash is the account's PIN as the catalog's pin.hash makes
-- it (PBKDF2-HMAC-SM3, salted, "pbkdf2-sm3$rounds$salt$key"), '' when no
-- PIN is set; a PIN in clear is never stored (catalog param type "pin").
-- pin_failures counts wrong PINs in a row: the executor adds one in the
-- refusal's own transaction (the posting that found the wrong PIN is
-- rolled back), a right PIN or a reset sets it back to 0, and at 3 the
-- holder can no longer change the PIN (a reset, with a supervisor and the
-- holder's ID, unlocks it). pin_changed_on is the business date of the
-- last change or reset.
--
-- dormant marks a long-unused account (久悬/睡眠户, 1 = dormant) until
-- dormant account activation (2214) wakes it; last_activity is the
-- business date it was last woken. class is the account's class under
-- the PBOC's account-classing rules (I, II, III); every account opened
-- before this migration is class I.
--
-- customers.id_expiry is the expiry date of the customer's ID document
-- ('' unknown), kept by customer maintenance (2210); customer_changes
-- keeps, per maintenance entry (serial), the customer's values before it
-- (phone and address sealed, as customers keeps them): the change
-- history. Nothing in it is ever updated or deleted.
--
-- Activation of a dormant account and a deduction on a court order
-- (court_deduction, 2205) need a supervisor: auth_policy rows of
-- threshold 0. A PIN reset needs one through its step's authorizeIf
-- (a holder's own change does not). One text for SQLite and PostgreSQL.

-- +goose Up
ALTER TABLE accounts ADD COLUMN pin_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN pin_changed_on TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN dormant INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_activity TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN class TEXT NOT NULL DEFAULT 'I';

ALTER TABLE customers ADD COLUMN id_expiry TEXT NOT NULL DEFAULT '';
CREATE TABLE customer_changes (
    serial         TEXT NOT NULL,
    customer_id    TEXT NOT NULL REFERENCES customers(id),
    name           TEXT NOT NULL,
    phone_cipher   TEXT NOT NULL,
    address_cipher TEXT NOT NULL,
    id_expiry      TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    changed_by     TEXT NOT NULL,
    changed_at     TEXT NOT NULL,
    PRIMARY KEY (serial, customer_id)
);
CREATE INDEX customer_changes_customer ON customer_changes(customer_id);

INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at) VALUES
    ('dormant_activation', 0, 'supervisor', 1, 'migration 00012', '2026-01-01T00:00:00Z'),
    ('court_deduction',    0, 'supervisor', 1, 'migration 00012', '2026-01-01T00:00:00Z');

-- +goose Down
DELETE FROM auth_policy WHERE txn IN ('dormant_activation', 'court_deduction');
DROP TABLE customer_changes;
ALTER TABLE customers DROP COLUMN id_expiry;
ALTER TABLE accounts DROP COLUMN class;
ALTER TABLE accounts DROP COLUMN last_activity;
ALTER TABLE accounts DROP COLUMN dormant;
ALTER TABLE accounts DROP COLUMN pin_changed_on;
ALTER TABLE accounts DROP COLUMN pin_failures;
ALTER TABLE accounts DROP COLUMN pin_hash;
