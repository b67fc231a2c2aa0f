package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"guitai/catalog"
)

// CheckSchema prepares every step of every catalog transaction against the
// live schema (then rolls back), so a misspelt table or column, a type the
// database cannot infer, or a name sqlx cannot bind is found before a teller
// meets it.
func (x *Executor) CheckSchema(ctx context.Context) error {
	var errs []error
	for _, id := range x.cat.IDs() {
		t := x.cat[id]
		arg := map[string]any{}
		for _, n := range catalog.ContextNames {
			arg[n] = ""
		}
		for _, p := range t.Params {
			arg[p.Name], arg[p.Name+"_cipher"], arg[p.Name+"_index"] = "", "", ""
		}
		for _, st := range t.Steps {
			for n := range st.Returning {
				arg[n] = ""
			}
			if st.Into != "" {
				arg[st.Into] = ""
			}
		}
		err := x.store.once(ctx, nil, func(tx *sqlx.Tx) error {
			steps := t.Steps
			for _, st := range t.Steps {
				steps = append(steps[:len(steps):len(steps)], st.Diagnose...)
			}
			for i, st := range steps {
				if st.Call != "" {
					continue // a built-in function, checked by catalog.Check
				}
				q, _, err := named(tx.DriverName(), st.SQL, arg)
				if err == nil {
					var stmt *sqlx.Stmt
					if stmt, err = tx.PreparexContext(ctx, q); err == nil {
						stmt.Close()
					}
				}
				if err != nil {
					errs = append(errs, fmt.Errorf("%s step %d: %w", id, i+1, err))
				}
			}
			return errRollback
		})
		if err != nil && !errors.Is(err, errRollback) {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

var errRollback = errors.New("rollback")
