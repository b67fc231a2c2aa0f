package finger

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"guitai/devices"
)

func TestAppendPacket(t *testing.T) {
	tests := []struct {
		name string
		p    Packet
		want []byte
	}{
		{"verify password", Packet{DefaultAddress, PIDCommand, []byte{CmdVfyPwd, 0, 0, 0, 0}},
			[]byte{0xEF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x07, 0x13, 0, 0, 0, 0, 0x00, 0x1B}},
		{"gen image", Packet{DefaultAddress, PIDCommand, []byte{CmdGenImg}},
			[]byte{0xEF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x03, 0x01, 0x00, 0x05}},
		{"ack ok", Packet{0x12345678, PIDAck, []byte{AckOK}},
			[]byte{0xEF, 0x01, 0x12, 0x34, 0x56, 0x78, 0x07, 0x00, 0x03, 0x00, 0x00, 0x0A}},
	}
	for _, tt := range tests {
		got := AppendPacket(nil, tt.p)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("%s: % x, want % x", tt.name, got, tt.want)
		}
		back, err := ReadPacket(bytes.NewReader(got))
		if err != nil || back.Addr != tt.p.Addr || back.PID != tt.p.PID || !bytes.Equal(back.Payload, tt.p.Payload) {
			t.Errorf("%s: read back %+v, %v", tt.name, back, err)
		}
	}
}

