package audit

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Kind says what verification found wrong.
type Kind string

// Kinds of findings.
const (
	KindModified  Kind = "modified"  // a record's content differs from what was appended
	KindDeleted   Kind = "deleted"   // a record is missing
	KindInserted  Kind = "inserted"  // a record that was never appended is present
	KindReordered Kind = "reordered" // records are out of order
	KindTruncated Kind = "truncated" // records after a signed checkpoint are missing
	KindForged    Kind = "forged"    // records or checkpoints do not match a valid signature
	KindBadKey    Kind = "bad-key"   // a key rotation is not signed by the previous key
	// KindUnsigned: records were left uncovered by a signed checkpoint for
	// longer than the checkpoint interval (checkpoints deleted, or never
	// signed).
	KindUnsigned Kind = "unsigned"
	// KindBadFrontier: a checkpoint row's stored frontier (the compact
	// range the writer resumes from) disagrees with the records; the
	// signed checkpoint itself may be intact. Recovery: auditctl
	// repair-frontier ([Log.RepairFrontiers]).
	KindBadFrontier Kind = "bad-frontier"
	// KindWitness: the log does not extend the newest checkpoint a
	// witness cosigned, or a cosignature does not verify.
	KindWitness Kind = "witness"
)

// Finding is the first problem verification found.
type Finding struct {
	Seq    uint64 // first bad sequence number
	Kind   Kind
	Detail string
}

// Error makes a Finding usable as an error: "seq N: kind: detail".
func (f *Finding) Error() string {
	return fmt.Sprintf("seq %d: %s: %s", f.Seq, f.Kind, f.Detail)
}

// Report is the outcome of a verification. Finding is nil when the log is
// intact.
type Report struct {
	Records     uint64           // records read
	Root        Hash             // Merkle root over the records read
	Checkpoints int              // checkpoints whose signature and root were checked
	Verified    uint64           // size of the newest valid checkpoint
	Key         *ecdsa.PublicKey // key active after the last record
	Finding     *Finding

	front *Frontier // compact range over the records read
}

// OK reports whether nothing was found wrong.
func (r *Report) OK() bool { return r.Finding == nil }

// Verifier checks a stream of entries against the hash chain, the Merkle
// tree, signed checkpoints and the key history. Feed entries in stored
// order with Add, then call Finish. It keeps O(log n) state.
type Verifier struct {
	origin      string
	key         *ecdsa.PublicKey
	notes       []checkpointNote
	minSize     uint64 // records that must exist (e.g. head size)
	front       Frontier
	last        Entry // last accepted entry
	lastLeaf    Hash
	ppLeaf      Hash // leaf before lastLeaf
	queued      queuedBatch
	spareLeaves []Hash
	pending     Entry
	pendLeaf    Hash
	hasPend     bool
	buf         []byte
	rep         Report

	interval uint64            // 0: no coverage rule
	slack    uint64            // key rotations since the last checkpoint
	fronts   map[uint64]string // stored frontiers by checkpoint size (hex)
	repair   map[uint64]string // computed frontiers where they differ (RepairFrontiers)
	wkeys    []WitnessKey      // cosignatures by these keys must verify
	// unsigned is the first interval violation; it is reported at Finish
	// unless a finding at the same or an earlier seq (a forged
	// checkpoint over the same records, say) says more.
	unsigned *Finding
}

type checkpointNote struct {
	size uint64
	note []byte
}

// RequireInterval makes the verifier fail (KindUnsigned) as soon as more
// than n records in a row are not covered by a signed checkpoint: the
// writer signs every n records (a key-rotation record may delay that by
// one), so a longer unsigned stretch means checkpoints were deleted or
// never signed. 0 disables the rule.
func (v *Verifier) RequireInterval(n uint64) { v.interval = n }

// due applies the interval rule after the checkpoints at the current size.
func (v *Verifier) due() {
	if v.interval == 0 || v.Failed() {
		return
	}
	if size := v.front.Size; v.unsigned == nil && size-v.rep.Verified >= v.interval+v.slack {
		v.unsigned = &Finding{Seq: v.rep.Verified + 1, Kind: KindUnsigned}
		v.unsigned.Detail = fmt.Sprintf("records %d..%d are not covered by a signed checkpoint (interval %d): checkpoints deleted or never signed",
			v.rep.Verified+1, size, v.interval)
	}
}

