package main

import (
	"fmt"
	"slices"

	"guitai/devices/manager"
	"guitai/teller"
)

// pinPadKeyEnv names the environment variable holding a real PIN pad's
// master key for -pinpad PORT: 32 hex digits. Never a flag, which ps and
// shell histories show.
const pinPadKeyEnv = "GUITAI_PINPAD_MASTER_KEY"

// pinPadDevice applies -pinpad to the device configuration: "" keeps it
// as it is, "off" drops the PIN pad (PINs are typed), "sim" puts in the
// simulated pad, and anything else is the serial port of a real pad,
// whose master key getenv(pinPadKeyEnv) gives.
func pinPadDevice(c manager.Config, flagValue string, getenv func(string) string) (manager.Config, error) {
	if flagValue == "" {
		return c, nil
	}
	c.Devices = slices.DeleteFunc(slices.Clone(c.Devices), func(d manager.DeviceConfig) bool { return d.Name == "pinpad" })
	switch flagValue {
	case "off":
		return c, nil
	case "sim":
		c.Devices = append(c.Devices, manager.DeviceConfig{Name: "pinpad", Driver: "pinpad-sim"})
		return c, nil
	}
	key := getenv(pinPadKeyEnv)
	if key == "" {
		return c, fmt.Errorf("-pinpad %s: set %s to the pad's master key (32 hex digits)", flagValue, pinPadKeyEnv)
	}
	c.Devices = append(c.Devices, manager.DeviceConfig{Name: "pinpad", Driver: "pinpad", Address: flagValue,
		Options: map[string]string{"masterKey": key}})
	return c, nil
}

// pinPadOf is the configured PIN pad, or nil: PINs are then typed.
func pinPadOf(devs *manager.Manager) teller.PinPad {
	p, _ := devs.Device("pinpad").(teller.PinPad)
	return p
}
