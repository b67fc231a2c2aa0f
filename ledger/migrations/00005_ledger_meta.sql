-- Keys and personal data (controls issue §5).
--
-- ledger_meta is one row (id 1) saying what kind of ledger this is. demo
-- is 1 on a ledger seeded with the demo (Store.SeedDemo: tellerctl init
-- --demo, the teller window's first run), and only there may the programs
-- use the built-in demo master key, terminal key passphrase and
-- passwords; any other ledger refuses to start without GUITAI_MASTER_KEY
-- and, in the window, GUITAI_KEY_PASSPHRASE (ledger/keys.go). A ledger
-- seeded before this migration is recognised by the seed's journal entry
-- (terminal 'seed', idempotency key 'seed/0101'); every other existing
-- ledger is not a demo.
--
-- customers.phone_cipher and address_cipher hold the customer's phone
-- number and address SM4-GCM encrypted like id_cipher (Store.SealContacts
-- moves what the clear columns phone and address still hold into them).
-- One text for SQLite and PostgreSQL, like 00001.

-- +goose Up
CREATE TABLE ledger_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    demo       INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    demo_since TEXT NOT NULL DEFAULT ''
);
INSERT INTO ledger_meta (id, demo)
    SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM journal WHERE terminal = 'seed' AND idem_key = 'seed/0101') THEN 1 ELSE 0 END;

ALTER TABLE customers ADD COLUMN phone_cipher TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN address_cipher TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE customers DROP COLUMN address_cipher;
ALTER TABLE customers DROP COLUMN phone_cipher;
DROP TABLE ledger_meta;
