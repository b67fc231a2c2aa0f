package audit

import (
	"slices"
	"testing"
)

// TestAddBatchMatchesAdd checks that the parallel, pipelined AddBatch path
// reports exactly what the one-by-one Add path reports, with tampering
// placed on and around batch boundaries.
func TestAddBatchMatchesAdd(t *testing.T) {
	const n = 5000
	base := chain(n)
	k := testKey(t, 1)
	var f Frontier
	for i := range base {
		f.Append(base[i].Leaf)
	}
	note, _ := SignCheckpoint(Checkpoint{Origin: testOrigin, Size: n, Root: f.Root()}, k)
	tampers := map[string]func([]Entry) []Entry{
		"none": func(es []Entry) []Entry { return es },
		"modify 1024": func(es []Entry) []Entry {
			es[1023].Teller = "X"
			return es
		},
		"modify 1025": func(es []Entry) []Entry {
			es[1024].Object = "X"
			return es
		},
		"delete 2048": func(es []Entry) []Entry { return slices.Delete(es, 2047, 2048) },
		"swap 3071/3072": func(es []Entry) []Entry {
			es[3070], es[3071] = es[3071], es[3070]
			es[3070].Seq, es[3071].Seq = 3071, 3072
			return es
		},
		"truncate 4500": func(es []Entry) []Entry { return es[:4500] },
	}
	for name, tamper := range tampers {
		es := tamper(slices.Clone(base))
		one := NewVerifier(testOrigin, &k.PublicKey, [][]byte{note}, 0)
		for i := range es {
			one.Add(&es[i])
		}
		want := one.Finish()
		for _, size := range []int{512, 1000, 1024} {
			bat := NewVerifier(testOrigin, &k.PublicKey, [][]byte{note}, 0)
			for i := 0; i < len(es); i += size {
				bat.AddBatch(es[i:min(i+size, len(es))])
			}
			got := bat.Finish()
			if (got.Finding == nil) != (want.Finding == nil) || got.Finding != nil && *got.Finding != *want.Finding ||
				got.Records != want.Records || got.Root != want.Root {
				t.Errorf("%s, batch %d: got %+v %v, want %+v %v", name, size, got, got.Finding, want, want.Finding)
			}
		}
		if name == "none" && !want.OK() {
			t.Fatalf("intact chain fails: %v", want.Finding)
		}
		if name != "none" && want.OK() {
			t.Errorf("%s not detected", name)
		}
	}
}