func TestReadPacketErrors(t *testing.T) {
	good := AppendPacket(nil, Packet{DefaultAddress, PIDAck, []byte{0}})
	mod := func(i int, b byte) []byte { c := bytes.Clone(good); c[i] = b; return c }
	tests := []struct {
		name  string
		in    []byte
		check func(error) bool
	}{
		{"header", mod(0, 0xEE), func(e error) bool { var fe *FrameError; return errors.As(e, &fe) }},
		{"pid", mod(6, 0x09), func(e error) bool { var fe *FrameError; return errors.As(e, &fe) }},
		{"length", mod(7, 0xFF), func(e error) bool { var fe *FrameError; return errors.As(e, &fe) }},
		{"checksum", mod(len(good)-1, 0), func(e error) bool { return errors.Is(e, ErrChecksum) }},
		{"truncated", good[:len(good)-1], func(e error) bool { return errors.Is(e, errUnexpectedEOF) }},
	}
	for _, tt := range tests {
		if _, err := ReadPacket(bytes.NewReader(tt.in)); !tt.check(err) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

func FuzzReadPacket(f *testing.F) {
	f.Add(AppendPacket(nil, Packet{DefaultAddress, PIDCommand, []byte{CmdSearch, 1, 0, 0, 3, 0xE8}}))
	f.Add([]byte{0xEF, 0x01, 0, 0, 0, 0, 0x02, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ReadPacket(bytes.NewReader(b))
		if err != nil {
			return
		}
		// A packet that reads cleanly re-encodes to the bytes it came from.
		enc := AppendPacket(nil, p)
		if !bytes.Equal(enc, b[:len(enc)]) {
			t.Fatalf("re-encoded % x, read from % x", enc, b)
		}
	})
}

func openSim(t *testing.T) (*Sim, *Module) {
	t.Helper()
	sim, err := NewSim()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	m := NewModule("finger", Config{Port: sim.Path(), Timeout: 300 * time.Millisecond, Poll: 5 * time.Millisecond})
	ctx := context.Background()
	for _, step := range []func(context.Context) error{m.Open, m.Claim, m.Enable} {
		if err := step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	return sim, m
}

func TestEnrollIdentifyOverPTY(t *testing.T) {
	sim, m := openSim(t)
	ctx := context.Background()
	sim.Enroll(0, "bob-thumb")
	var statuses []string
	m.Subscribe(func(ev devices.Event) {
		if ev.Kind == devices.EventStatus {
			statuses = append(statuses, ev.Status)
		}
	})
	// Finger absent, then placed, lifted, placed again.
	sim.Present("", "alice-index", "alice-index", "", "", "alice-index")
	if err := m.Enroll(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(statuses, ","); got != "lift-finger,place-finger-again" {
		t.Errorf("prompts %q", got)
	}
	if n, err := m.TemplateCount(ctx); err != nil || n != 2 {
		t.Fatalf("templates %d, %v", n, err)
	}
	tests := []struct {
		finger   string
		wantPage int
		wantCode devices.Code
	}{
		{"alice-index", 7, devices.OK},
		{"bob-thumb", 0, devices.OK},
		{"mallory", -1, devices.UserError},
	}
	for _, tt := range tests {
		sim.Rest(tt.finger)
		page, score, err := m.Identify(ctx)
		if devices.CodeOf(err) != tt.wantCode {
			t.Errorf("%s: err %v", tt.finger, err)
			continue
		}
		if err == nil && (page != tt.wantPage || score < 50) {
			t.Errorf("%s: page %d score %d", tt.finger, page, score)
		}
		if err != nil && !IsNoMatch(err) {
			t.Errorf("%s: %v is not a no-match", tt.finger, err)
		}
	}
	// Templates move out and back in.
	sim.Rest("alice-index")
	if err := m.LoadChar(ctx, 2, 7); err != nil {
		t.Fatal(err)
	}
	tpl, err := m.UpChar(ctx, 2)
	if err != nil || !bytes.Equal(tpl, Template("alice-index")) {
		t.Fatalf("UpChar: %d bytes, %v", len(tpl), err)
	}
	if err := m.DownChar(ctx, 2, Template("bob-thumb")); err != nil {
		t.Fatal(err)
	}
	if err := m.Store(ctx, 2, 9); err != nil {
		t.Fatal(err)
	}
	sim.Rest("bob-thumb")
	if err := m.Delete(ctx, 0, 1); err != nil {
		t.Fatal(err)
	}
	if page, _, err := m.Identify(ctx); err != nil || page != 9 {
		t.Errorf("after download: page %d, %v", page, err)
	}
}

func TestErrorsOverPTY(t *testing.T) {
	sim, m := openSim(t)
	ctx := context.Background()
	sim.Rest("carol")

	t.Run("no finger", func(t *testing.T) {
		sim.Rest("")
		defer sim.Rest("carol")
		ctx, cancel := context.WithTimeout(ctx, 80*time.Millisecond)
		defer cancel()
		_, _, err := m.Identify(ctx)
		var de *devices.Error
		if !errors.As(err, &de) || de.Code != devices.Timeout || !strings.Contains(de.Msg, "no finger") {
			t.Errorf("err = %v", err)
		}
		if err := m.GenImage(context.Background()); !IsNoFinger(err) || devices.CodeOf(err) != devices.UserError {
			t.Errorf("GenImage without finger: %v", err)
		}
	})
	t.Run("bad checksum", func(t *testing.T) {
		sim.Inject(FaultChecksum)
		err := m.GenImage(ctx)
		if devices.CodeOf(err) != devices.HWError || !errors.Is(err, ErrChecksum) {
			t.Errorf("err = %v", err)
		}
		if err := m.GenImage(ctx); err != nil { // the line recovers
			t.Errorf("after checksum fault: %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		sim.Inject(FaultSilent)
		start := time.Now()
		err := m.GenImage(ctx)
		if devices.CodeOf(err) != devices.Timeout || time.Since(start) > 2*time.Second {
			t.Errorf("err = %v after %v", err, time.Since(start))
		}
		if m.State() != devices.StateError {
			t.Errorf("state %v", m.State())
		}
		if err := m.GenImage(ctx); err != nil {
			t.Errorf("after timeout: %v", err)
		}
	})
	t.Run("messy", func(t *testing.T) {
		sim.Inject(FaultNone, FaultMessy)
		_, _, err := m.Identify(ctx)
		if devices.CodeOf(err) != devices.UserError || !strings.Contains(err.Error(), "messy") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("combine", func(t *testing.T) {
		sim.Present("carol", "", "dave")
		if err := m.Enroll(ctx, 3); devices.CodeOf(err) != devices.UserError {
			t.Errorf("err = %v", err)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	m := NewModule("finger", Config{Port: "/dev/nonexistent-tty"})
	if err := m.Open(context.Background()); devices.CodeOf(err) != devices.NoHardware {
		t.Errorf("missing port: %v", err)
	}
	sim, err := NewSim()
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.SetPassword(0x1234)
	m = NewModule("finger", Config{Port: sim.Path(), Timeout: 200 * time.Millisecond})
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close(ctx)
	var ae *AckError
	if err := m.Claim(ctx); !errors.As(err, &ae) || ae.Code != AckBadPassword {
		t.Errorf("wrong password: %v", err)
	}
	if err := m.GenImage(ctx); !errors.Is(err, devices.ErrNotClaimed) {
		t.Errorf("unclaimed: %v", err)
	}
}
