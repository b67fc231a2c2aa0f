package state_test

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"guitai/money"
	"guitai/state"
)

const (
	workers  = 8
	txnsEach = 500
	accounts = 10
	opening  = money.Fen(1000)
)

func account(i int) string { return fmt.Sprintf("acct%d", i) }

// A commitRecord is one committed transaction: what it read (before any
// write of its own), what it wrote, and the version it committed at.
type commitRecord struct {
	version  uint64
	reads    map[string]any
	writes   map[string]any
	readOnly bool
}

// recTxn wraps a Txn to record its reads and writes.
type recTxn struct {
	tx  *state.Txn
	rec *commitRecord
}

func (r recTxn) get(k string) any {
	v := r.tx.Get(k)
	_, read := r.rec.reads[k]
	_, wrote := r.rec.writes[k]
	if !read && !wrote {
		r.rec.reads[k] = v
	}
	return v
}

func (r recTxn) set(k string, v any) {
	r.tx.Set(k, v)
	r.rec.writes[k] = v
}

// TestSerializable runs concurrent read-modify-write transactions with retry
// on conflict and checks that no update was lost and that the committed
// history, replayed in version order, reproduces every read and the final
// state.
func TestSerializable(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { testSerializable(t, seed) })
	}
}

func testSerializable(t *testing.T, seed uint64) {
	s := state.NewBus().Scope("form:serial#1")
	setup := s.Begin()
	for i := range accounts {
		setup.Set(account(i), opening)
	}
	setup.Set("n", 0)
	if err := setup.Commit(); err != nil {
		t.Fatal(err)
	}
	initial := s.Snapshot()
	start := s.Version()
	const total = accounts * opening

	var (
		mu         sync.Mutex
		history    []*commitRecord
		increments atomic.Int64 // committed increments of "n"
		conflicts  atomic.Int64
		rollbacks  atomic.Int64
		wg         sync.WaitGroup
	)
	for w := range workers {
		rng := rand.New(rand.NewPCG(seed, uint64(w)))
		wg.Go(func() {
			for range txnsEach {
				op := rng.IntN(100)
				from, to := rng.IntN(accounts), rng.IntN(accounts-1)
				if to >= from {
					to++
				}
				amount := money.Fen(1 + rng.IntN(300))
				pause := rng.IntN(2) == 0
				for {
					tx := s.Begin()
					rec := &commitRecord{reads: map[string]any{}, writes: map[string]any{}}
					r := recTxn{tx, rec}
					tx.OnCommit(func() {
						rec.version = tx.Version()
						mu.Lock()
						history = append(history, rec)
						mu.Unlock()
					})
					tx.OnRollback(func() { rollbacks.Add(1) })
					var sum money.Fen
					switch {
					case op < 40: // transfer, never overdrawing
						a := r.get(account(from)).(money.Fen)
						if pause {
							runtime.Gosched()
						}
						b := r.get(account(to)).(money.Fen)
						amt := min(amount, a)
						r.set(account(from), a-amt)
						r.set(account(to), b+amt)
					case op < 65: // counter
						n := r.get("n").(int)
						if pause {
							runtime.Gosched()
						}
						r.set("n", n+1)
					case op < 80: // read one key, write another
						r.set("last", r.get(account(from)))
					default: // audit, read only
						rec.readOnly = true
						for i := range accounts {
							sum += r.get(account(i)).(money.Fen)
							if pause && i == accounts/2 {
								runtime.Gosched()
							}
						}
					}
					err := tx.Commit()
					if err == nil {
						switch {
						case op >= 40 && op < 65:
							increments.Add(1)
						case op >= 80 && sum != total:
							t.Errorf("committed audit saw sum %v, want %v", sum, total)
						}
						break
					}
					if !state.IsConflict(err) {
						t.Errorf("Commit: %v", err)
						return
					}
					conflicts.Add(1)
				}
			}
		})
	}
	wg.Wait()

	final := s.Snapshot()
	var sum money.Fen
	for i := range accounts {
		sum += final[account(i)].(money.Fen)
	}
	if sum != total {
		t.Errorf("sum of accounts %v, want %v", sum, total)
	}
	if n := int64(final["n"].(int)); n != increments.Load() {
		t.Errorf("counter %d, but %d increments committed: lost updates", n, increments.Load())
	}
	if len(history) != workers*txnsEach {
		t.Errorf("%d commit hooks ran, want %d", len(history), workers*txnsEach)
	}
	if conflicts.Load() == 0 {
		t.Errorf("no conflicts: the test exercised nothing")
	}
	if rollbacks.Load() != conflicts.Load() {
		t.Errorf("%d rollback hooks ran for %d conflicts", rollbacks.Load(), conflicts.Load())
	}
	t.Logf("%d commits (scope v%d), %d conflicts", len(history), s.Version(), conflicts.Load())

	// A read-only transaction at version v saw the state after commit v, so
	// it sorts after the writer of v.
	slices.SortStableFunc(history, func(a, b *commitRecord) int {
		if a.version != b.version {
			return cmp.Compare(a.version, b.version)
		}
		switch {
		case a.readOnly == b.readOnly:
			return 0
		case b.readOnly:
			return -1
		}
		return 1
	})

	replay := maps.Clone(initial)
	next := start + 1
	lastWrite := map[string]uint64{}
	bad := 0
	for _, rec := range history {
		if !rec.readOnly {
			if rec.version != next {
				t.Fatalf("writing commits have version %d where %d was expected", rec.version, next)
			}
			next++
		}
		for k, v := range rec.reads {
			if replay[k] != v && bad < 5 {
				bad++
				t.Errorf("txn at v%d read %s = %v, but replay has %v", rec.version, k, v, replay[k])
			}
		}
		for k, v := range rec.writes {
			replay[k] = v
			lastWrite[k] = rec.version
		}
	}
	if next-1 != s.Version() {
		t.Errorf("history ends at v%d, scope at v%d", next-1, s.Version())
	}
	if !maps.Equal(replay, final) {
		t.Errorf("replay gives\n%v\nfinal state is\n%v", replay, final)
	}
	for k := range final {
		want, ok := lastWrite[k]
		if !ok {
			want = start
		}
		if _, ver := s.Get(k); ver != want {
			t.Errorf("version of %s = %d, last written at %d", k, ver, want)
		}
	}
}
