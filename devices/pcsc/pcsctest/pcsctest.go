package pcsctest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"guitai/devices/pcsc/pcsclite"
)

// VPCDDriver is where Debian's vsmartcard-vpcd installs the driver.
const VPCDDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"

// Daemon is a running pcscd.
type Daemon struct {
	Socket   string // pcscd's client socket
	VPCDAddr string // where virtual cards connect (first vpcd slot)
	Reader   string // the name of that slot's reader, NUL padding trimmed

	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// ErrUnavailable is wrapped by Start's error when pcscd or vpcd is not
// installed, or cannot run here; callers skip on it unless devices are
// required (GUITAI_REQUIRE_DEVICES set).
var ErrUnavailable = errors.New("pcsctest: pcscd with vpcd is not available")

// Required reports whether the environment demands the device tests
// (GUITAI_REQUIRE_DEVICES non-empty).
func Required() bool { return os.Getenv("GUITAI_REQUIRE_DEVICES") != "" }

// Start runs `pcscd --foreground --config <dir>` with a reader.conf that
// puts vpcd on a free port, and waits until pcscd lists the vpcd reader.
// dir is a scratch directory.
func Start(ctx context.Context, dir string) (*Daemon, error) {
	bin, err := exec.LookPath("pcscd")
	if err != nil {
		if _, e := os.Stat("/usr/sbin/pcscd"); e == nil {
			bin = "/usr/sbin/pcscd"
		} else {
			return nil, fmt.Errorf("%w: no pcscd binary (apt-get install pcscd)", ErrUnavailable)
		}
	}
	if _, err := os.Stat(VPCDDriver); err != nil {
		return nil, fmt.Errorf("%w: no vpcd driver %s (apt-get install vsmartcard-vpcd)", ErrUnavailable, VPCDDriver)
	}
	sock := pcsclite.SockName
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		return nil, fmt.Errorf("pcsctest: another pcscd already serves %s; stop it first", sock)
	}
	os.Remove(sock) // stale socket of a killed daemon
	if err := os.MkdirAll(filepath.Dir(sock), 0o755); err != nil {
		return nil, fmt.Errorf("%w: cannot create %s (pcscd needs root): %v", ErrUnavailable, filepath.Dir(sock), err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "reader.conf.d")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		return nil, err
	}
	rc := fmt.Sprintf("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x%04X\nLIBPATH      %s\nCHANNELID    0x%04X\n",
		port, VPCDDriver, port)
	if err := os.WriteFile(filepath.Join(conf, "vpcd"), []byte(rc), 0o644); err != nil {
		return nil, err
	}
	d := &Daemon{Socket: sock, VPCDAddr: fmt.Sprintf("127.0.0.1:%d", port), out: &syncBuffer{}, done: make(chan struct{})}
	d.cmd = exec.Command(bin, "--foreground", "--config", conf)
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	go func() { d.cmd.Wait(); close(d.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-d.done:
			return nil, fmt.Errorf("pcsctest: pcscd exited: %s", d.Output())
		case <-ctx.Done():
			d.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if name := d.readerName(); name != "" {
			d.Reader = name
			return d, nil
		}
		if time.Now().After(deadline) {
			d.Stop()
			return nil, fmt.Errorf("pcsctest: pcscd did not list the vpcd reader in 10s: %s", d.Output())
		}
	}
}

func (d *Daemon) readerName() string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := pcsclite.EstablishContext(ctx, d.Socket, pcsclite.ScopeSystem)
	if err != nil {
		return ""
	}
	defer c.ReleaseContext(ctx)
	names, err := c.ListReaders(ctx)
	if err != nil {
		return ""
	}
	for _, n := range names {
		if strings.HasPrefix(n, "Virtual PCD") {
			return n
		}
	}
	return ""
}

// Output returns what pcscd wrote so far.
func (d *Daemon) Output() string { return d.out.String() }

// Stop terminates pcscd and waits for it (killing it after 5 s).
func (d *Daemon) Stop() {
	if d.cmd.Process == nil {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		d.cmd.Process.Kill()
		<-d.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
