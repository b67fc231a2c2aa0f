package state

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// ErrTxnDone is returned by [Txn.Commit] when the transaction has already
// been committed or rolled back.
var ErrTxnDone = errors.New("state: transaction already committed or rolled back")

// ErrDropped is returned by [Scope.Set] and [Txn.Commit] when the scope has
// been dropped from its bus (the form was closed).
var ErrDropped = errors.New("state: scope dropped")

// A ConflictError is returned by [Txn.Commit] when a key the transaction read
// or wrote was changed by another commit after the transaction first touched
// it.
type ConflictError struct {
	Scope   string // name of the scope
	Key     string // the conflicting key (the smallest, if several)
	Read    uint64 // version of Key when the transaction first touched it
	Current uint64 // version of Key at commit time
}

// Error names the scope, the key and both versions.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("state: conflict in scope %q on key %q: read version %d, now %d",
		e.Scope, e.Key, e.Read, e.Current)
}

// IsConflict reports whether err is or wraps a [*ConflictError].
func IsConflict(err error) bool {
	var ce *ConflictError
	return errors.As(err, &ce)
}

// A Bus holds named scopes: one per open form ("form:<id>#n"), one
// "session" and one "devices". The zero Bus is ready to use. A Bus is safe for
// concurrent use.
type Bus struct {
	mu       sync.Mutex
	scopes   map[string]*Scope
	dispatch atomic.Pointer[func(func())]
}

// NewBus returns an empty bus.
func NewBus() *Bus {
	return &Bus{scopes: make(map[string]*Scope)}
}

// SetDispatcher sets how subscriber callbacks are run: each callback is
// passed to d as a func of no arguments. The UI sets fyne.Do. Callbacks are
// handed to d in commit order for each scope, so d must run them in the order
// it receives them.
//
// The default, also restored by a nil d, calls each callback directly on the
// committing goroutine after all locks are released.
func (b *Bus) SetDispatcher(d func(func())) {
	if d == nil {
		b.dispatch.Store(nil)
		return
	}
	b.dispatch.Store(&d)
}

func (b *Bus) dispatcher() func(func()) {
	if p := b.dispatch.Load(); p != nil {
		return *p
	}
	return nil
}

// Scope returns the scope with the given name, creating an empty one if the
// bus has none.
func (b *Bus) Scope(name string) *Scope {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.scopes[name]
	if s == nil {
		if b.scopes == nil {
			b.scopes = make(map[string]*Scope)
		}
		s = &Scope{bus: b, name: name, vals: make(map[string]entry)}
		b.scopes[name] = s
	}
	return s
}

// Drop forgets the named scope, as when its form is closed. Its subscribers
// are cancelled, and later writes through the old *Scope fail with
// [ErrDropped]. A later call to [Bus.Scope] with the same name creates a new,
// empty scope. Dropping an unknown name does nothing.
func (b *Bus) Drop(name string) {
	b.mu.Lock()
	s := b.scopes[name]
	delete(b.scopes, name)
	b.mu.Unlock()
	if s != nil {
		s.drop()
	}
}

// Scopes returns the names of the bus's scopes in sorted order.
func (b *Bus) Scopes() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Sorted(maps.Keys(b.scopes))
}

// A Scope is a set of keyed values with versions, obtained from
// [Bus.Scope]. A Scope is safe for concurrent use.
type Scope struct {
	bus  *Bus
	name string

	mu       sync.RWMutex
	version  uint64
	vals     map[string]entry
	subs     []*subscriber // in subscription order
	queue    []*delivery   // changes not yet handed to subscribers, in commit order
	draining bool          // some goroutine is delivering the queue
	dropped  bool
}

type entry struct {
	v       any
	version uint64
	deleted bool
}

type write struct {
	v   any
	del bool
}

type subscriber struct {
	keys      map[string]struct{} // nil means every key
	fn        func(Change)
	cancelled atomic.Bool
}

func (sub *subscriber) wants(changed []string) bool {
	if sub.keys == nil {
		return true
	}
	for _, k := range changed {
		if _, ok := sub.keys[k]; ok {
			return true
		}
	}
	return false
}

func (sub *subscriber) call(c Change) {
	if !sub.cancelled.Load() {
		sub.fn(c)
	}
}

type delivery struct {
	change Change
	subs   []*subscriber
	ready  bool // the commit's OnCommit hooks have run
}

// A Change describes one commit to a scope, as passed to subscribers. It
// lists every key the commit changed, not only those the subscriber asked
// for. Keys and Values are shared by all subscribers of the commit and must
// not be modified.
type Change struct {
	Scope   string         // name of the scope
	Version uint64         // scope version produced by the commit
	Keys    []string       // keys whose value changed, sorted
	Values  map[string]any // new value of each changed key; a deleted key is absent
}

// Name returns the scope's name.
func (s *Scope) Name() string { return s.name }

