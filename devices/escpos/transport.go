package escpos

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"guitai/devices"
)

// Transport carries bytes to a printer and its status answers back.
type Transport interface {
	io.ReadWriteCloser
}

// deadliner is a Transport whose reads and writes can time out.
type deadliner interface {
	SetDeadline(t time.Time) error
}

// Dial opens a transport to addr: "tcp://host:port" or "host:port" for a
// network printer (port 9100), "file:///dev/usb/lp0" or an absolute path
// for a character device or a file. A missing device is NoHardware; a
// refused or unreachable network printer is Offline.
func Dial(ctx context.Context, addr string) (Transport, error) {
	switch {
	case strings.HasPrefix(addr, "file://"):
		return openFile(strings.TrimPrefix(addr, "file://"))
	case strings.HasPrefix(addr, "/"):
		return openFile(addr)
	}
	addr = strings.TrimPrefix(addr, "tcp://")
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		code := devices.Offline
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			code = devices.NoHardware
		}
		if ctx.Err() != nil {
			code = devices.CodeOf(ctx.Err())
		}
		return nil, &devices.Error{Code: code, Op: "dial", Msg: "cannot reach printer at " + addr, Err: err}
	}
	return c, nil
}

func openFile(path string) (Transport, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|syscall.O_NOCTTY, 0)
	if err != nil {
		code := devices.Offline
		if errors.Is(err, os.ErrNotExist) {
			code = devices.NoHardware
		}
		return nil, &devices.Error{Code: code, Op: "open", Msg: "cannot open printer device " + path, Err: err}
	}
	return f, nil
}

// withDeadline applies ctx's deadline (or the fallback) to t while fn runs,
// and interrupts fn when ctx is canceled.
func withDeadline(ctx context.Context, t Transport, fallback time.Duration, fn func() error) error {
	d, ok := t.(deadliner)
	if !ok {
		return fn()
	}
	dl, has := ctx.Deadline()
	if !has {
		dl = time.Now().Add(fallback)
	}
	if err := d.SetDeadline(dl); err != nil {
		return fn() // regular files have no deadlines
	}
	stop := context.AfterFunc(ctx, func() { d.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		stop()
		d.SetDeadline(time.Time{})
	}()
	err := fn()
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}
