package designer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"guitai/dsl"
)

// TestDiffWithoutDistinctIDs: Diff matches nodes by id; a JSON edit may
// leave a node without one, or give a node the id of its parent, and the
// parent links of such a tree went round in a circle (the designer hung).
// Such a tree is replaced whole, and applies.
func TestDiffWithoutDistinctIDs(t *testing.T) {
	base := dsl.Encode(load(t, "cash_withdrawal.form.json"))
	edits := map[string][2]string{
		"no id":             {`"id": "memo",`, ``},
		"empty id":          {`"id": "memo"`, `"id": ""`},
		"named as the root": {`"id": "memo"`, `"id": "root"`},
		"named as parent":   {`"id": "memo"`, `"id": "withdrawal"`},
		"named as a cousin": {`"id": "memo"`, `"id": "account"`},
	}
	for name, e := range edits {
		t.Run(name, func(t *testing.T) {
			text := strings.Replace(string(base), e[0], e[1], 1)
			nf, _ := dsl.DecodeLenient([]byte(text))
			if nf == nil {
				t.Fatal("the edit does not decode")
			}
			for _, pair := range [][2]*dsl.Form{{load(t, "cash_withdrawal.form.json"), nf}, {nf.Clone(), load(t, "cash_withdrawal.form.json")}} {
				done := make(chan []Change, 1)
				go func() {
					c, err := Diff(pair[0], pair[1])
					if err != nil {
						t.Error(err)
					}
					done <- c
				}()
				var changes []Change
				select {
				case changes = <-done:
				case <-time.After(30 * time.Second): // a deadline, not a wait: Diff takes milliseconds
					t.Fatal("Diff does not return")
				}
				want := dsl.Encode(pair[1])
				if err := New(pair[0]).Edit(FromJSON, "edit", "", changes...); err != nil {
					t.Fatal(err)
				}
				if got := dsl.Encode(pair[0]); !bytes.Equal(got, want) {
					t.Fatalf("the changes make\n%s\nwant\n%s", got, want)
				}
			}
		})
	}
}
