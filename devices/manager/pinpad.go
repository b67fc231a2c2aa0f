package manager

import (
	"encoding/hex"
	"fmt"
	"strconv"

	"guitai/devices/pinpad"
)

// SimPinPad is the "pinpad-sim" device: a Pad on the pty of its own
// simulated PIN pad, which tests and the demo press keys on.
type SimPinPad struct {
	*pinpad.Pad
	Sim *pinpad.Sim
}

// Shutdown stops the simulated pad.
func (p *SimPinPad) Shutdown() error { return p.Sim.Close() }

// pinpadConfig reads a PIN pad's options: "baud", and "masterKey" (32 hex
// digits), which a real pad needs and the simulator takes instead of
// pinpad.DemoMasterKey.
func pinpadConfig(c DeviceConfig, needKey bool) (pinpad.Config, error) {
	pc := pinpad.Config{Port: c.Address}
	haveKey := false
	for k, v := range c.Options {
		switch k {
		case "baud":
			n, err := strconv.ParseUint(v, 0, 32)
			if err != nil {
				return pc, fmt.Errorf("option baud=%q: %w", v, err)
			}
			pc.Baud = int(n)
		case "masterKey":
			b, err := hex.DecodeString(v)
			if err != nil || len(b) != pinpad.BlockSize {
				return pc, fmt.Errorf("option masterKey: want %d hex digits", 2*pinpad.BlockSize)
			}
			copy(pc.MasterKey[:], b)
			clear(b)
			haveKey = true
		default:
			return pc, fmt.Errorf("unknown option %q", k)
		}
	}
	switch {
	case !haveKey && needKey:
		return pc, fmt.Errorf("option masterKey is required")
	case !haveKey:
		pc.MasterKey = pinpad.DemoMasterKey
	}
	return pc, nil
}

func init() {
	Register("pinpad", func(c DeviceConfig) (Device, error) {
		pc, err := pinpadConfig(c, true)
		if err != nil {
			return nil, err
		}
		return pinpad.NewPad(c.Name, pc), nil
	})
	Register("pinpad-sim", func(c DeviceConfig) (Device, error) {
		pc, err := pinpadConfig(c, false)
		if err != nil {
			return nil, err
		}
		sim, err := pinpad.NewSim(pc.MasterKey)
		if err != nil {
			return nil, err
		}
		pc.Port = sim.Path()
		return &SimPinPad{Pad: pinpad.NewPad(c.Name, pc), Sim: sim}, nil
	})
}

// Press presses keys on the simulated pad (see pinpad.Sim.Press): the
// demo's on-screen keypad stands in for the customer.
func (p *SimPinPad) Press(keys string) error { return p.Sim.Press(keys) }
