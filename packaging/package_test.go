package packaging

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"guitai/internal/xtest"
)

// The Debian package as a branch installs it: ./dev package builds it,
// dpkg-deb says what it declares and holds, and once extracted into a
// temporary root the installed programs answer and the installed teller
// opens its sign-on window under X.
//
// It builds four cgo binaries (a minute on a warm build cache), so -short
// skips it. GUITAI_UPDATE_DOCS=1 writes the sign-on screenshot to
// docs/package-sign-on.png.
func TestDebianPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: building the package takes a minute")
	}
	for _, tool := range []string{"dpkg-deb", "dpkg", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: not a Debian machine", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	out := filepath.Join(tmp, "dist")
	cmd := exec.CommandContext(ctx, "../dev", "package", "--out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("./dev package: %v\n%s", err, stderr.String())
	}
	version := fyneField(t, "../cmd/teller/FyneApp.toml", "Version")
	arch := strings.TrimSpace(run(t, "dpkg", "--print-architecture"))
	deb := filepath.Join(out, "guitai_"+version+"_"+arch+".deb")
	if got := strings.TrimSpace(string(stdout)); got != deb {
		t.Errorf("./dev package printed %q, want the package's path %q", got, deb)
	}

	t.Run("control", func(t *testing.T) { checkControl(t, deb, version, arch) })
	t.Run("contents", func(t *testing.T) { checkContents(t, deb) })

	root := filepath.Join(tmp, "root")
	run(t, "dpkg-deb", "-x", deb, root)
	bin := filepath.Join(root, "usr", "bin")
	t.Run("desktop", func(t *testing.T) { checkDesktop(t, root) })
	t.Run("icons", func(t *testing.T) { checkIcons(t, root) })
	t.Run("man", func(t *testing.T) { checkMan(t, root) })
	t.Run("libraries", func(t *testing.T) {
		for _, b := range []string{"teller", "designer", "tellerctl", "auditctl"} {
			if out := run(t, "ldd", filepath.Join(bin, b)); strings.Contains(out, "not found") {
				t.Errorf("%s needs a library this machine lacks:\n%s", b, out)
			}
		}
	})
	t.Run("cli-help", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want []string
		}{
			{[]string{"tellerctl", "help"}, []string{"usage: tellerctl", "user unlock ID", "exit codes:"}},
			{[]string{"auditctl"}, []string{"usage: auditctl", "verify-bundle"}},
			{[]string{"auditctl", "verify", "-h"}, []string{"-pubkey string", "-witness value"}},
		} {
			out, code := runCode(t, filepath.Join(bin, c.args[0]), c.args[1:]...)
			if code != 2 {
				t.Errorf("%s: exit code %d, want 2 (usage)", strings.Join(c.args, " "), code)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s: output lacks %q:\n%s", strings.Join(c.args, " "), w, out)
				}
			}
		}
	})
	t.Run("teller-ready", func(t *testing.T) {
		if os.Getenv("DISPLAY") == "" {
			if os.Getenv("GUITAI_REQUIRE_DISPLAY") != "" {
				t.Fatal("no DISPLAY, and GUITAI_REQUIRE_DISPLAY is set: run under xvfb-run (./dev test does)")
			}
			t.Skip("no DISPLAY")
		}
		home := t.TempDir()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "teller"), "-exit-when-ready", "-db", filepath.Join(home, "l.db"))
		cmd.Env = tellerEnv(home, os.Getenv("DISPLAY"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("installed teller -exit-when-ready: %v\n%s", err, stderr.String())
		}
		if !regexp.MustCompile(`(?m)^ready$`).Match(out) {
			t.Fatalf("installed teller printed %q, want a line \"ready\"\n%s", out, stderr.String())
		}
	})
	t.Run("teller-sign-on-screenshot", func(t *testing.T) {
		checkSignOnWindow(t, ctx, bin)
	})
}

