package teller

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
)

// Shot is one screenshot of a form and what was checked on it.
type Shot struct {
	Form      string   `json:"form"`
	Lang      string   `json:"lang"`
	File      string   `json:"file"`
	Width     int      `json:"width"`
	Height    int      `json:"height"`
	MinWidth  float32  `json:"minWidth"`  // the window content's minimum width
	Clipped   bool     `json:"clipped"`   // the content needs more width than the window has
	Truncated []string `json:"truncated"` // captions cut to fit their column
}

// Screenshots opens every form in each language in the real window, waits
// for it to draw, captures the window's framebuffer to dir/<form>.<lang>.png,
// and writes dir/manifest.json describing each shot. It runs on its own
// goroutine and calls done at the end.
func (s *Shell) Screenshots(dir string, langs []string, done func(error)) {
	go func() {
		done(s.screenshots(dir, langs))
	}()
}

func (s *Shell) screenshots(dir string, langs []string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var shots []Shot
	settle := func() { time.Sleep(400 * time.Millisecond) }
	settle()
	for _, lang := range langs {
		fyne.DoAndWait(func() { s.setLang(lang) })
		for _, f := range s.forms {
			var shot Shot
			fyne.DoAndWait(func() { s.open(f) })
			settle()
			fyne.DoAndWait(func() {
				shot = Shot{Form: f.ID, Lang: lang, File: fmt.Sprintf("%s.%s.png", f.ID, lang)}
				min := s.win.Content().MinSize()
				shot.MinWidth = min.Width
				shot.Clipped = min.Width > s.win.Canvas().Size().Width+0.5
				shot.Truncated = s.current.Truncated()
			})
			// The X server's picture of the screen is what a person sees;
			// GL read-back under software rendering gives a black frame.
			path := filepath.Join(dir, shot.File)
			if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
				return fmt.Errorf("import -window root %s: %v: %s", path, err, out)
			}
			img, err := readPNG(path)
			if err != nil {
				return err
			}
			shot.Width, shot.Height = img.Bounds().Dx(), img.Bounds().Dy()
			shots = append(shots, shot)
		}
	}
	b, err := json.MarshalIndent(shots, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644)
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}
