package teller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/devices"
	"guitai/devices/escpos"
	"guitai/devices/receipt"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

// Printer prints ESC/POS jobs: *escpos.Printer, and the simulator device
// that embeds one. A job whose ID already printed is not printed again.
type Printer interface {
	Print(ctx context.Context, job escpos.Job) error
}

// ReceiptStore is what the receipt service needs of the ledger.
type ReceiptStore interface {
	Receipt(ctx context.Context, serial string) (ledger.QueuedReceipt, error)
	Entry(ctx context.Context, serial string) (ledger.JournalEntry, error)
	ReceiptQueue(ctx context.Context, teller string) ([]ledger.QueuedReceipt, error)
	MarkPrinted(ctx context.Context, serial string) error
	ReceiptFailed(ctx context.Context, serial string) error
}

// Receipt print error codes.
const (
	ErrNoPrinter   = "E_NO_PRINTER"   // no printer configured: previews only
	ErrPrintFailed = "E_PRINT_FAILED" // the printer refused or failed the job
)

// PrintError is a receipt that did not print. The posting it belongs to is
// committed; an original stays in the reprint queue.
type PrintError struct {
	Code   string // ErrNoPrinter or ErrPrintFailed
	Serial string
	Err    error // the device's error
}

// Error returns "CODE serial: cause".
func (e *PrintError) Error() string {
	s := e.Code + " " + e.Serial
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the device's error.
func (e *PrintError) Unwrap() error { return e.Err }

// Receipts renders the receipts of postings and prints them: an original
// under the journal serial as the job id (so a retry never prints twice),
// marked printed on success and left in the queue, with the attempt
// counted, on failure; a copy of a printed receipt marked 副本 COPY.
type Receipts struct {
	Store   ReceiptStore
	Printer Printer // nil: no printer
	// Bank and Branch head every receipt.
	Bank, Branch string
	// Titles names transactions by code (1401 → 现金存款 Cash deposit), for
	// the day-end lines and receipts without a template of their own.
	Titles map[string]dsl.Text
	// Templates gives the receipt template name of the release package
	// whose digest is packageDigest (the entry's), or "" and false when
	// it carries none; nil: the built-in templates only.
	Templates func(packageDigest, name string) (string, bool, error)

	mu     sync.Mutex
	typed  map[string]map[string]any // serial → values the teller typed (this session)
	copies int
}

// Remember keeps the values typed for a posting: the ledger stores only what
// a posting returned, and the receipt also shows the memo, the payee and
// the reason of a reversal.
func (r *Receipts) Remember(serial string, values map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.typed == nil {
		r.typed = map[string]map[string]any{}
	}
	r.typed[serial] = values
}

func (r *Receipts) typedFor(serial string) map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.typed[serial]
}

// Doc lays out the receipt of a journal entry; copy marks it 副本 COPY.
func (r *Receipts) Doc(ctx context.Context, serial string, copy bool) (receipt.Doc, error) {
	q, err := r.Store.Receipt(ctx, serial)
	if err != nil {
		return nil, err
	}
	e, err := r.Store.Entry(ctx, serial)
	if err != nil {
		return nil, err
	}
	var doc receipt.Doc
	if q.Template == CopyTemplate {
		doc, err = r.counted(ctx, e)
	} else {
		doc, err = r.render(q, e, r.typedFor(serial))
	}
	if err != nil {
		return nil, err
	}
	if copy {
		doc = MarkCopy(doc)
	}
	return doc, nil
}

// CopyTemplate is the receipt of a counted copy (receipt_reprint, 1903):
// the original's receipt, rendered from its own stored payload, marked
// 副本 COPY with the copy's number and the serial of the entry that
// counted it.
const CopyTemplate = "copy"

// counted lays out the copy that entry e (a receipt_reprint posting)
// counted: e's params name the original (orig_serial), its values the
// copy's number (copy_no).
func (r *Receipts) counted(ctx context.Context, e ledger.JournalEntry) (receipt.Doc, error) {
	if e.Result == nil {
		return nil, fmt.Errorf("receipt %s: no result", e.Serial)
	}
	orig, _ := e.Result.Params["orig_serial"].(string)
	n, _ := e.Result.Values["copy_no"].(int64)
	if orig == "" || orig == e.Serial || n < 1 {
		return nil, fmt.Errorf("receipt %s: not a counted copy (original %q, copy %d)", e.Serial, orig, n)
	}
	doc, err := r.Doc(ctx, orig, false)
	if err != nil {
		return nil, err
	}
	return markCopy(doc, fmt.Sprintf("*** 副本 COPY 第%d次补打 No. %d ***", n, n), fmt.Sprintf("补打流水 Reprint %s", e.Serial)), nil
}

