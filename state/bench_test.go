package state_test

import (
	"fmt"
	"testing"

	"guitai/money"
	"guitai/state"
)

// benchScope returns a scope of 200 keys, k000 to k199.
func benchScope(b *testing.B) *state.Scope {
	s := state.NewBus().Scope("form:bench#1")
	tx := s.Begin()
	for i := range 200 {
		tx.Set(fmt.Sprintf("k%03d", i), money.Fen(i))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkSetSubscribe measures one Set that five subscribers are told of.
func BenchmarkSetSubscribe(b *testing.B) {
	s := benchScope(b)
	calls := 0
	for i := range 5 {
		s.Subscribe([]string{"k000", fmt.Sprintf("k%03d", 100+i)}, func(state.Change) { calls++ })
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if err := s.Set("k000", money.Fen(1000+n)); err != nil {
			b.Fatal(err)
		}
	}
	if calls != 5*n {
		b.Fatalf("%d calls for %d sets", calls, n)
	}
}

// BenchmarkTxnCommit measures a transfer: two reads, two writes, one commit.
func BenchmarkTxnCommit(b *testing.B) {
	s := benchScope(b)
	b.ReportAllocs()
	for b.Loop() {
		tx := s.Begin()
		from := tx.Get("k001").(money.Fen)
		to := tx.Get("k002").(money.Fen)
		tx.Set("k001", from-1)
		tx.Set("k002", to+1)
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTxnCommitParallel is BenchmarkTxnCommit from several goroutines
// over disjoint pairs of keys, retrying on conflict.
func BenchmarkTxnCommitParallel(b *testing.B) {
	s := benchScope(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			k1, k2 := fmt.Sprintf("k%03d", 2*(i%100)), fmt.Sprintf("k%03d", 2*(i%100)+1)
			for {
				tx := s.Begin()
				from := tx.Get(k1).(money.Fen)
				to := tx.Get(k2).(money.Fen)
				tx.Set(k1, from-1)
				tx.Set(k2, to+1)
				err := tx.Commit()
				if err == nil {
					break
				}
				if !state.IsConflict(err) {
					b.Fatal(err)
				}
			}
		}
	})
}
