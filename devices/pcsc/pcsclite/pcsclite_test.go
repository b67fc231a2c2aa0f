package pcsclite

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePCSCD answers the client's requests as pcscd 1.9 does, for one
// reader holding a T=0-only card.
type fakePCSCD struct {
	ln   net.Listener
	mute bool // never answer SCardTransmit

	mu        sync.Mutex
	preferred uint32 // dwPreferredProtocols of the last SCardConnect
	sendPCI   uint32 // ioSendPci.dwProtocol of the last SCardTransmit
	apdu      []byte
}

func startFake(t *testing.T, mute bool) (*fakePCSCD, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pcscd.comm")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakePCSCD{ln: ln, mute: mute}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f, path
}

func (f *fakePCSCD) serve(c net.Conn) {
	defer c.Close()
	for {
		var h [8]byte
		if _, err := io.ReadFull(c, h[:]); err != nil {
			return
		}
		p := make([]byte, binary.LittleEndian.Uint32(h[:]))
		if _, err := io.ReadFull(c, p); err != nil {
			return
		}
		switch binary.LittleEndian.Uint32(h[4:]) {
		case cmdVersion:
			rv := uint32(0)
			if u32(p, 4) != 4 {
				rv = uint32(ErrNoService)
			}
			c.Write(le32(4, 4, rv))
		case cmdEstablishContext:
			c.Write(le32(u32(p, 0), 0x1234, 0))
		case cmdReleaseContext:
			c.Write(le32(u32(p, 0), 0))
		case cmdGetReaderState:
			out := make([]byte, readerStateLen*maxReaders)
			copy(out, "Fake Reader 00 00")
			binary.LittleEndian.PutUint32(out[128:], 3)
			binary.LittleEndian.PutUint32(out[132:], StatePresent|StatePowered|StateNegotiable)
			copy(out[140:], []byte{0x3B, 0x02, 0x14, 0x50})
			binary.LittleEndian.PutUint32(out[176:], 4)
			c.Write(out)
		case cmdConnect:
			f.mu.Lock()
			f.preferred = u32(p, 136)
			f.mu.Unlock()
			binary.LittleEndian.PutUint32(p[140:], 0x77)
			if u32(p, 136)&ProtocolT0 != 0 {
				binary.LittleEndian.PutUint32(p[144:], ProtocolT0)
			} else {
				binary.LittleEndian.PutUint32(p[148:], uint32(ErrProtoMismatch))
			}
			c.Write(p)
		case cmdTransmit:
			apdu := make([]byte, u32(p, 12))
			if _, err := io.ReadFull(c, apdu); err != nil {
				return
			}
			f.mu.Lock()
			f.sendPCI, f.apdu = u32(p, 4), apdu
			f.mu.Unlock()
			if f.mute {
				continue
			}
			rv := uint32(0)
			if u32(p, 4) != ProtocolT0 {
				rv = uint32(ErrProtoMismatch)
			}
			binary.LittleEndian.PutUint32(p[24:], 2)
			binary.LittleEndian.PutUint32(p[28:], rv)
			c.Write(p)
			if rv == 0 {
				c.Write([]byte{0x90, 0x00})
			}
		case cmdDisconnect:
			c.Write(le32(u32(p, 0), u32(p, 4), 0))
		default:
			return
		}
	}
}

func TestT0Negotiated(t *testing.T) {
	f, path := startFake(t, false)
	ctx := context.Background()
	c, err := EstablishContext(ctx, path, ScopeSystem)
	if err != nil {
		t.Fatal(err)
	}
	defer c.ReleaseContext(ctx)
	st, err := c.ReaderStates(ctx)
	if err != nil || len(st) != 1 {
		t.Fatalf("states %v %v", st, err)
	}
	if st[0].Name != "Fake Reader 00 00" || !bytes.Equal(st[0].ATR, []byte{0x3B, 0x02, 0x14, 0x50}) ||
		st[0].State&StatePresent == 0 || st[0].Events != 3 {
		t.Errorf("state %+v", st[0])
	}
	if _, err := c.Connect(ctx, st[0].Name, ShareShared, ProtocolT1); !errors.Is(err, ErrProtoMismatch) {
		t.Errorf("T=1 only: %v", err)
	}
	card, err := c.Connect(ctx, st[0].Name, ShareShared, ProtocolT0|ProtocolT1)
	if err != nil {
		t.Fatal(err)
	}
	if card.Protocol() != ProtocolT0 {
		t.Errorf("active protocol %d", card.Protocol())
	}
	resp, err := card.Transmit(ctx, []byte{0x00, 0xA4, 0x04, 0x00, 0x01, 0xA0, 0x00})
	if err != nil || !bytes.Equal(resp, []byte{0x90, 0x00}) {
		t.Fatalf("transmit: % X %v", resp, err)
	}
	f.mu.Lock()
	pci, apdu := f.sendPCI, f.apdu
	f.mu.Unlock()
	if pci != ProtocolT0 || len(apdu) != 7 {
		t.Errorf("sent PCI %d, APDU % X", pci, apdu)
	}
	if err := card.Disconnect(ctx, LeaveCard); err != nil {
		t.Error(err)
	}
}

// A card that never answers holds Transmit only until the context ends;
// the client is then broken and says so at once.
func TestTransmitHonoursContext(t *testing.T) {
	_, path := startFake(t, true)
	c, err := EstablishContext(context.Background(), path, ScopeSystem)
	if err != nil {
		t.Fatal(err)
	}
	card, err := c.Connect(context.Background(), "Fake Reader 00 00", ShareShared, ProtocolAny)
	if err != nil {
		t.Fatal(err)
	}
	for _, cancelFirst := range []bool{false, true} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		if cancelFirst {
			cancel()
		}
		start := time.Now()
		_, err = card.Transmit(ctx, []byte{0x00, 0xB2, 0x01, 0x0C, 0x00})
		cancel()
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("transmit returned after %v", took)
		}
		if !cancelFirst && !errors.Is(err, context.DeadlineExceeded) || cancelFirst && !errors.Is(err, context.Canceled) && !errors.Is(err, ErrBroken) {
			t.Errorf("cancelFirst %v: err %v", cancelFirst, err)
		}
	}
	if c.Broken() == nil {
		t.Fatal("client not broken after an interrupted transmit")
	}
	if _, err := c.ListReaders(context.Background()); !errors.Is(err, ErrBroken) {
		t.Errorf("after: %v", err)
	}
}

func TestErrorCodeText(t *testing.T) {
	var err error = ErrNoSmartcard
	if !strings.Contains(err.Error(), "no smart card") || !strings.Contains(err.Error(), "0x8010000C") {
		t.Errorf("%q", err.Error())
	}
	var ec ErrorCode
	if !errors.As(err, &ec) || ec != ErrNoSmartcard {
		t.Error("errors.As")
	}
}

func FuzzParseReaderStates(f *testing.F) {
	rec := make([]byte, readerStateLen)
	copy(rec, "Virtual PCD 00 00")
	binary.LittleEndian.PutUint32(rec[176:], 4)
	f.Add(rec)
	f.Add(append(rec, rec[:100]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range parseReaderStates(b) {
			if s.Name == "" || strings.HasSuffix(s.Name, "\x00") || len(s.ATR) > maxATR {
				t.Fatalf("%+v", s)
			}
		}
	})
}
