package finger

import (
	"errors"

	"guitai/devices"
)

// Code names what went wrong with a module, as the ledger's fingerprint
// error codes say it to the teller: no finger placed before the deadline
// is E_FINGER_NONE, a finger matching no template E_FINGER_NO_MATCH, an
// unusable image E_FINGER_BAD_IMAGE, a module that does not answer
// E_FINGER_TIMEOUT, a reply with a bad checksum E_FINGER_CHECKSUM and
// anything else E_FINGER_DEVICE. It is "" for nil. The window and
// tellerctl both turn a module's error into a ledger error with it.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var de *devices.Error
	switch {
	case IsNoFinger(err):
		return "E_FINGER_NONE"
	case errors.As(err, &de) && de.Op == "capture" && (de.Code == devices.Timeout || de.Code == devices.Canceled):
		// capture gave up waiting for a finger (the module did answer).
		return "E_FINGER_NONE"
	case IsNoMatch(err):
		return "E_FINGER_NO_MATCH"
	case errors.Is(err, ErrChecksum):
		return "E_FINGER_CHECKSUM"
	case devices.CodeOf(err) == devices.Timeout:
		return "E_FINGER_TIMEOUT"
	case devices.CodeOf(err) == devices.UserError:
		return "E_FINGER_BAD_IMAGE"
	}
	return "E_FINGER_DEVICE"
}
