package emv

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"sync"

	"guitai/devices"
)

// DemoPAN is the PAN of the demo card (NewVirtualCard): 19 digits, Luhn
// valid, as the account field checks it.
const DemoPAN = "6222021234567840123"

// App is one payment application on a [VirtualCard].
type App struct {
	AID      []byte
	Label    string // 50
	Priority int    // 87, written as is (0 = "no priority assigned"); -1 leaves the tag out
	PAN      string // digits, 12 to 19
	Expiry   string // YYMMDD
	Name     string // cardholder name, 2 to 26 characters
	PSN      int    // PAN sequence number, 0 to 99
	// GPOStatus, when not zero, is the status word GET PROCESSING OPTIONS
	// answers with, e.g. 0x6985 (conditions of use not satisfied).
	GPOStatus uint16
	Format1   bool // answer GPO in format 1 (80: AIP, AFL) instead of format 2 (77)
	NoTag5A   bool // no 5A record: the PAN is only in the track 2 equivalent data (57)
	Blocked   bool // SELECT answers 6283 (selected file invalidated)
}

// VirtualCard is a contact PBOC 3.0 / EMV card in software with a real file
// structure, made to follow the EMV data rules: applications ([App]) with
// an FCI and PDOL, a GPO answer whose AFL points to records holding the
// track 2 equivalent data (at most 19 bytes), name, PAN (Luhn valid),
// expiry, PAN sequence number, CDOLs and a CVM list, and an AIP that
// claims no offline data authentication (the card holds no keys).
// Directories: PSE lists the applications in the contact PSE
// 1PAY.SYS.DDF01 (its directory file is SFI 1, one entry a record),
// PPSE those in the contactless PPSE 2PAY.SYS.DDF01; nil means the card
// has no such directory and answers 6A82.
//
// With T0 the card offers only T=0 in its ATR and answers as T=0 cards
// do: 61xx for a command with data to return and 6Cxx for READ RECORD
// with Le = 00. Without it, it offers only T=1 and answers at once.
//
// Scripted faults: PullAfter (the card leaves the reader) and MuteAfter
// (the card stops answering).
type VirtualCard struct {
	Apps []App
	PSE  []int // indexes into Apps listed in the PSE; nil: no PSE
	PPSE []int // indexes into Apps listed in the PPSE; nil: no PPSE
	T0   bool

	mu       sync.Mutex
	selected int    // the selected DF: dfNone, dfPSE, dfPPSE or dfApp + an index into Apps
	pending  []byte // response data waiting for GET RESPONSE
	apdus    int
	pullAt   int // pull the card when this many APDUs were answered; 0 never
	pulled   bool
	muting   bool
	muteAt   int // with muting, stop answering when this many APDUs were answered
	muted    chan struct{}
}

const (
	dfNone = iota
	dfPSE
	dfPPSE
	dfApp
)

// app returns the selected application, or nil.
func (c *VirtualCard) app() *App {
	if i := c.selected - dfApp; i >= 0 && i < len(c.Apps) {
		return &c.Apps[i]
	}
	return nil
}

// NewVirtualCard returns the demo card: T=1, a PSE listing one UnionPay
// debit application (A000000333010101, priority 1) with a PDOL and a
// format-2 GPO answer, PAN DemoPAN.
func NewVirtualCard() *VirtualCard {
	return &VirtualCard{
		Apps: []App{{AID: UnionPayAIDs[0], Label: "PBOC DEBIT", Priority: 1, PAN: DemoPAN, Expiry: "311231",
			Name: "ZHANG/SAN", PSN: 1}},
		PSE: []int{0},
	}
}

// Credit, quasi-credit and debit PANs of NewMultiAppCard.
const (
	MultiCreditPAN = "6250946000000008"
	MultiQuasiPAN  = "6217009876543213"
	MultiDebitPAN  = "6222020000000015"
)

