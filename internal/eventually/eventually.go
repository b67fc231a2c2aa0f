package eventually

import (
	"fmt"
	"testing"
	"time"
)

// First and longest pause between two polls.
const (
	firstPause = time.Millisecond
	maxPause   = 50 * time.Millisecond
)

// True polls cond until it returns true, and fails the test with the
// message (format and args, as fmt.Sprintf) when timeout passes first.
// cond is always polled once more after the timeout, so a slow first poll
// does not fail a condition that holds.
func True(t testing.TB, timeout time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	if !poll(timeout, cond) {
		t.Fatalf("after %v: %s", timeout, fmt.Sprintf(format, args...))
	}
}

// NoError polls f until it returns nil, and fails the test with f's last
// error when timeout passes first: the error says what was last observed.
func NoError(t testing.TB, timeout time.Duration, f func() error) {
	t.Helper()
	var last error
	if !poll(timeout, func() bool { last = f(); return last == nil }) {
		t.Fatalf("after %v: %v", timeout, last)
	}
}

// Within polls cond as True does and reports whether it held in time,
// for a caller that reports the failure itself.
func Within(timeout time.Duration, cond func() bool) bool {
	return poll(timeout, cond)
}

func poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	pause := firstPause
	for {
		if cond() {
			return true
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		time.Sleep(min(pause, left))
		pause = min(2*pause, maxPause)
	}
}
