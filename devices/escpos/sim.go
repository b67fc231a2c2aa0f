package escpos

import (
	"errors"
	"io"
	"net"
	"sync"
)

// Sim is a fake ESC/POS network printer for tests and demos. It listens on
// real TCP, decodes what it receives into [Item]s as a printer would print
// them, and answers DLE EOT with a scripted [Status]. Its faults are set
// with SetStatus, PaperOutAfter and Mute.
type Sim struct {
	ln net.Listener

	mu        sync.Mutex
	status    Status
	paperLeft int // text lines left before paper runs out; <0 is endless
	mute      bool
	printed   []Item
	held      []Item // received while out of paper, printed when paper is loaded
	conns     map[net.Conn]bool
	wg        sync.WaitGroup
	err       error // first decoding error
}

// NewSim starts a fake printer on addr ("127.0.0.1:0" for any free port),
// online with paper.
func NewSim(addr string) (*Sim, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Sim{ln: ln, status: Status{Online: true}, paperLeft: -1, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr returns the host:port the printer listens on.
func (s *Sim) Addr() string { return s.ln.Addr().String() }

// Close stops the printer and drops its connections.
func (s *Sim) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// DropConnections closes every open connection, as an unplugged cable would.
func (s *Sim) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

// SetStatus sets the status the printer reports.
func (s *Sim) SetStatus(st Status) {
	s.mu.Lock()
	s.status = st
	s.mu.Unlock()
}

// PaperOutAfter makes the paper run out after n more printed text lines;
// n < 0 means endless paper.
func (s *Sim) PaperOutAfter(n int) {
	s.mu.Lock()
	s.paperLeft = n
	s.mu.Unlock()
}

// LoadPaper loads a new roll: the printer is online again and prints what
// it held since the paper ran out (unless it was told to clear it).
func (s *Sim) LoadPaper() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.PaperOut, s.status.PaperStop, s.status.PaperNearEnd = false, false, false
	s.status.Online = true
	s.paperLeft = -1
	s.printed = append(s.printed, s.held...)
	s.held = nil
}

// Mute makes the printer stop answering status queries (a hung printer).
func (s *Sim) Mute(on bool) {
	s.mu.Lock()
	s.mute = on
	s.mu.Unlock()
}

// Printed returns what came out of the printer so far.
func (s *Sim) Printed() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Item(nil), s.printed...)
}

// Lines returns the printed text lines.
func (s *Sim) Lines() []string {
	var out []string
	for _, it := range s.Printed() {
		if it.Cmd == "" {
			out = append(out, it.Text)
		}
	}
	return out
}

// Count returns how many printed items are the command cmd (e.g. "cut").
func (s *Sim) Count(cmd string) int {
	n := 0
	for _, it := range s.Printed() {
		if it.Cmd == cmd {
			n++
		}
	}
	return n
}

// Err returns the first error met while decoding what was received.
func (s *Sim) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *Sim) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *Sim) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	d := NewDecoder(c)
	for {
		it, err := d.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.mu.Lock()
				if s.err == nil && !isClosedConn(err) {
					s.err = err
				}
				s.mu.Unlock()
			}
			return
		}
		if reply := s.execute(it); reply != nil {
			if _, err := c.Write(reply); err != nil {
				return
			}
		}
	}
}

func isClosedConn(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// execute runs one item and returns the bytes to answer, if any.
func (s *Sim) execute(it Item) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch it.Cmd {
	case "status":
		if s.mute || len(it.Arg) != 1 {
			return nil
		}
		e1, e2, e4 := EncodeStatus(s.status)
		switch it.Arg[0] {
		case 1:
			return []byte{e1}
		case 2:
			return []byte{e2}
		case 4:
			return []byte{e4}
		}
		return nil
	case "recover":
		if len(it.Arg) == 1 && it.Arg[0] == 2 {
			s.held = nil
		}
		return nil
	}
	if s.status.PaperOut || !s.status.Online {
		s.held = append(s.held, it)
		return nil
	}
	if it.Cmd == "" && s.paperLeft >= 0 {
		if s.paperLeft == 0 {
			s.status.PaperOut, s.status.PaperStop, s.status.Online = true, true, false
			s.held = append(s.held, it)
			return nil
		}
		s.paperLeft--
	}
	s.printed = append(s.printed, it)
	return nil
}
