package ledger_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"guitai/assets"
	"guitai/internal/golden"
	"guitai/ledger"
	"guitai/money"
)

const (
	T1  = "010101" // teller, branch 0101
	T2  = "010102" // teller, branch 0101
	SUP = "010199" // supervisor, branch 0101
)

var (
	A1 = ledger.AccountNumber("0101", 1)
	A2 = ledger.AccountNumber("0101", 2)
	A3 = ledger.AccountNumber("0101", 3)
)

func sup() *ledger.Credentials { return &ledger.Credentials{ID: SUP, Password: ledger.DemoPassword} }

func key() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// post submits txn as teller. A cash handover (vals name a handover_id)
// carries that user's confirmation, as dual control asks
// (TestDualControl tests its absence).
func (e *env) post(txn, teller string, auth *ledger.Credentials, vals map[string]any) (*ledger.Result, error) {
	req := ledger.Request{Txn: txn, Values: vals, Teller: teller, Terminal: "T-01", Authorizer: auth, Key: key()}
	if id, ok := vals["handover_id"].(string); ok {
		req.Counterpart = &ledger.Credentials{ID: id, Password: ledger.DemoPassword}
	}
	return e.exec.Submit(context.Background(), req)
}

func (e *env) must(t testing.TB, txn, teller string, auth *ledger.Credentials, vals map[string]any) *ledger.Result {
	t.Helper()
	r, err := e.post(txn, teller, auth, vals)
	if err != nil {
		t.Fatalf("%s %v: %v", txn, vals, err)
	}
	return r
}

func (e *env) books(t testing.TB) ledger.Books {
	t.Helper()
	b, err := e.store.CheckBooks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !b.OK() {
		t.Fatalf("books unsound: net %d, unbalanced %v, mismatched %v", b.Net(), b.Unbalanced, b.Mismatched)
	}
	return b
}

func (e *env) balance(t testing.TB, acct string) int64 {
	t.Helper()
	var b int64
	db := e.store.DB()
	if err := db.Get(&b, db.Rebind(`SELECT balance FROM accounts WHERE number = ?`), acct); err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := e.store.DB().Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func allocate(amount string, n100 int) map[string]any {
	return map[string]any{"amount": amount, "handover_id": T2, "n100": fmt.Sprint(n100)}
}

func TestCatalogMatchesForms(t *testing.T) {
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		t.Fatal(err)
	}
	forms, err := assets.Forms()
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CheckForms(forms); err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		if f.Submit != nil && cat[f.Submit.Txn].Code != f.Code {
			t.Errorf("form %s code %s, txn %s", f.ID, f.Code, cat[f.Submit.Txn].Code)
		}
	}
}

