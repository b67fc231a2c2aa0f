package pinpad

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"guitai/devices"
)

func openSim(t *testing.T) (*Sim, *Pad) {
	t.Helper()
	sim, err := NewSim(DemoMasterKey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	p := NewPad("pinpad", Config{Port: sim.Path(), MasterKey: DemoMasterKey, Timeout: 500 * time.Millisecond})
	ctx := context.Background()
	for _, step := range []func(context.Context) error{p.Open, p.Claim, p.Enable} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return sim, p
}

// counts collects the key counts a ReadPIN reports.
type counts struct {
	mu sync.Mutex
	n  []int
}

func (c *counts) add(n int) { c.mu.Lock(); c.n = append(c.n, n); c.mu.Unlock() }
func (c *counts) get() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.n)
}

func TestReadPINScripted(t *testing.T) {
	sim, p := openSim(t)
	const pan = "6222021234567890123"
	tests := []struct {
		name     string
		keys     string
		min, max int
		want     string // digits, or "" for an error
		wantErr  string // pinpad.Code of the error
		counts   []int
	}{
		{"six digits", "123456E", 0, 0, "123456", "", []int{1, 2, 3, 4, 5, 6}},
		{"clear and again", "99C246810E", 0, 0, "246810", "", []int{1, 2, 0, 1, 2, 3, 4, 5, 6}},
		{"backspace", "1234577B6E", 0, 0, "123456", "", []int{1, 2, 3, 4, 5, 6, 5, 6}},
		{"enter too early is ignored", "12E3456E", 0, 0, "123456", "", []int{1, 2, 3, 4, 5, 6}},
		{"digits past max are ignored", "1234567E", 4, 6, "123456", "", []int{1, 2, 3, 4, 5, 6}},
		{"four digits", "4321E", 4, 6, "4321", "", []int{1, 2, 3, 4}},
		{"customer cancels", "12X", 0, 0, "", "E_PIN_CANCELED", []int{1, 2}},
		{"pad times out", "1T", 0, 0, "", "E_PIN_TIMEOUT", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c counts
			sim.Script(tt.keys)
			pin, err := p.ReadPIN(context.Background(), Prompt{PAN: pan, Min: tt.min, Max: tt.max, Keys: c.add})
			if got := c.get(); !slices.Equal(got, tt.counts) {
				t.Errorf("counts %v, want %v", got, tt.counts)
			}
			if tt.wantErr != "" {
				if Code(err) != tt.wantErr || pin != nil {
					t.Fatalf("pin %v, err %v (%s), want %s", pin, err, Code(err), tt.wantErr)
				}
				if !devices.DeviceOK(err) {
					t.Errorf("the customer's %s blames the pad: %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pin.Len() != len(tt.want) || pin.PAN() != pan {
				t.Errorf("len %d pan %q", pin.Len(), pin.PAN())
			}
			var got string
			var kept []byte
			if err := p.Reveal(pin, func(d []byte) error { got, kept = string(d), d; return nil }); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PIN %q, want %q", got, tt.want)
			}
			for _, b := range kept {
				if b != 0 {
					t.Fatalf("Reveal left the digits in its buffer: %q", kept)
				}
			}
		})
	}
	if p.State() != devices.StateIdle {
		t.Errorf("state %v after the entries", p.State())
	}
}

func TestReadPINStepByStep(t *testing.T) {
	sim, p := openSim(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	keys := make(chan int, 16)
	type result struct {
		pin *PIN
		err error
	}
	res := make(chan result, 1)
	go func() {
		pin, err := p.ReadPIN(ctx, Prompt{Text: "请输入密码", Keys: func(n int) { keys <- n }})
		res <- result{pin, err}
	}()
	pr, err := sim.WaitPrompt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Text != "请输入密码" || pr.Min != 6 || pr.Max != 6 || pr.Timeout != time.Minute {
		t.Errorf("prompt %+v", pr)
	}
	// Each key is reported before the next is pressed.
	for i, k := range "314159" {
		if err := sim.Press(string(k)); err != nil {
			t.Fatal(err)
		}
		if n := <-keys; n != i+1 {
			t.Fatalf("count %d after %d digits", n, i+1)
		}
	}
	if err := sim.Press("E"); err != nil {
		t.Fatal(err)
	}
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	var got string
	p.Reveal(r.pin, func(d []byte) error { got = string(d); return nil })
	if got != "314159" {
		t.Errorf("PIN %q", got)
	}
	if err := sim.Press("1"); !errors.Is(err, ErrNotEntering) {
		t.Errorf("a key after the entry: %v", err)
	}
}

func TestReadPINCanceledByTeller(t *testing.T) {
	sim, p := openSim(t)
	for _, tt := range []struct {
		name string
		code string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"cancel", "E_PIN_CANCELED", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
		{"deadline", "E_PIN_TIMEOUT", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			started := make(chan struct{})
			res := make(chan error, 1)
			go func() {
				_, err := p.ReadPIN(ctx, Prompt{Keys: func(n int) {
					if n == 2 {
						close(started)
					}
				}})
				res <- err
			}()
			if _, err := sim.WaitPrompt(context.Background()); err != nil {
				t.Fatal(err)
			}
			sim.Press("12")
			<-started
			if tt.name == "cancel" {
				cancel()
			}
			err := <-res
			if Code(err) != tt.code {
				t.Fatalf("err %v (%s), want %s", err, Code(err), tt.code)
			}
			// The pad was told: its entry is over, and it takes another.
			if sim.Entering() {
				t.Error("the pad still takes the PIN")
			}
			if p.State() != devices.StateIdle {
				t.Errorf("state %v", p.State())
			}
			sim.Script("000000E")
			if _, err := p.ReadPIN(context.Background(), Prompt{}); err != nil {
				t.Errorf("next entry: %v", err)
			}
		})
	}
}

