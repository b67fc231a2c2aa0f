package pinpad

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestClearBlock(t *testing.T) {
	tests := []struct {
		name, pin, pan, want string
	}{
		// The ISO 9564 example (PIN field 041234FF.., account field
		// 0000987654321098), widened to 16 bytes.
		{"iso example", "1234", "43219876543210987", "041234ffffffffffffff6789abcdef67"},
		{"six digits", "123456", "6222021234567890123", "06123456ffffffffffffedcba9876fed"},
		{"no pan", "654321", "", "06654321ffffffffffffffffffffffff"},
		{"short pan", "0000", "1234", "040000fffffffffffffffffffffffedc"},
	}
	for _, tt := range tests {
		b, err := ClearBlock([]byte(tt.pin), tt.pan)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := hex.EncodeToString(b[:]); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
		d, err := digitsOf(b, tt.pan)
		if err != nil || string(d) != tt.pin {
			t.Errorf("%s: digits back %q, %v", tt.name, d, err)
		}
	}
	for _, bad := range []string{"123", "1234567890123", "12a4"} {
		if _, err := ClearBlock([]byte(bad), ""); err == nil {
			t.Errorf("PIN %q accepted", bad)
		}
	}
	if _, err := ClearBlock([]byte("1234"), "62x2"); err == nil {
		t.Error("PAN with a letter accepted")
	}
}

func TestSM4Vector(t *testing.T) {
	// GB/T 32907-2016 example 1: key = plaintext = 0123456789abcdeffedcba9876543210.
	k := DemoMasterKey
	var out [BlockSize]byte
	k.encrypt(out[:], k[:])
	if got := hex.EncodeToString(out[:]); got != "681edf34d206965e86b3e94f536e4246" {
		t.Fatalf("SM4 = %s", got)
	}
}

func TestSealOpen(t *testing.T) {
	w := Key{9, 8, 7, 6, 5, 4, 3, 2, 1}
	wrapped := DemoMasterKey.Wrap(&w)
	back, err := DemoMasterKey.Unwrap(wrapped)
	if err != nil || *back != w {
		t.Fatalf("unwrap: %v", err)
	}
	other := Key{1}
	if _, err := other.Unwrap(wrapped); err == nil {
		t.Fatal("a working key unwrapped under the wrong master key")
	}
	block, err := w.Seal([]byte("135790"), "6222021234567890123")
	if err != nil {
		t.Fatal(err)
	}
	if clearB, _ := ClearBlock([]byte("135790"), "6222021234567890123"); block == clearB {
		t.Fatal("sealed block is the clear block")
	}
	pin := &PIN{block: block, pan: "6222021234567890123", n: 6}
	d, err := w.Open(pin)
	if err != nil || string(d) != "135790" {
		t.Fatalf("open: %q, %v", d, err)
	}
	// Another account's PAN, or another key, does not open it.
	if _, err := w.Open(&PIN{block: block, pan: "6222029999999999999"}); !errors.Is(err, ErrBadBlock) {
		t.Errorf("wrong PAN: %v", err)
	}
	if _, err := other.Open(pin); !errors.Is(err, ErrBadBlock) {
		t.Errorf("wrong key: %v", err)
	}
	pin.Zero()
	if pin.block != ([BlockSize]byte{}) || pin.Len() != 0 {
		t.Error("Zero left the block")
	}
}

func TestPINRedacted(t *testing.T) {
	var block [BlockSize]byte
	copy(block[:], "SECRETBLOCKBYTES")
	p := &PIN{block: block, pan: "6222021234567890123", n: 6}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q", "%d"} {
		if s := fmt.Sprintf(verb, p); s != "PIN(****)" {
			t.Errorf("%s prints %q", verb, s)
		}
	}
	if s := fmt.Sprint(struct{ P *PIN }{p}); strings.Contains(s, "SECRET") || strings.Contains(s, "534543") {
		t.Errorf("in a struct: %s", s)
	}
	if _, err := json.Marshal(map[string]any{"pin": p}); err == nil {
		t.Error("a PIN marshalled to JSON")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("entered", "pin", p)
	if !strings.Contains(buf.String(), `"pin":"PIN(****)"`) {
		t.Errorf("slog: %s", buf.String())
	}
}
