package devices

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Code classifies a device error, after the UnifiedPOS result codes.
type Code int

// The error codes. The zero Code is OK and never appears in an [*Error].
const (
	OK         Code = iota
	Offline         // the device does not answer (unplugged, powered off, network down)
	NoHardware      // no device at the configured address
	Timeout         // the device did not finish in time
	Busy            // another operation or process holds the device
	Canceled        // the caller gave up
	HWError         // the device reported a fault (paper out, cover open, jam, bad frame)
	UserError       // the customer or teller must act (no finger, no match, card pulled)
	NotClaimed      // the device is not opened, claimed or enabled
	Illegal         // the call is not valid now or its arguments are wrong
	Failure         // any other failure
)

var codeNames = [...]string{"OK", "Offline", "NoHardware", "Timeout", "Busy", "Canceled",
	"HWError", "UserError", "NotClaimed", "Illegal", "Failure"}

// String returns the name of the code, e.g. "Offline".
func (c Code) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Recovery returns the default suggested recovery for an error with this code.
func (c Code) Recovery() string {
	switch c {
	case Offline:
		return "check the cable and the power of the device, then retry"
	case NoHardware:
		return "check the device configuration (address, port) and that it is plugged in"
	case Timeout:
		return "retry; if it persists, power-cycle the device"
	case Busy:
		return "wait for the current operation to finish, then retry"
	case Canceled:
		return "start the operation again"
	case HWError:
		return "fix the device (paper, cover, jam) and retry"
	case UserError:
		return "ask the customer to try again"
	case NotClaimed:
		return "open, claim and enable the device first"
	case Illegal:
		return "report this to support; the call is not valid now"
	}
	return "retry; if it persists, call support"
}

// Text is a message for the teller in Chinese and English.
type Text struct{ Zh, En string }

// In returns the text in lang: English for "en" (and "en-…", "en_…"),
// Chinese otherwise; the other language when that one is empty.
func (t Text) In(lang string) string {
	en := lang == "en" || len(lang) > 2 && lang[:2] == "en" && (lang[2] == '-' || lang[2] == '_')
	if en && t.En != "" || t.Zh == "" {
		return t.En
	}
	return t.Zh
}

// Teller returns what to tell the teller about a failure with this code
// when the error has nothing more specific.
func (c Code) Teller() Text {
	switch c {
	case Offline:
		return Text{"设备无响应，请检查连接和电源", "The device does not answer; check its cable and power"}
	case NoHardware:
		return Text{"找不到设备，请检查配置和连接", "The device was not found; check its configuration and cable"}
	case Timeout:
		return Text{"设备操作超时，请重试", "The device did not finish in time; try again"}
	case Busy:
		return Text{"设备正忙，请稍候再试", "The device is busy; try again in a moment"}
	case Canceled:
		return Text{"操作已取消", "The operation was cancelled"}
	case HWError:
		return Text{"设备故障，请排除后重试", "The device reported a fault; fix it and try again"}
	case UserError:
		return Text{"操作未完成，请重试", "The operation did not complete; try again"}
	case NotClaimed:
		return Text{"设备未就绪，请检查连接", "The device is not ready; check its cable"}
	case Illegal:
		return Text{"当前不能执行该操作，请联系技术支持", "This operation is not valid now; call support"}
	}
	return Text{"设备操作失败，请重试", "The device operation failed; try again"}
}

// Error is a device failure: what failed, its code, and what to do about it.
type Error struct {
	Code     Code   // the class of failure
	Device   string // logical device name, e.g. "printer"; may be empty
	Op       string // operation, e.g. "print", "read-card"
	Msg      string // what happened, in words (for logs and support)
	Recovery string // suggested recovery; Code.Recovery() if empty
	Err      error  // underlying error, if any
	// Teller is what to tell the teller, in Chinese and English;
	// Code.Teller() if empty.
	Teller Text
	// DeviceOK says the failure is not the device's but the medium's or
	// the customer's (a mute or faulty card, say): the device is known to
	// work, and its lifecycle stays Idle whatever the code.
	DeviceOK bool
}

// Say returns what to tell the teller about the error in lang ("zh" or
// "en").
func (e *Error) Say(lang string) string {
	if e.Teller != (Text{}) {
		return e.Teller.In(lang)
	}
	return e.Code.Teller().In(lang)
}

// Say returns what to tell the teller about err in lang ("zh" or "en"):
// the Say of the first *Error in its chain, else the text of CodeOf(err);
// "" for nil.
func Say(err error, lang string) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Say(lang)
	}
	return CodeOf(err).Teller().In(lang)
}

// DeviceOK reports whether err is an *Error saying the device itself is
// fine (see Error.DeviceOK).
func DeviceOK(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.DeviceOK
}

// Errorf returns an *Error with the code and a formatted message. A %w verb
// sets Err.
func Errorf(code Code, format string, args ...any) *Error {
	e := fmt.Errorf(format, args...)
	return &Error{Code: code, Msg: e.Error(), Err: errors.Unwrap(e)}
}

// Error returns "device op: Code: msg".
func (e *Error) Error() string {
	s := ""
	if e.Device != "" {
		s = e.Device + " "
	}
	if e.Op != "" {
		s += e.Op + ": "
	} else if s != "" {
		s = s[:len(s)-1] + ": "
	}
	s += e.Code.String()
	if e.Msg != "" {
		s += ": " + e.Msg
	} else if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code and no other
// field set, so that errors.Is(err, devices.ErrOffline) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Msg == "" && t.Device == "" && t.Op == "" && t.Err == nil && t.Teller == (Text{})
}

// Suggestion returns the recovery to show to the teller.
func (e *Error) Suggestion() string {
	if e.Recovery != "" {
		return e.Recovery
	}
	return e.Code.Recovery()
}

// Sentinels for errors.Is; each matches any *Error with its code.
var (
	ErrOffline    = &Error{Code: Offline}
	ErrNoHardware = &Error{Code: NoHardware}
	ErrTimeout    = &Error{Code: Timeout}
	ErrBusy       = &Error{Code: Busy}
	ErrCanceled   = &Error{Code: Canceled}
	ErrHWError    = &Error{Code: HWError}
	ErrUserError  = &Error{Code: UserError}
	ErrNotClaimed = &Error{Code: NotClaimed}
	ErrIllegal    = &Error{Code: Illegal}
)

// CodeOf returns the code of err: the code of the first *Error in its chain,
// Timeout for context.DeadlineExceeded and os.ErrDeadlineExceeded, Canceled
// for context.Canceled, NoHardware for os.ErrNotExist, Failure otherwise, and
// OK for nil.
func CodeOf(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return OK
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return Timeout
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, os.ErrNotExist):
		return NoHardware
	}
	return Failure
}

// Wrap returns err as an *Error naming the device and operation. An *Error
// keeps its code (and gets the names if it has none); another error gets
// the code CodeOf gives it, or code if that is Failure. Wrap(nil) is nil.
func Wrap(err error, device, op string, code Code) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.Device == "" {
			c.Device = device
		}
		if c.Op == "" {
			c.Op = op
		}
		return &c
	}
	c := CodeOf(err)
	if c == Failure {
		c = code
	}
	return &Error{Code: c, Device: device, Op: op, Err: err}
}
