package teller

import (
	"runtime"
	"runtime/metrics"
	"testing"
)

// BenchmarkOpenEveryForm opens every form of the catalog once in the
// window (headless driver, demo ledger) and reports the Go heap in use
// afterwards: the memory of our own code, without the ~170 MB a software
// GL context takes under Xvfb.
func BenchmarkOpenEveryForm(b *testing.B) {
	s, _, _ := shellOnLedger(b)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var heap float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range s.forms {
			s.open(f)
		}
		s.close()
	}
	b.StopTimer()
	runtime.GC()
	metrics.Read(sample)
	heap = float64(sample[0].Value.Uint64()) / (1 << 20)
	b.ReportMetric(heap, "heap-MB")
	b.ReportMetric(float64(len(s.forms)), "forms")
}
