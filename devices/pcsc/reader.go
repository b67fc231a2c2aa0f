package pcsc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"guitai/devices"
	"guitai/devices/emv"
	"guitai/devices/pcsc/pcsclite"
)

// ReaderConfig says where to find the reader.
type ReaderConfig struct {
	Socket string        // pcscd socket; /run/pcscd/pcscd.comm when empty
	Name   string        // reader name prefix; the first reader when empty
	Poll   time.Duration // card presence polling interval; 10 ms when zero
}

// Reader is an IC-card reader behind pcscd. Open connects to pcscd, Claim
// finds the reader. WaitCard, ReadCard and Transmit need it enabled.
//
// Cards are connected with T=0 or T=1, whichever the card offers (EMV
// terminals must support both), and every exchange honours the caller's
// context: a card that does not answer holds a read only until the
// context ends. pcscd cannot abandon a command it passed to the reader,
// so the connection that carried it is dropped and a new one opened; the
// reader stays usable and reports a Timeout (or Canceled) that says the
// card did not answer.
//
// Card presence is polled with SCardConnect.
type Reader struct {
	*devices.Lifecycle
	cfg ReaderConfig

	mu     sync.Mutex
	client *pcsclite.Client
	name   string
	card   *pcsclite.Card
}

// recoverTimeout bounds reopening the connection to pcscd after an
// interrupted exchange; it does not come out of the caller's time, which
// has run out.
const recoverTimeout = 3 * time.Second

// NewReader returns a closed reader driver.
func NewReader(name string, cfg ReaderConfig) *Reader {
	if cfg.Socket == "" {
		cfg.Socket = pcsclite.SockName
	}
	if cfg.Poll == 0 {
		cfg.Poll = 10 * time.Millisecond
	}
	r := &Reader{cfg: cfg}
	r.Lifecycle = devices.NewLifecycle(name, devices.Hooks{
		Open: func(ctx context.Context) error {
			c, err := r.dial(ctx)
			if err != nil {
				return err
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
				Recovery: "plug the card reader in, or fix its name in the device configuration",
				Teller:   devices.Text{Zh: "找不到读卡器，请检查连接和配置", En: "The card reader was not found; check its cable and configuration"}}
		},
		Release: func(ctx context.Context) error {
			r.disconnect()
			return nil
		},
		Close: func(ctx context.Context) error {
			r.disconnect()
			r.mu.Lock()
			c := r.client
			r.client = nil
			r.mu.Unlock()
			if c == nil || c.Broken() != nil {
				return nil
			}
			return c.ReleaseContext(ctx)
		},
	})
	return r
}

var notReady = devices.Text{Zh: "读卡器未就绪，请检查连接", En: "The card reader is not ready; check its cable"}

// dial opens a connection and context to pcscd.
func (r *Reader) dial(ctx context.Context) (*pcsclite.Client, error) {
	c, err := pcsclite.EstablishContext(ctx, r.cfg.Socket, pcsclite.ScopeSystem)
	if err != nil {
		code := devices.Offline
		switch {
		case errors.Is(err, os.ErrNotExist):
			code = devices.NoHardware
		case ctx.Err() != nil:
			code = devices.CodeOf(ctx.Err())
		}
		return nil, &devices.Error{Code: code, Msg: "cannot reach pcscd at " + r.cfg.Socket, Err: err,
			Recovery: "start the PC/SC daemon (pcscd) and retry", Teller: notReady}
	}
	return c, nil
}

// Readers lists the reader names pcscd knows. It asks on a connection of
// its own, so that it answers while a card holds the reader's.
func (r *Reader) Readers(ctx context.Context) ([]string, error) {
	c, err := r.dial(ctx)
	if err != nil {
		var de *devices.Error
		errors.As(err, &de)
		de.Op = "list-readers"
		return nil, de
	}
	defer c.ReleaseContext(context.WithoutCancel(ctx))
	names, err := c.ListReaders(ctx)
	if err != nil {
		return nil, &devices.Error{Code: devices.Offline, Op: "list-readers", Msg: "pcscd did not answer", Err: err, Teller: notReady}
	}
	return names, nil
}

// ReaderName returns the name of the claimed reader.
func (r *Reader) ReaderName() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.name
}

// Protocol returns the protocol of the connected card, pcsclite.ProtocolT0
// or pcsclite.ProtocolT1, or 0 with no card connected.
func (r *Reader) Protocol() uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.card == nil {
		return 0
	}
	return r.card.Protocol()
}

