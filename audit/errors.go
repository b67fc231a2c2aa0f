package audit

import "fmt"

// Code classifies an [Error].
type Code string

// Error codes returned by this package.
const (
	CodeInvalid   Code = "invalid"   // a caller-supplied value is unusable
	CodeMalformed Code = "malformed" // stored or transmitted data does not parse
	CodeKey       Code = "key"       // a key is missing, wrong or cannot be decrypted
	CodeSignature Code = "signature" // a signature does not verify
	CodeState     Code = "state"     // the database is not in the expected state
	CodeTampered  Code = "tampered"  // verification found a bad record or file
)

// Error is the error value returned by this package.
type Error struct {
	Code Code   // what kind of failure
	Op   string // the operation that failed
	Err  error  // the underlying error, if any
	Msg  string // human-readable detail
}

// Error formats the code, operation and detail.
func (e *Error) Error() string {
	s := "audit: " + e.Op + ": " + string(e.Code)
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &audit.Error{Code: audit.CodeKey}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Op == "" && t.Err == nil && t.Msg == ""
}

func errf(code Code, op string, err error, format string, args ...any) error {
	return &Error{Code: code, Op: op, Err: err, Msg: fmt.Sprintf(format, args...)}
}
