-- The release package a journal entry was posted with (ISSUE 17 §2).
--
-- A teller window posts with the package version its form came from
-- (ledger.Request.Package): package_ref is that version as "ID@VERSION"
-- and package_digest the hex SM3 of its canonical bytes (as in
-- release_packages.digest), so the entry can be reopened with its exact
-- form (Releases.FormOf). Both are '' for an entry posted with the
-- built-in catalog, which every entry before this migration was. The
-- posting's audit record covers both (ledger/verify.go, postingDoc, where
-- they are left out when empty, so that existing entries verify
-- unchanged). One text for SQLite and PostgreSQL, like 00001.

-- +goose Up
ALTER TABLE journal ADD COLUMN package_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE journal ADD COLUMN package_digest TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE journal DROP COLUMN package_digest;
ALTER TABLE journal DROP COLUMN package_ref;
