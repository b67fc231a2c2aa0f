package devices

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// State is the state of a device as the teller sees it.
type State int

// The device states.
const (
	StateClosed State = iota // not opened
	StateIdle                // opened, ready or waiting to be claimed/enabled
	StateBusy                // an operation is under way
	StateError               // the last operation failed with a hardware or link fault
)

// String returns "closed", "idle", "busy" or "error".
func (s State) String() string {
	switch s {
	case StateClosed:
		return "closed"
	case StateIdle:
		return "idle"
	case StateBusy:
		return "busy"
	case StateError:
		return "error"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// EventKind says what an [Event] carries.
type EventKind int

// The event kinds.
const (
	EventState  EventKind = iota // the device state changed; Event.State holds it
	EventStatus                  // a status report: paper-low, paper-out, cover-open, card-inserted, card-removed...
	EventData                    // data arrived (card data, a fingerprint match); Event.Data holds it
	EventError                   // an operation failed; Event.Err holds it
)

// String returns the name of the kind.
func (k EventKind) String() string {
	switch k {
	case EventState:
		return "state"
	case EventStatus:
		return "status"
	case EventData:
		return "data"
	case EventError:
		return "error"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Status values carried by EventStatus events.
const (
	StatusOnline       = "online"
	StatusOffline      = "offline"
	StatusPaperLow     = "paper-low"
	StatusPaperOut     = "paper-out"
	StatusCoverOpen    = "cover-open"
	StatusCardInserted = "card-inserted"
	StatusCardRemoved  = "card-removed"
)

// Event is something a device tells its listeners.
type Event struct {
	Device string
	Kind   EventKind
	Time   time.Time
	State  State  // for EventState
	Status string // for EventStatus
	Data   any    // for EventData
	Err    error  // for EventError
}

// Hooks are the driver's parts of the lifecycle steps. Any may be nil.
type Hooks struct {
	Open    func(ctx context.Context) error
	Claim   func(ctx context.Context) error
	Enable  func(ctx context.Context) error
	Disable func(ctx context.Context) error
	Release func(ctx context.Context) error
	Close   func(ctx context.Context) error
}

// Lifecycle enforces Open -> Claim -> Enable -> use -> Disable -> Release ->
// Close, tracks the [State] and delivers [Event]s. Drivers embed a
// *Lifecycle made by [NewLifecycle]. Its methods are safe for concurrent use.
type Lifecycle struct {
	name  string
	hooks Hooks

	mu      sync.Mutex
	state   State
	opened  bool
	claimed bool
	enabled bool
	busy    bool
	lastErr error
	nextID  int
	subs    map[int]func(Event)
}

// NewLifecycle returns a closed lifecycle for the device with that logical
// name, calling the hooks at each step.
func NewLifecycle(name string, hooks Hooks) *Lifecycle {
	return &Lifecycle{name: name, hooks: hooks, subs: map[int]func(Event){}}
}

// Name returns the logical device name.
func (l *Lifecycle) Name() string { return l.name }

// State returns the current state.
func (l *Lifecycle) State() State {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

// LastError returns the error that put the device in the Error state, or nil.
func (l *Lifecycle) LastError() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastErr
}

// Enabled reports whether the device is opened, claimed and enabled.
func (l *Lifecycle) Enabled() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.enabled
}

// Subscribe calls fn for every later event, synchronously, on the goroutine
// that caused it. Cancel stops the calls.
func (l *Lifecycle) Subscribe(fn func(Event)) (cancel func()) {
	l.mu.Lock()
	id := l.nextID
	l.nextID++
	l.subs[id] = fn
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		delete(l.subs, id)
		l.mu.Unlock()
	}
}

// Emit delivers ev (with Device and Time filled in) to the subscribers.
func (l *Lifecycle) Emit(ev Event) {
	ev.Device = l.name
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	l.mu.Lock()
	fns := make([]func(Event), 0, len(l.subs))
	for _, fn := range l.subs {
		fns = append(fns, fn)
	}
	l.mu.Unlock()
	for _, fn := range fns {
		fn(ev)
	}
}

func (l *Lifecycle) setState(s State, err error) {
	l.mu.Lock()
	changed := l.state != s
	l.state = s
	l.lastErr = err
	l.mu.Unlock()
	if changed {
		l.Emit(Event{Kind: EventState, State: s, Err: err})
	}
}

func (l *Lifecycle) step(ctx context.Context, op string, need func() error, hook func(context.Context) error, done func()) error {
	if err := ctx.Err(); err != nil {
		return Wrap(err, l.name, op, Canceled)
	}
	l.mu.Lock()
	if err := need(); err != nil {
		l.mu.Unlock()
		return err
	}
	if l.busy {
		l.mu.Unlock()
		return &Error{Code: Busy, Device: l.name, Op: op, Msg: "an operation is under way"}
	}
	l.busy = true
	l.mu.Unlock()
	var err error
	if hook != nil {
		err = hook(ctx)
	}
	l.mu.Lock()
	l.busy = false
	if err == nil {
		done()
	}
	l.mu.Unlock()
	return Wrap(err, l.name, op, Failure)
}

func (l *Lifecycle) illegal(op, msg string) error {
	return &Error{Code: Illegal, Device: l.name, Op: op, Msg: msg}
}

// Open finds and opens the device. It is an error to open twice.
func (l *Lifecycle) Open(ctx context.Context) error {
	err := l.step(ctx, "open", func() error {
		if l.opened {
			return l.illegal("open", "already open")
		}
		return nil
	}, l.hooks.Open, func() { l.opened = true })
	if err == nil {
		l.setState(StateIdle, nil)
	}
	return err
}

// Claim takes the device for exclusive use. Claiming a claimed device is a
// no-op.
func (l *Lifecycle) Claim(ctx context.Context) error {
	if l.is(func() bool { return l.claimed }) {
		return nil
	}
	return l.step(ctx, "claim", func() error {
		if !l.opened {
			return &Error{Code: NotClaimed, Device: l.name, Op: "claim", Msg: "not open"}
		}
		return nil
	}, l.hooks.Claim, func() { l.claimed = true })
}

// Enable makes the claimed device ready for use.
func (l *Lifecycle) Enable(ctx context.Context) error {
	if l.is(func() bool { return l.enabled }) {
		return nil
	}
	return l.step(ctx, "enable", func() error {
		if !l.claimed {
			return &Error{Code: NotClaimed, Device: l.name, Op: "enable", Msg: "not claimed"}
		}
		return nil
	}, l.hooks.Enable, func() { l.enabled = true })
}

// Disable stops use of the device; it stays claimed.
func (l *Lifecycle) Disable(ctx context.Context) error {
	if !l.is(func() bool { return l.enabled }) {
		return nil
	}
	return l.step(ctx, "disable", func() error { return nil }, l.hooks.Disable, func() { l.enabled = false })
}

// Release gives the device up; it disables it first if needed.
func (l *Lifecycle) Release(ctx context.Context) error {
	if err := l.Disable(ctx); err != nil {
		return err
	}
	if !l.is(func() bool { return l.claimed }) {
		return nil
	}
	return l.step(ctx, "release", func() error { return nil }, l.hooks.Release, func() { l.claimed = false })
}

// Close releases (if needed) and closes the device. Closing a closed
// device is a no-op.
func (l *Lifecycle) Close(ctx context.Context) error {
	rerr := l.Release(ctx)
	if !l.is(func() bool { return l.opened }) {
		return rerr
	}
	err := l.step(ctx, "close", func() error { return nil }, l.hooks.Close, func() {
		l.opened, l.claimed, l.enabled = false, false, false
	})
	if err == nil {
		l.setState(StateClosed, nil)
		return rerr
	}
	return err
}

func (l *Lifecycle) is(f func() bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return f()
}

// Use starts an operation: it fails with NotClaimed unless the device is
// enabled and with Busy if another operation runs, and otherwise sets the
// state to Busy. The caller must call done with the operation's result: it
// sets the state back to Idle, or to Error for an Offline, NoHardware,
// Timeout or HWError failure unless the error says the device is fine
// ([Error].DeviceOK), emits any failure as an EventError, and returns the
// error wrapped with the device name and op.
func (l *Lifecycle) Use(ctx context.Context, op string) (done func(error) error, err error) {
	if err := ctx.Err(); err != nil {
		return nil, Wrap(err, l.name, op, Canceled)
	}
	l.mu.Lock()
	switch {
	case !l.enabled:
		l.mu.Unlock()
		return nil, &Error{Code: NotClaimed, Device: l.name, Op: op, Msg: "device is not enabled"}
	case l.busy:
		l.mu.Unlock()
		return nil, &Error{Code: Busy, Device: l.name, Op: op, Msg: "an operation is under way"}
	}
	l.busy = true
	l.mu.Unlock()
	l.setState(StateBusy, nil)
	var once sync.Once
	return func(err error) error {
		var out error
		once.Do(func() {
			out = Wrap(err, l.name, op, Failure)
			l.mu.Lock()
			l.busy = false
			l.mu.Unlock()
			switch CodeOf(out) {
			case Offline, NoHardware, Timeout, HWError:
				if DeviceOK(out) {
					l.setState(StateIdle, nil)
					break
				}
				l.setState(StateError, out)
			default:
				l.setState(StateIdle, nil)
			}
			if out != nil {
				l.Emit(Event{Kind: EventError, Err: out})
			}
		})
		return out
	}, nil
}
