package emv

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"sync"

	"guitai/devices"
)

// VirtualCard is a PBOC 3.0 debit card in software with a real file
// structure: the PPSE and PSE directories, one UnionPay debit application
// (A000000333010101) with a PDOL, a format-2 GPO answer whose AFL points to
// two files of records holding the track 2, name, PAN, expiry and PAN
// sequence number. It answers T=0 style (61xx for case-4 commands, 6Cxx
// for READ RECORD with Le = 00) when T0 is set.
type VirtualCard struct {
	PAN    string // digits
	Expiry string // YYMMDD
	Name   string
	PSN    int
	T0     bool

	mu       sync.Mutex
	selected string // "", "ppse", "pse", "app"
	pending  []byte // response data waiting for GET RESPONSE
	apdus    int
	pullAt   int // remove the card when this many APDUs were answered; 0 never
	pulled   bool
	records  map[[2]byte][]byte
}

// NewVirtualCard returns a card with demo data.
func NewVirtualCard() *VirtualCard {
	return &VirtualCard{PAN: "6222021234567890123", Expiry: "311231", Name: "ZHANG/SAN", PSN: 1, T0: true}
}

// ATR returns the answer to reset, 3B 80 01 81: T=1 only, because
// go-libpcsclite always transmits with the T=1 protocol header. The APDU
// layer still answers with T=0 status words (61xx, 6Cxx) when T0 is set.
func (c *VirtualCard) ATR() []byte {
	return []byte{0x3B, 0x80, 0x01, 0x81}
}

// PullAfter makes the card vanish after n more answered APDUs.
func (c *VirtualCard) PullAfter(n int) {
	c.mu.Lock()
	c.pullAt = c.apdus + n
	c.mu.Unlock()
}

// Pulled reports whether the card was pulled by PullAfter.
func (c *VirtualCard) Pulled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pulled
}

// Reset returns the card to its state after power-on (no application
// selected). Scripted faults (PullAfter) survive it.
func (c *VirtualCard) Reset() {
	c.mu.Lock()
	c.selected, c.pending = "", nil
	c.mu.Unlock()
}

// ErrCardRemoved is the device error of a card pulled out mid-read.
var ErrCardRemoved = &devices.Error{Code: devices.UserError, Op: "transmit", Msg: "the card was removed",
	Recovery: "insert the card again and keep it in until the reader is done"}

// Transmit answers an APDU in process (no reader).
func (c *VirtualCard) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp, ok := c.Handle(apdu)
	if !ok {
		return nil, ErrCardRemoved
	}
	return resp, nil
}

// Handle answers one APDU; ok is false once the card has been pulled.
func (c *VirtualCard) Handle(apdu []byte) (resp []byte, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pulled {
		return nil, false
	}
	if c.pullAt > 0 && c.apdus >= c.pullAt {
		c.pulled = true
		return nil, false
	}
	c.apdus++
	return c.handle(apdu), true
}

func sw(data []byte, s uint16) []byte {
	return append(append([]byte(nil), data...), byte(s>>8), byte(s))
}

func tlv(tag uint32, parts ...[]byte) []byte { return AppendTLV(nil, tag, bytes.Join(parts, nil)) }

func (c *VirtualCard) fileRecords() map[[2]byte][]byte {
	if c.records != nil {
		return c.records
	}
	pan := c.PAN
	if len(pan)%2 == 1 {
		pan += "F"
	}
	panB, _ := hex.DecodeString(pan)
	t2 := c.PAN + "D" + c.Expiry[:4] + "2201000000000000"
	if len(t2)%2 == 1 {
		t2 += "F"
	}
	t2B, _ := hex.DecodeString(t2)
	expB, _ := hex.DecodeString(c.Expiry)
	name := c.Name
	if len(name) < 2 {
		name = strings.Repeat(" ", 2)
	}
	c.records = map[[2]byte][]byte{
		{1, 1}: tlv(0x70, tlv(0x57, t2B), tlv(0x5F20, []byte(name)), tlv(0x9F1F, []byte("0000000000"))),
		{1, 2}: tlv(0x70, tlv(0x5A, panB), tlv(0x5F24, expB), tlv(0x5F25, []byte{0x21, 0x01, 0x01}),
			tlv(0x5F34, []byte{byte(c.PSN/10<<4 | c.PSN%10)}), tlv(0x9F07, []byte{0xFF, 0x00}), tlv(0x9F0D, make([]byte, 5))),
		{2, 1}: tlv(0x70, tlv(0x8C, []byte{0x9F, 0x02, 0x06, 0x9F, 0x03, 0x06, 0x9F, 0x1A, 0x02, 0x95, 0x05, 0x5F, 0x2A, 0x02, 0x9A, 0x03, 0x9C, 0x01, 0x9F, 0x37, 0x04}),
			tlv(0x8D, []byte{0x8A, 0x02, 0x9F, 0x02, 0x06}), tlv(0x9F08, []byte{0x00, 0x30})),
		// PSE directory file (SFI 1 of the DDF).
		{11, 1}: tlv(0x70, tlv(0x61, tlv(0x4F, UnionPayAIDs[0]), tlv(0x50, []byte("PBOC DEBIT")), tlv(0x87, []byte{1}))),
	}
	return c.records
}

