package xtest

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// attempts is how many display numbers Display tries before it gives up.
const attempts = 12

// Display starts a private Xvfb screen of size (e.g. "1280x800x24") and
// returns its DISPLAY value (":N"); the server stops when the test ends.
// The test is skipped when Xvfb is not installed, unless require is set.
//
// The display number is drawn at random from [firstDisplay, lastDisplay)
// rather than left to Xvfb's -displayfd scan from :0: test binaries run in
// parallel (`go test ./...`) and each starts servers, and two scans racing
// for the same low numbers, or a scan meeting the lock file of a server
// that was just killed, once handed a test a display whose server exited
// a moment later. A number that is taken is skipped and another is drawn.
func Display(t testing.TB, size string, require bool) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if require {
			t.Fatal("Xvfb is not installed: ./dev deps installs it")
		}
		t.Skip("Xvfb is not installed")
	}
	var last error
	for range attempts {
		n := firstDisplay + rand.IntN(lastDisplay-firstDisplay)
		s, err := start(n, size)
		if err != nil {
			last = err
			continue
		}
		t.Cleanup(func() {
			select {
			case <-s.exited:
				// Ended before the test did: whatever failed to open the
				// display is explained here.
				t.Errorf("Xvfb :%d ended during the test: %s", n, lastLine(s.stderr.String()))
			default:
				s.stop()
			}
		})
		return fmt.Sprintf(":%d", n)
	}
	t.Fatalf("no Xvfb display after %d tries: %v", attempts, last)
	return ""
}

// The range of display numbers Display draws from; xvfb-run -a starts at
// :99 and counts up, so the range begins well above it.
const (
	firstDisplay = 300
	lastDisplay  = 6000
)

// server is one running Xvfb.
type server struct {
	cmd    *exec.Cmd
	exited chan struct{}
	stderr *strings.Builder // read only once exited is closed
}

// start runs Xvfb on display n and returns once it accepts connections.
func start(n int, size string) (*server, error) {
	if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
		return nil, fmt.Errorf(":%d is locked", n)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// -displayfd: Xvfb writes the display number to fd 3 once it accepts
	// connections (with an explicit number it still does). -noreset: by
	// default the server resets whenever its last client leaves (each
	// xdotool call, the check below), and a program that connects during
	// the reset gets "Failed to open display".
	cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-displayfd", "3",
		"-screen", "0", size, "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("Xvfb: %w", err)
	}
	w.Close()
	s := &server{cmd: cmd, exited: make(chan struct{}), stderr: stderr}
	go func() { cmd.Wait(); close(s.exited) }()

	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case line := <-got:
		if line != fmt.Sprint(n) {
			s.stop()
			return nil, fmt.Errorf("Xvfb :%d reported %q: %s", n, line, lastLine(stderr.String()))
		}
	case <-s.exited:
		return nil, fmt.Errorf("Xvfb :%d exited: %s", n, lastLine(stderr.String()))
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("Xvfb :%d did not start in 30 s", n)
	}
	if err := s.listening(n); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// listening checks that the server is still running and answers on its
// socket, as a client (GLFW, xdotool) will connect to it.
func (s *server) listening(n int) error {
	c, err := net.Dial("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", n))
	if err != nil {
		return fmt.Errorf("Xvfb :%d: %w", n, err)
	}
	c.Close()
	select {
	case <-s.exited:
		return errors.New("Xvfb exited after it reported its display")
	default:
		return nil
	}
}

// stop asks the server to end (SIGTERM, so it removes its lock file and
// socket for the next server) and kills it if it has not within 10 s.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// lastLine is the last non-empty line of Xvfb's stderr, for an error.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