func TestCatalogRejects(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"unknown name", `{"id":"x","code":"1","params":[],"steps":[{"sql":"SELECT :nope"}]}`, ":nope is neither"},
		{"unknown code", `{"id":"x","code":"1","steps":[{"sql":"SELECT 1","expectRows":1,"error":"E_NOPE"}]}`, "unknown error code E_NOPE"},
		{"guard without code", `{"id":"x","code":"1","steps":[{"sql":"SELECT 1","expectRows":1}]}`, "expectRows without an error code"},
		{"unknown key", `{"id":"x","code":"1","sql":"DROP TABLE accounts"}`, "unknown field"},
		{"bad type", `{"id":"x","code":"1","params":[{"name":"a","type":"float"}]}`, `unknown type "float"`},
		{"shadows context", `{"id":"x","code":"1","params":[{"name":"teller","type":"string"}]}`, "shadows a context value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ledger.LoadCatalog(fstest.MapFS{"x.txn.json": {Data: []byte(tt.json)}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCatalogPreparesAgainstSchema(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		if err := e.exec.CheckSchema(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestScenario runs one teller's day on both databases; the transcript must
// match testdata/scenario.golden byte for byte on each.
func TestScenario(t *testing.T) {
	idc := "11010119900307002" // + check char below
	idc += string(checkChar(idc))
	otherID := "11010119851111003"
	otherID += string(checkChar(otherID))
	steps := []struct {
		txn, teller string
		auth        *ledger.Credentials
		vals        map[string]any
	}{
		{"cashbox_allocate", T1, nil, allocate("10000.00", 100)},
		{"cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "500.00"}},
		{"cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": money.Fen(20000)}},
		{"transfer", T1, nil, map[string]any{"from_account": A1, "to_account": A2, "amount": "100", "payee_name": "x", "purpose": "rent"}},
		{"balance_inquiry", T1, nil, map[string]any{"account": A1}},
		{"cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": "49999.99"}},
		{"reversal", T2, sup(), map[string]any{"orig_serial": "$2", "orig_date": bizDate, "reason": "别人的流水"}},
		{"reversal", T1, sup(), map[string]any{"orig_serial": "$2", "orig_date": bizDate, "reason": "金额输错了"}},
		{"reversal", T1, sup(), map[string]any{"orig_serial": "$2", "orig_date": bizDate, "reason": "再次冲正试试"}},
		{"reversal", T1, sup(), map[string]any{"orig_serial": "$8", "orig_date": bizDate, "reason": "冲正的冲正"}},
		{"cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "60000.00"}},
		{"cash_deposit", T1, &ledger.Credentials{ID: T1, Password: ledger.DemoPassword}, map[string]any{"account": A1, "amount": "60000.00"}},
		{"cash_deposit", T1, &ledger.Credentials{ID: SUP, Password: "wrong-password"}, map[string]any{"account": A1, "amount": "60000.00"}},
		{"cash_deposit", T1, &ledger.Credentials{ID: T2, Password: ledger.DemoPassword}, map[string]any{"account": A1, "amount": "60000.00"}},
		{"cash_deposit", T1, sup(), map[string]any{"account": A1, "amount": "60000.00"}},
		{"cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": "30000.00"}},
		{"cash_withdrawal", T1, nil, map[string]any{"account": A1, "amount": "20000.01"}},
		{"open_account", T1, nil, map[string]any{"cust_name": "赵六", "idcard": idc, "gender": "m", "birth_date": "1990-03-07",
			"phone": "13800001111", "occupation": "clerk", "address": "北京", "product": "demand", "initial_deposit": "100.00"}},
		{"close_account", T1, sup(), map[string]any{"account": "$18.account_no", "idcard": idc, "reason": "moving"}},
		{"cash_withdrawal", T1, nil, map[string]any{"account": "$18.account_no", "amount": "100.00"}},
		{"close_account", T1, sup(), map[string]any{"account": "$18.account_no", "idcard": otherID, "reason": "moving"}},
		{"close_account", T1, sup(), map[string]any{"account": "$18.account_no", "idcard": idc, "reason": "moving"}},
		{"cash_deposit", T1, nil, map[string]any{"account": "$18.account_no", "amount": "1.00"}},
		{"cash_deposit", T1, nil, map[string]any{"account": "6200000000000000", "amount": "1.00"}},
		{"transfer", T1, nil, map[string]any{"from_account": A1, "to_account": A1, "amount": "1", "payee_name": "x", "purpose": "rent"}},
		{"cashbox_settle", T1, nil, map[string]any{"amount": "5000.00", "handover_id": T1, "n100": "50"}},
		{"cashbox_settle", T1, nil, map[string]any{"amount": "5000.00", "handover_id": T2, "n100": "49"}},
		{"cashbox_settle", T1, nil, map[string]any{"amount": "5000.00", "handover_id": T2, "n100": "50"}},
		{"day_end_balance", T1, nil, map[string]any{"n100": "347", "n50": "1", "n20": "2", "n5": "1", "diff_reason": ""}},
		{"day_end_balance", T1, sup(), map[string]any{"n100": "347", "n50": "1", "n20": "2", "n5": "1", "diff_reason": "短"}},
		{"day_end_balance", T1, sup(), map[string]any{"n100": "347", "n50": "1", "n20": "2", "n5": "1", "diff_reason": "点钞差错"}},
		{"cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1.00"}},
		{"cheque_deposit", T2, nil, map[string]any{"cheque_no": "12345678", "issue_date": bizDate, "amount": "88.88",
			"payer_account": A1, "payer_name": "罗涛", "payee_account": A2, "seal_ok": true}},
		{"journal_query", T2, nil, map[string]any{"date_from": bizDate, "date_to": bizDate, "teller_id": T1, "txn_code": "1402"}},
	}
	eachDB(t, func(t *testing.T, e *env) {
		var out bytes.Buffer
		results := map[int]*ledger.Result{}
		for i, st := range steps {
			vals := map[string]any{}
			for k, v := range st.vals {
				if s, ok := v.(string); ok && strings.HasPrefix(s, "$") {
					ref, field, _ := strings.Cut(s[1:], ".")
					var n int
					fmt.Sscan(ref, &n)
					if field == "" {
						v = results[n].Serial
					} else {
						v = results[n].Values[field]
					}
				}
				vals[k] = v
			}
			auth := st.auth
			if auth != nil { // credentials approve one request: new ones for each backend
				auth = &ledger.Credentials{ID: auth.ID, Password: auth.Password, Finger: auth.Finger}
			}
			r, err := e.post(st.txn, st.teller, auth, vals)
			fmt.Fprintf(&out, "%2d %-16s ", i+1, st.txn)
			if err != nil {
				fmt.Fprintf(&out, "ERR %s field=%s\n", ledger.CodeOf(err), fieldOf(err))
				continue
			}
			results[i+1] = r
			fmt.Fprintf(&out, "ok serial=%s auth=%s%s\n", r.Serial, r.Authorizer, describe(r))
		}
		b := e.books(t)
		fmt.Fprintf(&out, "books net=%d suspense=%d equity=%d\n", b.Net(), b.Suspense, b.Equity)
		golden.Check(t, filepath.Join("testdata", "scenario.golden"), out.Bytes())
	})
}

