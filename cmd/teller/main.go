package main

import (
	"context"
	"crypto"
	"flag"
	"fmt"
	"net/url"
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
	"guitai/ledger"
	"guitai/release"
	"guitai/state"
	"guitai/teller"
	"guitai/widgets"
)

func main() {
	o, err := parseArgs(os.Args[1:])
	if err == flag.ErrHelp {
		return
	}
	if err == nil {
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "teller:", err)
		os.Exit(1)
	}
}

// parseArgs reads the command line and the settings file it names (or the
// default one) into options.
func parseArgs(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("teller", flag.ContinueOnError)
	config := fs.String("config", teller.DefaultSettingsPath(), "settings file (JSON; see README); a missing default file is fine, flags given here win over it")
	fs.StringVar(&o.lang, "lang", "", "language of the window: zh or en (default: the settings' lang, else the system locale, else zh)")
	fs.StringVar(&o.open, "open", "", "form id to open at start")
	fs.StringVar(&o.shots, "screenshots", "", "write a PNG of every screen, dialog and form in zh and en, and manifest.json, to this directory, then quit; it posts demo deposits, so the ledger is DIR/ledger.db unless -db is given")
	fs.StringVar(&o.db, "db", ledger.DefaultPath(), "ledger: a SQLite file (created and seeded with demo data on first run) or a postgres:// URL")
	fs.StringVar(&o.user, "teller", "", "sign this demo teller on at start (password guitai-demo) instead of showing the sign-on screen; -screenshots shoots the sign-on screen, then signs on 010101")
	fs.StringVar(&o.terminal, "terminal", "T01", "terminal id")
	fs.StringVar(&o.devices, "devices", "", "device configuration file (JSON); default: the settings' devices, else the in-process simulators")
	fs.StringVar(&o.forms, "forms", "", "directory of published forms (the designer's -publish DIR), used over the built-in ones")
	fs.BoolVar(&o.exitWhenReady, "exit-when-ready", false, "print \"ready\" once the window takes input, then quit (for scripts/bench-teller)")
	fs.DurationVar(&o.idleLock, "idle-lock", 5*time.Minute, "lock the session after this long without activity (0: never)")
	fs.StringVar(&o.theme, "theme", "", "light, dark or system (default: the settings' theme, else light)")
	fs.Float64Var(&o.scale, "scale", 0, "text size, 1 to 2 (default: the settings' fontScale, else 1)")
	fs.StringVar(&o.witness, "witness", "", "the branch's witness (C2SP tlog-witness, cmd/witness) URL: every checkpoint the terminal signs is cosigned there")
	fs.StringVar(&o.witnessKey, "witness-key", "", "the witness's verifier key (name+keyid+base64), with -witness")
	fs.BoolVar(&o.trace, "trace", false, "print what the window does (a form opened, a dialog shown, a key set, a posting) on stderr, each line \"teller: trace <ms since start> <event>\", for scripts and tests to wait on")
	fs.StringVar(&o.pinpad, "pinpad", "", "customer PIN pad: off (PINs are typed), sim (the simulated pad), or the serial port of a real one, its master key in $"+pinPadKeyEnv+"; default: the device configuration's \"pinpad\"")
	fs.BoolVar(&o.customerDisplay, "customer-display", false, "open the customer-facing display (on the second monitor when there is one)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return o, o.configure(*config, set)
}

// options are the teller's settings once the settings file and the flags
// are put together.
type options struct {
	lang, open, shots, db, user, terminal, devices, forms, theme, bank string
	witness, witnessKey                                                string
	pinpad                                                             string
	scale                                                              float64
	idleLock                                                           time.Duration
	customerDisplay, exitWhenReady, trace                              bool
	devCfg                                                             manager.Config
}

// configure reads the settings file at path (a missing one is fine unless
// -config named it) and takes from it what the flags in set (those given
// on the command line) do not say. Relative paths in the file are taken
// from the file's directory.
func (o *options) configure(path string, set map[string]bool) error {
	s, err := teller.LoadSettings(path, !set["config"])
	if err != nil {
		return err
	}
	base := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
			return p
		}
		return filepath.Join(base, p)
	}
	pick := func(flagName string, dst *string, fromFile string) {
		if !set[flagName] && fromFile != "" {
			*dst = fromFile
		}
	}
	pick("lang", &o.lang, s.Lang)
	pick("db", &o.db, rel(s.DB))
	pick("terminal", &o.terminal, s.Terminal)
	pick("forms", &o.forms, rel(s.Forms))
	pick("theme", &o.theme, s.Theme)
	if !set["scale"] && s.Scale != 0 {
		o.scale = s.Scale
	}
	if !set["idle-lock"] && s.IdleLock != nil {
		o.idleLock = time.Duration(*s.IdleLock)
	}
	if !set["customer-display"] && s.CustomerDisplay != nil {
		o.customerDisplay = *s.CustomerDisplay
	}
	o.bank = s.Bank
	if o.lang == "" {
		o.lang = teller.SystemLang()
	}
	if o.lang != "zh" && o.lang != "en" {
		return fmt.Errorf("-lang %q: want zh or en", o.lang)
	}
	if _, err := widgets.ParseTheme(o.theme, o.scale); err != nil {
		return err
	}
	if o.shots != "" && !set["db"] {
		o.db = filepath.Join(o.shots, "ledger.db")
	}
	if set["devices"] {
		o.devCfg, err = manager.LoadFile(o.devices)
	} else {
		o.devCfg, err = s.DeviceConfig(base)
	}
	if err != nil && !set["devices"] {
		err = fmt.Errorf("%s: devices: %w", path, err)
	}
	if err == nil {
		o.devCfg, err = pinPadDevice(o.devCfg, o.pinpad, os.Getenv)
	}
	return err
}

