package finger

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"guitai/devices"
	"guitai/devices/serialline"
)

// AckError is a confirmation code other than OK from the module. It is
// wrapped in a *devices.Error; use errors.As to read the code.
type AckError struct {
	Code byte
}

// Error describes the code.
func (e *AckError) Error() string {
	if s, ok := ackText[e.Code]; ok {
		return fmt.Sprintf("%s (code %#02x)", s, e.Code)
	}
	return fmt.Sprintf("module error code %#02x", e.Code)
}

// ackErr turns a confirmation code into a coded device error.
func ackErr(op string, code byte) error {
	e := &devices.Error{Op: op, Code: devices.HWError, Err: &AckError{Code: code}, Msg: (&AckError{Code: code}).Error()}
	switch code {
	case AckNoFinger:
		e.Code, e.Recovery = devices.UserError, "ask the customer to place a finger on the sensor"
	case AckNotFound, AckNoMatch:
		e.Code, e.Recovery = devices.UserError, "try another finger, or verify by password"
	case AckEnrollFail, AckMessy, AckFewFeatures, AckBadImage, AckCombineFail:
		e.Code, e.Recovery = devices.UserError, "clean the sensor, press the finger flat and try again"
	case AckBadPassword:
		e.Recovery = "check the module password in the device configuration"
	case AckPacketError:
		e.Recovery = "check the serial cable and baud rate, then retry"
	}
	return e
}

// IsNoFinger reports whether err says no finger was on the sensor.
func IsNoFinger(err error) bool { return ackCode(err) == AckNoFinger }

// IsNoMatch reports whether err says the finger matched no template.
func IsNoMatch(err error) bool {
	c := ackCode(err)
	return c == AckNotFound || c == AckNoMatch
}

func ackCode(err error) int {
	var a *AckError
	if errors.As(err, &a) {
		return int(a.Code)
	}
	return -1
}

// Port is the serial line a Module talks over.
type Port = serialline.Port

// Config is how to reach a module.
type Config struct {
	Port     string        // serial device, e.g. /dev/ttyUSB0
	Baud     int           // 57600 by default
	Address  uint32        // DefaultAddress (0xFFFFFFFF) when zero
	Password uint32        // module password, 0 by factory default
	Capacity int           // template pages searched, 1000 when zero
	Timeout  time.Duration // per-command reply timeout when ctx has none; 1 s when zero
	Poll     time.Duration // interval between captures while waiting for a finger; 100 ms when zero
}

// Module drives one fingerprint module. Open opens the serial port, Claim
// verifies the module password (so a wrong or absent module fails there).
type Module struct {
	*devices.Lifecycle
	cfg Config

	mu   sync.Mutex // one exchange at a time
	port Port
	pr   *serialline.Reader
	r    *bufio.Reader
}

// NewModule returns a closed driver for the module described by cfg.
func NewModule(name string, cfg Config) *Module {
	if cfg.Baud == 0 {
		cfg.Baud = 57600
	}
	if cfg.Address == 0 {
		cfg.Address = DefaultAddress
	}
	if cfg.Capacity == 0 {
		cfg.Capacity = 1000
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	if cfg.Poll == 0 {
		cfg.Poll = 100 * time.Millisecond
	}
	m := &Module{cfg: cfg}
	m.Lifecycle = devices.NewLifecycle(name, devices.Hooks{
		Open: func(ctx context.Context) error {
			p, err := serialline.Open(cfg.Port, cfg.Baud)
			if err != nil {
				return err
			}
			m.mu.Lock()
			m.pr = &serialline.Reader{P: p}
			m.port, m.r = p, bufio.NewReader(m.pr)
			m.mu.Unlock()
			return nil
		},
		Claim: func(ctx context.Context) error { return m.verifyPassword(ctx) },
		Close: func(ctx context.Context) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			if m.port == nil {
				return nil
			}
			err := m.port.Close()
			m.port = nil
			return err
		},
	})
	return m
}

// exchange sends a command and reads its acknowledgement. It returns the
// ack payload after the confirmation code, or a coded error.
func (m *Module) exchange(ctx context.Context, op string, cmd []byte) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.exchangeLocked(ctx, op, cmd)
}

func (m *Module) exchangeLocked(ctx context.Context, op string, cmd []byte) ([]byte, error) {
	if m.port == nil {
		return nil, &devices.Error{Code: devices.NotClaimed, Op: op, Msg: "module is not open"}
	}
	m.arm(ctx)
	// Nothing stale may be read as this command's answer: not what our
	// reader buffered, nor a late reply to a command that timed out.
	_ = m.port.ResetInputBuffer()
	m.r.Reset(m.pr)
	if _, err := m.port.Write(AppendPacket(nil, Packet{Addr: m.cfg.Address, PID: PIDCommand, Payload: cmd})); err != nil {
		return nil, &devices.Error{Code: devices.Offline, Op: op, Msg: "serial write failed", Err: err}
	}
	p, err := m.readPacket(op)
	if err != nil {
		return nil, err
	}
	if p.PID != PIDAck || len(p.Payload) == 0 {
		return nil, &devices.Error{Code: devices.HWError, Op: op, Msg: fmt.Sprintf("unexpected packet id %#02x", p.PID)}
	}
	if p.Payload[0] != AckOK {
		return p.Payload[1:], ackErr(op, p.Payload[0])
	}
	return p.Payload[1:], nil
}

// arm sets the deadline of the next reads from ctx or the configured timeout.
func (m *Module) arm(ctx context.Context) { m.pr.Arm(ctx, m.cfg.Timeout) }

func (m *Module) readPacket(op string) (Packet, error) {
	p, err := ReadPacket(m.r)
	if err == nil {
		return p, nil
	}
	_ = m.port.ResetInputBuffer()
	m.r.Reset(m.pr)
	var fe *FrameError
	switch {
	case errors.Is(err, ErrChecksum):
		return p, &devices.Error{Code: devices.HWError, Op: op, Msg: "garbled reply from the module (bad checksum)", Err: err,
			Recovery: "check the serial cable and baud rate, then retry"}
	case errors.As(err, &fe):
		return p, &devices.Error{Code: devices.HWError, Op: op, Msg: "garbled reply from the module", Err: err,
			Recovery: "check the serial cable and baud rate, then retry"}
	}
	switch c := devices.CodeOf(err); c {
	case devices.Timeout:
		return p, &devices.Error{Code: devices.Timeout, Op: op, Msg: "the module did not answer", Err: err}
	case devices.Canceled:
		return p, &devices.Error{Code: devices.Canceled, Op: op, Err: err}
	}
	return p, &devices.Error{Code: devices.Offline, Op: op, Msg: "serial read failed", Err: err}
}
