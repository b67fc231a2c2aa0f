package release

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/emmansun/gmsm/sm3"

	"guitai/catalog"
	"guitai/dsl"
)

// Format is the value of the "release" key of a package's canonical JSON.
const Format = "guitai.release/1"

// BuiltinID names the built-in package, and BuiltinVersion is the version
// of every built-in form: the forms and catalog compiled into the programs.
const (
	BuiltinID      = "builtin"
	BuiltinVersion = 1
)

// ManifestFile is the optional file of a package directory that names the
// package and carries its messages and menu (see Manifest).
const ManifestFile = "package.json"

// Package is a release package: forms, the catalog transactions they post
// (new ones, or new versions of built-in ones), error messages per code and
// a menu placement per form. A Package in memory is a draft; once the
// ledger stores it, it is immutable.
type Package struct {
	ID      string
	Version int
	// Forms and Txns are sorted by id by Canonical and Decode.
	Forms []*dsl.Form
	Txns  []*catalog.Txn
	// Messages are zh/en texts of error codes the transactions raise
	// (codes the ledger does not know yet).
	Messages map[string]dsl.Text
	// Menu places forms in the teller's navigator, by form id.
	Menu map[string]Menu
	// Receipts are receipt templates by name (devices/receipt line
	// markup, Go text/template; <name>.tmpl in a package directory): a
	// transaction of the package whose "receipt" names one prints with
	// it.
	Receipts map[string]string
}

// Menu is where a form stands in the teller's navigator: a category key
// (e.g. "cat:cash") and its fast-path code.
type Menu struct {
	Category string `json:"category,omitempty"`
	Code     string `json:"code,omitempty"`
}

// Ref names one version of a package: "ID@VERSION".
type Ref struct {
	ID      string
	Version int
}

func (r Ref) String() string { return r.ID + "@" + strconv.Itoa(r.Version) }

