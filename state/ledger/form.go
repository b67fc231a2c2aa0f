package ledger

import (
	"context"
	"fmt"

	"guitai/dsl"
	"guitai/state"
)

// SerialKey is the state key a posted form's journal serial is written to.
const SerialKey = "serial"

// SubmitForm is the whole submit path of a form whose values live in scope:
// it reads the bound keys in a StateBus transaction, posts them (one DB
// transaction), and on success writes the journal serial (SerialKey) and
// every returned value the form binds (acct_name, balance, result rows ...)
// back in the same StateBus transaction. On failure the StateBus
// transaction is rolled back, so the form keeps exactly what the teller
// typed, and the *Error names the field to mark.
//
// The ledger is the book of record: when the StateBus commit conflicts
// because the teller edited the form while it posted, the results are
// written anyway (without the read check) and the posting stands.
func (x *Executor) SubmitForm(ctx context.Context, scope *state.Scope, f *dsl.Form, sess Session, auth *Credentials, key string) (*Result, error) {
	if f.Submit == nil || f.Submit.Txn == "" {
		return nil, errf("E_UNKNOWN_TXN", "", fmt.Errorf("form %s posts nothing", f.ID))
	}
	tx := scope.Begin()
	values := map[string]any{}
	bound := map[string]bool{}
	for _, fld := range f.Fields() {
		bound[fld.Key] = true
		if v := tx.Get(fld.Key); v != nil && v != "" {
			values[fld.Key] = v
		}
	}
	res, err := x.Submit(ctx, Request{Txn: f.Submit.Txn, Values: Posted(f, values), Teller: sess.Teller,
		Terminal: sess.Terminal, Authorizer: auth, Key: key})
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	write := func(set func(string, any)) {
		if res.Serial != "" {
			set(SerialKey, res.Serial)
		}
		for k, v := range res.Values {
			if bound[k] {
				set(k, v)
			}
		}
		for k, rows := range res.Rows {
			if bound[k] {
				set(k, rows)
			}
		}
	}
	write(tx.Set)
	if err := tx.Commit(); err != nil {
		write(func(k string, v any) { scope.Set(k, v) })
	}
	return res, nil
}
