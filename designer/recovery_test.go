package designer

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRecoveryDrafts(t *testing.T) {
	dir := t.TempDir()
	r := Recovery{Dir: filepath.Join(dir, "recovery")}
	form := filepath.Join(dir, "a.form.json")
	other := filepath.Join(dir, "sub", "a.form.json") // the same name elsewhere
	if err := os.WriteFile(form, []byte("saved"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := time.Now().Add(-time.Minute)
	os.Chtimes(form, saved, saved)

	if d, err := r.Pending(form); d != nil || err != nil {
		t.Fatalf("a draft before any was written: %v %v", d, err)
	}
	for _, tc := range []struct {
		what    string
		path    string
		text    string
		at      time.Time
		pending bool
	}{
		{"newer than the file", form, "draft", saved.Add(time.Second), true},
		{"older than the file", form, "draft", saved.Add(-time.Second), false},
		{"the file's own text", form, "saved", saved.Add(time.Second), false},
		{"untitled", "", "draft", saved.Add(-time.Hour), true},
		{"the file is gone", filepath.Join(dir, "gone.form.json"), "draft", saved, true},
	} {
		if err := r.Write(tc.path, []byte(tc.text), tc.at); err != nil {
			t.Fatal(err)
		}
		d, err := r.Pending(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if (d != nil) != tc.pending {
			t.Errorf("%s: pending %v, want %v", tc.what, d, tc.pending)
			continue
		}
		if d != nil && (d.Text != tc.text || !d.At.Equal(tc.at)) {
			t.Errorf("%s: draft %+v", tc.what, d)
		}
	}
	// Files of the same name in two folders keep drafts of their own.
	r.Write(form, []byte("draft of a"), saved.Add(time.Second))
	r.Write(other, []byte("draft of sub/a"), saved.Add(time.Second))
	if d, _ := r.Pending(form); d == nil || d.Text != "draft of a" {
		t.Errorf("a's draft: %+v", d)
	}
	if err := r.Remove(form); err != nil {
		t.Fatal(err)
	}
	if d, _ := r.Pending(form); d != nil {
		t.Error("a draft after Remove")
	}
	if d, _ := r.Pending(other); d == nil || d.Text != "draft of sub/a" {
		t.Errorf("removing a's draft touched sub/a's: %+v", d)
	}
	if err := r.Remove(form); err != nil {
		t.Errorf("removing no draft: %v", err)
	}
}
