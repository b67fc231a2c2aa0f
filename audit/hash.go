package audit

import (
	"github.com/emmansun/gmsm/sm3"
)

// Domain-separation prefixes of RFC 9162 §2.1.1.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// LeafHash returns SM3(0x00 || data).
func LeafHash(data []byte) Hash {
	h := sm3.New()
	h.Write([]byte{leafPrefix})
	h.Write(data)
	var out Hash
	h.Sum(out[:0])
	return out
}

// NodeHash returns SM3(0x01 || left || right).
func NodeHash(left, right Hash) Hash {
	var buf [1 + 2*HashSize]byte
	buf[0] = nodePrefix
	copy(buf[1:], left[:])
	copy(buf[1+HashSize:], right[:])
	return sm3.Sum(buf[:])
}

// EmptyRoot is the root of the empty tree, SM3 of the empty string.
func EmptyRoot() Hash { return sm3.Sum(nil) }

// Hasher is the RFC 9162 tree hasher with SM3. It satisfies the LogHasher
// interface of github.com/transparency-dev/merkle, so that module's proof
// verifiers work on this log unchanged.
type Hasher struct{}

// EmptyRoot returns SM3("").
func (Hasher) EmptyRoot() []byte { h := EmptyRoot(); return h[:] }

// HashLeaf returns SM3(0x00 || leaf).
func (Hasher) HashLeaf(leaf []byte) []byte { h := LeafHash(leaf); return h[:] }

// HashChildren returns SM3(0x01 || l || r).
func (Hasher) HashChildren(l, r []byte) []byte {
	h := sm3.New()
	h.Write([]byte{nodePrefix})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

// Size returns 32.
func (Hasher) Size() int { return HashSize }
