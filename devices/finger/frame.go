package finger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Packet identifiers.
const (
	PIDCommand = 0x01
	PIDData    = 0x02
	PIDAck     = 0x07
	PIDEndData = 0x08
)

// DefaultAddress is the factory module address.
const DefaultAddress = 0xFFFFFFFF

// MaxPayload bounds a packet payload; modules use 32 to 256 bytes.
const MaxPayload = 512

// Packet is one frame of the protocol.
type Packet struct {
	Addr    uint32
	PID     byte
	Payload []byte
}

// FrameError reports a frame that cannot be accepted.
type FrameError struct {
	Msg string
}

// Error returns the message.
func (e *FrameError) Error() string { return "finger: bad frame: " + e.Msg }

// ErrChecksum is wrapped by the error for a frame whose checksum is wrong.
var ErrChecksum = errors.New("finger: bad checksum")

// checksum of the PID, length and payload.
func checksum(pid byte, length uint16, payload []byte) uint16 {
	s := uint16(pid) + length>>8 + length&0xFF
	for _, b := range payload {
		s += uint16(b)
	}
	return s
}

// AppendPacket appends the encoded packet to dst.
func AppendPacket(dst []byte, p Packet) []byte {
	n := uint16(len(p.Payload) + 2)
	dst = append(dst, 0xEF, 0x01)
	dst = binary.BigEndian.AppendUint32(dst, p.Addr)
	dst = append(dst, p.PID)
	dst = binary.BigEndian.AppendUint16(dst, n)
	dst = append(dst, p.Payload...)
	return binary.BigEndian.AppendUint16(dst, checksum(p.PID, n, p.Payload))
}

// ReadPacket reads one packet. A wrong header, PID or length is a
// *FrameError; a wrong checksum is an error wrapping ErrChecksum (the
// packet is returned too, for logging). An error of r is returned as is.
func ReadPacket(r io.Reader) (Packet, error) {
	var h [9]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return Packet{}, err
	}
	if h[0] != 0xEF || h[1] != 0x01 {
		return Packet{}, &FrameError{Msg: fmt.Sprintf("header % x", h[:2])}
	}
	p := Packet{Addr: binary.BigEndian.Uint32(h[2:]), PID: h[6]}
	switch p.PID {
	case PIDCommand, PIDData, PIDAck, PIDEndData:
	default:
		return Packet{}, &FrameError{Msg: fmt.Sprintf("packet id %#02x", p.PID)}
	}
	n := binary.BigEndian.Uint16(h[7:])
	if n < 2 || n > MaxPayload+2 {
		return Packet{}, &FrameError{Msg: fmt.Sprintf("length %d", n)}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Packet{}, err
	}
	p.Payload = body[:n-2]
	if got, want := binary.BigEndian.Uint16(body[n-2:]), checksum(p.PID, n, p.Payload); got != want {
		return p, fmt.Errorf("%w: got %#04x, want %#04x", ErrChecksum, got, want)
	}
	return p, nil
}

// Instruction codes.
const (
	CmdGenImg      = 0x01
	CmdImg2Tz      = 0x02
	CmdMatch       = 0x03
	CmdSearch      = 0x04
	CmdRegModel    = 0x05
	CmdStore       = 0x06
	CmdLoadChar    = 0x07
	CmdUpChar      = 0x08
	CmdDownChar    = 0x09
	CmdDeleteChar  = 0x0C
	CmdEmpty       = 0x0D
	CmdVfyPwd      = 0x13
	CmdTemplateNum = 0x1D
)

// Confirmation codes of acknowledgement packets.
const (
	AckOK          = 0x00
	AckPacketError = 0x01 // error receiving the packet (bad checksum)
	AckNoFinger    = 0x02
	AckEnrollFail  = 0x03
	AckMessy       = 0x06
	AckFewFeatures = 0x07
	AckNoMatch     = 0x08
	AckNotFound    = 0x09
	AckCombineFail = 0x0A
	AckBadPage     = 0x0B
	AckReadFail    = 0x0C
	AckUploadFail  = 0x0D
	AckDataFail    = 0x0E
	AckFlashError  = 0x18
	AckBadPassword = 0x13
	AckBadImage    = 0x15
)

var ackText = map[byte]string{
	AckPacketError: "the module got a garbled packet",
	AckNoFinger:    "no finger on the sensor",
	AckEnrollFail:  "could not capture the fingerprint",
	AckMessy:       "fingerprint image too messy",
	AckFewFeatures: "fingerprint has too few features",
	AckNoMatch:     "fingerprints do not match",
	AckNotFound:    "no matching fingerprint enrolled",
	AckCombineFail: "the two captures do not belong to the same finger",
	AckBadPage:     "template page out of range",
	AckReadFail:    "cannot read the template",
	AckUploadFail:  "upload failed",
	AckDataFail:    "the module could not receive data",
	AckFlashError:  "flash write error",
	AckBadPassword: "wrong module password",
	AckBadImage:    "no valid fingerprint image",
}
