//go:build linux && cgo && !wayland

package teller

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
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

// glfwView returns w's GLFW window, or nil when it has none (the test
// driver, or a window not shown yet). It must run on the main thread.
func glfwView(w fyne.Window) *glfw.Window {
	gw, ok := w.(glfwWindow)
	if !ok {
		return nil
	}
	var view *glfw.Window
	func() {
		// RunWithContext dereferences the window's view, nil until the
		// window is first shown.
		defer func() { _ = recover() }()
		gw.RunWithContext(func() { view = glfw.GetCurrentContext() })
	}()
	return view
}

// screenRect is where w is on the screen, in screen pixels (the content
// area, without a window manager's frame), for cropping a screenshot of
// the whole screen to the window. It must run on the main thread.
func screenRect(w fyne.Window) (image.Rectangle, bool) {
	view := glfwView(w)
	if view == nil {
		return image.Rectangle{}, false
	}
	x, y := view.GetPos()
	width, height := view.GetSize()
	return image.Rect(x, y, x+width, y+height), true
}

// routeKeys runs keys' functions for their key presses on w (letter keys
// with modifiers) before Fyne sees them, wherever the focus is, and gives
// every other key event to Fyne as before. It must run on the main thread
// once w is shown; it reports whether it could.
func routeKeys(w fyne.Window, keys map[desktop.CustomShortcut]func()) bool {
	view := glfwView(w)
	if view == nil {
		return false
	}
	var next glfw.KeyCallback
	next = view.SetKeyCallback(func(v *glfw.Window, key glfw.Key, code int, action glfw.Action, mods glfw.ModifierKey) {
		if action == glfw.Press && key >= glfw.KeyA && key <= glfw.KeyZ {
			var m fyne.KeyModifier
			for g, f := range map[glfw.ModifierKey]fyne.KeyModifier{glfw.ModShift: fyne.KeyModifierShift,
				glfw.ModControl: fyne.KeyModifierControl, glfw.ModAlt: fyne.KeyModifierAlt, glfw.ModSuper: fyne.KeyModifierSuper} {
				if mods&g != 0 {
					m |= f
				}
			}
			if run := keys[desktop.CustomShortcut{KeyName: fyne.KeyName(rune('A' + key - glfw.KeyA)), Modifier: m}]; run != nil {
				run()
				return
			}
		}
		if next != nil {
			next(v, key, code, action, mods)
		}
	})
	return true
}
