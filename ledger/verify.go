package ledger

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/jmoiron/sqlx"

	"guitai/audit"
	"guitai/catalog"
)

// The log binds the ledger (controls issue §2). A posting's audit record
// (action posting or reversal, object the journal serial) has as payload
// digest the SM3 of postingDoc's JSON: the journal row, the SM3 of its
// stored result, and its postings by line, i.e. every book's balance
// effect. An authorization record's payload binds the serial to the
// request digest it approved. Both are built from what the tables hold, so
// VerifyPostings recomputes them from the ledger and names the serial whose
// tables no longer match the log, however consistently they were edited.

// payloadVersion is the "v" of a posting payload; records written before it
// existed carry the SM3 of the result JSON instead (see legacyOK).
const payloadVersion = 2

// postingDoc is the canonical posting payload. Its field order is fixed
// (struct order) and JSON escapes are deterministic, so the same row always
// gives the same bytes.
type postingDoc struct {
	V           int    `json:"v"`
	Serial      string `json:"serial"`
	Date        string `json:"date"`
	Branch      string `json:"branch"`
	Teller      string `json:"teller"`
	Authorizer  string `json:"authorizer"`
	Terminal    string `json:"terminal"`
	Txn         string `json:"txn"` // journal.txn_code
	Form        string `json:"form"`
	FormVersion string `json:"form_version"`
	// Package and PackageDigest name the release package version the
	// entry was posted with (journal.package_ref, package_digest); left
	// out when empty (the built-in catalog), so that every entry posted
	// before packages verifies unchanged.
	Package       string        `json:"package,omitempty"`
	PackageDigest string        `json:"package_digest,omitempty"`
	Account       string        `json:"account"`
	Amount        int64         `json:"amount"`
	ReversalOf    string        `json:"reversal_of"`
	Request       string        `json:"request"` // journal.request_digest
	Result        string        `json:"result"`  // SM3 of journal.result
	Postings      []postingLine `json:"postings"`
}

// postingLine is one row of postings: a book's balance effect.
type postingLine struct {
	Line   int64  `json:"line" db:"line"`
	Book   string `json:"book" db:"book"`
	Amount int64  `json:"amount" db:"amount"`
}

// payloadPrefix starts every posting payload; a legacy record's result
// never does.
var payloadPrefix = fmt.Sprintf(`{"v":%d,`, payloadVersion)

func sm3Hex(b []byte) string {
	h := sm3.Sum(b)
	return hex.EncodeToString(h[:])
}

// requestDigest is the SM3 of the canonical request: transaction, the
// coerced params (an ID number by its blind index, never in clear; a PIN
// not at all: a digest of 6 digits is no secret),
// teller, idempotency key and, for a posting made with a release package,
// the package's digest (pkg; left out when "", so a built-in request
// digests as it always did). It binds an idempotency key and an
// authorization to the exact posting asked for.
func requestDigest(t *catalog.Txn, params map[string]any, teller, key, pkg string) string {
	vals := make(map[string]any, len(t.Params))
	for _, prm := range t.Params {
		if catalog.Secret(prm.Type) {
			continue // a PIN: not even its digest leaves the posting
		}
		v := params[prm.Name]
		if prm.Type == "idcard" || prm.Type == "pii" {
			v = params[prm.Name+"_index"]
		}
		vals[prm.Name] = v
	}
	b, _ := json.Marshal(struct {
		Txn    string         `json:"txn"`
		Params map[string]any `json:"params"`
		Teller string         `json:"teller"`
		Key    string         `json:"key"`
		Pkg    string         `json:"package,omitempty"`
	}{t.ID, vals, teller, key, pkg})
	return sm3Hex(b)
}

// authorizationPayload is the payload of the authorization record of
// authorizer on the posting serial made by the request digest.
func authorizationPayload(serial, digest, authorizer string) ([]byte, error) {
	return json.Marshal(struct {
		V          int    `json:"v"`
		Serial     string `json:"serial"`
		Request    string `json:"request"`
		Authorizer string `json:"authorizer"`
	}{payloadVersion, serial, digest, authorizer})
}

