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
	// Contactless says the reader is contactless: the PPSE is read before
	// the PSE. A contact reader (false) reads the PSE first.
	Contactless bool
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
	case 0x9F35:
		src = []byte{0x11} // financial institution, attended, online only
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

// ReadCard selects the card's UnionPay application and reads its data, as
// EMV Book 1 §12 and Book 3 §10 say:
//
//   - candidates: on a contact reader (term.Contactless false) the PSE
//     1PAY.SYS.DDF01 and its directory records, else the PPSE
//     2PAY.SYS.DDF01 (the other way round on a contactless one); when no
//     directory lists a UnionPay application, SELECT of each UnionPay AID
//     (and SELECT next for longer AIDs that start with it);
//   - order: by the priority (87) of the directory entry or FCI, 1 first;
//     no priority (87 absent or its low nibble 0) after every assigned one;
//     equal priorities in the card's order;
//   - final selection: SELECT of the first candidate, GET PROCESSING
//     OPTIONS with the PDOL data; an application whose SELECT fails or is
//     blocked (6283), or whose GPO answers 6985, is dropped and the next
//     candidate selected; then READ RECORD over the AFL.
//
// A card pulled out gives a UserError from the Transmitter; a card with no
// usable UnionPay application a UserError; a card that breaks the rules a
// HWError. Errors caused by the card say so (devices.Error.DeviceOK): the
// reader stays usable.
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
	cands, err := candidates(cmd, term.Contactless)
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		return nil, &devices.Error{Code: devices.UserError, Op: "read-card", Msg: "no UnionPay application on the card",
			Recovery: "ask for a UnionPay (银联) bank card", DeviceOK: true,
			Teller: devices.Text{Zh: "不是银联卡，请换一张银联借记卡", En: "This is not a UnionPay card; use a UnionPay debit card"}}
	}
	var dropped []string
	for _, c := range cands {
		fci, err := cmd("SELECT AID", Select(c.aid))
		if isSW(err) {
			dropped = append(dropped, fmt.Sprintf("%X: %v", c.aid, err))
			continue
		}
		if err != nil {
			return nil, err
		}
		card, err := readApp(cmd, c.aid, fci, term)
		var swe *SWError
		if errors.As(err, &swe) && swe.Cmd == "GPO" && swe.SW == 0x6985 {
			// Book 3 §10.1: conditions of use not satisfied; back to
			// application selection without this one.
			log.Info("application refused GPO, trying the next", "aid", hex.EncodeToString(c.aid))
			dropped = append(dropped, fmt.Sprintf("%X: %v", c.aid, err))
			continue
		}
		if isSW(err) {
			// Book 3 §10.1: any other status ends the transaction.
			return nil, cardFault("the card refused GET PROCESSING OPTIONS", err)
		}
		if err != nil {
			return nil, err
		}
		card.Duration = time.Since(start)
		log.Info("card read", "card", card)
		return card, nil
	}
	return nil, &devices.Error{Code: devices.UserError, Op: "read-card", DeviceOK: true,
		Msg:      "none of the card's applications can be used: " + strings.Join(dropped, "; "),
		Recovery: "ask for another bank card",
		Teller: devices.Text{Zh: "卡片上的应用均不可用（已锁定或拒绝交易），请换一张卡",
			En: "None of the card's applications can be used (blocked or refused); use another card"}}
}

func isSW(err error) bool {
	var sw *SWError
	return errors.As(err, &sw)
}

// unionPay reports whether a card's AID is one of the UnionPay AIDs or
// starts with one (partial selection, Book 1 §12.3.1).
func unionPay(aid []byte) bool {
	for _, u := range UnionPayAIDs {
		if bytes.HasPrefix(aid, u) {
			return true
		}
	}
	return false
}

type cmdFunc func(name string, apdu []byte) ([]byte, error)

// candidate is an application the card offers.
type candidate struct {
	aid  []byte
	prio int // 1 (highest) to 15; 16 for no priority
}

