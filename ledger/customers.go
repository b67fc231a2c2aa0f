package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Customer is a customer with the ID number, phone number and address
// decrypted.
type Customer struct {
	ID            string `db:"id" json:"id"`
	Name          string `db:"name" json:"name"`
	IDNumber      string `db:"-" json:"id_number"`
	Phone         string `db:"-" json:"phone"`
	Address       string `db:"-" json:"address"`
	Cipher        string `db:"id_cipher" json:"-"`
	PhoneCipher   string `db:"phone_cipher" json:"-"`
	AddressCipher string `db:"address_cipher" json:"-"`
}

// FindCustomer looks a customer up by resident ID number through the
// HMAC-SM3 blind index (the number itself is stored only SM4-GCM encrypted,
// like the phone number and address) and returns it decrypted.
func (s *Store) FindCustomer(ctx context.Context, idNumber string) (Customer, error) {
	var c Customer
	db := s.db
	err := db.GetContext(ctx, &c, db.Rebind(`SELECT id, name, id_cipher, phone_cipher, address_cipher FROM customers WHERE id_index = ?`),
		s.keys.indexID(strings.ToUpper(strings.TrimSpace(idNumber))))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errf("E_ID_MISMATCH", "idcard", nil)
	}
	if err != nil {
		return c, wrapDB(err)
	}
	if c.IDNumber, err = s.keys.openID(c.Cipher); err != nil {
		return c, errf("E_DB", "idcard", err)
	}
	if c.Phone, err = s.keys.openPII(c.PhoneCipher); err != nil {
		return c, errf("E_DB", "phone", err)
	}
	if c.Address, err = s.keys.openPII(c.AddressCipher); err != nil {
		return c, errf("E_DB", "address", err)
	}
	return c, nil
}

// FirstActiveAccount is the active account with the lowest number: what
// the screenshots' demo postings use.
func (s *Store) FirstActiveAccount(ctx context.Context) (string, error) {
	var number string
	err := s.db.GetContext(ctx, &number, `SELECT number FROM accounts WHERE status = 'active' AND product = 'demand' AND dormant = 0 ORDER BY number LIMIT 1`)
	return number, wrapDB(err)
}
