package screenshot

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
)

// Capture writes the X server's picture of the screen to path,
// cropped to crop unless it is empty, and returns its size. The X server's
// picture is what a person sees; GL read-back under software rendering
// gives a black frame.
func Capture(path string, crop image.Rectangle) (w, h int, err error) {
	if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("import -window root %s: %v: %s", path, err, out)
	}
	img, err := ReadPNG(path)
	if err != nil {
		return 0, 0, err
	}
	if crop = crop.Intersect(img.Bounds()); !crop.Empty() {
		out := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
		draw.Draw(out, out.Bounds(), img, crop.Min, draw.Src)
		f, err := os.Create(path)
		if err != nil {
			return 0, 0, err
		}
		if err := png.Encode(f, out); err != nil {
			f.Close()
			return 0, 0, err
		}
		if err := f.Close(); err != nil {
			return 0, 0, err
		}
		img = out
	}
	return img.Bounds().Dx(), img.Bounds().Dy(), nil
}
