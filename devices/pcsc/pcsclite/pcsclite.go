// BSD 3-Clause License
//
// Copyright (c) 2019, Guillaume Ballet
// All rights reserved.
//
// Redistribution and use in source and binary forms, with or without
// modification, are permitted provided that the following conditions are met:
//
// * Redistributions of source code must retain the above copyright notice, this
//   list of conditions and the following disclaimer.
//
// * Redistributions in binary form must reproduce the above copyright notice,
//   this list of conditions and the following disclaimer in the documentation
//   and/or other materials provided with the distribution.
//
// * Neither the name of the copyright holder nor the names of its
//   contributors may be used to endorse or promote products derived from
//   this software without specific prior written permission.
//
// THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
// AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
// IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
// DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
// FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
// DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
// SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
// CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
// OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
// OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.

package pcsclite

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// SockName is where pcscd listens on Linux.
const SockName = "/run/pcscd/pcscd.comm"

// Scopes, share modes, protocols and dispositions (pcsclite.h).
const (
	ScopeUser   = 0x0000
	ScopeSystem = 0x0002

	ShareExclusive = 0x0001
	ShareShared    = 0x0002

	ProtocolT0  = 0x0001
	ProtocolT1  = 0x0002
	ProtocolRaw = 0x0004
	ProtocolAny = ProtocolT0 | ProtocolT1

	LeaveCard   = 0x0000
	ResetCard   = 0x0001
	UnpowerCard = 0x0002
)

// Reader state bits (ReaderState.State).
const (
	StateUnknown    = 0x0001
	StateAbsent     = 0x0002
	StatePresent    = 0x0004
	StateSwallowed  = 0x0008
	StatePowered    = 0x0010
	StateNegotiable = 0x0020
	StateSpecific   = 0x0040
)

// pcscd commands (winscard_msg.h).
const (
	cmdEstablishContext = 0x01
	cmdReleaseContext   = 0x02
	cmdConnect          = 0x04
	cmdDisconnect       = 0x06
	cmdTransmit         = 0x09
	cmdVersion          = 0x11
	cmdGetReaderState   = 0x12
)

const (
	protocolMajor = 4
	protocolMinor = 4 // 4.3 is tried next

	readerNameLen   = 128
	maxATR          = 33
	readerStateLen  = readerNameLen + 3*4 + 36 + 2*4 // 184: the ATR is padded to 36
	maxReaders      = 16
	maxResponseSize = 0x10000
)

// ErrorCode is a PC/SC return code other than SCARD_S_SUCCESS.
type ErrorCode uint32

// Return codes the callers act on.
const (
	ErrCancelled      ErrorCode = 0x80100002
	ErrInvalidHandle  ErrorCode = 0x80100003
	ErrUnknownReader  ErrorCode = 0x80100009
	ErrTimeout        ErrorCode = 0x8010000A
	ErrSharing        ErrorCode = 0x8010000B
	ErrNoSmartcard    ErrorCode = 0x8010000C
	ErrProtoMismatch  ErrorCode = 0x8010000F
	ErrNotReady       ErrorCode = 0x80100010
	ErrCommError      ErrorCode = 0x80100013
	ErrNotTransacted  ErrorCode = 0x80100016
	ErrReaderUnavail  ErrorCode = 0x80100017
	ErrNoService      ErrorCode = 0x8010001D
	ErrUnsupported    ErrorCode = 0x80100065
	ErrUnresponsive   ErrorCode = 0x80100066
	ErrUnpowered      ErrorCode = 0x80100067
	ErrResetCard      ErrorCode = 0x80100068
	ErrRemovedCard    ErrorCode = 0x80100069
	ErrNoReadersAvail ErrorCode = 0x8010002E
)

var codeText = map[ErrorCode]string{
	ErrCancelled: "command cancelled", ErrInvalidHandle: "invalid handle", ErrUnknownReader: "unknown reader",
	ErrTimeout: "command timeout", ErrSharing: "sharing violation", ErrNoSmartcard: "no smart card inserted",
	ErrProtoMismatch: "card protocol mismatch", ErrNotReady: "subsystem not ready", ErrCommError: "rpc transport error",
	ErrNotTransacted: "transaction failed", ErrReaderUnavail: "reader is unavailable", ErrNoService: "service not available",
	ErrUnsupported: "card is unsupported", ErrUnresponsive: "card is unresponsive", ErrUnpowered: "card is unpowered",
	ErrResetCard: "card was reset", ErrRemovedCard: "card was removed", ErrNoReadersAvail: "cannot find a smart card reader",
}

// Error returns "pcsclite: <text> (0x8010000C)".
func (c ErrorCode) Error() string {
	t := codeText[c]
	if t == "" {
		t = "error"
	}
	return fmt.Sprintf("pcsclite: %s (0x%08X)", t, uint32(c))
}

