package xtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Display starts a private Xvfb screen of size (e.g. "1280x800x24") and
// returns its DISPLAY value (":N"); the server stops when the test ends.
// The test is skipped when Xvfb is not installed, unless require is set.
func Display(t testing.TB, size string, require bool) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if require {
			t.Fatal("Xvfb is not installed: ./dev deps installs it")
		}
		t.Skip("Xvfb is not installed")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd: Xvfb picks a free display and writes its number to fd 3
	// once it accepts connections.
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size, "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
		r.Close()
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatal("Xvfb did not report its display")
		}
		return fmt.Sprintf(":%s", n)
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start in 30 s")
	}
	return ""
}
