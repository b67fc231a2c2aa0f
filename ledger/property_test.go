package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"guitai/ledger"
)

// TestPropertyConcurrent posts random transactions — good ones, failing
// ones and reversals — from four tellers at once. Afterwards every entry's
// postings balance, every book equals its postings, Σ assets − Σ
// liabilities is zero and equity (untouched by teller work) is unchanged.
func TestPropertyConcurrent(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		tellers := []string{"010101", "010102", "010201", "010202"}
		var accts []string
		for _, b := range []string{"0101", "0102"} {
			for n := 1; n <= 6; n++ {
				accts = append(accts, ledger.AccountNumber(b, int64(n)))
			}
		}
		for i, tl := range tellers {
			handover := tellers[i^1]
			e.must(t, "cashbox_allocate", tl, nil, map[string]any{"amount": "20000.00", "handover_id": handover, "n100": "200"})
		}
		start := e.books(t)
		ops := 60
		if testing.Short() {
			ops = 15
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		for gi, tl := range tellers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(gi), 7))
				var mine []string
				for range ops {
					amt := fmt.Sprintf("%d.%02d", rng.IntN(30000), rng.IntN(100))
					if rng.IntN(10) == 0 {
						amt = []string{"0", "-5", "1.005", "", "abc"}[rng.IntN(5)]
					}
					a, b := accts[rng.IntN(len(accts))], accts[rng.IntN(len(accts))]
					var r *ledger.Result
					var err error
					switch k := rng.IntN(10); {
					case k < 3:
						r, err = e.post("cash_deposit", tl, nil, map[string]any{"account": a, "amount": amt})
					case k < 6:
						r, err = e.post("cash_withdrawal", tl, nil, map[string]any{"account": a, "amount": amt})
					case k < 8:
						r, err = e.post("transfer", tl, nil, map[string]any{"from_account": a, "to_account": b, "amount": amt, "payee_name": "x", "purpose": "p"})
					case k < 9 && len(mine) > 0:
						orig := mine[rng.IntN(len(mine))]
						r, err = e.post("reversal", tl, sup(), map[string]any{"orig_serial": orig, "orig_date": bizDate, "reason": "property test"})
					default:
						r, err = e.post("balance_inquiry", tl, nil, map[string]any{"account": a})
					}
					code := "ok"
					if err != nil {
						code = string(ledger.CodeOf(err))
						if code == "" || code == "E_DB" || code == "E_BUSY" || code == "E_CONSTRAINT" || code == "E_UNBALANCED" {
							t.Errorf("unexpected failure: %v", err)
						}
					} else if r.Txn != "balance_inquiry" && r.Txn != "reversal" {
						mine = append(mine, r.Serial)
					}
					mu.Lock()
					codes[code]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		end := e.books(t)
		if end.Equity != start.Equity || end.Net() != 0 {
			t.Fatalf("equity %d -> %d, net %d", start.Equity, end.Equity, end.Net())
		}
		var reversed, reversals int
		db := e.store.DB()
		db.Get(&reversed, `SELECT COUNT(*) FROM journal WHERE reversed_by IS NOT NULL`)
		db.Get(&reversals, `SELECT COUNT(*) FROM journal WHERE reversal_of IS NOT NULL`)
		if reversed != reversals || codes["ok"] == 0 {
			t.Fatalf("%d reversed entries, %d reversals; codes %v", reversed, reversals, codes)
		}
		t.Logf("outcomes %v, %d reversals", codes, reversals)
	})
}
