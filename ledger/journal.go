package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"guitai/money"
)

// JournalFilter selects journal entries. Empty fields match everything;
// Txn matches the transaction code (1401) or the form id (cash_deposit).
// Limit 0 means DefaultJournalLimit.
type JournalFilter struct {
	Date, Teller, Txn, Account, Serial string
	Limit                              int
}

// DefaultJournalLimit is how many entries Journal returns when the filter
// sets no limit.
const DefaultJournalLimit = 200

// JournalEntry is one journal row: who posted what, when, and how it is
// linked to a reversal. Postings is filled by Entry only.
type JournalEntry struct {
	Serial       string    `db:"serial"`
	BusinessDate string    `db:"business_date"`
	Time         time.Time `db:"-"`
	Teller       string    `db:"teller"`
	Authorizer   string    `db:"authorizer"`
	Terminal     string    `db:"terminal"`
	TxnCode      string    `db:"txn_code"`
	FormID       string    `db:"form_id"`
	FormVersion  string    `db:"form_version"`
	// PackageRef names the release package the entry was posted with
	// ("ID@VERSION"); "" for the built-in forms.
	PackageRef string `db:"package_ref"`
	// PackageDigest is that package's SM3 digest ("" for the built-in
	// forms): with FormID and FormVersion, what Releases.FormOf takes to
	// give back the exact form the entry was posted with.
	PackageDigest string    `db:"package_digest"`
	Account       string    `db:"account"`
	Amount        money.Fen `db:"amount"`
	Reversible    bool      `db:"reversible"`
	ReversalOf    string    `db:"reversal_of"` // the entry this one reverses
	ReversedBy    string    `db:"reversed_by"` // the reversal of this entry
	// Result is the stored result: the catalog transaction id and the
	// returned values. Numbers come back as int64 (money in fen).
	Result   *Result   `db:"-"`
	Postings []Posting `db:"-"`
}

// Reversed reports whether the entry has been reversed.
func (e JournalEntry) Reversed() bool { return e.ReversedBy != "" }

// CanReverse reports whether the entry may still be reversed: it is
// reversible, not reversed yet, and is not itself a reversal.
func (e JournalEntry) CanReverse() bool {
	return e.Reversible && e.ReversedBy == "" && e.ReversalOf == ""
}

// Txn is the catalog transaction id (cash_deposit), from the stored result
// or, failing that, the form id.
func (e JournalEntry) Txn() string {
	if e.Result != nil && e.Result.Txn != "" {
		return e.Result.Txn
	}
	return e.FormID
}

// Posting is one double-entry line of a journal entry: debit positive.
type Posting struct {
	Line   int       `db:"line"`
	Book   string    `db:"book"`
	Amount money.Fen `db:"amount"`
}

// Receipt states.
const (
	ReceiptPending = "pending"
	ReceiptPrinted = "printed"
)

// QueuedReceipt is a row of the receipts table: the receipt of a posting,
// waiting to be printed (pending) or printed.
type QueuedReceipt struct {
	Serial   string `db:"serial"`
	Teller   string `db:"teller"`
	Template string `db:"template"` // receipt template named by the catalog
	// Payload is the posting's Result as JSON; Result is it decoded
	// (numbers as int64, money in fen).
	Payload  []byte  `db:"-"`
	Result   *Result `db:"-"`
	Status   string  `db:"status"`
	Attempts int     `db:"attempts"`
	// Copies is how many counted copies were printed of it (1903
	// receipt_reprint postings).
	Copies    int       `db:"copies"`
	CreatedAt time.Time `db:"-"`
}

// journalRow is what the journal query scans, before the text columns are
// decoded.
type journalRow struct {
	JournalEntry
	AuthorizerN sql.NullString `db:"authorizer_n"`
	ReversalN   sql.NullString `db:"reversal_of_n"`
	ReversedN   sql.NullString `db:"reversed_by_n"`
	ResultText  string         `db:"result"`
	CreatedText string         `db:"created_at"`
	Rev         int64          `db:"reversible_n"`
}

const journalColumns = `serial, business_date, teller, authorizer AS authorizer_n, terminal, txn_code, form_id,
	form_version, package_ref, package_digest, account, amount, reversible AS reversible_n, reversal_of AS reversal_of_n, reversed_by AS reversed_by_n, result, created_at`

func (r journalRow) entry() (JournalEntry, error) {
	e := r.JournalEntry
	e.Authorizer, e.ReversalOf, e.ReversedBy = r.AuthorizerN.String, r.ReversalN.String, r.ReversedN.String
	e.Reversible = r.Rev != 0
	e.Time = parseStamp(r.CreatedText)
	res, err := decodeResult([]byte(r.ResultText))
	if err != nil {
		return e, errf("E_DB", "", err)
	}
	e.Result = res
	return e, nil
}

