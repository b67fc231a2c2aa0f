package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"

	"guitai/audit"
	"guitai/catalog"
	"guitai/money"
)

// Pipelined postings on PostgreSQL.
//
// One statement at a time, a cash deposit costs 15 round trips to
// PostgreSQL (TestPipelineRoundTrips), each a wait on the branch's
// network. So a journaled posting goes in three batches, each sent in
// pgx's pipeline mode and costing one round trip:
//
//  1. BEGIN; the teller and the business date of the teller's branch; the
//     journal serial (the branch's counter, which the statement itself
//     names from that row); the transaction's four-eyes policy and its
//     dual-control rule.
//  2. The journal row, the catalog's steps, the posting's lines, the audit
//     log's lock and its tip.
//  3. The journal row's result, the receipt, the audit records, COMMIT.
//
// A step that names a value returned by a step still waiting in the batch
// starts a new batch, and a built-in function (call) runs between two:
// each costs one round trip more.
//
// The pipelined path decides nothing of its own. Whenever anything is not
// as a plain posting expects (a refusal of any kind: a guard, the policy,
// a role, a repeated key, an unbalanced entry; the teller's first posting
// of the day, which opens the cash box; a database error), it rolls back
// and the posting runs again one statement at a time (run), which
// refuses, diagnoses and retries exactly as it always has. A refusal costs
// the round trips of the rolled-back batches more; no posting goes
// through half of each path.

// pipelineStats count a store's postings by path.
type pipelineStats struct {
	posted    atomic.Int64 // pipelined
	fallbacks atomic.Int64 // tried pipelined, then posted (or refused) one statement at a time
}

// errNotPipelined ends a pipelined attempt: nothing of it is posted, and
// the posting runs again one statement at a time.
var errNotPipelined = errors.New("ledger: posting not pipelined")

// pipelines reports whether m may be posted in batches: a journaled
// posting on PostgreSQL.
func (s *Store) pipelines(m *member) bool { return s.pipeline && m.t.Journal }

// postPipelined posts m in batches on one connection of the pool. ok is
// false when it did not post it (nothing of it is in the database then).
func (s *Store) postPipelined(m *member) (res *Result, ok bool) {
	ctx := m.ctx
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false
	}
	defer conn.Close()
	var chained audit.Chained
	err = conn.Raw(func(dc any) error {
		c, isPgx := dc.(*stdlib.Conn)
		if !isPgx {
			return errNotPipelined
		}
		pc := c.Conn()
		var err error
		if res, chained, err = m.x.runPipelined(ctx, pc, m); err != nil && pc.PgConn().TxStatus() != 'I' {
			if _, rerr := pc.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				return driver.ErrBadConn // never pooled again half in a transaction
			}
		}
		return err
	})
	if err != nil {
		s.pipelined.fallbacks.Add(1)
		return nil, false
	}
	s.pipelined.posted.Add(1)
	s.appended(ctx, chained)
	return res, true
}

// runPipelined is run in three batches (see above); an error is
// errNotPipelined or the database's, and the caller rolls back. It
// returns the audit records it committed.
func (x *Executor) runPipelined(ctx context.Context, conn *pgx.Conn, m *member) (*Result, audit.Chained, error) {
	var none audit.Chained
	b := &batch{ctx: ctx, conn: conn}
	first, err := x.queueStart(b, m)
	if err != nil {
		return nil, none, err
	}
	if err := b.flush(); err != nil {
		return nil, none, err
	}
	ps, err := x.startPosting(m, first)
	if err != nil {
		return nil, none, err
	}
	tail, err := ps.queueSteps(b)
	if err != nil {
		return nil, none, err
	}
	if err := b.flush(); err != nil {
		return nil, none, err
	}
	chained, err := ps.queueFinish(b, tail)
	if err != nil {
		return nil, none, err
	}
	// Sent, the COMMIT is not interrupted by the caller's cancellation,
	// which would leave it unknown whether the posting stands (as
	// database/sql's Commit, which checks the context before it sends).
	b.ctx = context.WithoutCancel(ctx)
	if err := b.flush(); err != nil {
		return nil, none, err
	}
	return ps.res, chained, nil
}

// numberSQL allocates the next number of the counter named prefix and
// the teller's branch, as allocateNumbers names it.
const numberSQL = `INSERT INTO counters (name, value)
	SELECT $2 || u.branch, 1 FROM users u WHERE u.id = $1
	ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`