// NewMultiAppCard returns the second card layout: T=0 only, no PSE and no
// PPSE (the terminal must select the AIDs it knows), and three UnionPay
// applications in this order on the card:
//
//   - debit A000000333010101, priority 00 ("no priority assigned": last),
//     PAN MultiDebitPAN;
//   - credit A000000333010102, priority 1, whose GPO answers 6985, so the
//     terminal must drop it and go on, PAN MultiCreditPAN;
//   - quasi-credit A000000333010103, priority 2, with a format-1 GPO answer
//     and its PAN only in tag 57, PAN MultiQuasiPAN: the one to read.
func NewMultiAppCard() *VirtualCard {
	return &VirtualCard{
		Apps: []App{
			{AID: UnionPayAIDs[0], Label: "PBOC DEBIT", Priority: 0, PAN: MultiDebitPAN, Expiry: "301130", Name: "LI/SI", PSN: 0},
			{AID: UnionPayAIDs[1], Label: "PBOC CREDIT", Priority: 1, PAN: MultiCreditPAN, Expiry: "291031", Name: "LI/SI", PSN: 0,
				GPOStatus: 0x6985},
			{AID: UnionPayAIDs[2], Label: "PBOC QUASI CREDIT", Priority: 2, PAN: MultiQuasiPAN, Expiry: "280229", Name: "LI/SI", PSN: 2,
				Format1: true, NoTag5A: true},
		},
		T0: true,
	}
}

// ATR returns the answer to reset: 3B 02 14 50 (T=0 only, two historical
// bytes) with T0 set, 3B 80 01 81 (T=1 only) otherwise.
func (c *VirtualCard) ATR() []byte {
	if c.T0 {
		return []byte{0x3B, 0x02, 0x14, 0x50}
	}
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

// MuteAfter makes the card stop answering after n more answered APDUs: it
// takes the next command and never responds, as a broken chip does.
func (c *VirtualCard) MuteAfter(n int) {
	c.mu.Lock()
	c.muting, c.muteAt = true, c.apdus+n
	if c.muted == nil {
		c.muted = make(chan struct{})
	}
	c.mu.Unlock()
}

// Muted is closed once the card has swallowed a command without answering.
func (c *VirtualCard) Muted() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.muted == nil {
		c.muted = make(chan struct{})
	}
	return c.muted
}

// APDUs returns how many commands the card has answered.
func (c *VirtualCard) APDUs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.apdus
}

// Reset returns the card to its state after power-on (no application
// selected). Scripted faults (PullAfter, MuteAfter) survive it.
func (c *VirtualCard) Reset() {
	c.mu.Lock()
	c.selected, c.pending = dfNone, nil
	c.mu.Unlock()
}

// ErrCardRemoved is the device error of a card pulled out mid-read.
var ErrCardRemoved = &devices.Error{Code: devices.UserError, Op: "transmit", Msg: "the card was removed",
	Recovery: "insert the card again and keep it in until the reader is done", DeviceOK: true,
	Teller: devices.Text{Zh: "读卡中卡片被拔出，请重新插卡", En: "The card was removed while it was being read; insert it again"}}

// Transmit answers an APDU in process (no reader). A mute card holds the
// caller until ctx ends.
func (c *VirtualCard) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp, ok := c.Handle(apdu)
	if !ok {
		return nil, ErrCardRemoved
	}
	if resp == nil {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return resp, nil
}

// Handle answers one APDU; ok is false once the card has been pulled, and
// resp is nil (with ok true) when the card is mute and does not answer.
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
	if c.muting && c.apdus >= c.muteAt {
		select {
		case <-c.muted:
		default:
			close(c.muted)
		}
		return nil, true
	}
	c.apdus++
	return c.handle(apdu), true
}

func sw(data []byte, s uint16) []byte {
	return append(append([]byte(nil), data...), byte(s>>8), byte(s))
}

func tlv(tag uint32, parts ...[]byte) []byte { return AppendTLV(nil, tag, bytes.Join(parts, nil)) }

