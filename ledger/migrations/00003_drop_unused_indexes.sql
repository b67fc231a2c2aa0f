-- Two indexes no query of the ledger uses, each a B-tree page dirtied (and
-- a WAL frame written and fsynced on SQLite) by every posting:
--   postings_book   postings are read by serial (the primary key); the one
--                   scan by book, CheckBooks' GROUP BY book, reads the
--                   whole table anyway.
--   journal_account every journal query filters the account as
--                   "(:account = '' OR account = :account)", which no index
--                   serves; the date ranges use journal_date. The row was
--                   also written twice per posting (inserted with '' and
--                   updated to the account), so the index cost two pages.
-- Bring one back with the query that needs it. One text for SQLite and
-- PostgreSQL, like 00001.

-- +goose Up
DROP INDEX postings_book;
DROP INDEX journal_account;

-- +goose Down
CREATE INDEX journal_account ON journal(account, business_date);
CREATE INDEX postings_book ON postings(book);
