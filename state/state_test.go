package state_test

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guitai/money"
	"guitai/state"
)

func newScope() *state.Scope { return state.NewBus().Scope("form:test#1") }

func mustSet(t testing.TB, s *state.Scope, key string, v any) {
	t.Helper()
	if err := s.Set(key, v); err != nil {
		t.Fatalf("Set(%q, %v): %v", key, v, err)
	}
}

func TestSetGetVersions(t *testing.T) {
	s := newScope()
	if v, ver := s.Get("x"); v != nil || ver != 0 {
		t.Fatalf("Get of unset key = %v, %d; want nil, 0", v, ver)
	}
	steps := []struct {
		key  string
		val  any
		want map[string]uint64 // versions of every key after the step
	}{
		{"x", 1, map[string]uint64{"x": 1, "y": 0}},
		{"y", "a", map[string]uint64{"x": 1, "y": 2}},
		{"x", 1, map[string]uint64{"x": 3, "y": 2}}, // equal value still bumps
		{"x", money.Fen(150), map[string]uint64{"x": 4, "y": 2}},
		{"y", nil, map[string]uint64{"x": 4, "y": 5}},
	}
	for i, st := range steps {
		mustSet(t, s, st.key, st.val)
		if got, _ := s.Get(st.key); got != st.val {
			t.Errorf("step %d: Get(%q) = %v, want %v", i, st.key, got, st.val)
		}
		for k, want := range st.want {
			if _, ver := s.Get(k); ver != want {
				t.Errorf("step %d: version of %q = %d, want %d", i, k, ver, want)
			}
		}
		if got := s.Version(); got != uint64(i+1) {
			t.Errorf("step %d: scope version = %d, want %d", i, got, i+1)
		}
	}
	if s.Name() != "form:test#1" {
		t.Errorf("Name() = %q", s.Name())
	}
}