// checkAuthorizers refuses a posting whose authorizers do not meet need:
// too few (E_AUTH_REQUIRED), or one of another role (E_AUTH_ROLE). An
// authorizer given when none was needed (the form asked earlier) must
// still have the policy's role.
func checkAuthorizers(need requirement, auth []*User) error {
	for i, u := range auth {
		if u.Role != need.role {
			field := "authorizer"
			if i == 1 {
				field = "authorizer2"
			}
			return errf("E_AUTH_ROLE", field, fmt.Errorf("%s is %s, the policy asks for %s", u.ID, u.Role, need.role))
		}
	}
	switch {
	case need.n > len(auth) && len(auth) == 0:
		return errf("E_AUTH_REQUIRED", "authorizer", nil)
	case need.n > len(auth):
		return errf("E_AUTH_REQUIRED", "authorizer2", fmt.Errorf("the policy asks for %d authorizers", need.n))
	}
	return nil
}

// postingLines reads a serial's postings by line.
func postingLines(ctx context.Context, tx *sqlx.Tx, serial string) ([]postingLine, error) {
	var out []postingLine
	err := tx.SelectContext(ctx, &out, tx.Rebind(`SELECT line, book, amount FROM postings WHERE serial = ? ORDER BY line`), serial)
	return out, err
}

// Mismatch is a journal entry whose tables do not match the audit log.
type Mismatch struct {
	Serial string `json:"serial"`
	Seq    uint64 `json:"seq,omitempty"` // the audit record, 0 when there is none
	Action string `json:"action,omitempty"`
	Detail string `json:"detail"`
}

func (m Mismatch) String() string {
	if m.Seq == 0 {
		return fmt.Sprintf("serial %s: %s", m.Serial, m.Detail)
	}
	return fmt.Sprintf("serial %s (audit seq %d, %s): %s", m.Serial, m.Seq, m.Action, m.Detail)
}

// PostingReport is what VerifyPostings found.
type PostingReport struct {
	Records    int        `json:"records"` // posting, reversal and authorization records checked
	Entries    int        `json:"entries"` // journal entries read
	Legacy     int        `json:"legacy"`  // records from before payload v2, checked against their result only
	Mismatches []Mismatch `json:"mismatches,omitempty"`
}

// OK reports whether every record matched its tables.
func (r PostingReport) OK() bool { return len(r.Mismatches) == 0 }

// VerifyPostings recomputes, from the ledger's tables, the payload digest
// of every posting, reversal and authorization record of the ledger's
// audit log and reports every serial that differs (see VerifyLedger).
func (s *Store) VerifyPostings(ctx context.Context) (PostingReport, error) {
	return VerifyLedger(ctx, s.db.DB, s.driver == Postgres, s.audit.log)
}