// Get returns the committed value of key and its version. A key that was
// never written has version 0; a deleted key reads as nil with the version of
// the commit that deleted it.
func (s *Scope) Get(key string) (v any, version uint64) {
	s.mu.RLock()
	e := s.vals[key]
	s.mu.RUnlock()
	return e.v, e.version
}

// Snapshot returns a new map holding every current (not deleted) key and
// value of the scope.
func (s *Scope) Snapshot() map[string]any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := make(map[string]any, len(s.vals))
	for k, e := range s.vals {
		if !e.deleted {
			m[k] = e.v
		}
	}
	return m
}

// Version returns the number of commits that wrote to the scope.
func (s *Scope) Version() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

// Set sets key to v in a transaction of its own. Because it reads nothing it
// cannot conflict; it fails only with [ErrDropped].
func (s *Scope) Set(key string, v any) error {
	s.mu.Lock()
	if s.dropped {
		s.mu.Unlock()
		return ErrDropped
	}
	_, d := s.applyLocked(func(yield func(string, write) bool) {
		yield(key, write{v: v})
	}, true)
	s.mu.Unlock()
	if d != nil {
		s.drain()
	}
	return nil
}

// Subscribe arranges for fn to be called after every later commit that
// changed any of keys, or any key at all if keys is empty. See the package
// documentation for what counts as a change and how fn is called. Callbacks
// of one commit run in subscription order.
//
// The returned cancel function stops further calls; a call already handed to
// the dispatcher is skipped if it has not started. Cancel may be called more
// than once. Subscribing to a dropped scope does nothing.
func (s *Scope) Subscribe(keys []string, fn func(Change)) (cancel func()) {
	sub := &subscriber{fn: fn}
	if len(keys) > 0 {
		sub.keys = make(map[string]struct{}, len(keys))
		for _, k := range keys {
			sub.keys[k] = struct{}{}
		}
	}
	s.mu.Lock()
	if s.dropped {
		s.mu.Unlock()
		return func() {}
	}
	s.subs = append(s.subs, sub)
	s.mu.Unlock()
	return func() {
		if sub.cancelled.Swap(true) {
			return
		}
		s.mu.Lock()
		if i := slices.Index(s.subs, sub); i >= 0 {
			s.subs = slices.Delete(s.subs, i, i+1)
		}
		s.mu.Unlock()
	}
}

// Begin starts a transaction on the scope.
func (s *Scope) Begin() *Txn {
	return &Txn{s: s}
}

func (s *Scope) drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropped = true
	for _, sub := range s.subs {
		sub.cancelled.Store(true)
	}
	s.subs = nil
	s.queue = nil
}

