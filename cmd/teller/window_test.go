package main

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"guitai/assets"
	"guitai/teller"
)

// TestRealWindowScreenshots builds the teller, runs it in a real window on
// the X display (xvfb-run in CI), and checks the screenshot of every form in
// zh and en: the file is there, it is the window's size, it is not blank,
// and the form neither overflows the window nor cuts a caption.
func TestRealWindowScreenshots(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("GUITAI_REQUIRE_DISPLAY") != "" {
			t.Fatal("no DISPLAY: run under xvfb-run (./dev test does)")
		}
		t.Skip("no DISPLAY; ./dev test runs this under xvfb-run")
	}
	if _, err := exec.LookPath("import"); err != nil {
		t.Fatal("ImageMagick's import is missing: ./dev deps installs it")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "teller")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	shots := filepath.Join(dir, "shots")
	if keep := os.Getenv("GUITAI_SCREENSHOTS"); keep != "" {
		shots = keep
	}
	cmd := exec.Command(bin, "-screenshots", shots, "-db", filepath.Join(dir, "ledger.db"))
	cmd.Env = append(os.Environ(), "LANG=en_US.UTF-8")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("teller -screenshots: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(shots, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest []teller.Shot
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, name := range assets.FormFiles() {
		id := name[:len(name)-len(".form.json")]
		want[id+".zh"], want[id+".en"] = true, true
	}
	for _, s := range manifest {
		key := s.Form + "." + s.Lang
		if !want[key] {
			t.Errorf("unexpected shot %s", key)
			continue
		}
		delete(want, key)
		if s.Clipped {
			t.Errorf("%s: the form needs %.0f px, wider than the window", key, s.MinWidth)
		}
		if len(s.Truncated) > 0 {
			t.Errorf("%s: captions cut to fit: %v", key, s.Truncated)
		}
		img := decode(t, filepath.Join(shots, s.File))
		if img.Bounds().Dx() < 1000 || img.Bounds().Dy() < 700 {
			t.Errorf("%s: %v is smaller than the window", key, img.Bounds())
		}
		if n := colours(img); n < 8 {
			t.Errorf("%s: only %d colours: a blank or black frame", key, n)
		}
	}
	for key := range want {
		t.Errorf("no screenshot of %s", key)
	}
}

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// colours counts distinct colours on a sparse grid of the image.
func colours(img image.Image) int {
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
