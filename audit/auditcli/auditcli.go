package auditcli

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // postgres:// URLs
	_ "github.com/mattn/go-sqlite3"    // SQLite paths
	"github.com/schollz/progressbar/v3"

	"guitai/audit"
	"guitai/ledger"
)

// Exit codes of auditctl.
const (
	ExitOK          = 0   // success; for verify commands: intact
	ExitTampered    = 1   // verification found a bad record or file
	ExitUsage       = 2   // bad flags or arguments
	ExitError       = 3   // could not run: database, file, key or password problem
	ExitInterrupted = 130 // stopped by Ctrl-C; no partial output was left
)

// ProgressThreshold is the record count above which a progress bar is shown.
const ProgressThreshold = 10_000

// Env is where a command reads and writes.
type Env struct {
	Stdout, Stderr io.Writer
	// Password returns the key password (from a file or the environment).
	Password func() ([]byte, error)
	// NoProgress disables progress bars (tests, pipes).
	NoProgress bool
}

func (e *Env) errorf(format string, args ...any) int {
	fmt.Fprintf(e.Stderr, "auditctl: "+format+"\n", args...)
	return ExitError
}

func (e *Env) fail(ctx context.Context, err error) int {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.Stderr, "auditctl: interrupted")
		return ExitInterrupted
	}
	return e.errorf("%v", err)
}

// OpenDB opens a SQLite file path or a postgres:// URL and returns its dialect.
func OpenDB(dsn string) (*sql.DB, audit.Dialect, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		return db, audit.Postgres, err
	}
	if dsn == "" {
		return nil, "", errors.New("--db is required")
	}
	if _, err := os.Stat(dsn); err != nil {
		return nil, "", err
	}
	db, err := sql.Open("sqlite3", "file:"+dsn+"?_busy_timeout=5000&_journal_mode=WAL&_txlock=immediate")
	return db, audit.SQLite, err
}

// DBOptions are the flags shared by commands that read the log.
type DBOptions struct {
	DB     string // SQLite path or postgres:// URL
	Origin string // log origin; default: from the newest checkpoint
}

func openLog(ctx context.Context, o DBOptions, signer crypto.Signer) (*sql.DB, *audit.Log, error) {
	db, d, err := OpenDB(o.DB)
	if err != nil {
		return nil, nil, err
	}
	origin := o.Origin
	if origin == "" {
		var note string
		err := db.QueryRowContext(ctx, `SELECT note FROM audit_checkpoint ORDER BY size DESC LIMIT 1`).Scan(&note)
		if err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("no --origin and no checkpoint to take it from: %w", err)
		}
		c, _, err := audit.ParseCheckpoint([]byte(note))
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		origin = c.Origin
	}
	l, err := audit.New(audit.Config{Origin: origin, Dialect: d, Signer: signer})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, l, nil
}

func readPublicKey(path string) (*ecdsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return audit.ParsePublicKey(b)
}

func (e *Env) readSigner(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if e.Password == nil {
		return nil, errors.New("no password source")
	}
	pw, err := e.Password()
	if err != nil {
		return nil, err
	}
	return audit.ParseEncryptedKey(b, pw)
}

