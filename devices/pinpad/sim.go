package pinpad

import (
	"bufio"
	"context"
	"errors"
	"guitai/devices/serialline"
	"os"
	"strings"
	"sync"
	"time"
)

// Keys of the simulated pad, as Sim.Press and Sim.Script take them.
const (
	KeyClear   = 'C' // 清除: forget the digits entered
	KeyBack    = 'B' // 更正: forget the last digit
	KeyEnter   = 'E' // 确认
	KeyCancel  = 'X' // 取消
	KeyTimeout = 'T' // not a key: the pad's entry timer runs out now
)

// Faults a Sim can be told to inject into its next frame.
const (
	FaultNone     = iota
	FaultChecksum // the next frame sent has a wrong BCC
	FaultSilent   // the next command gets no acknowledgement
)

// DemoMasterKey is the master key of the demo's simulated pad. It is not
// a secret: a real pad's comes from the key ceremony.
var DemoMasterKey = Key{0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10}

// SimPrompt is what the simulated pad was asked to show.
type SimPrompt struct {
	Text     string
	PAN      string
	Min, Max int
	Timeout  time.Duration
}

// Sim simulates a PIN pad on a real pty: a driver opens Path() with
// go.bug.st/serial as it would /dev/ttyUSB1. Tests script the customer:
// Script queues keys played as soon as the next entry starts, Press
// presses keys during an entry (WaitPrompt waits for one).
type Sim struct {
	master, tty *os.File
	done        chan struct{}

	wmu sync.Mutex // one frame written at a time

	mu       sync.Mutex
	key      Key  // master key
	working  *Key // loaded by CmdLoadKey
	entering bool
	entry    int // generation of the entry, for its timer
	prompt   SimPrompt
	digits   []byte
	timer    *time.Timer
	started  chan struct{} // closed when an entry starts
	script   []string
	faults   []int
	commands int
}

// NewSim starts a simulated pad holding master key mk.
func NewSim(mk Key) (*Sim, error) {
	master, tty, err := serialline.OpenPTY()
	if err != nil {
		return nil, err
	}
	s := &Sim{master: master, tty: tty, done: make(chan struct{}), key: mk, started: make(chan struct{})}
	go s.serve()
	return s, nil
}

// Path returns the pty device the driver opens.
func (s *Sim) Path() string { return s.tty.Name() }

// Close stops the simulator.
func (s *Sim) Close() error {
	err := s.master.Close()
	<-s.done
	s.tty.Close()
	s.mu.Lock()
	s.endLocked()
	s.mu.Unlock()
	return err
}

// Script queues the keys of the next entries, one string an entry
// ("123456E"): each is pressed as soon as an entry starts.
func (s *Sim) Script(keys ...string) {
	s.mu.Lock()
	s.script = append(s.script, keys...)
	s.mu.Unlock()
}

// Inject queues faults for the next frames, in order.
func (s *Sim) Inject(faults ...int) {
	s.mu.Lock()
	s.faults = append(s.faults, faults...)
	s.mu.Unlock()
}

// Commands returns how many commands the simulator received.
func (s *Sim) Commands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands
}

// Entering reports whether an entry is under way.
func (s *Sim) Entering() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entering
}

// WaitPrompt waits until an entry is under way and returns its prompt.
func (s *Sim) WaitPrompt(ctx context.Context) (SimPrompt, error) {
	for {
		s.mu.Lock()
		if s.entering {
			p := s.prompt
			s.mu.Unlock()
			return p, nil
		}
		ch := s.started
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return SimPrompt{}, ctx.Err()
		}
	}
}

// ErrNotEntering is returned by Press when no entry is under way.
var ErrNotEntering = errors.New("pinpad sim: no entry under way")

// Press presses keys on the pad: digits, KeyClear, KeyBack, KeyEnter,
// KeyCancel, or KeyTimeout to end the entry as its timer would. Keys
// after the end of the entry fail with ErrNotEntering.
func (s *Sim) Press(keys string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if !s.entering {
			return ErrNotEntering
		}
		s.pressLocked(k)
	}
	return nil
}

