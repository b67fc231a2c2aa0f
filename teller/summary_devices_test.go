package teller

import (
	"testing"

	"guitai/devices/manager"
)

// TestDeviceLineSpeaksTheLanguage: the status bar names every device the
// demo configures, and their states, in the window's language.
func TestDeviceLineSpeaksTheLanguage(t *testing.T) {
	snap := map[string]any{
		"cardreader": manager.Status{State: "ready"},
		"finger":     manager.Status{State: "offline"},
		"pinpad":     manager.Status{State: "busy"},
		"printer":    manager.Status{State: "error", Detail: "paper"},
	}
	for _, tc := range []struct{ lang, want string }{
		{"zh", "读卡器 ✓  指纹仪 离线  密码键盘 使用中  打印机 故障 paper"},
		{"en", "Card reader ✓  Fingerprint offline  PIN pad busy  Printer error paper"},
	} {
		p := &summaryPane{lang: tc.lang}
		if got := p.deviceLine(snap); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.lang, got, tc.want)
		}
	}
}
