package emv

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"guitai/devices"
)

// UnionPay application identifiers: debit, credit, quasi-credit.
var UnionPayAIDs = [][]byte{
	{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01},
	{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x02},
	{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x03},
}

var (
	ppseName = []byte("2PAY.SYS.DDF01")
	pseName  = []byte("1PAY.SYS.DDF01")
)

// Card is what the reader learnt from a card.
type Card struct {
	AID      []byte
	Label    string // application label (50)
	PAN      string // primary account number (5A), digits
	Track2   string // track-2 equivalent data (57), hex digits, 'D' separator
	Expiry   string // YYMMDD (5F24)
	Name     string // cardholder name (5F20), trimmed
	PSN      int    // PAN sequence number (5F34), -1 if absent
	Duration time.Duration
}

// MaskPAN keeps the first 4 and last 4 digits of a PAN.
func MaskPAN(pan string) string {
	if len(pan) <= 8 {
		return strings.Repeat("*", len(pan))
	}
	return pan[:4] + strings.Repeat("*", len(pan)-8) + pan[len(pan)-4:]
}

// String describes the card with the PAN masked.
func (c *Card) String() string {
	return fmt.Sprintf("AID %X %q PAN %s exp %s PSN %02d", c.AID, c.Label, MaskPAN(c.PAN), c.Expiry, c.PSN)
}

// LogValue logs the card with the PAN masked and no track 2.
func (c *Card) LogValue() slog.Value {
	return slog.GroupValue(slog.String("aid", hex.EncodeToString(c.AID)), slog.String("pan", MaskPAN(c.PAN)),
		slog.String("expiry", c.Expiry), slog.Int("psn", c.PSN))
}

// ExpiryTime returns the last moment the card is valid (end of the expiry
// day, UTC).
func (c *Card) ExpiryTime() (time.Time, error) {
	t, err := time.Parse("060102", c.Expiry)
	if err != nil {
		return time.Time{}, err
	}
	return t.Add(24*time.Hour - time.Nanosecond), nil
}

// Terminal holds the terminal data objects used to fill a PDOL.
type Terminal struct {
	Amount  int64     // 9F02, fen
	Country [2]byte   // 9F1A, 0156 China
	Curr    [2]byte   // 5F2A, 0156 CNY
	TTQ     [4]byte   // 9F66
	Date    time.Time // 9A
	Random  [4]byte   // 9F37
	Logger  *slog.Logger
}

// DefaultTerminal is a bank-counter terminal in China.
func DefaultTerminal() Terminal {
	return Terminal{Country: [2]byte{0x01, 0x56}, Curr: [2]byte{0x01, 0x56}, TTQ: [4]byte{0x46, 0x00, 0x00, 0x00},
		Random: [4]byte{0x12, 0x34, 0x56, 0x78}}
}

func (t Terminal) value(tag uint32, n int) []byte {
	v := make([]byte, n)
	var src []byte
	switch tag {
	case 0x9F02:
		src = bcd(t.Amount, 6)
	case 0x9F03:
		src = make([]byte, 6)
	case 0x9F1A, 0x5F2A:
		src = t.Country[:]
		if tag == 0x5F2A {
			src = t.Curr[:]
		}
	case 0x9F66:
		src = t.TTQ[:]
	case 0x9A:
		d := t.Date
		if d.IsZero() {
			d = time.Now()
		}
		src = bcd(int64(d.Year()%100*10000+int(d.Month())*100+d.Day()), 3)
	case 0x9C:
		src = []byte{0x31} // inquiry
	case 0x9F37:
		src = t.Random[:]
	}
	if len(src) >= n {
		copy(v, src[len(src)-n:])
	} else {
		copy(v[n-len(src):], src)
	}
	return v
}

func bcd(n int64, size int) []byte {
	b := make([]byte, size)
	for i := size - 1; i >= 0 && n > 0; i-- {
		b[i] = byte(n%10) | byte(n/10%10)<<4
		n /= 100
	}
	return b
}

// ReadCard selects the card's UnionPay application and reads its data:
// PPSE, else PSE, else each UnionPay AID in turn; then GPO with the PDOL
// and READ RECORD over the AFL. A card that is pulled out gives an Offline
// or UserError device error from the Transmitter; a card without a
// UnionPay application gives a UserError.
func ReadCard(ctx context.Context, t Transmitter, term Terminal) (*Card, error) {
	start := time.Now()
	log := term.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cmd := func(name string, apdu []byte) ([]byte, error) {
		data, sw, err := Exchange(ctx, t, apdu)
		if err != nil {
			return nil, err
		}
		// Only the command and status are logged: responses carry the PAN.
		log.Debug("apdu", "cmd", name, "sw", fmt.Sprintf("%04X", sw), "len", len(data))
		if sw != 0x9000 {
			return data, &SWError{Cmd: name, SW: sw}
		}
		return data, nil
	}
	aids, err := candidates(ctx, cmd)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for _, aid := range aids {
		fci, err := cmd("SELECT AID", Select(aid))
		if err != nil {
			if isSW(err) {
				lastErr = err
				continue
			}
			return nil, err
		}
		card, err := readApp(ctx, cmd, aid, fci, term)
		if err != nil {
			return nil, err
		}
		card.Duration = time.Since(start)
		log.Info("card read", "card", card)
		return card, nil
	}
	return nil, &devices.Error{Code: devices.UserError, Op: "read-card", Msg: "no UnionPay application on the card",
		Err: lastErr, Recovery: "ask for a UnionPay (银联) bank card"}
}

func isSW(err error) bool {
	var sw *SWError
	return errors.As(err, &sw)
}

