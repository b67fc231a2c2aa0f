package pinpad

import (
	"errors"
	"fmt"

	"guitai/devices"
)

// Status is the first payload byte of an acknowledgement.
type Status byte

// Statuses of acknowledgements.
const (
	StatusOK          Status = 0x00
	StatusBadFrame    Status = 0x01 // the pad got a garbled frame (bad BCC)
	StatusBusy        Status = 0x02 // an entry is under way
	StatusNoKey       Status = 0x03 // no working key loaded
	StatusBadKey      Status = 0x04 // the working key's check value is wrong
	StatusBadArgs     Status = 0x05 // a command's arguments are wrong
	StatusNotEntering Status = 0x06 // Cancel with no entry under way
	StatusUnknown     Status = 0x07 // unknown command
)

var statusText = map[Status]string{
	StatusBadFrame:    "the pad got a garbled frame",
	StatusBusy:        "the pad is taking a PIN already",
	StatusNoKey:       "the pad has no working key",
	StatusBadKey:      "the working key does not match its check value (wrong master key?)",
	StatusBadArgs:     "the pad refused the command's arguments",
	StatusNotEntering: "no PIN entry under way",
	StatusUnknown:     "the pad does not know the command",
}

// StatusError is an acknowledgement with a status other than OK. It is
// wrapped in a *devices.Error; use errors.As to read it.
type StatusError struct {
	Status Status
}

// Error describes the status.
func (e *StatusError) Error() string {
	if s, ok := statusText[e.Status]; ok {
		return fmt.Sprintf("%s (status %#02x)", s, byte(e.Status))
	}
	return fmt.Sprintf("pad status %#02x", byte(e.Status))
}

// statusErr turns a status into a coded device error.
func statusErr(op string, st Status) error {
	se := &StatusError{Status: st}
	e := &devices.Error{Op: op, Code: devices.HWError, Err: se, Msg: se.Error()}
	switch st {
	case StatusBusy:
		e.Code = devices.Busy
	case StatusNoKey, StatusBadKey:
		e.Recovery = "check the master key in the device configuration, then reconnect the PIN pad"
	case StatusBadFrame:
		e.Recovery = "check the serial cable and baud rate, then retry"
	}
	return e
}

// ErrCustomerCancel is wrapped by the error of a ReadPIN the customer
// cancelled on the pad.
var ErrCustomerCancel = errors.New("pinpad: the customer pressed Cancel")

// ErrEntryTimeout is wrapped by the error of a ReadPIN whose entry the
// pad's timer ended.
var ErrEntryTimeout = errors.New("pinpad: the customer did not finish the PIN in time")

// Code names what went wrong with a PIN entry, for the window's message
// and the ledger's codes: E_PIN_CANCELED (the customer or the teller
// cancelled), E_PIN_TIMEOUT (no PIN in time, or the pad did not answer),
// E_PIN_CHECKSUM (a garbled frame), E_PIN_KEY (the working key was
// refused or a PIN block does not decrypt) and E_PIN_DEVICE otherwise. It
// is "" for nil.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var se *StatusError
	switch {
	case errors.Is(err, ErrChecksum):
		return "E_PIN_CHECKSUM"
	case errors.Is(err, ErrBadBlock),
		errors.As(err, &se) && (se.Status == StatusNoKey || se.Status == StatusBadKey):
		return "E_PIN_KEY"
	}
	switch devices.CodeOf(err) {
	case devices.Canceled:
		return "E_PIN_CANCELED"
	case devices.Timeout:
		return "E_PIN_TIMEOUT"
	}
	return "E_PIN_DEVICE"
}