// ErrBroken is wrapped by the error of every call on a client whose
// exchange with pcscd was cut short (by its context or a socket error):
// the socket is closed and the client must be replaced.
var ErrBroken = errors.New("pcsclite: connection to pcscd closed after an interrupted call")

// Client is one connection to pcscd holding one PC/SC context. Its
// methods are safe for concurrent use; they are served one at a time.
type Client struct {
	mu     sync.Mutex
	conn   net.Conn
	ctx    uint32
	minor  uint32
	broken error
}

// EstablishContext connects to pcscd at path (SockName when empty),
// agrees on the protocol version and creates a context.
func EstablishContext(ctx context.Context, path string, scope uint32) (*Client, error) {
	if path == "" {
		path = SockName
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, err
	}
	c := &Client{conn: conn}
	err = c.do(ctx, func() error {
		var lastCode uint32
		// 4.4 first (pcsc-lite 1.8.24 and later), then 4.3.
		for _, minor := range []uint32{protocolMinor, protocolMinor - 1} {
			req := le32(protocolMajor, minor, 0)
			if err := c.send(cmdVersion, req); err != nil {
				return err
			}
			resp := make([]byte, 12)
			if err := c.recv(resp); err != nil {
				return err
			}
			lastCode = u32(resp, 8)
			if lastCode == 0 && u32(resp, 0) == protocolMajor && u32(resp, 4) == minor {
				c.minor = minor
				break
			}
		}
		if c.minor == 0 {
			return fmt.Errorf("pcsclite: pcscd speaks neither protocol 4.%d nor 4.%d: %w", protocolMinor, protocolMinor-1, code(lastCode))
		}
		if err := c.send(cmdEstablishContext, le32(scope, 0, 0)); err != nil {
			return err
		}
		resp := make([]byte, 12)
		if err := c.recv(resp); err != nil {
			return err
		}
		if err := code(u32(resp, 8)); err != nil {
			return err
		}
		c.ctx = u32(resp, 4)
		return nil
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func code(rv uint32) error {
	if rv == 0 {
		return nil
	}
	return ErrorCode(rv)
}

func le32(vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func u32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

func (c *Client) send(cmd uint32, payload []byte, extra ...[]byte) error {
	msg := append(le32(uint32(len(payload)), cmd), payload...)
	for _, e := range extra {
		msg = append(msg, e...)
	}
	_, err := c.conn.Write(msg)
	return err
}

func (c *Client) recv(b []byte) error {
	for n := 0; n < len(b); {
		k, err := c.conn.Read(b[n:])
		if err != nil {
			return err
		}
		n += k
	}
	return nil
}

// do runs one request/response exchange under ctx: the socket's deadline
// follows ctx, and an exchange that fails at the socket level (ctx ended,
// pcscd gone) breaks the client.
func (c *Client) do(ctx context.Context, f func() error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return c.broken
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	conn := c.conn
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	err := f()
	interrupted := !stop()
	var ec ErrorCode
	switch {
	case err == nil && !interrupted:
		return nil
	case err == nil:
		// Done, but the deadline may be landing on the socket now.
		conn.Close()
		c.broken = fmt.Errorf("%w (%v)", ErrBroken, ctx.Err())
		return nil
	case !interrupted && errors.As(err, &ec):
		return err // pcscd answered with a return code: the stream is in step
	}
	// The stream is out of step: pcscd may still answer later.
	conn.Close()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	c.broken = fmt.Errorf("%w (%v)", ErrBroken, err)
	return err
}

// Broken returns why the client can no longer be used, or nil.
func (c *Client) Broken() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.broken
}

// Close closes the socket without releasing the context; pcscd releases
// it (and disconnects its cards, leaving them powered) when it sees the
// socket close.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken == nil {
		c.broken = fmt.Errorf("%w (closed)", ErrBroken)
	}
	return c.conn.Close()
}

// ReleaseContext releases the context and closes the connection.
func (c *Client) ReleaseContext(ctx context.Context) error {
	err := c.do(ctx, func() error {
		if err := c.send(cmdReleaseContext, le32(c.ctx, 0)); err != nil {
			return err
		}
		resp := make([]byte, 8)
		if err := c.recv(resp); err != nil {
			return err
		}
		return code(u32(resp, 4))
	})
	c.Close()
	return err
}

// ReaderState is what pcscd publishes about one reader.
type ReaderState struct {
	Name     string // NUL padding trimmed
	Events   uint32 // card events counter
	State    uint32 // State* bits
	ATR      []byte
	Protocol uint32 // the card's active protocol, if connected
}

// ReaderStates returns the state of every reader pcscd knows.
func (c *Client) ReaderStates(ctx context.Context) ([]ReaderState, error) {
	resp := make([]byte, readerStateLen*maxReaders)
	err := c.do(ctx, func() error {
		if err := c.send(cmdGetReaderState, nil); err != nil {
			return err
		}
		return c.recv(resp)
	})
	if err != nil {
		return nil, err
	}
	return parseReaderStates(resp), nil
}

// parseReaderStates decodes pcscd's array of READER_STATE records
// (readerName[128], eventCounter, readerState, readerSharing,
// cardAtr[33] padded to 36, cardAtrLength, cardProtocol), skipping the
// unused ones (empty name).
func parseReaderStates(resp []byte) []ReaderState {
	var out []ReaderState
	for i := 0; (i+1)*readerStateLen <= len(resp); i++ {
		d := resp[i*readerStateLen : (i+1)*readerStateLen]
		if d[0] == 0 {
			continue
		}
		atr := d[140 : 140+maxATR]
		if n := int(u32(d, 176)); n <= maxATR {
			atr = atr[:n]
		}
		out = append(out, ReaderState{
			Name:     strings.TrimRight(string(d[:readerNameLen]), "\x00"),
			Events:   u32(d, 128) & 0xFFFF,
			State:    u32(d, 132),
			ATR:      append([]byte(nil), atr...),
			Protocol: u32(d, 180),
		})
	}
	return out
}

// ListReaders returns the names of the readers pcscd knows.
func (c *Client) ListReaders(ctx context.Context) ([]string, error) {
	st, err := c.ReaderStates(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(st))
	for _, s := range st {
		names = append(names, s.Name)
	}
	return names, nil
}

// Card is a connection to the card in a reader.
type Card struct {
	handle   uint32
	protocol uint32
	client   *Client
}

// Connect connects to the card in the named reader with one of the
// protocols (ProtocolT0|ProtocolT1 to take whichever the card and reader
// agree on).
func (c *Client) Connect(ctx context.Context, reader string, share, protocols uint32) (*Card, error) {
	if len(reader) >= readerNameLen {
		return nil, fmt.Errorf("pcsclite: reader name of %d bytes", len(reader))
	}
	// struct connect_struct: hContext, szReader[128], dwShareMode,
	// dwPreferredProtocols, hCard, dwActiveProtocol, rv.
	req := make([]byte, 4+readerNameLen+5*4)
	binary.LittleEndian.PutUint32(req, c.ctx)
	copy(req[4:], reader)
	binary.LittleEndian.PutUint32(req[4+readerNameLen:], share)
	binary.LittleEndian.PutUint32(req[8+readerNameLen:], protocols)
	resp := make([]byte, len(req))
	err := c.do(ctx, func() error {
		if err := c.send(cmdConnect, req); err != nil {
			return err
		}
		if err := c.recv(resp); err != nil {
			return err
		}
		return code(u32(resp, 20+readerNameLen))
	})
	if err != nil {
		return nil, err
	}
	return &Card{handle: u32(resp, 12+readerNameLen), protocol: u32(resp, 16+readerNameLen), client: c}, nil
}

// Protocol returns the active protocol, ProtocolT0 or ProtocolT1.
func (k *Card) Protocol() uint32 { return k.protocol }

// Transmit sends an APDU with the active protocol's PCI and returns the
// response APDU.
func (k *Card) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	c := k.client
	// struct transmit_struct: hCard, ioSendPciProtocol, ioSendPciLength,
	// cbSendLength, ioRecvPciProtocol, ioRecvPciLength, pcbRecvLength, rv.
	req := le32(k.handle, k.protocol, 8, uint32(len(apdu)), k.protocol, 8, maxResponseSize, 0)
	var out []byte
	err := c.do(ctx, func() error {
		if err := c.send(cmdTransmit, req, apdu); err != nil {
			return err
		}
		resp := make([]byte, len(req))
		if err := c.recv(resp); err != nil {
			return err
		}
		if err := code(u32(resp, 28)); err != nil {
			return err
		}
		n := u32(resp, 24)
		if n > maxResponseSize {
			return fmt.Errorf("pcsclite: response of %d bytes", n)
		}
		out = make([]byte, n)
		return c.recv(out)
	})
	return out, err
}

// Disconnect ends the connection to the card.
func (k *Card) Disconnect(ctx context.Context, disposition uint32) error {
	c := k.client
	return c.do(ctx, func() error {
		if err := c.send(cmdDisconnect, le32(k.handle, disposition, 0)); err != nil {
			return err
		}
		resp := make([]byte, 12)
		if err := c.recv(resp); err != nil {
			return err
		}
		return code(u32(resp, 8))
	})
}
