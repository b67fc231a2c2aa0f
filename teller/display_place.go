package teller

import "fmt"

// monitor is a monitor's rectangle on the desktop, in screen pixels.
type monitor struct {
	Name       string
	X, Y, W, H int
	Primary    bool
}

func (m monitor) String() string {
	return fmt.Sprintf("%s at %d,%d %d×%d", m.Name, m.X, m.Y, m.W, m.H)
}

// chooseMonitor picks the monitor for the customer display from the
// desktop's list: the want-th (from 1) when there is one, else the first
// that is not the primary monitor. With one monitor, or none, it returns
// false and the display floats.
func chooseMonitor(mons []monitor, want int) (monitor, bool) {
	if len(mons) < 2 {
		return monitor{}, false
	}
	if want >= 1 && want <= len(mons) {
		return mons[want-1], true
	}
	for _, m := range mons {
		if !m.Primary {
			return m, true
		}
	}
	return monitor{}, false // every monitor primary: a broken list
}

// windowRect returns where a window of w×h pixels goes on m: covering it
// (cover) or centred on it, never starting off it.
func windowRect(m monitor, w, h int, cover bool) (x, y, width, height int) {
	if cover {
		return m.X, m.Y, m.W, m.H
	}
	width, height = min(w, m.W), min(h, m.H)
	return m.X + (m.W-width)/2, m.Y + (m.H-height)/2, width, height
}