func isUnionPay(aid []byte) bool {
	for _, u := range UnionPayAIDs {
		if bytes.Equal(aid, u) {
			return true
		}
	}
	return false
}

type cmdFunc func(name string, apdu []byte) ([]byte, error)

// candidates lists the UnionPay AIDs the card offers, by priority.
func candidates(ctx context.Context, cmd cmdFunc) ([][]byte, error) {
	type entry struct {
		aid  []byte
		prio int
	}
	var found []entry
	add := func(dir []TLV) {
		for _, app := range FindAll(dir, 0x61) {
			aid, ok := Find(app.Children, 0x4F)
			if !ok || !isUnionPay(aid) {
				continue
			}
			prio := 15
			if p, ok := Find(app.Children, 0x87); ok && len(p) == 1 {
				prio = int(p[0] & 0x0F)
			}
			found = append(found, entry{aid, prio})
		}
	}
	fci, err := cmd("SELECT PPSE", Select(ppseName))
	switch {
	case err == nil:
		tl, perr := ParseTLV(fci)
		if perr != nil {
			return nil, &devices.Error{Code: devices.HWError, Op: "read-card", Msg: "bad PPSE answer", Err: perr}
		}
		add(tl)
	case !isSW(err):
		return nil, err
	}
	if len(found) == 0 {
		fci, err := cmd("SELECT PSE", Select(pseName))
		switch {
		case err == nil:
			tl, _ := ParseTLV(fci)
			if sfi, ok := Find(tl, 0x88); ok && len(sfi) == 1 {
				for rec := byte(1); rec < 16; rec++ {
					r, err := cmd("READ RECORD PSE", ReadRecord(sfi[0], rec))
					if isSW(err) {
						break
					}
					if err != nil {
						return nil, err
					}
					tl, _ := ParseTLV(r)
					add(tl)
				}
			}
		case !isSW(err):
			return nil, err
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].prio < found[j].prio })
	var out [][]byte
	for _, f := range found {
		out = append(out, f.aid)
	}
	if len(out) == 0 { // no directory: try the AIDs one by one
		out = UnionPayAIDs
	}
	return out, nil
}

func readApp(ctx context.Context, cmd cmdFunc, aid, fci []byte, term Terminal) (*Card, error) {
	bad := func(msg string, err error) error {
		return &devices.Error{Code: devices.HWError, Op: "read-card", Msg: msg, Err: err,
			Recovery: "clean the card's chip and insert it again"}
	}
	tl, err := ParseTLV(fci)
	if err != nil {
		return nil, bad("bad application FCI", err)
	}
	card := &Card{AID: aid, PSN: -1}
	if l, ok := Find(tl, 0x50); ok {
		card.Label = string(l)
	}
	var pdolData []byte
	if pdol, ok := Find(tl, 0x9F38); ok {
		entries, err := ParseDOL(pdol)
		if err != nil {
			return nil, bad("bad PDOL", err)
		}
		for _, e := range entries {
			pdolData = append(pdolData, term.value(e.Tag, e.Len)...)
		}
	}
	gpo, err := cmd("GPO", GPO(pdolData))
	if err != nil {
		return nil, err
	}
	gtl, err := ParseTLV(gpo)
	if err != nil || len(gtl) == 0 {
		return nil, bad("bad GPO answer", err)
	}
	var afl []byte
	var all []TLV
	switch gtl[0].Tag {
	case 0x80: // format 1: AIP (2) then AFL
		if len(gtl[0].Value) < 2 {
			return nil, bad("short GPO format 1", nil)
		}
		afl = gtl[0].Value[2:]
	case 0x77:
		afl, _ = Find(gtl, 0x94)
		all = append(all, gtl...)
	default:
		return nil, bad(fmt.Sprintf("GPO template %X", gtl[0].Tag), nil)
	}
	if len(afl)%4 != 0 {
		return nil, bad("AFL length not a multiple of 4", nil)
	}
	for i := 0; i < len(afl); i += 4 {
		sfi, first, last := afl[i]>>3, afl[i+1], afl[i+2]
		if sfi == 0 || first == 0 || last < first {
			return nil, bad("bad AFL entry", nil)
		}
		for rec := first; rec <= last; rec++ {
			r, err := cmd(fmt.Sprintf("READ RECORD %d/%d", sfi, rec), ReadRecord(sfi, rec))
			if err != nil {
				return nil, err
			}
			rt, err := ParseTLV(r)
			if err != nil {
				return nil, bad("bad record", err)
			}
			all = append(all, rt...)
		}
	}
	if v, ok := Find(all, 0x57); ok {
		card.Track2 = strings.ToUpper(strings.TrimRight(hex.EncodeToString(v), "fF"))
	}
	if v, ok := Find(all, 0x5A); ok {
		card.PAN = strings.TrimRight(hex.EncodeToString(v), "fF")
	} else if pan, _, ok := strings.Cut(card.Track2, "D"); ok {
		card.PAN = pan
	}
	if v, ok := Find(all, 0x5F24); ok && len(v) == 3 {
		card.Expiry = hex.EncodeToString(v)
	}
	if v, ok := Find(all, 0x5F20); ok {
		card.Name = strings.TrimSpace(string(v))
	}
	if v, ok := Find(all, 0x5F34); ok && len(v) == 1 {
		card.PSN = int(v[0]>>4)*10 + int(v[0]&0x0F)
	}
	if card.PAN == "" || !digitsOnly(card.PAN) {
		return nil, bad("card has no readable PAN", nil)
	}
	_ = ctx
	return card, nil
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
