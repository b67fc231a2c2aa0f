package pinpad

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"guitai/devices"
	"guitai/devices/serialline"
)

// Port is the serial line a Pad talks over.
type Port = serialline.Port

// Config is how to reach a pad.
type Config struct {
	Port      string        // serial device, e.g. /dev/ttyUSB1
	Baud      int           // 9600 by default
	MasterKey Key           // terminal master key the pad holds; the working key travels under it
	Timeout   time.Duration // reply timeout of a command; 1 s when zero
}

// Prompt is one PIN entry.
type Prompt struct {
	// Text is shown on the pad's display ("请输入密码" when empty).
	Text string
	// PAN is the account the PIN block is bound to (format 0); "" binds
	// none.
	PAN string
	// Min and Max bound the digits the pad takes; 6 and 6 when zero.
	Min, Max int
	// Timeout is how long the pad waits for the customer; 60 s when zero,
	// at most 255 s.
	Timeout time.Duration
	// Keys, if not nil, is told the number of digits entered each time it
	// changes (0 after Clear), on the reading goroutine.
	Keys func(n int)
}

// Pad drives one PIN pad. Open opens the serial port; Claim resets the pad
// and loads a fresh working key under the master key.
type Pad struct {
	*devices.Lifecycle
	cfg Config

	mu      sync.Mutex // one exchange or entry at a time
	stopMu  sync.Mutex
	stop    context.CancelFunc // ends the entry under way, for Close
	ended   chan struct{}      // closed when the entry under way has ended
	port    Port
	pr      *serialline.Reader
	r       *bufio.Reader
	working *Key
}

// NewPad returns a closed driver for the pad described by cfg.
func NewPad(name string, cfg Config) *Pad {
	if cfg.Baud == 0 {
		cfg.Baud = 9600
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	p := &Pad{cfg: cfg}
	p.Lifecycle = devices.NewLifecycle(name, devices.Hooks{
		Open: func(ctx context.Context) error {
			sp, err := serialline.Open(cfg.Port, cfg.Baud)
			if err != nil {
				return err
			}
			p.mu.Lock()
			p.pr = &serialline.Reader{P: sp}
			p.port, p.r = sp, bufio.NewReader(p.pr)
			p.mu.Unlock()
			return nil
		},
		Claim: p.claim,
		Close: func(ctx context.Context) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.working != nil {
				p.working.Zero()
				p.working = nil
			}
			if p.port == nil {
				return nil
			}
			err := p.port.Close()
			p.port = nil
			return err
		},
	})
	return p
}

// Close stops the entry under way, if any (the pad is told), waits for it
// to end, then closes the pad as devices.Lifecycle.Close does.
func (p *Pad) Close(ctx context.Context) error {
	p.stopMu.Lock()
	stop, ended := p.stop, p.ended
	p.stopMu.Unlock()
	if stop != nil {
		stop()
		select {
		case <-ended:
		case <-ctx.Done():
			return &devices.Error{Code: devices.CodeOf(ctx.Err()), Device: p.Name(), Op: "close", Msg: "the PIN entry did not stop", Err: ctx.Err()}
		}
	}
	return p.Lifecycle.Close(ctx)
}

// claim resets the pad and loads a fresh working key.
func (p *Pad) claim(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.exchangeLocked(ctx, "reset", CmdReset, nil); err != nil {
		return err
	}
	w := new(Key)
	if _, err := rand.Read(w[:]); err != nil {
		return &devices.Error{Code: devices.Failure, Op: "load-key", Msg: "no randomness for the working key", Err: err}
	}
	if _, err := p.exchangeLocked(ctx, "load-key", CmdLoadKey, p.cfg.MasterKey.Wrap(w)); err != nil {
		w.Zero()
		return err
	}
	if p.working != nil {
		p.working.Zero()
	}
	p.working = w
	return nil
}

// arm sets the deadline of the next reads: d from now, or ctx's deadline
// if sooner.
func (p *Pad) arm(ctx context.Context, d time.Duration) { p.pr.Arm(ctx, d) }

