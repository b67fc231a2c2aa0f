package escpos

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guitai/devices"
	"guitai/internal/eventually"
)

func TestEncoderBytes(t *testing.T) {
	tests := []struct {
		name string
		do   func(e *Encoder)
		want []byte
	}{
		{"init", func(e *Encoder) { e.Init() }, []byte{0x1B, '@', 0x1C, '&'}},
		{"center bold", func(e *Encoder) { e.Align(Center).Bold(true) }, []byte{0x1B, 'a', 1, 0x1B, 'E', 1}},
		{"double", func(e *Encoder) { e.Double(true).Double(false) }, []byte{0x1D, '!', 0x11, 0x1D, '!', 0x00}},
		{"chinese", func(e *Encoder) { e.Line("存款") }, []byte{0xB4, 0xE6, 0xBF, 0xEE, 0x0A}},
		{"4-byte gb18030", func(e *Encoder) { e.Text("€") }, []byte{0xA2, 0xE3}},
		{"control stripped", func(e *Encoder) { e.Text("a\x1bb") }, []byte{'a', ' ', 'b'}},
		{"cut", func(e *Encoder) { e.Cut(false).Cut(true) }, []byte{0x1D, 'V', 65, 3, 0x1D, 'V', 66, 3}},
		{"drawer", func(e *Encoder) { e.KickDrawer(0) }, []byte{0x1B, 'p', 0, 50, 250}},
		{"code128", func(e *Encoder) { e.Code128("AB1") }, []byte{0x1D, 'h', 80, 0x1D, 'w', 2, 0x1D, 'H', 2, 0x1D, 'k', 73, 5, '{', 'B', 'A', 'B', '1'}},
		{"qr", func(e *Encoder) { e.QR("hi", 4, 'M') }, []byte{
			0x1D, '(', 'k', 4, 0, '1', 'A', '2', 0,
			0x1D, '(', 'k', 3, 0, '1', 'C', 4,
			0x1D, '(', 'k', 3, 0, '1', 'E', 49,
			0x1D, '(', 'k', 5, 0, '1', 'P', '0', 'h', 'i',
			0x1D, '(', 'k', 3, 0, '1', 'Q', '0'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Encoder
			tt.do(&e)
			got, err := e.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got % x, want % x", got, tt.want)
			}
		})
	}
}