// NewVerifier returns a verifier for the log named origin whose first key
// (the trust anchor) is anchor. notes are signed checkpoints from the
// database or from independent witnesses; minSize is a record count the
// log is known to have reached (0 if unknown).
func NewVerifier(origin string, anchor *ecdsa.PublicKey, notes [][]byte, minSize uint64) *Verifier {
	v := &Verifier{origin: origin, key: anchor, minSize: minSize}
	for _, n := range notes {
		c, _, err := ParseCheckpoint(n)
		size := c.Size
		if err != nil {
			size = 0 // report against the start; it cannot be trusted anywhere
		}
		v.notes = append(v.notes, checkpointNote{size: size, note: n})
	}
	slices.SortStableFunc(v.notes, func(a, b checkpointNote) int {
		return cmp.Compare(a.size, b.size)
	})
	v.checkpoints() // size-0 checkpoints
	return v
}

func (v *Verifier) fail(seq uint64, k Kind, format string, args ...any) {
	if v.rep.Finding != nil {
		return
	}
	if v.unsigned != nil && seq > v.unsigned.Seq {
		v.rep.Finding = v.unsigned
		return
	}
	v.rep.Finding = &Finding{Seq: seq, Kind: k, Detail: fmt.Sprintf(format, args...)}
}

// Failed reports whether a finding has been made; further input is
// ignored. Entries queued by AddBatch are only checked by the next call
// or Finish.
func (v *Verifier) Failed() bool { return v.rep.Finding != nil }

// Add feeds the next stored entry. It copies e.
func (v *Verifier) Add(e *Entry) {
	v.drain()
	if v.Failed() {
		return
	}
	v.push(e, v.leaf(&e.Record))
}

// parallelMin is the batch size from which AddBatch hashes leaves on
// other goroutines.
const parallelMin = 512

// AddBatch feeds entries in order, like calling Add for each. Leaf hashes
// of es are computed on other goroutines while the chain and tree of the
// previous batch are checked, so es is kept until the next AddBatch or
// Finish: the caller must not modify it until then.
func (v *Verifier) AddBatch(es []Entry) {
	if len(es) < parallelMin {
		v.drain()
		for i := range es {
			if v.Failed() {
				return
			}
			v.Add(&es[i])
		}
		return
	}
	n := len(es)
	if cap(v.spareLeaves) < n {
		v.spareLeaves = make([]Hash, n)
	}
	leaves := v.spareLeaves[:n]
	done := make(chan struct{})
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	go func() {
		var wg sync.WaitGroup
		chunk := (n + workers - 1) / workers
		for lo := 0; lo < n; lo += chunk {
			hi := min(lo+chunk, n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				var buf []byte
				for i := lo; i < hi; i++ {
					buf, _ = es[i].AppendBinary(buf[:0])
					leaves[i] = LeafHash(buf)
				}
			}()
		}
		wg.Wait()
		close(done)
	}()
	v.drain() // overlaps with the hashing above
	<-done
	v.spareLeaves = v.queued.leaves
	v.queued = queuedBatch{es: es, leaves: leaves}
}

type queuedBatch struct {
	es     []Entry
	leaves []Hash
}

// drain checks the queued batch.
func (v *Verifier) drain() {
	q := v.queued
	v.queued = queuedBatch{}
	for i := range q.es {
		if v.Failed() {
			break
		}
		v.push(&q.es[i], q.leaves[i])
	}
	if q.leaves != nil && v.spareLeaves == nil {
		v.spareLeaves = q.leaves
	}
}

func (v *Verifier) push(e *Entry, L Hash) {
	if v.hasPend {
		v.process(&v.pending, v.pendLeaf, e)
	}
	v.pending, v.pendLeaf, v.hasPend = *e, L, true
}

// AddArchived feeds a record whose content was moved to a segment file:
// only its leaf hash is known (and, for key rotations, its content). All
// archived records must come before the first live entry.
func (v *Verifier) AddArchived(seq uint64, leaf Hash, rotation *Entry) {
	v.drain()
	if v.Failed() {
		return
	}
	e := v.front.Size + 1
	switch {
	case v.hasPend:
		v.fail(seq, KindReordered, "archived record %d after live records", seq)
		return
	case seq > e:
		v.fail(e, KindDeleted, "archived records %d..%d are missing", e, seq-1)
		return
	case seq < e:
		v.fail(seq, KindInserted, "archived seq %d appears again", seq)
		return
	}
	if rotation != nil {
		if rotation.Seq != seq || rotation.LeafHash() != leaf {
			v.fail(seq, KindModified, "archived key rotation %d does not match its leaf hash", seq)
			return
		}
		next, err := checkRotation(v.origin, rotation, v.key)
		if err != nil {
			v.fail(seq, KindBadKey, "%v", err)
			return
		}
		v.key = next
		v.slack++
	}
	v.ppLeaf, v.lastLeaf = v.lastLeaf, leaf
	v.front.Append(leaf)
	v.rep.Records++
	v.checkpoints()
	v.due()
}