func describe(r *ledger.Result) string {
	var keys []string
	for k := range r.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&s, " %s=%v", k, r.Values[k])
	}
	for k, rows := range r.Rows {
		fmt.Fprintf(&s, " %s=%d rows", k, len(rows))
	}
	return s.String()
}

func fieldOf(err error) string {
	if e, ok := err.(*ledger.Error); ok {
		return e.Field
	}
	return "?"
}

func checkChar(first17 string) byte {
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * w[i]
	}
	return "10X98765432"[sum%11]
}

// TestBadInput: every malformed amount or account gets a coded error at its
// field, and nothing is posted.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		txn   string
		vals  map[string]any
		code  string
		field string
	}{
		{"negative", "cash_deposit", map[string]any{"account": A1, "amount": "-1"}, "E_AMOUNT_MIN", "amount"},
		{"zero", "cash_deposit", map[string]any{"account": A1, "amount": "0"}, "E_AMOUNT_MIN", "amount"},
		{"zero fen", "cash_deposit", map[string]any{"account": A1, "amount": money.Fen(0)}, "E_AMOUNT_MIN", "amount"},
		{"three decimals", "cash_deposit", map[string]any{"account": A1, "amount": "1.001"}, "E_AMOUNT_PRECISION", "amount"},
		{"full-width", "cash_deposit", map[string]any{"account": A1, "amount": "１００"}, "E_AMOUNT_SYNTAX", "amount"},
		{"exponent", "cash_deposit", map[string]any{"account": A1, "amount": "1e3"}, "E_AMOUNT_SYNTAX", "amount"},
		{"beyond int64", "cash_deposit", map[string]any{"account": A1, "amount": "92233720368547758080"}, "E_AMOUNT_RANGE", "amount"},
		{"empty", "cash_deposit", map[string]any{"account": A1, "amount": ""}, "E_REQUIRED", "amount"},
		{"missing", "cash_deposit", map[string]any{"account": A1}, "E_REQUIRED", "amount"},
		{"float", "cash_deposit", map[string]any{"account": A1, "amount": 100.0}, "E_TYPE", "amount"},
		{"unknown account", "cash_deposit", map[string]any{"account": "6201019999999999", "amount": "1"}, "E_ACCOUNT_UNKNOWN", "account"},
		{"malformed account", "cash_deposit", map[string]any{"account": "62'; DROP TABLE", "amount": "1"}, "E_ACCOUNT_SYNTAX", "account"},
		{"extra field", "cash_deposit", map[string]any{"account": A1, "amount": "1", "sql": "x"}, "E_UNKNOWN_PARAM", "sql"},
		{"unknown txn", "steal", map[string]any{}, "E_UNKNOWN_TXN", ""},
		{"insufficient", "transfer", map[string]any{"from_account": A1, "to_account": A2, "amount": "99999999", "payee_name": "x", "purpose": "p"}, "E_INSUFFICIENT_FUNDS", "amount"},
		{"bad idcard", "close_account", map[string]any{"account": A1, "idcard": "110101199003070001", "reason": "x"}, "E_IDCARD_SYNTAX", "idcard"},
		{"reverse nothing", "reversal", map[string]any{"orig_serial": "20261123010100999999", "orig_date": bizDate, "reason": "nothing"}, "E_ORIG_NOT_FOUND", "orig_serial"},
	}
	eachDB(t, func(t *testing.T, e *env) {
		e.must(t, "cashbox_allocate", T1, nil, allocate("100.00", 1))
		before, entries := e.books(t), e.count(t, "journal")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.post(tt.txn, T1, sup(), tt.vals)
				if string(ledger.CodeOf(err)) != tt.code || fieldOf(err) != tt.field {
					t.Fatalf("got %v, want %s at %q", err, tt.code, tt.field)
				}
				if after := e.books(t); after.Customer != before.Customer || after.Cash != before.Cash || e.count(t, "journal") != entries {
					t.Fatal("something was posted")
				}
			})
		}
	})
}