// fyneField reads one field of a FyneApp.toml's [Details] table.
func fyneField(t *testing.T, path, field string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	table := ""
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[") {
			table = l
			continue
		}
		if k, v, ok := strings.Cut(l, "="); ok && table == "[Details]" && strings.TrimSpace(k) == field {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	t.Fatalf("%s: no %s in [Details]", path, field)
	return ""
}

// TestFyneAppMetadata checks both FyneApp.toml files against what the
// binaries and the package use: the app ID main.go passes to
// app.NewWithID, an icon file that exists, one version.
func TestFyneAppMetadata(t *testing.T) {
	var versions []string
	for _, app := range []string{"teller", "designer"} {
		dir := filepath.Join("..", "cmd", app)
		toml := filepath.Join(dir, "FyneApp.toml")
		id := fyneField(t, toml, "ID")
		if want := "cn.guitai." + app; id != want {
			t.Errorf("%s: ID %q, want %q (the desktop entry's name)", toml, id, want)
		}
		main, err := os.ReadFile(filepath.Join(dir, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(main), `app.NewWithID("`+id+`")`) {
			t.Errorf("%s/main.go does not call app.NewWithID(%q)", dir, id)
		}
		icon := filepath.Join(dir, fyneField(t, toml, "Icon"))
		if f, err := os.Open(icon); err != nil {
			t.Errorf("%s: icon: %v", toml, err)
		} else {
			cfg, err := png.DecodeConfig(f)
			f.Close()
			if err != nil || cfg.Width < 256 || cfg.Height != cfg.Width {
				t.Errorf("%s: icon %s: %dx%d, %v; want a square PNG of at least 256 px", toml, icon, cfg.Width, cfg.Height, err)
			}
		}
		if fyneField(t, toml, "Name") == "" {
			t.Errorf("%s: no Name", toml)
		}
		versions = append(versions, fyneField(t, toml, "Version"))
	}
	if versions[0] != versions[1] || !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(versions[0]) {
		t.Errorf("versions %q: want one MAJOR.MINOR.PATCH for both", versions)
	}
}

func checkControl(t *testing.T, deb, version, arch string) {
	info := run(t, "dpkg-deb", "--info", deb)
	fields := map[string]string{}
	for _, f := range []string{"Package", "Version", "Architecture", "Maintainer", "Depends", "Description"} {
		m := regexp.MustCompile(`(?m)^ ` + f + `: (.+)$`).FindStringSubmatch(info)
		if m == nil {
			t.Errorf("control has no %s:\n%s", f, info)
			continue
		}
		fields[f] = m[1]
	}
	for f, want := range map[string]string{"Package": "guitai", "Version": version, "Architecture": arch} {
		if fields[f] != want {
			t.Errorf("%s: %q, want %q", f, fields[f], want)
		}
	}
	deps := map[string]bool{}
	for _, d := range strings.Split(fields["Depends"], ",") {
		deps[strings.Fields(d)[0]] = true
	}
	for _, want := range []string{"libc6", "libgl1", "libx11-6", "libxcursor1", "libxrandr2", "libxinerama1", "libxi6", "libxxf86vm1", "fonts-noto-cjk", "pcscd"} {
		if !deps[want] {
			t.Errorf("Depends lacks %s: %s", want, fields["Depends"])
		}
	}
	// Every dependency is a package this Debian knows.
	names := []string{"show", "--no-all-versions"}
	for d := range deps {
		names = append(names, d)
	}
	known, _ := runCode(t, "apt-cache", names...)
	for d := range deps {
		if !strings.Contains(known, "\nPackage: "+d+"\n") && !strings.HasPrefix(known, "Package: "+d+"\n") {
			t.Errorf("Depends names %s, which apt does not know", d)
		}
	}
}

// packaged are the files a branch gets, besides directories.
var packaged = []string{
	"./usr/bin/teller", "./usr/bin/designer", "./usr/bin/tellerctl", "./usr/bin/auditctl",
	"./usr/share/applications/cn.guitai.teller.desktop", "./usr/share/applications/cn.guitai.designer.desktop",
	"./usr/share/icons/hicolor/48x48/apps/cn.guitai.teller.png", "./usr/share/icons/hicolor/256x256/apps/cn.guitai.teller.png",
	"./usr/share/icons/hicolor/48x48/apps/cn.guitai.designer.png", "./usr/share/icons/hicolor/256x256/apps/cn.guitai.designer.png",
	"./usr/share/man/man1/teller.1.gz", "./usr/share/man/man1/designer.1.gz",
	"./usr/share/man/man1/tellerctl.1.gz", "./usr/share/man/man1/auditctl.1.gz",
}

func checkContents(t *testing.T, deb string) {
	got := map[string]string{} // path → mode and owner
	for _, l := range strings.Split(run(t, "dpkg-deb", "--contents", deb), "\n") {
		f := strings.Fields(l)
		if len(f) >= 6 && !strings.HasPrefix(f[0], "d") {
			got[f[5]] = f[0] + " " + f[1]
		}
	}
	for _, p := range packaged {
		want := "-rw-r--r-- root/root"
		if strings.HasPrefix(p, "./usr/bin/") {
			want = "-rwxr-xr-x root/root"
		}
		if got[p] != want {
			t.Errorf("%s: %q, want %q", p, got[p], want)
		}
		delete(got, p)
	}
	for p := range got {
		t.Errorf("unexpected file in the package: %s", p)
	}
}

func checkDesktop(t *testing.T, root string) {
	for _, app := range []string{"teller", "designer"} {
		path := filepath.Join(root, "usr/share/applications/cn.guitai."+app+".desktop")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		kv := map[string]string{}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), "="); ok {
				kv[k] = v
			}
		}
		if !strings.HasPrefix(string(b), "[Desktop Entry]\n") || kv["Type"] != "Application" {
			t.Errorf("%s: not an application's desktop entry", path)
		}
		if kv["Name"] == "" || kv["Name[zh_CN]"] == "" {
			t.Errorf("%s: Name %q, Name[zh_CN] %q: want both", path, kv["Name"], kv["Name[zh_CN]"])
		}
		if exe := strings.Fields(kv["Exec"]); len(exe) == 0 || exe[0] != app {
			t.Errorf("%s: Exec %q, want %s", path, kv["Exec"], app)
		} else if _, err := os.Stat(filepath.Join(root, "usr/bin", exe[0])); err != nil {
			t.Errorf("%s: Exec %q: %v", path, kv["Exec"], err)
		}
		if kv["Icon"] != "cn.guitai."+app {
			t.Errorf("%s: Icon %q, want cn.guitai.%s", path, kv["Icon"], app)
		}
		if kv["Categories"] != "Office;Finance;" {
			t.Errorf("%s: Categories %q, want Office;Finance;", path, kv["Categories"])
		}
		if _, err := exec.LookPath("desktop-file-validate"); err == nil {
			if out, code := runCode(t, "desktop-file-validate", path); code != 0 || strings.TrimSpace(out) != "" {
				t.Errorf("desktop-file-validate %s:\n%s", path, out)
			}
		}
	}
}