// ParseRef reads "ID@VERSION".
func ParseRef(s string) (Ref, error) {
	id, v, ok := strings.Cut(s, "@")
	n, err := strconv.Atoi(v)
	if !ok || err != nil || n < 1 || !ValidID(id) {
		return Ref{}, fmt.Errorf("%q is not ID@VERSION (e.g. cash_deposit@2)", s)
	}
	return Ref{ID: id, Version: n}, nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ValidID reports whether id may name a package: lower-case letters,
// digits, '_', '.', '-', 64 at most, starting with a letter or digit.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Ref returns p's ID@Version.
func (p *Package) Ref() Ref { return Ref{p.ID, p.Version} }

// Form returns the form with id, or nil.
func (p *Package) Form(id string) *dsl.Form {
	for _, f := range p.Forms {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// Txn returns the transaction with id, or nil.
func (p *Package) Txn(id string) *catalog.Txn {
	for _, t := range p.Txns {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// FormIDs returns the ids of p's forms, sorted.
func (p *Package) FormIDs() []string {
	out := make([]string, 0, len(p.Forms))
	for _, f := range p.Forms {
		out = append(out, f.ID)
	}
	sort.Strings(out)
	return out
}

// Catalog returns base with p's transactions added or replacing base's of
// the same id: the catalog p's forms post against. base is not changed.
func (p *Package) Catalog(base catalog.Catalog) catalog.Catalog {
	c := make(catalog.Catalog, len(base)+len(p.Txns))
	for id, t := range base {
		c[id] = t
	}
	for _, t := range p.Txns {
		c[t.ID] = t
	}
	return c
}

// Builtin is version 1: the built-in forms and the whole built-in catalog,
// as package BuiltinID.
func Builtin(forms []*dsl.Form, cat catalog.Catalog) *Package {
	p := &Package{ID: BuiltinID, Version: BuiltinVersion, Forms: slices.Clone(forms)}
	for _, id := range cat.IDs() {
		p.Txns = append(p.Txns, cat[id])
	}
	p.sort()
	return p
}

// View is version 1 of package id as the built-in package p holds it: the
// built-in forms named by forms (and id itself, when it is a form), with
// the built-in transactions they post. It is p itself for BuiltinID, and
// nil when p holds none of those forms.
func (p *Package) View(id string, forms []string) *Package {
	if id == BuiltinID {
		return p
	}
	want := map[string]bool{id: true}
	for _, f := range forms {
		want[f] = true
	}
	v := &Package{ID: id, Version: BuiltinVersion}
	txns := map[string]bool{}
	for _, f := range p.Forms {
		if want[f.ID] {
			v.Forms = append(v.Forms, f)
			if f.Submit != nil && f.Submit.Txn != "" && !txns[f.Submit.Txn] {
				if t := p.Txn(f.Submit.Txn); t != nil {
					txns[t.ID] = true
					v.Txns = append(v.Txns, t)
				}
			}
		}
	}
	if len(v.Forms) == 0 {
		return nil
	}
	v.sort()
	return v
}

func (p *Package) sort() {
	sort.SliceStable(p.Forms, func(i, j int) bool { return p.Forms[i].ID < p.Forms[j].ID })
	sort.SliceStable(p.Txns, func(i, j int) bool { return p.Txns[i].ID < p.Txns[j].ID })
}

// text is dsl.Text in JSON.
type text struct {
	Zh string `json:"zh,omitempty"`
	En string `json:"en,omitempty"`
}

// wire is a package's JSON: the canonical bytes, or what Decode reads.
type wire struct {
	Release  string            `json:"release"`
	ID       string            `json:"id"`
	Version  int               `json:"version"`
	Forms    []json.RawMessage `json:"forms"`
	Txns     []json.RawMessage `json:"txns"`
	Messages map[string]text   `json:"messages,omitempty"`
	Menu     map[string]Menu   `json:"menu,omitempty"`
	Receipts map[string]string `json:"receipts,omitempty"`
}

// Canonical returns p's canonical bytes: compact JSON, keys in a fixed
// order (maps sorted), forms in dsl's canonical encoding and transactions
// re-encoded, each sorted by id, no HTML escaping, no final newline. Two
// packages with the same content have the same bytes; Decode(Canonical)
// gives them back. It fails on duplicate form or transaction ids.
func (p *Package) Canonical() ([]byte, error) {
	q := *p
	q.Forms, q.Txns = slices.Clone(p.Forms), slices.Clone(p.Txns)
	q.sort()
	w := wire{Release: Format, ID: q.ID, Version: q.Version, Forms: []json.RawMessage{}, Txns: []json.RawMessage{}}
	for i, f := range q.Forms {
		if f == nil {
			return nil, errors.New("release: nil form")
		}
		if i > 0 && q.Forms[i-1].ID == f.ID {
			return nil, fmt.Errorf("release: form %s is in the package twice", f.ID)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, dsl.Encode(f)); err != nil {
			return nil, fmt.Errorf("release: form %s: %w", f.ID, err)
		}
		w.Forms = append(w.Forms, b.Bytes())
	}
	for i, t := range q.Txns {
		if t == nil {
			return nil, errors.New("release: nil transaction")
		}
		if i > 0 && q.Txns[i-1].ID == t.ID {
			return nil, fmt.Errorf("release: transaction %s is in the package twice", t.ID)
		}
		b, err := marshal(t)
		if err != nil {
			return nil, fmt.Errorf("release: transaction %s: %w", t.ID, err)
		}
		w.Txns = append(w.Txns, b)
	}
	if len(q.Messages) > 0 {
		w.Messages = map[string]text{}
		for code, m := range q.Messages {
			w.Messages[code] = text{m.Zh, m.En}
		}
	}
	if len(q.Menu) > 0 {
		w.Menu = q.Menu
	}
	if len(q.Receipts) > 0 {
		w.Receipts = q.Receipts
	}
	return marshal(w)
}

// marshal is json.Marshal without HTML escaping and the final newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Digest is the hex SM3 of canonical bytes.
func Digest(canonical []byte) string {
	d := sm3.Sum(canonical)
	return hex.EncodeToString(d[:])
}

// Digest returns the hex SM3 of p's canonical bytes.
func (p *Package) Digest() (string, error) {
	b, err := p.Canonical()
	if err != nil {
		return "", err
	}
	return Digest(b), nil
}

// Decode reads a package's JSON (canonical or not; unknown keys are
// errors), its forms with dsl.Decode and its transactions strictly.
func Decode(data []byte) (*Package, error) {
	var w wire
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	if dec.More() {
		return nil, errors.New("release: data after the package")
	}
	if w.Release != Format {
		return nil, fmt.Errorf("release: \"release\" is %q, want %q", w.Release, Format)
	}
	p := &Package{ID: w.ID, Version: w.Version}
	for i, raw := range w.Forms {
		f, err := dsl.Decode(raw)
		if err != nil {
			return nil, fmt.Errorf("release: forms[%d]:\n%w", i, err)
		}
		p.Forms = append(p.Forms, f)
	}
	for i, raw := range w.Txns {
		t, err := decodeTxn(raw)
		if err != nil {
			return nil, fmt.Errorf("release: txns[%d]: %w", i, err)
		}
		p.Txns = append(p.Txns, t)
	}
	if len(w.Messages) > 0 {
		p.Messages = map[string]dsl.Text{}
		for code, m := range w.Messages {
			p.Messages[code] = dsl.Text{Zh: m.Zh, En: m.En}
		}
	}
	if len(w.Menu) > 0 {
		p.Menu = w.Menu
	}
	if len(w.Receipts) > 0 {
		p.Receipts = w.Receipts
	}
	p.sort()
	return p, nil
}

// decodeTxn decodes one catalog transaction strictly, as catalog.Load does.
func decodeTxn(raw []byte) (*catalog.Txn, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	t := &catalog.Txn{}
	if err := dec.Decode(t); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the transaction")
	}
	t.Title = dsl.Text{Zh: t.RawTitle["zh"], En: t.RawTitle["en"]}
	return t, nil
}

// Manifest is package.json of a package directory: the package's id and
// version (0: the ledger numbers it), its messages and menu.
type Manifest struct {
	ID       string          `json:"id"`
	Version  int             `json:"version"`
	Messages map[string]text `json:"messages"`
	Menu     map[string]Menu `json:"menu"`
}

// Load reads a package from path: a directory of *.form.json and
// *.txn.json files with an optional package.json (Manifest); a whole
// package's JSON (a file whose "release" key is Format); or one
// *.form.json, a package of that form alone named after it. A package
// without a manifest is named after its form when it holds one form, and
// has version 0 (the ledger gives it the next free version).
func Load(p string) (*Package, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return LoadFS(os.DirFS(p))
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(p, ".form.json") {
		f, err := dsl.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s:\n%w", p, err)
		}
		return &Package{ID: f.ID, Forms: []*dsl.Form{f}}, nil
	}
	pkg, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	return pkg, nil
}

// LoadFS reads a package directory (see Load) from fsys's root.
func LoadFS(fsys fs.FS) (*Package, error) {
	p := &Package{}
	forms, _ := fs.Glob(fsys, "*.form.json")
	for _, name := range forms {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := dsl.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s:\n%w", name, err)
		}
		if want := strings.TrimSuffix(path.Base(name), ".form.json"); f.ID != want {
			return nil, fmt.Errorf("%s: form id %q does not match the file name", name, f.ID)
		}
		p.Forms = append(p.Forms, f)
	}
	txns, _ := fs.Glob(fsys, "*.txn.json")
	for _, name := range txns {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := decodeTxn(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if want := strings.TrimSuffix(path.Base(name), ".txn.json"); t.ID != want {
			return nil, fmt.Errorf("%s: id %q does not match the file name", name, t.ID)
		}
		p.Txns = append(p.Txns, t)
	}
	tmpls, _ := fs.Glob(fsys, "*.tmpl")
	for _, name := range tmpls {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if p.Receipts == nil {
			p.Receipts = map[string]string{}
		}
		p.Receipts[strings.TrimSuffix(path.Base(name), ".tmpl")] = string(data)
	}
	data, err := fs.ReadFile(fsys, ManifestFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if len(p.Forms) == 1 {
			p.ID = p.Forms[0].ID
		}
	case err != nil:
		return nil, err
	default:
		var m Manifest
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("%s: %w", ManifestFile, err)
		}
		p.ID, p.Version, p.Menu = m.ID, m.Version, m.Menu
		if len(m.Messages) > 0 {
			p.Messages = map[string]dsl.Text{}
			for code, t := range m.Messages {
				p.Messages[code] = dsl.Text{Zh: t.Zh, En: t.En}
			}
		}
	}
	if len(p.Forms)+len(p.Txns) == 0 {
		return nil, errors.New("no *.form.json or *.txn.json in the directory")
	}
	if p.ID == "" {
		return nil, fmt.Errorf("%d forms and no %s naming the package: add {\"id\": ..., \"version\": ...}", len(p.Forms), ManifestFile)
	}
	p.sort()
	return p, nil
}