func (r *Reader) disconnect() {
	r.mu.Lock()
	card := r.card
	r.card = nil
	r.mu.Unlock()
	if card != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		card.Disconnect(ctx, pcsclite.LeaveCard)
		cancel()
	}
}

// conn returns a usable connection to pcscd, opening a new one when the
// last exchange broke the old one.
func (r *Reader) conn(ctx context.Context) (*pcsclite.Client, string, error) {
	r.mu.Lock()
	c, name := r.client, r.name
	r.mu.Unlock()
	if c != nil && c.Broken() == nil {
		return c, name, nil
	}
	if c == nil {
		return nil, "", &devices.Error{Code: devices.NotClaimed, Msg: "not connected to pcscd", Teller: notReady}
	}
	nc, err := r.dial(ctx)
	if err != nil {
		return nil, "", err
	}
	r.mu.Lock()
	if r.client == c {
		r.client, r.card = nc, nil
	} else { // closed meanwhile
		nc.Close()
		nc = r.client
	}
	r.mu.Unlock()
	if nc == nil {
		return nil, "", &devices.Error{Code: devices.NotClaimed, Msg: "not connected to pcscd", Teller: notReady}
	}
	return nc, name, nil
}

// absent reports whether a Connect error only means "no card (yet)".
func absent(err error) bool {
	var ec pcsclite.ErrorCode
	if !errors.As(err, &ec) {
		return false
	}
	switch ec {
	case pcsclite.ErrNoSmartcard, pcsclite.ErrRemovedCard, pcsclite.ErrUnpowered:
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
	var mismatchSince time.Time
	var last error
	for {
		c, name, err := r.conn(ctx)
		if err != nil {
			return r.ctxError(ctx, err, "wait-card")
		}
		card, err := c.Connect(ctx, name, pcsclite.ShareShared, pcsclite.ProtocolT0|pcsclite.ProtocolT1)
		if err == nil {
			r.mu.Lock()
			r.card = card
			r.mu.Unlock()
			r.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardInserted})
			return nil
		}
		last = err
		var ec pcsclite.ErrorCode
		errors.As(err, &ec)
		switch {
		case ctx.Err() != nil:
			// handled below
		case ec == pcsclite.ErrProtoMismatch:
			// pcscd answers PROTO_MISMATCH for a moment while a card is
			// being powered; for longer, the card offers neither T=0 nor
			// T=1.
			if mismatchSince.IsZero() {
				mismatchSince = time.Now()
			} else if time.Since(mismatchSince) > time.Second {
				return &devices.Error{Code: devices.HWError, Op: "connect", Err: err, DeviceOK: true,
					Msg: "the card offers neither T=0 nor T=1", Recovery: "use an EMV (T=0 or T=1) card",
					Teller: devices.Text{Zh: "卡片通信协议不受支持，请换一张卡", En: "The card's protocol is not supported; use another card"}}
			}
		case ec == pcsclite.ErrUnresponsive:
			// A card that does not answer the reset: wait, it may be
			// being inserted, until the caller gives up.
		case !absent(err):
			return r.scardError("connect", err)
		}
		select {
		case <-ctx.Done():
			if errors.Is(last, pcsclite.ErrUnresponsive) {
				return r.muteError(ctx.Err(), "wait-card")
			}
			return &devices.Error{Code: devices.CodeOf(ctx.Err()), Op: "wait-card", Msg: "no card was inserted",
				Err: ctx.Err(), DeviceOK: true,
				Teller: devices.Text{Zh: "未插入IC卡，请插卡后重试", En: "No IC card was inserted; insert it and try again"}}
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
	for {
		c, name, err := r.conn(ctx)
		if err != nil {
			return done(r.ctxError(ctx, err, "wait-removal"))
		}
		card, err := c.Connect(ctx, name, pcsclite.ShareShared, pcsclite.ProtocolT0|pcsclite.ProtocolT1)
		switch {
		case err == nil:
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			card.Disconnect(dctx, pcsclite.LeaveCard)
			cancel()
		case ctx.Err() != nil:
		case errors.Is(err, pcsclite.ErrProtoMismatch), errors.Is(err, pcsclite.ErrUnresponsive):
			// a card is there, being powered or mute
		case absent(err):
			r.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardRemoved})
			return done(nil)
		default:
			return done(r.scardError("connect", err))
		}
		select {
		case <-ctx.Done():
			return done(&devices.Error{Code: devices.CodeOf(ctx.Err()), Op: "wait-removal", Msg: "the card was not removed",
				Err: ctx.Err(), DeviceOK: true,
				Teller: devices.Text{Zh: "请取出IC卡", En: "Take the IC card out"}})
		case <-time.After(r.cfg.Poll):
		}
	}
}