// serialSQL allocates the journal serial's sequence from the counter of
// the teller's branch and business day, named as nextSerial names it.
const serialSQL = `INSERT INTO counters (name, value)
	SELECT 'serial/' || u.branch || '/' || b.business_date, 1 FROM users u JOIN branches b ON b.code = u.branch WHERE u.id = $1
	ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`

// started is what the first batch read.
type started struct {
	teller   tellerRow
	found    bool  // the teller exists
	seq      int64 // the journal serial's sequence
	account  int64 // the new account's sequence, when the steps name :new_account
	customer int64 // the new customer's, when they name :new_customer
	controls controls
}

// queueStart queues the first batch: BEGIN, the teller, the serial, the
// policy and the dual-control rule.
func (x *Executor) queueStart(b *batch, m *member) (*started, error) {
	st := &started{}
	begin := "BEGIN"
	if m.opts != nil && m.opts.Isolation == sql.LevelSerializable {
		begin = "BEGIN ISOLATION LEVEL SERIALIZABLE"
	}
	b.queue(begin, nil, nil)
	b.queue(sqlx.Rebind(sqlx.DOLLAR, tellerSQL), []any{m.req.Teller}, func(rows []map[string]any) error {
		if len(rows) == 1 {
			r := rows[0]
			st.found = true
			st.teller = tellerRow{User: User{ID: str(r["id"]), Name: str(r["name"]), Branch: str(r["branch"]), Role: str(r["role"]),
				Failed: int(asInt(r["failed"])), Locked: asInt(r["locked"]) != 0}, Date: str(r["business_date"])}
		}
		return nil
	})
	b.queue(serialSQL, []any{m.req.Teller}, func(rows []map[string]any) error {
		if len(rows) == 1 {
			st.seq = asInt(rows[0]["value"])
		}
		return nil
	})
	uses := x.uses(m.t)
	for _, n := range []struct {
		use    bool
		prefix string
		to     *int64
	}{{uses.newAccount, "account/", &st.account}, {uses.newCustomer, "customer/", &st.customer}} {
		if n.use {
			b.queue(numberSQL, []any{m.req.Teller, n.prefix}, func(rows []map[string]any) error {
				if len(rows) == 1 {
					*n.to = asInt(rows[0]["value"])
				}
				return nil
			})
		}
	}
	b.queue(sqlx.Rebind(sqlx.DOLLAR, controlsSQL), []any{m.t.ID, m.t.ID, m.t.ID, m.t.ID}, func(rows []map[string]any) error {
		if len(rows) != 1 {
			return errNotPipelined
		}
		r := rows[0]
		st.controls.had = r["role"] != nil
		if st.controls.had {
			st.controls.policy = Policy{Txn: m.t.ID, Threshold: money.Fen(asInt(r["threshold"])), Role: str(r["role"]), Authorizers: int(asInt(r["authorizers"]))}
		}
		st.controls.dual = str(r["dual"])
		return nil
	})
	return st, nil
}

// startPosting checks what the first batch read as run does (the teller,
// the role, the cash box, the four-eyes rule, the counterpart) and starts
// the posting with its serial.
func (x *Executor) startPosting(m *member, st *started) (*posting, error) {
	s := x.store
	if !st.found || st.teller.Locked || st.seq == 0 || mayPost(m.t, st.teller.User) != nil {
		return nil, errNotPipelined
	}
	if _, known := s.boxes.Load(st.teller.ID + "/" + st.teller.Date); !known {
		return nil, errNotPipelined // run opens the box
	}
	ps := x.newPosting(m.t, m.req, m.ap, m.digest, maps.Clone(m.params), st.teller)
	ps.setContextParams(s.stamp())
	ps.setSerial(serialOf(serialPrefix(st.teller.Branch, st.teller.Date), st.seq))
	if st.account != 0 {
		ps.p["new_account"] = AccountNumber(st.teller.Branch, st.account)
	}
	if st.customer != 0 {
		ps.p["new_customer"] = customerNumber(st.teller.Branch, st.customer)
	}
	if checkAuthorizers(requires(x.policyTxn(m.t, m.req.pkg), st.controls.policy, st.controls.had, ps.p), ps.auth) != nil {
		return nil, errNotPipelined
	}
	if ps.dual = st.controls.dual; ps.checkDualControl() != nil {
		return nil, errNotPipelined
	}
	return ps, nil
}

// finishing is what the second batch read for the third.
type finishing struct {
	lines  []postingLine
	tip    audit.Tip
	signed *audit.Checkpoint // the largest stored checkpoint, nil before the first
}