// VerifyLedger is VerifyPostings on a database opened elsewhere (auditctl
// verify --db): db holds the ledger's tables and l's audit log. A record
// whose journal entry is gone, an entry (other than the demo seed's) with
// no posting record, and a record whose digest the tables no longer give
// are mismatches, named by serial.
func VerifyLedger(ctx context.Context, db *sql.DB, postgres bool, l *audit.Log) (PostingReport, error) {
	var rep PostingReport
	driver := SQLite
	if postgres {
		driver = Postgres
	}
	x := sqlx.NewDb(db, driver)
	bySerial := map[string][]logRec{}
	err := l.Scan(ctx, db, audit.Filter{}, func(e *audit.Entry) error {
		switch e.Action {
		case audit.ActionPosting, audit.ActionReversal, audit.ActionAuthorization, audit.ActionCounterpart:
			bySerial[e.Object] = append(bySerial[e.Object], logRec{e.Seq, e.Action, e.Authorizer, e.PayloadDigest})
			rep.Records++
		}
		return ctx.Err()
	})
	if err != nil {
		return rep, err
	}
	// A ledger from before migration 00008 (auditctl verify --db opens
	// the database as it is) has no package columns: its entries were
	// all posted with the built-in catalog.
	pkgCols := "'', ''"
	if _, err := db.ExecContext(ctx, `SELECT package_ref, package_digest FROM journal WHERE 1 = 0`); err == nil {
		pkgCols = "j.package_ref, j.package_digest"
	}
	tx, err := x.BeginTxx(ctx, &sql.TxOptions{ReadOnly: postgres})
	if err != nil {
		return rep, wrapDB(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryxContext(ctx, `SELECT j.serial, j.business_date, j.branch, j.teller, COALESCE(j.authorizer, ''),
		j.terminal, j.txn_code, j.form_id, j.form_version, `+pkgCols+`, j.account, j.amount, COALESCE(j.reversal_of, ''),
		j.request_digest, j.result, p.line, p.book, p.amount
		FROM journal j LEFT JOIN postings p ON p.serial = j.serial ORDER BY j.serial, p.line`)
	if err != nil {
		return rep, wrapDB(err)
	}
	defer rows.Close()
	var cur *postingDoc
	var result string
	seen := map[string]bool{}
	check := func() {
		if cur == nil {
			return
		}
		rep.Entries++
		seen[cur.Serial] = true
		rep.Mismatches = append(rep.Mismatches, checkEntry(cur, result, bySerial[cur.Serial], &rep.Legacy)...)
	}
	for rows.Next() {
		var d postingDoc
		var res string
		var line, amount sql.NullInt64
		var book sql.NullString
		if err := rows.Scan(&d.Serial, &d.Date, &d.Branch, &d.Teller, &d.Authorizer, &d.Terminal, &d.Txn, &d.Form,
			&d.FormVersion, &d.Package, &d.PackageDigest, &d.Account, &d.Amount, &d.ReversalOf, &d.Request, &res, &line, &book, &amount); err != nil {
			return rep, wrapDB(err)
		}
		if cur == nil || cur.Serial != d.Serial {
			check()
			d.V, d.Result = payloadVersion, sm3Hex([]byte(res))
			cur, result = &d, res
		}
		if line.Valid {
			cur.Postings = append(cur.Postings, postingLine{Line: line.Int64, Book: book.String, Amount: amount.Int64})
		}
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	if err := rows.Err(); err != nil {
		return rep, wrapDB(err)
	}
	check()
	for serial, rs := range bySerial {
		if !seen[serial] {
			for _, r := range rs {
				rep.Mismatches = append(rep.Mismatches, Mismatch{Serial: serial, Seq: r.seq, Action: r.action,
					Detail: "no such journal entry"})
			}
		}
	}
	sort.Slice(rep.Mismatches, func(i, j int) bool {
		a, b := rep.Mismatches[i], rep.Mismatches[j]
		if a.Serial != b.Serial {
			return a.Serial < b.Serial
		}
		return a.Seq < b.Seq
	})
	return rep, nil
}

// logRec is what VerifyLedger keeps of a posting, reversal or
// authorization record.
type logRec struct {
	seq    uint64
	action string
	auth   string
	digest audit.Hash
}

// checkEntry compares one journal entry, as the tables give it (d, and its
// stored result), with its audit records.
func checkEntry(d *postingDoc, result string, recs []logRec, legacy *int) []Mismatch {
	if len(recs) == 0 && d.Form == "seed" && d.Txn == "0000" {
		return nil // the demo seed's opening balances: written before any audit
	}
	payload, err := json.Marshal(d)
	if err != nil {
		return []Mismatch{{Serial: d.Serial, Detail: err.Error()}}
	}
	want := audit.Hash(sm3.Sum(payload))
	var out []Mismatch
	postings := 0
	for _, r := range recs {
		m := Mismatch{Serial: d.Serial, Seq: r.seq, Action: r.action}
		switch r.action {
		case audit.ActionPosting, audit.ActionReversal:
			postings++
			switch {
			case r.digest == want:
				continue
			case d.Request == "" && !strings.HasPrefix(result, payloadPrefix) && r.digest == audit.Hash(sm3.Sum([]byte(result))):
				*legacy++ // written before payload v2: its payload was the result
				continue
			}
			m.Detail = "the journal entry, its postings or its result differ from what was logged"
		case audit.ActionAuthorization:
			ap, err := authorizationPayload(d.Serial, d.Request, r.auth)
			switch {
			case err == nil && r.digest == audit.Hash(sm3.Sum(ap)):
				continue
			case d.Request == "" && r.digest == audit.Hash(sm3.Sum(nil)):
				*legacy++
				continue
			}
			m.Detail = "the authorization does not match the entry's request digest"
		case audit.ActionCounterpart:
			cp, err := counterpartPayload(d.Serial, d.Request, r.auth)
			if err == nil && r.digest == audit.Hash(sm3.Sum(cp)) {
				continue
			}
			m.Detail = "the counterpart's confirmation does not match the entry's request digest"
		}
		out = append(out, m)
	}
	switch {
	case postings == 0:
		out = append(out, Mismatch{Serial: d.Serial, Detail: "no posting record in the audit log"})
	case postings > 1:
		out = append(out, Mismatch{Serial: d.Serial, Detail: fmt.Sprintf("%d posting records in the audit log", postings)})
	}
	return out
}
