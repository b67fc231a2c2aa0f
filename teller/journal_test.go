package teller

import (
	"bytes"
	"context"
	"fmt"
	"guitai/internal/screenshot"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/devices/escpos"
	"guitai/devices/receipt"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

// journalRows returns the serials the journal table shows.
func journalRows(s *Shell) []string {
	var out []string
	for _, e := range s.rx.journal.entries {
		out = append(out, e.Serial)
	}
	return out
}

// authorize types the demo supervisor into the authorization dialog.
func authorize(t *testing.T, w fyne.Window) {
	t.Helper()
	var entries []*dialogEntry
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if e, ok := o.(*dialogEntry); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) < 2 {
		t.Fatalf("authorization dialog has %d entries", len(entries))
	}
	test.Type(entries[0], "010199")
	test.Type(entries[1], ledger.DemoPassword)
	tap(t, w, "授权 Enter")
}

// confirmHandover types the other teller's password into the handover
// confirmation dialog (its id is filled in and fixed) and confirms.
func confirmHandover(t *testing.T, w fyne.Window, password string) {
	t.Helper()
	var entries []*dialogEntry
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if e, ok := o.(*dialogEntry); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 || !entries[0].Disabled() || entries[0].Text == "" {
		t.Fatalf("the handover dialog has %d entries, the id not filled in and fixed", len(entries))
	}
	test.Type(entries[1], password)
	tap(t, w, "确认交接 Enter")
}

func TestJournalFilterReverseAndReprint(t *testing.T) {
	s, w, store, sim := shellWithPrinter(t)
	a1, a2 := firstAccount(t, store, 0), firstAccount(t, store, 1)
	b1 := balance(t, store, a1)
	d1 := deposit(t, s, w, store, a1, "300")
	d2 := deposit(t, s, w, store, a2, "45.60")

	s.ShowJournal()
	j := s.rx.journal
	if s.layout.title.Text != "电子流水" || j.date.Text != s.cfg.BusinessDate || j.teller.Text != "010101" {
		t.Fatalf("title %q, default filter %q %q", s.layout.title.Text, j.date.Text, j.teller.Text)
	}
	if got := journalRows(s); len(got) != 2 || got[0] != d2 || got[1] != d1 {
		t.Fatalf("today's entries %v, want [%s %s]", got, d2, d1)
	}
	filters := []struct {
		name  string
		field *widget.Entry
		text  string
		want  []string
	}{
		{"account", j.account, a1, []string{d1}},
		{"serial", j.serial, d2, []string{d2}},
		{"code", j.txn, "1402", nil},
		{"other teller", j.teller, "010102", nil},
	}
	for _, f := range filters {
		for _, e := range []*widget.Entry{j.account, j.serial, j.txn} {
			e.SetText("")
		}
		j.teller.SetText("010101")
		f.field.SetText(f.text)
		test.Tap(j.query)
		if got := journalRows(s); strings.Join(got, ",") != strings.Join(f.want, ",") {
			t.Errorf("filter by %s: %v, want %v", f.name, got, f.want)
		}
	}
	j.teller.SetText("010101")
	j.txn.SetText("")
	j.account.SetText(a1)
	test.Tap(j.query)
	if !j.reverse.Disabled() {
		t.Error("reverse enabled with nothing selected")
	}
	j.table.Select(widget.TableCellID{Row: 0, Col: 0})
	for _, want := range []string{d1, "现金存款", "可冲正", "会计分录", "凭条：已打印", "300.00"} {
		if !strings.Contains(j.detail.Text, want) {
			t.Errorf("detail lacks %q:\n%s", want, j.detail.Text)
		}
	}
	if j.reverse.Disabled() || j.reprint.Disabled() {
		t.Fatal("reverse or reprint disabled on a printed, reversible deposit")
	}

	// Reprint: a copy is a posting of its own (1903), counted, with a
	// reason, printed marked with its number.
	for n := 1; n <= 2; n++ {
		cuts := sim.Count("cut")
		test.Tap(j.reprint)
		f := s.Current()
		if f == nil || f.Def.ID != "receipt_reprint" {
			t.Fatalf("reprint opened %v", f)
		}
		if v, _ := f.Scope.Get("orig_serial"); v != d1 {
			t.Fatalf("orig_serial %v, want %s", v, d1)
		}
		f.Scope.Set("reason", "lost")
		s.submit()
		tap(t, w, confirmZh)
		wait(t, s)
		if sim.Count("cut") != cuts+1 {
			t.Fatalf("copy %d: %d receipts printed; status %q", n, sim.Count("cut")-cuts, s.summary.status.Text)
		}
		lines := sim.Lines()
		copyText := strings.Join(lines[len(lines)-45:], "\n")
		if mark := fmt.Sprintf("副本 COPY 第%d次补打", n); !strings.Contains(copyText, mark) || !strings.Contains(copyText, d1) ||
			!strings.Contains(copyText, "300.00") {
			t.Errorf("copy %d is not a copy of %s marked %q:\n%s", n, d1, mark, copyText)
		}
		if r, err := store.Receipt(context.Background(), d1); err != nil || r.Copies != n {
			t.Errorf("receipt %s: %d copies counted (%v), want %d", d1, r.Copies, err, n)
		}
		s.ShowJournal()
		j = s.rx.journal
		j.serial.SetText(d1)
		test.Tap(j.query)
		j.table.Select(widget.TableCellID{Row: 0, Col: 0})
		if want := fmt.Sprintf("补打副本 %d 份", n); !strings.Contains(j.detail.Text, want) {
			t.Errorf("detail lacks %q:\n%s", want, j.detail.Text)
		}
	}

	// Reverse: the reversal form, prefilled, through the usual submit.
	test.Tap(j.reverse)
	f := s.Current()
	if f == nil || f.Def.ID != "reversal" {
		t.Fatalf("reverse opened %v", f)
	}
	for k, want := range map[string]any{"orig_serial": d1, "orig_date": s.cfg.BusinessDate} {
		if v, _ := f.Scope.Get(k); v != want {
			t.Errorf("%s = %v, want %v", k, v, want)
		}
	}
	if v, _ := f.Scope.Get("orig_amount"); v != money.MustParse("300") {
		t.Errorf("orig_amount %v", v)
	}
	f.Scope.Set("reason", "金额录入错误")
	s.submit()
	if m := s.Modal(); m != "请确认" {
		t.Fatalf("%q on top, not the confirmation: status %q, problems %v", m, s.summary.status.Text, f.Validate())
	}
	tap(t, w, confirmZh)
	authorize(t, w)
	wait(t, s)
	if got := balance(t, store, a1); got != b1 {
		t.Fatalf("balance %s after the reversal, want %s (status %q)", got.Grouped(), b1.Grouped(), s.summary.status.Text)
	}
	printed := strings.Join(sim.Lines(), "\n")
	if !strings.Contains(printed, "冲正凭条") || !strings.Contains(printed, "金额录入错误") {
		t.Errorf("reversal receipt not printed with its reason:\n%s", printed[max(0, len(printed)-1500):])
	}

	s.ShowJournal()
	j = s.rx.journal
	j.serial.SetText(d1)
	test.Tap(j.query)
	if len(j.entries) != 1 || !j.entries[0].Reversed() {
		t.Fatalf("entry %s not shown reversed: %+v", d1, j.entries)
	}
	j.table.Select(widget.TableCellID{Row: 0, Col: 7})
	if !strings.Contains(j.detail.Text, "已冲正") || !j.reverse.Disabled() {
		t.Errorf("reversed entry: reverse enabled %v, detail:\n%s", !j.reverse.Disabled(), j.detail.Text)
	}
	if pending, _ := store.PendingReceipts(context.Background(), "010101"); len(pending) != 0 {
		t.Errorf("receipts left pending: %v", pending)
	}
}