// queueSteps queues the second batch: the package check, the journal
// row, the catalog's steps (sending a batch early where a step needs
// what an earlier one returns, or calls a built-in function), the
// posting's lines and the audit log's lock and tip.
func (ps *posting) queueSteps(b *batch) (*finishing, error) {
	if ps.req.pkg != nil {
		b.queue(sqlx.Rebind(sqlx.DOLLAR, packageSQL), ps.packageArgs(), func(rows []map[string]any) error {
			if len(rows) != 1 || ps.packageActive(asInt(rows[0]["activations"]), asInt(rows[0]["here"])) != nil {
				return errNotPipelined
			}
			return nil
		})
	}
	q, args := ps.journalRow()
	if err := b.queueNamed(q, args, nil); err != nil {
		return nil, err
	}
	waiting := map[string]bool{} // values returned by steps not yet sent
	for _, st := range ps.t.Steps {
		if st.Call != "" || namesAny(st.SQL, waiting) {
			if err := b.flush(); err != nil {
				return nil, err
			}
			clear(waiting)
		}
		if st.Call != "" {
			if err := ps.x.call(st, ps.p, ps.res); err != nil {
				return nil, errNotPipelined
			}
			if err := ps.guard(st, 0, false); err != nil {
				return nil, err
			}
			continue
		}
		then := func(rows []map[string]any) error {
			return ps.guard(st, applyRows(st, rows, ps.p, ps.res), true)
		}
		if !isQuery(st) {
			then = func(rows []map[string]any) error { return ps.guard(st, affected(rows), true) }
		}
		if err := b.queueNamed(st.SQL, ps.p, then); err != nil {
			return nil, err
		}
		for name := range st.Returning {
			waiting[name] = true
		}
	}
	f := &finishing{}
	b.queue(`SELECT line, book, amount FROM postings WHERE serial = $1 ORDER BY line`, []any{ps.res.Serial}, func(rows []map[string]any) error {
		for _, r := range rows {
			f.lines = append(f.lines, postingLine{Line: asInt(r["line"]), Book: str(r["book"]), Amount: asInt(r["amount"])})
		}
		return nil
	})
	log := ps.x.store.audit.log
	b.queue(log.LockSQL(), nil, nil)
	b.queue(log.TipSQL(), nil, func(rows []map[string]any) error {
		if len(rows) == 0 {
			return nil
		}
		var err error
		f.tip, err = audit.ParseTip(asInt(rows[0]["seq"]), str(rows[0]["leaf_hash"]))
		return err
	})
	b.queue(log.LatestCheckpointSQL(), nil, func(rows []map[string]any) error {
		if len(rows) == 0 {
			return nil
		}
		var err error
		f.signed, err = audit.ParseCheckpointHead(asInt(rows[0]["size"]), str(rows[0]["root"]))
		return err
	})
	return f, nil
}

// guard applies a step's guard to the n rows it read or changed (checked
// false: a call, which has none) and its authorize_if.
func (ps *posting) guard(st catalog.Step, n int64, checked bool) error {
	if checked && st.ExpectRows != nil && n != int64(*st.ExpectRows) {
		return errNotPipelined // run diagnoses it
	}
	if st.AuthorizeIf != "" && asInt(ps.p[st.AuthorizeIf]) != 0 && len(ps.auth) == 0 {
		return errNotPipelined
	}
	return nil
}

// queueFinish queues the third batch: the journal row's result, the
// receipt, the audit records chained after the tip read under the lock
// (with the checkpoint that falls due among them, signed), and COMMIT. It
// returns the audit records the batch appends.
func (ps *posting) queueFinish(b *batch, f *finishing) (audit.Chained, error) {
	var none audit.Chained
	var sum int64
	for _, l := range f.lines {
		sum += l.Amount
	}
	if sum != 0 {
		return none, errNotPipelined // run refuses it (E_UNBALANCED)
	}
	ps.res.Params = postedParams(ps.t, ps.p)
	body, err := json.Marshal(ps.res)
	if err != nil {
		return none, err
	}
	result, fig := string(body), ps.figures()
	// Nothing in this batch is checked here: its COMMIT runs whatever a
	// check of ours would say. A failing statement aborts the
	// transaction, and the COMMIT then rolls it back. The journal row
	// the result completes was inserted by this transaction in the
	// second batch (writeResult's count holds).
	q, args := ps.resultRow(fig, result)
	if err := b.queueNamed(q, args, nil); err != nil {
		return none, err
	}
	if q, args := ps.receiptRow(result); q != "" {
		if err := b.queueNamed(q, args, nil); err != nil {
			return none, err
		}
	}
	evs, err := ps.auditEvents(fig, body, f.lines)
	if err != nil {
		return none, err
	}
	s := ps.x.store
	recs := make([]audit.Record, len(evs))
	for i, e := range evs {
		recs[i] = s.audit.recordOf(s.stamped(e))
	}
	chained, err := s.audit.log.Chain(f.tip, f.signed, recs)
	if errors.Is(err, audit.ErrNeedFrontier) {
		return none, errNotPipelined // Append reads it
	}
	if err != nil {
		return none, err
	}
	for _, st := range chained.Statements {
		b.queue(st.SQL, st.Args, nil)
	}
	b.queue("COMMIT", nil, nil)
	return chained, nil
}

