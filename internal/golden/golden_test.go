package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps a failure instead of failing the
// test running it.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// check runs Check on its own goroutine, as Fatalf ends it.
func check(t *testing.T, path string, got []byte) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, path, got)
	}()
	<-done
	return r
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.golden")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.golden"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, got string
		fail            string // part of the failure; "" to pass
	}{
		{"same", path, "one\ntwo\n", ""},
		{"differs", path, "one\nTWO\n", `line 2 is "TWO\n", want "two\n"`},
		{"longer", path, "one\ntwo\nthree\n", `line 3 is "three\n", want ""`},
		{"missing", filepath.Join(dir, "none.golden"), "x", "is missing"},
		{"empty file", filepath.Join(dir, "empty.golden"), "x", "is empty"},
		{"empty output", path, "", "output to compare is empty"},
	} {
		r := check(t, tc.path, []byte(tc.got))
		if r.failed != (tc.fail != "") || !strings.Contains(r.msg, tc.fail) {
			t.Errorf("%s: failed %v %q, want a failure with %q", tc.name, r.failed, r.msg, tc.fail)
		}
	}
}

func TestUpdateWrites(t *testing.T) {
	defer func(old bool) { *update = old }(*update)
	*update = true
	path := filepath.Join(t.TempDir(), "new", "b.golden")
	if r := check(t, path, []byte("fresh\n")); r.failed {
		t.Fatalf("-update failed: %s", r.msg)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "fresh\n" {
		t.Fatalf("-update wrote %q, %v", b, err)
	}
	*update = false
	if r := check(t, path, []byte("fresh\n")); r.failed {
		t.Errorf("the written file does not match: %s", r.msg)
	}
}
