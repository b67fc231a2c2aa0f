//go:build !(linux && cgo && !wayland)

package teller

import "fyne.io/fyne/v2"

// placeOnSecondMonitor leaves the window where the system puts it: this
// build has no GLFW window to move.
func placeOnSecondMonitor(fyne.Window, DisplayConfig) string {
	return "floating: no window placement in this build"
}
