package main

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkRealWindowKeyLatency measures, in the real window, the time
// from a key press to its value in the form's scope and the frame after
// it: xdotool presses a key (XTEST) in the account field of a cash
// deposit, and the teller's trace says "set account" once the StateBus
// has delivered the change on the UI goroutine, after the frame that
// drew it. Keys alternate between a digit and BackSpace, so every key
// changes the value. "idle" runs on a quiet machine, "busy2" beside two
// busy loops. It reports p50 and p99 in ms from the moment xdotool
// starts (an upper bound: it includes starting xdotool, measured as
// xdotool-ms) and from the moment it returned (a lower bound).
//
//	go test -run '^$' -bench RealWindowKeyLatency -benchtime 200x ./cmd/teller
func BenchmarkRealWindowKeyLatency(b *testing.B) {
	for _, load := range []struct {
		name string
		busy int
	}{{"idle", 0}, {"busy2", 2}} {
		b.Run(load.name, func(b *testing.B) {
			display := ownDisplay(b)
			busyLoops(b, load.busy)
			r := startTeller(b, display, "-db", filepath.Join(b.TempDir(), "ledger.db"), "-teller", "010101",
				"-open", "cash_deposit", "-idle-lock", "0")
			r.wait("open cash_deposit", 60*time.Second)
			var upper, lower, spawn []float64
			b.ResetTimer()
			for i := range b.N {
				key := "1"
				if i%2 == 1 {
					key = "BackSpace"
				}
				t0 := time.Now()
				r.keys(key)
				t1 := time.Now()
				r.wait("set account", 30*time.Second)
				t2 := time.Now()
				upper = append(upper, ms(t2.Sub(t0)))
				lower = append(lower, ms(t2.Sub(t1)))
				spawn = append(spawn, ms(t1.Sub(t0)))
			}
			b.StopTimer()
			b.ReportMetric(pct(upper, 50), "p50-ms")
			b.ReportMetric(pct(upper, 99), "p99-ms")
			b.ReportMetric(pct(lower, 50), "p50-after-send-ms")
			b.ReportMetric(pct(lower, 99), "p99-after-send-ms")
			b.ReportMetric(pct(spawn, 50), "xdotool-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pct is the p-th percentile of xs (nearest rank).
func pct(xs []float64, p int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	i := (len(s)*p + 99) / 100
	return s[max(i-1, 0)]
}
