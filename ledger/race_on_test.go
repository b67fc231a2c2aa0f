//go:build race

package ledger_test

// raceEnabled: the race detector slows the ledger's hashing (SM3 chains,
// PBKDF2 of PINs) and the SQLite driver several times over, so the
// randomized whole-day test runs fewer operations under it; the ones it
// runs are still checked in full.
const raceEnabled = true
