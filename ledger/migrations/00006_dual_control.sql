-- Dual control of cash handovers (teller's-day issue §2).
--
-- dual_control names the catalog transactions that move cash between two
-- people, and the param that holds the other person's user id: the teller
-- who hands the cash over (an allocation into the posting teller's box)
-- or who receives it (the posting teller's hand-in). That person must
-- authenticate on the posting itself, by password or finger, as the
-- counterpart (ledger.Request.Counterpart); the executor refuses the
-- posting otherwise (E_COUNTERPART_REQUIRED) or when the one who
-- authenticated is not the one the param names (E_COUNTERPART_MISMATCH),
-- and writes a 'counterpart' audit record beside the posting's. Like
-- auth_policy it is the ledger's rule, whatever a form or a release
-- package says. One text for SQLite and PostgreSQL, like 00001.

-- +goose Up
CREATE TABLE dual_control (
    txn        TEXT PRIMARY KEY CHECK (txn <> ''),
    param      TEXT NOT NULL CHECK (param <> ''),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO dual_control (txn, param, updated_by, updated_at) VALUES
    ('cashbox_allocate', 'handover_id', 'migration 00006', '2026-01-01T00:00:00Z'),
    ('cashbox_settle',   'handover_id', 'migration 00006', '2026-01-01T00:00:00Z');

-- +goose Down
DROP TABLE dual_control;
