package emv

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"guitai/devices"
	"guitai/idnum"
)

// recCard records the commands a VirtualCard gets, as "SELECT <name>",
// "GPO", "READ <sfi>/<rec>", "GET RESPONSE".
type recCard struct {
	*VirtualCard
	mu   sync.Mutex
	cmds []string
	sel  string
}

func (c *recCard) Transmit(ctx context.Context, a []byte) ([]byte, error) {
	var s string
	switch {
	case len(a) > 5 && a[1] == 0xA4:
		name := a[5 : 5+int(a[4])]
		if bytes.HasSuffix(name, []byte(".DDF01")) {
			s = "SELECT " + string(name)
		} else {
			s = "SELECT " + strings.ToUpper(hex.EncodeToString(name))
		}
		if a[3] == 0x02 {
			s += " next"
		}
	case a[1] == 0xA8:
		s = "GPO"
	case a[1] == 0xB2:
		s = "READ " + string(rune('0'+a[3]>>3)) + "/" + string(rune('0'+a[2]))
	case a[1] == 0xC0:
		s = "GET RESPONSE"
	default:
		s = hex.EncodeToString(a)
	}
	c.mu.Lock()
	c.cmds = append(c.cmds, s)
	c.mu.Unlock()
	return c.VirtualCard.Transmit(ctx, a)
}

