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
// types, checks the supervisor's authorization outside the posting
// transaction (so a failed attempt is counted even though the posting rolls
// back), then in one DB transaction writes the journal entry, runs the steps
// (each may guard its row count with an error code), checks the postings
// balance, queues the receipt and appends the audit record through the
// [Auditor] — all or nothing. SQLite busy and PostgreSQL 40001/40P01 are
// retried with bounded backoff; an idempotency key makes a replayed
// submission return the first result instead of posting twice.
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