// case4 answers a command that returns data: directly, or 61xx in T=0.
func (c *VirtualCard) case4(data []byte) []byte {
	if c.T0 {
		c.pending = data
		return []byte{0x61, byte(len(data))}
	}
	return sw(data, 0x9000)
}

func (c *VirtualCard) handle(a []byte) []byte {
	if len(a) < 4 {
		return sw(nil, 0x6700)
	}
	cla, ins, p1, p2 := a[0], a[1], a[2], a[3]
	body := []byte(nil)
	if len(a) > 5 && int(a[4]) <= len(a)-5 {
		body = a[5 : 5+int(a[4])]
	}
	if ins != 0xC0 {
		c.pending = nil
	}
	switch {
	case cla == 0x00 && ins == 0xC0: // GET RESPONSE
		if c.pending == nil {
			return sw(nil, 0x6985)
		}
		data := c.pending
		c.pending = nil
		return sw(data, 0x9000)
	case cla == 0x00 && ins == 0xA4 && p1 == 0x04: // SELECT by name
		switch {
		case bytes.Equal(body, ppseName):
			c.selected = "ppse"
			fci := tlv(0x6F, tlv(0x84, ppseName), tlv(0xA5, tlv(0xBF0C,
				tlv(0x61, tlv(0x4F, UnionPayAIDs[0]), tlv(0x50, []byte("PBOC DEBIT")), tlv(0x87, []byte{1})))))
			return c.case4(fci)
		case bytes.Equal(body, pseName):
			c.selected = "pse"
			return c.case4(tlv(0x6F, tlv(0x84, pseName), tlv(0xA5, tlv(0x88, []byte{11}), tlv(0x5F2D, []byte("zhen")))))
		case bytes.Equal(body, UnionPayAIDs[0]):
			c.selected = "app"
			pdol := []byte{0x9F, 0x66, 0x04, 0x9F, 0x02, 0x06, 0x9F, 0x03, 0x06, 0x9F, 0x1A, 0x02, 0x95, 0x05,
				0x5F, 0x2A, 0x02, 0x9A, 0x03, 0x9C, 0x01, 0x9F, 0x37, 0x04}
			return c.case4(tlv(0x6F, tlv(0x84, UnionPayAIDs[0]), tlv(0xA5, tlv(0x50, []byte("PBOC DEBIT")),
				tlv(0x87, []byte{1}), tlv(0x9F38, pdol), tlv(0x5F2D, []byte("zhen")), tlv(0x9F11, []byte{1}),
				tlv(0x9F12, []byte("UnionPay Debit")))))
		}
		c.selected = ""
		return sw(nil, 0x6A82)
	case cla == 0x80 && ins == 0xA8: // GET PROCESSING OPTIONS
		if c.selected != "app" {
			return sw(nil, 0x6985)
		}
		// 83 len: 4+6+6+2+5+2+3+1+4 = 33 bytes of PDOL data.
		if len(body) != 2+33 || body[0] != 0x83 {
			return sw(nil, 0x6700)
		}
		return c.case4(tlv(0x77, tlv(0x82, []byte{0x7C, 0x00}), tlv(0x94, []byte{0x08, 1, 2, 0, 0x10, 1, 1, 1})))
	case cla == 0x00 && ins == 0xB2: // READ RECORD
		sfi := p2 >> 3
		if (c.selected != "app" && sfi != 11) || (sfi == 11 && c.selected != "pse") {
			return sw(nil, 0x6A83)
		}
		rec, ok := c.fileRecords()[[2]byte{sfi, p1}]
		if !ok {
			return sw(nil, 0x6A83)
		}
		if c.T0 && len(a) == 5 && a[4] == 0 {
			return []byte{0x6C, byte(len(rec))}
		}
		return sw(rec, 0x9000)
	}
	return sw(nil, 0x6D00)
}
