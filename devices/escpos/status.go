package escpos

import "fmt"

// Status is the printer state read through DLE EOT 1, 2 and 4.
type Status struct {
	Online       bool // DLE EOT 1 bit 3 clear
	CoverOpen    bool // DLE EOT 2 bit 2
	FeedButton   bool // DLE EOT 2 bit 3: paper being fed by the button
	PaperStop    bool // DLE EOT 2 bit 5: printing stopped because of paper end
	Error        bool // DLE EOT 2 bit 6: an error occurred
	PaperNearEnd bool // DLE EOT 4 bits 2-3
	PaperOut     bool // DLE EOT 4 bits 5-6
}

// Ready reports whether the printer can print now.
func (s Status) Ready() bool {
	return s.Online && !s.CoverOpen && !s.PaperOut && !s.PaperStop && !s.Error
}

// String lists the conditions, e.g. "online paper-near-end".
func (s Status) String() string {
	out := "offline"
	if s.Online {
		out = "online"
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{s.CoverOpen, "cover-open"}, {s.FeedButton, "feeding"}, {s.PaperStop, "paper-stop"},
		{s.Error, "error"}, {s.PaperNearEnd, "paper-near-end"}, {s.PaperOut, "paper-out"}} {
		if f.on {
			out += " " + f.name
		}
	}
	return out
}

// StatusError is returned by DecodeStatus for a byte that is not a valid
// DLE EOT answer.
type StatusError struct {
	N    byte // the DLE EOT function
	Byte byte // the byte received
}

// Error describes the bad byte.
func (e *StatusError) Error() string {
	return fmt.Sprintf("escpos: invalid DLE EOT %d status byte %#02x", e.N, e.Byte)
}

// DecodeStatus merges the answer b to DLE EOT n (1, 2 or 4) into s. Every
// answer has bit 1 and bit 4 set and bits 0 and 7 clear; another byte is a
// *StatusError (noise on the line, or not an ESC/POS printer).
func DecodeStatus(s *Status, n, b byte) error {
	if b&0x93 != 0x12 {
		return &StatusError{N: n, Byte: b}
	}
	switch n {
	case 1:
		s.Online = b&0x08 == 0
	case 2:
		s.CoverOpen = b&0x04 != 0
		s.FeedButton = b&0x08 != 0
		s.PaperStop = b&0x20 != 0
		s.Error = b&0x40 != 0
	case 4:
		s.PaperNearEnd = b&0x0C != 0
		s.PaperOut = b&0x60 != 0
	default:
		return &StatusError{N: n, Byte: b}
	}
	return nil
}

// EncodeStatus returns the answers a printer in state s gives to DLE EOT 1,
// 2 and 4; DecodeStatus inverts it.
func EncodeStatus(s Status) (eot1, eot2, eot4 byte) {
	eot1, eot2, eot4 = 0x12, 0x12, 0x12
	if !s.Online {
		eot1 |= 0x08
	}
	if s.CoverOpen {
		eot2 |= 0x04
	}
	if s.FeedButton {
		eot2 |= 0x08
	}
	if s.PaperStop {
		eot2 |= 0x20
	}
	if s.Error {
		eot2 |= 0x40
	}
	if s.PaperNearEnd {
		eot4 |= 0x0C
	}
	if s.PaperOut {
		eot4 |= 0x60
	}
	return
}
