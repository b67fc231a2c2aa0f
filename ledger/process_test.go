package ledger_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"guitai/assets"
	"guitai/ledger"
)

// helperEnv selects a helper mode when the test binary runs as a child.
const helperEnv = "GUITAI_LEDGER_HELPER"

// runHelper is the child process side of the multi-process tests.
func runHelper(mode string) {
	ctx := context.Background()
	s, err := ledger.Open(ctx, os.Getenv("DSN"), ledger.Options{PasswordIterations: 1000})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer s.Close()
	cat, _ := ledger.LoadCatalog(assets.Txns())
	forms, _ := assets.Forms()
	x := ledger.NewExecutor(s, cat, forms)
	teller := os.Getenv("TELLER")
	switch mode {
	case "withdraw":
		var n int
		fmt.Sscan(os.Getenv("N"), &n)
		var mu sync.Mutex
		codes := map[string]int{}
		var wg sync.WaitGroup
		jobs := make(chan int)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range jobs {
					_, err := x.Submit(ctx, ledger.Request{Txn: "cash_withdrawal", Teller: teller, Terminal: teller,
						Key: fmt.Sprintf("%s-%d", teller, i), Values: map[string]any{"account": os.Getenv("ACCOUNT"), "amount": "1.00"}})
					code := "ok"
					if err != nil {
						code = string(ledger.CodeOf(err))
						fmt.Fprintln(os.Stderr, err)
					}
					mu.Lock()
					codes[code]++
					mu.Unlock()
				}
			}()
		}
		for i := range n {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		fmt.Printf("ok=%d failed=%d\n", codes["ok"], n-codes["ok"])
	case "crashpost", "random":
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
		limit := -1
		if mode == "random" {
			fmt.Sscan(os.Getenv("N"), &limit)
		}
		var serials []string
		for i := 0; i != limit; i++ {
			a := ledger.AccountNumber("0101", int64(1+rng.IntN(5)))
			b := ledger.AccountNumber("0101", int64(1+rng.IntN(5)))
			amt := fmt.Sprintf("%d.%02d", 1+rng.IntN(500), rng.IntN(100))
			req := ledger.Request{Teller: teller, Terminal: "crash", Key: fmt.Sprintf("%d-%d", os.Getpid(), i)}
			switch rng.IntN(4) {
			case 0:
				req.Txn, req.Values = "cash_deposit", map[string]any{"account": a, "amount": amt}
			case 1:
				if rng.IntN(8) == 0 {
					amt = "0.001" // refused: nothing may be posted
				}
				req.Txn, req.Values = "cash_withdrawal", map[string]any{"account": a, "amount": amt}
			case 2:
				req.Txn, req.Values = "transfer", map[string]any{"from_account": a, "to_account": b, "amount": amt, "payee_name": "x", "purpose": "p"}
			default:
				if len(serials) == 0 {
					continue
				}
				req.Txn, req.Authorizer = "reversal", &ledger.Credentials{ID: SUP, Password: ledger.DemoPassword}
				req.Values = map[string]any{"orig_serial": serials[rng.IntN(len(serials))], "orig_date": bizDate, "reason": "crash test"}
			}
			r, err := x.Submit(ctx, req)
			if err != nil {
				continue
			}
			if mode == "crashpost" {
				// Committed: the parent kills only after such a line.
				fmt.Println("posted", r.Serial)
			}
			if req.Txn != "reversal" {
				serials = append(serials, r.Serial)
			}
		}
	}
}

func helper(t *testing.T, mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode}, env...)...)
	return cmd
}

// TestTwoProcessWithdrawals: two processes, eight connections each, make
// withdrawals from the same account at once; none is lost.
func TestTwoProcessWithdrawals(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	eachDB(t, func(t *testing.T, e *env) {
		dsn := e.dsn
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A3, "amount": "3000.00"})
		e.must(t, "cashbox_allocate", T1, nil, allocate("1500.00", 15))
		e.must(t, "cashbox_allocate", T2, nil, map[string]any{"amount": "1500.00", "handover_id": T1, "n100": "15"})
		before := e.balance(t, A3)
		var wg sync.WaitGroup
		outs := make([]string, 2)
		for i, tl := range []string{T1, T2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := helper(t, "withdraw", "DSN="+dsn, "TELLER="+tl, "ACCOUNT="+A3, fmt.Sprint("N=", n))
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Errorf("helper %s: %v\n%s", tl, err, stderr.String())
				}
				outs[i] = strings.TrimSpace(string(out))
			}()
		}
		wg.Wait()
		want := fmt.Sprintf("ok=%d failed=0", n)
		if outs[0] != want || outs[1] != want {
			t.Fatalf("processes said %q and %q, want %q each", outs[0], outs[1], want)
		}
		if got := before - e.balance(t, A3); got != int64(2*n*100) {
			t.Fatalf("balance fell by %d fen, want %d: lost update", got, 2*n*100)
		}
		e.books(t)
	})
}