// priority returns the rank of an entry or FCI: the low nibble of 87, or
// 16 (after every assigned priority) without one.
func priority(tl []TLV) int {
	if p, ok := Find(tl, 0x87); ok && len(p) == 1 && p[0]&0x0F != 0 {
		return int(p[0] & 0x0F)
	}
	return 16
}

// candidates lists the UnionPay applications the card offers, by
// priority. A directory the card answers wrongly is skipped, as Book 1
// §12.3.2 says: the terminal goes on with the next method.
func candidates(cmd cmdFunc, contactless bool) ([]candidate, error) {
	var found []candidate
	seen := map[string]bool{}
	add := func(aid []byte, prio int) {
		if !unionPay(aid) || seen[string(aid)] {
			return
		}
		seen[string(aid)] = true
		found = append(found, candidate{append([]byte(nil), aid...), prio})
	}
	addEntries := func(tl []TLV) {
		for _, e := range FindAll(tl, 0x61) {
			if aid, ok := Find(e.Children, 0x4F); ok {
				add(aid, priority(e.Children))
			}
		}
	}
	dirs := []func() error{
		func() error { return pse(cmd, addEntries) },
		func() error { return ppse(cmd, addEntries) },
	}
	if contactless {
		dirs[0], dirs[1] = dirs[1], dirs[0]
	}
	for _, dir := range dirs {
		if err := dir(); err != nil {
			return nil, err
		}
		if len(found) > 0 {
			break
		}
	}
	if len(found) == 0 {
		if err := listOfAIDs(cmd, add); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].prio < found[j].prio })
	return found, nil
}

// pse reads the contact PSE: SELECT 1PAY.SYS.DDF01, then its directory
// file (SFI in 88, 1 to 10) from record 1 until 6A83. Status words and
// malformed data end the PSE method without error; only a transmission
// failure is returned.
func pse(cmd cmdFunc, addEntries func([]TLV)) error {
	fci, err := cmd("SELECT PSE", Select(pseName))
	if err != nil {
		return swOK(err)
	}
	tl, perr := ParseTLV(fci)
	sfi, ok := Find(tl, 0x88)
	if perr != nil || !ok || len(sfi) != 1 || sfi[0] < 1 || sfi[0] > 10 {
		return nil
	}
	var entries []TLV
	for rec := byte(1); rec != 0; rec++ {
		r, err := cmd("READ RECORD PSE", ReadRecord(sfi[0], rec))
		if err != nil {
			if e := swOK(err); e != nil {
				return e
			}
			var swe *SWError
			if errors.As(err, &swe) && swe.SW == 0x6A83 {
				break // end of the directory
			}
			return nil
		}
		tl, perr := ParseTLV(r)
		if perr != nil || len(tl) != 1 || tl[0].Tag != 0x70 {
			return nil
		}
		entries = append(entries, tl...)
	}
	addEntries(entries)
	return nil
}

// ppse reads the contactless PPSE: its FCI holds the directory (BF0C).
func ppse(cmd cmdFunc, addEntries func([]TLV)) error {
	fci, err := cmd("SELECT PPSE", Select(ppseName))
	if err != nil {
		return swOK(err)
	}
	if tl, perr := ParseTLV(fci); perr == nil {
		if dir, ok := Find(tl, 0xBF0C); ok {
			if entries, err := ParseTLV(dir); err == nil {
				addEntries(entries)
			}
		}
	}
	return nil
}

