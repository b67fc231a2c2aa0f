package pcsc

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"time"
)

// VPCDPort is vpcd's default TCP port (0x8C7B).
const VPCDPort = 35963

// VirtualCard is a card that vpcd can power and talk to.
type VirtualCard interface {
	ATR() []byte
	// Handle answers an APDU; ok is false once the card has been pulled,
	// and resp is nil (with ok true) when the card stays silent (a mute
	// card): nothing is sent back, and vpcd waits.
	Handle(apdu []byte) (resp []byte, ok bool)
	Reset()
}

// vpcd control codes (one-byte frames from vpcd).
const (
	vpcdOff   = 0
	vpcdOn    = 1
	vpcdReset = 2
	vpcdATR   = 4
)

// Insertion is a virtual card sitting in a vpcd reader slot.
type Insertion struct {
	conn net.Conn
	done chan struct{}
	once sync.Once
	err  error
}

// InsertVPCD connects card to the vpcd reader listening at addr
// ("127.0.0.1:35963"), which pcscd then sees as a card insertion. It
// retries the connection until ctx ends, since vpcd starts listening only
// once pcscd has loaded it. The card stays in until Remove, until it pulls
// itself (Handle returns false) or until vpcd hangs up.
func InsertVPCD(ctx context.Context, addr string, card VirtualCard) (*Insertion, error) {
	var d net.Dialer
	var conn net.Conn
	for {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn = c
			break
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(20 * time.Millisecond):
		}
	}
	in := &Insertion{conn: conn, done: make(chan struct{})}
	go in.serve(card)
	return in, nil
}

// Remove pulls the card out of the reader and waits for the server to stop.
func (in *Insertion) Remove() {
	in.once.Do(func() { in.conn.Close() })
	<-in.done
}

// Done is closed when the card has left the reader.
func (in *Insertion) Done() <-chan struct{} { return in.done }

// Err returns why the card left: nil after Remove or a vpcd hang-up.
func (in *Insertion) Err() error {
	<-in.done
	return in.err
}

func (in *Insertion) serve(card VirtualCard) {
	defer close(in.done)
	defer in.once.Do(func() { in.conn.Close() })
	r := &quickAckReader{c: in.conn}
	if tc, ok := in.conn.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		r.raw, _ = tc.SyscallConn()
	}
	for {
		msg, err := readFrame(r)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				in.err = err
			}
			return
		}
		var resp []byte
		if len(msg) == 1 {
			switch msg[0] {
			case vpcdOff, vpcdReset:
				card.Reset()
				continue
			case vpcdOn:
				continue
			case vpcdATR:
				resp = card.ATR()
			default:
				continue
			}
		} else {
			var ok bool
			if resp, ok = card.Handle(msg); !ok {
				return // pulled out: hang up, vpcd reports the removal
			}
			if resp == nil {
				continue // mute
			}
		}
		if err := writeFrame(in.conn, resp); err != nil {
			return
		}
	}
}

// quickAckReader re-arms TCP_QUICKACK before every read. vpcd writes the
// length and the body of a frame with two send calls and Nagle's algorithm
// on; without an immediate ACK the body waits for our delayed ACK (40 ms
// on Linux), for every APDU.
type quickAckReader struct {
	c   net.Conn
	raw syscall.RawConn
}

func (q *quickAckReader) Read(b []byte) (int, error) {
	if q.raw != nil {
		q.raw.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
		})
	}
	return q.c.Read(b)
}

func readFrame(r io.Reader) ([]byte, error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	b := make([]byte, binary.BigEndian.Uint16(h[:]))
	_, err := io.ReadFull(r, b)
	return b, err
}

func writeFrame(w io.Writer, b []byte) error {
	_, err := w.Write(append(binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(b)), uint16(len(b))), b...))
	return err
}
