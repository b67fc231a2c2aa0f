package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/assets"
	"guitai/catalog"
	"guitai/designer"
	"guitai/dsl"
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

// statusFreeze is release/testdata/status_freeze: its directory, its
// form, and the text of the transaction drafted for it.
func statusFreeze(t *testing.T) (dir string, f *dsl.Form, txn []byte) {
	t.Helper()
	dir = filepath.Join("..", "..", "release", "testdata", "status_freeze")
	b, err := os.ReadFile(filepath.Join(dir, "status_freeze.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	if f, err = dsl.Decode(b); err != nil {
		t.Fatal(err)
	}
	if txn, err = os.ReadFile(filepath.Join(dir, "status_freeze.txn.json")); err != nil {
		t.Fatal(err)
	}
	return dir, f, txn
}

// TestSubmitWithADraftTransaction: a form whose transaction branch IT
// drafted beside it (Ledger.Drafts) is submitted with it in one package,
// its SQL prepared against the ledger; a draft whose SQL names a column
// the schema lacks is refused and nothing is stored; a form without a
// draft goes alone.
func TestSubmitWithADraftTransaction(t *testing.T) {
	ctx := context.Background()
	led, _ := demoLedger(t)
	src, f, txn := statusFreeze(t)

	broken := t.TempDir()
	bad := strings.Replace(string(txn), "UPDATE accounts SET status", "UPDATE accounts SET no_such_column = 1, status", 1)
	if bad == string(txn) {
		t.Fatal("the draft has no UPDATE accounts SET status to break")
	}
	if err := os.WriteFile(filepath.Join(broken, "status_freeze.txn.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	led.Drafts = broken
	if _, err := led.Submit(ctx, f, "010101", ledger.DemoPassword); ledger.CodeOf(err) != "E_RELEASE_INVALID" || !strings.Contains(err.Error(), "no_such_column") {
		t.Fatalf("a draft the schema refuses: %v", err)
	}
	if l, _ := led.Releases.List(ctx); len(l) != 0 {
		t.Fatalf("stored %+v", l)
	}

	led.Drafts = src
	res, err := led.Submit(ctx, f, "010101", ledger.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	p, err := led.Releases.Package(ctx, res.Info.Ref())
	if err != nil || len(p.Txns) != 1 || p.Txns[0].ID != "status_freeze" || res.Txn != "status_freeze" {
		t.Fatalf("package %+v (%v), submitted %+v", p, err, res)
	}
	if !strings.Contains(res.String(), "status_freeze") {
		t.Errorf("the message does not name the draft:\n%s", res.String())
	}

	cd := openForm(t, "cash_deposit.form.json").Form()
	res, err = led.Submit(ctx, cd, "010101", ledger.DemoPassword)
	if err != nil || res.Txn != "" {
		t.Fatalf("a form with no draft: %+v %v", res, err)
	}
}

// TestDraftTransactionEditedCheckedSaved: for a form whose transaction
// the catalog lacks, the draft editor starts from a skeleton of the
// form's fields; a draft whose SQL the schema refuses fails its check and
// is not saved; the right one checks, is saved beside the form and the
// form's bindings are checked against it; Publish then submits both.
func TestDraftTransactionEditedCheckedSaved(t *testing.T) {
	ctx := context.Background()
	led, cat := demoLedger(t)
	_, f, txn := statusFreeze(t)
	led.Drafts = t.TempDir()
	ed, _ := newEditorCfg(t, designer.New(f), Config{Catalog: cat, Ledger: led})

	ed.EditDraft()
	d := ed.draft
	if d == nil {
		t.Fatal("no draft editor")
	}
	for _, want := range []string{`"id": "status_freeze"`, `"name": "account"`, `"type": "account"`, `"steps": []`} {
		if !strings.Contains(d.text.Text, want) {
			t.Errorf("the skeleton lacks %s:\n%s", want, d.text.Text)
		}
	}
	d.text.SetText(strings.Replace(string(txn), "UPDATE accounts SET status", "UPDATE accounts SET no_such_column = 1, status", 1))
	if d.check() || !strings.Contains(d.result.Text, "no_such_column") {
		t.Fatalf("a draft the schema refuses: %q", d.result.Text)
	}
	if d.save() {
		t.Fatal("saved a draft that does not check")
	}
	if _, err := os.Stat(d.path); !os.IsNotExist(err) {
		t.Fatalf("the refused draft was written: %v", err)
	}
	d.text.SetText(string(txn))
	if !d.check() || !d.save() {
		t.Fatalf("the right draft: %q", d.result.Text)
	}
	if got, err := os.ReadFile(d.path); err != nil || string(got) != string(txn) {
		t.Fatalf("saved %q (%v)", got, err)
	}
	if ed.doc.Catalog["status_freeze"] == nil {
		t.Error("the form's bindings are not checked against the saved draft")
	}
	res, err := led.Submit(ctx, ed.doc.Form(), "010101", ledger.DemoPassword)
	if err != nil || res.Txn != "status_freeze" {
		t.Fatalf("submit: %+v %v", res, err)
	}
}
