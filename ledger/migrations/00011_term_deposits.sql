-- Term and notice deposits (issue 18 §1 "Term and notice deposits",
-- "Interest"; §2 1501–1504, 1408; day-end maturity and rollover).
--
-- deposit_products are the savings products a rate is posted for: the
-- demand deposit (活期, kind 'demand', the rate of early and overdue
-- interest), the fixed terms of 整存整取 (kind 'term': 3 and 6 months,
-- 1, 2, 3 and 5 years; at least 50 yuan) and the notice deposits (通知存款,
-- kind 'notice': 1 and 7 days' notice; at least 50,000 yuan).
--
-- deposit_rates is the rate table: a product's annual rate in percent, as
-- the exact string package interest reads ("1.45"; never a float), from
-- its effective date on, until a later row of the same product. The rate
-- of a day is the row with the latest effective date on or before it.
-- Seeded with the PBOC benchmark of 2015-10-24 (demand 0.35, 3 months
-- 1.10, 6 months 1.30, 1 year 1.50, 2 years 2.10, 3 years 2.75; 5 years
-- as 3, 1 day 0.80, 7 days 1.35) and the large banks' listed rates of
-- 2025-05-20 (demand 0.05, 0.65, 0.85, 0.95, 1.05, 1.25, 1.30; notice
-- 0.10 and 0.45).
--
-- A term deposit is an account of its own (accounts.product 'term', its
-- number the certificate's, 存单号), so the journal, the postings and the
-- books work for it as for any deposit: its balance is the principal, a
-- liability to the customer. term_deposits is its contract: the customer,
-- the product and term, the principal, the contract rate (posted on the
-- opening day, or on the rollover day), the current term's opening date
-- and maturity (interest.Maturity), whether it rolls over at maturity,
-- whether it was partly withdrawn early (once: the remainder keeps its
-- term, rate and opening date), the interest of the terms it finished
-- and rolled over (carried_interest: the principal rolls over, 本金转存,
-- and that interest is paid when the deposit is withdrawn; nothing is
-- posted at day-end), status and version. settle_account is the
-- customer's demand account it was opened with (the customer's card).
--
-- Interest is paid from the branch's interest-expense book INTEXP-<branch>
-- (利息支出), a gl_books row of kind 'equity': an expense is a debit to
-- the owners' equity, so paying interest debits it and the books keep
-- Net = cash + suspense − customers − equity at zero. 1502 creates the
-- book of a branch that has none.
--
-- The rules, the ledger's whatever a form says:
--   term_open (1501), notice_open (1503)
--                           a supervisor above 50,000.00 yuan
--   term_withdraw (1502)    a supervisor for an early or partial-early
--                           withdrawal, or above 50,000.00 yuan (the
--                           step's authorizeIf)
--   notice_withdraw (1504)  a supervisor to pay out above 50,000.00 yuan
--                           (the step's authorizeIf)
--
-- A notice deposit (1503) is an account of product 'notice' with a row in
-- term_deposits of term_months 0 and no maturity; 1504 registers a notice
-- of withdrawal (notice_date, notice_amount) and pays it out. Per the
-- PBOC's 通知存款管理办法 (1999): at least 50,000 yuan to open, to
-- withdraw at a time and to keep; the amount withdrawn earns the notice
-- rate posted on the withdrawal day for the days held ÷ 360 when a notice
-- of that amount was given at least the notice period (1 or 7 days)
-- before, else the demand rate of that day.
-- One text for SQLite and PostgreSQL, like 00001.

-- +goose Up
CREATE TABLE deposit_products (
    code        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('demand', 'term', 'notice')),
    term_months INTEGER NOT NULL DEFAULT 0 CHECK (term_months >= 0),
    notice_days INTEGER NOT NULL DEFAULT 0 CHECK (notice_days >= 0),
    min_amount  BIGINT NOT NULL DEFAULT 0 CHECK (min_amount >= 0),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    CHECK (kind <> 'term' OR term_months > 0),
    CHECK (kind <> 'notice' OR notice_days > 0)
);

CREATE TABLE deposit_rates (
    product    TEXT NOT NULL REFERENCES deposit_products(code),
    effective  TEXT NOT NULL,
    rate       TEXT NOT NULL CHECK (rate <> ''),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (product, effective)
);

CREATE TABLE term_deposits (
    account          TEXT PRIMARY KEY REFERENCES accounts(number),
    customer_id      TEXT NOT NULL REFERENCES customers(id),
    branch           TEXT NOT NULL REFERENCES branches(code),
    product          TEXT NOT NULL REFERENCES deposit_products(code),
    principal        BIGINT NOT NULL CHECK (principal > 0),
    rate             TEXT NOT NULL,
    term_months      INTEGER NOT NULL CHECK (term_months >= 0),
    opened_on        TEXT NOT NULL,
    maturity         TEXT NOT NULL DEFAULT '',
    auto_rollover    INTEGER NOT NULL DEFAULT 0 CHECK (auto_rollover IN (0, 1)),
    partly_withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (partly_withdrawn IN (0, 1)),
    rollovers        INTEGER NOT NULL DEFAULT 0,
    carried_interest BIGINT NOT NULL DEFAULT 0 CHECK (carried_interest >= 0),
    first_opened     TEXT NOT NULL,
    settle_account   TEXT NOT NULL DEFAULT '',
    notice_date      TEXT NOT NULL DEFAULT '',
    notice_amount    BIGINT NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    open_serial      TEXT NOT NULL DEFAULT '',
    close_serial     TEXT NOT NULL DEFAULT '',
    closed_on        TEXT NOT NULL DEFAULT '',
    version          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX term_deposits_maturity ON term_deposits(branch, status, maturity);
CREATE INDEX term_deposits_customer ON term_deposits(customer_id);

INSERT INTO deposit_products (code, kind, term_months, notice_days, min_amount, name_zh, name_en) VALUES
    ('demand', 'demand', 0,  0, 0,       '活期储蓄',   'Demand savings'),
    ('M3',     'term',   3,  0, 5000,    '整存整取三个月', 'Term, 3 months'),
    ('M6',     'term',   6,  0, 5000,    '整存整取六个月', 'Term, 6 months'),
    ('Y1',     'term',   12, 0, 5000,    '整存整取一年',  'Term, 1 year'),
    ('Y2',     'term',   24, 0, 5000,    '整存整取二年',  'Term, 2 years'),
    ('Y3',     'term',   36, 0, 5000,    '整存整取三年',  'Term, 3 years'),
    ('Y5',     'term',   60, 0, 5000,    '整存整取五年',  'Term, 5 years'),
    ('N1',     'notice', 0,  1, 5000000, '一天通知存款',  '1-day notice'),
    ('N7',     'notice', 0,  7, 5000000, '七天通知存款',  '7-day notice');

INSERT INTO deposit_rates (product, effective, rate, updated_by, updated_at) VALUES
    ('demand', '2015-10-24', '0.35', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('M3',     '2015-10-24', '1.10', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('M6',     '2015-10-24', '1.30', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y1',     '2015-10-24', '1.50', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y2',     '2015-10-24', '2.10', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y3',     '2015-10-24', '2.75', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y5',     '2015-10-24', '2.75', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('N1',     '2015-10-24', '0.80', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('N7',     '2015-10-24', '1.35', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('demand', '2025-05-20', '0.05', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('M3',     '2025-05-20', '0.65', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('M6',     '2025-05-20', '0.85', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y1',     '2025-05-20', '0.95', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y2',     '2025-05-20', '1.05', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y3',     '2025-05-20', '1.25', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('Y5',     '2025-05-20', '1.30', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('N1',     '2025-05-20', '0.10', 'migration 00011', '2026-01-01T00:00:00Z'),
    ('N7',     '2025-05-20', '0.45', 'migration 00011', '2026-01-01T00:00:00Z');

-- The interest-expense book of every branch there is; 1502 adds the book
-- of a branch created later.
INSERT INTO gl_books (code, branch, kind) SELECT 'INTEXP-' || code, code, 'equity' FROM branches;

INSERT INTO auth_policy (txn, threshold, role, authorizers, updated_by, updated_at) VALUES
    ('term_open',   5000000, 'supervisor', 1, 'migration 00011', '2026-01-01T00:00:00Z'),
    ('notice_open', 5000000, 'supervisor', 1, 'migration 00011', '2026-01-01T00:00:00Z');

-- +goose Down
DELETE FROM auth_policy WHERE txn IN ('term_open', 'notice_open');
DELETE FROM gl_books WHERE code LIKE 'INTEXP-%' AND balance = 0;
DROP TABLE term_deposits;
DROP TABLE deposit_rates;
DROP TABLE deposit_products;
