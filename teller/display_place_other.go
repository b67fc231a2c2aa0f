//go:build !(linux && cgo && !wayland)

package teller

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// placeOnSecondMonitor leaves the window where the system puts it: this
// build has no GLFW window to move.
func placeOnSecondMonitor(fyne.Window, DisplayConfig) string {
	return "floating: no window placement in this build"
}

// screenRect has no window position to give in this build.
func screenRect(fyne.Window) (image.Rectangle, bool) { return image.Rectangle{}, false }

// routeKeys cannot see key events before Fyne in this build: the keys
// work through the canvas's shortcuts only.
func routeKeys(fyne.Window, map[desktop.CustomShortcut]func()) bool { return false }
