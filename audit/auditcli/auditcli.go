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
	"text/tabwriter"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // postgres:// URLs
	_ "github.com/mattn/go-sqlite3"    // SQLite paths
	"github.com/schollz/progressbar/v3"

	"guitai/audit"
	"guitai/ledger"
	"guitai/witness"
)

// Exit codes of auditctl.
const (
	ExitOK          = 0   // success; for verify commands: intact
	ExitTampered    = 1   // verification found a bad record or file
	ExitUsage       = 2   // bad flags or arguments
	ExitError       = 3   // could not run: database, file, key or password problem
	ExitInterrupted = 130 // stopped by Ctrl-C; no partial output was left
)

// DefaultInterval is the checkpoint interval verify and export assume:
// the ledger's ([ledger.DefaultCheckpointEvery]).
const DefaultInterval = ledger.DefaultCheckpointEvery

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
	if ledger.IsPostgres(dsn) {
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

// unknownOrigin names a log whose origin nothing tells: no --origin, no
// checkpoint, no witness note. Verify still checks the chain and the
// interval rule under it.
const unknownOrigin = "unknown-origin"

func openLog(ctx context.Context, o DBOptions, signer crypto.Signer) (*sql.DB, *audit.Log, error) {
	return openLogFallback(ctx, o, signer, "")
}

// openLogFallback is openLog; with fallback set, a database without
// checkpoints is opened under that origin instead of failing.
func openLogFallback(ctx context.Context, o DBOptions, signer crypto.Signer, fallback string) (*sql.DB, *audit.Log, error) {
	db, d, err := OpenDB(o.DB)
	if err != nil {
		return nil, nil, err
	}
	origin := o.Origin
	if origin == "" {
		var note string
		err := db.QueryRowContext(ctx, `SELECT note FROM audit_checkpoint ORDER BY size DESC LIMIT 1`).Scan(&note)
		switch {
		case err == sql.ErrNoRows && fallback != "":
			origin = fallback
		case err != nil:
			db.Close()
			return nil, nil, fmt.Errorf("no --origin and no checkpoint to take it from: %w", err)
		default:
			c, _, err := audit.ParseCheckpoint([]byte(note))
			if err != nil {
				db.Close()
				return nil, nil, err
			}
			origin = c.Origin
		}
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
	PubKey string // anchor public key PEM
	// Witness: each a file holding a checkpoint note kept elsewhere (a
	// witness's newest cosigned checkpoint) or a witness verifier key
	// (name+id+base64), or such a key given inline.
	Witness    []string
	WitnessURL string   // ask this witness for its newest cosigned checkpoint (needs a witness key)
	Segments   []string // archived segment files to check against the database
	// Interval is the checkpoint interval the log was written with; more
	// unsigned records in a row fail as "unsigned". 0 disables the rule.
	Interval uint64
	JSON     bool
}

// witnessArgs splits --witness values into keys and notes.
func witnessArgs(vals []string) ([]audit.WitnessKey, [][]byte, error) {
	var keys []audit.WitnessKey
	var notes [][]byte
	for _, w := range vals {
		b, err := os.ReadFile(w)
		if err != nil {
			if k, kerr := audit.ParseWitnessKey(w); kerr == nil {
				keys = append(keys, k)
				continue
			}
			return nil, nil, fmt.Errorf("--witness: %w", err)
		}
		if k, err := audit.ParseWitnessKey(string(b)); err == nil {
			keys = append(keys, k)
			continue
		}
		if _, _, err := audit.ParseCheckpoint(b); err != nil {
			return nil, nil, fmt.Errorf("--witness %s: neither a witness key nor a checkpoint note: %w", w, err)
		}
		notes = append(notes, b)
	}
	return keys, notes, nil
}

// witnessLatest fetches a witness's newest cosigned checkpoint for origin
// (GET URL/checkpoint?origin=...), and checks its cosignature by one of keys.
func witnessLatest(ctx context.Context, url, origin string, keys []audit.WitnessKey) ([]byte, error) {
	if len(keys) == 0 {
		return nil, errors.New("--witness-url needs the witness's key (--witness KEY)")
	}
	note, err := witness.Latest(ctx, nil, url, origin)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.Cosigned(note) {
			return note, nil
		}
	}
	return nil, fmt.Errorf("the witness's checkpoint is not cosigned by the --witness key")
}

// Verify checks the whole log and prints the first bad seq and kind.
func Verify(ctx context.Context, env *Env, o VerifyOptions) int {
	anchor, err := readPublicKey(o.PubKey)
	if err != nil {
		return env.fail(ctx, fmt.Errorf("--pubkey: %w", err))
	}
	wkeys, wnotes, err := witnessArgs(o.Witness)
	if err != nil {
		return env.fail(ctx, err)
	}
	// With no --origin and no checkpoint left, a kept witness note names
	// the log; failing that the log is still checked (and fails when more
	// than the interval of records is unsigned).
	fallback := unknownOrigin
	for _, n := range wnotes {
		if c, _, err := audit.ParseCheckpoint(n); err == nil {
			fallback = c.Origin
		}
	}
	db, l, err := openLogFallback(ctx, o.DBOptions, nil, fallback)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	if o.WitnessURL != "" {
		n, err := witnessLatest(ctx, o.WitnessURL, l.Origin(), wkeys)
		if err != nil {
			return env.fail(ctx, err)
		}
		wnotes = append(wnotes, n)
	}
	rep, err := l.Verify(ctx, db, audit.VerifyOptions{Anchor: anchor, Witness: wnotes, Progress: env.progress("verify"),
		Interval: o.Interval, WitnessKeys: wkeys, RequireWitness: len(wkeys) > 0})
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
		r, err := ledger.VerifyLedger(ctx, db, ledger.IsPostgres(o.DB), l)
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
		fmt.Fprintf(env.Stdout, "FAIL: tampered: first bad seq %d: %s: %s\n", rep.Finding.Seq, rep.Finding.Kind, rep.Finding.Detail)
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
	Interval uint64 // as VerifyOptions.Interval
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
		Interval: o.Interval, Progress: env.progress("export")})
	var f *audit.Finding
	if errors.As(err, &f) {
		fmt.Fprintf(env.Stdout, "FAIL: tampered: not exported; first bad seq %d: %s: %s\n", f.Seq, f.Kind, f.Detail)
		return ExitTampered
	}
	if errors.Is(err, &audit.Error{Code: audit.CodeTampered}) {
		fmt.Fprintf(env.Stdout, "FAIL: tampered: not exported: %v\n", err)
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
	PubKey string // trusted anchor (the log's first key); required unless AllowSelfSigned
	// AllowSelfSigned accepts the bundle's own anchor key when PubKey is
	// not given: the bundle is then only consistent with itself.
	AllowSelfSigned bool
	Witness         []string // witness keys or kept notes, as VerifyOptions.Witness
	JSON            bool
}