func TestJournalWithoutLedger(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	s.ShowJournal()
	if s.rx.journal != nil {
		t.Error("journal screen shown without a ledger")
	}
	if w.Canvas().Overlays().Top() == nil {
		t.Error("no word that the journal is unavailable")
	}
}

// TestScreenshots shows the journal screen, the reprint queue and a
// receipt preview in zh and en, checks what each shows and that it lays
// out (CheckLayout), and writes the shots to $GUITAI_SHOTS (a temporary
// directory when unset).
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("GUITAI_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	for _, tc := range []struct{ lang, title string }{
		{"zh", "电子流水"},
		{"en", "Electronic journal"},
	} {
		lang := tc.lang
		s, w, store, sim := shellWithPrinter(t)
		a1, a2 := firstAccount(t, store, 0), firstAccount(t, store, 1)
		d1 := deposit(t, s, w, store, a1, "300")
		sim.SetStatus(escpos.Status{Online: true, PaperOut: true, PaperStop: true})
		d2 := deposit(t, s, w, store, a2, "45.60") // its receipt waits for paper
		for w.Canvas().Overlays().Top() != nil {
			w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
		}
		s.setLang(lang)

		s.ShowJournal()
		j := s.rx.journal
		if s.layout.title.Text != tc.title {
			t.Errorf("%s: journal title %q, want %q", lang, s.layout.title.Text, tc.title)
		}
		if got := journalRows(s); len(got) != 2 || got[0] != d2 || got[1] != d1 {
			t.Fatalf("%s: journal shows %v, want [%s %s]", lang, got, d2, d1)
		}
		j.table.Select(widget.TableCellID{Row: 1, Col: 0})
		if !strings.Contains(j.detail.Text, d1) || !strings.Contains(j.detail.Text, "300.00") || j.reprint.Disabled() {
			t.Errorf("%s: selected %s, reprint disabled %v, detail:\n%s", lang, d1, j.reprint.Disabled(), j.detail.Text)
		}
		shot(t, w, filepath.Join(dir, "journal."+lang+".png"))

		s.ShowReprintQueue()
		q := s.rx.queue
		if n := q.list.Length(); n != 1 {
			t.Fatalf("%s: the reprint queue lists %d receipts, want 1 (%s, printed without paper)", lang, n, d2)
		}
		q.list.Select(0)
		if q.retry.Disabled() || q.preview.Disabled() {
			t.Errorf("%s: retry or preview disabled with %s selected", lang, d2)
		}
		shot(t, w, filepath.Join(dir, "queue."+lang+".png"))
		q.dialog.Hide()

		test.Tap(j.preview)
		if !previewShown(w, d1) {
			t.Errorf("%s: no preview of %s's receipt", lang, d1)
		}
		shot(t, w, filepath.Join(dir, "preview."+lang+".png"))
	}
}

