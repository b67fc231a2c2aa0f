package cli

import (
	"bufio"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"guitai/assets"
	"guitai/audit"
	"guitai/ledger"
)

// Exit codes of Run.
const (
	ExitOK      = 0
	ExitRefused = 1
	ExitUsage   = 2
	ExitFailure = 3
	ExitCheck   = 4
	ExitDevice  = 5 // the fingerprint module failed or saw no (matching) finger
)

var boolFlags = map[string]bool{"json": true, "demo": true, "help": true}

// Run executes one tellerctl command line (without the program name) and
// returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags, pos, err := parse(args)
	if err != nil || len(pos) == 0 || flags["help"] != "" {
		if err != nil {
			fmt.Fprintln(stderr, "tellerctl:", err)
		}
		fmt.Fprintln(stderr, usage)
		return ExitUsage
	}
	c := &cmd{ctx: ctx, flags: flags, stdin: bufio.NewReader(stdin), out: stdout, err: stderr, json: flags["json"] != ""}
	switch pos[0] {
	case "init":
		return c.init()
	case "user":
		return c.user(pos[1:])
	case "post":
		return c.post(pos[1:])
	case "eod":
		return c.eod()
	case "day":
		return c.day(pos[1:])
	case "policy":
		return c.policy(pos[1:])
	case "forms":
		return c.forms(pos[1:], args)
	case "interest":
		return c.interest(pos[1:])
	case "aml":
		return c.aml(pos[1:])
	case "catalog":
		if len(pos) == 2 && pos[1] == "check" {
			return c.catalogCheck()
		}
	case "finger":
		if len(pos) == 2 && pos[1] == "identify" {
			return c.identifyFinger()
		}
	}
	fmt.Fprintln(stderr, usage)
	return ExitUsage
}

const usage = `usage: tellerctl [--db PATH|postgres://URL] [--json] [--as ADMIN] COMMAND
  init [--demo] [--date YYYY-MM-DD]
  user add ID --name N --branch B --role teller|supervisor|admin   (password on stdin)
  user passwd ID (password on stdin) | user role ID ROLE | user lock ID | user unlock ID
  user enroll-finger ID --port DEV [--baud 57600] [--module M] [--page N] [--timeout 30s]
  user remove-finger ID [--module M] [--page N] [--port DEV] | user fingers ID
  finger identify --port DEV [--module M] [--timeout 30s]
  post TXN key=value... --teller T [--authorizer S [--authorizer2 S2]] [--key K]
       (on stdin: the teller's password, then the authorizers', then for a cash
        handover under dual control the other teller's, named by handover_id)
  eod [--branch B]
  day show [--branch B] | day close [--branch B]              the branch's business date; day-end (日切)
  policy list | policy set TXN --threshold AMOUNT --role supervisor|admin [--authorizers 1|2]
  catalog check
  forms submit FILE|DIR --as USER | forms approve ID@VERSION --as USER        (USER's password on stdin)
  forms activate ID@VERSION [--branch B]... [--terminal T]... --as USER | forms rollback ID [--branch B] --as USER
  forms list | forms show ID@VERSION | forms diff ID@A ID@B | forms resolve ID --branch B [--terminal T]
  interest --principal AMOUNT --rate PCT --term MONTHS --opened YYYY-MM-DD --closed YYYY-MM-DD [--demand-rate PCT] [--withdraw AMOUNT]
                                                              a term deposit's interest on closing (or partial early withdrawal)
  aml report [--date YYYY-MM-DD] [--branch B]                 large cash report (大额现金交易): customers with cash in or out >= 50,000.00 a day
every change is written to the ledger's audit log, as done by --as ADMIN (default: os:USER@HOST)
exit codes: 0 ok, 1 refused, 2 usage, 3 database failure, 4 check failed, 5 fingerprint device`

// parse splits --flag value / --flag=value (anywhere) from positionals.
func parse(args []string) (map[string]string, []string, error) {
	flags := map[string]string{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		if k, v, ok := strings.Cut(name, "="); ok {
			flags[k] = v
			continue
		}
		if boolFlags[name] {
			flags[name] = "true"
			continue
		}
		if i+1 >= len(args) {
			return nil, nil, fmt.Errorf("flag --%s needs a value", name)
		}
		flags[name] = args[i+1]
		i++
	}
	return flags, pos, nil
}