// VerifyBundle checks a bundle offline and names the bad file.
func VerifyBundle(ctx context.Context, env *Env, o VerifyBundleOptions) int {
	var anchor *ecdsa.PublicKey
	if o.PubKey != "" {
		var err error
		if anchor, err = readPublicKey(o.PubKey); err != nil {
			return env.fail(ctx, fmt.Errorf("--pubkey: %w", err))
		}
	} else if !o.AllowSelfSigned {
		fmt.Fprintln(env.Stderr, "auditctl: verify-bundle needs --pubkey (the log's first key, obtained outside the bundle), or --allow-self-signed")
		return ExitUsage
	}
	wkeys, wnotes, err := witnessArgs(o.Witness)
	if err != nil {
		return env.fail(ctx, err)
	}
	f, err := os.Open(o.File)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer f.Close()
	rep, err := audit.VerifyBundleWith(f, audit.BundleOptions{Anchor: anchor, AllowSelfSigned: o.AllowSelfSigned,
		WitnessKeys: wkeys, WitnessNotes: wnotes})
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
			fmt.Fprintln(env.Stdout, "note: --allow-self-signed: the bundle is consistent with its own anchor key only")
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

// RepairFrontierOptions configures RepairFrontier.
type RepairFrontierOptions struct {
	DBOptions
	PubKey   string // anchor public key PEM
	Interval uint64
}

// RepairFrontier rewrites the stored frontiers of checkpoint rows from the
// records, after verifying the whole log: the recovery for a
// "bad-frontier" finding (which otherwise stops every sign-on). Nothing
// signed changes. Exit 1 when the log itself does not verify.
func RepairFrontier(ctx context.Context, env *Env, o RepairFrontierOptions) int {
	anchor, err := readPublicKey(o.PubKey)
	if err != nil {
		return env.fail(ctx, fmt.Errorf("--pubkey: %w", err))
	}
	db, l, err := openLog(ctx, o.DBOptions, nil)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	sizes, err := l.RepairFrontiers(ctx, db, audit.VerifyOptions{Anchor: anchor, Interval: o.Interval})
	if errors.Is(err, &audit.Error{Code: audit.CodeTampered}) {
		fmt.Fprintf(env.Stdout, "FAIL: tampered: %v\n", err)
		return ExitTampered
	}
	if err != nil {
		return env.fail(ctx, err)
	}
	fmt.Fprintf(env.Stdout, "repaired %d checkpoint frontiers %v\n", len(sizes), sizes)
	return ExitOK
}

// CosignOptions configures Cosign.
type CosignOptions struct {
	DBOptions
	WitnessURL string // the witness's base URL
	WitnessKey string // its verifier key (inline or file)
}

// Cosign has the newest checkpoint cosigned by a witness and stores the
// cosignature in it (audit.Log.Witness). Exit 1 when the witness refuses
// because the log does not extend what it cosigned before.
func Cosign(ctx context.Context, env *Env, o CosignOptions) int {
	keys, _, err := witnessArgs([]string{o.WitnessKey})
	if err != nil || len(keys) != 1 {
		return env.errorf("--witness: a witness verifier key is required (%v)", err)
	}
	db, l, err := openLog(ctx, o.DBOptions, nil)
	if err != nil {
		return env.fail(ctx, err)
	}
	defer db.Close()
	c, err := l.Witness(ctx, db, &audit.WitnessClient{URL: o.WitnessURL, Key: keys[0]})
	if errors.Is(err, &audit.Error{Code: audit.CodeTampered}) {
		fmt.Fprintf(env.Stdout, "FAIL: tampered: %v\n", err)
		return ExitTampered
	}
	if err != nil {
		return env.fail(ctx, err)
	}
	fmt.Fprintf(env.Stdout, "checkpoint %d cosigned by %s\n", c.Size, keys[0].Name)
	return ExitOK
}
