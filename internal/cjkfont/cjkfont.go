package cjkfont

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// Load opens path, or the first of files that exists, and returns its
// Simplified Chinese face (the collection's first face when it has none).
func Load(path string, files []string) (*sfnt.Font, error) {
	paths := files
	if path != "" {
		paths = []string{path}
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		coll, err := opentype.ParseCollection(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		var first *sfnt.Font
		for i := range coll.NumFonts() {
			f, err := coll.Font(i)
			if err != nil {
				return nil, fmt.Errorf("%s: font %d: %w", p, i, err)
			}
			if first == nil {
				first = f
			}
			if fam, _ := f.Name(nil, sfnt.NameIDFamily); strings.Contains(fam, " SC") {
				return f, nil
			}
		}
		return first, nil
	}
	return nil, fmt.Errorf("no CJK font: install fonts-noto-cjk or pass -font (looked in %s)", strings.Join(paths, ", "))
}