type cmd struct {
	ctx   context.Context
	flags map[string]string
	stdin *bufio.Reader
	out   io.Writer
	err   io.Writer
	json  bool
	store *ledger.Store
}

func (c *cmd) open() (*ledger.Store, int) {
	dsn := c.flags["db"]
	if dsn == "" {
		dsn = ledger.DefaultPath()
	}
	if !strings.Contains(dsn, "://") {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, c.fail(err)
		}
	}
	// Opening the ledger installs its audit log: every change made here
	// is recorded, with the admin who made it. The master key is
	// GUITAI_MASTER_KEY; the demo key only on a demo ledger (or one
	// init --demo is about to seed).
	src := ledger.KeySource{NewDemo: c.flags["demo"] != ""}
	if path := ledger.TerminalKeyPath(dsn); exists(path) {
		// The terminal's key signs the audit log's checkpoints over what
		// this command writes, as the window's does: a script of
		// postings would otherwise leave more records unsigned in a row
		// than auditctl verify allows. Outside a demo ledger it takes
		// GUITAI_KEY_PASSPHRASE, as the window does.
		src.Signer = func(pass []byte) (crypto.Signer, error) { return audit.OpenKeyFile(path, pass) }
	}
	s, _, err := ledger.OpenKeyed(c.ctx, dsn, ledger.Options{Actor: c.actor()}, src)
	if ledger.CodeOf(err) == "E_KEY_MALFORMED" {
		fmt.Fprintln(c.err, "tellerctl:", err)
		return nil, ExitUsage
	}
	if err != nil {
		return nil, c.fail(err)
	}
	c.store = s
	return s, ExitOK
}

// exists reports whether a file is at path.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// fail prints err and returns its exit code: device for the fingerprint
// device codes, refused for other coded ledger errors (other than database
// ones), failure otherwise.
func (c *cmd) fail(err error) int {
	code := ledger.CodeOf(err)
	if c.json {
		var e *ledger.Error
		out := map[string]any{"error": err.Error()}
		if errors.As(err, &e) {
			out = map[string]any{"code": e.Code, "field": e.Field, "zh": e.Msg.Zh, "en": e.Msg.En}
			if e.Err != nil {
				// The cause stays: a database failure says what failed.
				out["cause"] = e.Err.Error()
			}
		}
		c.print(out)
	} else {
		fmt.Fprintln(c.err, "tellerctl:", err)
		c.hint(err)
	}
	if fingerCodes[code] {
		return ExitDevice
	}
	if code != "" && code != "E_DB" && code != "E_BUSY" && code != "E_DB_UNREACHABLE" {
		return ExitRefused
	}
	return ExitFailure
}