func TestTxnReadYourWrites(t *testing.T) {
	s := newScope()
	mustSet(t, s, "x", 1)
	tx := s.Begin()
	if got := tx.Get("x"); got != 1 {
		t.Fatalf("tx.Get(x) = %v, want 1", got)
	}
	tx.Set("x", 2)
	if got := tx.Get("x"); got != 2 {
		t.Errorf("tx.Get(x) after tx.Set = %v, want 2", got)
	}
	if got, _ := s.Get("x"); got != 1 {
		t.Errorf("scope sees uncommitted write: x = %v", got)
	}
	tx.Delete("x")
	if got := tx.Get("x"); got != nil {
		t.Errorf("tx.Get(x) after tx.Delete = %v, want nil", got)
	}
	tx.Set("y", 3)
	if got := tx.Get("y"); got != 3 {
		t.Errorf("tx.Get(y) = %v, want 3", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if tx.Version() != 2 || s.Version() != 2 {
		t.Errorf("versions: txn %d, scope %d; want 2, 2", tx.Version(), s.Version())
	}
	if v, ver := s.Get("x"); v != nil || ver != 2 {
		t.Errorf("deleted x = %v, %d; want nil, 2", v, ver)
	}
	if v, ver := s.Get("y"); v != 3 || ver != 2 {
		t.Errorf("y = %v, %d; want 3, 2", v, ver)
	}
	if got := s.Snapshot(); !maps.Equal(got, map[string]any{"y": 3}) {
		t.Errorf("Snapshot = %v, want map[y:3]", got)
	}
}

func TestDelete(t *testing.T) {
	s := newScope()
	mustSet(t, s, "x", 1)
	mustSet(t, s, "y", 2)
	var got []state.Change
	s.Subscribe(nil, func(c state.Change) { got = append(got, c) })

	tx := s.Begin()
	tx.Delete("x")
	tx.Delete("never") // absent before and after: no change, but a version
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if v, ver := s.Get("x"); v != nil || ver != 3 {
		t.Errorf("x = %v, %d; want nil, 3", v, ver)
	}
	if _, ver := s.Get("never"); ver != 3 {
		t.Errorf("version of deleted unset key = %d, want 3", ver)
	}
	if snap := s.Snapshot(); !maps.Equal(snap, map[string]any{"y": 2}) {
		t.Errorf("Snapshot = %v, want map[y:2]", snap)
	}
	if len(got) != 1 || !slices.Equal(got[0].Keys, []string{"x"}) {
		t.Fatalf("changes = %+v, want one with Keys [x]", got)
	}
	if _, ok := got[0].Values["x"]; ok {
		t.Errorf("deleted key present in Values: %v", got[0].Values)
	}

	// Setting a deleted key to nil makes it reappear: that is a change.
	mustSet(t, s, "x", nil)
	if len(got) != 2 || got[1].Values["x"] != nil {
		t.Errorf("re-creating x as nil: changes = %+v", got)
	}
	if _, ok := s.Snapshot()["x"]; !ok {
		t.Errorf("x (nil) missing from Snapshot")
	}
}

func TestSnapshotIsCopy(t *testing.T) {
	s := newScope()
	mustSet(t, s, "a", 1)
	mustSet(t, s, "b", 2)
	snap := s.Snapshot()
	snap["a"] = 100
	delete(snap, "b")
	snap["c"] = 3
	if v, _ := s.Get("a"); v != 1 {
		t.Errorf("changing the snapshot changed the scope: a = %v", v)
	}
	if again := s.Snapshot(); !maps.Equal(again, map[string]any{"a": 1, "b": 2}) {
		t.Errorf("second Snapshot = %v", again)
	}
	old := s.Snapshot()
	mustSet(t, s, "a", 9)
	if old["a"] != 1 {
		t.Errorf("a later Set changed an earlier snapshot: a = %v", old["a"])
	}
}

func TestConflict(t *testing.T) {
	bus := state.NewBus()
	s := bus.Scope("form:transfer#1")
	mustSet(t, s, "x", 10) // v1
	mustSet(t, s, "y", 0)  // v2
	var told []state.Change
	s.Subscribe([]string{"x"}, func(c state.Change) { told = append(told, c) })

	a := s.Begin()
	var order []string
	a.OnRollback(func() { order = append(order, "first") })
	a.OnRollback(func() { order = append(order, "second") })
	committed := false
	a.OnCommit(func() { committed = true })
	x := a.Get("x").(int)
	a.Set("y", x+1)
	a.Set("z", 1)

	b := s.Begin()
	b.Set("x", 20)
	if err := b.Commit(); err != nil { // v3
		t.Fatalf("B.Commit: %v", err)
	}

	err := a.Commit()
	var ce *state.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("A.Commit = %v, want *ConflictError", err)
	}
	want := state.ConflictError{Scope: "form:transfer#1", Key: "x", Read: 1, Current: 3}
	if *ce != want {
		t.Errorf("conflict = %+v, want %+v", *ce, want)
	}
	for _, part := range []string{"form:transfer#1", `"x"`, "1", "3"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("Error() = %q, does not mention %s", err, part)
		}
	}
	if !state.IsConflict(err) || !state.IsConflict(fmt.Errorf("saving: %w", err)) {
		t.Errorf("IsConflict(%v) = false", err)
	}
	if state.IsConflict(errors.New("other")) || state.IsConflict(nil) || state.IsConflict(state.ErrTxnDone) {
		t.Errorf("IsConflict true for a non-conflict")
	}

	if v, ver := s.Get("y"); v != 0 || ver != 2 {
		t.Errorf("A's write applied: y = %v, %d", v, ver)
	}
	if v, ver := s.Get("z"); v != nil || ver != 0 {
		t.Errorf("A's write applied: z = %v, %d", v, ver)
	}
	if s.Version() != 3 {
		t.Errorf("scope version = %d, want 3", s.Version())
	}
	if !slices.Equal(order, []string{"second", "first"}) {
		t.Errorf("rollback hooks ran as %v, want [second first]", order)
	}
	if committed {
		t.Errorf("commit hook ran on a failed commit")
	}
	if a.Version() != 0 {
		t.Errorf("failed txn Version = %d, want 0", a.Version())
	}
	if len(told) != 1 || told[0].Version != 3 || told[0].Values["x"] != 20 {
		t.Errorf("B's subscriber told %+v, want once with version 3, x=20", told)
	}
	if err := a.Commit(); err != state.ErrTxnDone {
		t.Errorf("second Commit = %v, want ErrTxnDone", err)
	}
	a.Rollback()
	if len(order) != 2 {
		t.Errorf("rollback hooks ran again: %v", order)
	}
}

