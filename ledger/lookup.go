package ledger

import (
	"context"
	"fmt"
)

// Lookup runs a read-only catalog transaction (one with "journal": false)
// to fill a form in: the holder's name and balance once an account number
// is complete, the day-end figures when the balancing form opens (see
// dsl.Lookup). It sees what a posting by req.Teller would see, context
// values included, but it runs in a DB transaction that is always rolled
// back, so it never changes the books whatever its SQL says, and it takes
// no idempotency key and no authorization.
func (x *Executor) Lookup(ctx context.Context, req Request) (*Result, error) {
	t, ok := x.cat[req.Txn]
	if !ok {
		return nil, errf("E_UNKNOWN_TXN", "", fmt.Errorf("%q", req.Txn))
	}
	if t.Journal {
		return nil, errf("E_NOT_LOOKUP", "", fmt.Errorf("%s posts to the journal", t.ID))
	}
	params, err := coerce(t, req.Values, x.store.keys)
	if err != nil {
		return nil, err
	}
	tx, err := x.store.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, wrapDB(err)
	}
	defer tx.Rollback()
	req.Authorizer = nil
	res, err := x.run(ctx, tx, t, req, approvals{}, "", params)
	if err != nil {
		return nil, wrapDB(err)
	}
	return res, nil
}

// LookupHook adapts Lookup to the teller window's Config.Lookup: it runs
// txn as session's teller with values keyed by the txn's param names (the
// window has already renamed them from form keys, see dsl.Lookup.Param);
// values that are no param of txn are left out, as a lookup reads only
// its own params.
func (x *Executor) LookupHook(session func() Session) func(txn string, values map[string]any) (*Result, error) {
	return func(txn string, values map[string]any) (*Result, error) {
		sess := session()
		vals := map[string]any{}
		if t := x.cat[txn]; t != nil {
			for k, v := range values {
				if t.Param(k) != nil {
					vals[k] = v
				}
			}
		}
		return x.Lookup(context.Background(), Request{Txn: txn, Values: vals, Teller: sess.Teller, Terminal: sess.Terminal})
	}
}
