package ledger

import (
	"context"
	"crypto"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"

	"guitai/audit"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Driver names of the two databases.
const (
	SQLite   = "sqlite3"
	Postgres = "pgx"
)

// Auditor is told of each audited action inside the caller's DB
// transaction, after the ledger's audit log recorded it (Options.Observer):
// tests watch the events through it. The audit log itself is not an
// Auditor a caller could leave out: Open installs it (see audit.go).
type Auditor interface {
	Append(ctx context.Context, tx *sql.Tx, e AuditEvent) error
}

// AuditEvent is what the ledger tells the audit log: who did what to which
// object, with what result. Payload is canonical JSON of the details.
type AuditEvent struct {
	Time       time.Time
	Teller     string // who acted: the teller, or the admin (Options.Actor)
	Authorizer string
	Terminal   string
	Branch     string
	Action     string // one of the audit.Action* names
	Object     string // journal serial, user id, ...
	Result     string // ok, refused, locked
	Payload    []byte
}

// Options tune a Store. The zero value is usable: a demo key, and an audit
// log whose records wait for a program with a signing key to anchor them.
type Options struct {
	// MasterKey derives the SM4 key that encrypts ID numbers, phone
	// numbers and addresses and the HMAC-SM3 key of the ID numbers' blind
	// index; nil means the demo key. The programs take it from
	// GUITAI_MASTER_KEY through OpenKeyed, which allows the demo key only
	// on a demo ledger.
	MasterKey []byte
	// Signer is the terminal's SM2 key: with it the audit log signs a
	// checkpoint at every sign-on and sign-off and every CheckpointEvery
	// records. Without it (tellerctl) records are appended and chained
	// all the same, and the next signed checkpoint covers them.
	Signer crypto.Signer
	// Origin names the log in its checkpoints; "" is DefaultOrigin.
	Origin string
	// CheckpointEvery is how many records at most go unsigned while
	// postings happen, with a Signer; 0 is DefaultCheckpointEvery.
	CheckpointEvery uint64
	// Actor is who acts through this Store when no teller signs on: the
	// admin that tellerctl runs as. It is recorded as the one who did an
	// admin action (a user added, a password set).
	Actor string
	// Witness, if set, is the branch's witness: every signed checkpoint
	// is submitted to it for a cosignature once its transaction has
	// committed (witness.go); WitnessFailed, if set, hears of a failure.
	Witness       *audit.WitnessClient
	WitnessFailed func(error)
	// Observer, if set, is told of every audit event after the audit log
	// recorded it, in the same transaction (tests).
	Observer Auditor
	// Migrate, if set, runs after the ledger's own migrations and before
	// anything is posted or seeded (tests add tables of their own).
	// driver is "sqlite3" or "pgx".
	Migrate func(ctx context.Context, db *sql.DB, driver string) error
	// Now is the clock (tests pin it); nil means time.Now.
	Now func() time.Time
	// PasswordIterations for new password hashes; 0 means DefaultIterations.
	PasswordIterations int
	// BusyTimeout is SQLite's busy_timeout; 0 means 5s.
	BusyTimeout time.Duration
	// MaxRetries bounds the retries of a busy or serialization-failed
	// transaction; 0 means 8.
	MaxRetries int
	// MaxGroup bounds how many concurrent submissions share one database
	// transaction (group commit, each in its own savepoint); 0 means
	// DefaultMaxGroup and 1 turns group commit off.
	MaxGroup int
	// Dial, if set, opens PostgreSQL's network connections in place of
	// the driver's own dialer (tests count a posting's round trips
	// through it).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// NoPipeline posts on PostgreSQL one statement at a time, as on
	// SQLite, instead of in pipelined batches (pipeline.go): the
	// benchmark's "before", and a way around a server or proxy that
	// mishandles pipelining.
	NoPipeline bool
}

// Store is an open ledger database.
type Store struct {
	db     *sqlx.DB
	driver string
	keys   keys
	audit  *auditHook
	actor  string
	// the witness loop (witness.go)
	witnessKick chan struct{}
	witnessStop context.CancelFunc
	witnessDone chan struct{}
	now         func() time.Time
	iter        int
	retries     int
	// maxGroup is Options.MaxGroup resolved; group queues submissions for
	// a group commit.
	maxGroup int
	group    committer
	boxes    sync.Map // "teller/date" of cash boxes known to exist (rows are never deleted)
	// pipeline is whether postings on PostgreSQL go in pipelined batches
	// (pipeline.go).
	pipeline  bool
	pipelined pipelineStats
}

// DefaultPath is the ledger every program opens when none is named:
// $GUITAI_DB, else the SQLite file guitai/guitai.db in the user's data
// directory ($XDG_DATA_HOME or ~/.local/share). The teller, tellerctl and
// auditctl share it, so a remedy typed at tellerctl reaches the ledger the
// window uses.
func DefaultPath() string {
	if d := os.Getenv("GUITAI_DB"); d != "" {
		return d
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "guitai.db"
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "guitai", "guitai.db")
}

// Open opens (creating it if needed, a SQLite file with mode 0600) the
// ledger at dsn — a SQLite file path or a postgres:// URL — and migrates it
// to the newest schema.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	busy := opt.BusyTimeout
	if busy == 0 {
		busy = 5 * time.Second
	}
	var db *sqlx.DB
	driver := SQLite
	if IsPostgres(dsn) {
		driver = Postgres
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, errf("E_DB_UNREACHABLE", "", fmt.Errorf("open %s: %w", redact(dsn), err))
		}
		if opt.Dial != nil {
			cfg.DialFunc = pgconn.DialFunc(opt.Dial)
		}
		db = sqlx.NewDb(stdlib.OpenDB(*cfg), driver)
	} else {
		if err := createPrivate(sqlitePath(dsn)); err != nil {
			return nil, fmt.Errorf("ledger: open %s: %w", dsn, err)
		}
		db = sqlx.NewDb(openSQLite(dsn, busy), SQLite)
	}
	if driver == SQLite {
		db.SetMaxOpenConns(8)
	} else {
		db.SetMaxOpenConns(16)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, errf("E_DB_UNREACHABLE", "", fmt.Errorf("open %s: %w", redact(dsn), err))
	}
	hook, err := newAuditHook(driver, opt)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{db: db, driver: driver, keys: deriveKeys(opt.MasterKey), audit: hook, actor: opt.Actor,
		now: opt.Now, iter: opt.PasswordIterations, retries: opt.MaxRetries}
	if s.now == nil {
		s.now = time.Now
	}
	if s.iter == 0 {
		s.iter = DefaultIterations
	}
	if s.retries == 0 {
		s.retries = 8
	}
	s.maxGroup = opt.MaxGroup
	s.pipeline = driver == Postgres && !opt.NoPipeline && opt.Observer == nil
	if s.maxGroup == 0 {
		s.maxGroup = DefaultMaxGroup
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := hook.migrate(ctx, db.DB, driver); err != nil {
		db.Close()
		return nil, err
	}
	if opt.Migrate != nil {
		if err := opt.Migrate(ctx, db.DB, driver); err != nil {
			db.Close()
			return nil, err
		}
	}
	if opt.Witness != nil {
		s.startWitness(opt.Witness, opt.WitnessFailed)
	}
	return s, nil
}

