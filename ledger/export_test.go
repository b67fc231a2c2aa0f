package ledger

import (
	"database/sql"
	"time"
)

// OpenSQLite opens the SQLite database at path exactly as Open opens a
// ledger's connections (DSN parameters and connect-time pragmas), without
// migrating it: the benchmark's raw commit loop runs on it.
func OpenSQLite(path string) *sql.DB { return openSQLite(path, 5*time.Second) }

// Queued returns how many submissions wait for a group commit.
func (s *Store) Queued() int { return s.group.queued() }

// GroupStats returns how many group commits (of two members or more)
// committed, and how many members they held in all.
func (s *Store) GroupStats() (groups, members int64) {
	return s.group.groups.Load(), s.group.grouped.Load()
}

// PipelineStats returns how many postings went pipelined, and how many
// were tried so and then ran one statement at a time.
func (s *Store) PipelineStats() (posted, fallbacks int64) {
	return s.pipelined.posted.Load(), s.pipelined.fallbacks.Load()
}