// TestCrashKill9 kills a posting process with SIGKILL at random moments,
// 50 times; after each, SQLite's integrity check passes, the books balance,
// no entry is half-applied and every posting the process reported
// committed is there. Each kill comes after the process reported at least
// one new posting, at a random point within the postings that follow, so
// every round makes progress however slow the machine is.
func TestCrashKill9(t *testing.T) {
	rounds := 50
	if testing.Short() {
		rounds = 5
	}
	e := newEnv(t, "sqlite")
	dsn := e.dsn
	db := e.store.DB()
	e.must(t, "cashbox_allocate", T1, nil, allocate("100000.00", 1000))
	var entries int
	if err := db.Get(&entries, `SELECT COUNT(*) FROM journal`); err != nil {
		t.Fatal(err)
	}
	e.store.Close()
	rng := rand.New(rand.NewPCG(9, 9))
	reported := 0 // postings the processes said they committed
	for round := range rounds {
		cmd := helper(t, "crashpost", "DSN="+dsn, "TELLER="+T1)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		posted := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if serial, ok := strings.CutPrefix(sc.Text(), "posted "); ok {
					posted <- serial
				}
			}
			close(posted)
		}()
		// Wait for 1 to 3 reported postings, then kill at a random point
		// of the next one.
		want, got := 1+rng.IntN(3), 0
		timeout := time.After(2 * time.Minute)
		for got < want {
			select {
			case _, ok := <-posted:
				if !ok {
					cmd.Wait()
					t.Fatalf("round %d: the poster ended after %d postings: %s", round, got, stderr.String())
				}
				got++
			case <-timeout:
				t.Fatalf("round %d: no posting reported in 2 minutes (%d of %d): %s", round, got, want, stderr.String())
			}
		}
		time.Sleep(time.Duration(rng.IntN(20_000)) * time.Microsecond) // the kill's random point, not a wait
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		for range posted { // reported between the last read and the kill
			got++
		}
		reported += got

		e2 := openEnv(t, "sqlite", dsn, false)
		db = e2.store.DB()
		var ok string
		if err := db.Get(&ok, `PRAGMA integrity_check`); err != nil || ok != "ok" {
			t.Fatalf("round %d: integrity_check %q %v", round, ok, err)
		}
		e2.books(t)
		var half int
		if err := db.Get(&half, `SELECT COUNT(*) FROM journal j WHERE txn_code IN ('1401', '1402', '1403', '1901')
			AND (SELECT COUNT(*) FROM postings p WHERE p.serial = j.serial) <> 2
			AND NOT (txn_code = '1901' AND (SELECT COUNT(*) FROM postings p WHERE p.serial = j.serial) >= 2)`); err != nil {
			t.Fatal(err)
		}
		if half != 0 {
			t.Fatalf("round %d: %d entries without their postings", round, half)
		}
		var now int
		if err := db.Get(&now, `SELECT COUNT(*) FROM journal`); err != nil {
			t.Fatal(err)
		}
		// Every reported posting committed; the one killed may have too.
		if now < entries+got {
			t.Fatalf("round %d: %d journal entries, want at least %d + the %d reported committed", round, now, entries, got)
		}
		entries = now
		e2.store.Close()
	}
	t.Logf("%d journal entries (%d reported committed) survived %d kills", entries, reported, rounds)
}

// TestPropertyTwoProcesses: two processes post random deposits,
// withdrawals, transfers, refused inputs and reversals on the same ledger at
// once; the books stay sound and equity unchanged.
func TestPropertyTwoProcesses(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 40
	}
	eachDB(t, func(t *testing.T, e *env) {
		e.must(t, "cashbox_allocate", T1, nil, allocate("50000.00", 500))
		e.must(t, "cashbox_allocate", T2, nil, map[string]any{"amount": "50000.00", "handover_id": T1, "n100": "500"})
		start := e.books(t)
		var wg sync.WaitGroup
		for _, tl := range []string{T1, T2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := helper(t, "random", "DSN="+e.dsn, "TELLER="+tl, fmt.Sprint("N=", n))
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("helper %s: %v\n%s", tl, err, out)
				}
			}()
		}
		wg.Wait()
		end := e.books(t)
		if end.Equity != start.Equity || end.Entries <= start.Entries {
			t.Fatalf("equity %d -> %d, entries %d -> %d", start.Equity, end.Equity, start.Entries, end.Entries)
		}
	})
}