func checkIcons(t *testing.T, root string) {
	for _, app := range []string{"teller", "designer"} {
		for _, size := range []int{48, 256} {
			path := filepath.Join(root, "usr/share/icons/hicolor", strconv.Itoa(size)+"x"+strconv.Itoa(size), "apps", "cn.guitai."+app+".png")
			f, err := os.Open(path)
			if err != nil {
				t.Error(err)
				continue
			}
			cfg, err := png.DecodeConfig(f)
			f.Close()
			if err != nil || cfg.Width != size || cfg.Height != size {
				t.Errorf("%s: %dx%d, %v; want %dx%d", path, cfg.Width, cfg.Height, err, size, size)
			}
		}
	}
}

// checkMan reads each man page: the right title, something only that
// command's help says, and, where groff is installed, a page groff
// renders without a warning.
func checkMan(t *testing.T, root string) {
	for name, want := range map[string][]string{
		"teller":    {`\-exit\-when\-ready`, `\-customer\-display`, ".SH OPTIONS"},
		"designer":  {"designer check", `\-publish`},
		"tellerctl": {"user unlock ID", `.SH "EXIT STATUS"`, ".SH COMMANDS"},
		"auditctl":  {`.SS "auditctl verify\-bundle"`, `\-witness`, `.SH "EXIT STATUS"`},
	} {
		f, err := os.Open(filepath.Join(root, "usr/share/man/man1", name+".1.gz"))
		if err != nil {
			t.Error(err)
			continue
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		page, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if th := `.TH "` + strings.ToUpper(name) + `" 1 `; !bytes.Contains(page, []byte(th)) {
			t.Errorf("%s.1 lacks %q", name, th)
		}
		for _, w := range want {
			if !bytes.Contains(page, []byte(w)) {
				t.Errorf("%s.1 lacks %q", name, w)
			}
		}
		if bytes.Contains(page, []byte("Fyne error")) || bytes.Contains(page, []byte("/root/")) {
			t.Errorf("%s.1 carries the build machine's log lines or home directory", name)
		}
		if _, err := exec.LookPath("groff"); err == nil {
			// -k: preconv reads the UTF-8, as man does
			cmd := exec.Command("groff", "-k", "-man", "-Tutf8", "-ww", "-z")
			cmd.Stdin = bytes.NewReader(page)
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("groff -ww %s.1: %v\n%s", name, err, out)
			}
		}
	}
}

