package audit

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto"
	"crypto/ecdsa"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// DefaultRetention is the minimum age of records that [Log.Archive] moves
// out of the database.
const DefaultRetention = 180 * 24 * time.Hour

// ArchiveOptions configures [Log.Archive].
type ArchiveOptions struct {
	Through   uint64           // archive records up to and including this seq
	Anchor    *ecdsa.PublicKey // the log's first key
	Signer    crypto.Signer    // the current key
	Retention time.Duration    // records younger than this stay (default DefaultRetention)
	Now       time.Time        // default time.Now()
}

// Segment describes one archived range.
type Segment struct {
	From, Through uint64
	File          string
	SM3           Hash
}

// archived is one row of audit_archived.
type archived struct {
	seq  uint64
	leaf Hash
	rot  *Entry // key rotation records keep their content
}

// base returns the highest archived seq (0 if none).
func (l *Log) archiveBase(ctx context.Context, q Querier) (uint64, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE((SELECT MAX(through) FROM audit_segment), 0)`)
	if err != nil {
		return 0, errf(CodeState, "archive", err, "")
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	return uint64(n), err
}

// scanArchived calls fn for every archived leaf in seq order.
func (l *Log) scanArchived(ctx context.Context, q Querier, fn func(a *archived) error) error {
	rows, err := q.QueryContext(ctx, `SELECT seq, leaf_hash, rotation FROM audit_archived ORDER BY seq`)
	if err != nil {
		return errf(CodeState, "scan archived", err, "")
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var leaf, rot string
		if err := rows.Scan(&seq, &leaf, &rot); err != nil {
			return errf(CodeState, "scan archived", err, "")
		}
		a := archived{seq: uint64(seq)}
		a.leaf, _ = ParseHash(leaf)
		if rot != "" {
			a.rot = new(Entry)
			if err := a.rot.UnmarshalJSON([]byte(rot)); err != nil {
				a.rot.Action = ActionKeyRotate // verification reports it as modified
			}
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Segments lists the archived segments, oldest first.
func (l *Log) Segments(ctx context.Context, q Querier) ([]Segment, error) {
	rows, err := q.QueryContext(ctx, `SELECT from_seq, through, file, sm3 FROM audit_segment ORDER BY through`)
	if err != nil {
		return nil, errf(CodeState, "segments", err, "")
	}
	defer rows.Close()
	var out []Segment
	for rows.Next() {
		var from, through int64
		var s Segment
		var d string
		if err := rows.Scan(&from, &through, &s.File, &d); err != nil {
			return nil, errf(CodeState, "segments", err, "")
		}
		s.From, s.Through = uint64(from), uint64(through)
		s.SM3, _ = ParseHash(d)
		out = append(out, s)
	}
	return out, rows.Err()
}

// Archive moves records (base, Through] into a sealed segment file at
// path: a bundle as written by [Log.Export], signed by Signer. The log is
// verified first; records younger than the retention period are refused.
// Only the records' content leaves the database: their leaf hashes stay
// in audit_archived, so verification, proofs and later exports still span
// the boundary, and [VerifySegment] checks a segment against them.
// The application never calls this; auditctl archive does.
func (l *Log) Archive(ctx context.Context, db *sql.DB, path string, opt ArchiveOptions) (Segment, error) {
	const op = "archive"
	if opt.Retention == 0 {
		opt.Retention = DefaultRetention
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	base, err := l.archiveBase(ctx, db)
	if err != nil {
		return Segment{}, err
	}
	if opt.Through <= base {
		return Segment{}, errf(CodeInvalid, op, nil, "records up to %d are already archived", base)
	}
	if size, err := l.Size(ctx, db); err != nil || opt.Through >= size {
		return Segment{}, errf(CodeInvalid, op, err, "the newest record stays in the database; archive through at most %d", size-1)
	}
	var atNS int64
	if err := db.QueryRowContext(ctx, l.q(`SELECT at_ns FROM audit_log WHERE seq = ?`), int64(opt.Through)).Scan(&atNS); err != nil {
		return Segment{}, errf(CodeInvalid, op, err, "no record %d", opt.Through)
	}
	if cutoff := opt.Now.Add(-opt.Retention); !time.Unix(0, atNS).Before(cutoff) {
		return Segment{}, errf(CodeInvalid, op, nil, "record %d is younger than the retention period (%s)", opt.Through, opt.Retention)
	}
	if _, err := l.Export(ctx, db, path, ExportOptions{From: base + 1, To: opt.Through, Anchor: opt.Anchor, Signer: opt.Signer}); err != nil {
		return Segment{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return Segment{}, errf(CodeState, op, err, "")
	}
	h := sm3.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return Segment{}, errf(CodeState, op, err, "")
	}
	seg := Segment{From: base + 1, Through: opt.Through, File: filepath.Base(path)}
	h.Sum(seg.SM3[:0])
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return Segment{}, errf(CodeState, op, err, "")
	}
	defer tx.Rollback()
	var rots []Entry
	err = l.Scan(ctx, tx, Filter{FromSeq: base + 1, ToSeq: opt.Through, Action: ActionKeyRotate}, func(e *Entry) error {
		rots = append(rots, *e)
		return nil
	})
	if err != nil {
		return Segment{}, err
	}
	if _, err := tx.ExecContext(ctx, l.q(`INSERT INTO audit_archived (seq, leaf_hash, rotation)
		SELECT seq, leaf_hash, '' FROM audit_log WHERE seq > ? AND seq <= ?`), int64(base), int64(opt.Through)); err != nil {
		return Segment{}, errf(CodeState, op, err, "")
	}
	for _, r := range rots {
		j, _ := json.Marshal(r)
		if _, err := tx.ExecContext(ctx, l.q(`UPDATE audit_archived SET rotation = ? WHERE seq = ?`), string(j), int64(r.Seq)); err != nil {
			return Segment{}, errf(CodeState, op, err, "")
		}
	}
	if _, err := tx.ExecContext(ctx, l.q(`DELETE FROM audit_log WHERE seq > ? AND seq <= ?`), int64(base), int64(opt.Through)); err != nil {
		return Segment{}, errf(CodeState, op, err, "")
	}
	if _, err := tx.ExecContext(ctx, l.q(`INSERT INTO audit_segment (through, from_seq, file, sm3, created_ns) VALUES (?,?,?,?,?)`),
		int64(seg.Through), int64(seg.From), seg.File, seg.SM3.String(), opt.Now.UnixNano()); err != nil {
		return Segment{}, errf(CodeState, op, err, "")
	}
	if err := tx.Commit(); err != nil {
		return Segment{}, errf(CodeState, op, err, "")
	}
	return seg, nil
}

// VerifySegment checks a segment file offline ([VerifyBundle]) and that
// its records are exactly the archived leaves the database still holds,
// so the database and its segments together are the whole log.
func (l *Log) VerifySegment(ctx context.Context, q Querier, path string, anchor *ecdsa.PublicKey) (BundleReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return BundleReport{}, errf(CodeState, "verify segment", err, "")
	}
	defer f.Close()
	rep, err := VerifyBundle(f, anchor)
	if err != nil {
		return rep, err
	}
	leaves := map[uint64]Hash{}
	if err := l.scanArchived(ctx, q, func(a *archived) error { leaves[a.seq] = a.leaf; return nil }); err != nil {
		return rep, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return rep, errf(CodeState, "verify segment", err, "")
	}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			return rep, errf(CodeState, "verify segment", err, "no entries.jsonl")
		}
		if h.Name != FileEntries {
			continue
		}
		sc := bufio.NewScanner(tr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for line := 1; sc.Scan(); line++ {
			var e Entry
			if err := e.UnmarshalJSON(sc.Bytes()); err != nil {
				return rep, &BundleError{File: FileEntries, Line: line, Msg: "does not parse"}
			}
			if want, ok := leaves[e.Seq]; !ok || want != e.Leaf {
				return rep, &BundleError{File: FileEntries, Line: line, Seq: e.Seq,
					Msg: "differs from the leaf hash archived in the database"}
			}
		}
		return rep, sc.Err()
	}
}

// ActiveKey follows the key rotations stored in the log (archived or live)
// from anchor and returns the key that must sign the next checkpoint. It
// checks each rotation's signature, not the records around it.
func (l *Log) ActiveKey(ctx context.Context, q Querier, anchor *ecdsa.PublicKey) (*ecdsa.PublicKey, error) {
	key := anchor
	follow := func(e *Entry) error {
		next, err := checkRotation(l.cfg.Origin, e, key)
		if err != nil {
			return err
		}
		key = next
		return nil
	}
	err := l.scanArchived(ctx, q, func(a *archived) error {
		if a.rot == nil {
			return nil
		}
		return follow(a.rot)
	})
	if err != nil {
		return nil, err
	}
	if err := l.Scan(ctx, q, Filter{Action: ActionKeyRotate}, follow); err != nil {
		return nil, err
	}
	return key, nil
}
