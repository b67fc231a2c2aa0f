package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Customer is a customer with the ID number decrypted.
type Customer struct {
	ID       string `db:"id" json:"id"`
	Name     string `db:"name" json:"name"`
	IDNumber string `db:"-" json:"id_number"`
	Cipher   string `db:"id_cipher" json:"-"`
}

// FindCustomer looks a customer up by resident ID number through the
// HMAC-SM3 blind index (the number itself is stored only SM4-GCM encrypted)
// and returns it with the number decrypted.
func (s *Store) FindCustomer(ctx context.Context, idNumber string) (Customer, error) {
	var c Customer
	db := s.db
	err := db.GetContext(ctx, &c, db.Rebind(`SELECT id, name, id_cipher FROM customers WHERE id_index = ?`),
		s.keys.indexID(strings.ToUpper(strings.TrimSpace(idNumber))))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errf("E_ID_MISMATCH", "idcard", nil)
	}
	if err != nil {
		return c, wrapDB(err)
	}
	c.IDNumber, err = s.keys.openID(c.Cipher)
	if err != nil {
		return c, errf("E_DB", "idcard", err)
	}
	return c, nil
}