func TestAuthorizationLockout(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dep := map[string]any{"account": A1, "amount": "50000.01"}
		for i := 1; i <= ledger.MaxFailures; i++ {
			_, err := e.post("cash_deposit", T1, &ledger.Credentials{ID: SUP, Password: "guess"}, dep)
			if ledger.CodeOf(err) != "E_BAD_CREDENTIALS" {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, err := e.post("cash_deposit", T1, sup(), dep); ledger.CodeOf(err) != "E_USER_LOCKED" {
			t.Fatalf("after %d failures: %v", ledger.MaxFailures, err)
		}
		if err := e.store.Unlock(ctx, SUP); err != nil {
			t.Fatal(err)
		}
		r := e.must(t, "cash_deposit", T1, sup(), dep)
		var teller, authorizer string
		db := e.store.DB()
		if err := db.QueryRow(db.Rebind(`SELECT teller, authorizer FROM journal WHERE serial = ?`), r.Serial).Scan(&teller, &authorizer); err != nil {
			t.Fatal(err)
		}
		if teller != T1 || authorizer != SUP {
			t.Fatalf("journal has teller %s authorizer %s", teller, authorizer)
		}
		// A supervisor posting needs another supervisor, never themselves.
		if _, err := e.post("cash_deposit", SUP, sup(), dep); ledger.CodeOf(err) != "E_AUTH_SELF" {
			t.Fatalf("self-authorization: %v", err)
		}
	})
}

func TestIdempotency(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		before := e.balance(t, A1)
		entries := e.count(t, "journal")
		req := ledger.Request{Txn: "cash_deposit", Teller: T1, Terminal: "T-01", Key: "double-click",
			Values: map[string]any{"account": A1, "amount": "12.34"}}
		var wg sync.WaitGroup
		serials := make([]string, 8)
		errs := make([]error, 8)
		for i := range serials {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := e.exec.Submit(ctx, req)
				if err == nil {
					serials[i] = r.Serial
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for i := range serials {
			if errs[i] != nil || serials[i] != serials[0] {
				t.Fatalf("submission %d: serial %q err %v, first %q", i, serials[i], errs[i], serials[0])
			}
		}
		if got := e.balance(t, A1) - before; got != 1234 {
			t.Fatalf("balance moved by %d fen, want 1234", got)
		}
		if got := e.count(t, "journal") - entries; got != 1 {
			t.Fatalf("%d journal entries, want 1", got)
		}
		r, err := e.exec.Submit(ctx, req)
		if err != nil || !r.Replayed || r.Values["balance"] != money.Fen(before+1234) {
			t.Fatalf("replay: %+v %v", r, err)
		}
		req.Txn = "cash_withdrawal"
		if _, err := e.exec.Submit(ctx, req); ledger.CodeOf(err) != "E_IDEMPOTENCY_MISMATCH" {
			t.Fatalf("key reused for another transaction: %v", err)
		}
	})
}

