package finger

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"guitai/devices/serialline"
	"os"
	"sync"
)

// Faults a Sim can be told to inject into its next reply.
const (
	FaultNone     = iota
	FaultChecksum // the next reply has a wrong checksum
	FaultSilent   // the next command gets no reply
	FaultMessy    // the next Img2Tz says the image is too messy
)

// Sim simulates a fingerprint module on a real pty: a driver opens
// Path() with go.bug.st/serial as it would /dev/ttyUSB0. It holds
// enrolled templates by page; what is on the sensor is scripted with
// Rest and Present.
type Sim struct {
	master, tty *os.File
	done        chan struct{}

	mu       sync.Mutex
	password uint32
	pages    map[int][]byte
	buf      [3][]byte // char buffers 1 and 2
	image    string    // finger captured in the image buffer
	present  []string  // fingers for the next GenImg calls ("" = none)
	resting  string    // finger on the sensor once present is used up
	faults   []int
	commands int
}

// NewSim starts a simulator with no templates and no finger on the sensor.
func NewSim() (*Sim, error) {
	master, tty, err := serialline.OpenPTY()
	if err != nil {
		return nil, err
	}
	s := &Sim{master: master, tty: tty, done: make(chan struct{}), pages: map[int][]byte{}}
	go s.serve()
	return s, nil
}

// SetPassword sets the module password (0 by default).
func (s *Sim) SetPassword(p uint32) {
	s.mu.Lock()
	s.password = p
	s.mu.Unlock()
}

// Path returns the pty device the driver opens.
func (s *Sim) Path() string { return s.tty.Name() }

// Close stops the simulator.
func (s *Sim) Close() error {
	err := s.master.Close()
	<-s.done
	s.tty.Close()
	return err
}

// Template returns the template the simulated sensor makes of a finger:
// the same finger always gives the same template.
func Template(finger string) []byte {
	out := make([]byte, 0, TemplateSize)
	h := sha256.Sum256([]byte(finger))
	for len(out) < TemplateSize {
		out = append(out, h[:]...)
		h = sha256.Sum256(h[:])
	}
	return out[:TemplateSize]
}

// Enroll stores the template of finger at page, as if enrolled earlier.
func (s *Sim) Enroll(page int, finger string) {
	s.mu.Lock()
	s.pages[page] = Template(finger)
	s.mu.Unlock()
}

// Pages returns the number of stored templates.
func (s *Sim) Pages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pages)
}

// Rest puts finger on the sensor until further notice ("" lifts it).
func (s *Sim) Rest(finger string) {
	s.mu.Lock()
	s.resting = finger
	s.mu.Unlock()
}

// Present scripts what the next GenImg calls see, one entry per call
// ("" = no finger); after them the resting finger is seen.
func (s *Sim) Present(fingers ...string) {
	s.mu.Lock()
	s.present = append(s.present, fingers...)
	s.mu.Unlock()
}

// Inject queues faults for the next replies, in order.
func (s *Sim) Inject(faults ...int) {
	s.mu.Lock()
	s.faults = append(s.faults, faults...)
	s.mu.Unlock()
}

// Commands returns how many command packets the simulator received.
func (s *Sim) Commands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands
}

func (s *Sim) serve() {
	defer close(s.done)
	r := bufio.NewReader(s.master)
	for {
		p, err := ReadPacket(r)
		var fe *FrameError
		switch {
		case errors.Is(err, ErrChecksum):
			s.reply(p.Addr, PIDAck, []byte{AckPacketError}, FaultNone)
			continue
		case errors.As(err, &fe):
			continue
		case err != nil:
			return // closed (EOF, EIO) or broken: the simulator ends
		}
		if p.PID != PIDCommand || len(p.Payload) == 0 {
			continue
		}
		s.mu.Lock()
		s.commands++
		fault := FaultNone
		if len(s.faults) > 0 {
			fault, s.faults = s.faults[0], s.faults[1:]
		}
		var out []byte
		var data []byte
		if fault != FaultSilent {
			out, data = s.execute(r, p.Payload, fault)
		}
		s.mu.Unlock()
		if out != nil {
			s.reply(p.Addr, PIDAck, out, fault)
		}
		for i := 0; i < len(data); i += dataChunk {
			pid := byte(PIDData)
			end := min(i+dataChunk, len(data))
			if end == len(data) {
				pid = PIDEndData
			}
			s.reply(p.Addr, pid, data[i:end], FaultNone)
		}
	}
}

