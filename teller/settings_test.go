package teller

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadSettings(t *testing.T) {
	dir := t.TempDir()
	devFile := filepath.Join(dir, "devices.json")
	os.WriteFile(devFile, []byte(`{"devices": [{"name": "printer", "driver": "escpos", "address": "10.0.0.9:9100"}]}`), 0o644)
	for _, tc := range []struct {
		name, text string
		err        string // part of the error; "" for none
		check      func(t *testing.T, s Settings)
	}{
		{name: "full", text: `{"db": "postgres://t@db/guitai", "terminal": "T07", "lang": "en", "idleLock": "90s",
			"theme": "dark", "fontScale": 1.5, "customerDisplay": false, "devices": "devices.json"}`,
			check: func(t *testing.T, s Settings) {
				if s.DB != "postgres://t@db/guitai" || s.Terminal != "T07" || s.Lang != "en" || s.Theme != "dark" || s.Scale != 1.5 {
					t.Errorf("%+v", s)
				}
				if s.IdleLock == nil || time.Duration(*s.IdleLock) != 90*time.Second {
					t.Errorf("idleLock %v", s.IdleLock)
				}
				if s.CustomerDisplay == nil || *s.CustomerDisplay {
					t.Errorf("customerDisplay %v", s.CustomerDisplay)
				}
				c, err := s.DeviceConfig(dir)
				if err != nil || len(c.Devices) != 1 || c.Devices[0].Address != "10.0.0.9:9100" {
					t.Errorf("devices %+v %v", c, err)
				}
			}},
		{name: "inline devices", text: `{"devices": {"devices": [{"name": "finger", "driver": "r30x", "address": "/dev/ttyUSB0"}]}}`,
			check: func(t *testing.T, s Settings) {
				c, err := s.DeviceConfig(dir)
				if err != nil || len(c.Devices) != 1 || c.Devices[0].Driver != "r30x" {
					t.Errorf("devices %+v %v", c, err)
				}
			}},
		{name: "no devices: simulators", text: `{}`,
			check: func(t *testing.T, s Settings) {
				c, err := s.DeviceConfig(dir)
				if err != nil || len(c.Devices) == 0 || !strings.HasSuffix(c.Devices[0].Driver, "-sim") {
					t.Errorf("devices %+v %v", c, err)
				}
			}},
		{name: "unknown key", text: `{"databse": "x.db"}`, err: `unknown field "databse"`},
		{name: "syntax", text: "{\n  \"db\": \"x.db\",\n  \"lang\" \"zh\"\n}", err: "teller.json:3:"},
		{name: "bad theme", text: `{"theme": "neon"}`, err: `theme "neon"`},
		{name: "bad scale", text: `{"fontScale": 3}`, err: "fontScale 3"},
		{name: "bad lang", text: `{"lang": "fr"}`, err: `lang "fr"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "teller.json")
			os.WriteFile(path, []byte(tc.text), 0o644)
			s, err := LoadSettings(path, false)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "teller.json") {
					t.Fatalf("error %v, want one naming the file and %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, s)
		})
	}
	if _, err := LoadSettings(filepath.Join(dir, "none.json"), true); err != nil {
		t.Errorf("a missing default file: %v", err)
	}
	if _, err := LoadSettings(filepath.Join(dir, "none.json"), false); err == nil {
		t.Error("a missing named file is no error")
	}
}

func TestSystemLang(t *testing.T) {
	for _, tc := range []struct{ guitai, lcAll, lang, want string }{
		{"", "", "en_US.UTF-8", "en"},
		{"", "", "zh_CN.UTF-8", "zh"},
		{"", "", "C", "zh"},
		{"", "zh_CN.UTF-8", "en_US.UTF-8", "zh"},
		{"en", "", "zh_CN.UTF-8", "en"},
	} {
		t.Setenv("GUITAI_LANG", tc.guitai)
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		if got := SystemLang(); got != tc.want {
			t.Errorf("%+v: %s", tc, got)
		}
	}
}
