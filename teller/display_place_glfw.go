//go:build linux && cgo && !wayland

package teller

import (
	"fmt"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// glfwWindow is what Fyne's desktop window has and the test driver's
// window has not: RunWithContext makes the window's GL context current
// around f, so glfw.GetCurrentContext inside f is the window's GLFW
// handle. Fyne has no window-position API; GLFW's SetPos and SetAttrib
// are portable where Xlib calls on the X11 handle of driver.NativeWindow
// would not be.
type glfwWindow interface {
	RunWithContext(f func())
}

// placeOnSecondMonitor moves w to the monitor chooseMonitor picks, covering
// it with a borderless window unless cfg.Windowed (a GLFW full-screen
// window would iconify whenever the teller clicks the main window). It
// must run on the main thread: GLFW's monitor and window calls do. It
// returns where the window went, or why it floats.
func placeOnSecondMonitor(w fyne.Window, cfg DisplayConfig) string {
	gw, ok := w.(glfwWindow)
	if !ok {
		return "floating: not a desktop window"
	}
	var mons []monitor
	primary := glfw.GetPrimaryMonitor()
	for i, m := range glfw.GetMonitors() {
		x, y := m.GetPos()
		mode := m.GetVideoMode()
		if mode == nil {
			continue
		}
		mons = append(mons, monitor{Name: fmt.Sprintf("monitor %d (%s)", i+1, m.GetName()),
			X: x, Y: y, W: mode.Width, H: mode.Height, Primary: primary != nil && *m == *primary})
	}
	target, ok := chooseMonitor(mons, cfg.Monitor)
	if !ok {
		return fmt.Sprintf("floating: %d monitor(s)", len(mons))
	}
	placed := "floating: no GLFW window"
	var width, height int
	gw.RunWithContext(func() {
		win := glfw.GetCurrentContext()
		if win == nil {
			return
		}
		fw, fh := win.GetSize()
		var x, y int
		x, y, width, height = windowRect(target, fw, fh, !cfg.Windowed)
		if !cfg.Windowed {
			win.SetAttrib(glfw.Decorated, glfw.False)
		}
		win.SetPos(x, y)
		placed = target.String()
	})
	if width > 0 {
		// Through Fyne, not GLFW's SetSize: Fyne keeps its own idea of the
		// window's size and would put back the old one on its next
		// repaint before GLFW reports the new one.
		s := w.Canvas().Scale()
		w.Resize(fyne.NewSize(float32(width)/s, float32(height)/s))
	}
	return placed
}
