package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3"

	"guitai/money"
)

// TestRealWindowTypingKeepsEveryKey types deposits into the real window
// with xdotool, 10 ms a key, while two busy loops load both CPUs, and
// posts each with F10 and Enter: the journal must hold exactly the account
// and the amount typed. Keys typed into bound fields used to be lost when
// the StateBus delivered an older value after newer keys (32123.50 showed
// 321.00).
func TestRealWindowTypingKeepsEveryKey(t *testing.T) {
	display := ownDisplay(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	busyLoops(t, 2)
	r := startTeller(t, display, "-db", db, "-teller", "010101", "-open", "cash_deposit", "-idle-lock", "0")
	r.wait("open cash_deposit", 60*time.Second)

	ledger, err := sqlx.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	var accounts []string
	if err := ledger.Select(&accounts, `SELECT number FROM accounts WHERE status = 'active' AND product = 'demand' AND dormant = 0 ORDER BY number DESC LIMIT 4`); err != nil || len(accounts) < 4 {
		t.Fatalf("demo accounts: %v %v", accounts, err)
	}
	amounts := []string{"32123.50", "23789.64", "0.07", "49999.99"}
	for i, acct := range accounts {
		r.typeText(acct, 10*time.Millisecond)
		r.keys("Return")
		r.typeText(amounts[i], 10*time.Millisecond)
		r.keys("F10")
		r.wait("dialog ", 30*time.Second) // 请确认
		r.keys("Return")
		r.wait("posted cash_deposit", 60*time.Second) // after 交易成功 showed
		r.keys("Return")
		r.wait("answered ", 30*time.Second)
	}
	type row struct {
		Account string `db:"account"`
		Amount  int64  `db:"amount"`
	}
	var got []row
	if err := ledger.Select(&got, `SELECT account, amount FROM journal WHERE txn_code = 'cash_deposit' OR form_id = 'cash_deposit' ORDER BY serial`); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(accounts) {
		t.Fatalf("%d deposits in the journal, want %d: %+v", len(got), len(accounts), got)
	}
	for i, g := range got {
		want, err := money.Parse(amounts[i])
		if err != nil {
			t.Fatal(err)
		}
		if g.Account != accounts[i] || g.Amount != int64(want) {
			t.Errorf("deposit %d: journal has %s %d fen, typed %s %s", i+1, g.Account, g.Amount, accounts[i], amounts[i])
		}
	}
}
