package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.bug.st/serial"

	"guitai/devices"
	"guitai/devices/finger"
	"guitai/ledger"
)

// DefaultFingerWait is how long enroll-finger and finger identify wait for
// a finger on the sensor unless --timeout says otherwise.
const DefaultFingerWait = 30 * time.Second

// fingerCodes are the ledger codes of fingerprint device failures; a
// command failing with one of them exits with ExitDevice.
var fingerCodes = map[ledger.Code]bool{
	"E_FINGER_NONE": true, "E_FINGER_NO_MATCH": true, "E_FINGER_BAD_IMAGE": true,
	"E_FINGER_TIMEOUT": true, "E_FINGER_CHECKSUM": true, "E_FINGER_DEVICE": true,
}

// DeviceError turns an error of a finger.Module into a coded ledger error
// with a zh/en message (finger.Code names it). The device error stays
// wrapped. A coded ledger error and nil are returned unchanged.
func DeviceError(err error) error {
	if err == nil || ledger.CodeOf(err) != "" {
		return err
	}
	return ledger.NewError(ledger.Code(finger.Code(err)), "finger", err)
}

// IdentifyFinger waits (until ctx ends) for a finger on module m and turns
// its match into the ledger's FingerMatch for the module id moduleID, ready
// for ledger.Credentials.Finger or Store.SignOnFinger. Device failures come
// back as DeviceError gives them.
func IdentifyFinger(ctx context.Context, m *finger.Module, moduleID string) (ledger.FingerMatch, error) {
	page, _, err := m.Identify(ctx)
	if err != nil {
		return ledger.FingerMatch{}, DeviceError(err)
	}
	return ledger.FingerMatch{Module: moduleID, Page: page}, nil
}

// module returns the module id (--module, else the --port path) and, when
// --port is given, the opened, claimed and enabled module.
func (c *cmd) module(needPort bool) (id string, m *finger.Module, code int) {
	port := c.flags["port"]
	id = c.flags["module"]
	if id == "" {
		id = port
	}
	if needPort && port == "" {
		fmt.Fprintln(c.err, "tellerctl: --port (the fingerprint module's serial device) is required")
		return "", nil, ExitUsage
	}
	if id == "" {
		fmt.Fprintln(c.err, "tellerctl: --module or --port is required")
		return "", nil, ExitUsage
	}
	if port == "" {
		return id, nil, ExitOK
	}
	baud := 57600
	if b := c.flags["baud"]; b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n <= 0 {
			fmt.Fprintf(c.err, "tellerctl: --baud %q is not a baud rate\n", b)
			return "", nil, ExitUsage
		}
		baud = n
	}
	flushPort(port, baud)
	m = finger.NewModule("finger", finger.Config{Port: port, Baud: baud, Capacity: c.capacity()})
	for _, step := range []func(context.Context) error{m.Open, m.Claim, m.Enable} {
		if err := step(c.ctx); err != nil {
			m.Close(context.Background())
			return "", nil, c.fail(DeviceError(err))
		}
	}
	return id, m, ExitOK
}

func (c *cmd) capacity() int {
	if n, err := strconv.Atoi(c.flags["capacity"]); err == nil && n > 0 {
		return n
	}
	return 1000
}

// fingerWait is the context for waiting on the sensor: --timeout or
// DefaultFingerWait.
func (c *cmd) fingerWait() (context.Context, context.CancelFunc, bool) {
	d := DefaultFingerWait
	if v := c.flags["timeout"]; v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d <= 0 {
			fmt.Fprintf(c.err, "tellerctl: --timeout %q is not a duration\n", v)
			return nil, nil, false
		}
	}
	ctx, cancel := context.WithTimeout(c.ctx, d)
	return ctx, cancel, true
}

// prompts tells the operator what to do while the module waits.
func (c *cmd) prompts(m *finger.Module) (cancel func()) {
	if c.json {
		return func() {}
	}
	return m.Subscribe(func(ev devices.Event) {
		switch ev.Status {
		case "lift-finger":
			fmt.Fprintln(c.err, "lift the finger / 请抬起手指")
		case "place-finger-again":
			fmt.Fprintln(c.err, "place the same finger again / 请再次按压同一手指")
		}
	})
}

// enrollFinger: user enroll-finger ID --port DEV [--baud N] [--module M]
// [--page N] [--capacity N] [--timeout D].
func (c *cmd) enrollFinger(s *ledger.Store, id string) int {
	if _, err := s.GetUser(c.ctx, id); err != nil {
		return c.fail(err)
	}
	wait, cancel, ok := c.fingerWait()
	if !ok {
		return ExitUsage
	}
	defer cancel()
	mod, m, code := c.module(true)
	if m == nil {
		return code
	}
	defer m.Close(context.Background())
	page := -1
	if p := c.flags["page"]; p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n >= c.capacity() {
			fmt.Fprintf(c.err, "tellerctl: --page %q is not a page below %d\n", p, c.capacity())
			return ExitUsage
		}
		page = n
	} else {
		n, err := s.NextFingerPage(c.ctx, mod, c.capacity())
		if err != nil {
			return c.fail(err)
		}
		page = n
	}
	if _, err := s.UserByFinger(c.ctx, mod, page); err == nil {
		return c.fail(ledger.NewError("E_FINGER_TAKEN", "page", nil)) // do not overwrite someone's template
	}
	if !c.json {
		fmt.Fprintln(c.err, "place the finger on the sensor / 请按压手指")
	}
	stop := c.prompts(m)
	err := m.Enroll(wait, page)
	stop()
	if err != nil {
		return c.fail(DeviceError(err))
	}
	// The new template is still in char buffer 1: which other pages does
	// the module match it to? The ledger refuses the finger if one of them
	// belongs to another user.
	matches, err := otherMatches(c.ctx, m, page, c.capacity())
	if err != nil {
		_ = m.Delete(context.Background(), page, 1)
		return c.fail(DeviceError(err))
	}
	if err := s.EnrollFinger(c.ctx, id, mod, page, matches...); err != nil {
		_ = m.Delete(context.Background(), page, 1) // the template belongs to nobody
		return c.fail(err)
	}
	if c.json {
		c.print(ledger.Finger{UserID: id, Module: mod, Page: page})
	} else {
		fmt.Fprintf(c.out, "%s enrolled: module=%s page=%d\n", id, mod, page)
	}
	return ExitOK
}

