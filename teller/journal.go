package teller

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
	"guitai/widgets"
)

// JournalSource is the ledger as the journal screen and the receipts see
// it; *ledger.Store implements it.
type JournalSource interface {
	ReceiptStore
	Journal(ctx context.Context, f ledger.JournalFilter) ([]ledger.JournalEntry, error)
	SerialByKey(ctx context.Context, key string) (string, error)
}

// journalScreen is the electronic journal shown in the form host: the
// filter, the entries, the selected entry's detail and what can be done
// with it.
type journalScreen struct {
	date, teller, txn, account, serial *widget.Entry
	query                              *widget.Button

	table   *widget.Table
	entries []ledger.JournalEntry
	count   *widget.Label

	entry    *ledger.JournalEntry // the selected entry, with its postings
	receipt  *ledger.QueuedReceipt
	detail   *widget.Label
	reverse  *widget.Button
	reprint  *widget.Button
	preview  *widget.Button
	form     *widget.Button // reopens the entry's form as posted
	posted   *widgets.Form  // that form while its dialog is open
	selected int            // row of the selected entry, -1 for none
}

// journalColumns are the table's columns: caption, least width, and the
// width fitJournal last gave the column to show its caption and every
// cell whole in the theme's text size (what the screenshots check).
var journalColumns = []struct {
	zh, en string
	min    float32
	width  float32
}{
	{"流水号", "Serial", 150, 150},
	{"时间", "Time", 72, 72},
	{"交易", "Transaction", 120, 120},
	{"账号", "Account", 150, 150},
	{"金额", "Amount", 110, 110},
	{"柜员", "Teller", 64, 64},
	{"授权", "Auth.", 64, 64},
	{"状态", "Status", 80, 80},
}

// maxJournalColumn bounds a journal column's width at text scale 1: a
// longer cell is cut with an ellipsis.
const maxJournalColumn = 360

// fitJournal sizes each column to its caption and its widest cell, measured
// in the theme's text size, as widgets' tables do.
func (s *Shell) fitJournal(j *journalScreen) {
	th := fyne.CurrentApp().Settings().Theme()
	size, pad := th.Size(theme.SizeNameText), 2*th.Size(theme.SizeNameInnerPadding)
	for i := range journalColumns {
		c := &journalColumns[i]
		w := max(c.min, fyne.MeasureText(s.t(c.zh, c.en), size, fyne.TextStyle{Bold: true}).Width+pad)
		for _, e := range j.entries {
			w = max(w, fyne.MeasureText(s.journalCell(e, i), size, fyne.TextStyle{}).Width+pad)
		}
		c.width = float32(math.Ceil(float64(min(w, maxJournalColumn*textScale()))))
		j.table.SetColumnWidth(i, c.width)
	}
}

// journalCell is the text of an entry's cell in column col.
func (s *Shell) journalCell(e ledger.JournalEntry, col int) string {
	switch col {
	case 0:
		return e.Serial
	case 1:
		return e.Time.Local().Format("15:04:05")
	case 2:
		return e.TxnCode + " " + s.txnTitle(e.TxnCode)
	case 3:
		return e.Account
	case 4:
		return e.Amount.Grouped()
	case 5:
		return e.Teller
	case 6:
		return e.Authorizer
	case 7:
		return s.entryState(e)
	}
	return ""
}