// cn encodes digits as compressed numeric: BCD padded with F.
func cn(digits string) []byte {
	if len(digits)%2 == 1 {
		digits += "F"
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		panic(fmt.Sprintf("emv: not digits: %q", digits))
	}
	return b
}

// pdol is what the applications ask for: TTQ, amounts, country, TVR,
// currency, date, type and unpredictable number (33 bytes of data).
var pdol = []byte{0x9F, 0x66, 0x04, 0x9F, 0x02, 0x06, 0x9F, 0x03, 0x06, 0x9F, 0x1A, 0x02, 0x95, 0x05,
	0x5F, 0x2A, 0x02, 0x9A, 0x03, 0x9C, 0x01, 0x9F, 0x37, 0x04}

const pdolDataLen = 33

// The AIP: cardholder verification and terminal risk management
// supported, no SDA, DDA or CDA (no keys or certificates on the card).
var aip = []byte{0x18, 0x00}

// afl: SFI 1 records 1-2, SFI 2 records 1-2, none for offline data
// authentication.
var afl = []byte{1 << 3, 1, 2, 0, 2 << 3, 1, 2, 0}

// track2 returns the track 2 equivalent data: PAN, D, YYMM, service code
// 220 (international, IC, normal authorization), discretionary data, at
// most 37 digits and so at most 19 bytes.
func (a *App) track2() []byte {
	t2 := a.PAN + "D" + a.Expiry[:4] + "220"
	disc := "1000000000000"
	if n := 37 - len(t2); n < len(disc) {
		disc = disc[:n]
	}
	return cn(t2 + disc)
}

func (a *App) records() map[[2]byte][]byte {
	name := a.Name
	for len(name) < 2 {
		name += " "
	}
	rec12 := tlv(0x5F24, cn(a.Expiry))
	if !a.NoTag5A {
		rec12 = append(tlv(0x5A, cn(a.PAN)), rec12...)
	}
	rec12 = append(rec12, bytes.Join([][]byte{tlv(0x5F25, []byte{0x21, 0x01, 0x01}),
		tlv(0x5F34, []byte{byte(a.PSN/10<<4 | a.PSN%10)}), tlv(0x5F28, []byte{0x01, 0x56}),
		tlv(0x9F07, []byte{0xFF, 0x00})}, nil)...)
	return map[[2]byte][]byte{
		{1, 1}: tlv(0x70, tlv(0x57, a.track2()), tlv(0x5F20, []byte(name)), tlv(0x9F1F, []byte("0000000000"))),
		{1, 2}: tlv(0x70, rec12),
		{2, 1}: tlv(0x70,
			tlv(0x8C, []byte{0x9F, 0x02, 0x06, 0x9F, 0x03, 0x06, 0x9F, 0x1A, 0x02, 0x95, 0x05, 0x5F, 0x2A, 0x02, 0x9A, 0x03, 0x9C, 0x01, 0x9F, 0x37, 0x04}),
			tlv(0x8D, []byte{0x8A, 0x02, 0x9F, 0x02, 0x06}),
			// CVM list: X = Y = 0; online PIN if the terminal supports it,
			// else no CVM required.
			tlv(0x8E, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0x42, 0x03, 0x1F, 0x00})),
		{2, 2}: tlv(0x70, tlv(0x9F08, []byte{0x00, 0x30}), tlv(0x9F42, []byte{0x01, 0x56}), tlv(0x9F44, []byte{0x02}),
			tlv(0x9F0D, []byte{0xD8, 0x60, 0x04, 0xA8, 0x00}), tlv(0x9F0E, make([]byte, 5)),
			tlv(0x9F0F, []byte{0xD8, 0x68, 0x04, 0xF8, 0x00})),
	}
}

func (a *App) entry() []byte {
	e := append(tlv(0x4F, a.AID), tlv(0x50, []byte(a.Label))...)
	if a.Priority >= 0 {
		e = append(e, tlv(0x87, []byte{byte(a.Priority)})...)
	}
	return tlv(0x61, e)
}

