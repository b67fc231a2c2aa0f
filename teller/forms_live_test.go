package teller

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/assets"
	"guitai/dsl"
	"guitai/internal/eventually"
	"guitai/ledger"
	"guitai/state"
)

// fakeForms is a FormSource whose forms, set-aside packages and failure
// the test sets, each change a new generation; it counts its readings.
type fakeForms struct {
	mu       sync.Mutex
	forms    []*dsl.Form
	setAside []string
	err      error
	gen      int
	calls    int
}

// read is the FormSource.
func (f *fakeForms) read() ([]*dsl.Form, string, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return slices.Clone(f.forms), fmt.Sprint(f.gen), slices.Clone(f.setAside), f.err
}

// set changes what the source reads, in a new generation.
func (f *fakeForms) set(change func(f *fakeForms)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
	f.gen++
}

// count is how many times the source was read.
func (f *fakeForms) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// uiLock serialises the shell's reading goroutine's UI work (liveUI) with
// the test's: the test driver's fyne.Do runs it on the goroutine itself.
type uiLock struct{ sync.Mutex }

func (u *uiLock) do(f func()) {
	u.Lock()
	defer u.Unlock()
	f()
}

// liveShell is a shell following a fake source of the demo forms, read
// every few milliseconds.
type liveShell struct {
	t      *testing.T
	s      *Shell
	w      fyne.Window
	src    *fakeForms
	ui     *uiLock
	forms  []*dsl.Form
	signed bool // signed off
}

func newLiveShell(t *testing.T, lang string, more ...func(*Config)) *liveShell {
	t.Helper()
	test.NewTempApp(t)
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	// account_freeze is the tests' new form: out of the built-in ones,
	// whether or not they hold one.
	forms = slices.DeleteFunc(forms, func(f *dsl.Form) bool { return f.ID == "account_freeze" })
	l := &liveShell{t: t, src: &fakeForms{forms: forms}, ui: &uiLock{}, forms: forms}
	prev := liveUI
	liveUI = l.ui.do
	t.Cleanup(func() { liveUI = prev })
	l.w = test.NewWindow(nil)
	l.w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(l.w.Close)
	cfg := Config{Forms: forms, Bus: state.NewBus(), Lang: lang, FormSource: l.src.read,
		FormsEvery: 2 * time.Millisecond, SignOff: func() error { return nil }, SignedOff: func() { l.signed = true }}
	for _, m := range more {
		m(&cfg)
	}
	l.src.forms = cfg.Forms
	l.ui.do(func() { l.s = New(l.w, cfg) })
	t.Cleanup(func() {
		l.ui.do(l.s.Close)
		<-l.s.live.done
	})
	return l
}

// on runs f as the UI goroutine would.
func (l *liveShell) on(f func()) { l.ui.do(f) }

// until waits for cond, checked as the UI goroutine would.
func (l *liveShell) until(what string, cond func() bool) {
	l.t.Helper()
	eventually.True(l.t, 10*time.Second, func() bool {
		var ok bool
		l.on(func() { ok = cond() })
		return ok
	}, "%s", what)
}

// inMenu reports whether the navigator lists form id under category cat.
func (l *liveShell) inMenu(cat, id string) bool {
	return slices.Contains(l.s.layout.childUIDs(cat), id)
}

