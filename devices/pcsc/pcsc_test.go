package pcsc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guitai/devices"
	"guitai/devices/emv"
	"guitai/devices/pcsc/pcsclite"
	"guitai/devices/pcsc/pcsctest"
)

var (
	daemon     *pcsctest.Daemon
	skipReason string
)

func TestMain(m *testing.M) {
	dir, _ := os.MkdirTemp("", "pcscd")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	d, err := pcsctest.Start(ctx, dir)
	cancel()
	switch {
	case err == nil:
		daemon = d
	case errors.Is(err, pcsctest.ErrUnavailable) && !pcsctest.Required():
		skipReason = err.Error() + " (set GUITAI_REQUIRE_DEVICES=1 to make this fatal)"
	default:
		fmt.Fprintln(os.Stderr, "cannot start pcscd:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if daemon != nil {
		daemon.Stop()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func needDaemon(tb testing.TB) {
	tb.Helper()
	if daemon == nil {
		tb.Skip(skipReason)
	}
}

func openReader(tb testing.TB) *Reader {
	tb.Helper()
	r := NewReader("cardreader", ReaderConfig{Socket: daemon.Socket, Name: daemon.Reader, Poll: 5 * time.Millisecond})
	ctx := context.Background()
	for _, step := range []func(context.Context) error{r.Open, r.Claim, r.Enable} {
		if err := step(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() { r.Close(context.Background()) })
	return r
}

func TestReadersNULTrimmed(t *testing.T) {
	needDaemon(t)
	r := openReader(t)
	names, err := r.Readers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no readers")
	}
	for _, n := range names {
		if strings.ContainsRune(n, 0) {
			t.Errorf("reader name %q has NUL bytes", n)
		}
	}
	if !strings.HasPrefix(r.ReaderName(), "Virtual PCD") {
		t.Errorf("claimed %q", r.ReaderName())
	}
}

// insert puts card in the vpcd reader and takes it out at the end of the
// test, waiting until the reader has seen it leave.
func insert(tb testing.TB, r *Reader, card VirtualCard) *Insertion {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in, err := InsertVPCD(ctx, daemon.VPCDAddr, card)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		in.Remove()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.WaitRemoval(ctx); err != nil {
			tb.Errorf("card not seen leaving: %v", err)
		}
	})
	return in
}

// The whole stack: virtual card -> vpcd -> pcscd -> pcsclite -> EMV.
func TestReadCardThroughPCSCD(t *testing.T) {
	needDaemon(t)
	r := openReader(t)
	var mu sync.Mutex
	var events []string
	r.Subscribe(func(ev devices.Event) {
		if ev.Kind == devices.EventStatus {
			mu.Lock()
			events = append(events, ev.Status)
			mu.Unlock()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// No card yet: WaitCard times out, and the reader stays usable.
	short, c2 := context.WithTimeout(ctx, 100*time.Millisecond)
	if err := r.WaitCard(short); devices.CodeOf(err) != devices.Timeout {
		t.Errorf("WaitCard without card: %v", err)
	}
	c2()
	if r.State() != devices.StateIdle {
		t.Errorf("state after waiting for no card: %v", r.State())
	}

	vc := emv.NewVirtualCard()
	in, err := InsertVPCD(ctx, daemon.VPCDAddr, vc)
	if err != nil {
		t.Fatal(err)
	}
	card, err := r.ReadCard(ctx, emv.DefaultTerminal())
	if err != nil {
		t.Fatalf("%v\npcscd: %s", err, daemon.Output())
	}
	if card.PAN != emv.DemoPAN || card.Expiry != "311231" || card.Name != "ZHANG/SAN" || card.PSN != 1 {
		t.Errorf("card %+v", card)
	}
	if p := r.Protocol(); p != pcsclite.ProtocolT1 {
		t.Errorf("protocol %d, want T=1", p)
	}
	in.Remove()
	if err := r.WaitRemoval(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(events, ","); got != "card-inserted,card-removed" {
		t.Errorf("events %q", got)
	}
}

// Card layouts through pcscd: cards that offer only T=0 are read over
// T=0 (the demo card in T=0 mode, and the second layout: no PSE,
// priorities with 00, 6985 on the highest-priority application), and a
// contact reader takes the PSE's application before the PPSE's.
func TestLayoutsThroughPCSCD(t *testing.T) {
	needDaemon(t)
	demoT0 := emv.NewVirtualCard()
	demoT0.T0 = true
	dual := &emv.VirtualCard{Apps: []emv.App{
		{AID: emv.UnionPayAIDs[0], Label: "DEBIT", Priority: 2, PAN: emv.MultiDebitPAN, Expiry: "301231", Name: "WANG/WU"},
		{AID: emv.UnionPayAIDs[1], Label: "CREDIT", Priority: 1, PAN: emv.MultiCreditPAN, Expiry: "301231", Name: "WANG/WU"},
	}, PSE: []int{0}, PPSE: []int{1}}
	for _, tt := range []struct {
		name  string
		card  *emv.VirtualCard
		pan   string
		aid   string
		proto uint32
	}{
		{"demo T=0", demoT0, emv.DemoPAN, "A000000333010101", pcsclite.ProtocolT0},
		{"multi-application T=0", emv.NewMultiAppCard(), emv.MultiQuasiPAN, "A000000333010103", pcsclite.ProtocolT0},
		{"PSE before PPSE", dual, emv.MultiDebitPAN, "A000000333010101", pcsclite.ProtocolT1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := openReader(t)
			insert(t, r, tt.card)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			card, err := r.ReadCard(ctx, emv.DefaultTerminal())
			if err != nil {
				t.Fatalf("%v\npcscd: %s", err, daemon.Output())
			}
			if card.PAN != tt.pan || fmt.Sprintf("%X", card.AID) != tt.aid {
				t.Errorf("read %X PAN %s, want %s PAN %s", card.AID, card.PAN, tt.aid, tt.pan)
			}
			if p := r.Protocol(); p != tt.proto {
				t.Errorf("protocol %d, want %d", p, tt.proto)
			}
			if r.State() != devices.StateIdle {
				t.Errorf("state %v", r.State())
			}
		})
	}
}

// A mute card holds ReadCard only until the caller's deadline; the reader
// stays usable, says why in the teller's language, and reads the next
// card.
func TestMuteCardThroughPCSCD(t *testing.T) {
	needDaemon(t)
	for _, after := range []int{0, 3} {
		t.Run(fmt.Sprintf("mute after %d", after), func(t *testing.T) {
			r := openReader(t)
			vc := emv.NewVirtualCard()
			vc.MuteAfter(after)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			in, err := InsertVPCD(ctx, daemon.VPCDAddr, vc)
			if err != nil {
				t.Fatal(err)
			}
			const limit = 1500 * time.Millisecond
			rctx, rcancel := context.WithTimeout(ctx, limit)
			start := time.Now()
			_, err = r.ReadCard(rctx, emv.DefaultTerminal())
			took := time.Since(start)
			rcancel()
			if took > limit+time.Second {
				t.Errorf("ReadCard returned %v after its %v deadline", took-limit, limit)
			}
			var de *devices.Error
			if !errors.As(err, &de) || de.Code != devices.Timeout || !de.DeviceOK {
				t.Fatalf("err = %v, want a Timeout that leaves the reader usable", err)
			}
			select {
			case <-vc.Muted():
			default:
				t.Fatal("the card never went mute: the test timed out elsewhere")
			}
			if zh := devices.Say(err, "zh"); zh != "卡片无响应，读卡超时，请取出卡片后重新插入" {
				t.Errorf("zh %q", zh)
			}
			if en := devices.Say(err, "en"); !strings.Contains(en, "does not answer") {
				t.Errorf("en %q", en)
			}
			if r.State() != devices.StateIdle || r.LastError() != nil {
				t.Errorf("state %v (%v)", r.State(), r.LastError())
			}
			if err := r.Health(ctx); err != nil {
				t.Errorf("health: %v", err)
			}
			in.Remove()
			if err := r.WaitRemoval(ctx); err != nil {
				t.Fatalf("removal of the mute card: %v", err)
			}
			// The same reader reads the next card.
			insert(t, r, emv.NewVirtualCard())
			card, err := r.ReadCard(ctx, emv.DefaultTerminal())
			if err != nil || card.PAN != emv.DemoPAN {
				t.Fatalf("next card: %v %v", card, err)
			}
		})
	}
}

func TestCardPulledMidRead(t *testing.T) {
	needDaemon(t)
	r := openReader(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	vc := emv.NewVirtualCard()
	vc.PullAfter(6)
	insert(t, r, vc)
	_, err := r.ReadCard(ctx, emv.DefaultTerminal())
	var de *devices.Error
	if !errors.As(err, &de) || de.Code != devices.UserError || !strings.Contains(de.Msg, "removed") {
		t.Fatalf("err = %v, want UserError card removed", err)
	}
	if !vc.Pulled() {
		t.Error("the card was not pulled: the read ended before")
	}
	if r.State() != devices.StateIdle {
		t.Errorf("state %v", r.State())
	}
}

// BenchmarkInsertionToPAN measures from a virtual card entering vpcd to
// its PAN read through pcscd, for each card layout. pcscd polls the vpcd
// slot every 400 ms (vpcd has no event thread), so a card is seen 0-400 ms
// after it goes in; cards go in at a random phase of that poll, as a
// customer's would. It reports the median and worst insertion-to-PAN
// times and the mean detection-to-PAN time.
func BenchmarkInsertionToPAN(b *testing.B) {
	needDaemon(b)
	layouts := []struct {
		name string
		card func() *emv.VirtualCard
		pan  string
	}{
		{"T1-PSE", emv.NewVirtualCard, emv.DemoPAN},
		{"T0-PSE", func() *emv.VirtualCard { c := emv.NewVirtualCard(); c.T0 = true; return c }, emv.DemoPAN},
		{"T0-noPSE-multi", emv.NewMultiAppCard, emv.MultiQuasiPAN},
	}
	for _, l := range layouts {
		b.Run(l.name, func(b *testing.B) {
			r := openReader(b)
			ctx := context.Background()
			if err := r.WaitRemoval(ctx); err != nil {
				b.Fatal(err)
			}
			var all []time.Duration
			var read time.Duration
			for b.Loop() {
				b.StopTimer()
				time.Sleep(time.Duration(rand.Int64N(int64(400 * time.Millisecond))))
				b.StartTimer()
				start := time.Now()
				in, err := InsertVPCD(ctx, daemon.VPCDAddr, l.card())
				if err != nil {
					b.Fatal(err)
				}
				if err := r.WaitCard(ctx); err != nil {
					b.Fatal(err)
				}
				seen := time.Now()
				card, err := emv.ReadCard(ctx, transmitter{r}, emv.DefaultTerminal())
				if err != nil {
					b.Fatal(err)
				}
				if card.PAN != l.pan {
					b.Fatalf("PAN %s", card.PAN)
				}
				all = append(all, time.Since(start))
				read += time.Since(seen)
				b.StopTimer()
				in.Remove()
				if err := r.WaitRemoval(ctx); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			slices.Sort(all)
			b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(all[len(all)-1].Microseconds())/1000, "worst-ms")
			b.ReportMetric(float64(read.Microseconds())/float64(len(all))/1000, "detect-to-PAN-ms")
		})
	}
}
