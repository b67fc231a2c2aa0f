package audit

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
)

// Dialect names the SQL dialect of the database holding the log.
type Dialect string

// Supported dialects; the values match goose's dialect names.
const (
	SQLite   Dialect = "sqlite3"
	Postgres Dialect = "postgres"
)

// VersionTable is the goose version table of the audit migrations, kept
// apart from the ledger's so the two migration sets never collide.
const VersionTable = "audit_goose_db_version"

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate brings the audit tables up to date, recording versions in
// [VersionTable].
func Migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	if d != SQLite && d != Postgres {
		return errf(CodeInvalid, "migrate", nil, "unknown dialect %q", d)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return errf(CodeState, "migrate", err, "")
	}
	p, err := goose.NewProvider(goose.Dialect(d), db, sub,
		goose.WithTableName(VersionTable), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return errf(CodeState, "migrate", err, "")
	}
	if _, err := p.Up(ctx); err != nil {
		return errf(CodeState, "migrate", err, "")
	}
	return nil
}

// Querier is what reading functions need: a *sql.DB, *sql.Tx or *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Config configures a [Log].
type Config struct {
	Origin  string        // checkpoint origin, e.g. "guitai.bank/branch-0101/T07"
	Dialect Dialect       // SQLite or Postgres
	Signer  crypto.Signer // SM2 terminal key; nil disables automatic checkpoints
	// CheckpointEvery makes Append sign a checkpoint inside the same
	// transaction every N records (0: never automatically).
	CheckpointEvery uint64
	// Now returns the time stamped on records with a zero Time (default time.Now).
	Now func() time.Time
	// DB, if set, is the database the caller's transactions come from; Append
	// then reuses prepared statements across transactions. Transactions
	// passed to Append must belong to it.
	DB *sql.DB
}

// Log appends to and reads from the audit tables. It holds no connection;
// every call takes the caller's transaction or querier. Safe for
// concurrent use.
type Log struct {
	cfg Config
	mu  sync.RWMutex // guards cfg.Signer

	prepOnce sync.Once
	stmts    [4]*sql.Stmt // see stmtTip...; nil without Config.DB

	tipMu sync.Mutex
	tip   tip // the last record this Log appended or read; a hint, validated by every INSERT
}

// tip is the end of the chain as last seen.
type tip struct {
	valid bool
	seq   uint64
	leaf  Hash
	front *Frontier // compact range [0, seq); nil until a checkpoint needs it
	// signed is the size of the newest stored checkpoint when known
	// (signedOK): Append also signs once seq-signed reaches
	// CheckpointEvery, so a checkpoint skipped at a key rotation is made
	// up for at once.
	signed   uint64
	signedOK bool
}

const (
	stmtTip = iota
	stmtInsert
	stmtLock
	stmtInsertNext
)

// pgLockKey is the PostgreSQL advisory lock that serialises appenders.
const pgLockKey = 0x6775_6974_6169 // "guitai"

func (l *Log) sqlText(i int) string {
	switch i {
	case stmtTip:
		return `SELECT seq, leaf_hash FROM audit_log ORDER BY seq DESC LIMIT 1`
	case stmtInsert:
		return l.q(insertSQL)
	case stmtInsertNext:
		return l.q(insertNextSQL)
	default:
		return `SELECT pg_advisory_xact_lock(` + strconv.Itoa(pgLockKey) + `)`
	}
}

// stmt returns statement i bound to tx: a reused prepared statement when
// Config.DB is set, otherwise nil (the caller then uses the SQL text).
func (l *Log) stmt(ctx context.Context, tx *sql.Tx, i int) *sql.Stmt {
	if l.cfg.DB == nil {
		return nil
	}
	l.prepOnce.Do(func() {
		for j := range l.stmts {
			if j == stmtLock && l.cfg.Dialect != Postgres {
				continue
			}
			st, err := l.cfg.DB.PrepareContext(ctx, l.sqlText(j))
			if err != nil {
				for _, p := range l.stmts[:j] {
					if p != nil {
						p.Close()
					}
				}
				l.stmts = [4]*sql.Stmt{}
				return
			}
			l.stmts[j] = st
		}
	})
	if l.stmts[i] == nil {
		return nil
	}
	return tx.StmtContext(ctx, l.stmts[i])
}