// pressLocked acts on one key under s.mu.
func (s *Sim) pressLocked(k rune) {
	switch {
	case k >= '0' && k <= '9':
		if len(s.digits) < s.prompt.Max {
			s.digits = append(s.digits, byte(k))
			s.send(Frame{Type: EvtKeys, Payload: []byte{byte(len(s.digits))}})
		}
	case k == KeyClear:
		Zero(s.digits)
		s.digits = s.digits[:0]
		s.send(Frame{Type: EvtKeys, Payload: []byte{0}})
	case k == KeyBack:
		if len(s.digits) > 0 {
			s.digits[len(s.digits)-1] = 0
			s.digits = s.digits[:len(s.digits)-1]
			s.send(Frame{Type: EvtKeys, Payload: []byte{byte(len(s.digits))}})
		}
	case k == KeyEnter:
		if len(s.digits) < s.prompt.Min || s.working == nil {
			return // the pad beeps
		}
		block, err := s.working.Seal(s.digits, s.prompt.PAN)
		if err != nil {
			return
		}
		s.send(Frame{Type: EvtEnter, Payload: append([]byte{byte(len(s.digits))}, block[:]...)})
		clear(block[:])
		s.endLocked()
	case k == KeyCancel:
		s.send(Frame{Type: EvtCancel})
		s.endLocked()
	case k == KeyTimeout:
		s.send(Frame{Type: EvtTimeout})
		s.endLocked()
	}
}

// endLocked ends the entry under way and forgets its digits.
func (s *Sim) endLocked() {
	Zero(s.digits)
	s.digits = nil
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if s.entering {
		s.entering = false
		s.started = make(chan struct{})
	}
}

// send writes a frame, with the next fault; s.mu is held.
func (s *Sim) send(f Frame) {
	fault := FaultNone
	if len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	if fault == FaultSilent {
		return
	}
	b := AppendFrame(nil, f)
	if fault == FaultChecksum {
		b[len(b)-1] ^= 0x55
	}
	s.wmu.Lock()
	s.master.Write(b)
	s.wmu.Unlock()
	clear(b)
}

func (s *Sim) ack(st Status, data ...byte) {
	s.send(Frame{Type: TypeAck, Payload: append([]byte{byte(st)}, data...)})
}

func (s *Sim) serve() {
	defer close(s.done)
	r := bufio.NewReader(s.master)
	for {
		f, err := ReadFrame(r)
		var fe *FrameError
		switch {
		case errors.Is(err, ErrChecksum):
			s.mu.Lock()
			s.ack(StatusBadFrame)
			s.mu.Unlock()
			continue
		case errors.As(err, &fe):
			continue
		case err != nil:
			return // closed
		}
		s.mu.Lock()
		s.commands++
		s.execute(f)
		s.mu.Unlock()
	}
}

// execute answers one command under s.mu.
func (s *Sim) execute(f Frame) {
	switch f.Type {
	case CmdReset:
		s.endLocked()
		if s.working != nil {
			s.working.Zero()
			s.working = nil
		}
		s.ack(StatusOK, []byte("GUITAI-SIMPAD 1.0")...)
	case CmdStatus:
		s.ack(StatusOK)
	case CmdLoadKey:
		if s.entering {
			s.ack(StatusBusy)
			return
		}
		w, err := s.key.Unwrap(f.Payload)
		if err != nil {
			s.ack(StatusBadKey)
			return
		}
		s.working = w
		s.ack(StatusOK)
	case CmdCancel:
		if !s.entering {
			s.ack(StatusNotEntering)
			return
		}
		s.endLocked()
		s.ack(StatusOK)
	case CmdReadPIN:
		s.readPIN(f.Payload)
	default:
		s.ack(StatusUnknown)
	}
}

func (s *Sim) readPIN(b []byte) {
	switch {
	case s.entering:
		s.ack(StatusBusy)
		return
	case s.working == nil:
		s.ack(StatusNoKey)
		return
	case len(b) < 4 || len(b) < 4+int(b[3]):
		s.ack(StatusBadArgs)
		return
	}
	p := SimPrompt{Min: int(b[0]), Max: int(b[1]), Timeout: time.Duration(b[2]) * time.Second,
		PAN: string(b[4 : 4+b[3]]), Text: string(b[4+b[3]:])}
	if _, err := panField(p.PAN); err != nil || p.Min < 4 || p.Max > 12 || p.Min > p.Max || p.Timeout == 0 {
		s.ack(StatusBadArgs)
		return
	}
	s.ack(StatusOK)
	s.entering, s.prompt, s.entry = true, p, s.entry+1
	gen := s.entry
	s.timer = time.AfterFunc(p.Timeout, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.entering && s.entry == gen {
			s.pressLocked(KeyTimeout)
		}
	})
	close(s.started)
	if len(s.script) > 0 {
		keys := s.script[0]
		s.script = s.script[1:]
		for _, k := range strings.TrimSpace(keys) {
			if !s.entering {
				break
			}
			s.pressLocked(k)
		}
	}
}
