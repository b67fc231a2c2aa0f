package audit

import (
	"encoding/binary"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
)

func leavesN(n int) []Hash {
	out := make([]Hash, n)
	for i := range out {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(i))
		out[i] = LeafHash(b[:])
	}
	return out
}

// TestTreeAgainstTransparencyDev cross-checks this package's root,
// frontier, inclusion and consistency proofs with the independent
// implementation in github.com/transparency-dev/merkle.
func TestTreeAgainstTransparencyDev(t *testing.T) {
	const max = 70
	leaves := leavesN(max)
	tree := NewTree(leaves)
	rf := &compact.RangeFactory{Hash: Hasher{}.HashChildren}
	cr := rf.NewEmptyRange(0)
	var f Frontier
	for n := uint64(1); n <= max; n++ {
		l := leaves[n-1]
		if err := cr.Append(l[:], nil); err != nil {
			t.Fatal(err)
		}
		f.Append(l)
		want, _ := cr.GetRootHash(nil)
		if root := tree.Root(n); string(root[:]) != string(want) {
			t.Fatalf("size %d: tree root %x, compact %x", n, root, want)
		}
		if root := f.Root(); string(root[:]) != string(want) {
			t.Fatalf("size %d: frontier root %x, compact %x", n, root, want)
		}
		for i := uint64(0); i < n; i++ {
			p, err := tree.InclusionProof(i, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(Hasher{}, i, n, leaves[i][:], raw(p), want); err != nil {
				t.Fatalf("inclusion %d/%d: %v", i, n, err)
			}
		}
		for m := uint64(1); m <= n; m++ {
			p, err := tree.ConsistencyProof(m, n)
			if err != nil {
				t.Fatal(err)
			}
			r1 := tree.Root(m)
			if err := proof.VerifyConsistency(Hasher{}, m, n, raw(p), r1[:], want); err != nil {
				t.Fatalf("consistency %d->%d: %v", m, n, err)
			}
		}
		for b := uint64(0); b <= n; b++ {
			hs := tree.RangeHashes(b, n)
			r, err := rf.NewRange(b, n, raw(hs))
			if err != nil {
				t.Fatalf("range [%d,%d): %v", b, n, err)
			}
			left, _ := rf.NewRange(0, b, raw(tree.RangeHashes(0, b)))
			if err := left.AppendRange(r, nil); err != nil {
				t.Fatal(err)
			}
			if got, _ := left.GetRootHash(nil); string(got) != string(want) {
				t.Fatalf("range [%d,%d) does not rebuild the root", b, n)
			}
		}
	}
	if e := EmptyRoot(); string(Hasher{}.EmptyRoot()) != string(e[:]) || (&Frontier{}).Root() != e {
		t.Error("empty root mismatch")
	}
}

func TestProofRejectsBadArgs(t *testing.T) {
	tree := NewTree(leavesN(5))
	if _, err := tree.InclusionProof(5, 5); err == nil {
		t.Error("index == size accepted")
	}
	if _, err := tree.ConsistencyProof(3, 6); err == nil {
		t.Error("size beyond tree accepted")
	}
}
