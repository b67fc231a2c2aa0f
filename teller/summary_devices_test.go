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

// TestStatusLineFollowsTheLanguage: the status line made in one language
// names the business date in the window's, after a switch either way.
func TestStatusLineFollowsTheLanguage(t *testing.T) {
	for _, tc := range []struct{ made, shown, want string }{
		{"en", "zh", "010101 张敏 · 0101 T01 · 营业日 2026-12-06 · g.db"},
		{"zh", "en", "010101 张敏 · 0101 T01 · business date 2026-12-06 · g.db"},
		{"zh", "zh", "010101 张敏 · 0101 T01 · 营业日 2026-12-06 · g.db"},
	} {
		p := &summaryPane{lang: tc.shown, base: "010101 张敏 · 0101 T01 · " + BusinessDateCaption(tc.made) + " 2026-12-06 · g.db"}
		if got := p.baseStatus(); got != tc.want {
			t.Errorf("made in %s, shown in %s: %q, want %q", tc.made, tc.shown, got, tc.want)
		}
	}
}