func TestSignOffRefusedWhilePending(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.store.SignOn(ctx, T1, "wrong-password", "T-01"); ledger.CodeOf(err) != "E_BAD_CREDENTIALS" {
			t.Fatalf("sign-on with a wrong password: %v", err)
		}
		if _, err := e.store.SignOn(ctx, T1, ledger.DemoPassword, "T-01"); err != nil {
			t.Fatal(err)
		}
		e.must(t, "cashbox_allocate", T1, nil, allocate("200.00", 2))
		r := e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1.00"})
		if err := e.store.SignOff(ctx, T1, "T-01"); ledger.CodeOf(err) != "E_PENDING" {
			t.Fatalf("sign-off with an open box: %v", err)
		}
		e.must(t, "day_end_balance", T1, nil, map[string]any{"n100": "2", "n1": "1"})
		if err := e.store.SignOff(ctx, T1, "T-01"); ledger.CodeOf(err) != "E_PENDING" {
			t.Fatalf("sign-off with receipts to print: %v", err)
		}
		pending, err := e.store.PendingReceipts(ctx, T1)
		if err != nil || len(pending) != 2 || pending[0] != r.Serial {
			t.Fatalf("pending receipts %v %v", pending, err)
		}
		for _, s := range pending {
			if err := e.store.MarkPrinted(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.store.SignOff(ctx, T1, "T-01"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.post("cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "1.00"}); ledger.CodeOf(err) != "E_BOX_NOT_OPEN" {
			t.Fatalf("deposit after balancing: %v", err)
		}
		rep, err := e.store.EOD(ctx, "0101")
		if err != nil || !rep.Ready() {
			t.Fatalf("eod %+v %v", rep, err)
		}
	})
}

func TestJournalQueryFilters(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.must(t, "cashbox_allocate", T1, nil, allocate("1000.00", 10))
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": "10.00"})
		e.must(t, "cash_deposit", T2, nil, map[string]any{"account": A2, "amount": "20.00"})
		r := e.must(t, "transfer", T1, nil, map[string]any{"from_account": A1, "to_account": A2, "amount": "5.00", "payee_name": "x", "purpose": "p"})
		e.must(t, "reversal", T1, sup(), map[string]any{"orig_serial": r.Serial, "orig_date": bizDate, "reason": "filters"})
		tests := []struct {
			filter map[string]any
			want   int
		}{
			{map[string]any{}, 6}, // seed, allocate, 2 deposits, transfer, reversal
			{map[string]any{"teller_id": T2}, 1},
			{map[string]any{"txn_code": "1401"}, 2},
			{map[string]any{"txn_code": "all"}, 6},
			{map[string]any{"account": A1}, 3},
			{map[string]any{"min_amount": "10.00"}, 3}, // allocate 1000, deposits 10 and 20; not the seed (0) nor the 5.00 pair
			{map[string]any{"date_from": "2026-11-24"}, 0},
		}
		for _, tt := range tests {
			vals := map[string]any{"date_from": bizDate, "date_to": bizDate}
			for k, v := range tt.filter {
				vals[k] = v
			}
			res := e.must(t, "journal_query", T2, nil, vals)
			if got := len(res.Rows["journal_rows"]); got != tt.want {
				t.Errorf("filter %v: %d rows, want %d: %v", tt.filter, got, tt.want, res.Rows["journal_rows"])
			}
		}
	})
}
