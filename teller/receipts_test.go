package teller

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"guitai/assets"
	"guitai/devices"
	"guitai/devices/escpos"
	"guitai/devices/receipt"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

// shellWithPrinter is shellOnLedger with the journal, the signed-on teller
// and a printer simulator connected.
func shellWithPrinter(t *testing.T) (*Shell, fyne.Window, *ledger.Store, *escpos.Sim) {
	t.Helper()
	s, w, store := shellOnLedger(t)
	sim, err := escpos.NewSim("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	p := escpos.NewPrinter("printer", sim.Addr())
	ctx := context.Background()
	for _, step := range []func(context.Context) error{p.Open, p.Claim, p.Enable} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	s.cfg.Journal, s.cfg.Printer = store, p
	s.cfg.Teller, s.cfg.Terminal = "010101", "T01"
	s.cfg.BusinessDate = ledger.Today()
	return s, w, store, sim
}

// firstAccount is the demo ledger's first active account.
func firstAccount(t *testing.T, store *ledger.Store, n int) string {
	t.Helper()
	var accts []string
	if err := store.DB().Select(&accts, `SELECT number FROM accounts WHERE status = 'active' ORDER BY number`); err != nil || len(accts) <= n {
		t.Fatalf("accounts %v: %v", accts, err)
	}
	return accts[n]
}

// deposit posts a cash deposit through the window and returns its serial.
func deposit(t *testing.T, s *Shell, w fyne.Window, store *ledger.Store, acct, amount string) string {
	t.Helper()
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	f := s.Current()
	f.Scope.Set("account", acct)
	f.Scope.Set("amount", money.MustParse(amount))
	f.Scope.Set("memo", "工资")
	s.submit()
	tap(t, w, confirmZh)
	wait(t, s)
	var serial string
	if err := store.DB().Get(&serial, store.DB().Rebind(`SELECT serial FROM journal WHERE account = ? AND amount = ? ORDER BY serial DESC LIMIT 1`),
		acct, int64(money.MustParse(amount))); err != nil {
		t.Fatalf("deposit of %s not posted (status %q): %v", amount, s.summary.status.Text, err)
	}
	return serial
}

func receiptOf(t *testing.T, store *ledger.Store, serial string) ledger.QueuedReceipt {
	t.Helper()
	r, err := store.Receipt(context.Background(), serial)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDepositPrintsItsReceipt(t *testing.T) {
	s, w, store, sim := shellWithPrinter(t)
	acct := firstAccount(t, store, 0)
	serial := deposit(t, s, w, store, acct, "1234.56")

	printed := strings.Join(sim.Lines(), "\n")
	for _, want := range []string{serial, dsl.Mask(acct), "1,234.56", "存款凭条", "工资", "壹仟贰佰叁拾肆元伍角陆分"} {
		if !strings.Contains(printed, want) {
			t.Errorf("receipt lacks %q:\n%s", want, printed)
		}
	}
	if strings.Contains(printed, acct) {
		t.Errorf("receipt shows the full account number %s", acct)
	}
	if strings.Contains(printed, "COPY") {
		t.Error("the original is marked as a copy")
	}
	if n := sim.Count("cut"); n != 1 {
		t.Errorf("%d cuts, want 1", n)
	}
	if r := receiptOf(t, store, serial); r.Status != ledger.ReceiptPrinted {
		t.Errorf("receipt %s after printing", r.Status)
	}
	if !strings.Contains(s.summary.status.Text, serial) || !strings.Contains(s.summary.status.Text, "凭条已打印") {
		t.Errorf("status %q", s.summary.status.Text)
	}
	// A retry of the same original does not print it twice.
	if err := s.receiptService().Print(context.Background(), serial); err != nil {
		t.Fatal(err)
	}
	if n := sim.Count("cut"); n != 1 {
		t.Errorf("retry printed again: %d cuts", n)
	}
}

func TestPaperOutQueuesTheReceiptUntilRetried(t *testing.T) {
	s, w, store, sim := shellWithPrinter(t)
	ctx := context.Background()
	signedOff := false
	s.cfg.SignOff = func() error { return store.SignOff(ctx, "010101", "T01") }
	s.cfg.SignedOff = func() { signedOff = true }
	acct := firstAccount(t, store, 0)
	before := balance(t, store, acct)

	sim.PaperOutAfter(3) // runs out in the middle of the receipt
	serial := deposit(t, s, w, store, acct, "1234.50")
	if got := balance(t, store, acct) - before; got != money.MustParse("1234.50") {
		t.Fatalf("posting not committed: balance moved by %s", got.Grouped())
	}
	r := receiptOf(t, store, serial)
	if r.Status != ledger.ReceiptPending || r.Attempts != 1 {
		t.Errorf("receipt %s after %d attempts, want pending after 1", r.Status, r.Attempts)
	}
	for _, want := range []string{serial, "缺纸", "补打队列", "共 1 张"} {
		if !strings.Contains(s.summary.status.Text, want) {
			t.Errorf("status %q lacks %q", s.summary.status.Text, want)
		}
	}

	// Balance the box so that only the receipts keep the teller from
	// signing off; the day-end report is a receipt too.
	forms, _ := assets.Forms()
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	x := ledger.NewExecutor(store, cat, forms)
	if _, err := x.Submit(ctx, ledger.Request{Txn: "day_end_balance", Teller: "010101", Terminal: "T01", Key: "day-end",
		Values: map[string]any{"n100": "12", "n20": "1", "n10": "1", "n1": "4", "j5": "1"}}); err != nil {
		t.Fatal(err)
	}
	s.signOff()
	tap(t, w, confirmZh)
	if signedOff {
		t.Fatal("signed off with receipts waiting")
	}

	sim.LoadPaper()
	s.ShowReprintQueue()
	q := s.rx.queue
	if n := q.list.Length(); n != 2 {
		t.Fatalf("queue shows %d receipts, want 2", n)
	}
	if q.retry.Disabled() == false {
		t.Error("retry enabled with nothing selected")
	}
	test.Tap(q.retryAll)
	if n := q.list.Length(); n != 0 {
		t.Errorf("queue shows %d receipts after retrying, want 0", n)
	}
	if pending, _ := store.PendingReceipts(ctx, "010101"); len(pending) != 0 {
		t.Errorf("still pending: %v", pending)
	}
	printed := strings.Join(sim.Lines(), "\n")
	for _, want := range []string{serial, "1,234.50", "日终轧账", "现金存款"} {
		if !strings.Contains(printed, want) {
			t.Errorf("printed receipts lack %q:\n%s", want, printed)
		}
	}
	if n := strings.Count(printed, "存入金额"); n != 1 {
		t.Errorf("the deposit's amount line printed %d times, want once (the torn start had 3 lines)", n)
	}
	if !strings.Contains(q.note.Text, "补打 2 张") {
		t.Errorf("queue note %q", q.note.Text)
	}
	s.signOff()
	tap(t, w, confirmZh)
	if !signedOff {
		t.Errorf("sign-off refused once the receipts printed: %q", s.summary.status.Text)
	}
}

func TestNoPrinterPreviewsAndQueues(t *testing.T) {
	s, w, store, _ := shellWithPrinter(t)
	s.cfg.Printer = nil
	serial := deposit(t, s, w, store, firstAccount(t, store, 0), "10")
	if r := receiptOf(t, store, serial); r.Status != ledger.ReceiptPending {
		t.Errorf("receipt %s without a printer", r.Status)
	}
	if !strings.Contains(s.summary.status.Text, "未连接打印机") {
		t.Errorf("status %q", s.summary.status.Text)
	}
	top := w.Canvas().Overlays().Top()
	found := false
	for _, o := range test.LaidOutObjects(top) {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil && img.Image.Bounds().Dx() == receipt.PaperDots {
			found = true
		}
	}
	if !found {
		t.Error("no preview image shown")
	}
}

func TestReceiptData(t *testing.T) {
	titles := map[string]dsl.Text{"1401": {Zh: "现金存款", En: "Cash deposit"}, "1402": {Zh: "现金取款", En: "Cash withdrawal"}}
	at := time.Date(2026, 11, 23, 10, 30, 0, 0, time.Local)
	entry := func(txn, acct string, amount string) ledger.JournalEntry {
		return ledger.JournalEntry{Serial: "202611230101000007", Time: at, Teller: "010101", Terminal: "T01",
			Account: acct, Amount: money.MustParse(amount), Result: &ledger.Result{Txn: txn}}
	}
	tests := []struct {
		name   string
		q      ledger.QueuedReceipt
		e      ledger.JournalEntry
		typed  map[string]any
		check  func(receipt.Data) bool
		layout string // template the receipt uses, "" generic
	}{
		{"deposit", ledger.QueuedReceipt{Template: "deposit", Result: &ledger.Result{Values: map[string]any{"acct_name": "张三", "balance": int64(150000)}}},
			entry("cash_deposit", "6201010000000011", "100"), map[string]any{"memo": "工资"},
			func(d receipt.Data) bool {
				return d.Name == "张三" && d.Balance == money.MustParse("1500") && d.Memo == "工资" && d.Amount == money.MustParse("100")
			}, "deposit"},
		{"deposit reprinted after a restart", ledger.QueuedReceipt{Template: "deposit", Result: &ledger.Result{
			Values: map[string]any{"acct_name": "张三"}, Params: map[string]any{"memo": "工资", "account": "6201010000000011"}}},
			entry("cash_deposit", "6201010000000011", "100"), nil,
			func(d receipt.Data) bool { return d.Name == "张三" && d.Memo == "工资" }, "deposit"},
		{"transfer payee from postings", ledger.QueuedReceipt{Template: "transfer", Result: &ledger.Result{Values: map[string]any{
			"payer_name": "张三", "payee_holder": "李四", "balance": int64(100)}}},
			func() ledger.JournalEntry {
				e := entry("transfer", "A", "5")
				e.Postings = []ledger.Posting{{Line: 1, Book: "A", Amount: 500}, {Line: 2, Book: "B", Amount: -500}}
				return e
			}(), nil,
			func(d receipt.Data) bool { return d.Name == "张三" && d.ToName == "李四" && d.ToAccount == "B" }, "transfer"},
		{"reversal", ledger.QueuedReceipt{Template: "reversal", Result: &ledger.Result{Values: map[string]any{"orig_code": "1401"}}},
			func() ledger.JournalEntry {
				e := entry("reversal", "A", "100")
				e.ReversalOf, e.Authorizer = "202611230101000001", "010199"
				return e
			}(), map[string]any{"reason": "金额录错"},
			func(d receipt.Data) bool {
				return d.Original == "202611230101000001" && d.Reason == "金额录错" && d.Authorizer == "010199"
			}, "reversal"},
		{"day end", ledger.QueuedReceipt{Template: "day_end", Result: &ledger.Result{Values: map[string]any{"counted": int64(123450)},
			Rows: map[string][]map[string]any{"summary_rows": {{"code": "1401", "count": int64(2), "amount": int64(200)}, {"code": "1402", "count": int64(1), "amount": int64(50)}}}}},
			entry("day_end_balance", "", "0"), nil,
			func(d receipt.Data) bool {
				return len(d.Lines) == 2 && d.Lines[0].Name == "现金存款" && d.Count == 3 && d.Total == 250 && d.Cash == money.MustParse("1234.50")
			}, "dayend"},
		{"open account, no template", ledger.QueuedReceipt{Template: "open_account", Result: &ledger.Result{Values: map[string]any{"account_no": "6201010000000099", "customer_id": "C0101"}}},
			entry("open_account", "6201010000000099", "50"), nil,
			func(d receipt.Data) bool { return d.Account == "6201010000000099" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ReceiptData(tt.q, tt.e, tt.typed, titles)
			if !tt.check(d) {
				t.Errorf("data %+v", d)
			}
			if got := templateOf(tt.q.Template); got != tt.layout {
				t.Errorf("template %q, want %q", got, tt.layout)
			}
			r := &Receipts{Store: fakeStore{q: tt.q, e: tt.e}, Titles: titles, Bank: "柜台银行", Branch: "0101"}
			doc, err := r.Doc(context.Background(), tt.e.Serial, false)
			if err != nil {
				t.Fatal(err)
			}
			text := docText(doc)
			if (tt.layout != "dayend" && !strings.Contains(text, tt.e.Serial)) || strings.Contains(text, "COPY") {
				t.Errorf("receipt text:\n%s", text)
			}
			copyText := docText(MarkCopy(doc))
			if strings.Count(copyText, "副本 COPY") != 2 {
				t.Errorf("copy marked %d times:\n%s", strings.Count(copyText, "副本 COPY"), copyText)
			}
			if _, err := MarkCopy(doc).ESCPOS(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPrintOutcomeMessages(t *testing.T) {
	paper := &PrintError{Code: ErrPrintFailed, Err: &devices.Error{Code: devices.HWError, Msg: "paper out"}}
	offline := &PrintError{Code: ErrPrintFailed, Err: &devices.Error{Code: devices.Offline, Msg: "printer connection lost"}}
	tests := []struct {
		lang   string
		err    error
		queued int
		want   string
	}{
		{"zh", nil, 0, "凭条已打印"},
		{"en", nil, 0, "receipt printed"},
		{"zh", paper, 2, "凭条未打印（打印机缺纸），已进入补打队列（共 2 张待打）"},
		{"en", paper, 2, "receipt not printed (paper out): queued for reprint (2 queued)"},
		{"zh", offline, 1, "凭条未打印（打印机离线），已进入补打队列（共 1 张待打）"},
		{"zh", &PrintError{Code: ErrNoPrinter}, 3, "未连接打印机，凭条已进入补打队列（共 3 张待打）"},
		{"en", errors.Join(paper), 1, "receipt not printed (paper out): queued for reprint (1 queued)"},
	}
	for _, tt := range tests {
		s := &Shell{lang: tt.lang}
		if got := s.printOutcome(tt.err, tt.queued); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.lang, tt.err, got, tt.want)
		}
	}
}

// fakeStore serves one receipt and its entry.
type fakeStore struct {
	q ledger.QueuedReceipt
	e ledger.JournalEntry
}

func (f fakeStore) Receipt(context.Context, string) (ledger.QueuedReceipt, error) { return f.q, nil }
func (f fakeStore) Entry(context.Context, string) (ledger.JournalEntry, error)    { return f.e, nil }
func (f fakeStore) ReceiptQueue(context.Context, string) ([]ledger.QueuedReceipt, error) {
	return nil, nil
}
func (f fakeStore) MarkPrinted(context.Context, string) error   { return nil }
func (f fakeStore) ReceiptFailed(context.Context, string) error { return nil }

func docText(d receipt.Doc) string {
	var b strings.Builder
	for _, el := range d {
		if el.Kind == "text" {
			b.WriteString(el.Text + "\n")
		}
	}
	return b.String()
}
