package ledger_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"guitai/assets"
	"guitai/internal/pgtest"
	"guitai/ledger"
)

// pg is the throwaway server of this test binary, started by the first
// test that needs it (a benchmark run of SQLite alone never starts one);
// nil when skipped.
var (
	pgOnce sync.Once
	pg     *pgtest.Server
	pgSkip string
)

// pgServer starts the PostgreSQL server once and returns it, or nil with
// pgSkip set when it could not start (fatal under GUITAI_REQUIRE_PG).
func pgServer() *pgtest.Server {
	pgOnce.Do(func() {
		var err error
		if pg, err = pgtest.Start(pgtest.Options{}); err != nil {
			if pgtest.Required() {
				fmt.Fprintln(os.Stderr, "GUITAI_REQUIRE_PG is set and PostgreSQL did not start:", err)
				os.Exit(1)
			}
			pg, pgSkip = nil, err.Error()
		}
	})
	return pg
}

func TestMain(m *testing.M) {
	flag.Parse()
	if mode := os.Getenv(helperEnv); mode != "" {
		runHelper(mode)
		os.Exit(0)
	}
	code := m.Run()
	if pg != nil {
		if err := pg.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	os.Exit(code)
}

const bizDate = "2026-11-23"

// env is one backend with a freshly seeded demo ledger.
type env struct {
	name  string
	dsn   string
	store *ledger.Store
	exec  *ledger.Executor
}

// eachDB runs fn as a subtest on SQLite and on PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			fn(t, newEnv(t, name))
		})
	}
}

func dsnFor(t testing.TB, name string) string {
	t.Helper()
	if name == "sqlite" {
		return filepath.Join(t.TempDir(), "ledger.db")
	}
	srv := pgServer()
	if srv == nil {
		t.Skip("PostgreSQL: " + pgSkip)
	}
	dsn, err := srv.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

func newEnv(t testing.TB, name string) *env {
	t.Helper()
	return openEnv(t, name, dsnFor(t, name), true)
}

func openEnv(t testing.TB, name, dsn string, seed bool) *env {
	t.Helper()
	return openEnvWith(t, name, dsn, seed, ledger.Options{})
}

// openEnvWith is openEnv with options (an auditor, ...); the clock is
// pinned and password hashing kept cheap as in openEnv.
func openEnvWith(t testing.TB, name, dsn string, seed bool, opt ledger.Options) *env {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	opt.PasswordIterations, opt.Now = 1000, func() time.Time { return now }
	s, err := ledger.Open(ctx, dsn, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if seed {
		if err := s.SeedDemo(ctx, bizDate); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	return &env{name: name, dsn: dsn, store: s, exec: ledger.NewExecutor(s, cat, forms)}
}
