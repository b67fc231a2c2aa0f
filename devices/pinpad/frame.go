package pinpad

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Frame delimiters.
const (
	STX = 0x02
	ETX = 0x03
)

// Frame types: commands from the host, the acknowledgement and events
// from the pad.
const (
	TypeAck = 0x06 // acknowledgement: Status, then data

	CmdReset   = 0x30 // reset the pad; the ack carries its model
	CmdLoadKey = 0x31 // load the working key: SM4(master, key) | check value (4)
	CmdReadPIN = 0x32 // start an entry: min | max | timeout s | PAN length | PAN | prompt text
	CmdCancel  = 0x33 // stop the entry under way
	CmdStatus  = 0x34 // are you there (the health check)

	EvtKeys    = 0x41 // payload: number of digits entered
	EvtEnter   = 0x42 // payload: the encrypted PIN block (16)
	EvtCancel  = 0x43 // the customer pressed Cancel
	EvtTimeout = 0x44 // the pad's entry timer ran out
)

// MaxPayload bounds a frame payload.
const MaxPayload = 256

// Frame is one frame of the protocol.
type Frame struct {
	Type    byte
	Payload []byte
}

// FrameError reports a frame that cannot be accepted.
type FrameError struct {
	Msg string
}

// Error returns the message.
func (e *FrameError) Error() string { return "pinpad: bad frame: " + e.Msg }

// ErrChecksum is wrapped by the error for a frame whose BCC is wrong.
var ErrChecksum = errors.New("pinpad: bad checksum")

// knownType reports whether t is a frame type of the protocol.
func knownType(t byte) bool {
	switch t {
	case TypeAck, CmdReset, CmdLoadKey, CmdReadPIN, CmdCancel, CmdStatus,
		EvtKeys, EvtEnter, EvtCancel, EvtTimeout:
		return true
	}
	return false
}

// bcc is the XOR of the type, the length, the payload and ETX.
func bcc(typ byte, payload []byte) byte {
	x := typ ^ byte(len(payload)>>8) ^ byte(len(payload)) ^ ETX
	for _, b := range payload {
		x ^= b
	}
	return x
}

// AppendFrame appends the encoded frame to dst. It panics on a payload
// over MaxPayload: the callers build their payloads.
func AppendFrame(dst []byte, f Frame) []byte {
	if len(f.Payload) > MaxPayload {
		panic("pinpad: payload too long")
	}
	dst = append(dst, STX, f.Type)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(f.Payload)))
	dst = append(dst, f.Payload...)
	return append(dst, ETX, bcc(f.Type, f.Payload))
}

// ReadFrame reads one frame. A wrong STX, type, length or ETX is a
// *FrameError; a wrong BCC is an error wrapping ErrChecksum (the frame is
// returned too). An error of r is returned as is, io.EOF inside a frame
// as io.ErrUnexpectedEOF.
func ReadFrame(r io.Reader) (Frame, error) {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return Frame{}, err
	}
	if h[0] != STX {
		return Frame{}, &FrameError{Msg: fmt.Sprintf("start byte %#02x", h[0])}
	}
	f := Frame{Type: h[1]}
	if !knownType(f.Type) {
		return Frame{}, &FrameError{Msg: fmt.Sprintf("frame type %#02x", f.Type)}
	}
	n := int(binary.BigEndian.Uint16(h[2:]))
	if n > MaxPayload {
		return Frame{}, &FrameError{Msg: fmt.Sprintf("length %d", n)}
	}
	body := make([]byte, n+2)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Frame{}, err
	}
	if body[n] != ETX {
		return Frame{}, &FrameError{Msg: fmt.Sprintf("end byte %#02x", body[n])}
	}
	f.Payload = body[:n:n]
	if got, want := body[n+1], bcc(f.Type, f.Payload); got != want {
		return f, fmt.Errorf("%w: got %#02x, want %#02x", ErrChecksum, got, want)
	}
	return f, nil
}
