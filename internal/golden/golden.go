package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files the tests compare with (internal/golden)")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Check compares got with the golden file at path (relative to the test's
// package directory, e.g. "testdata/fci.golden"). With -update it first
// writes got to path, creating its directory. Without -update, a missing
// or empty golden file fails the test: a file that was never written would
// otherwise accept any output. Empty output is never a golden file.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if len(got) == 0 {
		t.Errorf("golden %s: the output to compare is empty", path)
		return
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		t.Logf("golden: wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	switch {
	case os.IsNotExist(err):
		t.Fatalf("golden file %s is missing: run the test with -update to create it, and review it", path)
	case err != nil:
		t.Fatalf("golden: %v", err)
	case len(want) == 0:
		t.Fatalf("golden file %s is empty: run the test with -update to fill it, and review it", path)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept it): %s\ngot:\n%s", path, firstDifference(got, want), got)
	}
}

// CheckString is Check for text.
func CheckString(t testing.TB, path, got string) {
	t.Helper()
	Check(t, path, []byte(got))
}

// firstDifference names the first line where got and want differ.
func firstDifference(got, want []byte) string {
	g := strings.SplitAfter(string(got), "\n")
	w := strings.SplitAfter(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d is %q, want %q", i+1, gl, wl)
		}
	}
	return "same lines" // unreachable when got != want
}
