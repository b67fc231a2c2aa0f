package finger

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"guitai/devices"
)

// TemplateSize is the size of a character file (template) moved by
// UpChar and DownChar.
const TemplateSize = 512

// dataChunk is the data packet size used for UpChar/DownChar.
const dataChunk = 128

func (m *Module) verifyPassword(ctx context.Context) error {
	cmd := binary.BigEndian.AppendUint32([]byte{CmdVfyPwd}, m.cfg.Password)
	_, err := m.exchange(ctx, "verify-password", cmd)
	return err
}

// run wraps one or more exchanges as a device operation.
func (m *Module) run(ctx context.Context, op string, fn func() error) error {
	done, err := m.Use(ctx, op)
	if err != nil {
		return err
	}
	return done(fn())
}

// VerifyPassword checks the module password (the handshake).
func (m *Module) VerifyPassword(ctx context.Context) error {
	return m.run(ctx, "verify-password", func() error { return m.verifyPassword(ctx) })
}

// GenImage captures a fingerprint image into the image buffer. With no
// finger on the sensor it fails with a UserError for which IsNoFinger holds.
func (m *Module) GenImage(ctx context.Context) error {
	return m.run(ctx, "gen-image", func() error { return m.genImage(ctx) })
}

func (m *Module) genImage(ctx context.Context) error {
	_, err := m.exchange(ctx, "gen-image", []byte{CmdGenImg})
	return err
}

// Image2Tz extracts the features of the image into char buffer 1 or 2.
func (m *Module) Image2Tz(ctx context.Context, buffer byte) error {
	return m.run(ctx, "img2tz", func() error { return m.img2tz(ctx, buffer) })
}

func (m *Module) img2tz(ctx context.Context, buffer byte) error {
	_, err := m.exchange(ctx, "img2tz", []byte{CmdImg2Tz, buffer})
	return err
}

// Search looks for the features of a char buffer among count template
// pages from start, and returns the page found and the match score.
func (m *Module) Search(ctx context.Context, buffer byte, start, count int) (page, score int, err error) {
	err = m.run(ctx, "search", func() error {
		page, score, err = m.search(ctx, buffer, start, count)
		return err
	})
	return
}

func (m *Module) search(ctx context.Context, buffer byte, start, count int) (int, int, error) {
	cmd := []byte{CmdSearch, buffer}
	cmd = binary.BigEndian.AppendUint16(cmd, uint16(start))
	cmd = binary.BigEndian.AppendUint16(cmd, uint16(count))
	r, err := m.exchange(ctx, "search", cmd)
	if err != nil {
		return -1, 0, err
	}
	if len(r) < 4 {
		return -1, 0, &devices.Error{Code: devices.HWError, Op: "search", Msg: "short search reply"}
	}
	return int(binary.BigEndian.Uint16(r)), int(binary.BigEndian.Uint16(r[2:])), nil
}

// Match compares char buffers 1 and 2 and returns the score.
func (m *Module) Match(ctx context.Context) (score int, err error) {
	err = m.run(ctx, "match", func() error {
		r, err := m.exchange(ctx, "match", []byte{CmdMatch})
		if err == nil && len(r) >= 2 {
			score = int(binary.BigEndian.Uint16(r))
		}
		return err
	})
	return
}

// RegModel combines char buffers 1 and 2 into a template (in both).
func (m *Module) RegModel(ctx context.Context) error {
	return m.run(ctx, "reg-model", func() error {
		_, err := m.exchange(ctx, "reg-model", []byte{CmdRegModel})
		return err
	})
}

// Store saves a char buffer as template page.
func (m *Module) Store(ctx context.Context, buffer byte, page int) error {
	return m.run(ctx, "store", func() error { return m.store(ctx, buffer, page) })
}

func (m *Module) store(ctx context.Context, buffer byte, page int) error {
	_, err := m.exchange(ctx, "store", binary.BigEndian.AppendUint16([]byte{CmdStore, buffer}, uint16(page)))
	return err
}

// LoadChar loads template page into a char buffer.
func (m *Module) LoadChar(ctx context.Context, buffer byte, page int) error {
	return m.run(ctx, "load-char", func() error {
		_, err := m.exchange(ctx, "load-char", binary.BigEndian.AppendUint16([]byte{CmdLoadChar, buffer}, uint16(page)))
		return err
	})
}

// TemplateCount returns the number of stored templates.
func (m *Module) TemplateCount(ctx context.Context) (n int, err error) {
	err = m.run(ctx, "template-count", func() error {
		r, err := m.exchange(ctx, "template-count", []byte{CmdTemplateNum})
		if err == nil && len(r) >= 2 {
			n = int(binary.BigEndian.Uint16(r))
		}
		return err
	})
	return
}

// Delete removes count template pages from page.
func (m *Module) Delete(ctx context.Context, page, count int) error {
	return m.run(ctx, "delete", func() error {
		cmd := binary.BigEndian.AppendUint16([]byte{CmdDeleteChar}, uint16(page))
		_, err := m.exchange(ctx, "delete", binary.BigEndian.AppendUint16(cmd, uint16(count)))
		return err
	})
}