func (c *recCard) log() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, s := range c.cmds {
		// GET RESPONSE (61xx) and the READ RECORD sent again with the
		// right Le (6Cxx) are T=0's, not the selection's.
		if s != "GET RESPONSE" && !(len(out) > 0 && strings.HasPrefix(s, "READ") && out[len(out)-1] == s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

const (
	debit  = "A000000333010101"
	credit = "A000000333010102"
	quasi  = "A000000333010103"
)

func app(aid string, prio int, pan string) App {
	b, _ := hex.DecodeString(aid)
	return App{AID: b, Label: "APP " + aid[len(aid)-2:], Priority: prio, PAN: pan, Expiry: "301231", Name: "TEST/CARD", PSN: 1}
}

// The selection rules of EMV Book 1 §12 and Book 3 §10.1, each on a card
// made for it, in process.
func TestApplicationSelection(t *testing.T) {
	tests := []struct {
		name        string
		card        *VirtualCard
		contactless bool
		wantAID     string
		wantPAN     string
		wantLog     string // the commands, GET RESPONSE left out; "" not checked
	}{
		{
			name:    "87=00 ranks after an assigned priority (PSE)",
			card:    &VirtualCard{Apps: []App{app(debit, 0, MultiDebitPAN), app(credit, 2, MultiCreditPAN)}, PSE: []int{0, 1}},
			wantAID: credit, wantPAN: MultiCreditPAN,
			wantLog: "SELECT 1PAY.SYS.DDF01, READ 1/1, READ 1/2, READ 1/3, SELECT " + credit + ", GPO, READ 1/1, READ 1/2, READ 2/1, READ 2/2",
		},
		{
			name:    "87 absent ranks after an assigned priority",
			card:    &VirtualCard{Apps: []App{app(debit, -1, MultiDebitPAN), app(credit, 15, MultiCreditPAN)}, PSE: []int{0, 1}},
			wantAID: credit, wantPAN: MultiCreditPAN,
		},
		{
			name:    "equal priorities keep the card's order",
			card:    &VirtualCard{Apps: []App{app(credit, 3, MultiCreditPAN), app(debit, 3, MultiDebitPAN)}, PSE: []int{0, 1}},
			wantAID: credit, wantPAN: MultiCreditPAN,
		},
		{
			name:    "no PSE: the FCIs' priorities order the AIDs, not the order they selected in",
			card:    &VirtualCard{Apps: []App{app(debit, 3, MultiDebitPAN), app(credit, 1, MultiCreditPAN)}},
			wantAID: credit, wantPAN: MultiCreditPAN,
			wantLog: "SELECT 1PAY.SYS.DDF01, SELECT 2PAY.SYS.DDF01, SELECT " + debit + ", SELECT " + credit + ", SELECT " + quasi +
				", SELECT " + credit + ", GPO, READ 1/1, READ 1/2, READ 2/1, READ 2/2",
		},
		{
			name:    "contact reader: the PSE before the PPSE",
			card:    &VirtualCard{Apps: []App{app(debit, 2, MultiDebitPAN), app(credit, 1, MultiCreditPAN)}, PSE: []int{0}, PPSE: []int{1}},
			wantAID: debit, wantPAN: MultiDebitPAN,
		},
		{
			name:        "contactless reader: the PPSE before the PSE",
			card:        &VirtualCard{Apps: []App{app(debit, 2, MultiDebitPAN), app(credit, 1, MultiCreditPAN)}, PSE: []int{0}, PPSE: []int{1}},
			contactless: true,
			wantAID:     credit, wantPAN: MultiCreditPAN,
		},
		{
			name: "GPO 6985 drops the application and selects the next",
			card: func() *VirtualCard {
				c := &VirtualCard{Apps: []App{app(debit, 1, MultiDebitPAN), app(credit, 2, MultiCreditPAN)}, PSE: []int{0, 1}}
				c.Apps[0].GPOStatus = 0x6985
				return c
			}(),
			wantAID: credit, wantPAN: MultiCreditPAN,
			wantLog: "SELECT 1PAY.SYS.DDF01, READ 1/1, READ 1/2, READ 1/3, SELECT " + debit + ", GPO, SELECT " + credit +
				", GPO, READ 1/1, READ 1/2, READ 2/1, READ 2/2",
		},
		{
			name: "a blocked application (6283) is not a candidate",
			card: func() *VirtualCard {
				c := &VirtualCard{Apps: []App{app(debit, 1, MultiDebitPAN), app(credit, 2, MultiCreditPAN)}}
				c.Apps[0].Blocked = true
				return c
			}(),
			wantAID: credit, wantPAN: MultiCreditPAN,
		},
		{
			name:    "longer AIDs found by SELECT next",
			card:    &VirtualCard{Apps: []App{app(debit+"01", 2, MultiDebitPAN), app(debit+"02", 1, MultiCreditPAN)}},
			wantAID: debit + "02", wantPAN: MultiCreditPAN,
			wantLog: "SELECT 1PAY.SYS.DDF01, SELECT 2PAY.SYS.DDF01, SELECT " + debit + ", SELECT " + debit + " next, SELECT " + debit +
				" next, SELECT " + credit + ", SELECT " + quasi + ", SELECT " + debit + "02, GPO, READ 1/1, READ 1/2, READ 2/1, READ 2/2",
		},
		{
			name:    "second layout: T=0, no PSE, 00 last, 6985 dropped",
			card:    NewMultiAppCard(),
			wantAID: quasi, wantPAN: MultiQuasiPAN,
			wantLog: "SELECT 1PAY.SYS.DDF01, SELECT 2PAY.SYS.DDF01, SELECT " + debit + ", SELECT " + credit + ", SELECT " + quasi +
				", SELECT " + credit + ", GPO, SELECT " + quasi + ", GPO, READ 1/1, READ 1/2, READ 2/1, READ 2/2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &recCard{VirtualCard: tt.card}
			term := DefaultTerminal()
			term.Contactless = tt.contactless
			card, err := ReadCard(context.Background(), rc, term)
			if err != nil {
				t.Fatalf("%v\ncommands: %s", err, rc.log())
			}
			if got := strings.ToUpper(hex.EncodeToString(card.AID)); got != tt.wantAID || card.PAN != tt.wantPAN {
				t.Errorf("read %s PAN %s, want %s PAN %s\ncommands: %s", got, card.PAN, tt.wantAID, tt.wantPAN, rc.log())
			}
			if tt.wantLog != "" && rc.log() != tt.wantLog {
				t.Errorf("commands\n%s\nwant\n%s", rc.log(), tt.wantLog)
			}
		})
	}
}

func TestNoUsableApplication(t *testing.T) {
	c := &VirtualCard{Apps: []App{app(debit, 1, MultiDebitPAN), app(credit, 2, MultiCreditPAN)}, PSE: []int{0, 1}}
	c.Apps[0].GPOStatus, c.Apps[1].GPOStatus = 0x6985, 0x6985
	_, err := ReadCard(context.Background(), c, DefaultTerminal())
	var de *devices.Error
	if !errors.As(err, &de) || de.Code != devices.UserError || !de.DeviceOK {
		t.Fatalf("err = %#v", err)
	}
	if got := devices.Say(err, "zh"); got != "卡片上的应用均不可用（已锁定或拒绝交易），请换一张卡" {
		t.Errorf("zh %q", got)
	}
	if got := devices.Say(err, "en"); !strings.HasPrefix(got, "None of the card's applications") {
		t.Errorf("en %q", got)
	}
	// GPO answered with another status: the card is faulty, and the
	// teller is not shown a status word.
	c = &VirtualCard{Apps: []App{app(debit, 1, MultiDebitPAN)}, PSE: []int{0}}
	c.Apps[0].GPOStatus = 0x6A81
	_, err = ReadCard(context.Background(), c, DefaultTerminal())
	if devices.CodeOf(err) != devices.HWError || !devices.DeviceOK(err) || strings.Contains(devices.Say(err, "en"), "6A81") {
		t.Errorf("GPO 6A81: %v / %q", err, devices.Say(err, "en"))
	}
}

// A mute card holds the read only until the caller's deadline.
func TestMuteCardInProcess(t *testing.T) {
	for _, after := range []int{0, 4} {
		c := NewVirtualCard()
		c.MuteAfter(after)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		_, err := ReadCard(ctx, c, DefaultTerminal())
		cancel()
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("mute after %d: read took %v", after, took)
		}
		if devices.CodeOf(err) != devices.Timeout || !devices.DeviceOK(err) {
			t.Errorf("mute after %d: %v", after, err)
		}
		if got := devices.Say(err, "zh"); got != "读卡超时，请重新插卡" {
			t.Errorf("zh %q", got)
		}
		select {
		case <-c.Muted():
		default:
			t.Errorf("mute after %d: the card never went mute", after)
		}
	}
}

