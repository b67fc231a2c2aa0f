package ledger

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"guitai/idnum"
	"guitai/money"
)

// DemoPassword is the password of every demo user. Change it (tellerctl user
// passwd) before anything but a demo.
const DemoPassword = "guitai-demo"

// Demo users: two branches with two tellers each, two supervisors and an
// admin at the first branch.
var DemoUsers = []User{
	{ID: "010101", Name: "张敏", Branch: "0101", Role: RoleTeller},
	{ID: "010102", Name: "李娜", Branch: "0101", Role: RoleTeller},
	{ID: "010201", Name: "王强", Branch: "0102", Role: RoleTeller},
	{ID: "010202", Name: "刘洋", Branch: "0102", Role: RoleTeller},
	{ID: "010199", Name: "陈静（主管）", Branch: "0101", Role: RoleSupervisor},
	// The second supervisor of 0101: what two supervisors authorize
	// (1902 previous-day reversal) takes both.
	{ID: "010197", Name: "周婷（主管）", Branch: "0101", Role: RoleSupervisor},
	{ID: "000001", Name: "系统管理员", Branch: "0101", Role: RoleAdmin},
}

// DemoVault is the opening cash of each demo branch's vault.
const DemoVault = money.Fen(1_000_000_000) // 10,000,000.00 yuan

// DemoDailyLimit is a demo account's daily cash limit; every seventh
// account (a wealthier customer, 100,000 yuan or more) has
// DemoRichDailyLimit. Going over it takes a reason and a supervisor.
const (
	DemoDailyLimit     = money.Fen(5_000_000)  // 50,000.00 yuan
	DemoRichDailyLimit = money.Fen(20_000_000) // 200,000.00 yuan
)