func (l *Log) exec(ctx context.Context, tx *sql.Tx, i int, args ...any) (sql.Result, error) {
	if st := l.stmt(ctx, tx, i); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, l.sqlText(i), args...)
}

// New returns a Log for cfg.
func New(cfg Config) (*Log, error) {
	if err := checkOrigin(cfg.Origin); err != nil {
		return nil, err
	}
	if cfg.Dialect != SQLite && cfg.Dialect != Postgres {
		return nil, errf(CodeInvalid, "new log", nil, "unknown dialect %q", cfg.Dialect)
	}
	if cfg.Signer != nil {
		if _, err := signerPublic(cfg.Signer); err != nil {
			return nil, err
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Log{cfg: cfg}, nil
}

// Origin returns the checkpoint origin.
func (l *Log) Origin() string { return l.cfg.Origin }

// SetSigner replaces the signing key; call it after the transaction
// holding [Log.RotateKey] has committed.
func (l *Log) SetSigner(s crypto.Signer) error {
	if _, err := signerPublic(s); err != nil {
		return err
	}
	l.mu.Lock()
	l.cfg.Signer = s
	l.mu.Unlock()
	return nil
}

func (l *Log) signer() crypto.Signer {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cfg.Signer
}

// q rewrites '?' placeholders as $1, $2, ... for PostgreSQL.
func (l *Log) q(s string) string {
	if l.cfg.Dialect != Postgres {
		return s
	}
	var b strings.Builder
	n := 0
	for _, c := range s {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func decodeFrontier(size uint64, s string) (Frontier, error) {
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw)%HashSize != 0 {
		return Frontier{}, errf(CodeState, "head", err, "bad frontier")
	}
	f := Frontier{Size: size, Hashes: make([]Hash, len(raw)/HashSize, len(raw)/HashSize+1)}
	for i := range f.Hashes {
		copy(f.Hashes[i][:], raw[i*HashSize:])
	}
	if !f.valid() {
		return Frontier{}, errf(CodeState, "head", nil, "frontier does not match size %d", size)
	}
	return f, nil
}

func encodeFrontier(f Frontier) string {
	b := make([]byte, 0, len(f.Hashes)*2*HashSize)
	for _, h := range f.Hashes {
		b = hex.AppendEncode(b, h[:])
	}
	return string(b)
}

func parseLeaf(s string) (Hash, error) {
	if s == "" {
		return Hash{}, nil
	}
	return ParseHash(s)
}

// Append assigns rec the next sequence number and PrevHash, and inserts it
// inside tx, so it commits or rolls back with the caller's work. Every
// Config.CheckpointEvery records it also signs a checkpoint in tx.
//
// The Log remembers the end of the chain, so an Append is normally one
// INSERT; that INSERT only succeeds if the chain still ends where the Log
// believes (otherwise it re-reads the end and retries), so rollbacks,
// savepoints and other writers can never cause a gap or a fork. Appenders
// serialise on the SQLite write lock, or on a PostgreSQL advisory
// transaction lock.
func (l *Log) Append(ctx context.Context, tx *sql.Tx, rec Record) (Entry, error) {
	es, err := l.AppendBatch(ctx, tx, []Record{rec})
	if err != nil {
		return Entry{}, err
	}
	return es[0], nil
}

// AppendBatch appends recs in order inside tx, like calling Append for
// each, with one prepared INSERT for the batch.
func (l *Log) AppendBatch(ctx context.Context, tx *sql.Tx, recs []Record) ([]Entry, error) {
	for i := range recs {
		if err := recs[i].validate(); err != nil {
			return nil, err
		}
	}
	return l.append(ctx, tx, recs)
}

// insertSQL inserts one record only if the chain currently ends at the
// expected predecessor (seq-1 with leaf prev), so a stale tip hint can
// never create a gap or a fork: it inserts nothing and Append reloads.
const insertSQL = `INSERT INTO audit_log (seq, at_ns, teller, authorizer, terminal, branch,
	action, object, result, payload_digest, prev_hash, leaf_hash)
	SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),
		CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),
		CAST(? AS TEXT), CAST(? AS TEXT)
	WHERE COALESCE((SELECT MAX(seq) FROM audit_log), 0) = CAST(? AS BIGINT)
	  AND (CAST(? AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM audit_log
		WHERE seq = CAST(? AS BIGINT) AND leaf_hash = CAST(? AS TEXT)))`

// insertNextSQL inserts the records after the first of a batch, whose
// predecessor this transaction has just inserted.
const insertNextSQL = `INSERT INTO audit_log (seq, at_ns, teller, authorizer, terminal, branch,
	action, object, result, payload_digest, prev_hash, leaf_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`

// loadTip reads the last record's seq and stored leaf hash.
func (l *Log) loadTip(ctx context.Context, tx *sql.Tx) (tip, error) {
	var row *sql.Row
	if st := l.stmt(ctx, tx, stmtTip); st != nil {
		row = st.QueryRowContext(ctx)
	} else {
		row = tx.QueryRowContext(ctx, l.sqlText(stmtTip))
	}
	var seq int64
	var leaf string
	switch err := row.Scan(&seq, &leaf); {
	case err == sql.ErrNoRows:
		return tip{valid: true, front: &Frontier{}}, nil
	case err != nil:
		return tip{}, errf(CodeState, "append", err, "read the last record (did Migrate run?)")
	}
	h, err := ParseHash(leaf)
	if err != nil {
		return tip{}, errf(CodeState, "append", err, "stored leaf hash of seq %d", seq)
	}
	return tip{valid: true, seq: uint64(seq), leaf: h}, nil
}

// frontier returns the compact range [0, t.seq), from the newest
// checkpoint at or below t.seq plus the stored leaf hashes after it.
func (l *Log) frontier(ctx context.Context, tx *sql.Tx, t tip) (*Frontier, error) {
	if t.front != nil {
		return t.front, nil
	}
	const op = "frontier"
	f := &Frontier{}
	rows, err := tx.QueryContext(ctx, l.q(`SELECT size, frontier, note FROM audit_checkpoint WHERE size <= ? ORDER BY size DESC LIMIT 1`), int64(t.seq))
	if err != nil {
		return nil, errf(CodeState, op, err, "")
	}
	if rows.Next() {
		var size int64
		var fr, note string
		if err := rows.Scan(&size, &fr, &note); err != nil {
			rows.Close()
			return nil, errf(CodeState, op, err, "")
		}
		g, err := decodeFrontier(uint64(size), fr)
		// The frontier is not signed: it must rebuild the signed root, or
		// every checkpoint signed from it would sign a wrong root.
		if c, _, perr := ParseCheckpoint([]byte(note)); err == nil && (perr != nil || c.Size != g.Size || c.Root != g.Root()) {
			err = errf(CodeTampered, op, nil, "the stored frontier of checkpoint %d does not rebuild its signed root", size)
		}
		if err != nil {
			rows.Close()
			return nil, errf(CodeTampered, op, err, "signing stopped; recover with: auditctl repair-frontier --db DB --pubkey KEY")
		}
		f = &g
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, l.q(`SELECT seq, leaf_hash FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq`), int64(f.Size), int64(t.seq))
	if err != nil {
		return nil, errf(CodeState, op, err, "")
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var leaf string
		if err := rows.Scan(&seq, &leaf); err != nil {
			return nil, errf(CodeState, op, err, "")
		}
		h, err := ParseHash(leaf)
		if err != nil || uint64(seq) != f.Size+1 {
			return nil, errf(CodeState, op, err, "records are not contiguous at seq %d", seq)
		}
		f.Append(h)
	}
	if err := rows.Err(); err != nil {
		return nil, errf(CodeState, op, err, "")
	}
	if f.Size != t.seq {
		return nil, errf(CodeState, op, nil, "log ends at %d, want %d", f.Size, t.seq)
	}
	return f, nil
}

func (l *Log) append(ctx context.Context, tx *sql.Tx, recs []Record) (out []Entry, err error) {
	const op = "append"
	if len(recs) == 0 {
		return nil, nil
	}
	// The database lock comes first, tipMu second: a transaction that
	// appended once holds the advisory lock until it ends and may append
	// again (a group commit's next member), so waiting for the lock while
	// holding tipMu would deadlock with it.
	if l.cfg.Dialect == Postgres {
		if _, err := l.exec(ctx, tx, stmtLock); err != nil {
			return nil, errf(CodeState, op, err, "lock")
		}
	}
	l.tipMu.Lock()
	defer l.tipMu.Unlock()
	defer func() {
		if err != nil {
			l.tip = tip{} // the transaction may roll back; re-read next time
		}
	}()
	t := l.tip
	if !t.valid {
		if t, err = l.loadTip(ctx, tx); err != nil {
			return nil, err
		}
	}
	first := l.stmt(ctx, tx, stmtInsert)
	next := l.stmt(ctx, tx, stmtInsertNext)
	if next == nil && len(recs) > 1 {
		if next, err = tx.PrepareContext(ctx, l.q(insertNextSQL)); err != nil {
			return nil, errf(CodeState, op, err, "prepare")
		}
		defer next.Close()
	}
	out = make([]Entry, len(recs))
	s := l.signer()
	var buf []byte
	for i, rec := range recs {
		if rec.Time.IsZero() {
			rec.Time = l.cfg.Now()
		}
		rec.Time = rec.Time.UTC()
		var e Entry
		for attempt := 0; ; attempt++ {
			rec.Seq, rec.PrevHash = t.seq+1, t.leaf
			buf, _ = rec.AppendBinary(buf[:0])
			e = Entry{Record: rec, Leaf: LeafHash(buf)}
			args := []any{int64(rec.Seq), rec.Time.UnixNano(), rec.Teller, rec.Authorizer, rec.Terminal, rec.Branch,
				rec.Action, rec.Object, rec.Result, rec.PayloadDigest.String(), rec.PrevHash.String(), e.Leaf.String(),
				int64(t.seq), int64(t.seq), int64(t.seq), t.leaf.String()}
			var res sql.Result
			switch {
			case i > 0:
				res, err = next.ExecContext(ctx, args[:12]...)
			case first != nil:
				res, err = first.ExecContext(ctx, args...)
			default:
				res, err = tx.ExecContext(ctx, l.q(insertSQL), args...)
			}
			if err != nil {
				return nil, errf(CodeState, op, err, "insert seq %d", rec.Seq)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return nil, errf(CodeState, op, err, "insert seq %d", rec.Seq)
			}
			if n == 1 {
				break
			}
			if attempt > 0 {
				return nil, errf(CodeState, op, nil, "the log changed under seq %d", rec.Seq)
			}
			// Someone else appended, or our last transaction rolled back.
			if t, err = l.loadTip(ctx, tx); err != nil {
				return nil, err
			}
		}
		if t.front != nil {
			t.front.Append(e.Leaf)
		}
		t.seq, t.leaf = rec.Seq, e.Leaf
		out[i] = e
		if n := l.cfg.CheckpointEvery; n > 0 && s != nil {
			if !t.signedOK {
				if t.signed, err = l.Anchored(ctx, tx); err != nil {
					return nil, err
				}
				t.signedOK = true
			}
			if rec.Seq%n == 0 || rec.Seq >= t.signed+n {
				if t.front, err = l.frontier(ctx, tx, t); err != nil {
					return nil, err
				}
				if _, err := l.checkpoint(ctx, tx, s, t.front, "every "+strconv.FormatUint(n, 10)); err != nil {
					return nil, err
				}
				t.signed = rec.Seq
			}
		}
	}
	l.tip = t
	return out, nil
}

// StoredCheckpoint is a checkpoint row.
type StoredCheckpoint struct {
	Checkpoint
	Note    []byte    // the signed note text
	Reason  string    // "signon", "signoff", "dayend", "every 1000", ...
	Created time.Time // when it was signed

	frontier string // stored compact range (hex), not signed
}

// Checkpoint signs the current tree head inside tx and stores it with the
// given reason (sign-on, sign-off, day end, ...). If a checkpoint of the
// same size exists it is returned unchanged.
func (l *Log) Checkpoint(ctx context.Context, tx *sql.Tx, reason string) (StoredCheckpoint, error) {
	s := l.signer()
	if s == nil {
		return StoredCheckpoint{}, errf(CodeKey, "checkpoint", nil, "no signer configured")
	}
	l.tipMu.Lock()
	defer l.tipMu.Unlock()
	t, err := l.loadTip(ctx, tx)
	if err != nil {
		return StoredCheckpoint{}, err
	}
	if l.tip.valid && l.tip.seq == t.seq && l.tip.leaf == t.leaf {
		t.front = l.tip.front
	}
	f, err := l.frontier(ctx, tx, t)
	if err != nil {
		return StoredCheckpoint{}, err
	}
	return l.checkpoint(ctx, tx, s, f, reason)
}

// storeCheckpoint signs f in its own transaction and returns the stored
// checkpoint of that size (an existing one wins).
func (l *Log) storeCheckpoint(ctx context.Context, db *sql.DB, s crypto.Signer, f *Frontier, reason string) (StoredCheckpoint, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return StoredCheckpoint{}, errf(CodeState, "checkpoint", err, "")
	}
	defer tx.Rollback()
	if _, err := l.checkpoint(ctx, tx, s, f, reason); err != nil {
		return StoredCheckpoint{}, err
	}
	var c StoredCheckpoint
	var note string
	var created int64
	err = tx.QueryRowContext(ctx, l.q(`SELECT note, reason, created_ns FROM audit_checkpoint WHERE size = ?`), int64(f.Size)).
		Scan(&note, &c.Reason, &created)
	if err != nil {
		return StoredCheckpoint{}, errf(CodeState, "checkpoint", err, "")
	}
	if err := tx.Commit(); err != nil {
		return StoredCheckpoint{}, errf(CodeState, "checkpoint", err, "")
	}
	c.Checkpoint = Checkpoint{Origin: l.cfg.Origin, Size: f.Size, Root: f.Root()}
	c.Note, c.Created = []byte(note), time.Unix(0, created).UTC()
	return c, nil
}

func (l *Log) checkpoint(ctx context.Context, tx *sql.Tx, s crypto.Signer, f *Frontier, reason string) (StoredCheckpoint, error) {
	c := Checkpoint{Origin: l.cfg.Origin, Size: f.Size, Root: f.Root()}
	if err := l.checkNotSmaller(ctx, tx, c); err != nil {
		return StoredCheckpoint{}, err
	}
	note, err := SignCheckpoint(c, s)
	if err != nil {
		return StoredCheckpoint{}, err
	}
	now := l.cfg.Now().UTC()
	_, err = tx.ExecContext(ctx, l.q(checkpointSQL),
		int64(c.Size), c.Root.String(), encodeFrontier(*f), string(note), reason, now.UnixNano())
	if err != nil {
		return StoredCheckpoint{}, errf(CodeState, "checkpoint", err, "insert")
	}
	return StoredCheckpoint{Checkpoint: c, Note: note, Reason: reason, Created: now}, nil
}

// checkpointSQL stores a signed checkpoint.
const checkpointSQL = `INSERT INTO audit_checkpoint (size, root, frontier, note, reason, created_ns)
	VALUES (?,?,?,?,?,?) ON CONFLICT (size) DO NOTHING`

// checkNotSmaller refuses to sign c when a stored checkpoint is larger
// (records were cut: signing would make a second history under the same
// key) or has the same size and another root.
func (l *Log) checkNotSmaller(ctx context.Context, tx *sql.Tx, c Checkpoint) error {
	var size int64
	var root string
	err := tx.QueryRowContext(ctx, `SELECT size, root FROM audit_checkpoint ORDER BY size DESC LIMIT 1`).Scan(&size, &root)
	switch {
	case err == sql.ErrNoRows:
		return nil
	case err != nil:
		return errf(CodeState, "checkpoint", err, "")
	case uint64(size) > c.Size:
		return errf(CodeTampered, "checkpoint", nil, "refusing to sign size %d: a checkpoint already covers %d records (records were cut)", c.Size, size)
	case uint64(size) == c.Size && root != c.Root.String():
		return errf(CodeTampered, "checkpoint", nil, "refusing to sign size %d: the stored checkpoint of that size has another root", c.Size)
	}
	return nil
}

// RepairFrontiers is the recovery path for [KindBadFrontier]: it verifies
// the whole log against anchor (every signed checkpoint, chain and
// rotation) and, only if that succeeds apart from stored frontiers,
// rewrites each checkpoint row's frontier from the records. Frontiers are
// not signed, so nothing signed changes. It returns the sizes repaired.
func (l *Log) RepairFrontiers(ctx context.Context, db *sql.DB, opt VerifyOptions) ([]uint64, error) {
	const op = "repair frontier"
	fix := map[uint64]string{}
	rep, err := l.verify(ctx, db, opt, fix)
	if err != nil {
		return nil, err
	}
	if !rep.OK() {
		return nil, errf(CodeTampered, op, rep.Finding, "the log does not verify; frontiers were not changed")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, errf(CodeState, op, err, "")
	}
	defer tx.Rollback()
	var sizes []uint64
	for size, f := range fix {
		if _, err := tx.ExecContext(ctx, l.q(`UPDATE audit_checkpoint SET frontier = ? WHERE size = ?`), f, int64(size)); err != nil {
			return nil, errf(CodeState, op, err, "")
		}
		sizes = append(sizes, size)
	}
	if err := tx.Commit(); err != nil {
		return nil, errf(CodeState, op, err, "")
	}
	l.tipMu.Lock()
	l.tip = tip{}
	l.tipMu.Unlock()
	slices.Sort(sizes)
	return sizes, nil
}

// Size returns the highest stored seq.
func (l *Log) Size(ctx context.Context, q Querier) (uint64, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM audit_log), 0)`)
	if err != nil {
		return 0, errf(CodeState, "size", err, "")
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	return uint64(n), err
}

// Anchored returns the size of the largest stored checkpoint: how many
// records a signed checkpoint covers (0 before the first).
func (l *Log) Anchored(ctx context.Context, q Querier) (uint64, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(MAX(size), 0) FROM audit_checkpoint`)
	if err != nil {
		return 0, errf(CodeState, "anchored", err, "")
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err == nil {
		err = rows.Err()
	}
	return uint64(n), err
}

