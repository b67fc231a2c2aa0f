package eventually

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a testing.TB that keeps a failure instead of failing the
// test running it.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run runs fn on its own goroutine, as Fatalf ends it, and returns the
// failure ("" for none).
func run(t *testing.T, fn func(testing.TB)) string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	return r.msg
}

func TestTrueWaitsForAnotherGoroutine(t *testing.T) {
	var n atomic.Int32
	go func() {
		time.Sleep(30 * time.Millisecond)
		n.Store(1)
	}()
	polls := 0
	msg := run(t, func(t testing.TB) {
		True(t, 10*time.Second, func() bool { polls++; return n.Load() == 1 }, "never set")
	})
	if msg != "" {
		t.Fatal(msg)
	}
	// The pause doubles from 1 ms to 50 ms: a handful of polls, not one
	// per millisecond.
	if polls < 2 || polls > 20 {
		t.Errorf("%d polls in 30 ms", polls)
	}
}

func TestTrueFailsWithTheMessage(t *testing.T) {
	start := time.Now()
	polls := 0
	msg := run(t, func(t testing.TB) {
		True(t, 40*time.Millisecond, func() bool { polls++; return false }, "no %s", "receipt")
	})
	if !strings.Contains(msg, "no receipt") || !strings.Contains(msg, "40ms") {
		t.Errorf("message %q", msg)
	}
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Errorf("gave up after %v", d)
	}
	if polls < 3 {
		t.Errorf("%d polls", polls)
	}
}

func TestNoErrorReportsTheLastError(t *testing.T) {
	i := 0
	msg := run(t, func(t testing.TB) {
		NoError(t, 20*time.Millisecond, func() error { i++; return fmt.Errorf("status %d", i) })
	})
	if want := fmt.Sprintf("status %d", i); !strings.HasSuffix(msg, want) {
		t.Errorf("message %q, want the last error %q", msg, want)
	}
	if msg := run(t, func(t testing.TB) {
		NoError(t, time.Second, func() error { return nil })
	}); msg != "" {
		t.Errorf("nil error failed: %s", msg)
	}
	if Within(10*time.Millisecond, func() bool { return false }) {
		t.Error("Within held for a false condition")
	}
	if !Within(0, func() bool { return true }) {
		t.Error("Within(0) did not poll once")
	}
}
