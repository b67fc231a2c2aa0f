package manager

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"guitai/devices"
	"guitai/devices/emv"
	"guitai/devices/escpos"
	"guitai/devices/finger"
	"guitai/devices/receipt"
	"guitai/internal/eventually"
	"guitai/money"
	"guitai/state"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"ok", `{"devices":[{"name":"p","driver":"escpos","address":"10.0.0.5:9100"}],"health":"1s"}`, ""},
		{"unknown driver", `{"devices":[{"name":"p","driver":"laser"}]}`, "unknown driver"},
		{"duplicate", `{"devices":[{"name":"p","driver":"escpos"},{"name":"p","driver":"emv-sim"}]}`, "used twice"},
		{"no name", `{"devices":[{"driver":"escpos"}]}`, "no name"},
		{"unknown field", `{"devices":[],"colour":"red"}`, "unknown field"},
		{"bad duration", `{"devices":[],"health":"soon"}`, "invalid duration"},
	}
	for _, tt := range tests {
		c, err := Load(strings.NewReader(tt.in))
		if tt.err == "" {
			if err != nil || time.Duration(c.Health) != time.Second || time.Duration(c.BackoffMax) != 30*time.Second {
				t.Errorf("%s: %+v %v", tt.name, c, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
		}
	}
}

// recorder keeps every status the devices scope saw, per device.
type recorder struct {
	mu   sync.Mutex
	seen map[string][]Status
}

func record(bus *state.Bus) *recorder {
	r := &recorder{seen: map[string][]Status{}}
	bus.Scope("devices").Subscribe(nil, func(c state.Change) {
		r.mu.Lock()
		defer r.mu.Unlock()
		for k, v := range c.Values {
			if s, ok := v.(Status); ok {
				r.seen[k] = append(r.seen[k], s)
			}
		}
	})
	return r
}

func (r *recorder) states(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.seen[name] {
		if len(out) == 0 || out[len(out)-1] != s.State {
			out = append(out, s.State)
		}
	}
	return strings.Join(out, ",")
}

func waitStatus(t *testing.T, m *Manager, name string, cond func(Status) bool) Status {
	t.Helper()
	var s Status
	eventually.NoError(t, 10*time.Second, func() error {
		if s = m.Status(name); !cond(s) {
			return fmt.Errorf("%s: status %+v", name, s)
		}
		return nil
	})
	return s
}

func TestDemoConfig(t *testing.T) {
	bus := state.NewBus()
	m, err := New(DemoConfig(), bus)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m.Start(ctx)
	defer m.Close(context.Background())
	if err := m.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"printer", "cardreader", "finger"} {
		v, _ := bus.Scope("devices").Get(n)
		if s, ok := v.(Status); !ok || s.State != "ready" {
			t.Errorf("%s published %+v", n, v)
		}
	}

	// Print a receipt on the simulated printer.
	doc, err := receipt.Render("deposit", receipt.Data{Bank: "演示银行", Serial: "S1", Account: "6222021234567890123",
		Amount: money.MustParse("100.00"), Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := doc.ESCPOS()
	p := m.Device("printer").(*SimPrinter)
	if err := p.Print(ctx, escpos.Job{ID: "S1", Data: data}); err != nil {
		t.Fatal(err)
	}
	eventually.True(t, 10*time.Second, func() bool { return p.Sim.Count("cut") == 1 }, "the printer simulator did not cut once")

	// Read a card on the simulated reader.
	rd := m.Device("cardreader").(*emv.SimReader)
	go func() { time.Sleep(20 * time.Millisecond); rd.Insert(emv.NewVirtualCard()) }()
	card, err := rd.ReadCard(ctx, emv.DefaultTerminal())
	if err != nil || card.PAN != emv.DemoPAN {
		t.Fatalf("card %v %v", card, err)
	}
	waitStatus(t, m, "cardreader", func(s Status) bool { return s.Detail == devices.StatusCardInserted && s.State == "ready" })

	// Identify a finger on the simulated module.
	f := m.Device("finger").(*SimFinger)
	f.Sim.Enroll(3, "supervisor-thumb")
	f.Sim.Rest("supervisor-thumb")
	if page, _, err := f.Identify(ctx); err != nil || page != 3 {
		t.Fatalf("identify: %d %v", page, err)
	}
}

func TestReconnectWithBackoff(t *testing.T) {
	sim, err := escpos.NewSim("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := sim.Addr()
	cfg, err := Load(strings.NewReader(`{"devices":[{"name":"printer","driver":"escpos","address":"` + addr +
		`"}],"health":"20ms","backoffMin":"10ms","backoffMax":"40ms"}`))
	if err != nil {
		t.Fatal(err)
	}
	bus := state.NewBus()
	rec := record(bus)
	m, err := New(cfg, bus)
	if err != nil {
		t.Fatal(err)
	}
	m.Start(context.Background())
	defer m.Close(context.Background())
	waitStatus(t, m, "printer", func(s Status) bool { return s.State == "ready" })

	// Paper out: an error the teller can fix, the link stays up.
	sim.SetStatus(escpos.Status{Online: false, PaperOut: true})
	s := waitStatus(t, m, "printer", func(s Status) bool { return s.State == "error" })
	if !strings.Contains(s.Error, "paper out") || !strings.Contains(s.Recovery, "load paper") {
		t.Errorf("paper out status %+v", s)
	}
	sim.LoadPaper()
	waitStatus(t, m, "printer", func(s Status) bool { return s.State == "ready" })

	// Unplug: offline, several failed attempts, then back when it returns.
	sim.Close()
	waitStatus(t, m, "printer", func(s Status) bool { return s.State == "offline" && s.Attempts >= 3 })
	sim2, err := escpos.NewSim(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer sim2.Close()
	s = waitStatus(t, m, "printer", func(s Status) bool { return s.State == "ready" })
	if s.Attempts != 0 || s.Error != "" {
		t.Errorf("after reconnect %+v", s)
	}
	got := rec.states("printer")
	if !strings.Contains(got, "ready,error,ready") || !strings.Contains(got, "offline") || !strings.HasSuffix(got, "ready") {
		t.Errorf("states %s", got)
	}
}

func TestBackoff(t *testing.T) {
	m := &Manager{cfg: Config{BackoffMin: Duration(100 * time.Millisecond), BackoffMax: Duration(time.Second)}}
	tests := []struct {
		n    int
		want time.Duration
	}{{1, 100 * time.Millisecond}, {2, 200 * time.Millisecond}, {4, 800 * time.Millisecond}, {5, time.Second}, {50, time.Second}}
	for _, tt := range tests {
		got := m.backoff(tt.n)
		if got < tt.want || got > tt.want*6/5 {
			t.Errorf("backoff(%d) = %v, want %v..+20%%", tt.n, got, tt.want)
		}
	}
}

func TestFingerSimBadPassword(t *testing.T) {
	cfg, _ := Load(strings.NewReader(`{"devices":[{"name":"finger","driver":"r30x-sim","options":{"password":"0x10"}}],"health":"1s"}`))
	m, err := New(cfg, state.NewBus())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	m.Start(context.Background())
	waitStatus(t, m, "finger", func(s Status) bool { return s.State == "ready" })
	var _ = finger.DefaultAddress
}
