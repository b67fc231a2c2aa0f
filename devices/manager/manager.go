package manager

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"guitai/devices"
	"guitai/devices/emv"
	"guitai/devices/escpos"
	"guitai/devices/finger"
	"guitai/devices/pcsc"
	"guitai/state"
)

// Device is what the manager needs of a driver: the lifecycle and events.
type Device interface {
	Name() string
	Open(ctx context.Context) error
	Claim(ctx context.Context) error
	Enable(ctx context.Context) error
	Close(ctx context.Context) error
	State() devices.State
	Subscribe(fn func(devices.Event)) (cancel func())
}

// healthChecker is a device that can check itself.
type healthChecker interface {
	Health(ctx context.Context) error
}

// shutdowner is a device that owns a simulator to stop with the manager.
type shutdowner interface {
	Shutdown() error
}

// Driver makes a device from its configuration.
type Driver func(cfg DeviceConfig) (Device, error)

var (
	regMu   sync.Mutex
	drivers = map[string]Driver{}
)

// Register adds a driver under a name; it panics on a duplicate.
func Register(name string, d Driver) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := drivers[name]; dup {
		panic("manager: driver registered twice: " + name)
	}
	drivers[name] = d
}

func lookup(name string) Driver {
	regMu.Lock()
	defer regMu.Unlock()
	return drivers[name]
}

// Status is what the status bar shows for a device; it is the value
// published in the devices scope under the device's logical name.
type Status struct {
	Driver   string
	State    string // "ready", "busy", "connecting", "offline", "error", "closed"
	Detail   string // last status event, e.g. "paper-low", "card-inserted"
	Error    string // the last error, if State is offline or error
	Recovery string // what the teller can do about it
	Attempts int    // failed connection attempts since the last success
}

// Scope is the StateBus scope the manager publishes each device's state
// in, under its logical name; the window's status bar follows it.
const Scope = "devices"

// Manager runs the configured devices.
type Manager struct {
	cfg   Config
	scope *state.Scope

	mu      sync.Mutex
	devs    map[string]*entry
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	started bool
}

type entry struct {
	cfg DeviceConfig
	dev Device

	mu       sync.Mutex
	status   Status
	up       bool
	checking atomic.Bool // a health check runs: its busy/idle flicker is not published
}

// New makes the devices of cfg (without opening them) and publishes them
// as "closed" into the devices scope of bus.
func New(cfg Config, bus *state.Bus) (*Manager, error) {
	m := &Manager{cfg: cfg, scope: bus.Scope(Scope), devs: map[string]*entry{}}
	for _, dc := range cfg.Devices {
		drv := lookup(dc.Driver)
		if drv == nil {
			return nil, fmt.Errorf("manager: device %q: unknown driver %q", dc.Name, dc.Driver)
		}
		dev, err := drv(dc)
		if err != nil {
			m.shutdown()
			return nil, fmt.Errorf("manager: device %q: %w", dc.Name, err)
		}
		e := &entry{cfg: dc, dev: dev, status: Status{Driver: dc.Driver, State: "closed"}}
		m.devs[dc.Name] = e
		m.scope.Set(dc.Name, e.status)
		dev.Subscribe(func(ev devices.Event) { m.onEvent(e, ev) })
	}
	return m, nil
}