// Print prints the original receipt of a posting and takes it off the
// queue. A failed attempt is counted and the receipt stays queued.
func (r *Receipts) Print(ctx context.Context, serial string) error {
	doc, err := r.Doc(ctx, serial, false)
	if err != nil {
		return err
	}
	if r.Printer == nil {
		return &PrintError{Code: ErrNoPrinter, Serial: serial}
	}
	if err := r.send(ctx, escpos.Job{ID: serial}, doc); err != nil {
		if ferr := r.Store.ReceiptFailed(ctx, serial); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	return r.Store.MarkPrinted(ctx, serial)
}

// Reprint prints a receipt again: a queued one as the original, a printed
// one as a copy marked 副本 COPY. It reports whether a copy was printed.
func (r *Receipts) Reprint(ctx context.Context, serial string) (copy bool, err error) {
	q, err := r.Store.Receipt(ctx, serial)
	if err != nil {
		return false, err
	}
	if q.Status != ledger.ReceiptPrinted {
		return false, r.Print(ctx, serial)
	}
	doc, err := r.Doc(ctx, serial, true)
	if err != nil {
		return true, err
	}
	if r.Printer == nil {
		return true, &PrintError{Code: ErrNoPrinter, Serial: serial}
	}
	r.mu.Lock()
	r.copies++
	id := fmt.Sprintf("%s/copy/%d", serial, r.copies)
	r.mu.Unlock()
	return true, r.send(ctx, escpos.Job{ID: id}, doc)
}

func (r *Receipts) send(ctx context.Context, job escpos.Job, doc receipt.Doc) error {
	b, err := doc.ESCPOS()
	if err != nil {
		return err
	}
	job.Data = b
	if err := r.Printer.Print(ctx, job); err != nil {
		return &PrintError{Code: ErrPrintFailed, Serial: job.ID, Err: err}
	}
	return nil
}

// copyMark is printed at the top and the bottom of a reprinted receipt.
const copyMark = "*** 副本 COPY ***"

// MarkCopy marks a receipt as a copy: a bold centred 副本 COPY line after
// the printer reset and before the cut.
func MarkCopy(d receipt.Doc) receipt.Doc { return markCopy(d, copyMark) }

// markCopy puts the mark line at the top and, with the lines of more
// under it, at the bottom of d.
func markCopy(d receipt.Doc, text string, more ...string) receipt.Doc {
	mark := receipt.Element{Kind: "text", Text: text, Align: escpos.Center, Bold: true}
	out := make(receipt.Doc, 0, len(d)+2)
	at := 0
	if len(d) > 0 && d[0].Kind == "init" {
		out, at = append(out, d[0]), 1
	}
	out = append(out, mark)
	cut := len(d)
	for i := len(d) - 1; i >= at; i-- {
		if d[i].Kind == "cut" {
			cut = i
			break
		}
	}
	// Before the feed that precedes the cut, so the mark is on the paper
	// above the tear.
	end := cut
	if end > at && d[end-1].Kind == "feed" {
		end--
	}
	out = append(out, d[at:end]...)
	out = append(out, mark)
	for _, m := range more {
		out = append(out, receipt.Element{Kind: "text", Text: m, Align: escpos.Center})
	}
	return append(out, d[end:]...)
}

// templateOf maps a catalog's receipt name to a template of package
// receipt; "" means the generic layout.
func templateOf(name string) string {
	if name == "day_end" {
		return "dayend"
	}
	if receipt.Has(name) {
		return name // one of receipt.Kinds, or a module's own template
	}
	return ""
}

// render fills the receipt of entry e from its queued payload, the journal
// row and, when known, what the teller typed.
func (r *Receipts) render(q ledger.QueuedReceipt, e ledger.JournalEntry, typed map[string]any) (receipt.Doc, error) {
	d := ReceiptData(q, e, typed, r.Titles)
	d.Bank, d.Branch = r.Bank, r.Branch
	if t, ok, err := r.packageTemplate(e, q.Template); err != nil || ok {
		if err != nil {
			return nil, err
		}
		d.Title = r.title(e.TxnCode)
		return t.Render(d)
	}
	kind := templateOf(q.Template)
	if kind != "" {
		if !slices.Contains(receipt.Kinds, kind) {
			d.Title = r.title(e.TxnCode) // a module's template: the catalog's title
		}
		return receipt.Render(kind, d)
	}
	return receipt.Parse(genericMarkup(d, q, r.title(e.TxnCode)))
}

// packageTemplate is the template name of the release package entry e
// was posted with, when the package carries one; a template that does
// not parse (the ledger checked it at submit) is an error.
func (r *Receipts) packageTemplate(e ledger.JournalEntry, name string) (*receipt.Template, bool, error) {
	if r.Templates == nil || e.PackageDigest == "" || name == "" {
		return nil, false, nil
	}
	text, ok, err := r.Templates(e.PackageDigest, name)
	if err != nil || !ok {
		return nil, false, err
	}
	t, err := receipt.ParseTemplate(name, text)
	return t, err == nil, err
}

func (r *Receipts) title(code string) string {
	if t, ok := r.Titles[code]; ok {
		return strings.TrimSpace(t.Zh + " " + t.En)
	}
	return code
}

// ReceiptData builds what a receipt shows from the queued payload (the
// posting's returned values), its journal row and the values typed, if
// known. Names come from acct_name, payer_name or payee_holder; the payee
// account of a transfer from its postings when it was not typed.
func ReceiptData(q ledger.QueuedReceipt, e ledger.JournalEntry, typed map[string]any, titles map[string]dsl.Text) receipt.Data {
	vals := map[string]any{}
	if q.Result != nil {
		// What was posted (kept with the receipt, so a reprint after a
		// restart still has the memo), then what the posting returned.
		for k, v := range q.Result.Params {
			vals[k] = v
		}
		for k, v := range q.Result.Values {
			vals[k] = v
		}
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := typed[k]; ok && fmt.Sprint(v) != "" {
				return fmt.Sprint(v)
			}
			if v, ok := vals[k]; ok && fmt.Sprint(v) != "" {
				return fmt.Sprint(v)
			}
		}
		return ""
	}
	d := receipt.Data{
		Serial: e.Serial, Time: e.Time.Local(), Teller: e.Teller, Terminal: e.Terminal,
		Authorizer: e.Authorizer, Account: e.Account, Amount: e.Amount,
		Balance: fenOf(vals["balance"]), Values: map[string]string{},
	}
	for k, v := range vals {
		if f, ok := v.(money.Fen); ok {
			v = int64(f) // as stored: fen; the templates' yuan formats it
		}
		d.Values[k] = fmt.Sprint(v)
	}
	if d.Time.IsZero() {
		d.Time = q.CreatedAt.Local()
	}
	switch e.Txn() {
	case "cheque_deposit":
		d.Name = str("payee_holder")
		d.Memo = strings.TrimSpace("支票 " + str("cheque_no"))
	case "transfer":
		d.Name = str("payer_name")
		d.ToName = str("payee_holder", "payee_name")
		d.ToAccount = str("to_account")
		if d.ToAccount == "" {
			for _, p := range e.Postings {
				if p.Book != e.Account && p.Amount < 0 {
					d.ToAccount = p.Book
				}
			}
		}
		d.Memo = str("postscript", "purpose_note")
	case "reversal", "prior_day_reversal":
		d.Original = str("orig_serial")
		if d.Original == "" {
			d.Original = e.ReversalOf
		}
		d.Reason = str("reason")
		if d.Reason == "" {
			d.Reason = "—"
		}
		d.Name = str("acct_name")
	default:
		d.Name = str("acct_name", "cust_name")
		d.Memo = str("memo")
	}
	if q.Result != nil {
		for _, row := range q.Result.Rows["summary_rows"] {
			code := fmt.Sprint(row["code"])
			name := code
			if t, ok := titles[code]; ok {
				name = t.Zh
			}
			n := int(fenOf(row["count"]))
			amt := fenOf(row["amount"])
			d.Lines = append(d.Lines, receipt.DayLine{Name: name, Count: n, Total: amt})
			d.Count += n
			d.Total += amt
		}
		d.Cash = fenOf(vals["counted"])
	}
	return d
}

