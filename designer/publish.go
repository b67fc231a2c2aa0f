package designer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"guitai/catalog"
	"guitai/dsl"
)

// FieldChange is one bound key whose definition changed between versions.
type FieldChange struct {
	Key  string
	What []string // "type string→money", "label", "node account→acct"
}

// SemanticDiff is what changed for the people and systems using a form:
// the fields it binds, their rules, and what it submits.
type SemanticDiff struct {
	Added, Removed []string // bound keys
	Changed        []FieldChange
	RulesChanged   []string // ids of nodes whose rules changed
	SubmitChanged  bool
	LookupsChanged bool // the lookups that fill the form in
	LayoutChanged  bool // nodes added, removed, moved or restyled without a field change
}

// Empty reports whether nothing changed at all.
func (s SemanticDiff) Empty() bool {
	return len(s.Added)+len(s.Removed)+len(s.Changed)+len(s.RulesChanged) == 0 && !s.SubmitChanged && !s.LookupsChanged && !s.LayoutChanged
}

// Bump says which part of the version a publish with this diff raises:
// "major" when a field went away, changed type or the submitted
// transaction changed (old data no longer fits), "minor" when fields were
// added, rules or lookups changed, else "patch".
func (s SemanticDiff) Bump() string {
	if len(s.Removed) > 0 || s.SubmitChanged {
		return "major"
	}
	for _, c := range s.Changed {
		for _, w := range c.What {
			if strings.HasPrefix(w, "type ") {
				return "major"
			}
		}
	}
	if len(s.Added) > 0 || len(s.RulesChanged) > 0 || len(s.Changed) > 0 || s.LookupsChanged {
		return "minor"
	}
	return "patch"
}

// String lists the changes one a line, in Chinese and English.
func (s SemanticDiff) String() string {
	var b strings.Builder
	for _, k := range s.Added {
		fmt.Fprintf(&b, "+ 新增字段 field added: %s\n", k)
	}
	for _, k := range s.Removed {
		fmt.Fprintf(&b, "- 删除字段 field removed: %s\n", k)
	}
	for _, c := range s.Changed {
		fmt.Fprintf(&b, "~ 字段变更 field changed: %s (%s)\n", c.Key, strings.Join(c.What, ", "))
	}
	for _, id := range s.RulesChanged {
		fmt.Fprintf(&b, "~ 规则变更 rules changed: %s\n", id)
	}
	if s.SubmitChanged {
		b.WriteString("~ 提交变更 submit changed\n")
	}
	if s.LookupsChanged {
		b.WriteString("~ 查询变更 lookups changed\n")
	}
	if s.LayoutChanged {
		b.WriteString("~ 布局变更 layout changed\n")
	}
	if b.Len() == 0 {
		b.WriteString("无变更 no changes\n")
	}
	return b.String()
}

// Compare returns the semantic diff from old to new.
func Compare(old, new *dsl.Form) SemanticDiff {
	var s SemanticDiff
	of, nf := fieldsOf(old), fieldsOf(new)
	for k, n := range nf {
		o, ok := of[k]
		if !ok {
			s.Added = append(s.Added, k)
			continue
		}
		var what []string
		if o.typ != n.typ {
			what = append(what, fmt.Sprintf("type %s→%s", o.typ, n.typ))
		}
		if o.node.ID != n.node.ID {
			what = append(what, fmt.Sprintf("node %s→%s", o.node.ID, n.node.ID))
		}
		if !reflect.DeepEqual(o.node.PropText("label"), n.node.PropText("label")) {
			what = append(what, "label")
		}
		if o.node.VisibleWhen != n.node.VisibleWhen || o.node.EnabledWhen != n.node.EnabledWhen {
			what = append(what, "conditions")
		}
		if len(what) > 0 {
			s.Changed = append(s.Changed, FieldChange{Key: k, What: what})
		}
	}
	for k := range of {
		if _, ok := nf[k]; !ok {
			s.Removed = append(s.Removed, k)
		}
	}
	sort.Strings(s.Added)
	sort.Strings(s.Removed)
	sort.Slice(s.Changed, func(i, j int) bool { return s.Changed[i].Key < s.Changed[j].Key })
	oldNodes := map[string]*dsl.Node{}
	old.Walk(func(_ []string, n *dsl.Node) bool { oldNodes[n.ID] = n; return true })
	new.Walk(func(_ []string, n *dsl.Node) bool {
		if o, ok := oldNodes[n.ID]; ok && !reflect.DeepEqual(rulesJSON(o.Rules), rulesJSON(n.Rules)) {
			s.RulesChanged = append(s.RulesChanged, n.ID)
		} else if !ok && len(n.Rules) > 0 && n.Bind != "" && of[n.Bind].node != nil {
			s.RulesChanged = append(s.RulesChanged, n.ID)
		}
		return true
	})
	s.SubmitChanged = !reflect.DeepEqual(old.Submit, new.Submit)
	s.LookupsChanged = !reflect.DeepEqual(old.Extra[dsl.LookupsKey], new.Extra[dsl.LookupsKey])
	if ht := func(f *dsl.Form) string { c := f.Clone(); c.Version = ""; return string(dsl.Encode(c)) }; ht(old) != ht(new) &&
		len(s.Added)+len(s.Removed)+len(s.Changed)+len(s.RulesChanged) == 0 && !s.SubmitChanged && !s.LookupsChanged {
		s.LayoutChanged = true
	}
	return s
}