func run(o options) error {
	ctx := context.Background()
	forms, err := loadForms(o)
	if err != nil {
		return err
	}
	store, keys, err := openWorkstationLedger(ctx, o)
	if err != nil {
		return err
	}
	defer store.Close()
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		return err
	}
	a := app.NewWithID("cn.guitai.teller")
	a.SetIcon(fyne.NewStaticResource("cn.guitai.teller.png", assets.TellerIcon))
	th, err := widgets.ParseTheme(o.theme, o.scale)
	if err != nil {
		return err
	}
	a.Settings().SetTheme(th)
	bus := state.NewBus()
	bus.SetDispatcher(fyne.Do)
	devs, err := manager.New(o.devCfg, bus)
	if err != nil {
		return err
	}
	devs.Start(ctx)
	defer devs.Close(context.Background())
	// The release packages: the built-in forms are their version 1, and
	// what is approved and activated in the ledger reaches the window
	// live (teller.Config.FormSource).
	rel, err := store.Releases(release.Builtin(forms, cat))
	if err != nil {
		return err
	}
	exec := ledger.NewExecutor(store, cat, forms)
	exec.UseReleases(rel)
	ws := newWorkstation(ctx, o, a, store, keys, exec, forms, bus, devs)
	ws.rel = rel
	if err := ws.start(); err != nil {
		return err
	}
	ws.win.Show()
	// Once the window is up: the demo card keys, wherever the focus is.
	teller.BindDemoCardKeys(ws.win, ws.cardDev, func(in bool) {
		if in {
			fmt.Fprintln(os.Stderr, "teller: demo card inserted")
		} else {
			fmt.Fprintln(os.Stderr, "teller: demo card removed")
		}
	})
	a.Run()
	return nil
}

// loadForms is the built-in forms, with those of -forms DIR over them.
func loadForms(o options) ([]*dsl.Form, error) {
	forms, err := assets.Forms()
	if err != nil || o.forms == "" {
		return forms, err
	}
	return teller.LoadForms(o.forms, forms)
}

