-- Previous-day reversal (隔日抹账, issue 18 module 1902): an entry of an
-- earlier business date is reversed today, under two supervisors (the
-- ledger's rule, like every auth_policy row: a form or a release package
-- cannot lower it). The cash side of the original, in that day's box,
-- comes out of (or goes into) the box of the teller who reverses it
-- today; the other postings are reversed as they were. One text for
-- SQLite and PostgreSQL, like 00001.

-- +goose Up
INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at) VALUES
    ('prior_day_reversal', 0, 'supervisor', 2, 'migration 00014', '2026-01-01T00:00:00Z');

-- +goose Down
DELETE FROM auth_policy WHERE txn = 'prior_day_reversal';
