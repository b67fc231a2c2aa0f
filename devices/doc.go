// Package devices is the common model of the teller's peripherals: the
// receipt printer, the IC-card reader, the fingerprint module and the PIN
// pad (密码键盘, package pinpad: the customer's PIN leaves it only as an
// SM4-encrypted ISO 9564 format-0 block). It follows UnifiedPOS and CEN/XFS
// in spirit. The serial ones (finger, pinpad) share package serialline:
// the port, opening it, reads bounded by a deadline, and their
// simulators' raw pty.
//
// # Lifecycle
//
// Every device goes through
//
//	Open -> Claim -> Enable -> use -> Disable -> Release -> Close
//
// Open finds the device and its transport; Claim takes it for this process;
// Enable powers it for use. A device reports one of the states [StateClosed],
// [StateIdle], [StateBusy] and [StateError]. Drivers embed a [*Lifecycle], which enforces the
// order of the steps, tracks the state and fans out [Event]s.
//
// # Errors
//
// Every failure is an [*Error] with a [Code] (Offline, NoHardware, Timeout,
// Busy, Canceled, HWError, UserError, NotClaimed, ...) and a suggested
// recovery for the teller. [CodeOf] finds the code of any error, mapping the
// context errors to Canceled and Timeout.
//
// Every call that may wait takes a [context.Context].
package devices
