package main

import (
	"context"
	"fmt"
	"os"

	"fyne.io/fyne/v2"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/state"
	"guitai/teller"
	"guitai/widgets"

	"guitai/devices/manager"
)

// workstation is one teller window and who is signed on at it: the
// sign-on screen, the shell it opens for the teller who signs on, and the
// hooks that shell posts and looks up through. run builds it; start
// shows the first screen.
type workstation struct {
	ctx   context.Context
	o     options
	app   fyne.App
	win   fyne.Window
	store *ledger.Store
	keys  ledger.Keys
	exec  *ledger.Executor
	rel   *ledger.Releases // the release packages the shell's forms come from
	// releases receives when the ledger notifies a change of the
	// activations (PostgreSQL; nil on SQLite), for the shell signed on.
	releases <-chan struct{}
	forms    []*dsl.Form
	bus      *state.Bus
	devs     *manager.Manager
	display  *teller.CustomerDisplay
	trace    func(string)
	bank     string
	finger   teller.FingerScan
	fingers  []teller.DemoFinger
	cardDev  any
	card     teller.CardReader
	signedOn ledger.User
	shell    *teller.Shell
}

func newWorkstation(ctx context.Context, o options, a fyne.App, store *ledger.Store, keys ledger.Keys, exec *ledger.Executor,
	forms []*dsl.Form, bus *state.Bus, devs *manager.Manager) *workstation {
	ws := &workstation{ctx: ctx, o: o, app: a, store: store, keys: keys, exec: exec, forms: forms, bus: bus, devs: devs,
		trace: tracer(o.trace), bank: o.bank, releases: store.ReleaseChanges(ctx)}
	if ws.bank == "" {
		ws.bank = "柜台银行 Guitai Bank"
	}
	ws.attachFinger()
	// The IC card reader fills the form's account field; the simulated
	// one takes a demo card on Ctrl+Shift+I (and gives it back on
	// Ctrl+Shift+R).
	ws.cardDev = devs.Device("cardreader")
	ws.card, _ = ws.cardDev.(teller.CardReader)
	ws.win = a.NewWindow("柜台 Guitai")
	ws.win.Resize(fyne.NewSize(1280, 800))
	// The customer display: closing the teller's window quits, and takes
	// the display with it.
	if o.customerDisplay {
		ws.display = teller.NewCustomerDisplay(a, teller.DisplayConfig{Bank: dsl.Text{Zh: ws.bank}})
		ws.win.SetMaster()
	}
	ws.win.SetOnClosed(ws.closed)
	return ws
}

// closed stops what the window ran: the shell's polling, the customer
// display.
func (ws *workstation) closed() {
	if ws.shell != nil {
		ws.shell.Close()
	}
	if ws.display != nil {
		ws.display.Close()
	}
}

// attachFinger readies the fingerprint module: supervisors authorize and
// tellers sign on by finger. The simulated module gets the demo users'
// fingers.
func (ws *workstation) attachFinger() {
	dev := ws.devs.Device("finger")
	if dev == nil {
		return
	}
	var demo []ledger.User
	for _, id := range []string{"010199", "010101", "010102"} {
		if u, err := ws.store.GetUser(ws.ctx, id); err == nil {
			demo = append(demo, u)
		}
	}
	var err error
	if ws.finger, ws.fingers, err = teller.ModuleFinger(ws.ctx, dev, "finger", ws.store, demo); err != nil {
		fmt.Fprintln(os.Stderr, "teller: fingerprint module:", err)
	}
}

