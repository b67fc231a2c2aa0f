package teller

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"guitai/devices/manager"
)

// Settings is the teller's configuration file, teller.json in the user's
// configuration directory (or the -config flag). Every key is optional;
// flags given on the command line win over the file.
//
//	{
//	  "db": "postgres://teller@branch-db/guitai",
//	  "terminal": "T07",
//	  "lang": "zh",
//	  "devices": "/etc/guitai/devices.json",
//	  "idleLock": "5m",
//	  "theme": "dark",
//	  "fontScale": 1.25,
//	  "customerDisplay": true,
//	  "bank": "示范银行 Demo Bank"
//	}
//
// "devices" is a path to a device file or the device configuration itself
// (the devices/manager format); without it the in-process simulators run.
type Settings struct {
	DB       string `json:"db,omitempty"`       // a SQLite file or a postgres:// URL
	Terminal string `json:"terminal,omitempty"` // terminal id
	Lang     string `json:"lang,omitempty"`     // "zh", "en", or "" for the system locale
	Forms    string `json:"forms,omitempty"`    // published forms used over the built-in ones
	// Devices is the device configuration: a file path (a JSON string) or
	// the configuration object itself.
	Devices json.RawMessage `json:"devices,omitempty"`
	// IdleLock locks the session after this long without activity ("5m";
	// "0s" never locks).
	IdleLock *manager.Duration `json:"idleLock,omitempty"`
	Theme    string            `json:"theme,omitempty"`     // "light", "dark" or "system"
	Scale    float64           `json:"fontScale,omitempty"` // 1 to 2
	// CustomerDisplay turns the customer-facing window on or off.
	CustomerDisplay *bool  `json:"customerDisplay,omitempty"`
	Bank            string `json:"bank,omitempty"` // the receipts' heading
}

// DefaultSettingsPath is teller.json in the user's configuration
// directory ($XDG_CONFIG_HOME/guitai or ~/.config/guitai).
func DefaultSettingsPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "teller.json"
	}
	return filepath.Join(dir, "guitai", "teller.json")
}

// LoadSettings reads a configuration file. A missing file is no error
// when missingOK (the default path); unknown keys and bad values are,
// with the file's name and what is wrong.
func LoadSettings(path string, missingOK bool) (Settings, error) {
	var s Settings
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && missingOK {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(b, se.Offset)
			return s, fmt.Errorf("%s:%d:%d: %v", path, line, col, err)
		}
		return s, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.check(); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func (s Settings) check() error {
	switch s.Lang {
	case "", "zh", "en":
	default:
		return fmt.Errorf("lang %q: want zh or en", s.Lang)
	}
	switch s.Theme {
	case "", "light", "dark", "system":
	default:
		return fmt.Errorf("theme %q: want light, dark or system", s.Theme)
	}
	if s.Scale != 0 && (s.Scale < 1 || s.Scale > 2) {
		return fmt.Errorf("fontScale %v: want 1 to 2", s.Scale)
	}
	if s.IdleLock != nil && time.Duration(*s.IdleLock) < 0 {
		return fmt.Errorf("idleLock %v: negative", time.Duration(*s.IdleLock))
	}
	return nil
}

// DeviceConfig returns the device configuration the settings name: the
// file, the inline object, or the demo simulators when there is neither.
// base resolves a relative file path (the settings file's directory).
func (s Settings) DeviceConfig(base string) (manager.Config, error) {
	raw := bytes.TrimSpace(s.Devices)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return manager.DemoConfig(), nil
	case raw[0] == '"':
		var path string
		if err := json.Unmarshal(raw, &path); err != nil {
			return manager.Config{}, err
		}
		if !filepath.IsAbs(path) && base != "" {
			path = filepath.Join(base, path)
		}
		return manager.LoadFile(path)
	default:
		return manager.Load(bytes.NewReader(raw))
	}
}

// SystemLang is the window's language from the environment: GUITAI_LANG,
// then LC_ALL, LC_MESSAGES and LANG; "en" for an English locale, "zh"
// for anything else (a counter in China; C and POSIX included).
func SystemLang() string {
	if l := os.Getenv("GUITAI_LANG"); l == "zh" || l == "en" {
		return l
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if strings.HasPrefix(v, "en") {
				return "en"
			}
			return "zh"
		}
	}
	return "zh"
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line = 1 + bytes.Count(b[:off], []byte("\n"))
	col = int(off) - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}