// Journal lists the entries the filter selects, newest first.
func (s *Store) Journal(ctx context.Context, f JournalFilter) ([]JournalEntry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultJournalLimit
	}
	var rows []journalRow
	err := s.selectNamed(ctx, &rows, `SELECT `+journalColumns+` FROM journal
		WHERE (CAST(:date AS TEXT) = '' OR business_date = :date)
		  AND (CAST(:teller AS TEXT) = '' OR teller = :teller)
		  AND (CAST(:txn AS TEXT) = '' OR txn_code = :txn OR form_id = :txn)
		  AND (CAST(:account AS TEXT) = '' OR account = :account)
		  AND (CAST(:serial AS TEXT) = '' OR serial = :serial)
		ORDER BY created_at DESC, serial DESC
		LIMIT :limit`,
		map[string]any{"date": f.Date, "teller": f.Teller, "txn": f.Txn, "account": f.Account, "serial": f.Serial, "limit": limit})
	if err != nil {
		return nil, wrapDB(err)
	}
	out := make([]JournalEntry, 0, len(rows))
	for _, r := range rows {
		e, err := r.entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Entry returns one journal entry with its postings and stored result;
// E_ORIG_NOT_FOUND when there is none.
func (s *Store) Entry(ctx context.Context, serial string) (JournalEntry, error) {
	var rows []journalRow
	arg := map[string]any{"serial": serial}
	if err := s.selectNamed(ctx, &rows, `SELECT `+journalColumns+` FROM journal WHERE serial = :serial`, arg); err != nil {
		return JournalEntry{}, wrapDB(err)
	}
	if len(rows) == 0 {
		return JournalEntry{}, errf("E_ORIG_NOT_FOUND", "serial", nil)
	}
	e, err := rows[0].entry()
	if err != nil {
		return e, err
	}
	if err := s.selectNamed(ctx, &e.Postings, `SELECT line, book, amount FROM postings WHERE serial = :serial ORDER BY line`, arg); err != nil {
		return e, wrapDB(err)
	}
	return e, nil
}

// receiptRow is a receipts row before its text columns are decoded.
type receiptRow struct {
	QueuedReceipt
	PayloadText string `db:"payload"`
	CreatedText string `db:"created_at"`
}

const receiptColumns = `serial, teller, template, payload, status, attempts, copies, created_at`

func (r receiptRow) receipt() (QueuedReceipt, error) {
	q := r.QueuedReceipt
	q.Payload = []byte(r.PayloadText)
	q.CreatedAt = parseStamp(r.CreatedText)
	res, err := decodeResult(q.Payload)
	if err != nil {
		return q, errf("E_DB", "", err)
	}
	q.Result = res
	return q, nil
}

// Receipt returns the receipt of a journal entry; E_RECEIPT_UNKNOWN when
// the entry has none.
func (s *Store) Receipt(ctx context.Context, serial string) (QueuedReceipt, error) {
	var rows []receiptRow
	if err := s.selectNamed(ctx, &rows, `SELECT `+receiptColumns+` FROM receipts WHERE serial = :serial`,
		map[string]any{"serial": serial}); err != nil {
		return QueuedReceipt{}, wrapDB(err)
	}
	if len(rows) == 0 {
		return QueuedReceipt{}, errf("E_RECEIPT_UNKNOWN", "serial", nil)
	}
	return rows[0].receipt()
}

// ReceiptQueue lists the teller's receipts waiting to be printed, oldest
// first (the order they are retried in).
func (s *Store) ReceiptQueue(ctx context.Context, teller string) ([]QueuedReceipt, error) {
	var rows []receiptRow
	if err := s.selectNamed(ctx, &rows, `SELECT `+receiptColumns+` FROM receipts
		WHERE teller = :teller AND status = 'pending' ORDER BY created_at, serial`,
		map[string]any{"teller": teller}); err != nil {
		return nil, wrapDB(err)
	}
	out := make([]QueuedReceipt, 0, len(rows))
	for _, r := range rows {
		q, err := r.receipt()
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// ReceiptFailed records a failed print attempt: the attempt is counted and
// the receipt stays in the queue. A printed receipt is left alone.
func (s *Store) ReceiptFailed(ctx context.Context, serial string) error {
	return wrapDB(s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE receipts SET attempts = attempts + 1 WHERE serial = :serial AND status = 'pending'`,
			map[string]any{"serial": serial})
		return err
	}))
}

// SerialByKey returns the serial of the journal entry posted with an
// idempotency key, or "" when none was.
func (s *Store) SerialByKey(ctx context.Context, key string) (string, error) {
	var out []string
	if err := s.selectNamed(ctx, &out, `SELECT serial FROM journal WHERE idem_key = :key`, map[string]any{"key": key}); err != nil {
		return "", wrapDB(err)
	}
	if len(out) == 0 {
		return "", nil
	}
	return out[0], nil
}

// selectNamed runs a named-parameter query outside a transaction.
func (s *Store) selectNamed(ctx context.Context, dest any, query string, arg map[string]any) error {
	q, args, err := sqlx.Named(query, arg)
	if err != nil {
		return err
	}
	return s.db.SelectContext(ctx, dest, s.db.Rebind(q), args...)
}

// decodeResult decodes a stored Result; whole numbers become int64.
func decodeResult(b []byte) (*Result, error) {
	r := &Result{}
	if len(bytes.TrimSpace(b)) == 0 {
		return r, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(r); err != nil {
		return nil, err
	}
	for k, v := range r.Values {
		r.Values[k] = fromNumber(v)
	}
	for k, v := range r.Params {
		r.Params[k] = fromNumber(v)
	}
	for _, rows := range r.Rows {
		for _, row := range rows {
			for k, v := range row {
				row[k] = fromNumber(v)
			}
		}
	}
	return r, nil
}

func fromNumber(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	if f, err := n.Float64(); err == nil {
		return f
	}
	return n.String()
}

// parseStamp reads a created_at stamp (RFC 3339); zero when malformed.
func parseStamp(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