func TestConflictCases(t *testing.T) {
	tests := []struct {
		name  string
		txn   func(*state.Txn)   // what the transaction does before the other commit
		other func(*state.Scope) // the other commit
		want  string             // conflicting key, or "" for none
	}{
		{"read then write elsewhere",
			func(tx *state.Txn) { tx.Get("x"); tx.Set("y", 1) },
			func(s *state.Scope) { s.Set("x", 2) }, "x"},
		{"blind write",
			func(tx *state.Txn) { tx.Set("x", 5) },
			func(s *state.Scope) { s.Set("x", 2) }, "x"},
		{"delete",
			func(tx *state.Txn) { tx.Delete("x") },
			func(s *state.Scope) { s.Set("x", 2) }, "x"},
		{"read of unset key",
			func(tx *state.Txn) { tx.Get("new"); tx.Set("y", 1) },
			func(s *state.Scope) { s.Set("new", 1) }, "new"},
		{"read only",
			func(tx *state.Txn) { tx.Get("x") },
			func(s *state.Scope) { s.Set("x", 2) }, "x"},
		{"other deletes",
			func(tx *state.Txn) { tx.Get("x"); tx.Set("y", 1) },
			func(s *state.Scope) { o := s.Begin(); o.Delete("x"); o.Commit() }, "x"},
		{"other writes an equal value",
			func(tx *state.Txn) { tx.Get("x"); tx.Set("y", 1) },
			func(s *state.Scope) { s.Set("x", 1) }, "x"},
		{"smallest key named",
			func(tx *state.Txn) { tx.Get("x"); tx.Get("b"); tx.Get("a"); tx.Set("c", 1) },
			func(s *state.Scope) { o := s.Begin(); o.Set("x", 0); o.Set("b", 0); o.Set("a", 0); o.Commit() }, "a"},
		{"other key",
			func(tx *state.Txn) { tx.Get("x"); tx.Set("y", 1) },
			func(s *state.Scope) { s.Set("z", 1) }, ""},
		{"other reads only",
			func(tx *state.Txn) { tx.Get("x"); tx.Set("x", 3) },
			func(s *state.Scope) { o := s.Begin(); o.Get("x"); o.Commit() }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScope()
			mustSet(t, s, "x", 1)
			tx := s.Begin()
			tt.txn(tx)
			tt.other(s)
			otherVersion := s.Version()
			err := tx.Commit()
			var ce *state.ConflictError
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Commit = %v, want nil", err)
			case tt.want == "":
				if tx.Version() != s.Version() {
					t.Errorf("txn Version %d, scope %d", tx.Version(), s.Version())
				}
			case !errors.As(err, &ce):
				t.Fatalf("Commit = %v, want *ConflictError on %q", err, tt.want)
			case ce.Key != tt.want:
				t.Errorf("conflict on %q, want %q", ce.Key, tt.want)
			case s.Version() != otherVersion:
				t.Errorf("failed commit changed scope version %d -> %d", otherVersion, s.Version())
			}
		})
	}
}

