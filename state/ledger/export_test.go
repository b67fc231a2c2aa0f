package ledger

// Queued returns how many submissions wait for a group commit.
func (s *Store) Queued() int { return s.group.queued() }

// GroupStats returns how many group commits (of two members or more)
// committed, and how many members they held in all.
func (s *Store) GroupStats() (groups, members int64) {
	return s.group.groups.Load(), s.group.grouped.Load()
}
