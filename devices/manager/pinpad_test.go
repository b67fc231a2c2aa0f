package manager

import (
	"context"
	"strings"
	"testing"
	"time"

	"guitai/devices/pinpad"
	"guitai/state"
)

func TestPinPadDemo(t *testing.T) {
	var found bool
	for _, d := range DemoConfig().Devices {
		found = found || d.Name == "pinpad" && d.Driver == "pinpad-sim"
	}
	if !found {
		t.Fatal("the demo configuration has no simulated PIN pad")
	}
	cfg, err := Load(strings.NewReader(`{"devices":[{"name":"pinpad","driver":"pinpad-sim"}],"health":"1s"}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg, state.NewBus())
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
	p := m.Device("pinpad").(*SimPinPad)
	p.Sim.Script("246802E")
	pin, err := p.ReadPIN(ctx, pinpad.Prompt{PAN: "6222021234567890123"})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := p.Reveal(pin, func(d []byte) error { got = string(d); return nil }); err != nil || got != "246802" {
		t.Fatalf("PIN %q, %v", got, err)
	}
}

func TestPinPadConfig(t *testing.T) {
	key := strings.Repeat("ab", pinpad.BlockSize)
	tests := []struct {
		name, in, err string
	}{
		{"real pad", `{"name":"pinpad","driver":"pinpad","address":"/dev/ttyUSB1","options":{"masterKey":"` + key + `","baud":"9600"}}`, ""},
		{"real pad needs its key", `{"name":"pinpad","driver":"pinpad","address":"/dev/ttyUSB1"}`, "masterKey is required"},
		{"short key", `{"name":"pinpad","driver":"pinpad","options":{"masterKey":"abcd"}}`, "32 hex digits"},
		{"bad baud", `{"name":"pinpad","driver":"pinpad","options":{"masterKey":"` + key + `","baud":"fast"}}`, "baud"},
		{"unknown option", `{"name":"pinpad","driver":"pinpad-sim","options":{"colour":"red"}}`, "unknown option"},
	}
	for _, tt := range tests {
		cfg, err := Load(strings.NewReader(`{"devices":[` + tt.in + `]}`))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		m, err := New(cfg, state.NewBus())
		if tt.err == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			} else if _, ok := m.Device("pinpad").(*pinpad.Pad); !ok {
				t.Errorf("%s: device %T", tt.name, m.Device("pinpad"))
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
		}
		if err != nil && strings.Contains(err.Error(), "abab") {
			t.Errorf("%s: the error shows the key: %v", tt.name, err)
		}
	}
}
