// Package state holds the live values of the workstation: the bound fields of
// every open form, the teller's session and the attached devices.
//
// A [Bus] holds named scopes. Each open form has its own scope
// ("form:<id>#n"); there is one "session" scope and one "devices" scope. A
// [Scope] maps string keys to values of any type; the package never looks
// inside a value except to compare it with the one it replaces.
//
// # Versions
//
// Every scope counts its commits. A commit that writes keys increments the
// scope version by one, and each key it writes takes the new scope version as
// its own version. A key that was never written has version 0. A deleted key
// keeps the version of the commit that deleted it, so that a transaction that
// read the key before the delete can notice it.
//
// # Transactions
//
// [Scope.Begin] starts an optimistic transaction. [Txn.Get] reads the
// committed value (or the transaction's own pending write) and records the
// key's version; [Txn.Set] and [Txn.Delete] buffer writes and also record the
// version of a key the first time the transaction touches it. [Txn.Commit]
// applies the writes atomically, but only if none of the recorded versions has
// changed in the meantime; otherwise it applies nothing and returns a
// [*ConflictError], and the caller may start again. Committed transactions are
// therefore serializable in the order of their versions.
//
// [Scope.Set] is a one-key transaction that reads nothing, so it never
// conflicts.
//
// # Notifications
//
// [Scope.Subscribe] registers a function that is called once after every
// commit that changed one of its keys. A key counts as changed when its new
// value differs from the old one under ==, when it appears or disappears, or
// when its values cannot be compared. Writing an equal value still bumps the
// key's version but is left out of the [Change]; in particular a subscriber
// that writes back a value it computed from its own inputs settles instead of
// looping forever.
//
// Callbacks run after the commit, never under a lock of the package, and in
// commit order for each scope. They are handed to the bus's dispatcher (see
// [Bus.SetDispatcher]); by default they are called directly, one at a time for
// each scope, on a goroutine that committed to that scope. A callback may
// itself commit to the same scope: that commit is queued and its callbacks run
// once the current ones have returned.
package state