// listOfAIDs selects each UnionPay AID (Book 1 §12.3.3): a card
// application whose DF name (84) is the AID or starts with it is a
// candidate, with the priority in its FCI; when the DF name is longer,
// SELECT next looks for more.
func listOfAIDs(cmd cmdFunc, add func([]byte, int)) error {
	for _, aid := range UnionPayAIDs {
		apdu := Select(aid)
		for range 16 {
			fci, err := cmd("SELECT AID", apdu)
			if err != nil {
				if e := swOK(err); e != nil {
					return e
				}
				var swe *SWError
				if errors.As(err, &swe) && swe.SW == 0x6283 {
					apdu = SelectNext(aid) // blocked: not a candidate, look further
					continue
				}
				break
			}
			tl, perr := ParseTLV(fci)
			name, ok := Find(tl, 0x84)
			if perr != nil || !ok || !bytes.HasPrefix(name, aid) {
				break
			}
			add(name, priority(tl))
			if len(name) == len(aid) {
				break
			}
			apdu = SelectNext(aid)
		}
	}
	return nil
}

// swOK returns nil for a status word error (the card answered) and err
// itself for any other failure.
func swOK(err error) error {
	if isSW(err) {
		return nil
	}
	return err
}

// readApp runs GET PROCESSING OPTIONS and READ RECORD over the AFL for
// the selected application. A GPO status word is returned as the
// *SWError; every other fault of the card as a cardFault.
func readApp(cmd cmdFunc, aid, fci []byte, term Terminal) (*Card, error) {
	tl, err := ParseTLV(fci)
	if err != nil {
		return nil, cardFault("bad application FCI", err)
	}
	if name, ok := Find(tl, 0x84); ok && bytes.HasPrefix(name, aid) {
		aid = name
	}
	card := &Card{AID: aid, PSN: -1}
	if l, ok := Find(tl, 0x50); ok {
		card.Label = string(l)
	}
	var pdolData []byte
	if pdol, ok := Find(tl, 0x9F38); ok {
		entries, err := ParseDOL(pdol)
		if err != nil {
			return nil, cardFault("bad PDOL", err)
		}
		for _, e := range entries {
			pdolData = append(pdolData, term.value(e.Tag, e.Len)...)
		}
	}
	if len(pdolData) > 250 {
		return nil, cardFault(fmt.Sprintf("PDOL asks for %d bytes", len(pdolData)), nil)
	}
	gpo, err := cmd("GPO", GPO(pdolData))
	if isSW(err) {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	gtl, err := ParseTLV(gpo)
	if err != nil || len(gtl) == 0 {
		return nil, cardFault("bad GPO answer", err)
	}
	var afl []byte
	var all []TLV
	switch gtl[0].Tag {
	case 0x80: // format 1: AIP (2) then AFL
		if len(gtl[0].Value) < 2 {
			return nil, cardFault("short GPO format 1", nil)
		}
		afl = gtl[0].Value[2:]
	case 0x77:
		afl, _ = Find(gtl, 0x94)
		all = append(all, gtl...)
	default:
		return nil, cardFault(fmt.Sprintf("GPO template %X", gtl[0].Tag), nil)
	}
	if len(afl) == 0 || len(afl)%4 != 0 {
		return nil, cardFault(fmt.Sprintf("AFL of %d bytes", len(afl)), nil)
	}
	for i := 0; i < len(afl); i += 4 {
		sfi, first, last := afl[i]>>3, afl[i+1], afl[i+2]
		if sfi == 0 || sfi > 30 || first == 0 || last < first {
			return nil, cardFault(fmt.Sprintf("bad AFL entry % X", afl[i:i+4]), nil)
		}
		for rec := int(first); rec <= int(last); rec++ {
			r, err := cmd(fmt.Sprintf("READ RECORD %d/%d", sfi, rec), ReadRecord(sfi, byte(rec)))
			if isSW(err) {
				return nil, cardFault(fmt.Sprintf("record %d of SFI %d named in the AFL cannot be read", rec, sfi), err)
			}
			if err != nil {
				return nil, err
			}
			rt, err := ParseTLV(r)
			if err != nil {
				return nil, cardFault(fmt.Sprintf("bad record %d of SFI %d", rec, sfi), err)
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
	if len(card.PAN) < 12 || len(card.PAN) > 19 || !digitsOnly(card.PAN) {
		return nil, cardFault("card has no readable PAN", nil)
	}
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