// otherMatches searches the module's library, every page but page, with
// the template in char buffer 1 and returns the pages that match it.
func otherMatches(ctx context.Context, m *finger.Module, page, capacity int) ([]int, error) {
	var out []int
	for _, r := range [][2]int{{0, page}, {page + 1, capacity}} {
		for start := r[0]; start < r[1]; {
			p, _, err := m.Search(ctx, 1, start, r[1]-start)
			if finger.IsNoMatch(err) {
				break
			}
			if err != nil {
				return nil, err
			}
			if p < start || p >= r[1] {
				break // a module that answers outside the range: stop here
			}
			out = append(out, p)
			start = p + 1
		}
	}
	return out, nil
}

// removeFinger: user remove-finger ID [--module M] [--page N] [--port DEV].
// Without --page every finger of the user on the module goes; with --port
// the templates are deleted from the module too.
func (c *cmd) removeFinger(s *ledger.Store, id string) int {
	mod, m, code := c.module(false)
	if mod == "" {
		return code
	}
	if m != nil {
		defer m.Close(context.Background())
	}
	var pages []int
	if p := c.flags["page"]; p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			fmt.Fprintf(c.err, "tellerctl: --page %q is not a number\n", p)
			return ExitUsage
		}
		pages = append(pages, n)
	} else {
		fs, err := s.Fingers(c.ctx, id)
		if err != nil {
			return c.fail(err)
		}
		for _, f := range fs {
			if f.Module == mod {
				pages = append(pages, f.Page)
			}
		}
		if len(pages) == 0 {
			return c.fail(ledger.NewError("E_FINGER_UNKNOWN", "page", nil))
		}
	}
	for _, page := range pages {
		// The ledger first: access is revoked even if the module fails.
		if err := s.RemoveFinger(c.ctx, id, mod, page); err != nil {
			return c.fail(err)
		}
		if m != nil {
			if err := m.Delete(c.ctx, page, 1); err != nil {
				return c.fail(DeviceError(err))
			}
		}
	}
	if c.json {
		c.print(map[string]any{"user_id": id, "module": mod, "removed": pages})
	} else {
		fmt.Fprintf(c.out, "%s: removed module=%s pages=%v\n", id, mod, pages)
	}
	return ExitOK
}

// listFingers: user fingers ID.
func (c *cmd) listFingers(s *ledger.Store, id string) int {
	if _, err := s.GetUser(c.ctx, id); err != nil {
		return c.fail(err)
	}
	fs, err := s.Fingers(c.ctx, id)
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		if fs == nil {
			fs = []ledger.Finger{}
		}
		c.print(fs)
		return ExitOK
	}
	for _, f := range fs {
		fmt.Fprintf(c.out, "%s module=%s page=%d enrolled=%s\n", f.UserID, f.Module, f.Page, f.EnrolledAt)
	}
	return ExitOK
}

// identifyFinger: finger identify --port DEV [--module M] [--timeout D]
// prints whose finger is on the sensor (no sign-on, no lock check).
func (c *cmd) identifyFinger() int {
	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	wait, cancel, ok := c.fingerWait()
	if !ok {
		return ExitUsage
	}
	defer cancel()
	mod, m, code := c.module(true)
	if m == nil {
		return code
	}
	defer m.Close(context.Background())
	if !c.json {
		fmt.Fprintln(c.err, "place the finger on the sensor / 请按压手指")
	}
	match, err := IdentifyFinger(wait, m, mod)
	if err != nil {
		return c.fail(err)
	}
	u, err := s.UserByFinger(c.ctx, match.Module, match.Page)
	if err != nil {
		return c.fail(err)
	}
	if c.json {
		c.print(map[string]any{"user": u, "module": match.Module, "page": match.Page})
	} else {
		fmt.Fprintf(c.out, "%s %s branch=%s role=%s locked=%v (module=%s page=%d)\n", u.ID, u.Name, u.Branch, u.Role, u.Locked, match.Module, match.Page)
	}
	return ExitOK
}

// hint prints what the operator can do about a device failure.
func (c *cmd) hint(err error) {
	var de *devices.Error
	if fingerCodes[ledger.CodeOf(err)] && errors.As(err, &de) {
		if h := de.Suggestion(); h != "" {
			fmt.Fprintln(c.err, "tellerctl: hint:", h)
		}
	}
}

// flushPort discards whatever waits in the serial line's input: a reply
// that arrived after an earlier command (or process) gave up waiting would
// otherwise be read as the answer to this run's first command. Errors are
// ignored; opening the module reports them.
func flushPort(port string, baud int) {
	p, err := serial.Open(port, &serial.Mode{BaudRate: baud})
	if err != nil {
		return
	}
	_ = p.ResetInputBuffer()
	_ = p.Close()
}
