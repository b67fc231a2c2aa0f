package teller

import "testing"

// TestReprintE2E runs 1903 凭条补打 through the window.
func TestReprintE2E(t *testing.T) {
	for _, tt := range reprintE2ECases {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newE2E(t)) })
	}
}

func init() { moduleE2ECases = append(moduleE2ECases, reprintE2ECases...) }

var reprintE2ECases = []e2eCase{
	{"1903 receipt reprint: counted copies, an unknown serial refused", reprintE2E},
}

// reprintE2E: a deposit's printed receipt is copied twice, each copy a
// journal entry with its audit record, numbered on the paper and
// counted on the receipt; a serial with no receipt is refused at its
// field, and nothing is counted.
func reprintE2E(t *testing.T, e *e2e) {
	acct := e.account(0, 5)
	orig := deposit(t, e.s, e.w, e.store, acct, "88.80")
	for n := 1; n <= 2; n++ {
		f := e.openCode("1903", "receipt_reprint")
		e.typeIn(f, "orig_serial", orig)
		f.Scope.Set("reason", "illegible")
		o := e.submit(false)
		e.checkPosted(o, want{code: "1903", account: acct,
			receipt: []string{orig, "88.80", "副本 COPY 第" + string(rune('0'+n)) + "次补打", "补打流水 Reprint " + o.serial}})
		if r := receiptOf(t, e.store, orig); r.Copies != n {
			t.Fatalf("%d copies counted, want %d", r.Copies, n)
		}
	}

	f := e.openCode("1903", "receipt_reprint")
	e.typeIn(f, "orig_serial", "20991231010199999")
	f.Scope.Set("reason", "lost")
	o := e.submit(false)
	e.checkRefused(o, f, "orig_serial", "E_RECEIPT_UNKNOWN")
	if r := receiptOf(t, e.store, orig); r.Copies != 2 {
		t.Errorf("%d copies counted after the refusal", r.Copies)
	}
}
