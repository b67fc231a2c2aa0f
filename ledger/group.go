package ledger

import (
	"context"
	"database/sql"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"

	"guitai/catalog"
)

// DefaultMaxGroup is how many submissions one group commit takes at most
// when Options.MaxGroup is 0.
const DefaultMaxGroup = 64

// Group commit. Writers are serialized by the database anyway (SQLite's
// write lock; on PostgreSQL the postings of one branch contend on the same
// cash box and counter rows), and what a posting costs is mostly the fsync
// of its COMMIT. So submissions that arrive while a transaction is being
// committed wait in a queue, and the next transaction takes all of them:
// each member runs inside its own SAVEPOINT, a member that fails is rolled
// back to its savepoint alone, and the others commit together with one
// fsync. Every member learns its result only after the shared COMMIT
// succeeded. When the group cannot commit (the COMMIT or a statement that
// dooms the whole transaction fails), nothing of it is posted and every
// member is run again in a transaction of its own, exactly as it would have
// been without grouping.
//
// There is no background goroutine while the ledger is idle: the first
// submitter to find no committer running becomes it, commits batches until
// its own submission is done, and then hands whatever still waits to a
// new goroutine that exits when the queue is empty.

// member is one submission waiting for, or inside, a group commit.
type member struct {
	ctx    context.Context
	x      *Executor
	t      *catalog.Txn
	req    Request
	ap     approvals
	digest string // requestDigest of req
	params map[string]any
	opts   *sql.TxOptions

	res  *Result
	err  error
	done chan struct{}
}

// committer is the queue of a Store's group commit.
type committer struct {
	mu      sync.Mutex
	queue   []*member
	running bool

	groups  atomic.Int64 // transactions that committed two members or more
	grouped atomic.Int64 // members they committed together
}

// queued returns how many submissions wait for a group commit.
func (c *committer) queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue)
}

// post runs m in a group commit and returns once its result is final.
func (s *Store) post(m *member) (*Result, error) {
	if s.maxGroup <= 1 {
		return s.solo(m)
	}
	m.done = make(chan struct{})
	c := &s.group
	c.mu.Lock()
	c.queue = append(c.queue, m)
	if c.running {
		c.mu.Unlock()
		<-m.done
		return m.res, m.err
	}
	c.running = true
	c.mu.Unlock()
	s.drain(m)
	return m.res, m.err
}

// drain commits batches from the queue. With mine set it returns as soon as
// mine is done, leaving any later submissions to a new drainer.
func (s *Store) drain(mine *member) {
	c := &s.group
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		if mine != nil && closed(mine.done) {
			c.mu.Unlock()
			go s.drain(nil)
			return
		}
		batch := c.take(s.maxGroup)
		c.mu.Unlock()
		s.commitGroup(batch)
	}
}

func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// take removes from the queue, in order, up to max submissions that want
// the same transaction options as the first one; the others keep their
// place. Callers hold c.mu.
func (c *committer) take(max int) []*member {
	first := c.queue[0]
	var batch []*member
	rest := c.queue[:0]
	for _, m := range c.queue {
		if len(batch) < max && sameOpts(m.opts, first.opts) {
			batch = append(batch, m)
		} else {
			rest = append(rest, m)
		}
	}
	clear(c.queue[len(rest):])
	c.queue = rest
	return batch
}

func sameOpts(a, b *sql.TxOptions) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// commitGroup posts batch in one transaction and finishes every member.
func (s *Store) commitGroup(batch []*member) {
	live := batch[:0:0]
	for _, m := range batch {
		if err := m.ctx.Err(); err != nil {
			m.err = err // never started: nothing posted
			close(m.done)
			continue
		}
		live = append(live, m)
	}
	defer func() {
		for _, m := range live {
			close(m.done)
		}
	}()
	if len(live) == 1 {
		live[0].res, live[0].err = s.solo(live[0])
		return
	}
	if len(live) == 0 {
		return
	}
	// The group's statements must not be interrupted by one member's
	// cancellation: an interrupted SQLite statement can roll back the whole
	// transaction.
	ctx := context.WithoutCancel(live[0].ctx)
	err := s.inTx(ctx, live[0].opts, func(tx *sqlx.Tx) error {
		for _, m := range live {
			m.res, m.err = nil, nil
		}
		for _, m := range live {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT member"); err != nil {
				return err
			}
			res, err := m.x.run(ctx, tx, m.t, m.req, m.ap, m.digest, maps.Clone(m.params))
			if err != nil {
				if isRetryable(err) {
					return err // the transaction is doomed: retry the group
				}
				if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT member"); rerr != nil {
					return rerr
				}
			}
			if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT member"); err != nil {
				return err
			}
			m.res, m.err = res, err
		}
		return nil
	})
	if err != nil {
		// Nothing of the group is posted: each member on its own.
		for _, m := range live {
			m.res, m.err = s.solo(m)
		}
		return
	}
	s.group.groups.Add(1)
	s.group.grouped.Add(int64(len(live)))
}

// solo posts m in a transaction of its own: pipelined where it can
// (pipeline.go), else one statement at a time.
func (s *Store) solo(m *member) (*Result, error) {
	if s.pipelines(m) {
		if res, ok := s.postPipelined(m); ok {
			return res, nil
		}
	}
	var res *Result
	err := s.inTx(m.ctx, m.opts, func(tx *sqlx.Tx) error {
		var err error
		res, err = m.x.run(m.ctx, tx, m.t, m.req, m.ap, m.digest, maps.Clone(m.params))
		return err
	})
	return res, err
}
