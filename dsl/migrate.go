package dsl

import (
	"fmt"
	"strconv"
	"strings"
)

// Migration upgrades a form document by one schema version, in place. The
// document is the form as plain JSON values (map[string]any, []any, string,
// json.Number, bool, nil).
type Migration func(doc map[string]any) error

// migrations[v] upgrades from schema v to v+1.
var migrations = map[int]Migration{0: migrate0to1}

// RegisterMigration installs the migration from schema version from to
// from+1. Each release that changes the schema registers one, so every older
// form still opens.
func RegisterMigration(from int, m Migration) { migrations[from] = m }

func schemaName(v int) string { return "guitai.form/" + strconv.Itoa(v) }

// schemaVersion parses "guitai.form/N".
func schemaVersion(s string) (int, bool) {
	rest, ok := strings.CutPrefix(s, "guitai.form/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// migrate brings a document of an older schema to the current one and
// returns it re-encoded (map keys in byte order, "zh" and "en" first); nil
// when the document needs nothing.
func migrate(root *jvalue) ([]byte, int, error) {
	if root.kind != 'o' {
		return nil, 0, nil
	}
	dv := root.member("dsl")
	if dv == nil || dv.kind != 's' {
		return nil, 0, nil
	}
	from, ok := schemaVersion(dv.str)
	if !ok || from == Version {
		return nil, 0, nil // a malformed "dsl" is reported by validation
	}
	if from > Version {
		return nil, 0, ErrorList{{Code: CodeBadVersion, Pointer: "/dsl", offset: dv.off,
			Msg: fmt.Sprintf("schema %q is newer than this build, which reads up to %q", dv.str, Current)}}
	}
	doc := root.generic().(map[string]any)
	for v := from; v < Version; v++ {
		m := migrations[v]
		if m == nil {
			return nil, 0, ErrorList{{Code: CodeBadVersion, Pointer: "/dsl", offset: dv.off,
				Msg: fmt.Sprintf("no migration from %s to %s", schemaName(v), schemaName(v+1))}}
		}
		if err := m(doc); err != nil {
			return nil, 0, ErrorList{{Code: CodeBadVersion, Pointer: "/dsl", offset: dv.off,
				Msg: fmt.Sprintf("migration from %s: %v", schemaName(v), err)}}
		}
	}
	doc["dsl"] = Current
	e := &encoder{}
	e.value(doc, 0)
	return e.b, from, nil
}

// migrate0to1 upgrades the first draft, where titles and i18n props were
// plain strings in Chinese: each becomes {"zh": s}.
func migrate0to1(doc map[string]any) error {
	if s, ok := doc["title"].(string); ok {
		doc["title"] = map[string]any{"zh": s}
	}
	var fix func(n any)
	fix = func(n any) {
		node, ok := n.(map[string]any)
		if !ok {
			return
		}
		spec := Types[fmt.Sprint(node["type"])]
		if props, ok := node["props"].(map[string]any); ok && spec != nil {
			for k, v := range props {
				ps := spec.Prop(k)
				if ps == nil {
					continue
				}
				switch x := v.(type) {
				case string:
					if ps.Kind == PropI18n {
						props[k] = map[string]any{"zh": x}
					}
				case []any:
					// Option labels and column titles were plain strings too.
					for _, item := range x {
						if m, ok := item.(map[string]any); ok {
							for _, tk := range []string{"label", "title"} {
								if s, ok := m[tk].(string); ok {
									m[tk] = map[string]any{"zh": s}
								}
							}
						}
					}
				}
			}
		}
		if children, ok := node["children"].([]any); ok {
			for _, c := range children {
				fix(c)
			}
		}
	}
	fix(doc["root"])
	return nil
}
