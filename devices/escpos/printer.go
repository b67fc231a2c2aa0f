package escpos

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"guitai/devices"
)

// Job is one receipt to print. ID identifies it across retries: a job that
// printed is never printed again by the same Printer.
type Job struct {
	ID   string
	Data []byte // ESC/POS bytes, e.g. from an Encoder
}

// Printer is the ESC/POS receipt printer driver. Its lifecycle methods come
// from the embedded *devices.Lifecycle: Open dials the transport, Enable
// checks the status, Close hangs up.
type Printer struct {
	*devices.Lifecycle

	// StatusTimeout bounds a status query when the context has no deadline.
	StatusTimeout time.Duration

	addr string

	mu      sync.Mutex
	t       Transport
	noStat  bool            // the transport cannot answer status (a plain file)
	printed map[string]bool // job IDs that printed completely
	last    Status
}

// NewPrinter returns a closed printer driver for addr (see [Dial]) with the
// logical name name.
func NewPrinter(name, addr string) *Printer {
	p := &Printer{addr: addr, StatusTimeout: 2 * time.Second,
		printed: map[string]bool{}}
	p.Lifecycle = devices.NewLifecycle(name, devices.Hooks{
		Open: func(ctx context.Context) error {
			t, err := Dial(ctx, addr)
			if err != nil {
				return err
			}
			fi, ok := t.(*os.File)
			p.mu.Lock()
			p.t = t
			p.noStat = ok && isRegular(fi)
			p.mu.Unlock()
			return nil
		},
		Enable: func(ctx context.Context) error {
			_, err := p.status(ctx)
			return err
		},
		Close: func(ctx context.Context) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.t == nil {
				return nil
			}
			err := p.t.Close()
			p.t = nil
			return err
		},
	})
	return p
}

func isRegular(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// Addr returns the configured address.
func (p *Printer) Addr() string { return p.addr }

// Status queries the printer with DLE EOT 1, 2 and 4.
func (p *Printer) Status(ctx context.Context) (Status, error) {
	done, err := p.Use(ctx, "status")
	if err != nil {
		return Status{}, err
	}
	s, err := p.status(ctx)
	return s, done(err)
}

func (p *Printer) status(ctx context.Context) (Status, error) {
	p.mu.Lock()
	t, noStat := p.t, p.noStat
	p.mu.Unlock()
	if t == nil {
		return Status{}, &devices.Error{Code: devices.NotClaimed, Msg: "printer is not open"}
	}
	if noStat {
		return Status{Online: true}, nil
	}
	var s Status
	err := withDeadline(ctx, t, p.StatusTimeout, func() error {
		if _, err := t.Write([]byte{DLE, EOT, 1, DLE, EOT, 2, DLE, EOT, 4}); err != nil {
			return err
		}
		var b [3]byte
		if _, err := io.ReadFull(t, b[:]); err != nil {
			return err
		}
		for i, n := range []byte{1, 2, 4} {
			if err := DecodeStatus(&s, n, b[i]); err != nil {
				return &devices.Error{Code: devices.HWError, Msg: "garbled status answer", Err: err}
			}
		}
		return nil
	})
	if err != nil {
		return Status{}, linkError(err)
	}
	p.report(s)
	return s, nil
}

// linkError classifies a transport failure.
func linkError(err error) error {
	var de *devices.Error
	switch {
	case errors.As(err, &de):
		return err
	case devices.CodeOf(err) == devices.Timeout:
		return &devices.Error{Code: devices.Timeout, Msg: "printer did not answer the status query", Err: err}
	case devices.CodeOf(err) == devices.Canceled:
		return &devices.Error{Code: devices.Canceled, Err: err}
	}
	return &devices.Error{Code: devices.Offline, Msg: "printer connection lost", Err: err}
}

// report emits status events for conditions that changed.
func (p *Printer) report(s Status) {
	p.mu.Lock()
	old := p.last
	p.last = s
	p.mu.Unlock()
	emit := func(was, is bool, name string) {
		if is && !was {
			p.Emit(devices.Event{Kind: devices.EventStatus, Status: name})
		}
	}
	emit(old.PaperOut, s.PaperOut, devices.StatusPaperOut)
	emit(old.PaperNearEnd, s.PaperNearEnd, devices.StatusPaperLow)
	emit(old.CoverOpen, s.CoverOpen, devices.StatusCoverOpen)
	emit(!old.Online, !s.Online, devices.StatusOffline)
	emit(old.Online, s.Online, devices.StatusOnline)
}

// notReady describes why a printer in state s cannot print.
func notReady(s Status, during bool) error {
	msg := "printer is offline"
	rec := "check the printer, then resend"
	switch {
	case s.PaperOut || s.PaperStop:
		msg, rec = "paper out", "load paper, then resend the receipt"
	case s.CoverOpen:
		msg, rec = "cover open", "close the printer cover, then resend the receipt"
	case s.Error:
		msg, rec = "printer error (cutter or mechanism)", "clear the jam or power-cycle the printer, then resend"
	}
	if during {
		msg += " during the job; the receipt is incomplete"
	}
	return &devices.Error{Code: devices.HWError, Msg: msg, Recovery: rec}
}

// Print sends the job and checks the printer's status before and after it.
// A job whose ID already printed is not sent again (Print returns nil). A
// job that failed part-way (paper out in the middle) makes the printer
// clear its buffers (DLE ENQ 2) at once, so that nothing of it prints when
// paper is loaded, and a later Print of the same ID sends it whole.
func (p *Printer) Print(ctx context.Context, job Job) error {
	done, err := p.Use(ctx, "print")
	if err != nil {
		return err
	}
	return done(p.print(ctx, job))
}

func (p *Printer) print(ctx context.Context, job Job) error {
	p.mu.Lock()
	t, seen := p.t, job.ID != "" && p.printed[job.ID]
	p.mu.Unlock()
	if seen {
		return nil
	}
	if t == nil {
		return &devices.Error{Code: devices.NotClaimed, Msg: "printer is not open"}
	}
	s, err := p.status(ctx)
	if err != nil {
		return err
	}
	if !s.Ready() {
		return notReady(s, false)
	}
	err = withDeadline(ctx, t, 30*time.Second, func() error {
		_, err := t.Write(job.Data)
		return err
	})
	if err != nil {
		return linkError(err)
	}
	s, err = p.status(ctx)
	if err != nil {
		return err
	}
	if !s.Ready() {
		// Recover and clear the buffers, then wait for a status answer so
		// that the printer has executed the clear before we return.
		_ = withDeadline(ctx, t, p.StatusTimeout, func() error {
			_, err := t.Write([]byte{DLE, ENQ, 2})
			return err
		})
		_, _ = p.status(ctx)
		return notReady(s, true)
	}
	p.mu.Lock()
	if job.ID != "" {
		p.printed[job.ID] = true
	}
	p.mu.Unlock()
	return nil
}

// Printed reports whether the job with that ID printed completely.
func (p *Printer) Printed(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.printed[id]
}

// Health queries the status: nil when the printer can print, an Offline or
// Timeout error when it does not answer, a HWError naming the condition
// (paper out, cover open) otherwise.
func (p *Printer) Health(ctx context.Context) error {
	s, err := p.Status(ctx)
	if err != nil {
		return err
	}
	if !s.Ready() {
		return devices.Wrap(notReady(s, false), p.Name(), "health", devices.HWError)
	}
	return nil
}