// genericLabels captions returned values on receipts without a template.
var genericLabels = map[string]string{
	"acct_name":   "户名 Name",
	"account_no":  "账号 Account",
	"customer_id": "客户号 Customer",
}

// genericMarkup lays out a receipt for a transaction without a template of
// its own (open account, close account, loss report): the header, the
// account and amount of the journal row and the returned values.
func genericMarkup(d receipt.Data, q ledger.QueuedReceipt, title string) string {
	clean := func(s string) string { return strings.NewReplacer("\n", " ", "\r", " ", "|", "/").Replace(s) }
	var b strings.Builder
	fmt.Fprintf(&b, ".init\n.center\n.double\n%s\n.normal\n%s\n.bold\n%s\n.nobold\n.left\n.rule\n", clean(d.Bank), clean(d.Branch), clean(title))
	fmt.Fprintf(&b, ".kv 交易流水 Serial|%s\n.kv 交易时间 Time|%s\n.kv 柜员 Teller|%s  终端 %s\n.rule\n",
		d.Serial, d.Time.Format("2006-01-02 15:04:05"), clean(d.Teller), clean(d.Terminal))
	// A new account's number (account_no) is what the customer came for:
	// it is printed whole, once.
	newAccount := ""
	if q.Result != nil {
		newAccount, _ = q.Result.Values["account_no"].(string)
	}
	switch {
	case newAccount != "":
		fmt.Fprintf(&b, ".kv 账号 Account|%s\n", clean(newAccount))
	case d.Account != "":
		fmt.Fprintf(&b, ".kv 账号 Account|%s\n", dsl.Mask(d.Account))
	}
	if d.Amount != 0 {
		fmt.Fprintf(&b, ".kv 金额 Amount|%s\n", d.Amount.Grouped())
	}
	var keys []string
	if q.Result != nil {
		for k := range q.Result.Values {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		label, ok := genericLabels[k]
		if !ok {
			label = k
		}
		if k == "account_no" {
			continue // printed above
		}
		v := fmt.Sprint(q.Result.Values[k])
		fmt.Fprintf(&b, ".kv %s|%s\n", clean(label), clean(v))
	}
	if d.Authorizer != "" {
		fmt.Fprintf(&b, ".kv 授权 Authorized by|%s\n", clean(d.Authorizer))
	}
	b.WriteString(".rule\n.center\n客户签名 Signature:\n.feed 2\n________________________\n.feed 3\n.cut\n")
	return b.String()
}

// fenOf reads a stored number (int64 from the ledger, money.Fen when typed).
func fenOf(v any) money.Fen {
	switch x := v.(type) {
	case money.Fen:
		return x
	case int64:
		return money.Fen(x)
	case int:
		return money.Fen(x)
	case float64:
		return money.Fen(x)
	}
	return 0
}

// receiptService is the shell's receipt service, built on first use from
// the configuration.
func (s *Shell) receiptService() *Receipts {
	if s.cfg.Journal == nil {
		return nil
	}
	if s.rx.rec == nil {
		titles := map[string]dsl.Text{}
		for _, f := range s.forms {
			if f.Code != "" {
				titles[f.Code] = f.Title
			}
		}
		bank := s.cfg.Bank
		if bank == "" {
			bank = "柜台银行 Guitai Bank"
		}
		s.rx.rec = &Receipts{Store: s.cfg.Journal, Printer: s.cfg.Printer, Bank: bank, Branch: s.cfg.Branch, Titles: titles,
			Templates: s.cfg.ReceiptTemplate}
	}
	return s.rx.rec
}

// shellReceipts is the shell's state for receipts: the service, the open
// reprint-queue dialog and the journal screen.
type shellReceipts struct {
	rec     *Receipts
	queue   *reprintQueue
	journal *journalScreen
}

// printTimeout bounds one receipt print.
const printTimeout = 30 * time.Second

// afterPost prints the receipt of the submission posted under key, off the
// UI goroutine, and says in the status bar how it went: printed, or queued
// for reprint (paper out, offline, no printer) with the number queued. msg
// is the posting's message, kept at the start of the status line.
func (s *Shell) afterPost(key string, values map[string]any, msg string) {
	rec := s.receiptService()
	if rec == nil || key == "" {
		return
	}
	teller := s.cfg.Teller
	background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
		defer cancel()
		serial, err := s.cfg.Journal.SerialByKey(ctx, key)
		if err != nil || serial == "" {
			return
		}
		if _, err := rec.Store.Receipt(ctx, serial); ledger.CodeOf(err) == "E_RECEIPT_UNKNOWN" {
			return // the transaction prints nothing
		}
		rec.Remember(serial, values)
		err = rec.Print(ctx, serial)
		var queued int
		if err != nil {
			if q, qerr := rec.Store.ReceiptQueue(ctx, teller); qerr == nil {
				queued = len(q)
			}
		}
		var doc receipt.Doc
		if pe := (*PrintError)(nil); errors.As(err, &pe) && pe.Code == ErrNoPrinter {
			doc, _ = rec.Doc(ctx, serial, false)
		}
		fyne.Do(func() {
			line := s.printOutcome(err, queued)
			s.summary.say(firstLine(msg) + " · " + line)
			if doc != nil {
				s.showPreview(serial, doc)
			}
		})
	})
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// printOutcome says how a print went, in the window's language.
func (s *Shell) printOutcome(err error, queued int) string {
	if err == nil {
		return s.t("凭条已打印", "receipt printed")
	}
	var pe *PrintError
	if errors.As(err, &pe) && pe.Code == ErrNoPrinter {
		return fmt.Sprintf(s.t("未连接打印机，凭条已进入补打队列（共 %d 张待打）", "no printer: receipt queued for reprint (%d queued)"), queued)
	}
	return fmt.Sprintf(s.t("凭条未打印（%s），已进入补打队列（共 %d 张待打）", "receipt not printed (%s): queued for reprint (%d queued)"),
		s.deviceReason(err), queued)
}