// openSQLite returns the pool of the SQLite ledger at path, every
// connection opened with sqliteDSN's parameters and then connectPragmas.
func openSQLite(path string, busy time.Duration) *sql.DB {
	return sql.OpenDB(sqliteConnector{dsn: sqliteDSN(path, busy)})
}

// sqliteDSN adds the pragmas every connection needs (sqlitePragmas) to the
// file path.
func sqliteDSN(path string, busy time.Duration) string {
	return "file:" + sqlitePath(path) + "?" + sqlitePragmas(busy)
}

// sqlitePath is the file of a SQLite ledger's dsn: without "file:" and
// any parameters.
func sqlitePath(dsn string) string {
	dsn = strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	return dsn
}

// createPrivate creates the SQLite file at path when there is none, empty
// and readable and writable by its owner alone (0600, whatever the umask):
// customers' data and the audit log are in it, and SQLite gives the -wal
// and -shm files it creates beside it the database file's mode. An
// existing file keeps its mode.
func createPrivate(path string) error {
	if path == "" || path == ":memory:" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	err = f.Chmod(0o600) // the umask only takes bits away; say exactly
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sqlitePragmas are the connection parameters of a ledger database: WAL,
// synchronous=FULL, a busy timeout, foreign keys, and BEGIN IMMEDIATE so a
// writer takes the lock up front instead of failing on upgrade.
func sqlitePragmas(busy time.Duration) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", strconv.FormatInt(max(busy.Milliseconds(), 1), 10))
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	// Each connection keeps the statements it ran prepared, by SQL text, so
	// the catalog's statements are parsed once per connection. That is
	// cheaper than database/sql prepared statements, which a transaction
	// must rebind on every use (Tx.Stmt); pgx keeps a like cache.
	q.Set("_stmt_cache_size", "256")
	return q.Encode()
}

// connectPragmas run on every new SQLite connection, for the settings
// go-sqlite3 has no DSN parameter for. temp_store=MEMORY keeps SQLite's
// transient tables in memory: a statement with RETURNING (the journal
// serial's counter, most catalog updates) collects its rows in one, and
// otherwise sets up a file-backed pager for it on every execution, about
// half of the statement's cost. Nothing durable lives in the temp store.
const connectPragmas = `PRAGMA temp_store = MEMORY`