// Names returns the logical device names, sorted.
func (m *Manager) Names() []string {
	var out []string
	for n := range m.devs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Device returns the device with that logical name, or nil. Callers type
// assert it to the driver's type (*escpos.Printer, *pcsc.Reader, ...).
func (m *Manager) Device(name string) Device {
	if e := m.devs[name]; e != nil {
		return e.dev
	}
	return nil
}

// Status returns the last published status of a device.
func (m *Manager) Status(name string) Status {
	e := m.devs[name]
	if e == nil {
		return Status{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (m *Manager) publish(e *entry, f func(s *Status)) {
	e.mu.Lock()
	f(&e.status)
	s := e.status
	e.mu.Unlock()
	m.scope.Set(e.cfg.Name, s)
}

func (m *Manager) onEvent(e *entry, ev devices.Event) {
	switch ev.Kind {
	case devices.EventStatus:
		m.publish(e, func(s *Status) { s.Detail = ev.Status })
	case devices.EventState:
		if e.checking.Load() && (ev.State == devices.StateBusy || ev.State == devices.StateIdle) {
			return
		}
		m.publish(e, func(s *Status) {
			switch ev.State {
			case devices.StateBusy:
				s.State = "busy"
			case devices.StateIdle:
				if s.State == "busy" || s.State == "error" {
					s.State, s.Error, s.Recovery = "ready", "", ""
				}
			case devices.StateError:
				s.State = "error"
				setErr(s, ev.Err)
			}
		})
	}
}

func setErr(s *Status, err error) {
	s.Error, s.Recovery = "", ""
	if err == nil {
		return
	}
	s.Error = err.Error()
	var de *devices.Error
	if errors.As(err, &de) {
		s.Recovery = de.Suggestion()
	}
}

// Start brings every device up in the background and keeps it up until
// Close: health checks every cfg.Health, and after a link failure
// (Offline, NoHardware, Timeout) the device is closed and reopened with
// exponential backoff.
func (m *Manager) Start(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return
	}
	m.started = true
	ctx, m.cancel = context.WithCancel(ctx)
	for _, e := range m.devs {
		m.wg.Add(1)
		go m.run(ctx, e)
	}
}

// WaitReady waits until every device is ready, or ctx ends.
func (m *Manager) WaitReady(ctx context.Context) error {
	for {
		var notReady []string
		for _, n := range m.Names() {
			if st := m.Status(n).State; st != "ready" && st != "busy" {
				notReady = append(notReady, n+"="+st)
			}
		}
		if len(notReady) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("manager: devices not ready: %v: %w", notReady, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (m *Manager) run(ctx context.Context, e *entry) {
	defer m.wg.Done()
	hc, _ := e.dev.(healthChecker)
	attempts := 0
	for ctx.Err() == nil {
		if !e.up {
			m.publish(e, func(s *Status) { s.State = "connecting" })
			if err := m.bringUp(ctx, e); err != nil {
				attempts++
				m.publish(e, func(s *Status) {
					s.State, s.Attempts = "offline", attempts
					setErr(s, err)
				})
				if !sleep(ctx, m.backoff(attempts)) {
					break
				}
				continue
			}
			attempts = 0
			m.publish(e, func(s *Status) {
				s.State, s.Attempts, s.Detail = "ready", 0, ""
				setErr(s, nil)
			})
		}
		if !sleep(ctx, time.Duration(m.cfg.Health)) {
			break
		}
		if hc == nil || e.dev.State() == devices.StateBusy {
			continue
		}
		hctx, cancel := context.WithTimeout(ctx, max(time.Duration(m.cfg.Health), time.Second))
		e.checking.Store(true)
		err := hc.Health(hctx)
		e.checking.Store(false)
		cancel()
		switch devices.CodeOf(err) {
		case devices.OK:
			m.publish(e, func(s *Status) {
				if s.State != "busy" {
					s.State = "ready"
				}
				setErr(s, nil)
			})
		case devices.Offline, devices.NoHardware, devices.Timeout:
			// The link is gone: close and reconnect.
			m.publish(e, func(s *Status) {
				s.State = "offline"
				setErr(s, err)
			})
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			e.dev.Close(cctx)
			cancel()
			e.up = false
		case devices.Busy, devices.Canceled:
		default:
			m.publish(e, func(s *Status) {
				s.State = "error"
				setErr(s, err)
			})
		}
	}
}

func (m *Manager) bringUp(ctx context.Context, e *entry) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// A close that failed earlier (the device was busy) is finished now.
	if err := e.dev.Close(ctx); err != nil {
		return err
	}
	for _, step := range []func(context.Context) error{e.dev.Open, e.dev.Claim, e.dev.Enable} {
		if err := step(ctx); err != nil {
			e.dev.Close(context.Background())
			return err
		}
	}
	e.up = true
	return nil
}

// backoff returns the delay before attempt n+1: BackoffMin doubled n-1
// times, capped at BackoffMax, with up to 20% jitter.
func (m *Manager) backoff(n int) time.Duration {
	d := time.Duration(m.cfg.BackoffMin)
	for i := 1; i < n && d < time.Duration(m.cfg.BackoffMax); i++ {
		d *= 2
	}
	d = min(d, time.Duration(m.cfg.BackoffMax))
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Close stops the health loops, closes every device and stops the
// simulators.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	if m.cancel != nil {
		m.cancel()
	}
	m.mu.Unlock()
	m.wg.Wait()
	var errs []error
	for _, n := range m.Names() {
		e := m.devs[n]
		if err := e.dev.Close(ctx); err != nil {
			errs = append(errs, err)
		}
		m.publish(e, func(s *Status) { s.State = "closed" })
	}
	errs = append(errs, m.shutdown())
	return errors.Join(errs...)
}

func (m *Manager) shutdown() error {
	var errs []error
	for _, e := range m.devs {
		if s, ok := e.dev.(shutdowner); ok {
			errs = append(errs, s.Shutdown())
		}
	}
	return errors.Join(errs...)
}

// SimPrinter is the "escpos-sim" device: a Printer connected over TCP to
// its own fake printer.
type SimPrinter struct {
	*escpos.Printer
	Sim *escpos.Sim
}

// Shutdown stops the fake printer.
func (p *SimPrinter) Shutdown() error { return p.Sim.Close() }

// SimFinger is the "r30x-sim" device: a Module on the pty of its own
// simulated module.
type SimFinger struct {
	*finger.Module
	Sim *finger.Sim
}

// Shutdown stops the simulated module.
func (f *SimFinger) Shutdown() error { return f.Sim.Close() }

func init() {
	Register("escpos", func(c DeviceConfig) (Device, error) { return escpos.NewPrinter(c.Name, c.Address), nil })
	Register("escpos-sim", func(c DeviceConfig) (Device, error) {
		addr := c.Address
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		sim, err := escpos.NewSim(addr)
		if err != nil {
			return nil, err
		}
		return &SimPrinter{Printer: escpos.NewPrinter(c.Name, sim.Addr()), Sim: sim}, nil
	})
	Register("pcsc", func(c DeviceConfig) (Device, error) {
		return pcsc.NewReader(c.Name, pcsc.ReaderConfig{Name: c.Address, Socket: c.Options["socket"]}), nil
	})
	Register("emv-sim", func(c DeviceConfig) (Device, error) { return emv.NewSimReader(c.Name), nil })
	fingerCfg := func(c DeviceConfig) (finger.Config, error) {
		fc := finger.Config{Port: c.Address}
		for k, v := range c.Options {
			n, err := strconv.ParseUint(v, 0, 32)
			if err != nil {
				return fc, fmt.Errorf("option %s=%q: %w", k, v, err)
			}
			switch k {
			case "baud":
				fc.Baud = int(n)
			case "password":
				fc.Password = uint32(n)
			case "address":
				fc.Address = uint32(n)
			case "capacity":
				fc.Capacity = int(n)
			default:
				return fc, fmt.Errorf("unknown option %q", k)
			}
		}
		return fc, nil
	}
	Register("r30x", func(c DeviceConfig) (Device, error) {
		fc, err := fingerCfg(c)
		if err != nil {
			return nil, err
		}
		return finger.NewModule(c.Name, fc), nil
	})
	Register("r30x-sim", func(c DeviceConfig) (Device, error) {
		fc, err := fingerCfg(c)
		if err != nil {
			return nil, err
		}
		sim, err := finger.NewSim()
		if err != nil {
			return nil, err
		}
		sim.SetPassword(fc.Password)
		fc.Port = sim.Path()
		return &SimFinger{Module: finger.NewModule(c.Name, fc), Sim: sim}, nil
	})
}
