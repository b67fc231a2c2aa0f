package audit

import (
	"math/bits"
)

// Frontier is the compact state of a Merkle tree over leaves [0, Size):
// the roots of the perfect subtrees of the binary decomposition of Size,
// left to right (a compact range in the sense of transparency-dev/merkle).
// It appends a leaf in amortised O(1) hashing and yields the RFC 9162 root
// in O(log n).
type Frontier struct {
	Size   uint64
	Hashes []Hash
}

// Append adds one leaf hash.
func (f *Frontier) Append(leaf Hash) {
	f.Hashes = append(f.Hashes, leaf)
	// Each trailing one bit of the old size is a subtree that now has an
	// equal-sized right sibling.
	for n := f.Size; n&1 == 1; n >>= 1 {
		k := len(f.Hashes)
		f.Hashes[k-2] = NodeHash(f.Hashes[k-2], f.Hashes[k-1])
		f.Hashes = f.Hashes[:k-1]
	}
	f.Size++
}

// Root returns the RFC 9162 Merkle tree hash of the leaves appended so far.
func (f *Frontier) Root() Hash {
	if len(f.Hashes) == 0 {
		return EmptyRoot()
	}
	r := f.Hashes[len(f.Hashes)-1]
	for i := len(f.Hashes) - 2; i >= 0; i-- {
		r = NodeHash(f.Hashes[i], r)
	}
	return r
}

// Clone returns an independent copy of f.
func (f *Frontier) Clone() Frontier {
	return Frontier{Size: f.Size, Hashes: append([]Hash(nil), f.Hashes...)}
}

// valid reports whether len(Hashes) matches Size.
func (f *Frontier) valid() bool { return len(f.Hashes) == bits.OnesCount64(f.Size) }

// Tree holds every level of a Merkle tree in memory so that proofs for any
// size up to Size() can be produced. Level 0 is the leaf hashes.
type Tree struct {
	levels [][]Hash
}

// NewTree builds the tree over the given leaf hashes.
func NewTree(leaves []Hash) *Tree {
	t := &Tree{levels: [][]Hash{leaves}}
	for cur := leaves; len(cur) > 1; {
		next := make([]Hash, len(cur)/2)
		for i := range next {
			next[i] = NodeHash(cur[2*i], cur[2*i+1])
		}
		t.levels = append(t.levels, next)
		cur = next
	}
	return t
}

// Size returns the number of leaves.
func (t *Tree) Size() uint64 { return uint64(len(t.levels[0])) }

// node returns the root of the perfect subtree at level over leaves
// [index<<level, (index+1)<<level).
func (t *Tree) node(level uint, index uint64) Hash { return t.levels[level][index] }

// mth is MTH(D[lo:hi]) of RFC 9162 §2.1.1.
func (t *Tree) mth(lo, hi uint64) Hash {
	n := hi - lo
	if n == 0 {
		return EmptyRoot()
	}
	if n&(n-1) == 0 && lo%n == 0 {
		l := uint(bits.TrailingZeros64(n))
		return t.node(l, lo>>l)
	}
	k := largestPow2Below(n)
	return NodeHash(t.mth(lo, lo+k), t.mth(lo+k, hi))
}

// Root returns the root of the tree of the first size leaves.
func (t *Tree) Root(size uint64) Hash { return t.mth(0, size) }

func largestPow2Below(n uint64) uint64 { return 1 << (bits.Len64(n-1) - 1) }

// InclusionProof returns PATH(index, D[0:size]) of RFC 9162 §2.1.3.1.
func (t *Tree) InclusionProof(index, size uint64) ([]Hash, error) {
	if index >= size || size > t.Size() {
		return nil, errf(CodeInvalid, "inclusion proof", nil, "index %d, size %d, tree %d", index, size, t.Size())
	}
	var path []Hash
	var rec func(m, lo, hi uint64)
	rec = func(m, lo, hi uint64) {
		n := hi - lo
		if n <= 1 {
			return
		}
		k := largestPow2Below(n)
		if m < k {
			rec(m, lo, lo+k)
			path = append(path, t.mth(lo+k, hi))
		} else {
			rec(m-k, lo+k, hi)
			path = append(path, t.mth(lo, lo+k))
		}
	}
	rec(index, 0, size)
	return path, nil
}

// ConsistencyProof returns PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1.
func (t *Tree) ConsistencyProof(m, n uint64) ([]Hash, error) {
	if m > n || n > t.Size() {
		return nil, errf(CodeInvalid, "consistency proof", nil, "sizes %d, %d, tree %d", m, n, t.Size())
	}
	if m == 0 || m == n {
		return nil, nil
	}
	var path []Hash
	var sub func(m, lo, hi uint64, b bool)
	sub = func(m, lo, hi uint64, b bool) {
		n := hi - lo
		if m == n {
			if !b {
				path = append(path, t.mth(lo, hi))
			}
			return
		}
		k := largestPow2Below(n)
		if m <= k {
			sub(m, lo, lo+k, b)
			path = append(path, t.mth(lo+k, hi))
		} else {
			sub(m-k, lo+k, hi, false)
			path = append(path, t.mth(lo, lo+k))
		}
	}
	sub(m, 0, n, true)
	return path, nil
}

// RangeHashes returns the compact range of [begin, end): the roots of the
// minimal set of perfect, aligned subtrees covering it, left to right.
func (t *Tree) RangeHashes(begin, end uint64) []Hash {
	var out []Hash
	for begin < end {
		l := uint(bits.TrailingZeros64(begin))
		if begin == 0 {
			l = 63
		}
		for l > 0 && begin+(1<<l) > end {
			l--
		}
		out = append(out, t.node(l, begin>>l))
		begin += 1 << l
	}
	return out
}

// raw converts hashes to the [][]byte form used by transparency-dev/merkle.
func raw(hs []Hash) [][]byte {
	out := make([][]byte, len(hs))
	for i := range hs {
		out[i] = hs[i][:]
	}
	return out
}
