package audit

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func FuzzRecordUnmarshal(f *testing.F) {
	for i := 0; i < 4; i++ {
		r := sampleRecord(i)
		b, _ := r.MarshalBinary()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Record
		if r.UnmarshalBinary(b) != nil {
			return
		}
		back, _ := r.MarshalBinary()
		if !bytes.Equal(back, b) {
			t.Fatalf("decode/encode not identity:\n%x\n%x", b, back)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	note, _ := SignCheckpoint(Checkpoint{Origin: testOrigin, Size: 7, Root: EmptyRoot()}, testKey(f, 1))
	f.Add(note)
	f.Add([]byte("o\n1\nAAAA\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, sigs, err := ParseCheckpoint(b)
		if err != nil {
			return
		}
		if len(sigs) == 0 || !bytes.HasPrefix(b, c.Body()) {
			t.Fatalf("accepted note without signature or with a body that does not re-encode: %q", b)
		}
	})
}

func FuzzEntryJSON(f *testing.F) {
	e := Entry{Record: sampleRecord(1)}
	j, _ := e.MarshalJSON()
	f.Add(j)
	f.Fuzz(func(t *testing.T, b []byte) {
		var e Entry
		if e.UnmarshalJSON(b) != nil {
			return
		}
		j, err := e.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var e2 Entry
		if err := e2.UnmarshalJSON(j); err != nil || e2.Record != e.Record || e2.Leaf != e.Leaf {
			t.Fatalf("JSON round trip changed the entry: %v", err)
		}
	})
}

func FuzzVerifyBundle(f *testing.F) {
	db, l := rotatedLog(f)
	f.Add(exportBundle(f, db, l, 8, 12))
	f.Add(writeTar(f, []tarFile{{FileManifest, []byte("{}")}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Must not panic. Input that verifies must carry a signed manifest
		// covering every file, so it cannot be an arbitrary mutation.
		rep, err := VerifyBundleWith(bytes.NewReader(b), BundleOptions{AllowSelfSigned: true})
		if err == nil && rep.Manifest.Format != BundleFormat {
			t.Fatal("verified without a manifest")
		}
	})
}

// FuzzAppendJSON checks the hand-written JSON encoder against
// encoding/json for arbitrary field contents.
func FuzzAppendJSON(f *testing.F) {
	f.Add("T001", "对象\n\"x\"\\", int64(1))
	f.Add("\x00\x1f\u2028\xff", "<&>", int64(-5))
	f.Fuzz(func(t *testing.T, a, o string, ns int64) {
		e := Entry{Record: sampleRecord(2)}
		e.Teller, e.Object, e.Time = a, o, time.Unix(0, ns).UTC()
		got := e.AppendJSON(nil)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.Encode(entryJSON{Seq: e.Seq, Time: e.Time.Format(time.RFC3339Nano), TimeNS: ns,
			Teller: e.Teller, Authorizer: e.Authorizer, Terminal: e.Terminal, Branch: e.Branch,
			Action: e.Action, Object: e.Object, Result: e.Result,
			PayloadDigest: e.PayloadDigest, PrevHash: e.PrevHash, Leaf: e.Leaf})
		if want := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("AppendJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	})
}
