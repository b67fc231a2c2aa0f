// Package serialline holds what the teller's serial devices (the
// fingerprint module, the PIN pad) share: the port they talk over, opening
// it with the devices' error codes, reads bounded by a deadline and a
// context, and the raw pty their simulators serve on.
package serialline

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	"github.com/creack/pty"
	"go.bug.st/serial"
	"golang.org/x/sys/unix"

	"guitai/devices"
)

// Port is a serial line; go.bug.st/serial ports satisfy it.
type Port interface {
	io.ReadWriteCloser
	SetReadTimeout(time.Duration) error
	ResetInputBuffer() error
}

// Open opens the serial device path at baud. A port another process holds
// is devices.Busy, one that is not there devices.Offline.
func Open(path string, baud int) (Port, error) {
	p, err := serial.Open(path, &serial.Mode{BaudRate: baud})
	if err != nil {
		var pe *serial.PortError
		code := devices.CodeOf(err)
		if errors.As(err, &pe) && pe.Code() == serial.PortBusy {
			code = devices.Busy
		} else if code == devices.Failure {
			code = devices.Offline
		}
		return nil, &devices.Error{Code: code, Msg: "cannot open serial port " + path, Err: err}
	}
	return p, nil
}

// Reader reads a Port until a deadline (Arm), turning the (0, nil) of a
// serial read timeout into os.ErrDeadlineExceeded once it passes, and
// honouring a context.
type Reader struct {
	P        Port
	deadline time.Time
	ctx      context.Context
}

// Arm sets the deadline of the next reads: d from now, or ctx's deadline
// if sooner; ctx ends them early.
func (r *Reader) Arm(ctx context.Context, d time.Duration) {
	r.ctx = ctx
	r.deadline = time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && dl.Before(r.deadline) {
		r.deadline = dl
	}
}

// Read reads what the port has, waiting until the deadline.
func (r *Reader) Read(b []byte) (int, error) {
	for {
		if r.ctx != nil && r.ctx.Err() != nil {
			return 0, r.ctx.Err()
		}
		left := time.Until(r.deadline)
		if left <= 0 {
			return 0, os.ErrDeadlineExceeded
		}
		if err := r.P.SetReadTimeout(min(left, 20*time.Millisecond)); err != nil {
			return 0, err
		}
		n, err := r.P.Read(b)
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// OpenPTY opens a pty for a simulator: master, its side, non-blocking
// through Go's poller (so closing it interrupts a pending Read), and the
// device a driver opens (tty.Name()), raw: no echo, no line editing,
// 8-bit clean.
func OpenPTY() (master, tty *os.File, err error) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		return nil, nil, err
	}
	fd, err := unix.Dup(int(ptmx.Fd()))
	ptmx.Close()
	if err != nil {
		tty.Close()
		return nil, nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		tty.Close()
		return nil, nil, err
	}
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	if t, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS); err == nil {
		// cfmakeraw
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB
		t.Cflag |= unix.CS8
		_ = unix.IoctlSetTermios(int(tty.Fd()), unix.TCSETS, t)
	}
	return master, tty, nil
}