// deviceReason names why a printer failed, in the window's language.
func (s *Shell) deviceReason(err error) string {
	var de *devices.Error
	msg := err.Error()
	if errors.As(err, &de) {
		msg = de.Msg
		if msg == "" {
			msg = de.Code.String()
		}
	}
	if s.lang == "en" {
		return msg
	}
	switch {
	case strings.Contains(msg, "paper out"):
		return "打印机缺纸"
	case strings.Contains(msg, "cover open"):
		return "打印机盖未合上"
	case strings.Contains(msg, "offline"), strings.Contains(msg, "cannot reach"), strings.Contains(msg, "connection lost"):
		return "打印机离线"
	case strings.Contains(msg, "not open"):
		return "打印机未就绪"
	}
	return msg
}

// showPreview shows a receipt as it would print, in a dialog.
func (s *Shell) showPreview(serial string, doc receipt.Doc) {
	img := doc.Image()
	pic := canvas.NewImageFromImage(img)
	pic.FillMode = canvas.ImageFillContain
	pic.ScaleMode = canvas.ImageScaleSmooth
	const w = 384 // two thirds of the paper's dots: readable, fits the window
	b := img.Bounds()
	pic.SetMinSize(fyne.NewSize(w, float32(b.Dy())*w/float32(b.Dx())))
	scroll := container.NewVScroll(container.NewCenter(pic))
	title := s.t("凭条预览 ", "Receipt preview ") + serial
	d := dialog.NewCustom(title, s.t("关闭 Esc", "Close Esc"), scroll, s.win)
	d.Resize(fyne.NewSize(w+80, min(s.win.Canvas().Size().Height-60, 720)))
	s.closable(title, d, true)
}