// ShowJournal shows the electronic journal in the form host: filter by
// date (the business date), teller (the signed-on one), transaction,
// account and serial; select an entry to see its detail, reverse it
// through the reversal form, reprint its receipt as a copy or preview it.
func (s *Shell) ShowJournal() {
	if s.cfg.Journal == nil {
		s.inform(s.t("电子流水", "Journal"), s.t("未连接账务数据库", "No ledger is connected"))
		return
	}
	if s.form.current != nil {
		s.close()
	}
	j := &journalScreen{selected: -1}
	s.rx.journal = j
	date := s.cfg.BusinessDate
	if date == "" {
		date = dsl.Today().Format("2006-01-02")
	}
	entry := func(text, hint string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(hint)
		e.OnSubmitted = func(string) { s.queryJournal() }
		return e
	}
	j.date = entry(date, "YYYY-MM-DD")
	j.teller = entry(s.cfg.Teller, s.t("全部", "all"))
	j.txn = entry("", s.t("交易码，如 1401", "code, e.g. 1401"))
	j.account = entry("", s.t("账号", "account"))
	j.serial = entry("", s.t("流水号", "serial"))
	j.query = widget.NewButtonWithIcon(s.t("查询", "Search"), theme.SearchIcon(), s.queryJournal)
	j.query.Importance = widget.HighImportance
	field := func(zh, en string, e *widget.Entry) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(s.t(zh, en)), nil, e)
	}
	filters := container.NewGridWithColumns(3,
		field("日期", "Date", j.date), field("柜员", "Teller", j.teller), field("交易", "Txn", j.txn),
		field("账号", "Account", j.account), field("流水号", "Serial", j.serial),
		container.NewHBox(j.query))

	j.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(j.entries), len(journalColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row >= len(j.entries) {
				l.SetText("")
				return
			}
			e := j.entries[id.Row]
			l.Alignment = fyne.TextAlignLeading
			l.Importance = widget.MediumImportance
			switch id.Col {
			case 4:
				l.Alignment = fyne.TextAlignTrailing
			case 7:
				if e.Reversed() || e.ReversalOf != "" {
					l.Importance = widget.WarningImportance
				}
			}
			l.SetText(s.journalCell(e, id.Col))
		})
	j.table.ShowHeaderColumn = false
	j.table.CreateHeader = func() fyne.CanvasObject { return bold("") }
	j.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(journalColumns) {
			c := journalColumns[id.Col]
			o.(*widget.Label).SetText(s.t(c.zh, c.en))
		}
	}
	s.fitJournal(j)
	j.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(j.entries) && id.Row != j.selected {
			j.selected = id.Row
			s.selectEntry(j.entries[id.Row].Serial)
		}
	}
	j.count = widget.NewLabel("")
	j.count.Importance = widget.LowImportance

	j.detail = widget.NewLabel(s.t("选择一笔流水查看明细", "Select an entry to see its detail"))
	j.detail.Wrapping = fyne.TextWrapWord
	j.reverse = widget.NewButtonWithIcon(s.t("冲正", "Reverse"), theme.ContentUndoIcon(), s.reverseSelected)
	j.reverse.Importance = widget.DangerImportance
	j.reprint = widget.NewButtonWithIcon(s.t("补打凭条", "Reprint"), theme.DocumentPrintIcon(), s.reprintSelected)
	j.preview = widget.NewButtonWithIcon(s.t("凭条预览", "Preview"), theme.VisibilityIcon(), func() {
		if j.entry != nil && j.receipt != nil {
			s.previewSerial(j.entry.Serial, j.receipt.Status == ledger.ReceiptPrinted)
		}
	})
	queue := widget.NewButtonWithIcon(s.t("补打队列", "Reprint queue"), theme.ListIcon(), s.ShowReprintQueue)
	j.form = widget.NewButtonWithIcon(s.t("原表单", "Form as posted"), theme.DocumentIcon(), s.showPostedForm)
	j.enableActions()
	actions := container.NewHBox(j.reverse, j.reprint, j.preview, j.form, widget.NewSeparator(), queue)
	detail := container.NewBorder(widget.NewSeparator(), actions, nil, nil, container.NewVScroll(j.detail))
	split := container.NewVSplit(container.NewBorder(nil, j.count, nil, nil, j.table), detail)
	split.Offset = 0.6

	s.layout.setTitle(s.t("电子流水", "Electronic journal"))
	s.layout.show(container.NewBorder(container.NewVBox(filters, widget.NewSeparator()), nil, nil, nil, split))
	s.queryJournal()
}

// entryState says whether an entry stands, was reversed or is a reversal.
func (s *Shell) entryState(e ledger.JournalEntry) string {
	switch {
	case e.Reversed():
		return s.t("已冲正", "Reversed")
	case e.ReversalOf != "":
		return s.t("冲正交易", "Reversal")
	}
	return s.t("正常", "Posted")
}

// journalFilter reads the filter fields.
func (j *journalScreen) filter() ledger.JournalFilter {
	return ledger.JournalFilter{
		Date: strings.TrimSpace(j.date.Text), Teller: strings.TrimSpace(j.teller.Text),
		Txn: strings.TrimSpace(j.txn.Text), Account: strings.TrimSpace(j.account.Text),
		Serial: strings.TrimSpace(j.serial.Text),
	}
}

