package main

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3"

	"guitai/ledger"
)

// TestRealWindowDay is a teller's day in the real window, keys only,
// xdotool under Xvfb: sign on, allocate cash (3101), a deposit with fen
// (1401), 60,000 out of a wealthier customer's account with the
// supervisor's id and password typed into the authorization dialog
// (1402), the day-end count with coins (3901) that balances to 0.00, and
// sign-off (F12). A screenshot of each step goes to $GUITAI_DAY_SHOTS (a
// temporary directory without it), and the journal is checked after.
func TestRealWindowDay(t *testing.T) {
	display := ownDisplay(t)
	dir := t.TempDir()
	shots := os.Getenv("GUITAI_DAY_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "ledger.db")
	r := startTeller(t, display, "-db", db, "-idle-lock", "0", "-lang", "zh")
	r.wait("signon", 60*time.Second)
	// shot takes the screen once the frame of the step is drawn: the
	// trace event comes when the window has changed, the frame a moment
	// later, so it takes the screen again until two captures in a row are
	// the same and differ from the last step's (a new dialog, a message).
	var last []byte
	shot := func(name string) {
		t.Helper()
		path := filepath.Join(shots, name+".png")
		capture := func() []byte {
			c := exec.Command("import", "-window", "root", "png:-")
			c.Env = append(os.Environ(), "DISPLAY="+display)
			out, err := c.Output()
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			return out
		}
		prev := capture()
		for end := time.Now().Add(15 * time.Second); ; {
			cur := capture() // the capture itself paces the loop
			img, err := png.Decode(bytes.NewReader(cur))
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			if bytes.Equal(cur, prev) && !bytes.Equal(cur, last) && colours(img) >= 8 || time.Now().After(end) {
				if err := os.WriteFile(path, cur, 0o644); err != nil {
					t.Fatal(err)
				}
				last = cur
				return
			}
			prev = cur
		}
	}
	key := func(keys ...string) { t.Helper(); r.keys(keys...) }
	typ := func(s string) { t.Helper(); r.typeText(s, 10*time.Millisecond) }
	post := func(step string) {
		t.Helper()
		key("F10")
		r.wait("dialog ", 30*time.Second) // 请确认
		shot(step + "-confirm")
		key("Return")
		r.wait("posted ", 60*time.Second)
		shot(step + "-posted")
		key("Return")
		r.wait("answered ", 30*time.Second)
	}
	open := func(code, form string) {
		t.Helper()
		key("F2")
		typ(code)
		key("Return")
		r.wait("open "+form, 30*time.Second)
	}
	shot("01-signon")
	typ("010101")
	key("Return")
	typ(ledger.DemoPassword)
	key("Return")
	r.wait("ready", 30*time.Second)
	shot("02-welcome")

	open("3101", "cashbox_allocate")
	typ("200000")
	key("Return")
	typ("010102")
	key("Return", "Return") // the memo left empty
	typ("2000")
	key("F10")
	r.wait("dialog ", 30*time.Second) // 请确认
	key("Return")
	// Dual control: 010102, who hands the cash over, confirms with their
	// own password; the dialog has their id filled in and the focus in
	// the password.
	r.wait("dialog 交接确认", 30*time.Second)
	shot("03-handover")
	typ(ledger.DemoPassword)
	key("Return")
	r.wait("posted cashbox_allocate", 60*time.Second)
	shot("03-allocate-posted")
	key("Return")
	r.wait("answered ", 30*time.Second)

	accounts := demoAccounts(t, db)
	open("1401", "cash_deposit")
	typ(accounts.plain)
	key("Return")
	typ("1234.56")
	post("04-deposit")

	open("1402", "cash_withdrawal")
	typ(accounts.rich)
	key("Return")
	typ("60000")
	key("Return", "Return") // the memo left empty
	typ("11010519491231002X")
	key("Return")
	key("space") // 联网核查 ticked
	key("F10")
	r.wait("dialog ", 30*time.Second) // 请确认
	key("Return")
	r.wait("dialog ", 30*time.Second) // 主管授权
	shot("05-authorize")
	typ("010199")
	key("Return")
	typ(ledger.DemoPassword)
	key("Return")
	r.wait("posted cash_withdrawal", 60*time.Second)
	shot("05-withdrawal-posted")
	key("Return")
	r.wait("answered ", 30*time.Second)

	// 200,000 + 1,234.56 - 60,000 = 141,234.56: 1412 × 100, 34 × 1,
	// a 5角 note, a 5分 and a 1分 coin; every other count left empty.
	open("3901", "day_end_balance")
	for _, n := range []string{"1412", "", "", "", "", "34", "1", "", "", "", "", "1", "", "1"} {
		if n != "" {
			typ(n)
		}
		key("Return")
	}
	shot("06-day-end")
	post("06-day-end")

	key("F12")
	r.wait("dialog ", 30*time.Second) // 签退, with the cash still in the box
	shot("07-sign-off")
	key("Return")
	r.wait("signon", 30*time.Second)

	conn, err := sqlx.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows []struct {
		Code       string `db:"txn_code"`
		Account    string `db:"account"`
		Amount     int64  `db:"amount"`
		Authorizer string `db:"authorizer"`
	}
	if err := conn.Select(&rows, `SELECT txn_code, account, amount, COALESCE(authorizer, '') AS authorizer FROM journal
		WHERE teller = '010101' ORDER BY serial`); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		code, account string
		amount        int64
		authorizer    string
	}{
		{"3101", "010102", 20000000, ""},
		{"1401", accounts.plain, 123456, ""},
		{"1402", accounts.rich, 6000000, "010199"},
		{"3901", "", 0, ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("journal %+v, want %d entries", rows, len(want))
	}
	for i, w := range want {
		g := rows[i]
		if g.Code != w.code || g.Amount != w.amount || g.Authorizer != w.authorizer || (w.account != "" && g.Account != w.account) {
			t.Errorf("entry %d: %+v, want %+v", i+1, g, w)
		}
	}
	var confirmed int
	if err := conn.Get(&confirmed, `SELECT COUNT(*) FROM audit_log WHERE action = 'counterpart' AND authorizer = '010102'`); err != nil || confirmed != 1 {
		t.Errorf("%d counterpart records of 010102 (%v), want the allocation's", confirmed, err)
	}
	var box struct {
		Status    string `db:"status"`
		OverShort int64  `db:"over_short"`
	}
	if err := conn.Get(&box, `SELECT status, over_short FROM cash_boxes WHERE teller = '010101'`); err != nil || box.Status != "balanced" || box.OverShort != 0 {
		t.Errorf("box %+v (%v), want balanced with no difference", box, err)
	}
	t.Logf("screenshots in %s", shots)
}

// demoAccounts are two active demo accounts of branch 0101: one with a
// balance, one of a wealthier customer (100,000 or more).
type demoAccountsT struct{ plain, rich string }

func demoAccounts(t *testing.T, db string) demoAccountsT {
	t.Helper()
	conn, err := sqlx.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var a demoAccountsT
	if err := conn.Get(&a.plain, `SELECT number FROM accounts WHERE status = 'active' AND branch = '0101' AND balance > 0 ORDER BY number LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&a.rich, `SELECT number FROM accounts WHERE status = 'active' AND branch = '0101' AND balance >= 10000000 ORDER BY number LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return a
}