// typeCode types code in the code box and presses Enter.
func (l *liveShell) typeCode(code string) {
	l.on(func() {
		l.s.layout.code.SetText("")
		test.Type(l.s.layout.code, code)
		l.s.layout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
}

// status is the status line.
func (l *liveShell) status() string {
	var s string
	l.on(func() { s = l.s.summary.text() })
	return s
}

// demoForm is a copy of the demo form id.
func demoForm(t *testing.T, forms []*dsl.Form, id string) *dsl.Form {
	t.Helper()
	for _, f := range forms {
		if f.ID == id {
			return f.Clone()
		}
	}
	t.Fatalf("no demo form %s", id)
	return nil
}

// accountFreeze is a new form, 2209, in the accounts' category.
func accountFreeze(t *testing.T, forms []*dsl.Form) *dsl.Form {
	f := demoForm(t, forms, "balance_inquiry")
	f.ID, f.Code, f.Title = "account_freeze", "2209", dsl.Text{Zh: "账户冻结", En: "Account freeze"}
	return f
}

// A form published while the teller works appears in the navigator, in its
// category, by the search typed, and opens by its code; one withdrawn
// goes from the menu and the code box.
func TestLiveFormsAppearAndGo(t *testing.T) {
	l := newLiveShell(t, "zh")
	freeze := accountFreeze(t, l.forms)
	l.on(func() { l.s.layout.search.SetText("dongjie") }) // 冻结: nothing yet
	l.src.set(func(f *fakeForms) { f.forms = append(slices.Clone(l.forms), freeze) })
	l.until("account_freeze never showed alone in the searched menu", func() bool {
		return l.inMenu("cat:accounts", "account_freeze") && !l.inMenu("cat:cash", "cash_deposit")
	})
	l.on(func() { l.s.layout.search.SetText("") })
	l.until("the menu lost the other forms", func() bool {
		return l.inMenu("cat:accounts", "account_freeze") && l.inMenu("cat:cash", "cash_deposit")
	})
	l.typeCode("2209")
	l.on(func() {
		if d := l.s.currentDef(); d != freeze {
			t.Fatalf("code 2209 opened %v, want the new account_freeze", d)
		}
		l.s.close()
	})
	l.src.set(func(f *fakeForms) { f.forms = slices.Clone(l.forms) })
	l.until("account_freeze stayed in the menu after it was withdrawn", func() bool { return !l.inMenu("cat:accounts", "account_freeze") })
	l.typeCode("2209")
	l.on(func() {
		if d := l.s.currentDef(); d != nil {
			t.Errorf("withdrawn code 2209 opened %s", d.ID)
		}
		if l.s.Modal() == "" {
			t.Error("the withdrawn code 2209 was not refused")
		}
	})
}

// An open form keeps the version it was opened with when a newer one
// arrives; the status line says so, in the window's language; closing it
// and opening it again gives the newer one. A reading that changes
// nothing of the open form says nothing.
func TestLiveFormsOpenFormKeepsItsVersion(t *testing.T) {
	for _, tc := range []struct{ lang, note string }{
		{"zh", "「现金存款」有新版本，提交或关闭后生效"},
		{"en", "A newer version of Cash deposit applies after this one is posted or closed"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			l := newLiveShell(t, tc.lang)
			l.typeCode("1401")
			var old *dsl.Form
			l.on(func() { old = l.s.currentDef() })
			// The same forms again (new copies) and one more: nothing new
			// of the open form.
			freeze := accountFreeze(t, l.forms)
			copies := []*dsl.Form{freeze}
			for _, f := range l.forms {
				copies = append(copies, f.Clone())
			}
			l.src.set(func(f *fakeForms) { f.forms = copies })
			l.until("account_freeze never showed", func() bool { return l.inMenu("cat:accounts", "account_freeze") })
			l.on(func() {
				// The copy is taken (it may come from another package
				// version), but the open form stays and nothing is said.
				if l.s.currentDef() != old || strings.Contains(l.s.summary.text(), tc.note) {
					t.Fatalf("an unchanged cash_deposit was taken for a new version: status %q", l.s.summary.text())
				}
			})
			newer := demoForm(t, l.forms, "cash_deposit")
			newer.Title = dsl.Text{Zh: "现金存款（新）", En: "Cash deposit (new)"}
			l.src.set(func(f *fakeForms) {
				f.forms = append(slices.DeleteFunc(slices.Clone(copies), func(f *dsl.Form) bool { return f.ID == "cash_deposit" }), newer)
			})
			l.until("the status never told of the newer version", func() bool { return l.s.summary.text() == tc.note })
			l.on(func() {
				if l.s.currentDef() != old {
					t.Fatalf("the open form changed version")
				}
				l.s.cancel() // nothing typed: closes at once
				if l.s.summary.text() == tc.note {
					t.Error("the note stayed after the form closed")
				}
			})
			l.typeCode("1401")
			l.on(func() {
				if d := l.s.currentDef(); d != newer {
					t.Fatalf("1401 opened %v, want the newer version", d.Title)
				}
				if !strings.Contains(l.s.layout.title.Text, newer.Title.In(tc.lang)) {
					t.Errorf("header %q, want the newer title", l.s.layout.title.Text)
				}
			})
		})
	}
}

// Packages set aside at load are named in the status line; the teller
// works on with the rest.
func TestLiveFormsSetAsideIsTold(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			l := newLiveShell(t, lang)
			l.src.set(func(f *fakeForms) { f.setAside = []string{"cash_withdrawal@3: digest mismatch"} })
			want := SetAsideMessage([]string{"cash_withdrawal@3: digest mismatch"}, lang)
			l.until("the set-aside package was not told", func() bool { return l.s.summary.text() == want })
			if !strings.Contains(want, "cash_withdrawal@3") {
				t.Errorf("%q does not name the package", want)
			}
			l.typeCode("1401")
			l.on(func() {
				if d := l.s.currentDef(); d == nil || d.ID != "cash_deposit" {
					t.Errorf("1401 opened %v beside a set-aside package", d)
				}
			})
		})
	}
}

