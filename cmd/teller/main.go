// Command teller is the Guitai teller workstation window.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"guitai/assets"
	"guitai/audit"
	"guitai/devices/manager"
	"guitai/dsl"
	"guitai/state"
	"guitai/state/ledger"
	"guitai/teller"
	"guitai/widgets"
)

func main() {
	lang := flag.String("lang", "zh", "language of the window: zh or en")
	open := flag.String("open", "", "form id to open at start")
	shots := flag.String("screenshots", "", "write a PNG of every form in zh and en to this directory, then quit")
	db := flag.String("db", defaultDB(), "ledger: a SQLite file (created and seeded with demo data on first run) or a postgres:// URL")
	user := flag.String("teller", "", "sign this demo teller on at start (password guitai-demo) instead of showing the sign-on screen; -screenshots signs on 010101")
	terminal := flag.String("terminal", "T01", "terminal id")
	devCfg := flag.String("devices", "", "device configuration file (JSON); default: the in-process simulators")
	formsDir := flag.String("forms", "", "directory of published forms (the designer's -publish DIR), used over the built-in ones")
	flag.BoolVar(&exitWhenReady, "exit-when-ready", false, "print \"ready\" once the window takes input, then quit (for scripts/bench-teller)")
	flag.DurationVar(&idleLock, "idle-lock", 5*time.Minute, "lock the session after this long without activity (0: never)")
	flag.Parse()

	if err := run(*lang, *open, *shots, *db, *user, *terminal, *devCfg, *formsDir); err != nil {
		fmt.Fprintln(os.Stderr, "teller:", err)
		os.Exit(1)
	}
}

// exitWhenReady makes the window quit as soon as it is up: the cold-start
// benchmark times process start to that line.
var exitWhenReady bool

// idleLock is how long the session may stay idle before it locks.
var idleLock time.Duration

// defaultDB is guitai.db in the user's data directory.
func defaultDB() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "guitai.db"
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "guitai", "guitai.db")
}

