package release

import (
	"fmt"
	"strconv"
	"strings"

	"guitai/designer"
	"guitai/dsl"
)

// FormVersion derives the version a submitted form f must carry, given
// every version of the same form the ledger already holds (the built-in
// one and those in stored packages; known may be empty):
//
//   - the same content as a known version (its version aside): that
//     version, so a resubmitted form keeps its number;
//   - otherwise at least the latest known version raised by the semantic
//     diff against it (designer.SemanticDiff.Bump: major when a field
//     went away, changed type or the transaction changed; minor when
//     fields, rules or lookups changed; else patch). A higher version the
//     author chose is kept.
//
// So a version number never stands for two contents. The result is
// f's version when f is new.
func FormVersion(f *dsl.Form, known []*dsl.Form) (string, error) {
	if _, err := parseVersion(f.Version); err != nil {
		return "", err
	}
	var latest *dsl.Form
	for _, k := range known {
		if sameContent(k, f) {
			return k.Version, nil
		}
		if latest == nil || versionLess(latest.Version, k.Version) {
			latest = k
		}
	}
	if latest == nil {
		return f.Version, nil
	}
	need, err := designer.BumpVersion(latest.Version, designer.Compare(latest, f).Bump())
	if err != nil {
		return "", err
	}
	if versionLess(need, f.Version) {
		return f.Version, nil
	}
	return need, nil
}

// sameContent reports whether a and b are the same form but for their
// version.
func sameContent(a, b *dsl.Form) bool {
	x, y := a.Clone(), b.Clone()
	x.Version, y.Version = "", ""
	return string(dsl.Encode(x)) == string(dsl.Encode(y))
}

// parseVersion reads MAJOR.MINOR.PATCH.
func parseVersion(v string) ([3]int, error) {
	var n [3]int
	p := strings.Split(v, ".")
	if len(p) != 3 {
		return n, fmt.Errorf("form version %q is not MAJOR.MINOR.PATCH", v)
	}
	for i, s := range p {
		x, err := strconv.Atoi(s)
		if err != nil || x < 0 || strconv.Itoa(x) != s {
			return n, fmt.Errorf("form version %q is not MAJOR.MINOR.PATCH", v)
		}
		n[i] = x
	}
	return n, nil
}

// versionLess reports whether version a is lower than b; a version that
// does not parse is lowest.
func versionLess(a, b string) bool {
	x, errA := parseVersion(a)
	y, errB := parseVersion(b)
	switch {
	case errA != nil:
		return errB == nil
	case errB != nil:
		return false
	}
	for i := range 3 {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}
