package main

import (
	"strings"
	"testing"

	"guitai/devices/manager"
)

func TestPinPadFlag(t *testing.T) {
	demo := manager.DemoConfig()
	key := strings.Repeat("0f", 16)
	env := func(v string) func(string) string {
		return func(name string) string {
			if name == pinPadKeyEnv {
				return v
			}
			return ""
		}
	}
	pads := func(c manager.Config) []manager.DeviceConfig {
		var out []manager.DeviceConfig
		for _, d := range c.Devices {
			if d.Name == "pinpad" {
				out = append(out, d)
			}
		}
		return out
	}
	tests := []struct {
		flag, key  string
		wantDriver string // "" for no pad
		wantErr    string
	}{
		{"", "", "pinpad-sim", ""}, // the demo configuration's
		{"off", "", "", ""},
		{"sim", "", "pinpad-sim", ""},
		{"/dev/ttyUSB1", key, "pinpad", ""},
		{"/dev/ttyUSB1", "", "", pinPadKeyEnv},
	}
	for _, tt := range tests {
		c, err := pinPadDevice(demo, tt.flag, env(tt.key))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("-pinpad %q: err %v", tt.flag, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("-pinpad %q: %v", tt.flag, err)
		}
		p := pads(c)
		switch {
		case tt.wantDriver == "" && len(p) != 0, tt.wantDriver != "" && (len(p) != 1 || p[0].Driver != tt.wantDriver):
			t.Errorf("-pinpad %q: pads %+v, want driver %q", tt.flag, p, tt.wantDriver)
		}
		if tt.wantDriver == "pinpad" && (p[0].Address != tt.flag || p[0].Options["masterKey"] != key) {
			t.Errorf("-pinpad %q: %+v", tt.flag, p[0])
		}
		if len(c.Devices)-len(p) != len(demo.Devices)-1 {
			t.Errorf("-pinpad %q changed the other devices: %+v", tt.flag, c.Devices)
		}
	}
	if len(pads(manager.DemoConfig())) != 1 {
		t.Error("pinPadDevice changed the demo configuration in place")
	}
}

func TestParseArgsPinPad(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv(pinPadKeyEnv, "")
	for _, tt := range []struct {
		args   []string
		driver string
		err    bool
	}{
		{nil, "pinpad-sim", false},
		{[]string{"-pinpad", "off"}, "", false},
		{[]string{"-pinpad", "/dev/ttyUSB1"}, "", true},
	} {
		o, err := parseArgs(tt.args)
		if (err != nil) != tt.err {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if err != nil {
			continue
		}
		driver := ""
		for _, d := range o.devCfg.Devices {
			if d.Name == "pinpad" {
				driver = d.Driver
			}
		}
		if driver != tt.driver {
			t.Errorf("%v: pad driver %q, want %q", tt.args, driver, tt.driver)
		}
	}
}