func (c *cmd) print(v any) {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// actor is who runs tellerctl, as the audit log records an admin action:
// --as USER, else the operating system's user at this host.
func (c *cmd) actor() string {
	if as := c.flags["as"]; as != "" {
		return as
	}
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return "os:" + name + "@" + host
}

func (c *cmd) readPassword() (string, error) {
	line, err := c.stdin.ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("expected the password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (c *cmd) init() int {
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	date := c.flags["date"]
	if date == "" {
		date = ledger.Today()
	}
	if c.flags["demo"] != "" {
		if os.Getenv(ledger.EnvMasterKey) == "" {
			fmt.Fprintln(c.err, "tellerctl: warning: "+ledger.EnvMasterKey+" is unset; customers' ID numbers, phones and addresses use the demo key (a demo ledger only)")
		}
		if err := s.SeedDemo(c.ctx, date); err != nil {
			return c.fail(err)
		}
	} else if err := s.Init(c.ctx, date); err != nil {
		return c.fail(err)
	}
	if c.json {
		c.print(map[string]any{"ok": true, "business_date": date, "demo": c.flags["demo"] != ""})
	} else {
		fmt.Fprintf(c.out, "ledger ready, business date %s\n", date)
	}
	return ExitOK
}

func (c *cmd) user(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(c.err, usage)
		return ExitUsage
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	id := args[1]
	switch {
	case args[0] == "enroll-finger" && len(args) == 2:
		return c.enrollFinger(s, id)
	case args[0] == "remove-finger" && len(args) == 2:
		return c.removeFinger(s, id)
	case args[0] == "fingers" && len(args) == 2:
		return c.listFingers(s, id)
	}
	var err error
	switch {
	case args[0] == "add" && len(args) == 2:
		var pw string
		if pw, err = c.readPassword(); err == nil {
			err = s.AddUser(c.ctx, ledger.User{ID: id, Name: c.flags["name"], Branch: c.flags["branch"], Role: c.flags["role"]}, pw)
		}
	case args[0] == "passwd" && len(args) == 2:
		var pw string
		if pw, err = c.readPassword(); err == nil {
			err = s.SetPassword(c.ctx, id, pw)
		}
	case args[0] == "role" && len(args) == 3:
		err = s.SetRole(c.ctx, id, args[2])
	case args[0] == "lock" && len(args) == 2:
		err = s.Lock(c.ctx, id)
	case args[0] == "unlock" && len(args) == 2:
		err = s.Unlock(c.ctx, id)
	default:
		fmt.Fprintln(c.err, usage)
		return ExitUsage
	}
	if err != nil {
		return c.fail(err)
	}
	u, err := s.GetUser(c.ctx, id)
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.print(u)
	} else {
		fmt.Fprintf(c.out, "%s %s branch=%s role=%s locked=%v\n", u.ID, u.Name, u.Branch, u.Role, u.Locked)
	}
	return ExitOK
}

func (c *cmd) executor(s *ledger.Store) (*ledger.Executor, error) {
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		return nil, err
	}
	forms, err := assets.Forms()
	if err != nil {
		return nil, err
	}
	return ledger.NewExecutor(s, cat, forms), nil
}

func (c *cmd) post(args []string) int {
	if len(args) == 0 || c.flags["teller"] == "" {
		fmt.Fprintln(c.err, usage)
		return ExitUsage
	}
	vals := map[string]any{}
	for _, kv := range args[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintf(c.err, "tellerctl: %q is not key=value\n", kv)
			return ExitUsage
		}
		if _, twice := vals[k]; twice {
			fmt.Fprintf(c.err, "tellerctl: %s is given twice (%q): give each param once\n", k, kv)
			return ExitUsage
		}
		vals[k] = v
	}
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	x, err := c.executor(s)
	if err != nil {
		return c.fail(err)
	}
	// The teller authenticates as at the window: their password is the
	// first line of standard input (a failure is recorded and counts
	// towards the lock).
	pw, err := c.readPassword()
	if err != nil {
		fmt.Fprintln(c.err, "tellerctl: post: the teller's password:", err)
		return ExitUsage
	}
	if _, err := s.Authenticate(c.ctx, c.flags["teller"], pw, "tellerctl"); err != nil {
		return c.fail(err)
	}
	req := ledger.Request{Txn: args[0], Values: vals, Teller: c.flags["teller"], Terminal: "tellerctl", Key: c.flags["key"]}
	if req.Key == "" {
		req.Key = fmt.Sprintf("tellerctl/%d/%d", os.Getpid(), time.Now().UnixNano())
	}
	if a := c.flags["authorizer"]; a != "" {
		pw, err := c.readPassword()
		if err != nil {
			fmt.Fprintln(c.err, "tellerctl:", err)
			return ExitUsage
		}
		req.Authorizer = &ledger.Credentials{ID: a, Password: pw}
	}
	if a := c.flags["authorizer2"]; a != "" {
		pw, err := c.readPassword()
		if err != nil {
			fmt.Fprintln(c.err, "tellerctl:", err)
			return ExitUsage
		}
		req.Second = &ledger.Credentials{ID: a, Password: pw}
	}
	if err := c.counterpart(x, &req); err != nil {
		if ledger.CodeOf(err) != "" {
			return c.fail(err)
		}
		fmt.Fprintln(c.err, "tellerctl: post:", err)
		return ExitUsage
	}
	r, err := x.Submit(c.ctx, req)
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.print(r)
	} else {
		if r.Replayed {
			fmt.Fprintf(c.out, "replayed: key %s was posted before; this is its first result, nothing posted again\n", req.Key)
		}
		fmt.Fprintln(c.out, r.Message("en"))
		for name, rows := range r.Rows {
			fmt.Fprintf(c.out, "%s: %d rows\n", name, len(rows))
			for _, row := range rows {
				keys := make([]string, 0, len(row))
				for k := range row {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				var b strings.Builder
				for _, k := range keys {
					fmt.Fprintf(&b, " %s=%v", k, row[k])
				}
				fmt.Fprintln(c.out, " ", strings.TrimSpace(b.String()))
			}
		}
	}
	return ExitOK
}