// rotationMessage is what the old key signs when handing over to next.
func rotationMessage(origin string, seq uint64, prev Hash, next []byte) []byte {
	return []byte("guitai audit key rotation\n" + origin + "\n" + strconv.FormatUint(seq, 10) + "\n" +
		prev.String() + "\n" + base64.StdEncoding.EncodeToString(next) + "\n")
}

// RotateKey appends a key-rotation record: Object is the new public key
// (base64 PKIX DER) and Result is the current key's SM2 signature over
// rotationMessage(origin, seq, prev hash, new key). Checkpoints covering
// this record must be signed by next; call [Log.SetSigner] after commit.
func (l *Log) RotateKey(ctx context.Context, tx *sql.Tx, next *ecdsa.PublicKey, teller string) (Entry, error) {
	old := l.signer()
	if old == nil {
		return Entry{}, errf(CodeKey, "rotate", nil, "no current signer")
	}
	der := publicDER(next)
	if der == nil {
		return Entry{}, errf(CodeKey, "rotate", nil, "bad next key")
	}
	l.tipMu.Lock()
	t, err := l.loadTip(ctx, tx)
	l.tipMu.Unlock()
	if err != nil {
		return Entry{}, err
	}
	sig, err := sign(old, rotationMessage(l.cfg.Origin, t.seq+1, t.leaf, der))
	if err != nil {
		return Entry{}, err
	}
	rec := Record{Teller: teller, Action: ActionKeyRotate,
		Object: base64.StdEncoding.EncodeToString(der), Result: base64.StdEncoding.EncodeToString(sig)}
	// Checkpoints covering this record belong to the next key, so no
	// automatic checkpoint is signed by the old key here.
	l2 := &Log{cfg: l.cfg}
	l2.cfg.CheckpointEvery, l2.cfg.DB = 0, nil
	l.tipMu.Lock()
	l.tip = tip{} // l2 appends behind l's back
	l.tipMu.Unlock()
	es, err := l2.append(ctx, tx, []Record{rec})
	if err != nil {
		return Entry{}, err
	}
	return es[0], nil
}

