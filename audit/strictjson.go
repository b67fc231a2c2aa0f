package audit

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"time"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Bundle JSON is read strictly, so that a verifier written from VERIFY.md
// accepts exactly what this one does: valid UTF-8, no duplicate member
// names, member names in exact case, every member present and no other,
// lists always arrays (never null), numbers where numbers are expected.

// strictUnmarshal decodes data into v (a pointer to a bundle type) under
// the rules above.
func strictUnmarshal(data []byte, v any) error {
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil { // rejects duplicate names, bad UTF-8
		return err
	}
	if err := checkShape(reflect.TypeOf(v).Elem(), tree, "$"); err != nil {
		return err
	}
	return json.Unmarshal(data, v, json.RejectUnknownMembers(true))
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	bundleEntryType = reflect.TypeFor[bundleEntry]()
)

func checkShape(t reflect.Type, v any, path string) error {
	if t == bundleEntryType {
		t = reflect.TypeFor[bundleEntryJSON]()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: want a string", path)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want an object", path)
		}
		n := 0
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			n++
			fv, ok := m[name]
			if !ok {
				return fmt.Errorf("%s: member %q is missing", path, name)
			}
			if err := checkShape(f.Type, fv, path+"."+name); err != nil {
				return err
			}
		}
		if len(m) != n {
			return fmt.Errorf("%s: unknown members", path)
		}
	case reflect.Slice:
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want an array (null is not allowed)", path)
		}
		for i, e := range a {
			if err := checkShape(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("%s: want a string", path)
		}
	case reflect.Uint64, reflect.Int64, reflect.Int:
		if _, ok := v.(float64); !ok {
			return fmt.Errorf("%s: want a number", path)
		}
	}
	return nil
}

// marshalBundleJSON writes v as 2-space indented JSON with a final
// newline; nil lists are written as [].
func marshalBundleJSON(v any) []byte {
	b, err := json.Marshal(v, jsontext.WithIndent("  "), json.FormatNilSliceAsNull(false))
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// bundleEntry is an Entry in a bundle (entries.jsonl, keys.json): the
// JSON of [Entry.AppendJSON] without the unhashed "time" member.
type bundleEntry Entry

// bundleEntryJSON lists the members of a bundle entry.
type bundleEntryJSON struct {
	Seq           uint64 `json:"seq"`
	TimeNS        int64  `json:"time_ns"`
	Teller        string `json:"teller"`
	Authorizer    string `json:"authorizer"`
	Terminal      string `json:"terminal"`
	Branch        string `json:"branch"`
	Action        string `json:"action"`
	Object        string `json:"object"`
	Result        string `json:"result"`
	PayloadDigest Hash   `json:"payload_digest"`
	PrevHash      Hash   `json:"prev_hash"`
	Leaf          Hash   `json:"leaf_hash"`
}

// MarshalJSON writes the bundle form.
func (e bundleEntry) MarshalJSON() ([]byte, error) {
	x := Entry(e)
	return x.appendJSON(nil, false), nil
}

// UnmarshalJSON reads the bundle form strictly.
func (e *bundleEntry) UnmarshalJSON(b []byte) error {
	var j bundleEntryJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return errf(CodeMalformed, "decode entry", err, "")
	}
	*e = bundleEntry(j.entry())
	return nil
}

func (j *bundleEntryJSON) entry() Entry {
	return Entry{Record: Record{
		Seq: j.Seq, Time: timeNS(j.TimeNS),
		Teller: j.Teller, Authorizer: j.Authorizer, Terminal: j.Terminal, Branch: j.Branch,
		Action: j.Action, Object: j.Object, Result: j.Result,
		PayloadDigest: j.PayloadDigest, PrevHash: j.PrevHash,
	}, Leaf: j.Leaf}
}

// parseBundleEntry parses one line of entries.jsonl.
func parseBundleEntry(line []byte) (Entry, error) {
	var j bundleEntryJSON
	if err := strictUnmarshal(line, &j); err != nil {
		return Entry{}, err
	}
	return j.entry(), nil
}

func timeNS(ns int64) time.Time { return time.Unix(0, ns).UTC() }
