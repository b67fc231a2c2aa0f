package emv

import (
	"context"
	"sync"
	"time"

	"guitai/devices"
)

// SimReader is an in-process card reader for demos and tests: a
// VirtualCard is put in with Insert and taken out with Remove. It has the
// same ReadCard, WaitCard and Transmit calls as the PC/SC reader.
type SimReader struct {
	*devices.Lifecycle

	mu      sync.Mutex
	card    *VirtualCard
	changed chan struct{}
	offline bool
}

// NewSimReader returns a closed simulated reader with no card.
func NewSimReader(name string) *SimReader {
	s := &SimReader{changed: make(chan struct{})}
	s.Lifecycle = devices.NewLifecycle(name, devices.Hooks{
		Open: func(ctx context.Context) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.offline {
				return &devices.Error{Code: devices.Offline, Msg: "simulated reader unplugged"}
			}
			return nil
		},
	})
	return s
}

// Insert puts the card in the reader.
func (s *SimReader) Insert(c *VirtualCard) {
	s.mu.Lock()
	s.card = c
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	s.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardInserted})
}

// Remove takes the card out.
func (s *SimReader) Remove() {
	s.mu.Lock()
	s.card = nil
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	s.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardRemoved})
}

// SetOffline simulates unplugging (true) and plugging back (false).
func (s *SimReader) SetOffline(off bool) {
	s.mu.Lock()
	s.offline = off
	s.mu.Unlock()
}

// Health fails with Offline while the reader is unplugged.
func (s *SimReader) Health(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.offline {
		return &devices.Error{Code: devices.Offline, Device: s.Name(), Op: "health", Msg: "simulated reader unplugged"}
	}
	return nil
}

func (s *SimReader) waitCard(ctx context.Context) (*VirtualCard, error) {
	for {
		s.mu.Lock()
		c, ch := s.card, s.changed
		s.mu.Unlock()
		if c != nil {
			return c, nil
		}
		select {
		case <-ctx.Done():
			return nil, &devices.Error{Code: devices.CodeOf(ctx.Err()), Op: "wait-card", Msg: "no card was inserted", Err: ctx.Err()}
		case <-ch:
		}
	}
}

// WaitCard waits until a card is in the reader.
func (s *SimReader) WaitCard(ctx context.Context) error {
	done, err := s.Use(ctx, "wait-card")
	if err != nil {
		return err
	}
	_, err = s.waitCard(ctx)
	return done(err)
}

// Transmit sends an APDU to the card in the reader.
func (s *SimReader) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	s.mu.Lock()
	c := s.card
	s.mu.Unlock()
	if c == nil {
		return nil, ErrCardRemoved
	}
	return c.Transmit(ctx, apdu)
}

// ReadCard waits for a card and reads it (see ReadCard).
func (s *SimReader) ReadCard(ctx context.Context, term Terminal) (*Card, error) {
	done, err := s.Use(ctx, "read-card")
	if err != nil {
		return nil, err
	}
	c, err := s.waitCard(ctx)
	if err != nil {
		return nil, done(err)
	}
	c.Reset()
	start := time.Now()
	card, err := ReadCard(ctx, s, term)
	if err != nil {
		return nil, done(err)
	}
	card.Duration = time.Since(start)
	s.Emit(devices.Event{Kind: devices.EventData, Data: card})
	return card, done(nil)
}