// exchangeLocked sends a command and reads its acknowledgement, skipping
// events of an entry that ended meanwhile. It returns the ack's data after
// the status, or a coded error.
func (p *Pad) exchangeLocked(ctx context.Context, op string, cmd byte, payload []byte) ([]byte, error) {
	if p.port == nil {
		return nil, &devices.Error{Code: devices.NotClaimed, Op: op, Msg: "PIN pad is not open"}
	}
	p.arm(ctx, p.cfg.Timeout)
	_ = p.port.ResetInputBuffer()
	p.r.Reset(p.pr)
	if _, err := p.port.Write(AppendFrame(nil, Frame{Type: cmd, Payload: payload})); err != nil {
		return nil, &devices.Error{Code: devices.Offline, Op: op, Msg: "serial write failed", Err: err}
	}
	for {
		f, err := p.readFrame(op)
		if err != nil {
			return nil, err
		}
		if f.Type != TypeAck {
			continue // a late event
		}
		if len(f.Payload) == 0 {
			return nil, &devices.Error{Code: devices.HWError, Op: op, Msg: "empty acknowledgement"}
		}
		if st := Status(f.Payload[0]); st != StatusOK {
			return nil, statusErr(op, st)
		}
		return f.Payload[1:], nil
	}
}

func (p *Pad) readFrame(op string) (Frame, error) {
	f, err := ReadFrame(p.r)
	if err == nil {
		return f, nil
	}
	_ = p.port.ResetInputBuffer()
	p.r.Reset(p.pr)
	var fe *FrameError
	switch {
	case errors.Is(err, ErrChecksum):
		return f, &devices.Error{Code: devices.HWError, Op: op, Msg: "garbled frame from the PIN pad (bad checksum)", Err: err,
			Recovery: "check the serial cable and baud rate, then retry"}
	case errors.As(err, &fe):
		return f, &devices.Error{Code: devices.HWError, Op: op, Msg: "garbled frame from the PIN pad", Err: err,
			Recovery: "check the serial cable and baud rate, then retry"}
	}
	switch c := devices.CodeOf(err); c {
	case devices.Timeout:
		return f, &devices.Error{Code: devices.Timeout, Op: op, Msg: "the PIN pad did not answer", Err: err}
	case devices.Canceled:
		return f, &devices.Error{Code: devices.Canceled, Op: op, Err: err}
	}
	return f, &devices.Error{Code: devices.Offline, Op: op, Msg: "serial read failed", Err: err}
}

// run wraps an operation in the lifecycle's Use.
func (p *Pad) run(ctx context.Context, op string, fn func() error) error {
	done, err := p.Use(ctx, op)
	if err != nil {
		return err
	}
	return done(fn())
}

// Health asks the pad for its status.
func (p *Pad) Health(ctx context.Context) error {
	return p.run(ctx, "status", func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		_, err := p.exchangeLocked(ctx, "status", CmdStatus, nil)
		return err
	})
}

// readPINPayload is the payload of CmdReadPIN.
func readPINPayload(pr Prompt) ([]byte, error) {
	if pr.Min == 0 {
		pr.Min = 6
	}
	if pr.Max == 0 {
		pr.Max = max(6, pr.Min)
	}
	if pr.Timeout == 0 {
		pr.Timeout = 60 * time.Second
	}
	if pr.Text == "" {
		pr.Text = "请输入密码"
	}
	secs := int((pr.Timeout + time.Second - 1) / time.Second)
	switch {
	case pr.Min < 4 || pr.Max > 12 || pr.Min > pr.Max:
		return nil, fmt.Errorf("PIN length %d..%d is not within 4..12", pr.Min, pr.Max)
	case secs > 255:
		return nil, fmt.Errorf("timeout %v is over 255 s", pr.Timeout)
	case len(pr.PAN) > 19:
		return nil, fmt.Errorf("PAN of %d digits", len(pr.PAN))
	case len(pr.Text) > MaxPayload-4-len(pr.PAN):
		return nil, fmt.Errorf("prompt text of %d bytes", len(pr.Text))
	}
	if _, err := panField(pr.PAN); err != nil {
		return nil, err
	}
	b := []byte{byte(pr.Min), byte(pr.Max), byte(secs), byte(len(pr.PAN))}
	b = append(b, pr.PAN...)
	return append(b, pr.Text...), nil
}

// entryGrace is how long after the pad's own entry timeout the driver
// waits for its timeout event before it calls the pad silent.
const entryGrace = 2 * time.Second

