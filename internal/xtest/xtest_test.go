package xtest

import (
	"fmt"
	"net"
	"os"
	"sync"
	"testing"
)

// TestDisplaysInParallel starts servers at the same time, as test binaries
// running in parallel do, and checks each answers on its own display and
// leaves no lock file behind once its test has ended.
func TestDisplaysInParallel(t *testing.T) {
	require := os.Getenv("GUITAI_REQUIRE_DISPLAY") != ""
	var mu sync.Mutex
	seen := map[string]bool{}
	for i := range 6 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			var display string
			t.Run("serve", func(t *testing.T) {
				display = Display(t, "640x480x24", require)
				mu.Lock()
				dup := seen[display]
				seen[display] = true
				mu.Unlock()
				if dup {
					t.Fatalf("display %s handed out twice", display)
				}
				c, err := net.Dial("unix", "/tmp/.X11-unix/X"+display[1:])
				if err != nil {
					t.Fatalf("display %s does not answer: %v", display, err)
				}
				c.Close()
			})
			if display == "" {
				return
			}
			if _, err := os.Stat("/tmp/.X" + display[1:] + "-lock"); err == nil {
				t.Errorf("display %s left its lock file after the test", display)
			}
		})
	}
}
