-- Fingerprints: which user a template page of a fingerprint module belongs
-- to. The module keeps the templates; the ledger keeps only the mapping, so
-- a match (module, page) from the device identifies a user. One text for
-- SQLite and PostgreSQL, times as RFC 3339 text like 00001.

-- +goose Up
CREATE TABLE user_fingers (
    module      TEXT NOT NULL CHECK (module <> ''),
    page        INTEGER NOT NULL CHECK (page >= 0),
    user_id     TEXT NOT NULL REFERENCES users(id),
    enrolled_at TEXT NOT NULL,
    PRIMARY KEY (module, page)
);
CREATE INDEX user_fingers_user ON user_fingers(user_id);

-- +goose Down
DROP TABLE user_fingers;