// tellerEnv is the environment the installed teller runs in: its own
// home (no settings file of the machine's user), a real locale and the
// given display.
func tellerEnv(home, display string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "GUITAI_DB", "DISPLAY", "LANG", "LC_ALL":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local/share"), "DISPLAY="+display, "LANG=zh_CN.UTF-8", "GUITAI_LANG=zh")
}

// checkSignOnWindow starts the installed teller on a private X screen,
// waits for its window, then takes screenshots of the screen until two in
// a row are the same and not blank: the painted sign-on window.
func checkSignOnWindow(t *testing.T, ctx context.Context, bin string) {
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("GUITAI_REQUIRE_DISPLAY") != "" {
				t.Fatalf("%s is not installed: ./dev deps installs it", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	display := xtest.Display(t, "1280x800x24", os.Getenv("GUITAI_REQUIRE_DISPLAY") != "")
	home := t.TempDir()
	cmd := exec.Command(filepath.Join(bin, "teller"), "-db", filepath.Join(home, "s.db"))
	cmd.Env = tellerEnv(home, display)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	x := func(name string, args ...string) (string, error) {
		c := exec.CommandContext(ctx, name, args...)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		out, err := c.Output()
		return string(out), err
	}
	deadline := time.Now().Add(90 * time.Second)
	var win string
	for win == "" {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the installed teller exited before its window showed: %v\n%s", err, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no visible window named Guitai after 90 s\n%s", stderr.String())
		}
		out, _ := x("xdotool", "search", "--onlyvisible", "--name", "Guitai")
		win = strings.TrimSpace(strings.Split(out, "\n")[0])
	}
	// The window carries the app's icon (a.SetIcon) for task bars.
	if _, err := exec.LookPath("xprop"); err == nil {
		out, err := x("xprop", "-id", win, "-len", "64", "-f", "_NET_WM_ICON", "32c", "_NET_WM_ICON")
		if err != nil || !strings.Contains(out, "_NET_WM_ICON(CARDINAL) = 256, 256") {
			t.Errorf("the teller's window has no 256 px icon: %v\n%.300s", err, out)
		}
		out, err = x("xprop", "-id", win, "WM_CLASS")
		if err != nil {
			t.Fatal(err)
		}
		// xprop shows a STRING's bytes past ASCII in octal.
		var class strings.Builder
		for _, c := range []byte("柜台 Guitai") {
			if c < 0x80 {
				class.WriteByte(c)
			} else {
				fmt.Fprintf(&class, `\%03o`, c)
			}
		}
		if !strings.Contains(out, `"`+class.String()+`"`) {
			t.Errorf("WM_CLASS is not the desktop entry's StartupWMClass \"柜台 Guitai\":\n%.300s", out)
		}
	}
	var prev []byte
	for {
		if time.Now().After(deadline) {
			t.Fatalf("the screen did not settle on a painted window in 90 s\n%s", stderr.String())
		}
		shot, err := x("import", "-window", "root", "png:-")
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if prev != nil && string(prev) == shot && !blank(t, []byte(shot)) {
			break
		}
		prev = []byte(shot)
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("the installed teller exited: %v\n%s", err, stderr.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	if os.Getenv("GUITAI_UPDATE_DOCS") == "1" {
		if err := os.WriteFile("../docs/package-sign-on.png", prev, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote docs/package-sign-on.png")
	}
}

// blank reports whether a screenshot is one colour, or nearly: an unpainted
// window or an empty screen.
func blank(t *testing.T, shot []byte) bool {
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	most, total := 0, 0
	for _, n := range counts {
		most = max(most, n)
		total += n
	}
	return len(counts) < 16 || float64(most)/float64(total) > 0.97
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// runCode runs a command and returns its combined output and exit code.
func runCode(t *testing.T, name string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(out), 0
}

// TestBlank checks the screenshot check itself: a one-colour screen is
// blank, the sign-on window in docs is not.
func TestBlank(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{R: 245, G: 247, B: 250, A: 255}), image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if !blank(t, b.Bytes()) {
		t.Error("a one-colour screen is not blank")
	}
	shot, err := os.ReadFile("../docs/package-sign-on.png")
	if err != nil {
		t.Fatal(err)
	}
	if blank(t, shot) {
		t.Error("docs/package-sign-on.png is blank")
	}
}
