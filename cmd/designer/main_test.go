package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"guitai/designer"
	"guitai/dsl"
	"guitai/internal/eventually"
	"guitai/internal/xtest"
)

// TestCheckCommand runs "designer check" as CI would: the shipped forms
// pass with exit 0; a broken one prints file:line:col and exits 1.
func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "designer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	forms, _ := filepath.Glob(filepath.Join("..", "..", "assets", "forms", "*.form.json"))
	if out, err := exec.Command(bin, append([]string{"check"}, forms...)...).CombinedOutput(); err != nil {
		t.Fatalf("shipped forms: %v\n%s", err, out)
	}
	raw, _ := os.ReadFile(forms[0])
	bad := filepath.Join(dir, "bad.form.json")
	src := strings.Replace(string(raw), `"type": "form"`, `"type": "from"`, 1)
	os.WriteFile(bad, []byte(src), 0o644)
	// Problems go to standard output; standard error may carry Fyne's
	// own warnings (a C locale, say).
	out, err := exec.Command(bin, "check", bad).Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("broken form: exit %v\n%s", err, out)
	}
	line := strings.Count(src[:strings.Index(src, `"from"`)], "\n") + 1
	if !strings.HasPrefix(string(out), bad+":"+strconv.Itoa(line)+":") {
		t.Errorf("want %s:%d:col: …, got\n%s", bad, line, out)
	}

	// A well-formed lookup the built-in catalog refuses: it posts.
	raw, _ = os.ReadFile(filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	src = strings.Replace(string(raw), `"txn": "account_lookup"`, `"txn": "cash_deposit"`, 1)
	if src == string(raw) {
		t.Fatal("cash_withdrawal.form.json has no account_lookup lookup")
	}
	lk := filepath.Join(dir, "lookup.form.json")
	os.WriteFile(lk, []byte(src), 0o644)
	out, err = exec.Command(bin, "check", lk).Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("form with a posting lookup: exit %v\n%s", err, out)
	}
	line = strings.Count(src[:strings.Index(src, `"cash_deposit"`)], "\n") + 1
	want := lk + ":" + strconv.Itoa(line) + ":"
	if !strings.HasPrefix(string(out), want) || !strings.Contains(string(out), "/lookups/0/txn") ||
		!strings.Contains(string(out), "read-only") {
		t.Errorf("want %s col: /lookups/0/txn: … read-only …, got\n%s", want, out)
	}
}

