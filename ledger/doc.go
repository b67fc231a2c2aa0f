// Package ledger is the teller workstation's book of record: the schema and
// its migrations, users and authorization, and the catalog executor that
// posts a form's values through one SQL transaction.
//
// # Store
//
// [Open] takes a SQLite file path (the embedded default: WAL,
// synchronous=FULL, busy_timeout, foreign keys on) or a postgres:// URL
// (branch mode). The same goose migrations, embedded from migrations/, create
// the same tables on both. Money is an int64 of fen in Go and a BIGINT in
// SQL; there is no float anywhere.
//
// # Double entry
//
// Every journal entry has postings whose signed amounts (debit positive) sum
// to zero. Customer accounts and equity are liabilities (their balance moves
// against the posting); cash boxes, the vault and suspense are assets. So
// Σ assets − Σ liabilities is always zero, which [Store.CheckBooks] verifies
// together with "every book's balance is the sum of its postings".
//
// # Catalog executor
//
// A catalog transaction (assets/txns/*.txn.json, see [Txn]) declares typed
// parameters and steps of named-parameter SQL written once for both
// databases. [Executor.Submit] coerces the form's values to the parameter
// types, digests the request (transaction, canonical params, teller,
// idempotency key), checks the authorizers' credentials outside the posting
// transaction (so a failed attempt is counted even though the posting rolls
// back), then in one DB transaction writes the journal entry, enforces the
// authorization policy, runs the steps (each may guard its row count with
// an error code), checks the postings balance, queues the receipt and
// appends the audit records — all or nothing. SQLite busy and PostgreSQL
// 40001/40P01 are retried with bounded backoff; an idempotency key makes a
// replayed submission of the same request return the first result
// (Replayed) instead of posting twice, and the same key with another
// request is refused (E_IDEMPOTENCY_CONFLICT).
//
// # Round trips
//
// On SQLite concurrent submissions share a transaction (group commit,
// group.go). On PostgreSQL a journaled posting is sent in three pipelined
// batches, one network round trip each (pipeline.go): a deposit costs 3
// round trips instead of 15, 4 with a supervisor's password. Anything the
// batches do not expect, every refusal included, rolls them back and runs
// the posting again one statement at a time, which decides it exactly as
// before ([Options].NoPipeline always posts so).
//
// # Four eyes
//
// Whether a posting needs authorizers is the ledger's [Policy] (table
// auth_policy: threshold on the transaction's Amount param, role, one or
// two authorizers; catalog "authorize": always/never wins over the
// threshold), never the form's authorize.when, which only makes the window
// ask earlier. [Store.SetPolicy] (tellerctl policy set) is audited.
// [Credentials] approve one request: offered for another they are refused
// (E_AUTH_REUSED), and each authorization record's payload carries the
// request digest.
//
// # The log binds the ledger
//
// A posting's audit record has as payload digest the SM3 of a canonical
// JSON of its journal row (with the request digest and the SM3 of the
// stored result) and its postings by line. [Store.VerifyPostings] and
// [VerifyLedger] (auditctl verify --db) recompute it from the tables and
// name every serial that differs, however consistently the tables were
// edited; [Store.CheckBooks] re-derives the balances (accounts, books, each
// day's cash box) from the postings.
//
// # Fingerprints
//
// A fingerprint module keeps the templates; the ledger keeps only which
// user each (module id, page) belongs to (table user_fingers, migration
// 00002): [Store.EnrollFinger], [Store.RemoveFinger] (both audited through
// the same hook as other user changes), [Store.UserByFinger]. The ledger
// never talks to a device: the caller turns a module's identify result into
// a [FingerMatch] and passes it as [Credentials].Finger, where it stands
// for the supervisor's id and password under the same rules (another user
// than the teller, role supervisor, not locked), or to [Store.SignOnFinger].
// tellerctl's user enroll-finger drives the module itself (package cli).
//
// # The teller window
//
// [Executor.SubmitHook] adapts the executor to teller.Config.Submit: the
// window reads the form's fields, the ledger posts them in one database
// transaction. [OpenDemo] opens the ledger and seeds
// the demo on the first run.
//
// Errors are [*Error] values with a code, the field at fault and a message
// in Chinese and English.
package ledger