// start shows the first screen: the sign-on screen, or with -teller the
// shell of that demo teller; with -screenshots it then shoots every
// screen and quits, with -exit-when-ready it quits once the window takes
// input.
func (ws *workstation) start() error {
	o := ws.o
	switch {
	case o.shots != "":
		if err := ws.startScreenshots(); err != nil {
			return err
		}
	case o.user != "":
		if err := ws.signOn(o.user, ledger.DemoPassword); err != nil {
			return fmt.Errorf("sign on %s: %w", o.user, err)
		}
		ws.openShell()
	default:
		ws.showSignOn(o.lang)
	}
	if o.exitWhenReady && o.shots == "" { // -screenshots quits when it is done
		ws.app.Lifecycle().SetOnStarted(func() {
			// The run loop is up and the first frame is queued; the next
			// event it runs is the first the teller's keys could be.
			fyne.Do(func() {
				fmt.Println("ready")
				// What the window came up with, for scripts and tests.
				th, _ := ws.app.Settings().Theme().(widgets.Theme)
				shown := "no customer display"
				if ws.display != nil {
					shown = "customer display " + ws.display.Placement()
				}
				fmt.Fprintf(os.Stderr, "teller: ready: lang %s, theme %q scale %g, %s\n", o.lang, th.Variant, th.Scale, shown)
				ws.quit()
			})
		})
	}
	return nil
}

// startScreenshots shows the sign-on screen (unless -teller signed on
// already), then, once the window runs, shoots everything the shell
// shows in zh and en and quits.
func (ws *workstation) startScreenshots() error {
	account, err := ws.store.FirstActiveAccount(ws.ctx)
	if err != nil {
		return fmt.Errorf("screenshots: a demo account: %w", err)
	}
	user := ws.o.user
	if user == "" {
		ws.showSignOn(ws.o.lang)
	} else if err := ws.signOn(user, ledger.DemoPassword); err != nil {
		return fmt.Errorf("sign on %s: %w", user, err)
	} else {
		ws.openShell()
	}
	ws.app.Lifecycle().SetOnStarted(func() {
		go func() {
			err := screenshots(ws.o.shots, ws.win, ws.display, user == "", func() error {
				if err := ws.signOn("010101", ledger.DemoPassword); err != nil {
					return fmt.Errorf("sign on 010101: %w", err)
				}
				fyne.DoAndWait(ws.openShell)
				return nil
			}, ws.showSignOn, func() *teller.Shell { return ws.shell },
				teller.ShotDemo{Account: account, Supervisor: "010199", Password: ledger.DemoPassword})
			if err != nil {
				fmt.Fprintln(os.Stderr, "teller: screenshots:", err)
				os.Exit(1)
			}
			fyne.Do(ws.quit)
		}()
	})
	return nil
}

// quit closes the customer display and the app.
func (ws *workstation) quit() {
	if ws.display != nil {
		ws.display.Close()
	}
	ws.app.Quit()
}

// session is who posts from this window.
func (ws *workstation) session() ledger.Session {
	return ledger.Session{Teller: ws.signedOn.ID, Terminal: ws.o.terminal}
}

// authorizer gives the ledger the credentials typed into the shell's
// supervisor dialog, or none: the ledger then decides whether the posting
// needed them and says E_AUTH_REQUIRED if so.
func (ws *workstation) authorizer(*dsl.Form, map[string]any) (*ledger.Credentials, error) {
	return ws.shell.Authorizer().Ledger(), nil
}

// counterpart gives the ledger the other teller's confirmation of a cash
// handover, typed into the shell's handover dialog, or none: the ledger
// then refuses with E_COUNTERPART_REQUIRED.
func (ws *workstation) counterpart(*dsl.Form, string) (*ledger.Credentials, error) {
	return ws.shell.Counterpart().Ledger(), nil
}

// signOn signs a teller on by password.
func (ws *workstation) signOn(id, password string) error {
	u, err := ws.store.SignOn(ws.ctx, id, password, ws.o.terminal)
	if err != nil {
		return fmt.Errorf("%s", ledger.MessageOf(err, ws.o.lang))
	}
	ws.signedOn = u
	return nil
}

// signOnFinger signs on whoever the module recognizes (who is the demo
// finger on a simulated module).
func (ws *workstation) signOnFinger(who string) error {
	m, err := ws.finger(who)
	if err == nil {
		var u ledger.User
		if u, err = ws.store.SignOnFinger(ws.ctx, *m, ws.o.terminal); err == nil {
			ws.signedOn = u
			return nil
		}
	}
	return fmt.Errorf("%s", ledger.MessageOf(err, ws.o.lang))
}

// triesLeft says how many wrong passwords are left before id is locked
// (teller ids are no secret at a counter: they are on every receipt).
func (ws *workstation) triesLeft(id string) (int, bool) {
	u, err := ws.store.GetUser(ws.ctx, id)
	if err != nil {
		return 0, false
	}
	return max(ledger.MaxFailures-u.Failed, 0), true
}

