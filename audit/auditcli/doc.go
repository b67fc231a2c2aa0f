// Package auditcli implements the auditctl commands on top of package
// audit: opening the database, loading keys, printing tables and JSON,
// progress bars. cmd/auditctl parses flags and calls these functions;
// each returns a process exit code.
package auditcli
