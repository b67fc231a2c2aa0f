package ledger_test

import (
	"context"
	"encoding/json"
	"testing"

	"guitai/ledger"
	"guitai/money"
)

func TestJournalRead(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		d1 := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "100.00"})
		d2 := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A2, "amount": "250.50"})
		w := e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": A2, "amount": "30.00"})
		o := e.must(t, "cash_deposit", T2, nil, map[string]any{"account": A3, "amount": "5.00"})
		rev := e.must(t, "reversal", T1, sup(), map[string]any{"orig_serial": d1.Serial, "orig_date": bizDate, "reason": "金额录错"})

		serials := func(es []ledger.JournalEntry) []string {
			var out []string
			for _, x := range es {
				out = append(out, x.Serial)
			}
			return out
		}
		tests := []struct {
			name string
			f    ledger.JournalFilter
			want []string
		}{
			{"teller's day, newest first", ledger.JournalFilter{Date: bizDate, Teller: T1}, []string{rev.Serial, w.Serial, d2.Serial, d1.Serial}},
			{"other day", ledger.JournalFilter{Date: "2026-11-22"}, nil},
			{"by teller", ledger.JournalFilter{Teller: T2}, []string{o.Serial}},
			{"by code", ledger.JournalFilter{Txn: "1401"}, []string{o.Serial, d2.Serial, d1.Serial}},
			{"by form id", ledger.JournalFilter{Txn: "cash_withdrawal"}, []string{w.Serial}},
			{"by account", ledger.JournalFilter{Account: A2}, []string{w.Serial, d2.Serial}},
			{"by serial", ledger.JournalFilter{Serial: d2.Serial}, []string{d2.Serial}},
			{"limit", ledger.JournalFilter{Teller: T1, Limit: 2}, []string{rev.Serial, w.Serial}},
			{"combined", ledger.JournalFilter{Teller: T1, Account: A2, Txn: "1401"}, []string{d2.Serial}},
		}
		for _, tt := range tests {
			got, err := e.store.Journal(ctx, tt.f)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if g := serials(got); !equal(g, tt.want) {
				t.Errorf("%s: got %v, want %v", tt.name, g, tt.want)
			}
		}

		all, err := e.store.Journal(ctx, ledger.JournalFilter{Serial: d2.Serial})
		if err != nil || len(all) != 1 {
			t.Fatal(err, len(all))
		}
		x := all[0]
		if x.Amount != money.MustParse("250.50") || x.Account != A2 || x.TxnCode != "1401" || x.Txn() != "cash_deposit" ||
			x.Teller != T1 || x.Terminal != "T-01" || x.BusinessDate != bizDate || x.Time.IsZero() || !x.CanReverse() {
			t.Errorf("entry %+v", x)
		}
		if got, want := x.Result.Values["balance"], int64(d2.Values["balance"].(money.Fen)); got != want {
			t.Errorf("stored balance %v (%T), posting returned %d", got, got, want)
		}

		// The reversed entry and its reversal point at each other.
		orig, err := e.store.Entry(ctx, d1.Serial)
		if err != nil {
			t.Fatal(err)
		}
		if !orig.Reversed() || orig.ReversedBy != rev.Serial || orig.CanReverse() {
			t.Errorf("original: reversed_by %q, can reverse %v", orig.ReversedBy, orig.CanReverse())
		}
		if len(orig.Postings) != 2 || orig.Postings[0].Line != 1 ||
			orig.Postings[0].Amount+orig.Postings[1].Amount != 0 || orig.Postings[1].Book != A1 ||
			orig.Postings[1].Amount != -money.MustParse("100") {
			t.Errorf("postings %+v", orig.Postings)
		}
		r, err := e.store.Entry(ctx, rev.Serial)
		if err != nil {
			t.Fatal(err)
		}
		if r.ReversalOf != d1.Serial || r.Authorizer != SUP || r.CanReverse() || r.Txn() != "reversal" || r.Amount != money.MustParse("100") {
			t.Errorf("reversal entry %+v", r)
		}
		if _, err := e.store.Entry(ctx, "209901010101000001"); ledger.CodeOf(err) != "E_ORIG_NOT_FOUND" {
			t.Errorf("unknown serial: %v", err)
		}
	})
}