// openWorkstationLedger opens the ledger of -db with the keys it allows
// (the demo ones only on a demo ledger, the one a first run creates).
// Opening it installs its audit log; the terminal's SM2 key, beside the
// database, signs its checkpoints.
func openWorkstationLedger(ctx context.Context, o options) (*ledger.Store, ledger.Keys, error) {
	dsn := o.db
	keyPath := filepath.Join(filepath.Dir(ledger.DefaultPath()), "terminal.key")
	if filepath.IsAbs(dsn) || o.shots != "" {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, ledger.Keys{}, err
		}
		keyPath = filepath.Join(filepath.Dir(dsn), "terminal.key")
	}
	opt := ledger.Options{Origin: "guitai/" + o.terminal}
	if o.witness != "" {
		key, err := audit.ParseWitnessKey(o.witnessKey)
		if err != nil {
			return nil, ledger.Keys{}, fmt.Errorf("-witness-key: %w", err)
		}
		opt.Witness = &audit.WitnessClient{URL: o.witness, Key: key}
		opt.WitnessFailed = func(err error) { fmt.Fprintln(os.Stderr, "teller: witness:", err) }
	}
	store, keys, err := openLedgerWith(ctx, dsn, keyPath, opt, os.Getenv)
	if err != nil {
		return nil, ledger.Keys{}, fmt.Errorf("ledger %s: %w", shownDSN(dsn), err)
	}
	return store, keys, nil
}

// screenshots shoots the sign-on screen in zh and en when withSignOn,
// signs on (then), and shoots the shell (see teller.Shell.Shoot) into dir
// with its manifest. It runs off the UI goroutine.
func screenshots(dir string, w fyne.Window, display *teller.CustomerDisplay, withSignOn bool, then func() error,
	showSignOn func(lang string), shell func() *teller.Shell, demo teller.ShotDemo) error {
	sh, err := teller.NewShooter(dir)
	if err != nil {
		return err
	}
	sh.Display = display
	langs := []string{"zh", "en"}
	if withSignOn {
		for _, lang := range langs {
			fyne.DoAndWait(func() { showSignOn(lang) })
			if err := sh.Window(w, teller.ScreenSignOn, "", lang, nil); err != nil {
				return err
			}
		}
		if err := then(); err != nil {
			return err
		}
	}
	if err := shell().Shoot(sh, langs, demo); err != nil {
		return err
	}
	return sh.WriteManifest()
}

// openLedger opens the window's ledger at dsn, creating and seeding the
// demo on the first run, with the keys ledger.DecideKeys allows it:
// GUITAI_MASTER_KEY and GUITAI_KEY_PASSPHRASE (read through getenv), which
// only a demo ledger may go without. The terminal's signing key is the
// encrypted file at keyPath (created on first use), opened with that
// passphrase.
func openLedger(ctx context.Context, dsn, keyPath, origin string, getenv func(string) string) (*ledger.Store, ledger.Keys, error) {
	return openLedgerWith(ctx, dsn, keyPath, ledger.Options{Origin: origin}, getenv)
}

// openLedgerWith is openLedger with more of the ledger's options (the
// branch's witness).
func openLedgerWith(ctx context.Context, dsn, keyPath string, opt ledger.Options, getenv func(string) string) (*ledger.Store, ledger.Keys, error) {
	return ledger.OpenKeyed(ctx, dsn, opt, ledger.KeySource{
		Getenv:       getenv,
		SeedDemo:     true,
		BusinessDate: ledger.Today(),
		Signer: func(passphrase []byte) (crypto.Signer, error) {
			return teller.TerminalKey(keyPath, passphrase)
		},
	})
}

// signOnHint is the line under the sign-on form: the demo users and their
// password on a demo ledger, nothing on any other.
func signOnHint(demo bool) string {
	if !demo {
		return ""
	}
	return "演示 demo: 柜员 teller 010101 · 主管 supervisor 010199\npassword: " + ledger.DemoPassword
}

// tracer prints the window's events for -trace, or is nil.
func tracer(on bool) func(string) {
	if !on {
		return nil
	}
	start := time.Now()
	return func(event string) {
		fmt.Fprintf(os.Stderr, "teller: trace %.3f %s\n", float64(time.Since(start).Microseconds())/1000, event)
	}
}

// shownDSN is the ledger as the status line shows it: a URL without its
// password.
func shownDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// receiptPrinter is the device manager's "printer" as the window prints
// receipts on it, or nil when there is none.
func receiptPrinter(devs *manager.Manager) teller.Printer {
	if p, ok := devs.Device("printer").(teller.Printer); ok {
		return p
	}
	return nil
}
