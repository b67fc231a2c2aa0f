package audit

import (
	"crypto"
	"errors"
	"strconv"
)

// This file lets a caller send the log's statements itself, in batches
// of its own (the ledger pipelines a posting's statements on
// PostgreSQL): in its transaction it takes the lock (LockSQL) and reads
// the tip (TipSQL), chains its records after that tip (Chain), runs the
// inserts Chain returns, and once the transaction has committed tells
// the log (Appended), which says whether a checkpoint is due.

// Tip is where a log ends: its last record's sequence number and leaf
// hash. The zero Tip is an empty log.
type Tip struct {
	Seq  uint64
	Leaf Hash
}

// Statement is an SQL statement of the log's dialect and its arguments.
type Statement struct {
	SQL  string
	Args []any
}

// LockSQL is the statement that serializes appenders within a
// transaction: PostgreSQL's advisory transaction lock, which Append
// takes too. It is "" on SQLite, where the database's write lock does it.
func (l *Log) LockSQL() string {
	if l.cfg.Dialect != Postgres {
		return ""
	}
	return l.sqlText(stmtLock)
}

// TipSQL is the query that reads the tip: one row (seq, leaf_hash), none
// when the log is empty. Run it after LockSQL, in the same transaction.
func (l *Log) TipSQL() string { return l.sqlText(stmtTip) }

// ParseTip reads the row TipSQL returned.
func ParseTip(seq int64, leaf string) (Tip, error) {
	h, err := ParseHash(leaf)
	if err != nil || seq < 1 {
		return Tip{}, errf(CodeState, "append", err, "stored leaf hash of seq %d", seq)
	}
	return Tip{Seq: uint64(seq), Leaf: h}, nil
}

// LatestCheckpointSQL is the query that reads the largest stored
// checkpoint: one row (size, root), none before the first. Run it after
// LockSQL, in the same transaction, and give Chain what it read.
func (l *Log) LatestCheckpointSQL() string {
	return `SELECT size, root FROM audit_checkpoint ORDER BY size DESC LIMIT 1`
}

// ParseCheckpointHead reads the row LatestCheckpointSQL returned.
func ParseCheckpointHead(size int64, root string) (*Checkpoint, error) {
	h, err := ParseHash(root)
	if err != nil || size < 1 {
		return nil, errf(CodeState, "append", err, "stored root of checkpoint %d", size)
	}
	return &Checkpoint{Size: uint64(size), Root: h}, nil
}

// ErrNeedFrontier is Chain's answer when a checkpoint falls due among the
// records and the log does not hold the frontier of the tip (the records
// before were appended by another program, or none was signed since this
// Log was made): append them with Append, which reads it.
var ErrNeedFrontier = errors.New("audit: the frontier of the tip is not known here; append with Append")

// Chained is what Chain makes of records.
type Chained struct {
	Entries    []Entry
	Statements []Statement // in order: each record's INSERT, and a checkpoint's where one falls due
	Signed     bool        // a checkpoint is signed among the statements
}