func TestEncoderErrors(t *testing.T) {
	for name, do := range map[string]func(e *Encoder){
		"size":     func(e *Encoder) { e.Size(9, 1) },
		"qr level": func(e *Encoder) { e.QR("x", 4, 'Z') },
		"qr empty": func(e *Encoder) { e.QR("", 4, 'L') },
		"code128":  func(e *Encoder) { e.Code128("中") },
	} {
		var e Encoder
		do(&e)
		if e.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	var e Encoder
	e.Init().Align(Center).Bold(true).Double(true).Line("中国银行 北京分行").
		Double(false).Bold(false).Align(Left).Line("金额 ¥1,234.50 壹仟贰佰叁拾肆元伍角整").
		QR("SN0001", 6, 'M').Code128("SN0001").Feed(2).Cut(true)
	b, err := e.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	items, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		if it.Cmd == "" || it.Cmd == "qr" || it.Cmd == "code128" || it.Cmd == "cut" {
			got = append(got, it.String())
		}
	}
	want := []string{
		"text[center,bold,2x2] 中国银行 北京分行",
		"text[left] 金额 ¥1,234.50 壹仟贰佰叁拾肆元伍角整",
		"cmd qr SN0001",
		"cmd code128 SN0001",
		"cmd cut 42 03",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDecodeErrors(t *testing.T) {
	if _, err := Decode([]byte{0x1B, 'Z'}); !errors.Is(err, ErrUnknownCommand) {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := Decode([]byte{0x1D, '(', 'k', 9, 0, '1'}); err == nil {
		t.Error("truncated QR decoded")
	}
}

func TestDecodeStatus(t *testing.T) {
	tests := []struct {
		n, b    byte
		want    Status
		wantErr bool
	}{
		{1, 0x12, Status{Online: true}, false},
		{1, 0x1A, Status{}, false},
		{2, 0x16, Status{CoverOpen: true}, false},
		{2, 0x32, Status{PaperStop: true}, false},
		{2, 0x52, Status{Error: true}, false},
		{4, 0x1E, Status{PaperNearEnd: true}, false},
		{4, 0x72, Status{PaperOut: true}, false},
		{4, 0x7E, Status{PaperOut: true, PaperNearEnd: true}, false},
		{1, 0x00, Status{}, true}, // fixed bits missing
		{1, 0x13, Status{}, true}, // bit 0 set
		{1, 0x92, Status{}, true}, // bit 7 set
		{3, 0x12, Status{}, true}, // not a function we ask
	}
	for _, tt := range tests {
		var s Status
		err := DecodeStatus(&s, tt.n, tt.b)
		if (err != nil) != tt.wantErr || s != tt.want {
			t.Errorf("DecodeStatus(%d, %#x) = %+v, %v; want %+v, err=%v", tt.n, tt.b, s, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzDecodeStatus(f *testing.F) {
	f.Add(byte(1), byte(0x12))
	f.Add(byte(4), byte(0x72))
	f.Fuzz(func(t *testing.T, n, b byte) {
		var s Status
		if DecodeStatus(&s, n, b) != nil {
			return
		}
		// A valid answer re-encodes to a byte that decodes the same.
		e1, e2, e4 := EncodeStatus(s)
		var s2 Status
		for i, m := range []byte{1, 2, 4} {
			if err := DecodeStatus(&s2, m, []byte{e1, e2, e4}[i]); err != nil {
				t.Fatal(err)
			}
		}
		if s2 != s {
			t.Fatalf("%+v != %+v", s2, s)
		}
	})
}

func FuzzDecode(f *testing.F) {
	var e Encoder
	e.Init().Line("存款 DEPOSIT").QR("x", 3, 'L').Code128("A1").Cut(true)
	b, _ := e.Bytes()
	f.Add(b)
	f.Add([]byte{0x10, 0x04, 0x01, 0x1D, '(', 'k', 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		items, _ := Decode(b)
		for _, it := range items {
			_ = it.String()
			if it.Cmd == "" && strings.ContainsRune(it.Text, '\n') {
				t.Fatalf("line with LF: %q", it.Text)
			}
		}
	})
}

func open(t *testing.T, addr string) *Printer {
	t.Helper()
	p := NewPrinter("printer", addr)
	ctx := context.Background()
	for _, step := range []func(context.Context) error{p.Open, p.Claim, p.Enable} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

func receipt(lines ...string) []byte {
	var e Encoder
	e.Init()
	for _, l := range lines {
		e.Line(l)
	}
	e.Cut(true)
	b, _ := e.Bytes()
	return b
}

func TestPrintOverTCP(t *testing.T) {
	sim, err := NewSim("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	p := open(t, sim.Addr())
	var events []string
	p.Subscribe(func(ev devices.Event) { events = append(events, ev.Kind.String()+":"+ev.Status+ev.State.String()) })
	job := Job{ID: "J1", Data: receipt("现金存款 Cash deposit", "金额 1,000.00 壹仟元整")}
	if err := p.Print(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if err := p.Print(context.Background(), job); err != nil { // same job: not printed again
		t.Fatal(err)
	}
	eventually.True(t, 10*time.Second, func() bool { return sim.Count("cut") >= 1 }, "the simulator saw no cut")
	if got, want := strings.Join(sim.Lines(), "|"), "现金存款 Cash deposit|金额 1,000.00 壹仟元整"; got != want {
		t.Errorf("lines %q, want %q", got, want)
	}
	if n := sim.Count("cut"); n != 1 {
		t.Errorf("%d cuts, want 1", n)
	}
	if p.State() != devices.StateIdle {
		t.Errorf("state %v", p.State())
	}
	if err := sim.Err(); err != nil {
		t.Error(err)
	}
	if len(events) == 0 || events[0] != "state:busy" {
		t.Errorf("events %v", events)
	}
}

func TestPaperOutMidJob(t *testing.T) {
	sim, err := NewSim("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	p := open(t, sim.Addr())
	var statuses []string
	p.Subscribe(func(ev devices.Event) {
		if ev.Kind == devices.EventStatus {
			statuses = append(statuses, ev.Status)
		}
	})
	job := Job{ID: "J2", Data: receipt("第1行", "第2行", "第3行", "第4行", "合计 TOTAL")}
	sim.PaperOutAfter(2)
	err = p.Print(context.Background(), job)
	var de *devices.Error
	if !errors.As(err, &de) || de.Code != devices.HWError || !strings.Contains(de.Msg, "paper out") {
		t.Fatalf("err = %v, want HWError paper out", err)
	}
	if !strings.Contains(de.Suggestion(), "load paper") {
		t.Errorf("recovery %q", de.Suggestion())
	}
	if p.State() != devices.StateError || p.Printed("J2") {
		t.Errorf("state %v printed %v", p.State(), p.Printed("J2"))
	}
	if !strings.Contains(strings.Join(statuses, ","), devices.StatusPaperOut) {
		t.Errorf("no paper-out event: %v", statuses)
	}
	// Paper is loaded: the held remainder must not come out.
	sim.LoadPaper()
	if err := p.Print(context.Background(), job); err != nil {
		t.Fatalf("resend: %v", err)
	}
	if err := p.Print(context.Background(), job); err != nil {
		t.Fatalf("second resend: %v", err)
	}
	eventually.True(t, 10*time.Second, func() bool { return sim.Count("cut") >= 1 }, "the simulator saw no cut")
	got := strings.Join(sim.Lines(), "|")
	if want := "第1行|第2行|第1行|第2行|第3行|第4行|合计 TOTAL"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	if n := sim.Count("cut"); n != 1 {
		t.Errorf("%d cuts, want 1", n)
	}
}

func TestNotReadyBeforeJob(t *testing.T) {
	sim, _ := NewSim("127.0.0.1:0")
	defer sim.Close()
	p := open(t, sim.Addr())
	sim.SetStatus(Status{Online: true, CoverOpen: true})
	err := p.Print(context.Background(), Job{ID: "x", Data: receipt("a")})
	if devices.CodeOf(err) != devices.HWError || !strings.Contains(err.Error(), "cover open") {
		t.Fatalf("err = %v", err)
	}
	if len(sim.Lines()) != 0 {
		t.Errorf("printed %v with the cover open", sim.Lines())
	}
}

func TestStatusTimeoutAndOffline(t *testing.T) {
	sim, _ := NewSim("127.0.0.1:0")
	p := open(t, sim.Addr())
	sim.Mute(true)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.Status(ctx); devices.CodeOf(err) != devices.Timeout {
		t.Errorf("muted printer: %v, want Timeout", err)
	}
	sim.Close()
	if _, err := p.Status(context.Background()); devices.CodeOf(err) != devices.Offline {
		t.Errorf("closed printer: %v, want Offline", err)
	}
	// Nothing listens any more.
	q := NewPrinter("p2", sim.Addr())
	if err := q.Open(context.Background()); devices.CodeOf(err) != devices.Offline {
		t.Errorf("open: %v, want Offline", err)
	}
}

func TestNotClaimed(t *testing.T) {
	p := NewPrinter("printer", "127.0.0.1:1")
	if err := p.Print(context.Background(), Job{}); !errors.Is(err, devices.ErrNotClaimed) {
		t.Errorf("print before open: %v", err)
	}
}

func TestFileTransport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p := open(t, "file://"+path)
	if err := p.Print(context.Background(), Job{ID: "f", Data: receipt("文件打印")}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	items, err := Decode(b)
	if err != nil || len(items) < 3 || items[2].Text != "文件打印" {
		t.Fatalf("file holds %v %v", items, err)
	}
	if _, err := Dial(context.Background(), "/nonexistent/lp9"); devices.CodeOf(err) != devices.NoHardware {
		t.Errorf("missing device: %v", err)
	}
	_ = net.ErrClosed
}

func TestSpoolReprint(t *testing.T) {
	sim, err := NewSim("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	p := open(t, sim.Addr())
	var sp Spool
	ctx := context.Background()
	sim.SetStatus(Status{Online: true, CoverOpen: true})
	for _, id := range []string{"R1", "R2"} {
		if err := sp.Print(ctx, p, Job{ID: id, Data: receipt("凭条 " + id)}); devices.CodeOf(err) != devices.HWError {
			t.Fatalf("%s: %v", id, err)
		}
	}
	if got := strings.Join(sp.Pending(), ","); got != "R1,R2" {
		t.Fatalf("pending %s", got)
	}
	sim.SetStatus(Status{Online: true})
	if n, err := sp.Retry(ctx, p); n != 2 || err != nil {
		t.Fatalf("retry: %d %v", n, err)
	}
	if n, _ := sp.Retry(ctx, p); n != 0 || len(sp.Pending()) != 0 {
		t.Errorf("queue not empty: %v", sp.Pending())
	}
	eventually.True(t, 10*time.Second, func() bool { return sim.Count("cut") == 2 }, "the simulator did not see two cuts")
	if got := strings.Join(sim.Lines(), "|"); got != "凭条 R1|凭条 R2" {
		t.Errorf("printed %q", got)
	}
}