func TestReceiptQueue(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		d1 := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "100.00"})
		d2 := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A2, "amount": "20.00"})
		e.must(t, "cash_deposit", T2, nil, map[string]any{"account": A3, "amount": "5.00"})
		e.must(t, "balance_inquiry", T1, nil, map[string]any{"account": A1}) // journaled, no receipt

		q, err := e.store.ReceiptQueue(ctx, T1)
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 2 || q[0].Serial != d1.Serial || q[1].Serial != d2.Serial {
			t.Fatalf("queue %+v", q)
		}
		r := q[0]
		if r.Template != "deposit" || r.Status != ledger.ReceiptPending || r.Attempts != 0 || r.Teller != T1 || r.CreatedAt.IsZero() {
			t.Errorf("queued %+v", r)
		}
		var payload ledger.Result
		if err := json.Unmarshal(r.Payload, &payload); err != nil || payload.Serial != d1.Serial {
			t.Errorf("payload %s: %v", r.Payload, err)
		}
		if r.Result.Txn != "cash_deposit" || r.Result.Values["acct_name"] == "" || r.Result.Values["balance"] != e.balance(t, A1) {
			t.Errorf("decoded result %+v", r.Result)
		}

		steps := []struct {
			name     string
			do       func() error
			attempts int
			status   string
			queued   int
		}{
			{"failed once", func() error { return e.store.ReceiptFailed(ctx, d1.Serial) }, 1, ledger.ReceiptPending, 2},
			{"failed twice", func() error { return e.store.ReceiptFailed(ctx, d1.Serial) }, 2, ledger.ReceiptPending, 2},
			{"printed", func() error { return e.store.MarkPrinted(ctx, d1.Serial) }, 3, ledger.ReceiptPrinted, 1},
			{"a late failure leaves it printed", func() error { return e.store.ReceiptFailed(ctx, d1.Serial) }, 3, ledger.ReceiptPrinted, 1},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			got, err := e.store.Receipt(ctx, d1.Serial)
			if err != nil {
				t.Fatal(err)
			}
			if got.Attempts != st.attempts || got.Status != st.status {
				t.Errorf("%s: attempts %d status %s, want %d %s", st.name, got.Attempts, got.Status, st.attempts, st.status)
			}
			if q, _ := e.store.ReceiptQueue(ctx, T1); len(q) != st.queued {
				t.Errorf("%s: %d queued, want %d", st.name, len(q), st.queued)
			}
		}
		inq, err := e.store.Journal(ctx, ledger.JournalFilter{Txn: "balance_inquiry"})
		if err != nil || len(inq) != 1 {
			t.Fatal(err)
		}
		if _, err := e.store.Receipt(ctx, inq[0].Serial); ledger.CodeOf(err) != "E_RECEIPT_UNKNOWN" {
			t.Errorf("receipt of an inquiry: %v", err)
		}
	})
}

func TestSerialByKey(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		res, err := e.exec.Submit(ctx, ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "T-01", Key: "window#1",
			Values: map[string]any{"account": A1, "amount": "1.00"}})
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]string{"window#1": res.Serial, "window#2": ""} {
			got, err := e.store.SerialByKey(ctx, key)
			if err != nil || got != want {
				t.Errorf("SerialByKey(%q) = %q, %v; want %q", key, got, err, want)
			}
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSerialSequence: serials count up by one per branch and business date
// on both databases, whichever way each allocates them (SQLite reads the
// day's last serial, PostgreSQL locks a counter row); a refused posting
// leaves no gap, and a new business date starts again at 1.
func TestSerialSequence(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		deposit := func(teller, account string) (string, error) {
			r, err := e.post("cash_deposit", teller, nil, map[string]any{"account": account, "amount": "1.00"})
			if err != nil {
				return "", err
			}
			return r.Serial, nil
		}
		want := func(teller, account, serial string) {
			t.Helper()
			got, err := deposit(teller, account)
			if err != nil || got != serial {
				t.Fatalf("%s deposits: serial %q, %v; want %s", teller, got, err, serial)
			}
		}
		// The demo seed opened each branch's day with serial 1.
		want(T1, A1, "202611230101000002")
		want(T2, A2, "202611230101000003")
		if _, err := deposit(T1, ledger.AccountNumber("0101", 9999)); ledger.CodeOf(err) != "E_ACCOUNT_UNKNOWN" {
			t.Fatalf("deposit to an unknown account: %v", err)
		}
		want(T1, A1, "202611230101000004")
		want("010201", A1, "202611230102000002") // branch 0102 counts on its own
		if err := e.store.SetBusinessDate(ctx, "0101", "2026-11-24"); err != nil {
			t.Fatal(err)
		}
		want(T1, A1, "202611240101000001")
		want(T1, A1, "202611240101000002")
		want("010201", A1, "202611230102000003")
	})
}