// showSignOn shows the sign-on screen in lang.
func (ws *workstation) showSignOn(lang string) {
	if ws.trace != nil {
		defer ws.trace("signon")
	}
	so := teller.ShowSignOn(ws.win, lang, ledger.Today(), signOnHint(ws.keys.Demo), ws.signOn, ws.openShell)
	so.TriesLeft = ws.triesLeft
	if ws.finger != nil {
		so.EnableFinger(ws.fingers, ws.signOnFinger)
	}
}

// openShell opens the shell of the teller who signed on, on the branch's
// business date (the ledger's: opened by the branch's first sign-on of the
// day, closed by day-end).
func (ws *workstation) openShell() {
	ctx, lang, u, terminal := ws.ctx, ws.o.lang, ws.signedOn, ws.o.terminal
	bizDate, err := ws.store.BusinessDate(ctx, u.Branch)
	if err != nil {
		bizDate = ledger.Today()
	}
	status := fmt.Sprintf("%s %s · %s %s · %s %s · %s", u.ID, u.Name, u.Branch, terminal,
		teller.BusinessDateCaption(lang), bizDate, shownDSN(ws.o.db))
	if teller.IsDemoCardReader(ws.cardDev) {
		status += " · " + teller.DemoCardHint()
	}
	live := &liveForms{ctx: ctx, rel: ws.rel, exec: ws.exec, branch: u.Branch, terminal: terminal}
	forms, _, _, err := live.read()
	if err != nil {
		forms = ws.forms // the built-in ones; the shell's next read says what failed
	}
	ws.shell = teller.New(ws.win, teller.Config{
		Forms:        forms,
		FormSource:   live.read,
		FormsChanged: ws.releases,
		FormOf: func(id, version, digest string) (*dsl.Form, error) {
			return ws.rel.FormOf(ctx, id, version, digest)
		},
		ReceiptTemplate: func(digest, name string) (string, bool, error) {
			return ws.rel.ReceiptTemplate(ctx, digest, name)
		},
		Bus:    ws.bus,
		Lang:   lang,
		Seal:   teller.DemoSeal,
		Submit: ws.exec.SubmitHook(ws.session, ws.authorizer, ws.counterpart),
		Counterpart: func(txn string) (string, error) {
			return ws.exec.Counterpart(ctx, txn)
		},
		Authorizers: ws.exec.AuthorizersHook(),
		Lookup:      ws.exec.LookupHook(ws.session),
		Audit: func() (teller.AuditState, error) {
			st, err := ws.store.AuditState(ctx)
			return teller.AuditState{Records: st.Records, Anchored: st.Anchored}, err
		},
		Status: status,
		Trace:  ws.trace,
		SignOff: func() error {
			if err := ws.store.SignOff(ctx, u.ID, terminal); err != nil {
				return fmt.Errorf("%s", ledger.MessageOf(err, lang))
			}
			return nil
		},
		SignedOff:   func() { ws.showSignOn(lang) },
		User:        u.ID + " " + u.Name,
		Finger:      ws.finger,
		DemoFingers: ws.fingers,
		CardReader:  ws.card,
		PinPad:      pinPadOf(ws.devs),
		Display:     ws.display,
		IdleLock:    ws.o.idleLock,
		Unlock: func(password string) error {
			if _, err := ws.store.Authenticate(ctx, u.ID, password, terminal); err != nil {
				return fmt.Errorf("%s", ledger.MessageOf(err, lang))
			}
			return nil
		},
		// Receipts print after each posting; the journal screen and the
		// reprint queue read the ledger.
		Journal:      ws.store,
		Printer:      receiptPrinter(ws.devs),
		Teller:       u.ID,
		Terminal:     terminal,
		BusinessDate: bizDate,
		Bank:         ws.bank,
		Branch:       "网点 Branch " + u.Branch,
	})
	if ws.o.open != "" {
		if err := ws.shell.Open(ws.o.open); err != nil {
			fmt.Fprintln(os.Stderr, "teller:", err)
		}
	}
}
