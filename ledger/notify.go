package ledger

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// releasesChannel is the PostgreSQL notification channel of the release
// activations: an activation, a supersede or a rollback notifies it in its
// own transaction, so listeners hear of it when it commits.
const releasesChannel = "guitai_releases"

// notifyReleases tells the listeners of releasesChannel, on commit of tx,
// that the activations changed. SQLite has no notifications: its readers
// poll Releases.Generation.
func (s *Store) notifyReleases(ctx context.Context, tx *sqlx.Tx) error {
	if s.driver != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify('`+releasesChannel+`', '')`)
	return err
}

// ReleaseChanges returns a channel that receives when the release
// activations may have changed, so a terminal reads its FormSet at once
// instead of at its next poll. On PostgreSQL it LISTENs on a connection of
// its own and receives within milliseconds of the commit; a lost
// connection is opened again (every retryEvery) and followed by a
// receive, since a change may have been missed meanwhile. On SQLite it
// returns nil (a nil channel never receives: the poll alone decides).
// The channel is closed when ctx ends.
func (s *Store) ReleaseChanges(ctx context.Context) <-chan struct{} {
	if s.driver != Postgres {
		return nil
	}
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		for first := true; ctx.Err() == nil; first = false {
			if !first {
				signal(ch) // reconnected: something may have changed meanwhile
			}
			err := s.listen(ctx, releasesChannel, ch)
			if ctx.Err() != nil || err == nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(retryEvery):
			}
		}
	}()
	return ch
}

// retryEvery is how long ReleaseChanges waits before listening again on a
// lost connection.
const retryEvery = 2 * time.Second

// listen holds one connection LISTENing on channel and signals ch for
// each notification, until ctx ends (nil) or the connection fails.
func (s *Store) listen(ctx context.Context, channel string, ch chan struct{}) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("ledger: not a pgx connection")
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+channel); err != nil {
			return err
		}
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				// driver.ErrBadConn: the connection, still listening or
				// cut mid-wait, is closed rather than pooled again.
				return fmt.Errorf("%w: %v", driver.ErrBadConn, err)
			}
			signal(ch)
		}
	})
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// signal sends on ch unless a signal is already waiting there.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
