-- Release packages of forms, with maker-checker (ISSUE 17 §1).
--
-- release_packages holds every submitted package, immutable: body is its
-- canonical JSON (package guitai/release), digest the hex SM3 of body,
-- signature the base64 SM2 signature (DER) of the release message
-- (ledger/release.go) by signer_key (PEM), the key of the terminal or
-- program that submitted it. Version 1 of every form is the built-in one,
-- so stored versions start at 2; an (id, version) is never stored twice.
-- release_forms lists the forms of each package (resolution by form id).
-- release_approvals holds the one approval of a package, bound to the
-- digest the approver saw; the approver is never the submitter.
-- release_activations is the history of what is active where: a row per
-- package version and target (all branches; a branch; a terminal), active
-- until superseded by another version for that target or rolled back;
-- replaces is the seq of the activation it took over from (0: none), which
-- a rollback re-activates. Rows are never deleted; seq is allocated in the
-- inserting transaction. Every change is in the audit log. IF NOT EXISTS
-- lets the migration run again over its own tables (a test that winds the
-- schema back to 00004 keeps them). One text for SQLite and PostgreSQL,
-- like 00001.

-- +goose Up
CREATE TABLE IF NOT EXISTS release_packages (
    id           TEXT NOT NULL CHECK (id <> ''),
    version      INTEGER NOT NULL CHECK (version >= 2),
    digest       TEXT NOT NULL CHECK (length(digest) = 64),
    body         TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    signer_key   TEXT NOT NULL,
    signature    TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE IF NOT EXISTS release_forms (
    package_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    form_id    TEXT NOT NULL,
    PRIMARY KEY (package_id, version, form_id),
    FOREIGN KEY (package_id, version) REFERENCES release_packages (id, version)
);
CREATE INDEX IF NOT EXISTS release_forms_form ON release_forms (form_id);

CREATE TABLE IF NOT EXISTS release_approvals (
    package_id  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    digest      TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    PRIMARY KEY (package_id, version),
    FOREIGN KEY (package_id, version) REFERENCES release_packages (id, version)
);

CREATE TABLE IF NOT EXISTS release_activations (
    seq          BIGINT PRIMARY KEY,
    package_id   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('all', 'branch', 'terminal')),
    target       TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('active', 'superseded', 'rolled_back')),
    replaces     BIGINT NOT NULL DEFAULT 0,
    activated_by TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    ended_by     TEXT NOT NULL DEFAULT '',
    ended_at     TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (package_id, version) REFERENCES release_approvals (package_id, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS release_activations_one ON release_activations (package_id, target_kind, target) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS release_activations_state ON release_activations (state, target_kind, target);

-- +goose Down
DROP TABLE release_activations;
DROP TABLE release_approvals;
DROP TABLE release_forms;
DROP TABLE release_packages;