func (v *Verifier) leaf(r *Record) Hash {
	v.buf, _ = r.AppendBinary(v.buf[:0])
	return LeafHash(v.buf)
}

func (v *Verifier) leafWithSeq(r *Record, seq uint64) Hash {
	c := *r
	c.Seq = seq
	return v.leaf(&c)
}

// process checks r with n as lookahead (nil at the end).
func (v *Verifier) process(r *Entry, L Hash, n *Entry) {
	if v.Failed() {
		return
	}
	e := v.front.Size + 1
	switch {
	case r.Seq > e:
		v.fail(e, KindDeleted, "records %d..%d are missing", e, r.Seq-1)
		return
	case r.Seq < e:
		v.fail(r.Seq, KindInserted, "seq %d appears again after seq %d", r.Seq, e-1)
		return
	}
	if r.PrevHash != v.lastLeaf {
		switch {
		case e > 2 && r.PrevHash == v.ppLeaf:
			v.fail(e-1, KindInserted, "record %d is not in the chain: record %d links to record %d", e-1, e, e-2)
		case n != nil && n.PrevHash == v.lastLeaf && r.PrevHash == v.leafWithSeq(&n.Record, e):
			v.fail(e, KindReordered, "records %d and %d are swapped", e, e+1)
		case n != nil && n.PrevHash == v.lastLeaf:
			v.fail(e, KindInserted, "record %d is not in the chain: record %d links to record %d", e, e+1, e-1)
		case r.Leaf != L && r.Leaf == v.leafWithSeq(&r.Record, e+1):
			v.fail(e, KindDeleted, "record %d is missing; later records were renumbered", e)
		case r.Leaf != L:
			v.fail(e, KindModified, "record %d does not match its stored hash", e)
		case e > 1:
			v.fail(e-1, KindModified, "record %d does not match the prev hash of record %d", e-1, e)
		default:
			v.fail(e, KindModified, "record 1 has a non-zero prev hash")
		}
		return
	}
	if r.Leaf != L {
		v.fail(e, KindModified, "record %d does not match its stored hash", e)
		return
	}
	if r.Action == ActionKeyRotate {
		next, err := checkRotation(v.origin, r, v.key)
		if err != nil {
			v.fail(e, KindBadKey, "%v", err)
			return
		}
		v.key = next
		v.slack++
	}
	v.ppLeaf, v.lastLeaf = v.lastLeaf, L
	v.front.Append(L)
	v.rep.Records++
	v.checkpoints()
	v.due()
}

// checkpoints checks every note whose size equals the current tree size.
func (v *Verifier) checkpoints() {
	size := v.front.Size
	for len(v.notes) > 0 && v.notes[0].size <= size && !v.Failed() {
		cn := v.notes[0]
		v.notes = v.notes[1:]
		from := v.rep.Verified + 1
		c, err := OpenCheckpoint(cn.note, v.key)
		switch {
		case err != nil:
			v.fail(from, KindForged, "checkpoint at size %d: %v", cn.size, err)
		case c.Origin != v.origin:
			v.fail(from, KindForged, "checkpoint at size %d is for origin %q", c.Size, c.Origin)
		case c.Size != size:
			v.fail(from, KindForged, "checkpoint at size %d out of order", c.Size)
		case c.Root != v.front.Root():
			v.fail(from, KindForged, "records %d..%d do not match the checkpoint signed at size %d", from, size, size)
		default:
			if err := v.cosignatures(cn.note, c); err != nil {
				v.fail(from, KindWitness, "checkpoint at size %d: %v", size, err)
				break
			}
			v.checkFrontier(size)
			v.rep.Checkpoints++
			v.rep.Verified = size
			v.slack = 0
		}
	}
}

// checkFrontier compares the stored frontier of the checkpoint row at
// size (if the verifier was given one) with the records'.
func (v *Verifier) checkFrontier(size uint64) {
	stored, ok := v.fronts[size]
	if !ok {
		return
	}
	want := encodeFrontier(v.front)
	if stored == want {
		return
	}
	if v.repair != nil {
		v.repair[size] = want
		return
	}
	v.fail(size, KindBadFrontier, "the stored frontier of the checkpoint at size %d does not match records 1..%d "+
		"(the signed checkpoint is intact; recover with: auditctl repair-frontier --db DB --pubkey KEY)", size, size)
}