func TestScopeSetNeverConflicts(t *testing.T) {
	s := newScope()
	mustSet(t, s, "x", 1)
	tx := s.Begin()
	tx.Get("x")
	mustSet(t, s, "x", 2) // a concurrent plain Set wins...
	mustSet(t, s, "x", 3)
	if err := tx.Commit(); !state.IsConflict(err) { // ...and the reader loses
		t.Errorf("reader Commit = %v, want conflict", err)
	}
}

// recordSubs subscribes one recorder per entry of subs and returns what each
// has been told.
func recordSubs(t *testing.T, s *state.Scope, subs map[string][]string) map[string][]state.Change {
	got := make(map[string][]state.Change)
	for name, keys := range subs {
		s.Subscribe(keys, func(c state.Change) {
			// Called after the commit: the scope already shows it.
			for _, k := range c.Keys {
				if v, ver := s.Get(k); ver < c.Version || !reflect.DeepEqual(v, c.Values[k]) {
					t.Errorf("%s told of %q at v%d before commit (scope has %v at v%d)", name, k, c.Version, v, ver)
				}
			}
			got[name] = append(got[name], c)
		})
	}
	return got
}

func TestSubscribe(t *testing.T) {
	s := newScope()
	got := recordSubs(t, s, map[string][]string{
		"x":   {"x"},
		"xy":  {"x", "y"},
		"all": nil,
		"q":   {"q"},
	})
	commits := []map[string]any{
		{"x": 1},
		{"y": 2},
		{"z": 3},
		{"x": 1}, // equal: not a change
		{"z": 4, "x": 2},
		{"y": 2, "z": 5},
		{"s": []int{1}}, // not comparable: always a change
		{"s": []int{1}},
	}
	for _, c := range commits {
		tx := s.Begin()
		for k, v := range c {
			tx.Set(k, v)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][][]string{
		"x":   {{"x"}, {"x", "z"}},
		"xy":  {{"x"}, {"y"}, {"x", "z"}},
		"all": {{"x"}, {"y"}, {"z"}, {"x", "z"}, {"z"}, {"s"}, {"s"}},
		"q":   nil,
	}
	wantVersions := map[string][]uint64{
		"x":   {1, 5},
		"xy":  {1, 2, 5},
		"all": {1, 2, 3, 5, 6, 7, 8},
	}
	for name, w := range want {
		var keys [][]string
		var versions []uint64
		for _, c := range got[name] {
			keys = append(keys, c.Keys)
			versions = append(versions, c.Version)
			if c.Scope != "form:test#1" {
				t.Errorf("%s: Change.Scope = %q", name, c.Scope)
			}
		}
		if !reflect.DeepEqual(keys, w) {
			t.Errorf("%s told of %v, want %v", name, keys, w)
		}
		if !slices.Equal(versions, wantVersions[name]) {
			t.Errorf("%s told of versions %v, want %v", name, versions, wantVersions[name])
		}
	}
	if c := got["all"][3]; !maps.Equal(c.Values, map[string]any{"x": 2, "z": 4}) {
		t.Errorf("Values = %v, want map[x:2 z:4]", c.Values)
	}
}

func TestEqualValues(t *testing.T) {
	type wrapper struct{ v any } // comparable type, may hold an uncomparable value
	tests := []struct {
		name       string
		old, new   any
		wantChange bool
	}{
		{"same int", 1, 1, false},
		{"same fen", money.Fen(100), money.Fen(100), false},
		{"other fen", money.Fen(100), money.Fen(101), true},
		{"int vs fen", 100, money.Fen(100), true},
		{"nil nil", nil, nil, false},
		{"slice", []int{1}, []int{1}, true},
		{"map", map[string]int{}, map[string]int{}, true},
		{"wrapped slice", wrapper{[]int{1}}, wrapper{[]int{1}}, true},
		{"wrapped int", wrapper{1}, wrapper{1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScope()
			mustSet(t, s, "k", tt.old)
			n := 0
			s.Subscribe([]string{"k"}, func(state.Change) { n++ })
			mustSet(t, s, "k", tt.new)
			if _, ver := s.Get("k"); ver != 2 {
				t.Errorf("version = %d, want 2", ver)
			}
			if (n == 1) != tt.wantChange || n > 1 {
				t.Errorf("subscriber called %d times, want change=%v", n, tt.wantChange)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	s := newScope()
	var a, b int
	cancelA := s.Subscribe([]string{"x"}, func(state.Change) { a++ })
	s.Subscribe([]string{"x"}, func(state.Change) { b++ })
	var self int
	var cancelSelf func()
	cancelSelf = s.Subscribe(nil, func(state.Change) { self++; cancelSelf() })

	mustSet(t, s, "x", 1)
	cancelA()
	cancelA() // twice is fine
	mustSet(t, s, "x", 2)
	mustSet(t, s, "x", 3)
	if a != 1 || b != 3 || self != 1 {
		t.Errorf("calls: cancelled %d (want 1), other %d (want 3), self-cancelling %d (want 1)", a, b, self)
	}
}

// queue is a dispatcher that holds callbacks until run.
type queue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *queue) dispatch(fn func()) { q.mu.Lock(); q.fns = append(q.fns, fn); q.mu.Unlock() }

func (q *queue) run() int {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
	return len(fns)
}

func TestDispatcher(t *testing.T) {
	bus := state.NewBus()
	var q queue
	bus.SetDispatcher(q.dispatch)
	s := bus.Scope("session")
	var versions []uint64
	s.Subscribe(nil, func(c state.Change) { versions = append(versions, c.Version) })
	var cancelled int
	cancel := s.Subscribe(nil, func(state.Change) { cancelled++ })

	for i := range 3 {
		mustSet(t, s, "teller", i+1)
	}
	if len(versions) != 0 {
		t.Fatalf("callbacks ran before the dispatcher ran them: %v", versions)
	}
	cancel() // already dispatched calls must be skipped
	if n := q.run(); n != 6 {
		t.Errorf("dispatched %d callbacks, want 6", n)
	}
	if !slices.Equal(versions, []uint64{1, 2, 3}) || cancelled != 0 {
		t.Errorf("versions %v (want [1 2 3]), cancelled subscriber called %d times", versions, cancelled)
	}

	bus.SetDispatcher(nil)
	mustSet(t, s, "teller", 9)
	if !slices.Equal(versions, []uint64{1, 2, 3, 4}) {
		t.Errorf("default dispatcher restored: versions %v", versions)
	}
}

func TestDrop(t *testing.T) {
	bus := state.NewBus()
	var q queue
	bus.SetDispatcher(q.dispatch)
	form := bus.Scope("form:deposit#1")
	bus.Scope("session")
	bus.Scope("devices")
	if got := bus.Scopes(); !slices.Equal(got, []string{"devices", "form:deposit#1", "session"}) {
		t.Errorf("Scopes = %v", got)
	}
	if bus.Scope("session") != bus.Scope("session") {
		t.Errorf("Scope does not return the existing scope")
	}

	calls := 0
	form.Subscribe(nil, func(state.Change) { calls++ })
	mustSet(t, form, "amount", money.Fen(100)) // dispatched, not run yet
	tx := form.Begin()
	rolledBack := false
	tx.OnRollback(func() { rolledBack = true })
	tx.Set("amount", money.Fen(200))

	bus.Drop("form:deposit#1")
	bus.Drop("no such scope")
	q.run()
	if calls != 0 {
		t.Errorf("subscriber of dropped scope called %d times", calls)
	}
	if got := bus.Scopes(); !slices.Equal(got, []string{"devices", "session"}) {
		t.Errorf("Scopes after Drop = %v", got)
	}
	if err := form.Set("amount", money.Fen(1)); err != state.ErrDropped {
		t.Errorf("Set on dropped scope = %v, want ErrDropped", err)
	}
	if err := tx.Commit(); err != state.ErrDropped || !rolledBack {
		t.Errorf("Commit on dropped scope = %v (rollback hooks ran: %v), want ErrDropped", err, rolledBack)
	}
	late := 0
	form.Subscribe(nil, func(state.Change) { late++ })

	again := bus.Scope("form:deposit#1")
	if again == form {
		t.Fatal("Scope after Drop returned the dropped scope")
	}
	if v, ver := again.Get("amount"); v != nil || ver != 0 || again.Version() != 0 {
		t.Errorf("new scope not empty: amount = %v, %d", v, ver)
	}
	mustSet(t, again, "amount", money.Fen(5))
	q.run()
	if calls != 0 || late != 0 {
		t.Errorf("old subscribers told of the new scope: %d, %d", calls, late)
	}
}

// within fails the test if f does not return in time, as when it deadlocks.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still running after %v: deadlock?", d)
	}
}

func TestReentrantSet(t *testing.T) {
	s := newScope()
	get := func(k string) money.Fen { v, _ := s.Get(k); f, _ := v.(money.Fen); return f }
	// Subscribed first, so the re-entrant commits happen before "all" has
	// been told of the commit that caused them.
	s.Subscribe([]string{"amount"}, func(c state.Change) {
		if err := s.Set("fee", c.Values["amount"].(money.Fen)/100); err != nil {
			t.Error(err)
		}
	})
	s.Subscribe([]string{"amount", "fee"}, func(state.Change) {
		tx := s.Begin()
		tx.Set("total", tx.Get("amount").(money.Fen)+get("fee"))
		if err := tx.Commit(); err != nil {
			t.Error(err)
		}
	})
	var seen []string
	s.Subscribe(nil, func(c state.Change) {
		seen = append(seen, fmt.Sprintf("v%d%v", c.Version, c.Keys))
	})

	within(t, 5*time.Second, func() { mustSet(t, s, "amount", money.Fen(10000)) })

	if get("fee") != 100 || get("total") != 10100 {
		t.Errorf("fee %v, total %v; want 100, 10100", get("fee"), get("total"))
	}
	// v4 is the second computation of total, from the change of fee: it
	// wrote an equal value, so nobody is told and the chain settles.
	want := []string{"v1[amount]", "v2[fee]", "v3[total]"}
	if !slices.Equal(seen, want) || s.Version() != 4 {
		t.Errorf("told %v at scope v%d, want %v at v4", seen, s.Version(), want)
	}
}

func TestConcurrentNotifyOrder(t *testing.T) {
	const goroutines, sets = 4, 200
	s := newScope()
	// The default dispatcher runs one callback of a scope at a time, so no
	// lock is needed here; the race detector checks that.
	var versions []uint64
	s.Subscribe(nil, func(c state.Change) { versions = append(versions, c.Version) })
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range sets {
				mustSet(t, s, fmt.Sprint("k", i%7), g*sets+i)
			}
		})
	}
	wg.Wait()
	if len(versions) != goroutines*sets {
		t.Fatalf("told of %d commits, want %d", len(versions), goroutines*sets)
	}
	for i, v := range versions {
		if v != uint64(i+1) {
			t.Fatalf("notification %d has version %d: out of order or repeated", i, v)
		}
	}
}