// atrProtocols returns the protocols an ATR offers (ISO 7816-3: the T of
// every TDi; T=0 when there is none).
func atrProtocols(atr []byte) map[int]bool {
	out := map[int]bool{}
	if len(atr) < 2 {
		return out
	}
	y, i := atr[1]>>4, 2
	for {
		for _, bit := range []byte{1, 2, 4} {
			if y&bit != 0 {
				i++
			}
		}
		if y&8 == 0 || i >= len(atr) {
			break
		}
		td := atr[i]
		out[int(td&0x0F)] = true
		y, i = td>>4, i+1
	}
	if len(out) == 0 {
		out[0] = true
	}
	return out
}

// Both layouts follow the EMV data rules the teller relies on.
func TestVirtualCardsConform(t *testing.T) {
	layouts := map[string]*VirtualCard{"demo": NewVirtualCard(), "demo T=0": func() *VirtualCard {
		c := NewVirtualCard()
		c.T0 = true
		return c
	}(), "multi": NewMultiAppCard()}
	for name, c := range layouts {
		t.Run(name, func(t *testing.T) {
			protos := atrProtocols(c.ATR())
			if len(protos) != 1 || protos[0] != c.T0 {
				t.Errorf("ATR % X offers %v, T0 %v", c.ATR(), protos, c.T0)
			}
			// T=0 status words only from a T=0 card.
			resp, _ := c.Handle(Select(c.Apps[0].AID))
			if got := resp[len(resp)-2] == 0x61; got != c.T0 {
				t.Errorf("SELECT answered % X with T0 %v", resp, c.T0)
			}
			c.Reset()
			if c.PSE != nil {
				data, _, err := Exchange(context.Background(), c, Select(pseName))
				tl, perr := ParseTLV(data)
				sfi, ok := Find(tl, 0x88)
				if err != nil || perr != nil || !ok || len(sfi) != 1 || sfi[0] < 1 || sfi[0] > 10 {
					t.Errorf("PSE FCI %X: SFI %X (%v %v)", data, sfi, err, perr)
				}
			}
			for i := range c.Apps {
				a := &c.Apps[i]
				if !idnum.Luhn(a.PAN) || len(a.PAN) < 12 || len(a.PAN) > 19 {
					t.Errorf("PAN %s fails Luhn", a.PAN)
				}
				var all []TLV
				for _, r := range a.records() {
					tl, err := ParseTLV(r)
					if err != nil || len(tl) != 1 || tl[0].Tag != 0x70 {
						t.Fatalf("record %X: %v", r, err)
					}
					all = append(all, tl...)
				}
				if t2, _ := Find(all, 0x57); len(t2) == 0 || len(t2) > 19 {
					t.Errorf("tag 57 of %d bytes", len(t2))
				}
				for _, tag := range []uint32{0x5F24, 0x8C, 0x8D} { // Book 3 §7.2 mandatory data
					if _, ok := Find(all, tag); !ok {
						t.Errorf("no %X", tag)
					}
				}
				_, has5A := Find(all, 0x5A)
				if has5A == a.NoTag5A {
					t.Errorf("5A present %v, NoTag5A %v", has5A, a.NoTag5A)
				}
				_, hasCVM := Find(all, 0x8E)
				if aip[0]&0x10 != 0 && !hasCVM {
					t.Error("AIP claims cardholder verification without a CVM list (8E)")
				}
				_, hasCAPK := Find(all, 0x8F)
				_, hasIssuerCert := Find(all, 0x90)
				_, hasICCCert := Find(all, 0x9F46)
				if aip[0]&0x40 != 0 && !(hasCAPK && hasIssuerCert) || aip[0]&0x21 != 0 && !hasICCCert {
					t.Errorf("AIP %X claims offline data authentication without its data", aip)
				}
			}
		})
	}
}