// cosignatures verifies every cosignature line on note by a key in
// v.wkeys.
func (v *Verifier) cosignatures(note []byte, c Checkpoint) error {
	for _, k := range v.wkeys {
		if _, err := k.verifyNote(note, c); err != nil && err != errNoCosignature {
			return err
		}
	}
	return nil
}

// Finish checks the end of the log and returns the report.
func (v *Verifier) Finish() Report {
	v.drain()
	if v.hasPend {
		v.process(&v.pending, v.pendLeaf, nil)
		v.hasPend = false
	}
	if !v.Failed() && v.unsigned != nil {
		v.rep.Finding = v.unsigned
	}
	if !v.Failed() {
		size := v.front.Size
		if len(v.notes) > 0 {
			v.fail(size+1, KindTruncated, "log ends at %d but a checkpoint covers %d records", size, v.notes[len(v.notes)-1].size)
		} else if v.minSize > size {
			v.fail(size+1, KindTruncated, "log ends at %d but the head says %d", size, v.minSize)
		}
	}
	v.rep.Root = v.front.Root()
	v.rep.Key = v.key
	f := v.front.Clone()
	v.rep.front = &f
	return v.rep
}

// VerifyOptions configures [Log.Verify].
type VerifyOptions struct {
	// Anchor is the log's first public key; rotations are followed from it.
	Anchor *ecdsa.PublicKey
	// Witness holds checkpoint notes kept outside the database (exported,
	// printed or held by a witness); they detect truncation of both tables.
	Witness [][]byte
	// Progress, if set, is called every 8192 records and at the end.
	Progress func(done, total uint64)
	// Interval, if not 0, is the checkpoint interval the writer keeps
	// (ledger.DefaultCheckpointEvery): more unsigned records in a row are
	// reported as KindUnsigned. See [Verifier.RequireInterval].
	Interval uint64
	// WitnessKeys are witnesses whose cosignatures, wherever present,
	// must verify; with RequireWitness the newest cosigned checkpoint
	// (stored or in Witness) must be extended by the log.
	WitnessKeys []WitnessKey
	// RequireWitness makes a log with no checkpoint cosigned by every
	// WitnessKeys key fail (KindWitness).
	RequireWitness bool
}

// Verify reads the whole log from q and verifies it.
func (l *Log) Verify(ctx context.Context, q Querier, opt VerifyOptions) (Report, error) {
	return l.verify(ctx, q, opt, nil)
}

// verify is Verify; with repair non-nil, stored frontiers that disagree
// with the records are collected there instead of failing.
func (l *Log) verify(ctx context.Context, q Querier, opt VerifyOptions, repair map[uint64]string) (Report, error) {
	if opt.Anchor == nil {
		return Report{}, errf(CodeKey, "verify", nil, "no anchor public key")
	}
	cps, err := l.Checkpoints(ctx, q)
	if err != nil {
		return Report{}, err
	}
	size, err := l.Size(ctx, q)
	if err != nil {
		return Report{}, err
	}
	notes := slices.Clone(opt.Witness)
	fronts := make(map[uint64]string, len(cps))
	for _, c := range cps {
		notes = append(notes, c.Note)
		fronts[c.Size] = c.frontier
	}
	v := NewVerifier(l.cfg.Origin, opt.Anchor, notes, 0)
	v.RequireInterval(opt.Interval)
	v.fronts, v.repair = fronts, repair
	if err := v.requireWitnesses(opt.WitnessKeys, opt.RequireWitness); err != nil {
		return Report{}, err
	}
	var n uint64
	stop := fmt.Errorf("stop")
	err = l.scanArchived(ctx, q, func(a *archived) error {
		v.AddArchived(a.seq, a.leaf, a.rot)
		if n++; v.Failed() {
			return stop
		}
		return nil
	})
	if err != nil && err != stop {
		return Report{}, err
	}
	bufs := [2][]Entry{make([]Entry, 0, 8192), make([]Entry, 0, 8192)}
	cur := 0
	batch := bufs[cur]
	err = l.Scan(ctx, q, Filter{}, func(e *Entry) error {
		batch = append(batch, *e)
		n++
		if len(batch) < cap(batch) {
			return nil
		}
		v.AddBatch(batch) // keeps batch until the next call: alternate buffers
		cur ^= 1
		batch = bufs[cur][:0]
		if opt.Progress != nil {
			opt.Progress(n, size)
		}
		if v.Failed() {
			return stop
		}
		return ctx.Err()
	})
	if err != nil && err != stop {
		return Report{}, err
	}
	v.AddBatch(batch)
	if opt.Progress != nil {
		opt.Progress(n, size)
	}
	return v.Finish(), nil
}