// TestRealWindowScreenshots runs the designer in a real window on the X
// display (xvfb-run) through its scripted edit, and checks every shot is
// there, the screen's size, and not blank.
func TestRealWindowScreenshots(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("GUITAI_REQUIRE_DISPLAY") != "" {
			t.Fatal("no DISPLAY: run under xvfb-run (./dev test does)")
		}
		t.Skip("no DISPLAY; run under xvfb-run")
	}
	if _, err := exec.LookPath("import"); err != nil {
		t.Fatal("ImageMagick's import is missing")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "designer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	shots := filepath.Join(dir, "shots")
	if keep := os.Getenv("GUITAI_SCREENSHOTS"); keep != "" {
		shots = keep
	}
	cmd := exec.Command(bin, "-screenshots", shots, filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("designer -screenshots: %v\n%s", err, out)
	}
	for _, name := range []string{"1-selection", "2-drag-marker", "3-dropped", "4-problems", "5-json-invalid", "6-json-valid", "7-preview", "8-bindings", "9-tree-drag"} {
		f, err := os.Open(filepath.Join(shots, name+".png"))
		if err != nil {
			t.Error(err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 700 {
			t.Errorf("%s: %v is smaller than the window", name, b)
		}
		if n := colourCount(img); n < 8 {
			t.Errorf("%s: only %d colours: a blank frame", name, n)
		}
	}
}

// TestRealMouseDragAndSave drives the real window with xdotool: drag the
// check item from the palette onto the first group, press Ctrl+S, and
// read the saved file. The positions are those of the default 1280×800
// window. It waits on what can be seen, not on time: the window, its
// first drawn frame, the title's unsaved mark after the drop, and the
// saved file.
func TestRealMouseDragAndSave(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no DISPLAY; run under xvfb-run -s '-screen 0 1280x800x24'")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	// Its own screen: the real mouse must not land on the windows other
	// packages' tests open meanwhile on the shared display.
	display := xtest.Display(t, "1280x800x24", os.Getenv("GUITAI_REQUIRE_DISPLAY") == "1")
	env := append(os.Environ(), "DISPLAY="+display)
	dir := t.TempDir()
	bin := filepath.Join(dir, "designer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "cash_withdrawal.form.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, file)
	cmd.Env = append(env, "LANG=en_US.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	xdo := func(args ...string) (string, error) {
		xd := exec.Command("xdotool", args...)
		xd.Env = env
		out, err := xd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	x := func(args ...string) {
		t.Helper()
		if out, err := xdo(args...); err != nil {
			t.Fatalf("xdotool %v: %v %s", args, err, out)
		}
	}
	// The window, then its first frame drawn: under the race detector on
	// a loaded machine either can take several seconds.
	var win string
	eventually.True(t, 60*time.Second, func() bool {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the designer exited before its window showed (%v): %s", err, &stderr)
		default:
		}
		out, _ := xdo("search", "--onlyvisible", "--pid", strconv.Itoa(cmd.Process.Pid), "--name", "Form designer")
		win, _, _ = strings.Cut(out, "\n")
		return win != ""
	}, "the designer window never showed: %s", &stderr)
	eventually.NoError(t, 60*time.Second, func() error {
		grab := exec.Command("import", "-window", win, "png:-")
		grab.Env = env
		out, err := grab.Output()
		if err != nil {
			return fmt.Errorf("import -window %s: %v", win, err)
		}
		img, err := png.Decode(bytes.NewReader(out))
		if err != nil {
			return err
		}
		if n := colourCount(img); n < 8 {
			return fmt.Errorf("the window shows %d colours: not drawn yet", n)
		}
		return nil
	})
	title := func() string {
		name, err := xdo("getwindowname", win)
		if err != nil {
			t.Fatalf("xdotool getwindowname: %v %s", err, name)
		}
		return name
	}
	if name := title(); !strings.Contains(name, "cash_withdrawal.form.json") || strings.HasSuffix(name, "•") {
		t.Fatalf("title %q: want the file's name, saved", name)
	}
	// X delivers the pointer events in order and the window handles each
	// as it comes: the drag needs no pauses.
	x("mousemove", "40", "398")
	x("mousedown", "1")
	for _, p := range [][2]string{{"60", "390"}, {"300", "300"}, {"600", "220"}, {"780", "205"}} {
		x("mousemove", p[0], p[1])
	}
	x("mouseup", "1")
	eventually.True(t, 30*time.Second, func() bool { return strings.HasSuffix(title(), "•") },
		"the drop did not change the form (no unsaved mark in the title)")
	x("key", "ctrl+s")
	var saved []byte
	eventually.NoError(t, 30*time.Second, func() error {
		if name := title(); strings.HasSuffix(name, "•") {
			return fmt.Errorf("title %q: not saved", name)
		}
		saved, err = os.ReadFile(file)
		if err != nil {
			return err
		}
		f, err := dsl.Decode(saved)
		if err != nil {
			return fmt.Errorf("saved file: %v", err)
		}
		if n := f.Find("check"); n == nil || designer.PathOf(f, "check")[1] != "acct" {
			return fmt.Errorf("no check in the first group after the drag and Ctrl+S:\n%s", saved)
		}
		return nil
	})
	f, _ := dsl.Decode(saved)
	if !bytes.Equal(saved, dsl.Encode(f)) {
		t.Error("saved file is not canonical")
	}
}

// colourCount counts the colours of img on a 7-pixel grid.
func colourCount(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