func (s *Sim) reply(addr uint32, pid byte, payload []byte, fault int) {
	b := AppendPacket(nil, Packet{Addr: addr, PID: pid, Payload: payload})
	if fault == FaultChecksum {
		b[len(b)-1] ^= 0x55
	}
	s.master.Write(b)
}

// execute runs one command under s.mu and returns the ack payload and the
// data packets to send after it.
func (s *Sim) execute(r *bufio.Reader, cmd []byte, fault int) (ack, data []byte) {
	arg16 := func(i int) int {
		if len(cmd) < i+2 {
			return -1
		}
		return int(binary.BigEndian.Uint16(cmd[i:]))
	}
	bufID := func() int {
		if len(cmd) < 2 || cmd[1] < 1 || cmd[1] > 2 {
			return 0
		}
		return int(cmd[1])
	}
	switch cmd[0] {
	case CmdVfyPwd:
		if len(cmd) < 5 || binary.BigEndian.Uint32(cmd[1:]) != s.password {
			return []byte{AckBadPassword}, nil
		}
		return []byte{AckOK}, nil
	case CmdGenImg:
		f := s.resting
		if len(s.present) > 0 {
			f, s.present = s.present[0], s.present[1:]
		}
		if f == "" {
			return []byte{AckNoFinger}, nil
		}
		s.image = f
		return []byte{AckOK}, nil
	case CmdImg2Tz:
		b := bufID()
		switch {
		case b == 0:
			return []byte{AckBadPage}, nil
		case s.image == "":
			return []byte{AckBadImage}, nil
		case fault == FaultMessy:
			return []byte{AckMessy}, nil
		}
		s.buf[b] = Template(s.image)
		return []byte{AckOK}, nil
	case CmdMatch:
		if s.buf[1] != nil && string(s.buf[1]) == string(s.buf[2]) {
			return []byte{AckOK, 0, 200}, nil
		}
		return []byte{AckNoMatch, 0, 0}, nil
	case CmdRegModel:
		if s.buf[1] == nil || string(s.buf[1]) != string(s.buf[2]) {
			return []byte{AckCombineFail}, nil
		}
		return []byte{AckOK}, nil
	case CmdStore:
		b, page := bufID(), arg16(2)
		if b == 0 || page < 0 || page >= 1000 || s.buf[b] == nil {
			return []byte{AckBadPage}, nil
		}
		s.pages[page] = append([]byte(nil), s.buf[b]...)
		return []byte{AckOK}, nil
	case CmdLoadChar:
		b, page := bufID(), arg16(2)
		t, ok := s.pages[page]
		if b == 0 || !ok {
			return []byte{AckReadFail}, nil
		}
		s.buf[b] = append([]byte(nil), t...)
		return []byte{AckOK}, nil
	case CmdSearch:
		b, start, n := bufID(), arg16(2), arg16(4)
		if b == 0 || start < 0 || n < 0 {
			return []byte{AckBadPage}, nil
		}
		for page := start; page < start+n; page++ {
			if t, ok := s.pages[page]; ok && s.buf[b] != nil && string(t) == string(s.buf[b]) {
				return []byte{AckOK, byte(page >> 8), byte(page), 0, 180}, nil
			}
		}
		return []byte{AckNotFound, 0, 0, 0, 0}, nil
	case CmdDeleteChar:
		page, n := arg16(1), arg16(3)
		for i := page; i < page+n; i++ {
			delete(s.pages, i)
		}
		return []byte{AckOK}, nil
	case CmdEmpty:
		s.pages = map[int][]byte{}
		return []byte{AckOK}, nil
	case CmdTemplateNum:
		return []byte{AckOK, byte(len(s.pages) >> 8), byte(len(s.pages))}, nil
	case CmdUpChar:
		b := bufID()
		if b == 0 || s.buf[b] == nil {
			return []byte{AckUploadFail}, nil
		}
		return []byte{AckOK}, s.buf[b]
	case CmdDownChar:
		b := bufID()
		if b == 0 {
			return []byte{AckDataFail}, nil
		}
		// Acknowledge first, then read the data packets.
		s.master.Write(AppendPacket(nil, Packet{Addr: DefaultAddress, PID: PIDAck, Payload: []byte{AckOK}}))
		var tpl []byte
		for {
			p, err := ReadPacket(r)
			if err != nil || (p.PID != PIDData && p.PID != PIDEndData) {
				return nil, nil
			}
			tpl = append(tpl, p.Payload...)
			if p.PID == PIDEndData {
				break
			}
		}
		s.buf[b] = tpl
		return nil, nil
	}
	return []byte{AckPacketError}, nil
}