func TestHooks(t *testing.T) {
	s := newScope()
	var log []string
	s.Subscribe(nil, func(c state.Change) { log = append(log, fmt.Sprint("sub v", c.Version)) })

	tx := s.Begin()
	tx.OnCommit(func() { log = append(log, fmt.Sprint("commit1 v", tx.Version())) })
	tx.OnCommit(func() { log = append(log, "commit2") })
	tx.OnRollback(func() { log = append(log, "rollback") })
	tx.Set("a", 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"commit1 v1", "commit2", "sub v1"}; !slices.Equal(log, want) {
		t.Errorf("ran %v, want %v", log, want)
	}

	// A finished transaction ignores everything.
	tx.Rollback()
	tx.Set("a", 2)
	tx.Delete("a")
	tx.OnCommit(func() { log = append(log, "late") })
	if v := tx.Get("a"); v != nil {
		t.Errorf("Get on finished txn = %v, want nil", v)
	}
	if err := tx.Commit(); err != state.ErrTxnDone {
		t.Errorf("Commit again = %v, want ErrTxnDone", err)
	}
	if v, ver := s.Get("a"); v != 1 || ver != 1 || len(log) != 3 {
		t.Errorf("finished txn had an effect: a = %v, %d; log %v", v, ver, log)
	}

	log = nil
	rb := s.Begin()
	rb.OnRollback(func() { log = append(log, "r1") })
	rb.OnRollback(func() { log = append(log, "r2") })
	rb.OnCommit(func() { log = append(log, "c") })
	rb.Set("a", 5)
	rb.Rollback()
	rb.Rollback()
	if !slices.Equal(log, []string{"r2", "r1"}) {
		t.Errorf("Rollback ran %v, want [r2 r1]", log)
	}
	if v, _ := s.Get("a"); v != 1 {
		t.Errorf("rolled back write applied: a = %v", v)
	}
	if err := rb.Commit(); err != state.ErrTxnDone {
		t.Errorf("Commit after Rollback = %v", err)
	}

	// A read-only transaction commits at the current version without a
	// new one and tells nobody.
	log = nil
	ro := s.Begin()
	ro.Get("a")
	ro.OnCommit(func() { log = append(log, "ro") })
	if err := ro.Commit(); err != nil {
		t.Fatal(err)
	}
	if ro.Version() != 1 || s.Version() != 1 || !slices.Equal(log, []string{"ro"}) {
		t.Errorf("read-only: txn v%d scope v%d log %v", ro.Version(), s.Version(), log)
	}
}