func run(lang, open, shots, dsn, user, terminal, devCfg, formsDir string) error {
	ctx := context.Background()
	forms, err := assets.Forms()
	if err != nil {
		return err
	}
	if formsDir != "" {
		if forms, err = teller.LoadForms(formsDir, forms); err != nil {
			return err
		}
	}
	if filepath.IsAbs(dsn) {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return err
		}
	}
	// The audit log lives in the ledger's database and is appended in the
	// same transaction as each posting; checkpoints are signed with the
	// terminal's SM2 key.
	keyPath := filepath.Join(filepath.Dir(defaultDB()), "terminal.key")
	if filepath.IsAbs(dsn) {
		keyPath = filepath.Join(filepath.Dir(dsn), "terminal.key")
	}
	passphrase := os.Getenv("GUITAI_KEY_PASSPHRASE")
	if passphrase == "" {
		passphrase = ledger.DemoPassword // demo only: say so in the README
	}
	key, err := teller.TerminalKey(keyPath, []byte(passphrase))
	if err != nil {
		return err
	}
	dialect := audit.SQLite
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		dialect = audit.Postgres
	}
	alog, err := audit.New(audit.Config{Origin: "guitai/" + terminal, Dialect: dialect, Signer: key, CheckpointEvery: 1000})
	if err != nil {
		return err
	}
	store, err := ledger.OpenDemo(ctx, dsn, ledger.Options{Auditor: teller.Auditor{Log: alog}, Migrate: teller.MigrateAudit},
		time.Now().Format("2006-01-02"))
	if err != nil {
		return fmt.Errorf("ledger %s: %w", dsn, err)
	}
	defer store.Close()
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		return err
	}
	exec := ledger.NewExecutor(store, cat, forms)
	if shots != "" && user == "" {
		user = "010101"
	}
	a := app.NewWithID("cn.guitai.teller")
	a.Settings().SetTheme(widgets.Theme{})
	bus := state.NewBus()
	bus.SetDispatcher(fyne.Do)
	cfg := manager.DemoConfig()
	if devCfg != "" {
		if cfg, err = manager.LoadFile(devCfg); err != nil {
			return err
		}
	}
	devs, err := manager.New(cfg, bus)
	if err != nil {
		return err
	}
	devs.Start(ctx)
	defer devs.Close(context.Background())
	// The fingerprint module: supervisors authorize and tellers sign on
	// by finger. The simulated module gets the demo users' fingers.
	var scan teller.FingerScan
	var demoFingers []teller.DemoFinger
	if dev := devs.Device("finger"); dev != nil {
		var demo []ledger.User
		for _, id := range []string{"010199", "010101", "010102"} {
			if u, err := store.GetUser(ctx, id); err == nil {
				demo = append(demo, u)
			}
		}
		if scan, demoFingers, err = teller.ModuleFinger(ctx, dev, "finger", store, demo); err != nil {
			fmt.Fprintln(os.Stderr, "teller: fingerprint module:", err)
		}
	}
	w := a.NewWindow("柜台 Guitai")
	w.Resize(fyne.NewSize(1280, 800))
	var shell *teller.Shell
	var signedOn ledger.User
	var showSignOn func()
	session := func() ledger.Session { return ledger.Session{Teller: signedOn.ID, Terminal: terminal} }
	submit := exec.SubmitHook(session,
		func(*dsl.Form, map[string]any) (*ledger.Credentials, error) {
			c := shell.Authorizer()
			if c == nil {
				// None asked for: the ledger refuses with E_AUTH_REQUIRED
				// if a step needed them.
				return nil, nil
			}
			return &ledger.Credentials{ID: c.ID, Password: c.Password, Finger: c.Finger}, nil
		})
	lookup := exec.LookupHook(session)
	openShell := func() {
		shell = teller.New(w, teller.Config{
			Forms:  forms,
			Bus:    bus,
			Lang:   lang,
			Seal:   teller.DemoSeal,
			Submit: submit,
			Lookup: lookup,
			Status: fmt.Sprintf("%s %s · %s %s · %s", signedOn.ID, signedOn.Name, signedOn.Branch, terminal, dsn),
			SignOff: func() error {
				if err := store.SignOff(ctx, signedOn.ID, terminal); err != nil {
					return fmt.Errorf("%s", ledger.MessageOf(err, lang))
				}
				return nil
			},
			SignedOff:   showSignOn,
			User:        signedOn.ID + " " + signedOn.Name,
			Finger:      scan,
			DemoFingers: demoFingers,
			IdleLock:    idleLock,
			Unlock: func(password string) error {
				if _, err := store.Authenticate(ctx, signedOn.ID, password, terminal); err != nil {
					return fmt.Errorf("%s", ledger.MessageOf(err, lang))
				}
				return nil
			},
			// Receipts print after each posting; the journal screen and
			// the reprint queue read the ledger.
			Journal:      store,
			Printer:      receiptPrinter(devs),
			Teller:       signedOn.ID,
			Terminal:     terminal,
			BusinessDate: time.Now().Format("2006-01-02"),
			Branch:       "网点 Branch " + signedOn.Branch,
		})
		if open != "" {
			if err := shell.Open(open); err != nil {
				fmt.Fprintln(os.Stderr, "teller:", err)
			}
		}
		if shots != "" {
			shell.Screenshots(shots, []string{"zh", "en"}, func(err error) {
				if err != nil {
					fmt.Fprintln(os.Stderr, "teller: screenshots:", err)
					os.Exit(1)
				}
				fyne.Do(a.Quit)
			})
		}
	}
	signOn := func(id, password string) error {
		u, err := store.SignOn(ctx, id, password, terminal)
		if err != nil {
			return fmt.Errorf("%s", ledger.MessageOf(err, lang))
		}
		signedOn = u
		return nil
	}
	showSignOn = func() {
		so := teller.ShowSignOn(w, lang, time.Now().Format("2006-01-02"),
			"演示 demo: 010101 / "+ledger.DemoPassword+" · 主管 supervisor 010199", signOn, openShell)
		if scan != nil {
			so.EnableFinger(demoFingers, func(who string) error {
				m, err := scan(who)
				if err == nil {
					var u ledger.User
					if u, err = store.SignOnFinger(ctx, *m, terminal); err == nil {
						signedOn = u
						return nil
					}
				}
				return fmt.Errorf("%s", ledger.MessageOf(err, lang))
			})
		}
	}
	if user != "" {
		if err := signOn(user, ledger.DemoPassword); err != nil {
			return fmt.Errorf("sign on %s: %w", user, err)
		}
		openShell()
	} else {
		showSignOn()
	}
	if exitWhenReady {
		a.Lifecycle().SetOnStarted(func() {
			// The run loop is up and the first frame is queued; the next
			// event it runs is the first the teller's keys could be.
			fyne.Do(func() {
				fmt.Println("ready")
				a.Quit()
			})
		})
	}
	w.ShowAndRun()
	return nil
}

// receiptPrinter is the device manager's "printer" as the window prints
// receipts on it, or nil when there is none.
func receiptPrinter(devs *manager.Manager) teller.Printer {
	if p, ok := devs.Device("printer").(teller.Printer); ok {
		return p
	}
	return nil
}