var sqliteDriver = &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
	_, err := c.Exec(connectPragmas, nil)
	return err
}}

// sqliteConnector opens connections of sqliteDriver to dsn.
type sqliteConnector struct{ dsn string }

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	return sqliteDriver.Open(c.dsn)
}
func (c sqliteConnector) Driver() driver.Driver { return sqliteDriver }

func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return dsn
}

func (s *Store) migrate(ctx context.Context) error {
	dialect := goose.DialectSQLite3
	if s.driver == Postgres {
		dialect = goose.DialectPostgres
	}
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, s.db.DB, dir)
	if err != nil {
		return fmt.Errorf("ledger: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("ledger: migrate: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stopWitness()
	return s.db.Close()
}

// DB returns the underlying handle, for tools and tests that read the books.
func (s *Store) DB() *sqlx.DB { return s.db }

// Driver returns SQLite or Postgres.
func (s *Store) Driver() string { return s.driver }

// record is the one place every audited action passes through, inside the
// transaction that performs it.
func (s *Store) record(ctx context.Context, tx *sqlx.Tx, e AuditEvent) error {
	return s.audit.append(ctx, tx.Tx, s.stamped(e))
}

// stamped is e with the store's clock's time when it has none.
func (s *Store) stamped(e AuditEvent) AuditEvent {
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	return e
}

// inTx runs fn in one transaction, retrying the whole of it when the
// database is busy (SQLite) or reports a serialization failure or deadlock
// (PostgreSQL 40001, 40P01), with bounded exponential backoff and jitter.
func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, fn func(tx *sqlx.Tx) error) error {
	var err error
	for attempt := 0; ; attempt++ {
		err = s.once(ctx, opts, fn)
		if err == nil || !isRetryable(err) || attempt >= s.retries {
			break
		}
		backoff := time.Duration(1<<min(attempt, 6)) * 2 * time.Millisecond
		backoff += time.Duration(rand.Int64N(int64(backoff)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
	return err
}

func (s *Store) once(ctx context.Context, opts *sql.TxOptions, fn func(tx *sqlx.Tx) error) (err error) {
	if s.driver == SQLite {
		opts = nil // SQLite is serializable; isolation levels other than default are refused
	}
	tx, err := s.db.BeginTxx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err == nil && s.audit.signed.Swap(false) {
		s.kickWitness() // a checkpoint was signed and now stands
	}
	return err
}

// isRetryable reports whether err is a transient conflict worth retrying.
func isRetryable(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// isConstraint reports whether err is a constraint violation.
func isConstraint(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrConstraint
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "23")
	}
	return false
}

// isUnique reports whether err is a unique-key violation.
func isUnique(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}

// named binds a named-parameter statement: sqlx.Named then Rebind. The
// compiled form (the rebound text and the order of names) is cached per
// statement text, since catalog statements repeat all day.
func named(driver string, query string, arg map[string]any) (string, []any, error) {
	key := compiledKey{driver, query}
	c, ok := compiled.Load(key)
	if !ok {
		// Bind a map whose values are the names themselves: the args sqlx
		// returns are then the names in binding order.
		names := map[string]any{}
		for _, n := range namesIn(query) {
			names[n] = n
		}
		q, order, err := sqlx.Named(query, names)
		if err != nil {
			return "", nil, err
		}
		c, _ = compiled.LoadOrStore(key, compiledQuery{text: sqlx.Rebind(sqlx.BindType(driver), q), names: order})
	}
	cq := c.(compiledQuery)
	args := make([]any, len(cq.names))
	for i, n := range cq.names {
		v, ok := arg[n.(string)]
		if !ok {
			return "", nil, fmt.Errorf("ledger: no value for :%s", n)
		}
		args[i] = v
	}
	return cq.text, args, nil
}

type compiledQuery struct {
	text  string
	names []any
}

// compiledKey is a named query of one driver.
type compiledKey struct{ driver, query string }

var compiled sync.Map // compiledKey -> compiledQuery

func (s *Store) exec(ctx context.Context, tx *sqlx.Tx, query string, arg map[string]any) (int64, error) {
	q, args, err := named(tx.DriverName(), query, arg)
	if err != nil {
		return 0, err
	}
	r, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (s *Store) query(ctx context.Context, tx *sqlx.Tx, query string, arg map[string]any) ([]map[string]any, error) {
	q, args, err := named(tx.DriverName(), query, arg)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryxContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		m := map[string]any{}
		if err := rows.MapScan(m); err != nil {
			return nil, err
		}
		for k, v := range m {
			if b, ok := v.([]byte); ok {
				m[k] = string(b)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