// queryJournal runs the filter off the UI goroutine and shows the entries.
func (s *Shell) queryJournal() {
	j := s.rx.journal
	if j == nil {
		return
	}
	f := j.filter()
	src := s.cfg.Journal
	background(func() {
		entries, err := src.Journal(context.Background(), f)
		fyne.Do(func() {
			if err != nil {
				s.showErr(err)
				return
			}
			j.entries = entries
			s.fitJournal(j)
			j.selected, j.entry, j.receipt = -1, nil, nil
			j.table.UnselectAll()
			j.table.Refresh()
			j.table.ScrollToTop()
			j.count.SetText(fmt.Sprintf(s.t("共 %d 笔", "%d entries"), len(entries)))
			j.detail.SetText(s.t("选择一笔流水查看明细", "Select an entry to see its detail"))
			j.enableActions()
		})
	})
}

// selectEntry loads an entry's postings and receipt and shows its detail.
func (s *Shell) selectEntry(serial string) {
	j := s.rx.journal
	src := s.cfg.Journal
	background(func() {
		ctx := context.Background()
		e, err := src.Entry(ctx, serial)
		var rcpt *ledger.QueuedReceipt
		if err == nil {
			r, rerr := src.Receipt(ctx, serial)
			switch {
			case rerr == nil:
				rcpt = &r
			case ledger.CodeOf(rerr) != "E_RECEIPT_UNKNOWN":
				err = rerr
			}
		}
		fyne.Do(func() {
			if err != nil {
				s.showErr(err)
				return
			}
			if s.rx.journal != j {
				return // the screen was left meanwhile
			}
			j.entry, j.receipt = &e, rcpt
			j.detail.SetText(s.entryDetail(e, rcpt))
			j.enableActions()
		})
	})
}

// enableActions enables what can be done with the selected entry.
func (j *journalScreen) enableActions() {
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(j.reverse, j.entry != nil && j.entry.CanReverse())
	set(j.reprint, j.entry != nil && j.receipt != nil)
	set(j.preview, j.entry != nil && j.receipt != nil)
	set(j.form, j.entry != nil)
}

// valueLabels caption the common returned values in the detail.
var valueLabels = map[string][2]string{
	"acct_name":    {"户名", "Name"},
	"balance":      {"余额", "Balance"},
	"payer_name":   {"付款人", "Payer"},
	"payee_holder": {"收款人", "Payee"},
	"account_no":   {"账号", "Account"},
	"customer_id":  {"客户号", "Customer"},
	"orig_code":    {"原交易码", "Original code"},
	"orig_amount":  {"原金额", "Original amount"},
	"orig_account": {"原账号", "Original account"},
	"box_balance":  {"尾箱余额", "Box balance"},
	"over_short":   {"长短款", "Over/short"},
}

// isMoneyKey reports whether a returned value is an amount in fen.
func isMoneyKey(k string) bool {
	for _, m := range []string{"balance", "amount", "cash_in", "cash_out", "opening", "expected", "counted", "over_short"} {
		if strings.Contains(k, m) {
			return true
		}
	}
	return false
}

