package teller

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestTerminalKeyMode: the terminal key is made 0600 whatever the umask,
// opens only with its passphrase, and a key others may read is refused.
func TestTerminalKeyMode(t *testing.T) {
	tests := []struct {
		name    string
		umask   int
		chmod   os.FileMode // after creation; 0: leave it
		pass    string
		wantErr string // "" opens
	}{
		{"umask 0", 0, 0, "p4ss", ""},
		{"umask 0277", 0o277, 0, "p4ss", ""}, // 0600 &^ umask would be 0400
		{"wrong passphrase", 0o022, 0, "other", "terminal key"},
		{"group readable", 0o022, 0o640, "p4ss", "chmod 600"},
		{"world writable", 0o022, 0o602, "p4ss", "chmod 600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(tt.umask)
			defer syscall.Umask(old)
			path := filepath.Join(t.TempDir(), "terminal.key")
			if _, err := TerminalKey(path, []byte("p4ss")); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("new key: mode %v %v, want 0600", fi.Mode().Perm(), err)
			}
			if tt.chmod != 0 {
				if err := os.Chmod(path, tt.chmod); err != nil {
					t.Fatal(err)
				}
			}
			_, err = TerminalKey(path, []byte(tt.pass))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("reopen: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("reopen: %v, want %q", err, tt.wantErr)
			}
		})
	}
}
