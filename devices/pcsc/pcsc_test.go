package pcsc

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"guitai/devices"
	"guitai/devices/emv"
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

func TestScardCode(t *testing.T) {
	tests := []struct {
		err  error
		want uint32
	}{
		{fmt.Errorf("invalid return code: 8010000c (Card not present)"), scardENoSmartcard},
		{fmt.Errorf("invalid return code: %x (%v)", uint32(0x80100069), "removed"), scardWRemovedCard},
		{errors.New("EOF"), 0},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := scardCode(tt.err); got != tt.want {
			t.Errorf("scardCode(%v) = %x", tt.err, got)
		}
	}
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

// The whole stack: virtual card -> vpcd -> pcscd -> go-libpcsclite -> EMV.
func TestReadCardThroughPCSCD(t *testing.T) {
	needDaemon(t)
	r := openReader(t)
	var events []string
	r.Subscribe(func(ev devices.Event) {
		if ev.Kind == devices.EventStatus {
			events = append(events, ev.Status)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// No card yet: WaitCard times out.
	short, c2 := context.WithTimeout(ctx, 100*time.Millisecond)
	if err := r.WaitCard(short); devices.CodeOf(err) != devices.Timeout {
		t.Errorf("WaitCard without card: %v", err)
	}
	c2()

	vc := emv.NewVirtualCard()
	in, err := InsertVPCD(ctx, daemon.VPCDAddr, vc)
	if err != nil {
		t.Fatal(err)
	}
	card, err := r.ReadCard(ctx, emv.DefaultTerminal())
	if err != nil {
		t.Fatalf("%v\npcscd: %s", err, daemon.Output())
	}
	if card.PAN != "6222021234567890123" || card.Expiry != "311231" || card.Name != "ZHANG/SAN" || card.PSN != 1 {
		t.Errorf("card %+v", card)
	}
	in.Remove()
	if err := r.WaitRemoval(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(events, ","); got != "card-inserted,card-removed" {
		t.Errorf("events %q", got)
	}
}

func TestCardPulledMidRead(t *testing.T) {
	needDaemon(t)
	r := openReader(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	vc := emv.NewVirtualCard()
	vc.PullAfter(6)
	in, err := InsertVPCD(ctx, daemon.VPCDAddr, vc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		in.Remove()
		if err := r.WaitRemoval(ctx); err != nil {
			t.Error(err)
		}
	}()
	_, err = r.ReadCard(ctx, emv.DefaultTerminal())
	var de *devices.Error
	if !errors.As(err, &de) || de.Code != devices.UserError || !strings.Contains(de.Msg, "removed") {
		t.Fatalf("err = %v, want UserError card removed", err)
	}
	if r.State() != devices.StateIdle {
		t.Errorf("state %v", r.State())
	}
}

// BenchmarkInsertionToPAN measures from the virtual card entering vpcd to
// its PAN read through pcscd. pcscd polls the vpcd slot every 400 ms
// (vpcd has no event thread), so a card is seen 0-400 ms after it goes in;
// cards go in at a random phase of that poll, as a customer's would, and
// the mean and worst insertion-to-PAN times and the pcscd-detection-to-PAN
// time are reported.
func BenchmarkInsertionToPAN(b *testing.B) {
	needDaemon(b)
	r := openReader(b)
	ctx := context.Background()
	if err := r.WaitRemoval(ctx); err != nil {
		b.Fatal(err)
	}
	var worst, total, read time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		time.Sleep(time.Duration(rand.Int64N(int64(400 * time.Millisecond))))
		b.StartTimer()
		start := time.Now()
		in, err := InsertVPCD(ctx, daemon.VPCDAddr, emv.NewVirtualCard())
		if err != nil {
			b.Fatal(err)
		}
		if err := r.WaitCard(ctx); err != nil {
			b.Fatal(err)
		}
		seen := time.Now()
		if _, err := emv.ReadCard(ctx, transmitter{r}, emv.DefaultTerminal()); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		worst, total, read, n = max(worst, d), total+d, read+time.Since(seen), n+1
		b.StopTimer()
		in.Remove()
		if err := r.WaitRemoval(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(n), "mean-ms")
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
	b.ReportMetric(float64(read.Microseconds())/float64(n)/1000, "detect-to-PAN-ms")
}
