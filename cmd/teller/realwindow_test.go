package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"guitai/internal/xtest"
)

// realTeller is the teller binary running in a real window with -trace,
// driven by xdotool: keys go through the X server (XTEST) to the focused
// window, as a keyboard's do, and the test waits on the window's trace
// lines instead of sleeping.
type realTeller struct {
	t       testing.TB
	cmd     *exec.Cmd
	display string
	win     string
	lines   chan string
	log     []string // every stderr line so far, for failure messages
}

// startTeller runs the teller with args and -trace on display (":N") and
// waits for its window.
func startTeller(t testing.TB, display string, args ...string) *realTeller {
	t.Helper()
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Fatal("xdotool is missing: ./dev deps installs it")
	}
	cmd := tellerCmd(t, append(args, "-trace")...)
	cmd.Env = append(cmd.Env, "DISPLAY="+display)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &realTeller{t: t, cmd: cmd, display: display, lines: make(chan string, 4096)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
		close(r.lines)
	}()
	for end := time.Now().Add(90 * time.Second); r.win == "" && time.Now().Before(end); {
		out, _ := r.xdo("search", "--onlyvisible", "--pid", fmt.Sprint(cmd.Process.Pid), "--name", "Guitai")
		r.win, _, _ = strings.Cut(strings.TrimSpace(out), "\n")
		if r.win == "" {
			time.Sleep(100 * time.Millisecond) // polling for the window
		}
	}
	if r.win == "" {
		t.Fatalf("the teller's window did not appear:\n%s", r.drain())
	}
	// No window manager on a private Xvfb: give the window the input
	// focus, so XTEST keys reach it.
	if out, err := r.xdo("windowfocus", "--sync", r.win); err != nil {
		t.Fatalf("xdotool windowfocus: %v %s", err, out)
	}
	return r
}

// drain returns the stderr lines seen so far, for a failure message.
func (r *realTeller) drain() string {
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				return strings.Join(r.log, "\n")
			}
			r.log = append(r.log, l)
		default:
			return strings.Join(r.log, "\n")
		}
	}
}

func (r *realTeller) xdo(args ...string) (string, error) {
	c := exec.Command("xdotool", args...)
	c.Env = append(os.Environ(), "DISPLAY="+r.display)
	out, err := c.CombinedOutput()
	return string(out), err
}

// wait returns the first trace event (the line after its time) that
// starts with prefix, with its time in ms since the teller started.
func (r *realTeller) wait(prefix string, within time.Duration) (string, float64) {
	r.t.Helper()
	timeout := time.After(within)
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				r.t.Fatalf("the teller ended while waiting for %q:\n%s", prefix, strings.Join(r.log, "\n"))
			}
			r.log = append(r.log, l)
			ms, ev, ok := traceEvent(l)
			if ok && strings.HasPrefix(ev, prefix) {
				return ev, ms
			}
			if ok && (strings.HasPrefix(ev, "refused ") || strings.HasPrefix(ev, "invalid ")) && !strings.HasPrefix(prefix, ev[:7]) {
				r.t.Fatalf("waiting for %q, the window said %q:\n%s", prefix, ev, strings.Join(r.log, "\n"))
			}
		case <-timeout:
			r.t.Fatalf("no %q in %v:\n%s", prefix, within, strings.Join(r.log, "\n"))
		}
	}
}

// waitLine returns the first stderr line, trace or not, that starts with
// prefix (such as "teller: demo card inserted").
func (r *realTeller) waitLine(prefix string, within time.Duration) string {
	r.t.Helper()
	timeout := time.After(within)
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				r.t.Fatalf("the teller ended while waiting for %q:\n%s", prefix, strings.Join(r.log, "\n"))
			}
			r.log = append(r.log, l)
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-timeout:
			r.t.Fatalf("no %q in %v:\n%s", prefix, within, strings.Join(r.log, "\n"))
		}
	}
}

// traceEvent splits "teller: trace <ms> <event>".
func traceEvent(line string) (ms float64, event string, ok bool) {
	rest, ok := strings.CutPrefix(line, "teller: trace ")
	if !ok {
		return 0, "", false
	}
	num, event, ok := strings.Cut(rest, " ")
	if _, err := fmt.Sscan(num, &ms); err != nil {
		return 0, "", false
	}
	return ms, event, ok
}

// keys presses keys (xdotool names: Return, F10, ctrl+shift+i).
func (r *realTeller) keys(keys ...string) {
	r.t.Helper()
	if out, err := r.xdo(append([]string{"key", "--clearmodifiers"}, keys...)...); err != nil {
		r.t.Fatalf("xdotool key %v: %v %s", keys, err, out)
	}
}

// typeText types s with delay between keys.
func (r *realTeller) typeText(s string, delay time.Duration) {
	r.t.Helper()
	if out, err := r.xdo("type", "--delay", fmt.Sprint(delay.Milliseconds()), s); err != nil {
		r.t.Fatalf("xdotool type %q: %v %s", s, err, out)
	}
}

// busyLoops keeps n CPUs busy until the test ends, as a loaded machine
// does: each a shell spinning in a loop of its own.
func busyLoops(t testing.TB, n int) {
	for range n {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			c.Process.Kill()
			c.Wait()
		})
	}
}

// ownDisplay is a private Xvfb screen for a test that types: no other
// test's window can take its keys.
func ownDisplay(t testing.TB) string {
	needDisplay(t)
	return xtest.Display(t, "1280x800x24", os.Getenv("GUITAI_REQUIRE_DISPLAY") != "")
}
