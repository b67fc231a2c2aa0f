-- The ledger schema, one text for SQLite and PostgreSQL: no autoincrement,
-- money as BIGINT fen, dates as 'YYYY-MM-DD' text, times as RFC 3339 text.

-- +goose Up
CREATE TABLE branches (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    business_date TEXT NOT NULL
);

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    branch      TEXT NOT NULL REFERENCES branches(code),
    role        TEXT NOT NULL CHECK (role IN ('teller', 'supervisor', 'admin')),
    pw_hash     TEXT NOT NULL,
    pw_salt     TEXT NOT NULL,
    pw_iter     INTEGER NOT NULL,
    failed      INTEGER NOT NULL DEFAULT 0,
    locked      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE sessions (
    teller     TEXT NOT NULL REFERENCES users(id),
    terminal   TEXT NOT NULL,
    signed_on  TEXT NOT NULL,
    signed_off TEXT,
    PRIMARY KEY (teller, signed_on)
);

CREATE TABLE customers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    id_cipher  TEXT NOT NULL,
    id_index   TEXT NOT NULL UNIQUE,
    phone      TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE accounts (
    number      TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    branch      TEXT NOT NULL REFERENCES branches(code),
    product     TEXT NOT NULL DEFAULT 'demand',
    currency    TEXT NOT NULL DEFAULT 'CNY',
    balance     BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    daily_limit BIGINT NOT NULL DEFAULT 5000000,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'frozen')),
    card_no     TEXT,
    version     BIGINT NOT NULL DEFAULT 0,
    opened_on   TEXT NOT NULL,
    closed_on   TEXT
);
CREATE INDEX accounts_customer ON accounts(customer_id);

-- Internal books of a branch: the vault (cash, an asset), suspense (an
-- asset: shortages owed by the teller, overages as negative) and equity.
CREATE TABLE gl_books (
    code    TEXT PRIMARY KEY,
    branch  TEXT NOT NULL REFERENCES branches(code),
    kind    TEXT NOT NULL CHECK (kind IN ('vault', 'suspense', 'equity')),
    balance BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 0
);

-- One cash box per teller per business day; book is the postings' code.
CREATE TABLE cash_boxes (
    teller        TEXT NOT NULL REFERENCES users(id),
    business_date TEXT NOT NULL,
    book          TEXT NOT NULL,
    branch        TEXT NOT NULL REFERENCES branches(code),
    opening       BIGINT NOT NULL DEFAULT 0,
    cash_in       BIGINT NOT NULL DEFAULT 0,
    cash_out      BIGINT NOT NULL DEFAULT 0,
    over_short    BIGINT NOT NULL DEFAULT 0,
    balance       BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    closing       BIGINT,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'balanced')),
    n100 BIGINT NOT NULL DEFAULT 0, n50 BIGINT NOT NULL DEFAULT 0,
    n20  BIGINT NOT NULL DEFAULT 0, n10 BIGINT NOT NULL DEFAULT 0,
    n5   BIGINT NOT NULL DEFAULT 0, n1  BIGINT NOT NULL DEFAULT 0,
    j5   BIGINT NOT NULL DEFAULT 0, j1  BIGINT NOT NULL DEFAULT 0,
    version       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (teller, business_date)
);
CREATE INDEX cash_boxes_book ON cash_boxes(book, business_date);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE journal (
    serial        TEXT PRIMARY KEY,
    business_date TEXT NOT NULL,
    branch        TEXT NOT NULL REFERENCES branches(code),
    teller        TEXT NOT NULL REFERENCES users(id),
    authorizer    TEXT REFERENCES users(id),
    terminal      TEXT NOT NULL,
    txn_code      TEXT NOT NULL,
    form_id       TEXT NOT NULL,
    form_version  TEXT NOT NULL,
    account       TEXT NOT NULL DEFAULT '',
    amount        BIGINT NOT NULL DEFAULT 0,
    reversible    INTEGER NOT NULL DEFAULT 0,
    reversal_of   TEXT REFERENCES journal(serial),
    reversed_by   TEXT REFERENCES journal(serial),
    idem_key      TEXT NOT NULL UNIQUE,
    result        TEXT NOT NULL DEFAULT '{}',
    created_at    TEXT NOT NULL,
    CHECK (authorizer IS NULL OR authorizer <> teller)
);
CREATE INDEX journal_date ON journal(business_date, teller);
CREATE INDEX journal_account ON journal(account, business_date);

-- Double entry: amount is signed, debit positive. Every serial sums to zero.
CREATE TABLE postings (
    serial TEXT NOT NULL REFERENCES journal(serial),
    line   INTEGER NOT NULL,
    book   TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (serial, line)
);
CREATE INDEX postings_book ON postings(book);

CREATE TABLE daily_usage (
    account       TEXT NOT NULL REFERENCES accounts(number),
    business_date TEXT NOT NULL,
    withdrawn     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account, business_date)
);

CREATE TABLE receipts (
    serial     TEXT PRIMARY KEY REFERENCES journal(serial),
    teller     TEXT NOT NULL REFERENCES users(id),
    template   TEXT NOT NULL,
    payload    TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'printed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX receipts_pending ON receipts(teller, status);

-- +goose Down
DROP TABLE receipts;
DROP TABLE daily_usage;
DROP TABLE postings;
DROP TABLE journal;
DROP TABLE counters;
DROP TABLE cash_boxes;
DROP TABLE gl_books;
DROP TABLE accounts;
DROP TABLE customers;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE branches;