// A commit hook that commits to the same scope must not deadlock, and its
// commit is told after the one whose hook made it.
func TestCommitHookReentrant(t *testing.T) {
	s := newScope()
	var seen []uint64
	s.Subscribe(nil, func(c state.Change) { seen = append(seen, c.Version) })
	tx := s.Begin()
	tx.Set("a", 1)
	tx.OnCommit(func() { mustSet(t, s, "b", 2) })
	within(t, 5*time.Second, func() {
		if err := tx.Commit(); err != nil {
			t.Error(err)
		}
	})
	if !slices.Equal(seen, []uint64{1, 2}) {
		t.Errorf("told of versions %v, want [1 2]", seen)
	}
}

func TestZeroBus(t *testing.T) {
	var b state.Bus
	s := b.Scope("session")
	mustSet(t, s, "teller", "T001")
	if v, _ := s.Get("teller"); v != "T001" || !slices.Equal(b.Scopes(), []string{"session"}) {
		t.Errorf("zero Bus: teller = %v, scopes %v", v, b.Scopes())
	}
}

// While one commit's hooks run, a later commit on another goroutine must not
// get its change (or the earlier one) to subscribers first.
func TestCommitHooksHoldBackLaterCommits(t *testing.T) {
	s := newScope()
	var mu sync.Mutex
	var seen []uint64
	s.Subscribe(nil, func(c state.Change) { mu.Lock(); seen = append(seen, c.Version); mu.Unlock() })
	told := func() []uint64 { mu.Lock(); defer mu.Unlock(); return slices.Clone(seen) }

	inHook, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	tx := s.Begin()
	tx.Set("a", 1)
	tx.OnCommit(func() { close(inHook); <-release })
	go func() {
		defer close(done)
		if err := tx.Commit(); err != nil {
			t.Error(err)
		}
	}()
	<-inHook
	within(t, 5*time.Second, func() { mustSet(t, s, "b", 2) })
	if got := told(); len(got) != 0 {
		t.Errorf("subscribers told of %v while v1's commit hooks were running", got)
	}
	close(release)
	<-done
	if got := told(); !slices.Equal(got, []uint64{1, 2}) {
		t.Errorf("told of versions %v, want [1 2]", got)
	}
}
