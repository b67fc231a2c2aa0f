package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"guitai/dsl"
)

//go:embed forms/*.form.json
var forms embed.FS

// FormFiles returns the embedded form files by file name, sorted.
func FormFiles() []string {
	names, _ := fs.Glob(forms, "forms/*.form.json")
	sort.Strings(names)
	for i, n := range names {
		names[i] = path.Base(n)
	}
	return names
}

// FormSource returns the JSON of one embedded form file.
func FormSource(name string) ([]byte, error) {
	return forms.ReadFile("forms/" + name)
}

// Forms decodes every embedded form. A form that fails to decode is an
// error naming its file; the forms are checked by the tests, so this only
// fails on a broken build.
func Forms() ([]*dsl.Form, error) {
	var out []*dsl.Form
	for _, name := range FormFiles() {
		src, err := FormSource(name)
		if err != nil {
			return nil, err
		}
		f, err := dsl.Decode(src)
		if err != nil {
			return nil, fmt.Errorf("assets/forms/%s:\n%w", name, err)
		}
		if want := strings.TrimSuffix(name, ".form.json"); f.ID != want {
			return nil, fmt.Errorf("assets/forms/%s: form id %q does not match the file name", name, f.ID)
		}
		out = append(out, f)
	}
	return out, nil
}