func (a *App) fci() []byte {
	prop := tlv(0x50, []byte(a.Label))
	if a.Priority >= 0 {
		prop = append(prop, tlv(0x87, []byte{byte(a.Priority)})...)
	}
	prop = append(prop, bytes.Join([][]byte{tlv(0x9F38, pdol), tlv(0x5F2D, []byte("zhen")), tlv(0x9F11, []byte{1}),
		tlv(0x9F12, []byte(a.Label))}, nil)...)
	return tlv(0x6F, tlv(0x84, a.AID), tlv(0xA5, prop))
}

// case4 answers a command that returns data: directly, or 61xx in T=0.
func (c *VirtualCard) case4(data []byte, status uint16) []byte {
	if c.T0 && status == 0x9000 {
		c.pending = data
		return []byte{0x61, byte(len(data))}
	}
	return sw(data, status)
}

// selectName selects by DF name (P2 = 00 first occurrence, 02 next),
// matching application AIDs that start with the name.
func (c *VirtualCard) selectName(name []byte, next bool) []byte {
	switch {
	case bytes.Equal(name, pseName) && c.PSE != nil:
		c.selected = dfPSE
		return c.case4(tlv(0x6F, tlv(0x84, pseName), tlv(0xA5, tlv(0x88, []byte{1}), tlv(0x5F2D, []byte("zhen")))), 0x9000)
	case bytes.Equal(name, ppseName) && c.PPSE != nil:
		c.selected = dfPPSE
		var entries []byte
		for _, i := range c.PPSE {
			entries = append(entries, c.Apps[i].entry()...)
		}
		return c.case4(tlv(0x6F, tlv(0x84, ppseName), tlv(0xA5, tlv(0xBF0C, entries))), 0x9000)
	}
	from := 0
	if next && c.app() != nil {
		from = c.selected - dfApp + 1
	}
	for i := from; i < len(c.Apps); i++ {
		a := &c.Apps[i]
		if len(name) >= 5 && bytes.HasPrefix(a.AID, name) {
			c.selected = dfApp + i
			if a.Blocked {
				return sw(nil, 0x6283)
			}
			return c.case4(a.fci(), 0x9000)
		}
	}
	c.selected = dfNone
	return sw(nil, 0x6A82)
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
	case cla == 0x00 && ins == 0xA4 && p1 == 0x04 && (p2 == 0x00 || p2 == 0x02): // SELECT by name
		return c.selectName(body, p2 == 0x02)
	case cla == 0x80 && ins == 0xA8: // GET PROCESSING OPTIONS
		app := c.app()
		if app == nil {
			return sw(nil, 0x6985)
		}
		if len(body) != 2+pdolDataLen || body[0] != 0x83 || body[1] != pdolDataLen {
			return sw(nil, 0x6700)
		}
		if app.GPOStatus != 0 {
			return sw(nil, app.GPOStatus)
		}
		if app.Format1 {
			return c.case4(tlv(0x80, aip, afl), 0x9000)
		}
		return c.case4(tlv(0x77, tlv(0x82, aip), tlv(0x94, afl)), 0x9000)
	case cla == 0x00 && ins == 0xB2 && p2&7 == 4: // READ RECORD
		sfi := p2 >> 3
		var rec []byte
		switch {
		case c.selected == dfPSE && sfi == 1 && p1 >= 1 && int(p1) <= len(c.PSE):
			rec = tlv(0x70, c.Apps[c.PSE[p1-1]].entry())
		case c.app() != nil:
			rec = c.app().records()[[2]byte{sfi, p1}]
		}
		if rec == nil {
			return sw(nil, 0x6A83)
		}
		if c.T0 && len(a) == 5 && a[4] == 0 {
			return []byte{0x6C, byte(len(rec))}
		}
		return sw(rec, 0x9000)
	}
	return sw(nil, 0x6D00)
}
