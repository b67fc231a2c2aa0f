// Package auditcli implements the auditctl commands on top of package
// audit: opening the database, loading keys, printing tables and JSON,
// progress bars. cmd/auditctl parses flags and calls these functions;
// each returns a process exit code.
//
// verify also checks the ledger when the database holds one (a journal
// table): every posting and authorization record's payload digest is
// recomputed from the ledger's tables (ledger.VerifyLedger), and a journal
// entry that differs fails verification (exit 1) as "ledger tampered",
// naming its serial. auditcli may import the ledger; the ledger imports
// only package audit.
package auditcli
