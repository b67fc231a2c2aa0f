package pinpad

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden frames in testdata")

// goldenFrames are encoded and compared with testdata/frames.golden.
var goldenFrames = []struct {
	name string
	f    Frame
}{
	{"reset", Frame{Type: CmdReset}},
	{"status", Frame{Type: CmdStatus}},
	{"cancel", Frame{Type: CmdCancel}},
	{"ack-ok", Frame{Type: TypeAck, Payload: []byte{byte(StatusOK)}}},
	{"ack-busy", Frame{Type: TypeAck, Payload: []byte{byte(StatusBusy)}}},
	{"read-pin", Frame{Type: CmdReadPIN, Payload: mustPayload(Prompt{Text: "PIN", PAN: "6222021234567890123", Min: 6, Max: 6, Timeout: 30e9})}},
	{"keys-3", Frame{Type: EvtKeys, Payload: []byte{3}}},
	{"keys-clear", Frame{Type: EvtKeys, Payload: []byte{0}}},
	{"enter", Frame{Type: EvtEnter, Payload: append([]byte{6}, bytes.Repeat([]byte{0xA5}, BlockSize)...)}},
	{"customer-cancel", Frame{Type: EvtCancel}},
	{"timeout", Frame{Type: EvtTimeout}},
}

func mustPayload(p Prompt) []byte {
	b, err := readPINPayload(p)
	if err != nil {
		panic(err)
	}
	return b
}

func TestGoldenFrames(t *testing.T) {
	path := filepath.Join("testdata", "frames.golden")
	var out strings.Builder
	for _, g := range goldenFrames {
		fmt.Fprintf(&out, "%s %x\n", g.name, AppendFrame(nil, g.f))
	}
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Fatalf("frames differ from %s (go test -update to accept):\n%s\nwant:\n%s", path, out.String(), want)
	}
	// Each golden frame reads back to what made it.
	sc := bufio.NewScanner(bytes.NewReader(want))
	for i := 0; sc.Scan(); i++ {
		name, hx, _ := strings.Cut(sc.Text(), " ")
		b, err := hex.DecodeString(hx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f, err := ReadFrame(bytes.NewReader(b))
		g := goldenFrames[i]
		if err != nil || f.Type != g.f.Type || !bytes.Equal(f.Payload, g.f.Payload) {
			t.Errorf("%s: read back %+v, %v", name, f, err)
		}
	}
}

func TestFrameLayout(t *testing.T) {
	// STX, type, length 0001, payload 00, ETX, BCC = 06^00^01^00^03.
	got := AppendFrame(nil, Frame{Type: TypeAck, Payload: []byte{0}})
	want := []byte{0x02, 0x06, 0x00, 0x01, 0x00, 0x03, 0x06 ^ 0x01 ^ 0x03}
	if !bytes.Equal(got, want) {
		t.Fatalf("% x, want % x", got, want)
	}
}

func TestReadFrameErrors(t *testing.T) {
	good := AppendFrame(nil, Frame{Type: EvtKeys, Payload: []byte{2}})
	mod := func(i int, b byte) []byte { c := bytes.Clone(good); c[i] = b; return c }
	isFrame := func(e error) bool { var fe *FrameError; return errors.As(e, &fe) }
	tests := []struct {
		name  string
		in    []byte
		check func(error) bool
	}{
		{"stx", mod(0, 0x55), isFrame},
		{"type", mod(1, 0x7F), isFrame},
		{"length", mod(2, 0x10), isFrame},
		{"etx", mod(len(good)-2, 0x04), isFrame},
		{"checksum", mod(len(good)-1, 0x00), func(e error) bool { return errors.Is(e, ErrChecksum) }},
		{"truncated", good[:len(good)-1], func(e error) bool { return errors.Is(e, io.ErrUnexpectedEOF) }},
		{"empty", nil, func(e error) bool { return e == io.EOF }},
	}
	for _, tt := range tests {
		if _, err := ReadFrame(bytes.NewReader(tt.in)); !tt.check(err) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

func FuzzReadFrame(f *testing.F) {
	for _, g := range goldenFrames {
		f.Add(AppendFrame(nil, g.f))
	}
	f.Add([]byte{STX, EvtEnter, 0xFF, 0xFF})
	f.Add([]byte{STX, TypeAck, 0x00, 0x00, ETX, TypeAck ^ ETX, STX})
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := ReadFrame(bytes.NewReader(b))
		if err != nil {
			var fe *FrameError
			if !errors.As(err, &fe) && !errors.Is(err, ErrChecksum) && err != io.EOF && err != io.ErrUnexpectedEOF {
				t.Fatalf("unexpected error kind %T %v", err, err)
			}
			return
		}
		if len(fr.Payload) > MaxPayload || !knownType(fr.Type) {
			t.Fatalf("accepted %+v", fr)
		}
		// A frame that reads cleanly re-encodes to the bytes it came from.
		enc := AppendFrame(nil, fr)
		if !bytes.Equal(enc, b[:len(enc)]) {
			t.Fatalf("re-encoded % x, read from % x", enc, b)
		}
	})
}
