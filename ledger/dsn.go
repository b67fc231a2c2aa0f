package ledger

import "strings"

// IsPostgres reports whether dsn names a PostgreSQL database: a
// postgres:// or postgresql:// URL. Any other dsn is a SQLite file path.
// It is the one place a ledger DSN's dialect is told: Open, and auditctl
// (which opens the same databases), ask it.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