// ctxError returns err, or the caller's context error when that is why
// it failed.
func (r *Reader) ctxError(ctx context.Context, err error, op string) error {
	if ctx.Err() != nil && devices.CodeOf(err) != devices.Offline {
		return &devices.Error{Code: devices.CodeOf(ctx.Err()), Op: op, Err: err, DeviceOK: true, Msg: "gave up waiting"}
	}
	return err
}

// muteError is the error of a card that did not answer before ctx ended.
// It reopens the connection to pcscd first (the old one carried the
// unanswered command): when that works the reader is fine and the error
// says so (DeviceOK); when it does not, pcscd is gone and the error is
// Offline.
func (r *Reader) muteError(cause error, op string) error {
	r.mu.Lock()
	r.card = nil
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), recoverTimeout)
	defer cancel()
	if _, _, err := r.conn(ctx); err != nil {
		return err
	}
	if devices.CodeOf(cause) == devices.Canceled {
		return &devices.Error{Code: devices.Canceled, Op: op, Err: cause, DeviceOK: true,
			Msg:    "the read was cancelled while the card had not answered",
			Teller: devices.Text{Zh: "读卡已取消", En: "Card reading was cancelled"}}
	}
	return &devices.Error{Code: devices.Timeout, Op: op, Err: cause, DeviceOK: true,
		Msg:      "the card did not answer in time",
		Recovery: "take the card out and insert it again; if it persists, the card is faulty",
		Teller: devices.Text{Zh: "卡片无响应，读卡超时，请取出卡片后重新插入",
			En: "The card does not answer and the read timed out; take it out and insert it again"}}
}

var cardRemoved = devices.Text{Zh: "读卡中卡片被拔出，请重新插卡", En: "The card was removed while it was being read; insert it again"}

func (r *Reader) scardError(op string, err error) error {
	var ec pcsclite.ErrorCode
	if !errors.As(err, &ec) {
		return &devices.Error{Code: devices.Offline, Op: op, Msg: "lost the connection to pcscd", Err: err, Teller: notReady}
	}
	switch ec {
	case pcsclite.ErrRemovedCard, pcsclite.ErrNoSmartcard, pcsclite.ErrUnresponsive, pcsclite.ErrUnpowered,
		pcsclite.ErrNotTransacted, pcsclite.ErrResetCard:
		r.Emit(devices.Event{Kind: devices.EventStatus, Status: devices.StatusCardRemoved})
		return &devices.Error{Code: devices.UserError, Op: op, Msg: "the card was removed", Err: err, DeviceOK: true,
			Recovery: "insert the card again and keep it in until the reader is done", Teller: cardRemoved}
	case pcsclite.ErrReaderUnavail, pcsclite.ErrUnknownReader:
		return &devices.Error{Code: devices.Offline, Op: op, Msg: "the card reader went away", Err: err, Teller: notReady}
	case pcsclite.ErrSharing:
		return &devices.Error{Code: devices.Busy, Op: op, Msg: "another program holds the card", Err: err,
			Teller: devices.Text{Zh: "读卡器正忙，请稍候再试", En: "The card reader is busy; try again in a moment"}}
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
		return nil, &devices.Error{Code: devices.UserError, Op: "transmit", Msg: "no card in the reader", DeviceOK: true,
			Teller: devices.Text{Zh: "读卡器中没有卡片，请插卡", En: "There is no card in the reader; insert it"}}
	}
	resp, err := card.Transmit(ctx, apdu)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, t.r.muteError(ctx.Err(), "transmit")
	case err != nil:
		return nil, t.r.scardError("transmit", err)
	case len(resp) < 2:
		// vpcd (and some readers) answer a vanished card with an empty
		// response instead of SCARD_W_REMOVED_CARD.
		return nil, t.r.scardError("transmit", pcsclite.ErrRemovedCard)
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
// emv.ReadCard) and emits the card as an EventData event. A failure caused
// by the card (pulled out, mute, faulty, no usable application) leaves
// the reader Idle.
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