// Init creates the default branch "0101" when the ledger has none, so an
// admin can be added to it.
func (s *Store) Init(ctx context.Context, businessDate string) error {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM branches`); err != nil {
		return wrapDB(err)
	}
	if n > 0 {
		return nil
	}
	return s.AddBranch(ctx, "0101", "总行营业部", businessDate)
}

// SeedDemo fills an empty ledger with the demo: 2 branches, 4 tellers, 1
// supervisor, 1 admin, 200 customers and 500 accounts with balances, every
// opening balance posted against the branch's equity so the books balance
// from the first entry. A customer's first account is class I, any other
// class II (one class I account per person). The data are the same on
// every run. It marks the ledger a demo ledger (IsDemo), where the demo
// keys and passwords may be used.
func (s *Store) SeedDemo(ctx context.Context, businessDate string) error {
	for _, b := range [][2]string{{"0101", "总行营业部"}, {"0102", "城东支行"}} {
		if err := s.AddBranch(ctx, b[0], b[1], businessDate); err != nil {
			return err
		}
	}
	for _, u := range DemoUsers {
		if err := s.AddUser(ctx, u, DemoPassword); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"}
	return wrapDB(s.inTx(ctx, nil, func(tx *sqlx.Tx) error {
		now := s.stamp()
		var custIDs []string
		for i := range 200 {
			birth := fmt.Sprintf("%04d%02d%02d", 1950+rng.IntN(55), 1+rng.IntN(12), 1+rng.IntN(28))
			first17 := "110101" + birth + fmt.Sprintf("%03d", i%1000)
			id := first17 + string(idnum.IDCheckChar(first17))
			sealed, err := s.keys.sealID(id)
			if err != nil {
				return err
			}
			cid := fmt.Sprintf("C%s%08d", "0101", i+1)
			custIDs = append(custIDs, cid)
			name := string(surnames[rng.IntN(len(surnames))]) + given[rng.IntN(len(given))]
			phone, err := s.keys.sealPII(fmt.Sprintf("1380000%04d", i))
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, `INSERT INTO customers (id, name, id_cipher, id_index, phone_cipher, created_at)
				VALUES (:id, :name, :cipher, :index, :phone, :now)`, map[string]any{"id": cid, "name": name,
				"cipher": sealed, "index": s.keys.indexID(id), "phone": phone, "now": now}); err != nil {
				return err
			}
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO counters (name, value) VALUES ('customer/0101', 200)`, map[string]any{}); err != nil {
			return err
		}
		// Only a ledger marked so may be used with the demo keys and
		// passwords (DecideKeys).
		if err := s.markDemo(ctx, tx, now); err != nil {
			return err
		}
		// One class I account per person (migration 00017): a customer's
		// first demo account is class I, the others class II.
		classI := map[string]bool{}
		for bi, branch := range []string{"0101", "0102"} {
			teller := DemoUsers[len(DemoUsers)-1].ID // the admin
			serial, err := s.nextSerial(ctx, tx, branch, businessDate)
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, `INSERT INTO journal (serial, business_date, branch, teller, terminal, txn_code,
				form_id, form_version, idem_key, created_at) VALUES (:serial, :date, :branch, :teller, 'seed', '0000', 'seed', '', :key, :now)`,
				map[string]any{"serial": serial, "date": businessDate, "branch": branch, "teller": teller, "key": "seed/" + branch, "now": now}); err != nil {
				return err
			}
			line := 0
			post := func(book string, amount int64) error {
				line++
				_, err := s.exec(ctx, tx, `INSERT INTO postings (serial, line, book, amount) VALUES (:serial, :line, :book, :amount)`,
					map[string]any{"serial": serial, "line": line, "book": book, "amount": amount})
				return err
			}
			total := int64(0)
			for n := 1; n <= 250; n++ {
				number := AccountNumber(branch, int64(n))
				bal := int64(rng.IntN(5_000_000)) // up to 50,000.00 yuan
				limit := int64(DemoDailyLimit)
				switch {
				case n%10 == 0:
					bal = 0
				case n%7 == 0:
					// A realistic day needs customers who take out more
					// than the authorization threshold: 100,000 to
					// 2,000,000 yuan, with a 200,000 daily cash limit.
					bal = 10_000_000 + bal*38
					limit = int64(DemoRichDailyLimit)
				}
				cust, class := custIDs[(bi*250+n-1)%200], "I"
				if classI[cust] {
					class = "II"
				}
				classI[cust] = true
				if _, err := s.exec(ctx, tx, `INSERT INTO accounts (number, customer_id, branch, balance, daily_limit, class, opened_on)
					VALUES (:number, :cust, :branch, :balance, :limit, :class, :date)`, map[string]any{"number": number,
					"cust": cust, "branch": branch, "balance": bal, "limit": limit, "class": class, "date": businessDate}); err != nil {
					return err
				}
				if bal != 0 {
					if err := post(number, -bal); err != nil {
						return err
					}
				}
				total += bal
			}
			if err := post(bookCode("vault", branch), int64(DemoVault)); err != nil {
				return err
			}
			if err := post(bookCode("equity", branch), total-int64(DemoVault)); err != nil {
				return err
			}
			arg := map[string]any{"vault": bookCode("vault", branch), "equity": bookCode("equity", branch),
				"v": int64(DemoVault), "e": int64(DemoVault) - total, "branch": branch, "n": 250, "name": "account/" + branch}
			if _, err := s.exec(ctx, tx, `UPDATE gl_books SET balance = :v WHERE code = :vault`, arg); err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, `UPDATE gl_books SET balance = :e WHERE code = :equity`, arg); err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, `INSERT INTO counters (name, value) VALUES (:name, :n)`, arg); err != nil {
				return err
			}
			if branch == "0101" {
				if err := s.seedHolds(ctx, tx, serial, businessDate, teller, now); err != nil {
					return err
				}
			}
			for _, seed := range moduleSeeds {
				if err := seed(ctx, s, tx, seedDay{branch: branch, date: businessDate, teller: teller, now: now}); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

// A moduleSeed adds what a module needs on a fresh demo ledger (term
// deposits, vouchers in the vault, ...) for one branch, in the seed's
// transaction, after the branch's accounts and holds exist. Each module's
// file appends its seed to moduleSeeds; they run in that order.
type moduleSeed func(ctx context.Context, s *Store, tx *sqlx.Tx, d seedDay) error

// seedDay is what a moduleSeed seeds for: the branch, its business date,
// the admin who seeds and the time.
type seedDay struct {
	branch, date, teller, now string
}

// moduleSeeds are the demo seeds of the modules beyond the first
// thirteen, in the order they run.
var moduleSeeds []moduleSeed

// Demo holds (migration 00009): a court's freeze of the whole of
// DemoFrozenAccount and a partial freeze of DemoPartialHold on
// DemoHeldAccount (a wealthier customer's), both of branch 0101, high
// numbers no test takes for ordinary work. 2204 can lift them (authority
// DemoFreezeAuthority, hold ids "seed-" and the account number).
var (
	DemoFrozenAccount = AccountNumber("0101", 247)
	DemoHeldAccount   = AccountNumber("0101", 245)
)

const (
	DemoFreezeAuthority = "北京市东城区人民法院"
	DemoPartialHold     = money.Fen(1_000_000) // 10,000.00 yuan
)

// seedHolds places the demo holds, made by the seed's journal entry
// serial of the business date.
func (s *Store) seedHolds(ctx context.Context, tx *sqlx.Tx, serial, businessDate, by, now string) error {
	expiry := businessDate
	if d, err := time.Parse(time.DateOnly, businessDate); err == nil {
		expiry = d.AddDate(0, 6, 0).Format(time.DateOnly)
	}
	for _, h := range []map[string]any{
		{"account": DemoFrozenAccount, "kind": "judicial_freeze", "amount": int64(0),
			"doc": "（2026）京0101执保1234号", "officers": "王立新(京法0101023)、赵敏(京法0101077)"},
		{"account": DemoHeldAccount, "kind": "partial_freeze", "amount": int64(DemoPartialHold),
			"doc": "（2026）京0101执保1288号", "officers": "王立新(京法0101023)、孙浩(京法0101081)"},
	} {
		h["id"], h["authority"], h["start"], h["expiry"] = "seed-"+h["account"].(string), DemoFreezeAuthority, businessDate, expiry
		h["by"], h["now"], h["serial"] = by, now, serial
		if _, err := s.exec(ctx, tx, `INSERT INTO holds (id, account, kind, amount, authority, document_no, officers,
			start_date, expiry_date, status, created_by, created_at, serial)
			VALUES (:id, :account, :kind, :amount, :authority, :doc, :officers, :start, :expiry, 'active', :by, :now, :serial)`, h); err != nil {
			return err
		}
	}
	return nil
}

// OpenDemo opens the ledger at dsn and seeds the demo when it holds no
// branch yet, with the keys in opt whatever the ledger is (tests). The
// programs use OpenKeyed, which also decides the keys.
func OpenDemo(ctx context.Context, dsn string, opt Options, businessDate string) (*Store, error) {
	s, err := Open(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	empty, err := s.empty(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if empty {
		if err := s.SeedDemo(ctx, businessDate); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}
