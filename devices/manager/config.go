package manager

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// Config is the device configuration file (JSON).
type Config struct {
	Devices []DeviceConfig `json:"devices"`
	// Health is the interval between health checks ("5s" by default).
	Health Duration `json:"health,omitempty"`
	// BackoffMin and BackoffMax bound the reconnect delay, which doubles
	// after each failure ("200ms" and "30s" by default).
	BackoffMin Duration `json:"backoffMin,omitempty"`
	BackoffMax Duration `json:"backoffMax,omitempty"`
}

// DeviceConfig is one device.
type DeviceConfig struct {
	Name    string            `json:"name"`    // logical name, key in the devices scope
	Driver  string            `json:"driver"`  // registered driver name
	Address string            `json:"address"` // driver-specific address
	Options map[string]string `json:"options,omitempty"`
}

// Duration is a time.Duration written as a Go duration string in JSON.
type Duration time.Duration

// UnmarshalJSON reads "1.5s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// Load reads and checks a configuration: names unique and non-empty,
// drivers registered.
func Load(r io.Reader) (Config, error) {
	var c Config
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("manager: config: %w", err)
	}
	if c.Health == 0 {
		c.Health = Duration(5 * time.Second)
	}
	if c.BackoffMin == 0 {
		c.BackoffMin = Duration(200 * time.Millisecond)
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = Duration(30 * time.Second)
	}
	seen := map[string]bool{}
	for i, d := range c.Devices {
		switch {
		case d.Name == "":
			return c, fmt.Errorf("manager: config: device %d has no name", i)
		case seen[d.Name]:
			return c, fmt.Errorf("manager: config: device name %q used twice", d.Name)
		case lookup(d.Driver) == nil:
			return c, fmt.Errorf("manager: config: device %q: unknown driver %q", d.Name, d.Driver)
		}
		seen[d.Name] = true
	}
	return c, nil
}

// LoadFile reads a configuration file.
func LoadFile(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	return Load(bytes.NewReader(b))
}