// batch is one round trip of a pipelined posting: statements queued with
// what to do with the rows each returns, sent together by flush.
type batch struct {
	ctx  context.Context
	conn *pgx.Conn
	b    pgx.Batch
}

// queue adds the statement q (PostgreSQL's $n placeholders) with args;
// then, if not nil, gets the rows it returned, or for a statement that
// returns none the count it changed (affected).
func (b *batch) queue(q string, args []any, then func(rows []map[string]any) error) {
	b.b.Queue(q, args...).Query(func(rows pgx.Rows) error {
		if then == nil {
			rows.Close()
			return rows.Err()
		}
		out, err := readRows(rows)
		if err != nil {
			return err
		}
		if len(rows.FieldDescriptions()) == 0 {
			out = []map[string]any{{affectedKey: rows.CommandTag().RowsAffected()}}
		}
		return then(out)
	})
}

// queueNamed queues a statement with named params (:name) from arg.
func (b *batch) queueNamed(q string, arg map[string]any, then func(rows []map[string]any) error) error {
	text, args, err := named(Postgres, q, arg)
	if err != nil {
		return err
	}
	b.queue(text, args, then)
	return nil
}

// flush sends the queued statements in one round trip and hands each its
// rows, in order; the first error ends it.
func (b *batch) flush() error {
	if b.b.Len() == 0 {
		return nil
	}
	err := b.conn.SendBatch(b.ctx, &b.b).Close()
	b.b = pgx.Batch{}
	return err
}

// affectedKey holds, in the one row queue hands a statement that returns
// none, how many rows it changed.
const affectedKey = "\x00affected"

// affected is the count of rows a statement without rows changed.
func affected(rows []map[string]any) int64 {
	if len(rows) == 1 {
		if n, ok := rows[0][affectedKey].(int64); ok {
			return n
		}
	}
	return int64(len(rows))
}

// readRows reads rows as maps by column, each value as database/sql's pgx
// driver gives it (integers as int64, floats as float64, times as
// time.Time, bytes and everything else as a string), so a pipelined step
// reads what a step run one statement at a time reads.
func readRows(rows pgx.Rows) ([]map[string]any, error) {
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		fds := rows.FieldDescriptions()
		dest := make([]any, len(fds))
		for i, fd := range fds {
			dest[i] = scanTarget(fd.DataTypeOID)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(fds))
		for i, fd := range fds {
			m[fd.Name] = scanned(dest[i])
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// scanTarget is where a column of type oid is scanned: a pointer to a
// nullable value of the type database/sql's pgx driver gives it.
func scanTarget(oid uint32) any {
	switch oid {
	case pgtype.BoolOID:
		return new(*bool)
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
		return new(*int64)
	case pgtype.Float4OID, pgtype.Float8OID:
		return new(*float64)
	case pgtype.DateOID, pgtype.TimestampOID, pgtype.TimestamptzOID:
		return new(*time.Time)
	default:
		return new(*string)
	}
}

// scanned is the value scanTarget's pointer holds, nil for NULL.
func scanned(p any) any {
	switch v := p.(type) {
	case **bool:
		return deref(*v)
	case **int64:
		return deref(*v)
	case **float64:
		return deref(*v)
	case **time.Time:
		return deref(*v)
	case **string:
		return deref(*v)
	}
	return nil
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// namesAny reports whether the statement q names any of names.
func namesAny(q string, names map[string]bool) bool {
	if len(names) == 0 {
		return false
	}
	return slices.ContainsFunc(namesIn(q), func(n string) bool { return names[n] })
}

// str is a column's text, "" for NULL.
func str(v any) string {
	s, _ := v.(string)
	return s
}
