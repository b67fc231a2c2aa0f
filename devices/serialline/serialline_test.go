package serialline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.bug.st/serial"

	"guitai/devices"
)

// TestReaderOverPTY: a raw pty carries bytes unchanged (no echo, no line
// editing, 8-bit), a read waits for them, and one with nothing to read
// ends at the deadline or when the context is cancelled.
func TestReaderOverPTY(t *testing.T) {
	master, tty, err := OpenPTY()
	if err != nil {
		t.Skip("no pty:", err)
	}
	defer master.Close()
	defer tty.Close()
	p, err := Open(tty.Name(), 9600)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := &Reader{P: p}

	sent := []byte{0x02, '\r', '\n', 0x03, 0xff, 0x00, 'x'}
	if _, err := master.Write(sent); err != nil {
		t.Fatal(err)
	}
	r.Arm(context.Background(), 2*time.Second)
	got := make([]byte, 0, len(sent))
	buf := make([]byte, 16)
	for len(got) < len(sent) {
		n, err := r.Read(buf)
		if err != nil {
			t.Fatalf("after %x: %v", got, err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != string(sent) {
		t.Fatalf("read %x, sent %x", got, sent)
	}

	r.Arm(context.Background(), 60*time.Millisecond)
	if _, err := r.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("nothing sent, deadline passed: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.Arm(ctx, time.Minute)
	if _, err := r.Read(buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// TestOpenMissing: a port that is not there is NoHardware, and says which.
func TestOpenMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ttyNone")
	_, err := Open(path, 9600)
	var e *devices.Error
	if !errors.As(err, &e) || e.Code != devices.NoHardware || e.Msg != "cannot open serial port "+path {
		t.Fatalf("%v", err)
	}
	var _ Port = (serial.Port)(nil) // go.bug.st/serial ports are Ports
}