// Chain chains recs after t as Append would: the entries they become and
// the statements that insert them, to run in order in the transaction
// that holds the lock and read t and latest (the largest stored
// checkpoint, nil when there is none). Where a record's sequence number
// is a multiple of CheckpointEvery, with a signer, it signs a checkpoint
// of the log up to that record, as Append does in the same transaction;
// that needs the frontier of t, which the Log keeps after its own
// appends (else ErrNeedFrontier). A record stamped with no time gets the
// log's clock. Appended must follow a committed transaction.
func (l *Log) Chain(t Tip, latest *Checkpoint, recs []Record) (Chained, error) {
	out := Chained{Entries: make([]Entry, 0, len(recs)), Statements: make([]Statement, 0, len(recs)+1)}
	every, signer := l.cfg.CheckpointEvery, l.signer()
	front, err := l.frontierFor(t, len(recs), every, signer)
	if err != nil {
		return Chained{}, err
	}
	var buf []byte
	for _, rec := range recs {
		if err := rec.validate(); err != nil {
			return Chained{}, err
		}
		if rec.Time.IsZero() {
			rec.Time = l.cfg.Now()
		}
		rec.Time = rec.Time.UTC()
		rec.Seq, rec.PrevHash = t.Seq+1, t.Leaf
		buf, _ = rec.AppendBinary(buf[:0])
		e := Entry{Record: rec, Leaf: LeafHash(buf)}
		out.Entries = append(out.Entries, e)
		out.Statements = append(out.Statements, Statement{SQL: l.q(insertNextSQL), Args: []any{int64(rec.Seq), rec.Time.UnixNano(), rec.Teller, rec.Authorizer,
			rec.Terminal, rec.Branch, rec.Action, rec.Object, rec.Result, rec.PayloadDigest.String(), rec.PrevHash.String(), e.Leaf.String()}})
		t = Tip{Seq: rec.Seq, Leaf: e.Leaf}
		if front == nil {
			continue
		}
		front.Append(e.Leaf)
		if rec.Seq%every == 0 {
			st, err := l.signedAt(front, latest, signer)
			if err != nil {
				return Chained{}, err
			}
			out.Statements = append(out.Statements, st)
			out.Signed = true
		}
	}
	return out, nil
}

// frontierFor is a copy of the frontier of t when one of n records after
// it falls on a checkpoint, else nil.
func (l *Log) frontierFor(t Tip, n int, every uint64, signer crypto.Signer) (*Frontier, error) {
	if every == 0 || signer == nil || (t.Seq+uint64(n))/every == t.Seq/every {
		return nil, nil
	}
	l.tipMu.Lock()
	defer l.tipMu.Unlock()
	if c := l.tip; !c.valid || c.seq != t.Seq || c.leaf != t.Leaf || c.front == nil {
		return nil, ErrNeedFrontier
	}
	f := l.tip.front.Clone()
	return &f, nil
}

// signedAt signs the checkpoint of front, refused as checkNotSmaller
// refuses, and returns the statement that stores it.
func (l *Log) signedAt(front *Frontier, latest *Checkpoint, signer crypto.Signer) (Statement, error) {
	c := Checkpoint{Origin: l.cfg.Origin, Size: front.Size, Root: front.Root()}
	switch {
	case latest == nil:
	case latest.Size > c.Size:
		return Statement{}, errf(CodeTampered, "checkpoint", nil, "refusing to sign size %d: a checkpoint already covers %d records (records were cut)", c.Size, latest.Size)
	case latest.Size == c.Size && latest.Root != c.Root:
		return Statement{}, errf(CodeTampered, "checkpoint", nil, "refusing to sign size %d: the stored checkpoint of that size has another root", c.Size)
	}
	note, err := SignCheckpoint(c, signer)
	if err != nil {
		return Statement{}, err
	}
	return Statement{SQL: l.q(checkpointSQL), Args: []any{int64(c.Size), c.Root.String(), encodeFrontier(*front), string(note),
		"every " + strconv.FormatUint(l.cfg.CheckpointEvery, 10), l.cfg.Now().UTC().UnixNano()}}, nil
}

// Appended tells the log that c, made by Chain, was committed: the log's
// hint of its tip (and frontier) moves past it.
func (l *Log) Appended(c Chained) {
	es := c.Entries
	if len(es) == 0 {
		return
	}
	l.tipMu.Lock()
	defer l.tipMu.Unlock()
	first, last := es[0], es[len(es)-1]
	t := &l.tip
	if !t.valid || t.seq+1 != first.Seq || t.leaf != first.PrevHash {
		// Someone else appended in between: read it next time.
		l.tip = tip{valid: true, seq: last.Seq, leaf: last.Leaf}
		return
	}
	if t.front != nil {
		for _, e := range es {
			t.front.Append(e.Leaf)
		}
	}
	t.seq, t.leaf = last.Seq, last.Leaf
}
