package ledger_test

import (
	"context"
	"strings"
	"testing"

	"guitai/assets"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

func formByID(t testing.TB, id string) *dsl.Form {
	t.Helper()
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("no form %s", id)
	return nil
}

// TestLookup runs the read-only transactions the forms fill themselves
// from, and checks they see what a posting would see but change nothing.
func TestLookup(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		look := func(txn, teller string, vals map[string]any) (*ledger.Result, error) {
			return e.exec.Lookup(ctx, ledger.Request{Txn: txn, Values: vals, Teller: teller, Terminal: "T-01"})
		}
		r, err := look("account_lookup", T1, map[string]any{"account": A1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Values["acct_name"] == "" || r.Values["balance"] != money.Fen(e.balance(t, A1)) || r.Serial != "" {
			t.Fatalf("account_lookup %+v, balance %d", r, e.balance(t, A1))
		}
		_, err = look("account_lookup", T1, map[string]any{"account": ledger.AccountNumber("0101", 99999)})
		if le, ok := err.(*ledger.Error); !ok || le.Code != "E_ACCOUNT_UNKNOWN" || le.Field != "account" {
			t.Fatalf("unknown account: %v", err)
		}
		if _, err := look("cash_deposit", T1, map[string]any{"account": A1, "amount": "1.00"}); ledger.CodeOf(err) != "E_NOT_LOOKUP" {
			t.Fatalf("a posting txn as a lookup: %v", err)
		}

		// T2 has posted nothing today: the summary shows the box a
		// posting would open, and the lookup leaves no box behind.
		boxes := e.count(t, "cash_boxes")
		r, err = look("cashbox_summary", T2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Values["expected"] != money.Fen(0) || r.Values["biz_date"] != bizDate || e.count(t, "cash_boxes") != boxes {
			t.Fatalf("empty day %+v, boxes %d -> %d", r.Values, boxes, e.count(t, "cash_boxes"))
		}

		e.must(t, "cashbox_allocate", T1, nil, allocate("100.00", 1))
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "25.00"})
		e.must(t, "cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": "5.00"})
		journal, counters := e.count(t, "journal"), e.count(t, "counters")
		r, err = look("cashbox_summary", T1, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"opening": money.Fen(0), "cash_in": money.Fen(12500), "cash_out": money.Fen(500),
			"expected": money.Fen(12000), "box_balance": money.Fen(12000), "txn_count": int64(3)}
		for k, v := range want {
			if got := r.Values[k]; got != v {
				if n, ok := got.(int); !ok || int64(n) != v {
					t.Errorf("%s = %v (%T), want %v", k, got, got, v)
				}
			}
		}
		if rows := r.Rows["summary_rows"]; len(rows) != 3 {
			t.Errorf("summary rows %v", rows)
		}
		if e.count(t, "journal") != journal || e.count(t, "counters") != counters {
			t.Fatal("a lookup wrote to the ledger")
		}
		e.books(t)
	})
}

// TestSubmitHookDayEndAuthorization: the day-end form's catalog entry says
// "authorize": "never" while a step asks for authorization when the cash
// counted differs; the hook must pass the supervisor along.
func TestSubmitHookDayEndAuthorization(t *testing.T) {
	e := newEnv(t, "sqlite")
	f := formByID(t, "day_end_balance")
	var give *ledger.Credentials
	asked := 0
	hook := e.exec.SubmitHook(func() ledger.Session { return ledger.Session{Teller: T1, Terminal: "T-01"} },
		func(*dsl.Form, map[string]any) (*ledger.Credentials, error) { asked++; return give, nil }, nil)
	e.must(t, "cashbox_allocate", T1, nil, allocate("100.00", 1))
	short := map[string]any{"n50": int64(1), "diff_reason": "点钞差错短款"}
	if _, err := hook(f, short); ledger.CodeOf(err) != "E_AUTH_REQUIRED" || asked != 1 {
		t.Fatalf("difference without a supervisor: %v, asked %d", err, asked)
	}
	give = sup()
	short[ledger.KeyField] = "day-end-1"
	r, err := hook(f, short)
	if err != nil || r.Authorizer != SUP || r.Values["over_short"] != money.Fen(-5000) {
		t.Fatalf("difference with a supervisor: %+v, %v", r, err)
	}
	e.books(t)
}

// TestResultKeepsWhatWasPosted: the journal's result (and so the queued
// receipt) keeps the params posted, an ID number masked, so a receipt
// reprinted after a restart still shows the memo.
func TestResultKeepsWhatWasPosted(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.must(t, "cashbox_allocate", T1, nil, allocate("100000.00", 1000))
	r := e.must(t, "cash_deposit", T1, sup(), map[string]any{"account": A1, "amount": "60000", "memo": "货款",
		"depositor_name": "王伟", "depositor_id": "11010519491231002X", "fund_source": "salary"})
	if r.Params["memo"] != "货款" || r.Params["depositor_id"] != "110105********002X" {
		t.Fatalf("params %v", r.Params)
	}
	q, err := e.store.Receipt(context.Background(), r.Serial)
	if err != nil {
		t.Fatal(err)
	}
	if q.Result == nil || q.Result.Params["memo"] != "货款" || q.Result.Params["depositor_id"] != "110105********002X" {
		t.Fatalf("queued receipt params %+v", q.Result)
	}
	var result string
	if err := e.store.DB().Get(&result, e.store.DB().Rebind(`SELECT result FROM journal WHERE serial = ?`), r.Serial); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(result, "11010519491231002X") {
		t.Fatalf("the journal holds the plain ID number: %s", result)
	}
}