func TestPadFaults(t *testing.T) {
	sim, p := openSim(t)
	ctx := context.Background()
	// A garbled acknowledgement.
	sim.Inject(FaultChecksum)
	if err := p.Health(ctx); Code(err) != "E_PIN_CHECKSUM" {
		t.Errorf("checksum fault: %v", err)
	}
	// A silent pad.
	sim.Inject(FaultSilent)
	if err := p.Health(ctx); Code(err) != "E_PIN_TIMEOUT" || devices.CodeOf(err) != devices.Timeout {
		t.Errorf("silent fault: %v", err)
	}
	if err := p.Health(ctx); err != nil {
		t.Errorf("health after the faults: %v", err)
	}
	// A garbled event during an entry.
	sim.Inject(FaultNone, FaultChecksum) // the ack, then the first key
	sim.Script("1")
	if _, err := p.ReadPIN(ctx, Prompt{}); Code(err) != "E_PIN_CHECKSUM" {
		t.Errorf("garbled key event: %v", err)
	}
	// Bad prompts are refused before anything is sent.
	n := sim.Commands()
	for _, pr := range []Prompt{{Min: 3}, {Max: 13}, {Min: 8, Max: 6}, {PAN: "62x"}, {Timeout: time.Hour}} {
		if _, err := p.ReadPIN(ctx, pr); devices.CodeOf(err) != devices.Illegal {
			t.Errorf("%+v: %v", pr, err)
		}
	}
	if sim.Commands() != n {
		t.Error("a bad prompt reached the pad")
	}
}

func TestClaimWrongMasterKey(t *testing.T) {
	sim, err := NewSim(DemoMasterKey)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	p := NewPad("pinpad", Config{Port: sim.Path(), MasterKey: Key{0x42}, Timeout: 500 * time.Millisecond})
	ctx := context.Background()
	if err := p.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	err = p.Claim(ctx)
	var se *StatusError
	if !errors.As(err, &se) || se.Status != StatusBadKey || Code(err) != "E_PIN_KEY" {
		t.Fatalf("claim with the wrong master key: %v", err)
	}
	// Without a working key the pad takes no PIN, and nothing opens.
	if err := p.Reveal(&PIN{}, func([]byte) error { return nil }); devices.CodeOf(err) != devices.NotClaimed {
		t.Errorf("open without a key: %v", err)
	}
}

func TestOpenMissingPort(t *testing.T) {
	p := NewPad("pinpad", Config{Port: "/dev/does-not-exist-pinpad"})
	err := p.Open(context.Background())
	if c := devices.CodeOf(err); c != devices.NoHardware && c != devices.Offline {
		t.Errorf("missing port: %v", err)
	}
}

func TestCloseStopsEntry(t *testing.T) {
	sim, p := openSim(t)
	res := make(chan error, 1)
	go func() {
		_, err := p.ReadPIN(context.Background(), Prompt{})
		res <- err
	}()
	if _, err := sim.WaitPrompt(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A second entry while one is under way is refused.
	if _, err := p.ReadPIN(context.Background(), Prompt{}); devices.CodeOf(err) != devices.Busy {
		t.Errorf("second entry: %v", err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-res; Code(err) != "E_PIN_CANCELED" {
		t.Errorf("entry after Close: %v", err)
	}
	if sim.Entering() {
		t.Error("the pad still takes the PIN after Close")
	}
}
