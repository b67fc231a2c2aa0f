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
	"unicode/utf8"

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

	// Chinese before the problem on its line: the column counts
	// characters, not the three bytes of each.
	line1 := `  "title": {"zh": "现金取款", "en": 7},`
	src = "{\n  \"dsl\": \"" + dsl.Current + "\", \"id\": \"x\", \"version\": \"1.0.0\",\n" + line1 +
		"\n  \"root\": {\"id\": \"root\", \"type\": \"form\"}\n}\n"
	zh := filepath.Join(dir, "zh.form.json")
	os.WriteFile(zh, []byte(src), 0o644)
	out, _ = exec.Command(bin, "check", zh).Output()
	want = zh + ":3:" + strconv.Itoa(utf8.RuneCountInString(line1[:strings.Index(line1, "7")])+1) + ": /title/en: "
	if !strings.HasPrefix(string(out), want) {
		t.Errorf("want %s…, got\n%s", want, out)
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
	env, bin, file := realSetup(t)
	d := startReal(t, env, bin, "-recovery", "off", file)
	if name := d.title(); !strings.Contains(name, "cash_withdrawal.form.json") || strings.HasSuffix(name, "•") {
		t.Fatalf("title %q: want the file's name, saved", name)
	}
	d.dragCheck()
	d.x("key", "ctrl+s")
	waitSavedWithCheck(t, d, file)
}

// TestRealKillAndRecover drops a check into the form in a real window,
// waits for the autosaved draft, kills the designer (SIGKILL: nothing
// runs on the way out) and starts it again on the same file: it offers
// the draft, Enter restores it, Ctrl+S saves it.
func TestRealKillAndRecover(t *testing.T) {
	env, bin, file := realSetup(t)
	raw, _ := os.ReadFile(file)
	recovery := filepath.Join(t.TempDir(), "recovery")
	d := startReal(t, env, bin, "-recovery", recovery, file)
	d.dragCheck()
	// The autosave writes the draft a few seconds after the drop.
	eventually.NoError(t, 60*time.Second, func() error {
		drafts, _ := filepath.Glob(filepath.Join(recovery, "*.draft.json"))
		if len(drafts) != 1 {
			return fmt.Errorf("%d drafts in %s", len(drafts), recovery)
		}
		b, err := os.ReadFile(drafts[0])
		if err != nil || !strings.Contains(string(b), `\"type\": \"check\"`) {
			return fmt.Errorf("the draft holds no check yet (%v)", err)
		}
		return nil
	})
	d.kill()
	if now, _ := os.ReadFile(file); !bytes.Equal(now, raw) {
		t.Fatal("the file changed without a save")
	}
	d = startReal(t, env, bin, "-recovery", recovery, file)
	if strings.HasSuffix(d.title(), "•") {
		t.Fatal("restored before anyone answered")
	}
	d.x("mousemove", "640", "400") // the keys go to the window under the pointer
	d.x("key", "Return")
	eventually.True(t, 30*time.Second, func() bool { return strings.HasSuffix(d.title(), "•") },
		"Enter did not restore the draft (no unsaved mark in the title)")
	d.x("key", "ctrl+s")
	waitSavedWithCheck(t, d, file)
}

// realSetup skips the test without a display or the X tools, starts a
// private X screen and builds the designer; it returns the environment,
// the binary and a copy of cash_withdrawal.form.json to edit.
func realSetup(t *testing.T) (env []string, bin, file string) {
	t.Helper()
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
	env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8")
	dir := t.TempDir()
	bin = filepath.Join(dir, "designer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "assets", "forms", "cash_withdrawal.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(dir, "cash_withdrawal.form.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return env, bin, file
}

// realDesigner is the designer running in a real window, driven by
// xdotool.
type realDesigner struct {
	t      *testing.T
	env    []string
	cmd    *exec.Cmd
	exited chan error
	stderr *bytes.Buffer
	win    string
}

// startReal starts the designer and returns once its window shows its
// first drawn frame: under the race detector on a loaded machine either
// can take several seconds. The designer is killed when the test ends.
func startReal(t *testing.T, env []string, bin string, args ...string) *realDesigner {
	t.Helper()
	d := &realDesigner{t: t, env: env, exited: make(chan error, 1), stderr: &bytes.Buffer{}}
	d.cmd = exec.Command(bin, args...)
	d.cmd.Env = env
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.exited <- d.cmd.Wait() }()
	t.Cleanup(d.kill)
	eventually.True(t, 60*time.Second, func() bool {
		select {
		case err := <-d.exited:
			d.exited <- err
			t.Fatalf("the designer exited before its window showed (%v): %s", err, d.stderr)
		default:
		}
		out, _ := d.xdo("search", "--onlyvisible", "--pid", strconv.Itoa(d.cmd.Process.Pid), "--name", "Form designer")
		d.win, _, _ = strings.Cut(out, "\n")
		return d.win != ""
	}, "the designer window never showed: %s", d.stderr)
	eventually.NoError(t, 60*time.Second, func() error {
		grab := exec.Command("import", "-window", d.win, "png:-")
		grab.Env = env
		out, err := grab.Output()
		if err != nil {
			return fmt.Errorf("import -window %s: %v", d.win, err)
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
	return d
}

// kill ends the designer with SIGKILL, as a crash would, and waits for it.
func (d *realDesigner) kill() {
	d.cmd.Process.Kill() // an error once it has ended
	err := <-d.exited
	d.exited <- err
}

func (d *realDesigner) xdo(args ...string) (string, error) {
	xd := exec.Command("xdotool", args...)
	xd.Env = d.env
	out, err := xd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// x runs xdotool and fails the test when it fails.
func (d *realDesigner) x(args ...string) {
	d.t.Helper()
	if out, err := d.xdo(args...); err != nil {
		d.t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

// title is the window's title.
func (d *realDesigner) title() string {
	d.t.Helper()
	name, err := d.xdo("getwindowname", d.win)
	if err != nil {
		d.t.Fatalf("xdotool getwindowname: %v %s", err, name)
	}
	return name
}

// dragCheck drags the palette's check item onto the first group and
// waits for the unsaved mark in the title. X delivers the pointer events
// in order and the window handles each as it comes: the drag needs no
// pauses.
func (d *realDesigner) dragCheck() {
	d.t.Helper()
	d.x("mousemove", "40", "398")
	d.x("mousedown", "1")
	for _, p := range [][2]string{{"60", "390"}, {"300", "300"}, {"600", "220"}, {"780", "205"}} {
		d.x("mousemove", p[0], p[1])
	}
	d.x("mouseup", "1")
	eventually.True(d.t, 30*time.Second, func() bool { return strings.HasSuffix(d.title(), "•") },
		"the drop did not change the form (no unsaved mark in the title)")
}

// waitSavedWithCheck waits for the title's unsaved mark to go and for the
// file to hold the check in the first group, written canonically.
func waitSavedWithCheck(t *testing.T, d *realDesigner, file string) {
	t.Helper()
	var saved []byte
	eventually.NoError(t, 30*time.Second, func() error {
		if name := d.title(); strings.HasSuffix(name, "•") {
			return fmt.Errorf("title %q: not saved", name)
		}
		var err error
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