// FuzzReadCard feeds ReadCard arbitrary card answers: it must not panic,
// and what it returns is either a card with a PAN or a device error (never
// a bare status word for the teller to see).
func FuzzReadCard(f *testing.F) {
	// Seeds: the answers of the two layouts, as frames of 2-byte length +
	// response.
	for _, c := range []*VirtualCard{NewVirtualCard(), NewMultiAppCard()} {
		var seed []byte
		rc := &replayCard{vc: c}
		ReadCard(context.Background(), rc, DefaultTerminal())
		for _, r := range rc.seen {
			seed = append(seed, byte(len(r)>>8), byte(len(r)))
			seed = append(seed, r...)
		}
		f.Add(seed)
	}
	f.Add([]byte{0, 2, 0x61, 0x00, 0, 2, 0x6C, 0x05})
	f.Fuzz(func(t *testing.T, b []byte) {
		tr := transmitFunc(func([]byte) []byte {
			if len(b) < 2 {
				return []byte{0x6A, 0x82}
			}
			n := int(b[0])<<8 | int(b[1])
			b = b[2:]
			n = min(n, len(b))
			r := b[:n]
			b = b[n:]
			return r
		})
		card, err := ReadCard(context.Background(), tr, DefaultTerminal())
		if err == nil {
			if len(card.PAN) < 12 || len(card.PAN) > 19 || !digitsOnly(card.PAN) {
				t.Fatalf("PAN %q", card.PAN)
			}
			return
		}
		var de *devices.Error
		if !errors.As(err, &de) || devices.Say(err, "zh") == "" {
			t.Fatalf("not a device error: %v", err)
		}
	})
}

// replayCard records a VirtualCard's answers.
type replayCard struct {
	vc   *VirtualCard
	seen [][]byte
}

func (r *replayCard) Transmit(ctx context.Context, a []byte) ([]byte, error) {
	resp, err := r.vc.Transmit(ctx, a)
	if err == nil {
		r.seen = append(r.seen, resp)
	}
	return resp, err
}
