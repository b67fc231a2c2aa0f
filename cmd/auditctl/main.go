package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"guitai/audit/auditcli"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

type timeFlag struct{ t *time.Time }

func (f timeFlag) String() string { return "" }
func (f timeFlag) Set(s string) error {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			*f.t = t
			return nil
		}
	}
	return errors.New("want RFC 3339 or YYYY-MM-DD")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: auditctl keygen|checkpoint|verify|show|tail|export|verify-bundle|archive|repair-frontier|cosign [flags] (see go doc guitai/cmd/auditctl)")
		return auditcli.ExitUsage
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("auditctl "+cmd, flag.ContinueOnError)
	pwFile := fs.String("password-file", "", "file holding the key password (default $GUITAI_AUDIT_PASSWORD)")
	env := &auditcli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Password: func() ([]byte, error) {
		if *pwFile != "" {
			b, err := os.ReadFile(*pwFile)
			return []byte(strings.TrimRight(string(b), "\r\n")), err
		}
		if p := os.Getenv("GUITAI_AUDIT_PASSWORD"); p != "" {
			return []byte(p), nil
		}
		return nil, errors.New("no key password: use --password-file or GUITAI_AUDIT_PASSWORD")
	}}
	var dbo auditcli.DBOptions
	dbFlags := func() {
		fs.StringVar(&dbo.DB, "db", "", "SQLite path or postgres:// URL")
		fs.StringVar(&dbo.Origin, "origin", "", "log origin (default: from the newest checkpoint)")
	}
	jsonOut := func() *bool { return fs.Bool("json", false, "JSON output") }
	parse := func() bool {
		// Allow one positional argument before the flags (verify-bundle FILE --pubkey K).
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			if err := fs.Parse(args[1:]); err != nil {
				return false
			}
			if fs.NArg() > 0 {
				fmt.Fprintln(os.Stderr, "auditctl: unexpected arguments", fs.Args())
				return false
			}
			args = []string{args[0]}
			return true
		}
		if err := fs.Parse(args); err != nil {
			return false
		}
		args = fs.Args()
		return true
	}
	switch cmd {
	case "keygen":
		var o auditcli.KeygenOptions
		fs.StringVar(&o.Out, "out", "audit-key.pem", "encrypted private key output")
		fs.StringVar(&o.PubOut, "pub", "audit-pub.pem", "public key output")
		if !parse() {
			return auditcli.ExitUsage
		}
		return auditcli.Keygen(ctx, env, o)
	case "checkpoint":
		var o auditcli.CheckpointOptions
		dbFlags()
		fs.StringVar(&o.Key, "key", "", "encrypted SM2 key file")
		fs.StringVar(&o.Reason, "reason", "manual", "reason stored with the checkpoint")
		if !parse() {
			return auditcli.ExitUsage
		}
		o.DBOptions = dbo
		return auditcli.Checkpoint(ctx, env, o)
	case "verify":
		var o auditcli.VerifyOptions
		dbFlags()
		fs.StringVar(&o.PubKey, "pubkey", "", "the log's first (anchor) public key")
		fs.Var((*multi)(&o.Witness), "witness", "witness verifier key (inline or file), or a file with a checkpoint note kept outside the database (repeatable)")
		fs.StringVar(&o.WitnessURL, "witness-url", "", "witness to ask for its newest cosigned checkpoint (needs --witness KEY)")
		fs.Uint64Var(&o.Interval, "interval", auditcli.DefaultInterval, "checkpoint interval the log was written with; 0 disables the unsigned-records rule")
		fs.Var((*multi)(&o.Segments), "segment", "archived segment file to check against the database (repeatable)")
		j := jsonOut()
		if !parse() {
			return auditcli.ExitUsage
		}
		o.DBOptions, o.JSON = dbo, *j
		return auditcli.Verify(ctx, env, o)
	case "show", "tail":
		var o auditcli.ShowOptions
		dbFlags()
		fs.Uint64Var(&o.FromSeq, "from", 0, "first seq")
		fs.Uint64Var(&o.ToSeq, "to", 0, "last seq")
		fs.Var(timeFlag{&o.Since}, "since", "from this time (inclusive)")
		fs.Var(timeFlag{&o.Until}, "until", "before this time")
		fs.StringVar(&o.Teller, "teller", "", "only this teller")
		fs.StringVar(&o.Action, "action", "", "only this action")
		limit := fs.Int("limit", 0, "at most this many records")
		n := fs.Int("n", 20, "tail: number of newest records")
		j := jsonOut()
		if !parse() {
			return auditcli.ExitUsage
		}
		o.DBOptions, o.JSON, o.Limit = dbo, *j, *limit
		if cmd == "tail" {
			o.Limit, o.Desc = *n, true
		}
		return auditcli.Show(ctx, env, o)
	case "export":
		var o auditcli.ExportOptions
		dbFlags()
		fs.StringVar(&o.PubKey, "pubkey", "", "the log's first (anchor) public key")
		fs.StringVar(&o.Key, "key", "", "the current encrypted SM2 key (signs the manifest)")
		fs.Uint64Var(&o.From, "from", 1, "first seq")
		fs.Uint64Var(&o.To, "to", 0, "last seq (default: last record)")
		fs.StringVar(&o.Out, "out", "", "bundle file to write (tar)")
		fs.Uint64Var(&o.Interval, "interval", auditcli.DefaultInterval, "checkpoint interval the log was written with; 0 disables the unsigned-records rule")
		if !parse() {
			return auditcli.ExitUsage
		}
		o.DBOptions = dbo
		return auditcli.Export(ctx, env, o)
	case "archive":
		var o auditcli.ArchiveOptions
		dbFlags()
		fs.StringVar(&o.PubKey, "pubkey", "", "the log's first (anchor) public key")
		fs.StringVar(&o.Key, "key", "", "the current encrypted SM2 key (signs the segment)")
		fs.Uint64Var(&o.Through, "through", 0, "archive records up to this seq")
		fs.StringVar(&o.Out, "out", "", "segment file to write (tar)")
		fs.DurationVar(&o.Retention, "retention", 0, "minimum age of archived records (default 180 days)")
		if !parse() {
			return auditcli.ExitUsage
		}
		o.DBOptions = dbo
		return auditcli.Archive(ctx, env, o)
	case "verify-bundle":
		var o auditcli.VerifyBundleOptions
		fs.StringVar(&o.PubKey, "pubkey", "", "trusted anchor public key: the log's first key (required unless --allow-self-signed)")
		fs.BoolVar(&o.AllowSelfSigned, "allow-self-signed", false, "without --pubkey, accept the bundle's own anchor key")
		fs.Var((*multi)(&o.Witness), "witness", "witness verifier key (inline or file), or a file with a witness's checkpoint note (repeatable)")
		j := jsonOut()
		if !parse() || len(args) != 1 {
			fmt.Fprintln(os.Stderr, "usage: auditctl verify-bundle FILE --pubkey K | --allow-self-signed [--witness W] [--json]")
			return auditcli.ExitUsage
		}
		o.File, o.JSON = args[0], *j
		return auditcli.VerifyBundle(ctx, env, o)
	case "cosign":
		var o auditcli.CosignOptions
		dbFlags()
		fs.StringVar(&o.WitnessURL, "witness-url", "", "the witness's base URL")
		fs.StringVar(&o.WitnessKey, "witness", "", "the witness's verifier key (inline or file)")
		if !parse() {
			return auditcli.ExitUsage
		}
		o.DBOptions = dbo
		return auditcli.Cosign(ctx, env, o)
	case "repair-frontier":
		var o auditcli.RepairFrontierOptions
		dbFlags()
		fs.StringVar(&o.PubKey, "pubkey", "", "the log's first (anchor) public key")
		fs.Uint64Var(&o.Interval, "interval", auditcli.DefaultInterval, "checkpoint interval the log was written with")
		if !parse() {
			return auditcli.ExitUsage
		}
		o.DBOptions = dbo
		return auditcli.RepairFrontier(ctx, env, o)
	default:
		fmt.Fprintf(os.Stderr, "auditctl: unknown command %q\n", cmd)
		return auditcli.ExitUsage
	}
}