// checkRotation verifies a rotation record against the key active before
// it and returns the next key.
func checkRotation(origin string, e *Entry, cur *ecdsa.PublicKey) (*ecdsa.PublicKey, error) {
	der, err := base64.StdEncoding.Strict().DecodeString(e.Object)
	if err != nil {
		return nil, errf(CodeMalformed, "rotation", err, "seq %d", e.Seq)
	}
	next, err := parsePublicDER(der)
	if err != nil {
		return nil, err
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(e.Result)
	if err != nil {
		return nil, errf(CodeMalformed, "rotation", err, "seq %d", e.Seq)
	}
	if !VerifySignature(cur, rotationMessage(origin, e.Seq, e.PrevHash, der), sig) {
		return nil, errf(CodeSignature, "rotation", nil, "seq %d is not signed by the previous key", e.Seq)
	}
	return next, nil
}

// Filter selects records for [Log.Scan]. Zero fields do not filter.
type Filter struct {
	FromSeq, ToSeq uint64    // inclusive
	Since, Until   time.Time // Since <= Time < Until
	Teller, Action string
	Limit          int  // 0: no limit
	Desc           bool // newest first
}

// Scan calls fn for every stored entry matching f, in seq order. It trusts
// nothing: hashes are returned as stored.
func (l *Log) Scan(ctx context.Context, q Querier, f Filter, fn func(*Entry) error) error {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.FromSeq > 0 {
		add("seq >= ?", int64(f.FromSeq))
	}
	if f.ToSeq > 0 {
		add("seq <= ?", int64(f.ToSeq))
	}
	if !f.Since.IsZero() {
		add("at_ns >= ?", f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		add("at_ns < ?", f.Until.UnixNano())
	}
	if f.Teller != "" {
		add("teller = ?", f.Teller)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	s := `SELECT seq, at_ns, teller, authorizer, terminal, branch, action, object, result,
		payload_digest, prev_hash, leaf_hash FROM audit_log`
	if len(where) > 0 {
		s += " WHERE " + strings.Join(where, " AND ")
	}
	s += " ORDER BY seq"
	if f.Desc {
		s += " DESC"
	}
	if f.Limit > 0 {
		s += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := q.QueryContext(ctx, l.q(s), args...)
	if err != nil {
		return errf(CodeState, "scan", err, "")
	}
	defer rows.Close()
	var e Entry
	var seq, at int64
	var pd, ph, lh string
	for rows.Next() {
		if err := rows.Scan(&seq, &at, &e.Teller, &e.Authorizer, &e.Terminal, &e.Branch,
			&e.Action, &e.Object, &e.Result, &pd, &ph, &lh); err != nil {
			return errf(CodeState, "scan", err, "")
		}
		e.Seq, e.Time = uint64(seq), time.Unix(0, at).UTC()
		// Unparsable stored digests become zero hashes; verification then
		// reports the record as modified.
		e.PayloadDigest, _ = ParseHash(pd)
		e.PrevHash, _ = ParseHash(ph)
		e.Leaf, _ = ParseHash(lh)
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return errf(CodeState, "scan", err, "")
	}
	return nil
}

// Checkpoints returns all stored checkpoints, smallest size first.
func (l *Log) Checkpoints(ctx context.Context, q Querier) ([]StoredCheckpoint, error) {
	rows, err := q.QueryContext(ctx, `SELECT size, root, note, reason, created_ns, frontier FROM audit_checkpoint ORDER BY size`)
	if err != nil {
		return nil, errf(CodeState, "checkpoints", err, "")
	}
	defer rows.Close()
	var out []StoredCheckpoint
	for rows.Next() {
		var size, created int64
		var root, note string
		var c StoredCheckpoint
		if err := rows.Scan(&size, &root, &note, &c.Reason, &created, &c.frontier); err != nil {
			return nil, errf(CodeState, "checkpoints", err, "")
		}
		c.Origin = l.cfg.Origin
		c.Size = uint64(size)
		c.Root, _ = ParseHash(root)
		c.Note = []byte(note)
		c.Created = time.Unix(0, created).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
