// Package manager runs the workstation's devices from a configuration
// file: it maps logical names ("printer", "cardreader", "finger", "pinpad") to
// drivers and addresses, brings each device up (Open, Claim, Enable),
// checks its health periodically, reconnects with exponential backoff
// after an unplug, and publishes each device's [Status] into the StateBus
// "devices" scope under its logical name, for the teller's status bar.
//
// Built-in drivers: "escpos" (address tcp://host:9100 or a device path),
// "pcsc" (address: reader name prefix), "r30x" (address: serial port),
// "pinpad" (address: serial port; option masterKey, 32 hex digits), and
// the in-process simulators "escpos-sim", "emv-sim", "r30x-sim" and
// "pinpad-sim" used by the demo configuration.
package manager
