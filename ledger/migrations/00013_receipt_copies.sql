-- Receipt copies (issue 18, module 1903): a printed receipt reprinted
-- is a copy, and the ledger counts them. The count was the window's own,
-- in memory, lost at every restart and seen by no auditor; now each copy
-- is a journal entry of receipt_reprint (code 1903, with its reason and
-- an audit record) that raises receipts.copies, and the copy says which
-- one it is (副本 第 N 次补打). One text for SQLite and PostgreSQL.

-- +goose Up
ALTER TABLE receipts ADD COLUMN copies INTEGER NOT NULL DEFAULT 0 CHECK (copies >= 0);

-- +goose Down
ALTER TABLE receipts DROP COLUMN copies;