// applyLocked writes a new scope version and, if any subscriber is
// interested, queues a delivery of the change. s.mu must be held.
func (s *Scope) applyLocked(writes iter.Seq2[string, write], ready bool) (uint64, *delivery) {
	s.version++
	ver := s.version
	var changed []string
	for k, w := range writes {
		old, had := s.vals[k]
		had = had && !old.deleted
		s.vals[k] = entry{v: w.v, version: ver, deleted: w.del}
		if w.del && had || !w.del && (!had || !equal(old.v, w.v)) {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		return ver, nil
	}
	var subs []*subscriber
	for _, sub := range s.subs {
		if sub.wants(changed) {
			subs = append(subs, sub)
		}
	}
	if len(subs) == 0 {
		return ver, nil
	}
	slices.Sort(changed)
	values := make(map[string]any, len(changed))
	for _, k := range changed {
		if e := s.vals[k]; !e.deleted {
			values[k] = e.v
		}
	}
	d := &delivery{
		change: Change{Scope: s.name, Version: ver, Keys: changed, Values: values},
		subs:   subs,
		ready:  ready,
	}
	s.queue = append(s.queue, d)
	return ver, d
}

// drain hands queued changes to subscribers in commit order, unless another
// call (perhaps further up this goroutine's stack) is already doing so. It
// stops at a change whose OnCommit hooks have not finished; the committer
// drains again when they have.
func (s *Scope) drain() {
	s.mu.Lock()
	if s.draining {
		s.mu.Unlock()
		return
	}
	s.draining = true
	finished := false
	defer func() {
		if !finished { // a callback panicked; let a later commit resume
			s.mu.Lock()
			s.draining = false
			s.mu.Unlock()
		}
	}()
	for len(s.queue) > 0 && s.queue[0].ready {
		d := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.deliver(d)
		s.mu.Lock()
	}
	s.draining = false
	finished = true
	s.mu.Unlock()
}

func (s *Scope) deliver(d *delivery) {
	dispatch := s.bus.dispatcher()
	for _, sub := range d.subs {
		if dispatch == nil {
			sub.call(d.change)
		} else {
			dispatch(func() { sub.call(d.change) })
		}
	}
}

// equal reports whether a == b, treating values that cannot be compared as
// different.
func equal(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// A Txn is an optimistic transaction on one scope, started by
// [Scope.Begin]. Writes are buffered until [Txn.Commit]. A Txn must be used by
// one goroutine at a time.
//
// After Commit or Rollback the transaction is finished: Get returns nil, Set,
// Delete, OnCommit and OnRollback do nothing, Commit returns [ErrTxnDone] and
// Rollback does nothing.
type Txn struct {
	s          *Scope
	seen       map[string]uint64 // version of each key at first touch
	writes     map[string]write
	onCommit   []func()
	onRollback []func()
	version    uint64
	done       bool
}

// Get returns the transaction's own pending write of key if there is one,
// and otherwise the committed value. The first time the transaction touches
// key, Get records its version; Commit fails if it has changed.
func (t *Txn) Get(key string) any {
	if t.done {
		return nil
	}
	if w, ok := t.writes[key]; ok {
		return w.v
	}
	t.s.mu.RLock()
	e := t.s.vals[key]
	t.s.mu.RUnlock()
	t.see(key, e.version)
	return e.v
}

// Set buffers a write of v to key. Like Get, it records the key's version the
// first time the transaction touches it, so a blind write still conflicts with
// a concurrent commit to the same key.
func (t *Txn) Set(key string, v any) { t.put(key, write{v: v}) }

// Delete buffers the removal of key. It records the key's version as Set does.
func (t *Txn) Delete(key string) { t.put(key, write{del: true}) }

func (t *Txn) put(key string, w write) {
	if t.done {
		return
	}
	if _, ok := t.seen[key]; !ok {
		t.s.mu.RLock()
		ver := t.s.vals[key].version
		t.s.mu.RUnlock()
		t.see(key, ver)
	}
	if t.writes == nil {
		t.writes = make(map[string]write)
	}
	t.writes[key] = w
}

func (t *Txn) see(key string, version uint64) {
	if t.seen == nil {
		t.seen = make(map[string]uint64)
	}
	if _, ok := t.seen[key]; !ok {
		t.seen[key] = version
	}
}

// OnRollback registers fn to run if the transaction is rolled back or its
// commit fails. Such hooks run in reverse order of registration.
func (t *Txn) OnRollback(fn func()) {
	if !t.done {
		t.onRollback = append(t.onRollback, fn)
	}
}

// OnCommit registers fn to run after a successful commit, before any
// subscriber is told of it. Such hooks run in order of registration, outside
// any lock; [Txn.Version] is already set.
func (t *Txn) OnCommit(fn func()) {
	if !t.done {
		t.onCommit = append(t.onCommit, fn)
	}
}

// Commit applies the transaction's writes atomically if no key it touched
// has changed version since it first touched it. Otherwise it applies nothing,
// runs the rollback hooks and returns a [*ConflictError]. It returns
// [ErrDropped], also after running the rollback hooks, if the scope has been
// dropped. A transaction that wrote nothing commits without changing the
// scope version.
func (t *Txn) Commit() error {
	if t.done {
		return ErrTxnDone
	}
	t.done = true
	s := t.s
	s.mu.Lock()
	if s.dropped {
		s.mu.Unlock()
		t.rollback()
		return ErrDropped
	}
	if err := t.validateLocked(); err != nil {
		s.mu.Unlock()
		t.rollback()
		return err
	}
	var d *delivery
	if len(t.writes) == 0 {
		t.version = s.version
	} else {
		t.version, d = s.applyLocked(maps.All(t.writes), len(t.onCommit) == 0)
	}
	s.mu.Unlock()
	t.writes, t.seen, t.onRollback = nil, nil, nil
	if len(t.onCommit) > 0 {
		t.runCommitHooks(d)
	}
	if d != nil {
		s.drain()
	}
	return nil
}

func (t *Txn) validateLocked() error {
	var c *ConflictError
	for k, read := range t.seen {
		cur := t.s.vals[k].version
		if cur != read && (c == nil || k < c.Key) {
			c = &ConflictError{Scope: t.s.name, Key: k, Read: read, Current: cur}
		}
	}
	if c != nil {
		return c
	}
	return nil
}

func (t *Txn) runCommitHooks(d *delivery) {
	hooks := t.onCommit
	t.onCommit = nil
	defer func() {
		if d != nil {
			t.s.mu.Lock()
			d.ready = true
			t.s.mu.Unlock()
		}
	}()
	for _, fn := range hooks {
		fn()
	}
}

// Rollback discards the transaction's writes and runs its rollback hooks.
// It does nothing if the transaction is already finished.
func (t *Txn) Rollback() {
	if t.done {
		return
	}
	t.done = true
	t.rollback()
}

func (t *Txn) rollback() {
	hooks := t.onRollback
	t.writes, t.seen, t.onCommit, t.onRollback = nil, nil, nil, nil
	for i := len(hooks) - 1; i >= 0; i-- {
		hooks[i]()
	}
}

// Version returns the scope version at which the transaction committed: the
// version its writes received or, for a transaction that wrote nothing, the
// version its reads were checked against. It is 0 until a successful Commit.
func (t *Txn) Version() uint64 { return t.version }