// previewSerial lays out a receipt off the UI goroutine and shows it.
func (s *Shell) previewSerial(serial string, copy bool) {
	rec := s.receiptService()
	if rec == nil {
		return
	}
	background(func() {
		doc, err := rec.Doc(context.Background(), serial, copy)
		fyne.Do(func() {
			if err != nil {
				s.showErr(err)
				return
			}
			s.showPreview(serial, doc)
		})
	})
}

// showErr shows an error in the status bar and a dialog, a ledger error in
// the window's language.
func (s *Shell) showErr(err error) {
	s.summary.say(s.message(err))
	s.showError(err)
}

// queueRow is one line of the reprint queue.
type queueRow struct {
	q ledger.QueuedReceipt
	e ledger.JournalEntry
}

// ShowReprintQueue lists the signed-on teller's receipts waiting to be
// printed, with retry one, retry all and preview.
func (s *Shell) ShowReprintQueue() {
	rec := s.receiptService()
	if rec == nil {
		return
	}
	var rows []queueRow
	selected := -1
	list := widget.NewList(
		func() int { return len(rows) },
		func() fyne.CanvasObject {
			return container.NewGridWithColumns(4, widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := rows[id]
			c := o.(*fyne.Container).Objects
			c[0].(*widget.Label).SetText(r.q.Serial)
			c[1].(*widget.Label).SetText(r.e.TxnCode + " " + s.txnTitle(r.e.TxnCode))
			c[2].(*widget.Label).SetText("¥" + r.e.Amount.Grouped())
			c[3].(*widget.Label).SetText(fmt.Sprintf(s.t("已试 %d 次", "tried %d×"), r.q.Attempts))
		})
	head := container.NewGridWithColumns(4, bold(s.t("流水号", "Serial")), bold(s.t("交易", "Transaction")),
		bold(s.t("金额", "Amount")), bold(s.t("尝试", "Attempts")))
	empty := widget.NewLabel(s.t("补打队列为空", "Nothing waits to be printed"))
	note := widget.NewLabel("")
	note.Wrapping = fyne.TextWrapWord
	var retry, retryAll, preview *widget.Button
	reload := func(after func()) {
		background(func() {
			ctx := context.Background()
			var out []queueRow
			q, err := rec.Store.ReceiptQueue(ctx, s.cfg.Teller)
			for _, r := range q {
				if err != nil {
					break
				}
				var e ledger.JournalEntry
				e, err = rec.Store.Entry(ctx, r.Serial)
				out = append(out, queueRow{r, e})
			}
			fyne.Do(func() {
				if err != nil {
					s.showErr(err)
					return
				}
				rows, selected = out, -1
				list.UnselectAll()
				list.Refresh()
				empty.Hidden = len(rows) > 0
				empty.Refresh()
				if len(rows) == 0 {
					retryAll.Disable()
				} else {
					retryAll.Enable()
				}
				retry.Disable()
				preview.Disable()
				if after != nil {
					after()
				}
			})
		})
	}
	list.OnSelected = func(id widget.ListItemID) {
		selected = id
		retry.Enable()
		preview.Enable()
	}
	printAll := func(serials []string) {
		background(func() {
			var err error
			done := 0
			for _, serial := range serials {
				if err = rec.Print(context.Background(), serial); err != nil {
					break // paper out: the rest would fail the same way
				}
				done++
			}
			var queued int
			if q, qerr := rec.Store.ReceiptQueue(context.Background(), s.cfg.Teller); qerr == nil {
				queued = len(q)
			}
			fyne.Do(func() {
				line := fmt.Sprintf(s.t("补打 %d 张", "%d reprinted"), done)
				if err != nil {
					line += " · " + s.printOutcome(err, queued)
				}
				note.SetText(line)
				s.summary.say(line)
				reload(nil)
			})
		})
	}
	retry = widget.NewButtonWithIcon(s.t("重打", "Retry"), theme.ViewRefreshIcon(), func() {
		if selected >= 0 && selected < len(rows) {
			printAll([]string{rows[selected].q.Serial})
		}
	})
	retryAll = widget.NewButtonWithIcon(s.t("全部重打", "Retry all"), theme.MediaReplayIcon(), func() {
		serials := make([]string, len(rows))
		for i, r := range rows {
			serials[i] = r.q.Serial
		}
		printAll(serials)
	})
	retryAll.Importance = widget.HighImportance
	preview = widget.NewButtonWithIcon(s.t("预览", "Preview"), theme.VisibilityIcon(), func() {
		if selected >= 0 && selected < len(rows) {
			s.previewSerial(rows[selected].q.Serial, false)
		}
	})
	buttons := container.NewHBox(retry, retryAll, preview)
	body := container.NewBorder(container.NewVBox(head, widget.NewSeparator()), container.NewVBox(note, buttons), nil, nil,
		container.NewStack(list, container.NewCenter(empty)))
	title := s.t("凭条补打队列", "Receipt reprint queue")
	d := dialog.NewCustom(title, s.t("关闭 Esc", "Close Esc"), body, s.win)
	d.Resize(fyne.NewSize(760, 440))
	s.rx.queue = &reprintQueue{list: list, retry: retry, retryAll: retryAll, preview: preview, note: note, dialog: d}
	reload(nil)
	s.closable(title, d, false)
}

// reprintQueue is the open reprint-queue dialog, for tests and callers that
// drive it.
type reprintQueue struct {
	list                     *widget.List
	retry, retryAll, preview *widget.Button
	note                     *widget.Label
	dialog                   dialog.Dialog
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// txnTitle names a transaction code in the window's language.
func (s *Shell) txnTitle(code string) string {
	for _, f := range s.forms {
		if f.Code == code {
			return f.Title.In(s.lang)
		}
	}
	return ""
}