// counterpart reads the password of a cash handover's other teller, the
// user the transaction's dual-control param names, from the next line of
// standard input: a transaction under dual control (ledger.DualControl)
// posts only with that person's own confirmation, here as at the window.
func (c *cmd) counterpart(x *ledger.Executor, req *ledger.Request) error {
	param, err := x.Counterpart(c.ctx, req.Txn)
	if err != nil || param == "" {
		return err
	}
	id, _ := req.Values[param].(string)
	if id == "" {
		return nil // the ledger refuses the missing param with its field
	}
	pw, err := c.readPassword()
	if err != nil {
		return fmt.Errorf("the password of %s, who confirms the handover (%s): %w", id, param, err)
	}
	req.Counterpart = &ledger.Credentials{ID: id, Password: pw}
	return nil
}

func (c *cmd) eod() int {
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	branch := c.flags["branch"]
	if branch == "" {
		branch = "0101"
	}
	r, err := s.EOD(c.ctx, branch)
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.print(map[string]any{"report": r, "ready": r.Ready(), "books_ok": r.Books.OK()})
	} else {
		fmt.Fprintf(c.out, "branch %s business date %s vault %s\n", r.Branch, r.Date, r.Vault.Grouped())
		fmt.Fprintf(c.out, "%-8s %14s %14s %14s %10s %14s %-9s %7s %7s\n", "teller", "opening", "cash in", "cash out", "over/short", "balance", "status", "entries", "receipts")
		for _, b := range r.Boxes {
			fmt.Fprintf(c.out, "%-8s %14s %14s %14s %10s %14s %-9s %7d %7d\n", b.Teller, b.Opening.Grouped(), b.CashIn.Grouped(),
				b.CashOut.Grouped(), b.OverShort.Grouped(), b.Balance.Grouped(), b.Status, b.Entries, b.Pending)
		}
		fmt.Fprintf(c.out, "books: %d entries, customers %s, cash %s, suspense %s, equity %s, net %s\n", r.Books.Entries,
			r.Books.Customer.Grouped(), r.Books.Cash.Grouped(), r.Books.Suspense.Grouped(), r.Books.Equity.Grouped(), r.Books.Net().Grouped())
		for _, m := range append(r.Books.Unbalanced, r.Books.Mismatched...) {
			fmt.Fprintln(c.out, "  FAULT", m)
		}
		fmt.Fprintf(c.out, "ready to close: %v\n", r.Ready())
	}
	if !r.Books.OK() || !r.Ready() {
		return ExitCheck
	}
	return ExitOK
}

func (c *cmd) catalogCheck() int {
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	x, err := c.executor(s)
	if err != nil {
		fmt.Fprintln(c.err, "tellerctl: catalog:", err)
		return ExitCheck
	}
	forms, _ := assets.Forms()
	errs := errors.Join(x.Catalog().CheckForms(forms), x.CheckSchema(c.ctx))
	if c.json {
		out := map[string]any{"ok": errs == nil, "transactions": len(x.Catalog()), "forms": len(forms)}
		if errs != nil {
			out["errors"] = strings.Split(errs.Error(), "\n")
		}
		c.print(out)
	} else if errs != nil {
		fmt.Fprintln(c.out, errs)
	} else {
		fmt.Fprintf(c.out, "catalog ok: %d transactions, %d forms, every step prepares on %s\n", len(x.Catalog()), len(forms), s.Driver())
	}
	if errs != nil {
		return ExitCheck
	}
	return ExitOK
}