// ReadPIN asks the customer for a PIN on the pad and waits until they
// press Enter. Prompt.Keys hears the number of digits as they type. The
// PIN comes back encrypted (see Reveal). A customer who presses Cancel gives
// a Canceled error wrapping ErrCustomerCancel, the pad's entry timer a
// Timeout error wrapping ErrEntryTimeout; ending ctx cancels the entry on
// the pad and gives Canceled (or Timeout for a deadline), as does Close.
func (p *Pad) ReadPIN(ctx context.Context, pr Prompt) (pin *PIN, err error) {
	payload, perr := readPINPayload(pr)
	if perr != nil {
		return nil, &devices.Error{Code: devices.Illegal, Op: "read-pin", Msg: perr.Error()}
	}
	wait := time.Duration(payload[2])*time.Second + entryGrace
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done, err := p.Use(ctx, "read-pin")
	if err != nil {
		return nil, err
	}
	fin := make(chan struct{})
	p.stopMu.Lock()
	p.stop, p.ended = stop, fin
	p.stopMu.Unlock()
	defer func() {
		p.stopMu.Lock()
		p.stop, p.ended = nil, nil
		p.stopMu.Unlock()
		close(fin) // after done: the pad is idle again
	}()
	err = done(func() error {
		p.mu.Lock()
		defer p.mu.Unlock()
		if _, err := p.exchangeLocked(ctx, "read-pin", CmdReadPIN, payload); err != nil {
			return err
		}
		p.arm(ctx, wait)
		for {
			f, err := p.readFrame("read-pin")
			if err != nil {
				if ctxErr := ended(ctx); ctxErr != nil {
					p.cancelLocked()
					return &devices.Error{Code: devices.CodeOf(ctxErr), Op: "read-pin", Msg: "PIN entry stopped", Err: ctxErr, DeviceOK: true}
				}
				return err
			}
			switch f.Type {
			case EvtKeys:
				if len(f.Payload) == 1 && pr.Keys != nil {
					pr.Keys(int(f.Payload[0]))
				}
			case EvtEnter:
				if len(f.Payload) != BlockSize+1 {
					return &devices.Error{Code: devices.HWError, Op: "read-pin", Msg: "short PIN block"}
				}
				pin = &PIN{pan: pr.PAN, n: int(f.Payload[0])}
				copy(pin.block[:], f.Payload[1:])
				clear(f.Payload)
				return nil
			case EvtCancel:
				return &devices.Error{Code: devices.Canceled, Op: "read-pin", Msg: "the customer cancelled on the pad",
					Err: ErrCustomerCancel, DeviceOK: true,
					Teller: devices.Text{Zh: "客户已在密码键盘上取消", En: "The customer cancelled on the PIN pad"}}
			case EvtTimeout:
				return &devices.Error{Code: devices.Timeout, Op: "read-pin", Msg: "no PIN entered in time",
					Err: ErrEntryTimeout, DeviceOK: true, Recovery: "ask the customer to enter the PIN again",
					Teller: devices.Text{Zh: "客户输入密码超时，请重新输入", En: "The customer took too long; try the PIN again"}}
			}
		}
	}())
	return pin, err
}

// ended is ctx's error, or DeadlineExceeded once its deadline has passed
// (the serial reader's deadline can fire just before the context's
// timer); nil while ctx runs.
func ended(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

// cancelLocked stops the entry on the pad; its answer is best effort.
func (p *Pad) cancelLocked() {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.Timeout)
	defer cancel()
	_, _ = p.exchangeLocked(ctx, "cancel", CmdCancel, nil)
}

// Reveal decrypts pin under the working key loaded at Claim and hands its
// digits to use; the digits are zeroed when use returns, so use must not
// keep the slice. This is the one place digits are in the clear.
func (p *Pad) Reveal(pin *PIN, use func(digits []byte) error) error {
	p.mu.Lock()
	if p.working == nil {
		p.mu.Unlock()
		return &devices.Error{Code: devices.NotClaimed, Op: "open-pin", Msg: "no working key: the PIN pad is not claimed"}
	}
	k := *p.working
	p.mu.Unlock()
	defer k.Zero()
	d, err := k.Open(pin)
	if err != nil {
		return &devices.Error{Code: devices.UserError, Op: "open-pin", Msg: "the PIN block does not decrypt", Err: err,
			DeviceOK: true, Recovery: "ask the customer to enter the PIN again"}
	}
	defer Zero(d)
	return use(d)
}
