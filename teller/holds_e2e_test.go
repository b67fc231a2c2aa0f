package teller

import (
	"testing"
	"time"

	"guitai/dsl"
)

// TestHoldsE2E runs the hold modules through the window: 2204 freeze,
// authorized by a supervisor, then a withdrawal from the frozen account
// refused at its account field; 2206 stop payment and its release. The
// cases are functions so TestE2E's table (every form has a case) can
// name them too.
func TestHoldsE2E(t *testing.T) {
	for _, tt := range holdsE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

// An e2eCase is one module's end-to-end case: its name starts with the
// form's code and a space.
type e2eCase struct {
	name string
	run  func(t *testing.T, e *e2e)
}

// moduleE2ECases are the cases of the modules whose tests live in files
// of their own (holds, cash and vouchers, term deposits, ...): each file
// appends its cases in an init, and TestE2E's every-form check counts
// them.
var moduleE2ECases []e2eCase

func init() { moduleE2ECases = append(moduleE2ECases, holdsE2ECases...) }

var holdsE2ECases = []e2eCase{
	{"2204 account freeze authorized, then a withdrawal refused", holdsFreezeE2E},
	{"2206 stop payment and its release", holdsStopE2E},
}

// holdExpiry is a freeze's expiry six months after the business date.
func holdExpiry(t *testing.T, e *e2e) string {
	d, err := time.Parse(time.DateOnly, e.date)
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 6, 0).Format(time.DateOnly)
}

func holdsFreezeE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	acct := e.account(yuan("1000"), 3)
	before := balance(t, e.store, acct)
	f := e.openCode("2204", "freeze")
	f.Scope.Set("action", "freeze")
	e.typeIn(f, "account", acct)
	if bal, _ := f.Scope.Get("balance"); bal != before {
		t.Errorf("balance shown %v, want %s", bal, before.Grouped())
	}
	f.Scope.Set("kind", "judicial_freeze")
	f.Scope.Set("scope", "full")
	e.typeIn(f, "authority", "北京市东城区人民法院")
	e.typeIn(f, "document_no", "（2026）京0101执保77号")
	e.typeIn(f, "officer1", "王立新")
	e.typeIn(f, "officer1_id", "京法0101023")
	e.typeIn(f, "officer2", "赵敏")
	e.typeIn(f, "officer2_id", "京法0101077")
	e.typeIn(f, "expiry_date", holdExpiry(t, e))
	o := e.submit(false)
	e.checkPosted(o, want{code: "2204", authorizer: "010199", account: acct, receipt: []string{o.serial, dsl.Mask(acct)}})
	if n := e.count(`SELECT COUNT(*) FROM holds WHERE id = ? AND account = ? AND kind = 'judicial_freeze' AND amount = 0 AND status = 'active'
		AND authority = '北京市东城区人民法院' AND officers LIKE '王立新%赵敏%'`, o.serial, acct); n != 1 {
		t.Fatalf("no active judicial freeze %s on %s", o.serial, acct)
	}

	w := e.openCode("1402", "cash_withdrawal")
	e.typeIn(w, "account", acct)
	e.typeIn(w, "amount", "100")
	o = e.submit(false)
	e.checkRefused(o, w, "account", "E_ACCOUNT_HELD")
	if balance(t, e.store, acct) != before {
		t.Error("balance moved")
	}
}

func holdsStopE2E(t *testing.T, e *e2e) {
	e.allocate(10000)
	acct := e.account(yuan("1000"), 4)
	f := e.openCode("2206", "stop_payment")
	f.Scope.Set("action", "stop")
	e.typeIn(f, "account", acct)
	f.Scope.Set("reason", "police_request")
	e.typeIn(f, "requester", "北京市公安局东城分局")
	e.typeIn(f, "document_no", "京公东紧急止付〔2026〕7号")
	o := e.submit(false)
	e.checkPosted(o, want{code: "2206", authorizer: "010199", account: acct, receipt: []string{o.serial, dsl.Mask(acct)}})
	stop := o.serial
	if n := e.count(`SELECT COUNT(*) FROM holds WHERE id = ? AND kind = 'stop_payment' AND status = 'active'`, stop); n != 1 {
		t.Fatalf("no active stop payment %s", stop)
	}

	w := e.openCode("1402", "cash_withdrawal")
	e.typeIn(w, "account", acct)
	e.typeIn(w, "amount", "100")
	o = e.submit(false)
	e.checkRefused(o, w, "account", "E_ACCOUNT_HELD")

	r := e.openCode("2206", "stop_payment")
	r.Scope.Set("action", "release")
	e.typeIn(r, "account", acct)
	e.typeIn(r, "hold_id", stop)
	e.typeIn(r, "requester", "北京市公安局东城分局")
	o = e.submit(false)
	e.checkPosted(o, want{code: "2206", authorizer: "010199", account: acct, receipt: []string{o.serial, dsl.Mask(acct)}})
	if n := e.count(`SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'released' AND release_serial = ?`, stop, o.serial); n != 1 {
		t.Fatalf("stop payment %s not released by %s", stop, o.serial)
	}
	e.post("cash_withdrawal", map[string]any{"account": acct, "amount": "100"}, false)
}
