package designer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Recovery keeps the drafts of forms being designed, one file per form
// file (and one for an untitled form) in a directory of their own, so that
// a crash or a kill of the designer loses only the last few seconds of
// work: the designer writes the draft shortly after each change, removes
// it on save, and on opening the form offers the draft when it is newer
// than the file.
type Recovery struct {
	Dir string // where the drafts are kept
}

// DefaultRecovery keeps the drafts under the user's cache directory
// (~/.cache/guitai-designer/recovery on Linux).
func DefaultRecovery() (Recovery, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return Recovery{}, err
	}
	return Recovery{Dir: filepath.Join(dir, "guitai-designer", "recovery")}, nil
}

// Draft is the text of a form as it was being edited, for the file at
// Path ("" for an untitled form). Its text need not read as a form: a file
// being repaired is kept as typed.
type Draft struct {
	Path string    `json:"path"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// file is where the draft of the form file at path is kept: named after
// the file, told apart from others of the same name by a hash of its
// absolute path.
func (r Recovery) file(path string) string {
	if path == "" {
		return filepath.Join(r.Dir, "untitled.draft.json")
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	sum := sha256.Sum256([]byte(path))
	name := strings.TrimSuffix(filepath.Base(path), ".json")
	return filepath.Join(r.Dir, name+"-"+hex.EncodeToString(sum[:6])+".draft.json")
}

// Write keeps text as the draft of the form file at path ("" untitled),
// replacing the one before at once (a crash while writing leaves the old
// draft whole).
func (r Recovery) Write(path string, text []byte, at time.Time) error {
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return err
	}
	if abs, err := filepath.Abs(path); err == nil && path != "" {
		path = abs
	}
	raw, err := json.Marshal(Draft{Path: path, At: at.UTC(), Text: string(text)})
	if err != nil {
		return err
	}
	return WriteFile(r.file(path), raw)
}

// Remove drops the draft of the form file at path: it was saved, or the
// changes discarded. No draft is no error.
func (r Recovery) Remove(path string) error {
	err := os.Remove(r.file(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Pending returns the draft of the form file at path worth offering: one
// written after the file was last changed and differing from it (for an
// untitled form, any draft). It returns nil when there is none.
func (r Recovery) Pending(path string) (*Draft, error) {
	raw, err := os.ReadFile(r.file(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d Draft
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	if path == "" {
		return &d, nil
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &d, nil // the file is gone: the draft is all there is
	}
	if err != nil {
		return nil, err
	}
	if !d.At.After(st.ModTime()) {
		return nil, nil // the file was saved (or changed by another hand) since
	}
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, []byte(d.Text)) {
		return nil, nil
	}
	return &d, nil
}
