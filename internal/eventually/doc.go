// Package eventually waits, in a test, for something another goroutine or
// process does, by polling what can be observed with a short backoff,
// instead of sleeping a fixed time that is too long on a fast machine and
// too short on a loaded one:
//
//	eventually.True(t, 5*time.Second, func() bool { return sim.Count("cut") == 1 }, "the receipt was not cut")
//
// Call it from the test's own goroutine: it stops the test on failure.
package eventually
