package pcsc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	pcsclite "github.com/gballet/go-libpcsclite"

	"guitai/devices"
	"guitai/devices/emv"
)

// PC/SC return codes the reader acts on.
const (
	scardENoSmartcard  = 0x8010000C
	scardWRemovedCard  = 0x80100069
	scardWUnresponsive = 0x80100066
	scardWUnpowered    = 0x80100067
	scardEReaderUnavl  = 0x80100017
	scardEUnknownRdr   = 0x80100009
	scardESharing      = 0x8010000B
	scardEProtoMismat  = 0x8010000F
	scardENotTransact  = 0x80100016
)

// go-libpcsclite returns its errors as formatted strings
// ("invalid return code: 8010000c (...)"); the code is taken back from them.
var codeRE = regexp.MustCompile(`return code: ([0-9a-f]+)`)

// scardCode extracts the PC/SC return code from a go-libpcsclite error, or 0.
func scardCode(err error) uint32 {
	if err == nil {
		return 0
	}
	m := codeRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	c, _ := strconv.ParseUint(m[1], 16, 32)
	return uint32(c)
}

// ReaderConfig says where to find the reader.
type ReaderConfig struct {
	Socket string        // pcscd socket; /run/pcscd/pcscd.comm when empty
	Name   string        // reader name prefix; the first reader when empty
	Poll   time.Duration // card presence polling interval; 10 ms when zero
}

// Reader is an IC-card reader behind pcscd. Open connects to pcscd, Claim
// finds the reader. WaitCard, ReadCard and Transmit need it enabled.
//
// go-libpcsclite has no SCardGetStatusChange and hides the reader state
// it receives, so card presence is polled with SCardConnect.
type Reader struct {
	*devices.Lifecycle
	cfg ReaderConfig

	mu     sync.Mutex
	client *pcsclite.Client
	name   string
	card   *pcsclite.Card
}

// NewReader returns a closed reader driver.
func NewReader(name string, cfg ReaderConfig) *Reader {
	if cfg.Socket == "" {
		cfg.Socket = pcsclite.PCSCDSockName
	}
	if cfg.Poll == 0 {
		cfg.Poll = 10 * time.Millisecond
	}
	r := &Reader{cfg: cfg}
	r.Lifecycle = devices.NewLifecycle(name, devices.Hooks{
		Open: func(ctx context.Context) error {
			c, err := pcsclite.EstablishContext(cfg.Socket, pcsclite.ScopeSystem)
			if err != nil {
				code := devices.Offline
				if errors.Is(err, os.ErrNotExist) {
					code = devices.NoHardware
				}
				return &devices.Error{Code: code, Msg: "cannot reach pcscd at " + cfg.Socket, Err: err,
					Recovery: "start the PC/SC daemon (pcscd) and retry"}
			}
			r.mu.Lock()
			r.client = c
			r.mu.Unlock()
			return nil
		},
		Claim: func(ctx context.Context) error {
			names, err := r.Readers(ctx)
			if err != nil {
				return err
			}
			for _, n := range names {
				if strings.HasPrefix(n, cfg.Name) {
					r.mu.Lock()
					r.name = n
					r.mu.Unlock()
					return nil
				}
			}
			return &devices.Error{Code: devices.NoHardware, Msg: fmt.Sprintf("no reader named %q among %q", cfg.Name, names),
				Recovery: "plug the card reader in, or fix its name in the device configuration"}
		},
		Release: func(ctx context.Context) error {
			r.disconnect()
			return nil
		},
		Close: func(ctx context.Context) error {
			r.disconnect()
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.client == nil {
				return nil
			}
			err := r.client.ReleaseContext()
			r.client = nil
			return err
		},
	})
	return r
}

// Readers lists the reader names pcscd knows, with their NUL padding
// trimmed.
func (r *Reader) Readers(ctx context.Context) ([]string, error) {
	r.mu.Lock()
	c := r.client
	r.mu.Unlock()
	if c == nil {
		return nil, &devices.Error{Code: devices.NotClaimed, Op: "list-readers", Msg: "not connected to pcscd"}
	}
	names, err := c.ListReaders()
	if err != nil {
		return nil, &devices.Error{Code: devices.Offline, Op: "list-readers", Msg: "pcscd did not answer", Err: err}
	}
	out := names[:0]
	for _, n := range names {
		if n = strings.TrimRight(n, "\x00"); n != "" {
			out = append(out, n)
		}
	}
	return out, nil
}

// ReaderName returns the name of the claimed reader.
func (r *Reader) ReaderName() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.name
}

func (r *Reader) disconnect() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.card != nil {
		r.card.Disconnect(pcsclite.LeaveCard)
		r.card = nil
	}
}

// absent reports whether a Connect error only means "no card (yet)".
func absent(err error) bool {
	switch scardCode(err) {
	case scardENoSmartcard, scardWRemovedCard, scardWUnresponsive, scardWUnpowered:
		return true
	}
	return false
}

// WaitCard waits until a card is in the reader and connects to it.
func (r *Reader) WaitCard(ctx context.Context) error {
	done, err := r.Use(ctx, "wait-card")
	if err != nil {
		return err
	}
	return done(r.waitCard(ctx))
}

