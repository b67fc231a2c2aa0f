package emv

import (
	"context"
	"errors"
	"fmt"

	"guitai/devices"
)

// Transmitter sends one command APDU to a card and returns the response
// APDU (data and the two status bytes).
type Transmitter interface {
	Transmit(ctx context.Context, apdu []byte) ([]byte, error)
}

// SWError is a status word other than 9000 at the end of an exchange.
type SWError struct {
	Cmd string // the command, e.g. "SELECT"
	SW  uint16
}

// Error describes the status word.
func (e *SWError) Error() string {
	return fmt.Sprintf("emv: %s: status %04X (%s)", e.Cmd, e.SW, swText(e.SW))
}

func swText(sw uint16) string {
	switch {
	case sw == 0x6A82:
		return "file or application not found"
	case sw == 0x6A83:
		return "record not found"
	case sw == 0x6985:
		return "conditions of use not satisfied"
	case sw == 0x6283:
		return "application blocked"
	case sw == 0x6A81:
		return "function not supported / card blocked"
	case sw>>8 == 0x67:
		return "wrong length"
	case sw>>8 == 0x6D:
		return "instruction not supported"
	}
	return "error"
}

// Exchange sends apdu and completes it as T=0 requires: 61xx is followed by
// GET RESPONSE (00 C0 00 00 xx) until all data is read, and 6Cxx resends
// the command with Le = xx. It returns the data and the final status word.
func Exchange(ctx context.Context, t Transmitter, apdu []byte) (data []byte, sw uint16, err error) {
	for range 32 { // bound the chain of 61xx/6Cxx a broken card could send
		if err := ctx.Err(); err != nil {
			return nil, 0, ctxError(err)
		}
		resp, err := t.Transmit(ctx, apdu)
		if err != nil {
			var de *devices.Error
			if !errors.As(err, &de) && ctx.Err() != nil {
				return nil, 0, ctxError(ctx.Err())
			}
			return nil, 0, err
		}
		if len(resp) < 2 {
			return nil, 0, cardFault(fmt.Sprintf("response of %d bytes", len(resp)), nil)
		}
		data = append(data, resp[:len(resp)-2]...)
		sw1, sw2 := resp[len(resp)-2], resp[len(resp)-1]
		switch sw1 {
		case 0x61:
			apdu = []byte{0x00, 0xC0, 0x00, 0x00, sw2}
			continue
		case 0x6C:
			// Resend the same command with the right Le.
			fixed := append([]byte(nil), apdu...)
			if len(fixed) == 4 {
				fixed = append(fixed, sw2)
			} else {
				fixed[len(fixed)-1] = sw2
			}
			apdu = fixed
			data = data[:0]
			continue
		}
		return data, uint16(sw1)<<8 | uint16(sw2), nil
	}
	return nil, 0, cardFault("the card keeps asking for GET RESPONSE", nil)
}

// ctxError is the error of a read whose context ended between two
// commands: the reader and the card did nothing wrong.
func ctxError(err error) error {
	e := &devices.Error{Code: devices.CodeOf(err), Op: "read-card", Err: err, DeviceOK: true}
	if e.Code == devices.Timeout {
		e.Msg = "the card was not read in time"
		e.Teller = devices.Text{Zh: "读卡超时，请重新插卡", En: "The card was not read in time; insert it again"}
	} else {
		e.Msg = "the card read was cancelled"
		e.Teller = devices.Text{Zh: "读卡已取消", En: "Card reading was cancelled"}
	}
	return e
}

// cardFault is the error of a card that answered against the EMV rules:
// the card is faulty (or inserted the wrong way), the reader is fine.
func cardFault(msg string, err error) error {
	return &devices.Error{Code: devices.HWError, Op: "read-card", Msg: msg, Err: err, DeviceOK: true,
		Recovery: "clean the card's chip and insert it again; if it persists, the card is faulty",
		Teller: devices.Text{Zh: "卡片无法读取（芯片故障或插反），请重新插卡",
			En: "The chip could not be read (faulty or inserted the wrong way); insert it again"}}
}

// Select builds SELECT by name, first or only occurrence (00 A4 04 00).
func Select(name []byte) []byte {
	a := []byte{0x00, 0xA4, 0x04, 0x00, byte(len(name))}
	return append(append(a, name...), 0x00)
}

// SelectNext builds SELECT by name, next occurrence (00 A4 04 02), which
// finds the card's next application whose AID starts with name.
func SelectNext(name []byte) []byte {
	a := Select(name)
	a[3] = 0x02
	return a
}

// ReadRecord builds READ RECORD of record rec in file sfi (Le = 00).
func ReadRecord(sfi, rec byte) []byte {
	return []byte{0x00, 0xB2, rec, sfi<<3 | 4, 0x00}
}

// GPO builds GET PROCESSING OPTIONS with the PDOL data in tag 83.
func GPO(pdolData []byte) []byte {
	body := AppendTLV(nil, 0x83, pdolData)
	a := []byte{0x80, 0xA8, 0x00, 0x00, byte(len(body))}
	return append(append(a, body...), 0x00)
}