// entryDetail describes an entry: who, what, the returned values, the
// postings, the reversal links and the receipt.
func (s *Shell) entryDetail(e ledger.JournalEntry, r *ledger.QueuedReceipt) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("%s %s    %s %s    %s %s", s.t("流水号", "Serial"), e.Serial, s.t("营业日期", "Business date"), e.BusinessDate,
		s.t("时间", "Time"), e.Time.Local().Format("15:04:05"))
	auth := e.Authorizer
	if auth == "" {
		auth = "—"
	}
	line("%s %s %s    %s %s    %s %s    %s %s", s.t("交易", "Transaction"), e.TxnCode, s.txnTitle(e.TxnCode),
		s.t("柜员", "Teller"), e.Teller, s.t("终端", "Terminal"), e.Terminal, s.t("授权", "Authorizer"), auth)
	if e.Account != "" || e.Amount != 0 {
		line("%s %s    %s ¥%s", s.t("账号", "Account"), e.Account, s.t("金额", "Amount"), e.Amount.Grouped())
	}
	// The form it was posted with: its version, and the release package
	// when not the built-in one.
	form := e.FormID + " " + e.FormVersion
	if e.PackageRef != "" {
		form += "    " + s.t("发布包", "Package") + " " + e.PackageRef
	}
	line("%s %s", s.t("表单", "Form"), form)
	switch {
	case e.Reversed():
		line(s.t("状态：已冲正，冲正流水 %s", "Status: reversed by %s"), e.ReversedBy)
	case e.ReversalOf != "":
		line(s.t("状态：冲正交易，原流水 %s", "Status: reversal of %s"), e.ReversalOf)
	case e.Reversible:
		line("%s", s.t("状态：正常，可冲正", "Status: posted, reversible"))
	default:
		line("%s", s.t("状态：正常（不可冲正）", "Status: posted (not reversible)"))
	}
	if e.Result != nil && len(e.Result.Values) > 0 {
		keys := make([]string, 0, len(e.Result.Values))
		for k := range e.Result.Values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			v := e.Result.Values[k]
			if n, ok := v.(int64); ok && isMoneyKey(k) {
				v = money.Fen(n).Grouped()
			}
			if l, ok := valueLabels[k]; ok {
				k = s.t(l[0], l[1])
			}
			parts = append(parts, fmt.Sprintf("%s: %v", k, v))
		}
		line("%s %s", s.t("返回值", "Values"), strings.Join(parts, " · "))
	}
	if len(e.Postings) > 0 {
		line("%s", s.t("会计分录", "Postings"))
		for _, p := range e.Postings {
			side, amt := s.t("借", "Dr"), p.Amount
			if amt < 0 {
				side, amt = s.t("贷", "Cr"), -amt
			}
			line("  %d  %-20s %s %s", p.Line, p.Book, side, amt.Grouped())
		}
	}
	switch {
	case r == nil:
		line("%s", s.t("凭条：无", "Receipt: none"))
	case r.Status == ledger.ReceiptPrinted && r.Copies > 0:
		line(s.t("凭条：已打印（%d 次），补打副本 %d 份", "Receipt: printed (tried %d×), %d counted copies"), r.Attempts, r.Copies)
	case r.Status == ledger.ReceiptPrinted:
		line(s.t("凭条：已打印（%d 次）", "Receipt: printed (tried %d×)"), r.Attempts)
	default:
		line(s.t("凭条：待打印（已试 %d 次）", "Receipt: waiting to print (tried %d×)"), r.Attempts)
	}
	return strings.TrimRight(b.String(), "\n")
}

// reverseSelected opens the reversal form with the selected entry filled
// in; the teller gives the reason and submits it the usual way
// (confirmation, supervisor authorization).
func (s *Shell) reverseSelected() {
	j := s.rx.journal
	if j == nil || j.entry == nil || !j.entry.CanReverse() {
		return
	}
	e := *j.entry
	if err := s.Open("reversal"); err != nil {
		s.showErr(err)
		return
	}
	s.rx.journal = nil
	f := s.Current()
	tx := f.Scope.Begin()
	tx.Set("orig_serial", e.Serial)
	tx.Set("orig_date", e.BusinessDate)
	tx.Set("orig_account", e.Account)
	tx.Set("orig_amount", e.Amount)
	if err := tx.Commit(); err != nil {
		s.showErr(err)
	}
}

// openReprint opens 1903 凭条补打 for the receipt of serial.
func (s *Shell) openReprint(serial string) {
	if err := s.Open("receipt_reprint"); err != nil {
		s.showErr(err)
		return
	}
	s.rx.journal = nil
	if err := s.Current().Scope.Set("orig_serial", serial); err != nil {
		s.showErr(err)
	}
}

// reprintSelected prints the selected entry's receipt again: the
// original when it is still queued; when it printed before, a copy is a
// posting of its own (1903 凭条补打, counted and audited by the ledger),
// so the form opens with the entry filled in and the teller gives the
// reason.
func (s *Shell) reprintSelected() {
	j := s.rx.journal
	rec := s.receiptService()
	if j == nil || j.entry == nil || rec == nil {
		return
	}
	serial := j.entry.Serial
	if j.receipt != nil && j.receipt.Status == ledger.ReceiptPrinted && s.formByID("receipt_reprint") != nil {
		s.openReprint(serial)
		return
	}
	background(func() {
		copy, err := rec.Reprint(context.Background(), serial)
		var queued int
		if err != nil {
			if q, qerr := rec.Store.ReceiptQueue(context.Background(), s.cfg.Teller); qerr == nil {
				queued = len(q)
			}
		}
		fyne.Do(func() {
			switch {
			case err != nil && copy:
				s.summary.say(s.t("副本未打印：", "Copy not printed: ") + s.deviceReason(err))
			case err != nil:
				s.summary.say(s.printOutcome(err, queued))
			case copy:
				s.summary.say(s.t("已补打凭条副本 ", "Copy printed: ") + serial)
			default:
				s.summary.say(s.t("凭条已打印 ", "Receipt printed: ") + serial)
			}
			if s.rx.journal == j && j.entry != nil && j.entry.Serial == serial {
				s.selectEntry(serial) // the receipt's state changed
			}
		})
	})
}