func (r *Reader) waitCard(ctx context.Context) error {
	r.disconnect()
	r.mu.Lock()
	c, name := r.client, r.name
	r.mu.Unlock()
	var mismatchSince time.Time
	for {
		card, err := c.Connect(name, pcsclite.ShareShared, pcsclite.ProtocolT1)
		if err == nil {
			r.mu.Lock()
			r.card = card
			r.mu.Unlock()
			r.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardInserted})
			return nil
		}
		// pcscd answers PROTO_MISMATCH for a moment while a card is being
		// powered; for longer, the card does not speak T=1, which
		// go-libpcsclite needs (it sends every APDU with the T=1 header).
		if scardCode(err) == scardEProtoMismat {
			if mismatchSince.IsZero() {
				mismatchSince = time.Now()
			} else if time.Since(mismatchSince) > time.Second {
				return &devices.Error{Code: devices.HWError, Op: "connect", Err: err,
					Msg: "the card does not offer the T=1 protocol", Recovery: "use a T=1 (dual-protocol) card"}
			}
		} else if !absent(err) {
			return r.scardError("connect", err)
		}
		select {
		case <-ctx.Done():
			return &devices.Error{Code: devices.CodeOf(ctx.Err()), Op: "wait-card", Msg: "no card was inserted", Err: ctx.Err()}
		case <-time.After(r.cfg.Poll):
		}
	}
}

// WaitRemoval waits until the card has left the reader.
func (r *Reader) WaitRemoval(ctx context.Context) error {
	done, err := r.Use(ctx, "wait-removal")
	if err != nil {
		return err
	}
	r.disconnect()
	r.mu.Lock()
	c, name := r.client, r.name
	r.mu.Unlock()
	for {
		card, err := c.Connect(name, pcsclite.ShareShared, pcsclite.ProtocolT1)
		if err == nil {
			card.Disconnect(pcsclite.LeaveCard)
		} else if scardCode(err) == scardEProtoMismat {
			// a card is there, being powered
		} else if absent(err) {
			r.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardRemoved})
			return done(nil)
		} else {
			return done(r.scardError("connect", err))
		}
		select {
		case <-ctx.Done():
			return done(&devices.Error{Code: devices.CodeOf(ctx.Err()), Op: "wait-removal", Msg: "the card was not removed", Err: ctx.Err()})
		case <-time.After(r.cfg.Poll):
		}
	}
}

func (r *Reader) scardError(op string, err error) error {
	switch scardCode(err) {
	case scardWRemovedCard, scardENoSmartcard, scardWUnresponsive, scardWUnpowered, scardENotTransact:
		r.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardRemoved})
		return &devices.Error{Code: devices.UserError, Op: op, Msg: "the card was removed", Err: err,
			Recovery: "insert the card again and keep it in until the reader is done"}
	case scardEReaderUnavl, scardEUnknownRdr:
		return &devices.Error{Code: devices.Offline, Op: op, Msg: "the card reader went away", Err: err}
	case scardESharing:
		return &devices.Error{Code: devices.Busy, Op: op, Msg: "another program holds the card", Err: err}
	case 0:
		return &devices.Error{Code: devices.Offline, Op: op, Msg: "lost the connection to pcscd", Err: err}
	}
	return &devices.Error{Code: devices.HWError, Op: op, Err: err}
}

// transmitter adapts the connected card to emv.Transmitter.
type transmitter struct{ r *Reader }

func (t transmitter) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.r.mu.Lock()
	card := t.r.card
	t.r.mu.Unlock()
	if card == nil {
		return nil, &devices.Error{Code: devices.UserError, Op: "transmit", Msg: "no card in the reader"}
	}
	resp, _, err := card.Transmit(apdu)
	if err != nil {
		return nil, t.r.scardError("transmit", err)
	}
	if len(resp) < 2 {
		// vpcd (and some readers) answer a vanished card with an empty
		// response instead of SCARD_W_REMOVED_CARD.
		return nil, t.r.scardError("transmit", fmt.Errorf("empty response: return code: %x", uint32(scardWRemovedCard)))
	}
	return resp, nil
}

// Transmit sends one APDU to the connected card.
func (r *Reader) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	done, err := r.Use(ctx, "transmit")
	if err != nil {
		return nil, err
	}
	resp, err := transmitter{r}.Transmit(ctx, apdu)
	return resp, done(err)
}

// ReadCard waits for a card, reads its UnionPay application (see
// emv.ReadCard) and emits the card as an EventData event.
func (r *Reader) ReadCard(ctx context.Context, term emv.Terminal) (*emv.Card, error) {
	done, err := r.Use(ctx, "read-card")
	if err != nil {
		return nil, err
	}
	if err := r.waitCard(ctx); err != nil {
		return nil, done(err)
	}
	card, err := emv.ReadCard(ctx, transmitter{r}, term)
	if err != nil {
		return nil, done(err)
	}
	r.Emit(devices.Event{Kind: devices.EventData, Data: card})
	return card, done(nil)
}

// Health checks that pcscd answers and still lists the claimed reader.
func (r *Reader) Health(ctx context.Context) error {
	names, err := r.Readers(ctx)
	if err != nil {
		return err
	}
	want := r.ReaderName()
	for _, n := range names {
		if n == want {
			return nil
		}
	}
	return &devices.Error{Code: devices.Offline, Device: r.Name(), Op: "health", Msg: "the card reader " + want + " went away"}
}