// previewShown reports whether the top dialog previews serial's receipt:
// its title names the serial and it holds an image of the paper's width.
func previewShown(w fyne.Window, serial string) bool {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	titled, pictured := false, false
	for _, o := range test.LaidOutObjects(top) {
		switch o := o.(type) {
		case *widget.Label:
			titled = titled || strings.Contains(o.Text, serial)
		case *canvas.Image:
			pictured = pictured || o.Image != nil && o.Image.Bounds().Dx() == receipt.PaperDots
		}
	}
	return titled && pictured
}

// shot checks that the window lays out (CheckLayout) and that its capture
// is not blank, and writes the capture to path.
func shot(t *testing.T, w fyne.Window, path string) {
	t.Helper()
	for _, p := range screenshot.CheckLayout(w.Canvas()) {
		t.Errorf("%s: %s", filepath.Base(path), p)
	}
	img := w.Canvas().Capture()
	if b := img.Bounds(); b.Dx() < int(w.Canvas().Size().Width) || b.Dy() < int(w.Canvas().Size().Height) {
		t.Errorf("%s: capture %v is smaller than the window %v", filepath.Base(path), b, w.Canvas().Size())
	}
	colours := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 5 {
		for x := b.Min.X; x < b.Max.X; x += 5 {
			colours[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("%s: only %d colours: a blank capture", filepath.Base(path), len(colours))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestJournalReopensTheFormAsPosted: the journal reopens an entry as the
// form it was posted with, read-only and filled in with what was typed,
// and says so when that version is no longer at hand rather than show
// another one.
func TestJournalReopensTheFormAsPosted(t *testing.T) {
	s, w, store, _ := shellWithPrinter(t)
	acct := firstAccount(t, store, 0)
	serial := deposit(t, s, w, store, acct, "321.50")

	s.ShowJournal()
	j := s.rx.journal
	if !j.form.Disabled() {
		t.Fatal("the form button is enabled with nothing selected")
	}
	j.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if j.entry == nil || j.entry.Serial != serial || j.form.Disabled() {
		t.Fatalf("selected %+v, form button disabled %v", j.entry, j.form.Disabled())
	}
	test.Tap(j.form)
	if j.posted == nil {
		t.Fatal("no form opened")
	}
	f := j.posted
	if got, _ := f.Scope.Get("account"); got != acct {
		t.Errorf("account shown %v, want %s", got, acct)
	}
	if got, _ := f.Scope.Get("amount"); got != money.Fen(32150) {
		t.Errorf("amount shown %v, want 321.50", got)
	}
	if f.Def.Version != s.formByID("cash_deposit").Version {
		t.Errorf("version %s", f.Def.Version)
	}
	f.Def.Walk(func(_ []string, n *dsl.Node) bool {
		if n.Type == "button" {
			t.Errorf("button %s on the read-only form", n.ID)
		}
		if n.Bind != "" && n.Prop("readOnly") != true && n.EnabledWhen != "false" {
			t.Errorf("field %s takes input", n.ID)
		}
		return true
	})
	if foc := w.Canvas().Focused(); foc != nil {
		test.Type(foc, "9") // nothing may take it
	}
	if got, _ := f.Scope.Get("amount"); got != money.Fen(32150) {
		t.Errorf("amount changed to %v", got)
	}
	esc(s, w)
	if j.posted != nil {
		t.Fatal("the dialog did not close on Esc")
	}

	// An entry of a version this window does not hold.
	e := *j.entry
	e.FormVersion = "0.9.0"
	if _, err := s.postedForm(e); err == nil || !strings.Contains(err.Error(), "已不可用") {
		t.Fatalf("another version: %v", err)
	}
}
