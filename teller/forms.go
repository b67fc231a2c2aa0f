package teller

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"guitai/dsl"
)

// LoadForms reads the forms published into dir (the designer's publish
// directory, *.form.json) over base: a published form replaces the built-in
// one with the same id, and a new id is added. A form that does not decode
// is an error naming its file, line and column: the window does not start
// on a broken form.
func LoadForms(dir string, base []*dsl.Form) ([]*dsl.Form, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.form.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	byID := map[string]int{}
	out := append([]*dsl.Form(nil), base...)
	for i, f := range out {
		byID[f.ID] = i
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		f, err := dsl.Decode(src)
		if err != nil {
			return nil, fmt.Errorf("%s:\n%w", file, err)
		}
		if i, ok := byID[f.ID]; ok {
			out[i] = f
		} else {
			byID[f.ID] = len(out)
			out = append(out, f)
		}
	}
	return out, nil
}