type fieldDef struct {
	typ  dsl.ValueType
	node *dsl.Node
}

func fieldsOf(f *dsl.Form) map[string]fieldDef {
	out := map[string]fieldDef{}
	for _, fl := range f.Fields() {
		out[fl.Key] = fieldDef{typ: fl.Type, node: f.Find(fl.Node)}
	}
	return out
}

// BumpVersion raises part ("major", "minor", "patch") of a MAJOR.MINOR.PATCH
// version, zeroing the parts after it.
func BumpVersion(v, part string) (string, error) {
	p := strings.Split(v, ".")
	if len(p) != 3 {
		return "", fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", v)
	}
	n := make([]int, 3)
	for i, s := range p {
		x, err := strconv.Atoi(s)
		if err != nil || x < 0 {
			return "", fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", v)
		}
		n[i] = x
	}
	switch part {
	case "major":
		n = []int{n[0] + 1, 0, 0}
	case "minor":
		n = []int{n[0], n[1] + 1, 0}
	default:
		n[2]++
	}
	return fmt.Sprintf("%d.%d.%d", n[0], n[1], n[2]), nil
}

// Published is the result of a publish.
type Published struct {
	File    string
	Version string
	Diff    SemanticDiff
	First   bool // there was no earlier version in the directory
}

// Publish writes the form to dir/<id>.form.json, canonical. It refuses a
// form with problems. When dir holds an earlier version, the semantic diff
// against it decides the version bump, which is made in the document as an
// undoable step; a first publish keeps the form's version.
func (d *Document) Publish(dir string) (Published, error) {
	if probs := d.Problems(); len(probs) > 0 {
		return Published{}, fmt.Errorf("the form has %d problems; fix them before publishing", len(probs))
	}
	file := filepath.Join(dir, d.form.ID+".form.json")
	res := Published{File: file, Version: d.form.Version}
	raw, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		res.First = true
		res.Diff = Compare(&dsl.Form{Root: &dsl.Node{}}, d.form)
	case err != nil:
		return Published{}, err
	default:
		prev, err := dsl.Decode(raw)
		if err != nil {
			return Published{}, fmt.Errorf("the published %s does not decode: %w", file, err)
		}
		res.Diff = Compare(prev, d.form)
		if res.Diff.Empty() {
			return res, nil
		}
		base := prev.Version
		if newer(d.form.Version, base) {
			base = d.form.Version // the author raised it already
			res.Version = base
		} else {
			v, err := BumpVersion(base, res.Diff.Bump())
			if err != nil {
				return Published{}, err
			}
			res.Version = v
		}
	}
	if res.Version != d.form.Version {
		if err := d.SetHeader(FromFile, "version", func(h *Header) { h.Version = res.Version }); err != nil {
			return Published{}, err
		}
		d.Seal()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Published{}, err
	}
	return res, WriteFile(file, d.Bytes())
}

// newer reports whether version a is above b.
func newer(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	if len(pa) != 3 || len(pb) != 3 {
		return false
	}
	for i := range 3 {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x > y
		}
	}
	return false
}

// WriteFile writes data to path through a temporary file and a rename, so
// a crash never leaves half a form.
func WriteFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".designer-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Open reads a form file into a new document. A form that is well-formed
// but invalid (an expression naming a field still to be added, a node
// without an id) opens, its problems listed by Document.Problems, so that
// it can be mended; one that is not JSON, or whose values have the wrong
// shape, is refused with its located errors (a dsl.ErrorList).
func Open(path string) (*Document, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, errs := dsl.DecodeLenient(raw)
	if f == nil {
		return nil, errs
	}
	d := New(f)
	d.Path = path
	return d, nil
}

// Save writes the form canonically to path (the document's own when
// empty) and marks it saved.
func (d *Document) Save(path string) error {
	if path == "" {
		path = d.Path
	}
	if path == "" {
		return errors.New("no file name")
	}
	if err := WriteFile(path, d.Bytes()); err != nil {
		return err
	}
	d.Path = path
	d.MarkSaved()
	return nil
}

// Check decodes and validates a form file, and checks its submit block
// and its lookups against the catalog when cat is not nil. It returns the problems as
// "file:line:col: pointer: message [code]" lines, the column counted in
// characters (CharColumn); a read error is one line too.
func Check(path string, cat catalog.Catalog) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	f, err := dsl.Decode(raw)
	if err != nil {
		var out []string
		for _, e := range CharColumns(Errors(err), raw) {
			line, col := max(e.Line, 1), max(e.Column, 1)
			out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s [%s]", path, line, col, orRoot(e.Pointer), e.Msg, e.Code))
		}
		return out
	}
	var out []string
	for _, p := range catalogProblems(cat, f) {
		// A node's problem stands at its "id", the submit's at "txn".
		ptr := p.Pointer
		if p.Node != "" {
			ptr = pointerOf(f, p.Node) + "/id"
		}
		line, col := dsl.Locate(raw, ptr)
		line, col = max(line, 1), max(CharColumn(raw, line, col), 1)
		out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s [catalog]", path, line, col, p.Pointer, p.Msg))
	}
	return out
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