// A source that fails (or reads no forms at all) keeps the forms the
// window has, and says so once; the next good reading is taken in.
func TestLiveFormsSourceFailureKeepsTheForms(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(f *fakeForms)
	}{
		{"error", func(f *fakeForms) { f.err = errors.New("ledger unreachable") }},
		{"no forms", func(f *fakeForms) { f.forms = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLiveShell(t, "zh")
			l.src.set(tc.fail)
			l.until("the failure was not told", func() bool { return strings.HasPrefix(l.s.summary.text(), "交易目录暂时无法更新") })
			l.on(func() {
				if len(l.s.forms) != len(l.forms) || !l.inMenu("cat:cash", "cash_deposit") {
					t.Errorf("a failed reading changed the forms: %d of %d", len(l.s.forms), len(l.forms))
				}
				l.s.summary.say("something else")
			})
			n := l.src.count()
			eventually.True(t, 10*time.Second, func() bool { return l.src.count() >= n+5 }, "the source was not read again")
			if got := l.status(); got != "something else" {
				t.Errorf("the failure was told again: %q", got)
			}
			freeze := accountFreeze(t, l.forms)
			l.src.set(func(f *fakeForms) { f.err, f.forms = nil, append(slices.Clone(l.forms), freeze) })
			l.until("a good reading after a failure was not taken in", func() bool { return l.inMenu("cat:accounts", "account_freeze") })
		})
	}
}

// The source is read while the teller is signed on, and no more after the
// sign-off.
func TestLiveFormsStopAtSignOff(t *testing.T) {
	l := newLiveShell(t, "zh")
	eventually.True(t, 10*time.Second, func() bool { return l.src.count() >= 3 }, "the source was not read again and again")
	l.on(func() {
		l.s.signOff()
		tap(t, l.w, confirmZh)
		if !l.signed {
			t.Fatal("not signed off")
		}
	})
	eventually.True(t, 10*time.Second, func() bool { return stopped(l.s.live.done) }, "the reading did not stop at sign-off")
	n := l.src.count()
	if eventually.Within(50*time.Millisecond, func() bool { return l.src.count() > n }) {
		t.Errorf("the source was read after the sign-off: %d readings, then %d", n, l.src.count())
	}
}

// memoForm is a form that posts whatever is typed: version 1, or 2 with
// another title.
func memoForm(t *testing.T, version int) *dsl.Form {
	t.Helper()
	f, err := dsl.Decode([]byte(`{"dsl": "guitai.form/1", "id": "memo_note", "version": "1.0.0", "code": "9101",
		"title": {"zh": "备注", "en": "Memo"}, "submit": {"txn": "memo_note"},
		"root": {"id": "root", "type": "form", "children": [
		{"id": "memo", "type": "text", "bind": "memo", "props": {"label": {"zh": "备注", "en": "Memo"}}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if version > 1 {
		f.Title = dsl.Text{Zh: fmt.Sprintf("备注 v%d", version), En: fmt.Sprintf("Memo v%d", version)}
	}
	return f
}

// A form posted once a newer version arrived posts in the version it was
// opened with, and the next customer gets the newer one; the posting's
// message keeps the keys until it is answered.
func TestLiveFormsNewerVersionAfterPosting(t *testing.T) {
	v1, v2 := memoForm(t, 1), memoForm(t, 2)
	var posted []*dsl.Form
	l := newLiveShell(t, "zh", func(c *Config) {
		c.Forms = append(slices.Clone(c.Forms), v1)
		c.Submit = func(f *dsl.Form, _ map[string]any) (*ledger.Result, error) {
			posted = append(posted, f)
			return &ledger.Result{Serial: "1"}, nil
		}
	})
	l.typeCode("9101")
	l.on(func() { l.s.Current().Scope.Set("memo", "typed in v1") })
	l.src.set(func(f *fakeForms) {
		f.forms = append(slices.DeleteFunc(slices.Clone(f.forms), func(f *dsl.Form) bool { return f.ID == "memo_note" }), v2)
	})
	l.until("the newer version was not told", func() bool { return strings.Contains(l.s.summary.text(), "新版本") })
	l.on(func() {
		l.s.submit()
		if len(posted) != 1 || posted[0] != v1 {
			t.Fatalf("posted %v, want version 1 once", posted)
		}
		if l.s.currentDef() != v2 {
			t.Fatalf("after the posting the form is %v, want version 2", l.s.currentDef().Title)
		}
		if l.s.Modal() == "" || l.w.Canvas().Focused() != nil {
			t.Fatalf("the posting's message is not on top with the keys (dialog %q, focus %T)", l.s.Modal(), l.w.Canvas().Focused())
		}
		l.s.modalKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if l.w.Canvas().Focused() == nil {
			t.Error("the newer version has no focus once the message went")
		}
	})
}

// A notification of the ledger (Config.FormsChanged) makes the window read
// its forms at once: with an hour between polls, a new form appears when
// the notification comes, after one reading.
func TestLiveFormsReadOnNotification(t *testing.T) {
	changed := make(chan struct{}, 1)
	l := newLiveShell(t, "zh", func(c *Config) { c.FormsEvery, c.FormsChanged = time.Hour, changed })
	l.until("the first reading never came", func() bool { return l.src.count() >= 1 })
	freeze := accountFreeze(t, l.forms)
	l.src.set(func(f *fakeForms) { f.forms = append(slices.Clone(l.forms), freeze) })
	reads := l.src.count()
	changed <- struct{}{}
	l.until("account_freeze never showed after the notification", func() bool { return l.inMenu("cat:accounts", "account_freeze") })
	if n := l.src.count(); n != reads+1 {
		t.Errorf("%d readings for one notification", n-reads)
	}
}
