package ledger_test

import (
	"strings"

	"context"
	"guitai/assets"
	"guitai/dsl"
	"guitai/money"
	"testing"

	"guitai/audit"
	"guitai/ledger"
)

// TestDualControl: a cash handover posts only when the other teller the
// form names confirms it with their own password or finger; every other
// confirmation is refused with the box untouched, and the one that posts
// leaves a counterpart record that verification checks.
func TestDualControl(t *testing.T) {
	eachDB(t, func(t *testing.T, e0 *env) {
		ctx := context.Background()
		rec := &recorder{}
		e := openEnvWith(t, e0.name, e0.dsn, false, ledger.Options{Observer: rec})
		if err := e.store.EnrollFinger(ctx, T2, mod, 7); err != nil {
			t.Fatal(err)
		}
		if err := e.store.EnrollFinger(ctx, SUP, mod, 8); err != nil {
			t.Fatal(err)
		}
		pw := func(id, password string) *ledger.Credentials { return &ledger.Credentials{ID: id, Password: password} }
		for _, tt := range []struct {
			name        string
			txn         string
			counterpart *ledger.Credentials
			code, field string
		}{
			{"allocation without the other teller", "cashbox_allocate", nil, "E_COUNTERPART_REQUIRED", "handover_id"},
			{"wrong password", "cashbox_allocate", pw(T2, "not-it"), "E_BAD_CREDENTIALS", "counterpart"},
			{"someone else confirms", "cashbox_allocate", pw(SUP, ledger.DemoPassword), "E_COUNTERPART_MISMATCH", "handover_id"},
			{"the teller confirms", "cashbox_allocate", pw(T1, ledger.DemoPassword), "E_COUNTERPART_SELF", "counterpart"},
			{"someone else's finger", "cashbox_allocate", byFinger(8), "E_COUNTERPART_MISMATCH", "handover_id"},
			{"a finger that is not the named one", "cashbox_allocate", &ledger.Credentials{ID: T2, Finger: &ledger.FingerMatch{Module: mod, Page: 8}}, "E_FINGER_MISMATCH", "counterpart"},
			{"by password", "cashbox_allocate", pw(T2, ledger.DemoPassword), "", ""},
			{"by finger", "cashbox_allocate", byFinger(7), "", ""},
			{"hand-in without the receiver", "cashbox_settle", nil, "E_COUNTERPART_REQUIRED", "handover_id"},
			{"hand-in confirmed", "cashbox_settle", pw(T2, ledger.DemoPassword), "", ""},
		} {
			before := e.count(t, "journal")
			box := boxBalance(t, e, T1)
			rec.events = nil
			res, err := e.exec.Submit(ctx, ledger.Request{Txn: tt.txn, Teller: T1, Terminal: "T-01", Key: key(),
				Values: allocate("100.00", 1), Counterpart: tt.counterpart})
			if tt.code != "" {
				if string(ledger.CodeOf(err)) != tt.code || fieldOf(err) != tt.field {
					t.Fatalf("%s: got %v, want %s [%s]", tt.name, err, tt.code, tt.field)
				}
				if e.count(t, "journal") != before || boxBalance(t, e, T1) != box {
					t.Fatalf("%s: a refused handover changed the books", tt.name)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var confirmed int
			for _, ev := range rec.events {
				if ev.Action == audit.ActionCounterpart {
					confirmed++
					if ev.Authorizer != T2 || ev.Object != res.Serial || ev.Teller != T1 {
						t.Fatalf("%s: counterpart record %+v", tt.name, ev)
					}
				}
			}
			if confirmed != 1 {
				t.Fatalf("%s: %d counterpart records: %s", tt.name, confirmed, rec.actions())
			}
		}
		rep, err := e.store.VerifyPostings(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("verify: %+v %v", rep, err)
		}
		if p, err := e.exec.Counterpart(ctx, "cashbox_settle"); p != "handover_id" || err != nil {
			t.Fatalf("Counterpart(cashbox_settle) = %q, %v", p, err)
		}
		if p, err := e.exec.Counterpart(ctx, "cash_deposit"); p != "" || err != nil {
			t.Fatalf("Counterpart(cash_deposit) = %q, %v", p, err)
		}
	})
}

// boxBalance is teller's cash box balance of the business day, 0 if none.
func boxBalance(t testing.TB, e *env, teller string) int64 {
	t.Helper()
	var n int64
	if err := e.store.DB().Get(&n, e.store.DB().Rebind(`SELECT COALESCE(SUM(balance), 0) FROM cash_boxes WHERE teller = ?`), teller); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSubmitHookAsksTheCounterpart: the window's hook asks for the
// confirmation of the user the form's handover_id names, only for a
// transaction under dual control, and posts with it.
func TestSubmitHookAsksTheCounterpart(t *testing.T) {
	e := newEnv(t, "sqlite")
	forms, _ := assets.Forms()
	byID := map[string]*dsl.Form{}
	for _, f := range forms {
		byID[f.ID] = f
	}
	var asked []string
	give := &ledger.Credentials{ID: T2, Password: ledger.DemoPassword}
	hook := e.exec.SubmitHook(func() ledger.Session { return ledger.Session{Teller: T1, Terminal: "T-01"} }, nil,
		func(_ *dsl.Form, id string) (*ledger.Credentials, error) { asked = append(asked, id); return give, nil })
	if _, err := hook(byID["cashbox_allocate"], map[string]any{"amount": money.Fen(10000), "handover_id": T2, "n100": int64(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := hook(byID["cash_deposit"], map[string]any{"account": A1, "amount": money.Fen(100)}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, ",") != T2 {
		t.Fatalf("asked %v, want the handover's teller once", asked)
	}
	give = nil
	_, err := hook(byID["cashbox_allocate"], map[string]any{"amount": money.Fen(20000), "handover_id": T2, "n100": int64(2)})
	if ledger.CodeOf(err) != "E_COUNTERPART_REQUIRED" {
		t.Fatalf("no confirmation: %v", err)
	}
}

// t2 is the confirmation of teller T2, the other side of the tests' cash
// handovers.
func t2() *ledger.Credentials { return &ledger.Credentials{ID: T2, Password: ledger.DemoPassword} }
