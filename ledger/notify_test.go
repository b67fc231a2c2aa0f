package ledger_test

import (
	"context"
	"testing"
	"time"

	"guitai/internal/eventually"
	"guitai/release"
)

// TestReleaseChanges: on PostgreSQL a terminal's listener hears of an
// activation and of a rollback when each commits, from another
// connection pool (another terminal's ledger); on SQLite there is
// nothing to listen to, and the poll alone decides.
func TestReleaseChanges(t *testing.T) {
	eachDB(t, func(t *testing.T, e0 *env) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		listener := openEnv(t, e0.name, e0.dsn, false) // another terminal's pool
		ch := listener.store.ReleaseChanges(ctx)
		if e0.name == "sqlite" {
			if ch != nil {
				t.Fatal("a SQLite ledger returned a channel")
			}
			return
		}
		eventually.True(t, 10*time.Second, func() bool {
			var n int
			db := e0.store.DB()
			return db.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE query = 'LISTEN guitai_releases'`).Scan(&n) == nil && n == 1
		}, "the listener never listened")
		select {
		case <-ch:
			t.Fatal("a change before any activation")
		default:
		}

		_, r, k := releaseEnv(t, e0)
		p, err := release.Load("../release/testdata/cash_deposit_v2")
		if err != nil {
			t.Fatal(err)
		}
		info, err := r.Submit(ctx, p, "010199", k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Approve(ctx, info.Ref(), info.Digest, "010198"); err != nil {
			t.Fatal(err)
		}
		heard := func(what string) time.Duration {
			t.Helper()
			start := time.Now()
			select {
			case <-ch:
				return time.Since(start)
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: no notification", what)
				return 0
			}
		}
		if err := r.Activate(ctx, info.Ref(), "010198", release.Branch("0101")); err != nil {
			t.Fatal(err)
		}
		t.Logf("activation heard %v after its commit", heard("activation"))
		if _, err := r.Rollback(ctx, "cash_deposit", release.Branch("0101"), "010198"); err != nil {
			t.Fatal(err)
		}
		heard("rollback")

		cancel()
		eventually.True(t, 10*time.Second, func() bool {
			select {
			case _, open := <-ch:
				return !open
			default:
				return false
			}
		}, "the channel stayed open after its context ended")
	})
}
