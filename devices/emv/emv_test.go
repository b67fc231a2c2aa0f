package emv

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"guitai/devices"
	"guitai/internal/golden"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseTLV(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            bool
	}{
		{"primitive", "5A 08 6222021234567890", "5A 6222021234567890\n", false},
		{"two-byte tag", "9F38 03 9F6604", "9F38 9F6604\n", false},
		{"constructed", "70 06 5F24 03 311231", "70\n  5F24 311231\n", false},
		{"padding", "00 5A 01 12 FF FF", "5A 12\n", false},
		{"long length", "5A 81 01 12", "5A 12\n", false},
		{"overrun", "5A 05 1234", "", true},
		{"truncated tag", "9F", "", true},
		{"bad length form", "5A 85 0000000001 00", "", true},
		{"nested error", "70 03 5A 05 12", "", true},
	}
	for _, tt := range tests {
		got, err := ParseTLV(unhex(tt.in))
		if (err != nil) != tt.err {
			t.Errorf("%s: err %v", tt.name, err)
			continue
		}
		if err != nil && !errors.Is(err, ErrTLV) {
			t.Errorf("%s: %v does not wrap ErrTLV", tt.name, err)
		}
		if err == nil && String(got) != tt.want {
			t.Errorf("%s: got %q want %q", tt.name, String(got), tt.want)
		}
	}
}

// The virtual card's application FCI, parsed, matches the golden tree.
func TestFCIGolden(t *testing.T) {
	c := NewVirtualCard()
	c.T0 = false
	resp, ok := c.Handle(Select(UnionPayAIDs[0]))
	if !ok || len(resp) < 2 || !bytes.HasSuffix(resp, []byte{0x90, 0x00}) {
		t.Fatalf("SELECT %X: % X", UnionPayAIDs[0], resp)
	}
	tl, err := ParseTLV(resp[:len(resp)-2])
	if err != nil {
		t.Fatal(err)
	}
	golden.CheckString(t, "testdata/fci.golden", String(tl))
	pdol, ok := Find(tl, 0x9F38)
	if !ok {
		t.Fatal("no PDOL (9F38) in the FCI")
	}
	dol, err := ParseDOL(pdol)
	if err != nil || len(dol) != 9 || dol[0] != (DOLEntry{0x9F66, 4}) {
		t.Errorf("PDOL %v %v", dol, err)
	}
}

func FuzzParseTLV(f *testing.F) {
	c := NewVirtualCard()
	c.T0 = false
	for _, a := range [][]byte{Select(ppseName), Select(UnionPayAIDs[0])} {
		r, _ := c.Handle(a)
		f.Add(r[:len(r)-2])
	}
	f.Add(unhex("9F38 03 9F6604 70 81 02 5A00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tl, err := ParseTLV(b)
		if err != nil {
			return
		}
		// Re-encoding primitive objects gives the same values back.
		for _, x := range tl {
			if x.Constructed() {
				continue
			}
			back, err := ParseTLV(AppendTLV(nil, x.Tag, x.Value))
			if err != nil || len(back) != 1 || !bytes.Equal(back[0].Value, x.Value) {
				t.Fatalf("round trip of %X: %v", x.Tag, err)
			}
		}
	})
}

// countingCard records the APDUs it sees.
type countingCard struct {
	*VirtualCard
	ins []string
}

func (c *countingCard) Transmit(ctx context.Context, a []byte) ([]byte, error) {
	c.ins = append(c.ins, hex.EncodeToString(a[:2]))
	return c.VirtualCard.Transmit(ctx, a)
}

func TestReadCard(t *testing.T) {
	for _, t0 := range []bool{false, true} {
		name := "T1"
		if t0 {
			name = "T0"
		}
		t.Run(name, func(t *testing.T) {
			vc := NewVirtualCard()
			vc.T0 = t0
			cc := &countingCard{VirtualCard: vc}
			var logs bytes.Buffer
			term := DefaultTerminal()
			term.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			card, err := ReadCard(context.Background(), cc, term)
			if err != nil {
				t.Fatal(err)
			}
			want := Card{PAN: DemoPAN, Expiry: "311231", Name: "ZHANG/SAN", PSN: 1, Label: "PBOC DEBIT"}
			if card.PAN != want.PAN || card.Expiry != want.Expiry || card.Name != want.Name || card.PSN != want.PSN || card.Label != want.Label {
				t.Errorf("card %+v", card)
			}
			if !strings.HasPrefix(card.Track2, DemoPAN+"D3112220") || len(card.Track2) > 37 {
				t.Errorf("track2 %q", card.Track2)
			}
			if !bytes.Equal(card.AID, UnionPayAIDs[0]) {
				t.Errorf("AID %X", card.AID)
			}
			if strings.Contains(logs.String(), DemoPAN) || strings.Contains(card.String(), DemoPAN) {
				t.Errorf("PAN in clear in the log:\n%s", logs.String())
			}
			if !strings.Contains(logs.String(), "6222***********0123") {
				t.Errorf("masked PAN not logged:\n%s", logs.String())
			}
			getResp := strings.Count(strings.Join(cc.ins, ","), "00c0")
			if t0 && getResp < 3 || !t0 && getResp != 0 {
				t.Errorf("%d GET RESPONSEs in %v", getResp, cc.ins)
			}
			if exp, err := card.ExpiryTime(); err != nil || exp.Year() != 2031 {
				t.Errorf("expiry %v %v", exp, err)
			}
		})
	}
}

func TestReadCardErrors(t *testing.T) {
	vc := NewVirtualCard()
	vc.PullAfter(5)
	_, err := ReadCard(context.Background(), vc, DefaultTerminal())
	if !errors.Is(err, devices.ErrUserError) || !strings.Contains(err.Error(), "removed") {
		t.Errorf("pulled card: %v", err)
	}
	// A card with no UnionPay application.
	foreign := transmitFunc(func(a []byte) []byte { return []byte{0x6A, 0x82} })
	_, err = ReadCard(context.Background(), foreign, DefaultTerminal())
	if devices.CodeOf(err) != devices.UserError || !strings.Contains(err.Error(), "UnionPay") {
		t.Errorf("foreign card: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadCard(ctx, NewVirtualCard(), DefaultTerminal()); devices.CodeOf(err) != devices.Canceled {
		t.Errorf("canceled: %v", err)
	}
}

type transmitFunc func([]byte) []byte

func (f transmitFunc) Transmit(_ context.Context, a []byte) ([]byte, error) { return f(a), nil }

func TestMaskPAN(t *testing.T) {
	for in, want := range map[string]string{DemoPAN: "6222***********0123", "12345678": "********", "": ""} {
		if got := MaskPAN(in); got != want {
			t.Errorf("MaskPAN(%q) = %q", in, got)
		}
	}
}

func BenchmarkReadCardInProcess(b *testing.B) {
	vc := NewVirtualCard()
	for b.Loop() {
		vc.Reset()
		vc.apdus = 0
		if _, err := ReadCard(context.Background(), vc, DefaultTerminal()); err != nil {
			b.Fatal(err)
		}
	}
}
