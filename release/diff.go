package release

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"guitai/catalog"
	"guitai/designer"
)

// Diff lists what changed from package a to package b, one change a line:
// forms added and removed, each common form's semantic diff (designer's
// Compare: fields, rules, submit, layout), transactions added, removed or
// changed (params by name and type, steps, flags), messages and menu
// entries. "" means the two have the same content.
func Diff(a, b *Package) string {
	var out strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&out, format+"\n", args...) }
	for _, id := range union(a.FormIDs(), b.FormIDs()) {
		fa, fb := a.Form(id), b.Form(id)
		switch {
		case fa == nil:
			line("+ form %s (version %s)", id, fb.Version)
		case fb == nil:
			line("- form %s", id)
		default:
			d := designer.Compare(fa, fb)
			if d.Empty() && fa.Version == fb.Version {
				continue
			}
			line("~ form %s %s → %s (%s)", id, fa.Version, fb.Version, d.Bump())
			for _, l := range strings.Split(strings.TrimSpace(d.String()), "\n") {
				line("    %s", l)
			}
		}
	}
	txnIDs := func(p *Package) []string {
		var ids []string
		for _, t := range p.Txns {
			ids = append(ids, t.ID)
		}
		return ids
	}
	for _, id := range union(txnIDs(a), txnIDs(b)) {
		ta, tb := a.Txn(id), b.Txn(id)
		switch {
		case ta == nil:
			line("+ transaction %s", id)
		case tb == nil:
			line("- transaction %s", id)
		default:
			if ls := txnDiff(ta, tb); len(ls) > 0 {
				line("~ transaction %s", id)
				for _, l := range ls {
					line("    %s", l)
				}
			}
		}
	}
	for _, code := range union(keys(a.Messages), keys(b.Messages)) {
		ma, oka := a.Messages[code]
		mb, okb := b.Messages[code]
		switch {
		case !oka:
			line("+ message %s: %s / %s", code, mb.Zh, mb.En)
		case !okb:
			line("- message %s", code)
		case ma != mb:
			line("~ message %s: %s / %s", code, mb.Zh, mb.En)
		}
	}
	for _, id := range union(keys(a.Menu), keys(b.Menu)) {
		ma, oka := a.Menu[id]
		mb, okb := b.Menu[id]
		switch {
		case !oka:
			line("+ menu %s: %s %s", id, mb.Category, mb.Code)
		case !okb:
			line("- menu %s", id)
		case ma != mb:
			line("~ menu %s: %s %s → %s %s", id, ma.Category, ma.Code, mb.Category, mb.Code)
		}
	}
	return out.String()
}

// txnDiff lists the changes of one transaction.
func txnDiff(a, b *catalog.Txn) []string {
	var out []string
	for _, p := range b.Params {
		q := a.Param(p.Name)
		switch {
		case q == nil:
			out = append(out, fmt.Sprintf("+ param %s (%s)", p.Name, p.Type))
		case *q != p:
			out = append(out, fmt.Sprintf("~ param %s (%s → %s)", p.Name, q.Type, p.Type))
		}
	}
	for _, p := range a.Params {
		if b.Param(p.Name) == nil {
			out = append(out, fmt.Sprintf("- param %s (%s)", p.Name, p.Type))
		}
	}
	if !reflect.DeepEqual(a.Steps, b.Steps) {
		out = append(out, fmt.Sprintf("~ steps (%d → %d)", len(a.Steps), len(b.Steps)))
	}
	x, y := *a, *b
	x.Params, y.Params, x.Steps, y.Steps = nil, nil, nil, nil
	if !reflect.DeepEqual(x, y) {
		out = append(out, "~ header (code, title, roles, journal, authorize, ...)")
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// union returns the distinct strings of a and b, sorted.
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