func (e *Env) progress(desc string) func(done, total uint64) {
	if e.NoProgress {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total uint64) {
		if total <= ProgressThreshold {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions64(int64(total), progressbar.OptionSetWriter(e.Stderr),
				progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		bar.Set64(int64(done))
		if done >= total {
			bar.Finish()
		}
	}
}

// KeygenOptions configures Keygen.
type KeygenOptions struct {
	Out, PubOut string // encrypted PKCS#8 PEM and public key PEM
}

// Keygen writes a new SM2 key pair; the private key is encrypted with the
// password. Existing files are not overwritten.
func Keygen(ctx context.Context, env *Env, o KeygenOptions) int {
	k, err := audit.GenerateKey()
	if err != nil {
		return env.fail(ctx, err)
	}
	pw, err := env.Password()
	if err != nil {
		return env.fail(ctx, err)
	}
	priv, err := audit.MarshalEncryptedKey(k, pw)
	if err != nil {
		return env.fail(ctx, err)
	}
	pub, _ := audit.MarshalPublicKey(&k.PublicKey)
	if err := writeNew(o.Out, priv, 0o600); err != nil {
		return env.fail(ctx, err)
	}
	if err := writeNew(o.PubOut, pub, 0o644); err != nil {
		return env.fail(ctx, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s and %s\n", o.Out, o.PubOut)
	return ExitOK
}

// writeNew creates path with data, atomically, failing if it exists.
func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path+".tmp", os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(path+".tmp", path) // fails if path exists
	}
	os.Remove(path + ".tmp")
	return err
}

// CheckpointOptions configures Checkpoint.
type CheckpointOptions struct {
	DBOptions
	Key    string // encrypted key file
	Reason string
}

// Checkpoint signs the current tree head and prints the note.
func Checkpoint(ctx context.Context, env *Env, o CheckpointOptions) int {
	if o.Origin == "" {
		return env.errorf("--origin is required")
	}
	s, err := env.readSigner(o.Key)
	if err != nil {
		return env.fail(ctx, err)
	}
	db, l, err := openLog(ctx, o.DBOptions, s)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return env.fail(ctx, err)
	}
	c, err := l.Checkpoint(ctx, tx, o.Reason)
	if err != nil {
		tx.Rollback()
		return env.fail(ctx, err)
	}
	if err := tx.Commit(); err != nil {
		return env.fail(ctx, err)
	}
	env.Stdout.Write(c.Note)
	return ExitOK
}

// VerifyOptions configures Verify.
type VerifyOptions struct {
	DBOptions
	PubKey   string   // anchor public key PEM
	Witness  []string // files with checkpoint notes kept elsewhere
	Segments []string // archived segment files to check against the database
	JSON     bool
}

// Verify checks the whole log and prints the first bad seq and kind.
func Verify(ctx context.Context, env *Env, o VerifyOptions) int {
	anchor, err := readPublicKey(o.PubKey)
	if err != nil {
		return env.fail(ctx, fmt.Errorf("--pubkey: %w", err))
	}
	var witness [][]byte
	for _, w := range o.Witness {
		b, err := os.ReadFile(w)
		if err != nil {
			return env.fail(ctx, err)
		}
		witness = append(witness, b)
	}
	db, l, err := openLog(ctx, o.DBOptions, nil)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	rep, err := l.Verify(ctx, db, audit.VerifyOptions{Anchor: anchor, Witness: witness, Progress: env.progress("verify")})
	if err != nil {
		return env.fail(ctx, err)
	}
	for _, seg := range o.Segments {
		if !rep.OK() {
			break
		}
		if _, err := l.VerifySegment(ctx, db, seg, anchor); err != nil {
			var be *audit.BundleError
			if !errors.As(err, &be) {
				return env.fail(ctx, err)
			}
			rep.Finding = &audit.Finding{Seq: be.Seq, Kind: audit.KindModified, Detail: "segment " + seg + ": " + be.Error()}
		}
	}
	// The log binds the ledger: when the database holds the ledger's
	// tables, every posting and authorization record's payload digest is
	// recomputed from them (ledger.VerifyLedger).
	var books *ledger.PostingReport
	if rep.OK() && hasLedger(ctx, db) {
		r, err := ledger.VerifyLedger(ctx, db, strings.Contains(o.DB, "://"), l)
		if err != nil {
			return env.fail(ctx, err)
		}
		books = &r
	}
	ledgerOK := books == nil || books.OK()
	if o.JSON {
		out := map[string]any{"ok": rep.OK() && ledgerOK, "records": rep.Records, "root": rep.Root,
			"checkpoints": rep.Checkpoints, "verified_size": rep.Verified}
		if f := rep.Finding; f != nil {
			out["first_bad_seq"], out["kind"], out["detail"] = f.Seq, f.Kind, f.Detail
		}
		if books != nil {
			out["ledger"] = books
			if !books.OK() {
				out["kind"], out["tampered_serial"] = "tampered", books.Mismatches[0].Serial
			}
		}
		json.NewEncoder(env.Stdout).Encode(out)
	} else if !rep.OK() {
		fmt.Fprintf(env.Stdout, "FAIL: first bad seq %d: %s: %s\n", rep.Finding.Seq, rep.Finding.Kind, rep.Finding.Detail)
	} else if !ledgerOK {
		fmt.Fprintf(env.Stdout, "FAIL: ledger tampered: %d journal entries differ from the audit log (log itself intact: %d records)\n",
			len(books.Mismatches), rep.Records)
		for _, m := range books.Mismatches {
			fmt.Fprintf(env.Stdout, "  tampered %s\n", m)
		}
	} else {
		fmt.Fprintf(env.Stdout, "OK: %d records, %d checkpoints verified (newest size %d), root %s\n",
			rep.Records, rep.Checkpoints, rep.Verified, rep.Root)
		if books != nil {
			fmt.Fprintf(env.Stdout, "ledger: %d journal entries match their %d posting and authorization records\n", books.Entries, books.Records)
			if books.Legacy > 0 {
				fmt.Fprintf(env.Stdout, "note: %d records predate posting digests and were checked against the stored result only\n", books.Legacy)
			}
		}
		if rep.Records > rep.Verified {
			fmt.Fprintf(env.Stdout, "note: records %d..%d are not yet covered by a signed checkpoint\n", rep.Verified+1, rep.Records)
		}
	}
	if !rep.OK() || !ledgerOK {
		return ExitTampered
	}
	return ExitOK
}

// hasLedger reports whether db holds the ledger's journal (a bare audit
// log does not).
func hasLedger(ctx context.Context, db *sql.DB) bool {
	var n int
	return db.QueryRowContext(ctx, `SELECT COUNT(*) FROM journal WHERE 1 = 0`).Scan(&n) == nil
}

// ShowOptions configures Show.
type ShowOptions struct {
	DBOptions
	audit.Filter
	JSON bool
}

// Show prints matching records as a table or JSON lines (stored values,
// not verified; use Verify for that).
func Show(ctx context.Context, env *Env, o ShowOptions) int {
	db, d, err := OpenDB(o.DB)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	l, _ := audit.New(audit.Config{Origin: "show", Dialect: d})
	var rows []audit.Entry
	err = l.Scan(ctx, db, o.Filter, func(e *audit.Entry) error {
		rows = append(rows, *e)
		return ctx.Err()
	})
	if err != nil {
		return env.fail(ctx, err)
	}
	if o.Desc { // tail: fetched newest first, print oldest first
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	if o.JSON {
		enc := json.NewEncoder(env.Stdout)
		for _, e := range rows {
			enc.Encode(e)
		}
		return ExitOK
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME (UTC)\tTELLER\tAUTH\tTERMINAL\tBRANCH\tACTION\tOBJECT\tRESULT")
	for _, e := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Format("2006-01-02 15:04:05"),
			e.Teller, e.Authorizer, e.Terminal, e.Branch, e.Action, e.Object, e.Result)
	}
	tw.Flush()
	return ExitOK
}

// ExportOptions configures Export.
type ExportOptions struct {
	DBOptions
	PubKey   string // anchor public key PEM
	Key      string // current encrypted key file
	From, To uint64
	Out      string
}

// Export writes a bundle; on Ctrl-C no output file is left.
func Export(ctx context.Context, env *Env, o ExportOptions) int {
	if o.Out == "" {
		return env.errorf("--out is required")
	}
	anchor, err := readPublicKey(o.PubKey)
	if err != nil {
		return env.fail(ctx, fmt.Errorf("--pubkey: %w", err))
	}
	s, err := env.readSigner(o.Key)
	if err != nil {
		return env.fail(ctx, err)
	}
	db, l, err := openLog(ctx, o.DBOptions, nil)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	m, err := l.Export(ctx, db, o.Out, audit.ExportOptions{From: o.From, To: o.To, Anchor: anchor, Signer: s,
		Progress: env.progress("export")})
	var f *audit.Finding
	if errors.As(err, &f) {
		fmt.Fprintf(env.Stdout, "FAIL: not exported; first bad seq %d: %s: %s\n", f.Seq, f.Kind, f.Detail)
		return ExitTampered
	}
	if err != nil {
		return env.fail(ctx, err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: records %d..%d of %d\n", o.Out, m.From, m.To, m.TreeSize)
	return ExitOK
}

// VerifyBundleOptions configures VerifyBundle.
type VerifyBundleOptions struct {
	File   string
	PubKey string // optional trusted anchor
	JSON   bool
}

// VerifyBundle checks a bundle offline and names the bad file.
func VerifyBundle(ctx context.Context, env *Env, o VerifyBundleOptions) int {
	var anchor *ecdsa.PublicKey
	if o.PubKey != "" {
		var err error
		if anchor, err = readPublicKey(o.PubKey); err != nil {
			return env.fail(ctx, fmt.Errorf("--pubkey: %w", err))
		}
	}
	f, err := os.Open(o.File)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer f.Close()
	rep, err := audit.VerifyBundle(f, anchor)
	var be *audit.BundleError
	if err != nil && !errors.As(err, &be) {
		return env.fail(ctx, err)
	}
	if o.JSON {
		out := map[string]any{"ok": err == nil, "entries": rep.Entries, "from": rep.Manifest.From,
			"to": rep.Manifest.To, "tree_size": rep.Manifest.TreeSize, "origin": rep.Manifest.Origin}
		if be != nil {
			out["file"], out["line"], out["seq"], out["detail"] = be.File, be.Line, be.Seq, be.Msg
		}
		json.NewEncoder(env.Stdout).Encode(out)
	} else if err == nil {
		fmt.Fprintf(env.Stdout, "OK: %s records %d..%d, complete and signed at tree size %d, root %s\n",
			rep.Manifest.Origin, rep.Manifest.From, rep.Manifest.To, rep.Manifest.TreeSize, rep.Root)
		if anchor == nil {
			fmt.Fprintln(env.Stdout, "note: no --pubkey given; the bundle is consistent with its own anchor key only")
		}
	} else {
		fmt.Fprintf(env.Stdout, "FAIL: %v\n", be)
	}
	if err != nil {
		return ExitTampered
	}
	return ExitOK
}

// ArchiveOptions configures Archive.
type ArchiveOptions struct {
	DBOptions
	PubKey    string // anchor public key PEM
	Key       string // current encrypted key file
	Through   uint64
	Out       string
	Retention time.Duration
}

// Archive moves records up to Through into a sealed segment file.
func Archive(ctx context.Context, env *Env, o ArchiveOptions) int {
	if o.Out == "" || o.Through == 0 {
		return env.errorf("--out and --through are required")
	}
	anchor, err := readPublicKey(o.PubKey)
	if err != nil {
		return env.fail(ctx, fmt.Errorf("--pubkey: %w", err))
	}
	s, err := env.readSigner(o.Key)
	if err != nil {
		return env.fail(ctx, err)
	}
	db, l, err := openLog(ctx, o.DBOptions, nil)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	seg, err := l.Archive(ctx, db, o.Out, audit.ArchiveOptions{Through: o.Through, Anchor: anchor, Signer: s, Retention: o.Retention})
	var f *audit.Finding
	if errors.As(err, &f) {
		fmt.Fprintf(env.Stdout, "FAIL: not archived; first bad seq %d: %s: %s\n", f.Seq, f.Kind, f.Detail)
		return ExitTampered
	}
	if err != nil {
		return env.fail(ctx, err)
	}
	fmt.Fprintf(env.Stdout, "archived records %d..%d to %s (SM3 %s)\n", seg.From, seg.Through, o.Out, seg.SM3)
	return ExitOK
}
