package ledger

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"guitai/idnum"
)

func init() { moduleSeeds = append(moduleSeeds, seedAccounts) }

// Demo accounts of the account modules (migration 00012), all of branch
// 0101 and held by one demo customer whose ID number tests and the demo
// know (DemoHolderID, DemoHolderName), DemoPINAccount the holder's one
// class I account, the other two class II: DemoPINAccount has the PIN
// DemoPIN (2203 changes it), DemoLostAccount has DemoPIN and a loss
// report in force (2202 lifts it, hold id "seed-loss-" and the number),
// DemoDormantAccount is dormant (2214 wakes it). High numbers no test
// takes for ordinary work.
var (
	DemoPINAccount     = AccountNumber("0101", 234)
	DemoDormantAccount = AccountNumber("0101", 236)
	DemoLostAccount    = AccountNumber("0101", 237)
	// DemoHolderID is the ID number of the demo accounts' holder.
	DemoHolderID = demoID("11010119900315886")
)

const (
	// DemoPIN is the demo accounts' PIN; a demo PIN only, stored hashed
	// like any other.
	DemoPIN = "135790"
	// DemoHolderName is the name of the demo accounts' holder.
	DemoHolderName = "林晓雯"
)

// demoID completes the first 17 digits of an ID number with its check
// character.
func demoID(first17 string) string { return first17 + string(idnum.IDCheckChar(first17)) }

// seedAccounts gives branch 0101 the demo accounts of the account
// modules: a customer of known ID holds them, two have a PIN, one has a
// loss report, one is dormant.
func seedAccounts(ctx context.Context, s *Store, tx *sqlx.Tx, d seedDay) error {
	if d.branch != "0101" {
		return nil
	}
	cust, err := s.seedHolder(ctx, tx, d)
	if err != nil {
		return err
	}
	// One class I account per person: DemoPINAccount is the holder's
	// (what 2104 binds class II and III accounts to), the others class II.
	for i, acct := range []string{DemoPINAccount, DemoDormantAccount, DemoLostAccount} {
		class := "II"
		if i == 0 {
			class = "I"
		}
		if _, err := s.exec(ctx, tx, `UPDATE accounts SET customer_id = :cust, class = :class, version = version + 1 WHERE number = :acct`,
			map[string]any{"cust": cust, "class": class, "acct": acct}); err != nil {
			return err
		}
	}
	for _, acct := range []string{DemoPINAccount, DemoLostAccount} {
		if err := s.seedPIN(ctx, tx, acct, d.date); err != nil {
			return err
		}
	}
	if _, err := s.exec(ctx, tx, `UPDATE accounts SET dormant = 1, version = version + 1 WHERE number = :acct`,
		map[string]any{"acct": DemoDormantAccount}); err != nil {
		return err
	}
	_, err = s.exec(ctx, tx, `INSERT INTO holds (id, account, kind, amount, reason, start_date, status, created_by, created_at)
		VALUES (:id, :acct, 'loss_report', 0, 'card/formal/lost', :date, 'active', :by, :now)`,
		map[string]any{"id": "seed-loss-" + DemoLostAccount, "acct": DemoLostAccount, "date": d.date, "by": d.teller, "now": d.now})
	return err
}

// seedHolder adds the demo accounts' holder (DemoHolderID, sealed like
// every ID number) and returns the customer id.
func (s *Store) seedHolder(ctx context.Context, tx *sqlx.Tx, d seedDay) (string, error) {
	n, err := s.nextNumber(ctx, tx, "customer/"+d.branch)
	if err != nil {
		return "", err
	}
	cid := fmt.Sprintf("C%s%08d", d.branch, n)
	sealed, err := s.keys.sealID(DemoHolderID)
	if err != nil {
		return "", err
	}
	_, err = s.exec(ctx, tx, `INSERT INTO customers (id, name, id_cipher, id_index, created_at) VALUES (:id, :name, :cipher, :index, :now)`,
		map[string]any{"id": cid, "name": DemoHolderName, "cipher": sealed, "index": s.keys.indexID(DemoHolderID), "now": d.now})
	return cid, err
}

// seedPIN sets DemoPIN on acct, hashed by pin.hash.
func (s *Store) seedPIN(ctx context.Context, tx *sqlx.Tx, acct, date string) error {
	out, err := pinHash(funcEnv{pinRounds: s.iter}, map[string]any{"pin": DemoPIN})
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, tx, `UPDATE accounts SET pin_hash = :hash, pin_changed_on = :date, version = version + 1 WHERE number = :acct`,
		map[string]any{"hash": out["hash"], "date": date, "acct": acct})
	return err
}