// UpChar uploads a char buffer (a template) from the module.
func (m *Module) UpChar(ctx context.Context, buffer byte) (tpl []byte, err error) {
	err = m.run(ctx, "up-char", func() error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if _, err := m.exchangeLocked(ctx, "up-char", []byte{CmdUpChar, buffer}); err != nil {
			return err
		}
		for {
			p, err := m.readPacket("up-char")
			if err != nil {
				return err
			}
			if p.PID != PIDData && p.PID != PIDEndData {
				return &devices.Error{Code: devices.HWError, Op: "up-char", Msg: "unexpected packet during upload"}
			}
			tpl = append(tpl, p.Payload...)
			if p.PID == PIDEndData {
				return nil
			}
			if len(tpl) > 8*TemplateSize {
				return &devices.Error{Code: devices.HWError, Op: "up-char", Msg: "upload too long"}
			}
		}
	})
	return
}

// DownChar downloads a template into a char buffer of the module.
func (m *Module) DownChar(ctx context.Context, buffer byte, tpl []byte) error {
	return m.run(ctx, "down-char", func() error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if _, err := m.exchangeLocked(ctx, "down-char", []byte{CmdDownChar, buffer}); err != nil {
			return err
		}
		var out []byte
		for i := 0; i < len(tpl); i += dataChunk {
			pid := byte(PIDData)
			end := min(i+dataChunk, len(tpl))
			if end == len(tpl) {
				pid = PIDEndData
			}
			out = AppendPacket(out, Packet{Addr: m.cfg.Address, PID: pid, Payload: tpl[i:end]})
		}
		if _, err := m.port.Write(out); err != nil {
			return &devices.Error{Code: devices.Offline, Op: "down-char", Err: err}
		}
		return nil
	})
}

// capture waits (polling GenImg) until a finger is on the sensor, then
// extracts its features into buffer. Without a finger until ctx ends it
// fails with Timeout "no finger".
func (m *Module) capture(ctx context.Context, buffer byte) error {
	for {
		err := m.genImage(ctx)
		if err == nil {
			return m.img2tz(ctx, buffer)
		}
		expired := expired(ctx)
		if !IsNoFinger(err) && !expired {
			return err
		}
		noFinger := func() error {
			code := devices.Timeout
			if errors.Is(ctx.Err(), context.Canceled) {
				code = devices.Canceled
			}
			return &devices.Error{Code: code, Op: "capture", Msg: "no finger was placed on the sensor",
				Err: ctx.Err(), Recovery: "ask the customer to place a finger on the sensor, then retry"}
		}
		if expired {
			return noFinger()
		}
		select {
		case <-ctx.Done():
			return noFinger()
		case <-time.After(m.cfg.Poll):
		}
	}
}

// expired reports whether ctx is done or its deadline has passed (the
// serial reader's deadline can fire just before the context's timer).
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// waitLift polls until no finger is on the sensor.
func (m *Module) waitLift(ctx context.Context) error {
	for {
		err := m.genImage(ctx)
		if IsNoFinger(err) {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return &devices.Error{Code: devices.CodeOf(ctx.Err()), Op: "enroll", Msg: "the finger was not lifted", Err: ctx.Err()}
		case <-time.After(m.cfg.Poll):
		}
	}
}

// Enroll captures the same finger twice (asking for a lift in between),
// builds the template and stores it at page. The caller maps pages to
// users.
func (m *Module) Enroll(ctx context.Context, page int) error {
	return m.run(ctx, "enroll", func() error {
		if err := m.capture(ctx, 1); err != nil {
			return err
		}
		m.Emit(devices.Event{Kind: devices.EventStatus, Status: "lift-finger"})
		if err := m.waitLift(ctx); err != nil {
			return err
		}
		m.Emit(devices.Event{Kind: devices.EventStatus, Status: "place-finger-again"})
		if err := m.capture(ctx, 2); err != nil {
			return err
		}
		if _, err := m.exchange(ctx, "reg-model", []byte{CmdRegModel}); err != nil {
			return err
		}
		return m.store(ctx, 1, page)
	})
}

// Identify waits for a finger and searches all template pages. It returns
// the page and score of the match; a finger that matches nothing is a
// UserError for which IsNoMatch holds.
func (m *Module) Identify(ctx context.Context) (page, score int, err error) {
	err = m.run(ctx, "identify", func() error {
		if err := m.capture(ctx, 1); err != nil {
			return err
		}
		page, score, err = m.search(ctx, 1, 0, m.cfg.Capacity)
		if err == nil {
			m.Emit(devices.Event{Kind: devices.EventData, Data: Match{Page: page, Score: score}})
		}
		return err
	})
	return
}

// Match is the data of an EventData event after Identify.
type Match struct {
	Page  int
	Score int
}

// Health checks that the module answers the password handshake.
func (m *Module) Health(ctx context.Context) error { return m.VerifyPassword(ctx) }
