package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/assets"
	"guitai/catalog"
	"guitai/designer"
	"guitai/internal/eventually"
	"guitai/ledger"
)

// demoLedger is a designer's ledger on a fresh demo SQLite ledger, and
// the built-in catalog the editor checks against; ledger calls run in
// place (background), since the test driver's fyne.Do runs on the caller.
func demoLedger(t *testing.T) (*Ledger, catalog.Catalog) {
	t.Helper()
	background = func(f func()) { f() }
	t.Cleanup(func() { background = func(f func()) { go f() } })
	ctx := context.Background()
	dir := t.TempDir()
	store, err := ledger.OpenDemo(ctx, filepath.Join(dir, "l.db"), ledger.Options{PasswordIterations: 1000}, ledger.Today())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	led, err := NewLedger(ctx, store, filepath.Join(dir, "terminal.key"), "D01")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	return led, cat
}

// TestPublishSubmitsToTheLedger: with a ledger configured, Publish asks
// who submits, stores the form as a submitted package (never active on
// its own) with the diff against the version in use, and a wrong
// password submits nothing.
func TestPublishSubmitsToTheLedger(t *testing.T) {
	ctx := context.Background()
	led, cat := demoLedger(t)
	rel := led.Releases
	doc := openForm(t, "cash_deposit.form.json")
	ed, w := newEditorCfg(t, doc, Config{Catalog: cat, Ledger: led})
	if err := doc.SetHeader(fromInspector, "title", func(h *designer.Header) { h.Title.Zh += "（新）" }); err != nil {
		t.Fatal(err)
	}

	submit := func(user, password string) {
		t.Helper()
		ed.Publish()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("Publish asked nothing")
		}
		var entries []*widget.Entry
		for _, o := range test.LaidOutObjects(top) {
			if e, ok := o.(*widget.Entry); ok {
				entries = append(entries, e)
			}
		}
		if len(entries) != 2 {
			t.Fatalf("the submit dialog has %d entries, want id and password", len(entries))
		}
		test.Type(entries[0], user)
		test.Type(entries[1], password)
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok && b.Text == "提交 Submit" {
				test.Tap(b)
			}
		}
	}
	list := func() []ledger.ReleaseInfo {
		l, err := rel.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	submit("010101", "wrong")
	eventually.True(t, 10*time.Second, func() bool { return strings.HasPrefix(ed.lastMsg, "✗") }, "no refusal shown")
	if l := list(); len(l) != 0 {
		t.Fatalf("a wrong password submitted %+v", l)
	}

	submit("010101", ledger.DemoPassword)
	eventually.True(t, 10*time.Second, func() bool { return strings.Contains(ed.lastMsg, "cash_deposit@2") }, "no submission shown: %s", ed.lastMsg)
	l := list()
	if len(l) != 1 || l[0].ID != "cash_deposit" || l[0].Version != 2 || l[0].State != ledger.ReleaseSubmitted || len(l[0].Active) != 0 {
		t.Fatalf("stored %+v, want cash_deposit@2 submitted and active nowhere", l)
	}
	if !strings.Contains(ed.lastMsg, "@1") {
		t.Errorf("the message does not compare with the version in use:\n%s", ed.lastMsg)
	}
	if r, err := rel.Resolve(ctx, "cash_deposit", "0101", "T01"); err != nil || !r.Builtin {
		t.Errorf("a submitted form is in use before approval: %+v %v", r, err)
	}
}
