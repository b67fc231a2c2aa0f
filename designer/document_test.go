package designer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"guitai/catalog"
	"guitai/dsl"
)

func load(t testing.TB, name string) *dsl.Form {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "assets", "forms", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := dsl.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// fakeClock is a test clock moved by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// randomChange returns a random change that may or may not apply.
func randomChange(r *rand.Rand, f *dsl.Form) Change {
	var nodes, containers [][]string
	f.Walk(func(p []string, n *dsl.Node) bool {
		nodes = append(nodes, p)
		if IsContainer(n.Type) {
			containers = append(containers, p)
		}
		return true
	})
	pick := func(l [][]string) []string { return clonePath(l[r.IntN(len(l))]) }
	switch r.IntN(6) {
	case 0, 1:
		types := []string{"text", "amount", "group", "row", "label", "select", "account", "check"}
		n, _ := NewNode(f, types[r.IntN(len(types))])
		if r.IntN(3) == 0 && IsContainer(n.Type) {
			k, _ := NewNode(f, "text")
			k.ID = n.ID + "_k"
			n.Children = []*dsl.Node{k}
		}
		p := pick(containers)
		return OpChange(dsl.Op{Op: "insert", ParentPath: p, Index: r.IntN(len(f.Find(p[len(p)-1]).Children) + 1), Node: n})
	case 2:
		return OpChange(dsl.Op{Op: "delete", Path: pick(nodes)})
	case 3:
		p := pick(containers)
		return OpChange(dsl.Op{Op: "move", Path: pick(nodes), ParentPath: p, Index: r.IntN(len(f.Find(p[len(p)-1]).Children) + 1)})
	case 4:
		keys := []string{"props.label.zh", "props.label", "bind", "visibleWhen", "props.columns", "props.readOnly", "rules", "props.hint.en"}
		vals := []any{"金额", nil, "x", json.Number("3"), true, map[string]any{"zh": "甲", "en": "A"},
			[]any{map[string]any{"required": true}}, "amount > 100"}
		k := keys[r.IntN(len(keys))]
		v := vals[r.IntN(len(vals))]
		return OpChange(dsl.Op{Op: "update", Path: pick(nodes), Set: map[string]any{k: v}})
	default:
		h := HeaderOf(f)
		h.Title.Zh += "改"
		h.Code = []string{"", "1402", "9"}[r.IntN(3)]
		return Change{Header: &h}
	}
}

func TestRandomEditsUndoAllGivesSameBytes(t *testing.T) {
	for _, name := range []string{"cash_withdrawal.form.json", "open_account.form.json", "transfer.form.json"} {
		for seed := range uint64(20) {
			t.Run(fmt.Sprintf("%s/%d", name, seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(seed, 7))
				d := New(load(t, name))
				start := d.Bytes()
				applied := 0
				var states [][]byte
				for range 60 {
					c := randomChange(r, d.Form())
					before := d.Bytes()
					if err := d.Edit(FromCanvas, "random", "", c); err != nil {
						if !bytes.Equal(before, d.Bytes()) {
							t.Fatalf("a failed edit changed the form: %v", err)
						}
						continue
					}
					applied++
					states = append(states, d.Bytes())
				}
				if applied < 20 {
					t.Fatalf("only %d of 60 random edits applied", applied)
				}
				end := d.Bytes()
				for i := len(states) - 1; i >= 0; i-- {
					if !bytes.Equal(d.Bytes(), states[i]) {
						t.Fatalf("undo step %d: bytes differ from the state after that edit", i)
					}
					if !d.Undo() {
						t.Fatal("ran out of undo")
					}
				}
				if d.Undo() {
					t.Fatal("undo past the start")
				}
				if !bytes.Equal(d.Bytes(), start) {
					t.Fatalf("undo all: bytes differ from the start\n%s", d.Bytes())
				}
				if d.Dirty() {
					t.Error("back at the opened state but dirty")
				}
				for d.Redo() {
				}
				if !bytes.Equal(d.Bytes(), end) {
					t.Fatal("redo all: bytes differ from the end")
				}
			})
		}
	}
}

func TestUndoRedoAgainstJSON(t *testing.T) {
	d := New(Blank("demo"))
	d.Select(FromTree, "root")
	if _, err := d.Insert(FromPalette, "group", []string{"root"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Insert(FromPalette, "amount", []string{"root", "group"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.Set(FromInspector, "amount", "props.label.zh", "取款金额"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		do       func() bool
		has, not []string
	}{
		{d.Undo, []string{`"label": {"zh": "金额"`}, []string{"取款金额"}},
		{d.Undo, []string{`"id": "group"`}, []string{`"amount"`}},
		{d.Undo, nil, []string{`"group"`, `"children"`}},
		{d.Redo, []string{`"id": "group"`}, []string{`"amount"`}},
		{d.Redo, []string{`"type": "amount"`, `"bind": "amount"`}, []string{"取款金额"}},
		{d.Redo, []string{`"zh": "取款金额"`}, nil},
	}
	for i, s := range steps {
		if !s.do() {
			t.Fatalf("step %d: nothing to do", i)
		}
		js := string(d.Bytes())
		for _, h := range s.has {
			if !strings.Contains(js, h) {
				t.Errorf("step %d: JSON lacks %s\n%s", i, h, js)
			}
		}
		for _, h := range s.not {
			if strings.Contains(js, h) {
				t.Errorf("step %d: JSON has %s\n%s", i, h, js)
			}
		}
	}
}

func TestTypingBurstIsOneStep(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	d := New(load(t, "cash_withdrawal.form.json"))
	d.Now = clock.now
	type key struct {
		node, key string
		gap       time.Duration
	}
	tests := []struct {
		name  string
		typed []key
		steps int
	}{
		{"one property typed fast", []key{{"amount", "props.label.zh", 0}, {"amount", "props.label.zh", 200 * time.Millisecond}, {"amount", "props.label.zh", 300 * time.Millisecond}}, 1},
		{"two properties", []key{{"amount", "props.label.zh", 0}, {"amount", "props.label.en", 100 * time.Millisecond}}, 2},
		{"a pause", []key{{"amount", "props.label.zh", 0}, {"amount", "props.label.zh", 3 * time.Second}}, 2},
		{"two nodes", []key{{"amount", "props.label.zh", 0}, {"account", "props.label.zh", 10 * time.Millisecond}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.Seal()
			before := len(d.History())
			start := d.Bytes()
			text := ""
			for _, k := range tt.typed {
				clock.t = clock.t.Add(tt.typed[0].gap + k.gap)
				text += "字"
				if err := d.Set(FromInspector, k.node, k.key, text); err != nil {
					t.Fatal(err)
				}
			}
			if got := len(d.History()) - before; got != tt.steps {
				t.Fatalf("%d undo steps, want %d", got, tt.steps)
			}
			for range tt.steps {
				d.Undo()
			}
			if !bytes.Equal(d.Bytes(), start) {
				t.Fatal("undoing the burst did not restore the form")
			}
		})
	}
}

func TestStructureMoves(t *testing.T) {
	build := func() *Document {
		d := New(Blank("m"))
		for _, ty := range []string{"text", "group", "amount"} {
			if _, err := d.Insert(FromKeys, ty, []string{"root"}, len(d.Form().Root.Children)); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	order := func(d *Document) string {
		var s []string
		d.Form().Walk(func(p []string, n *dsl.Node) bool { s = append(s, strings.Join(p, "/")); return true })
		return strings.Join(s, " ")
	}
	tests := []struct {
		name   string
		sel    string
		dirs   []Direction
		want   string
		failAt int // index of the move that must fail, -1 for none
	}{
		{"up", "amount", []Direction{Up}, "root root/text root/amount root/group", -1},
		{"down", "text", []Direction{Down}, "root root/group root/text root/amount", -1},
		{"into the group before", "amount", []Direction{Into}, "root root/text root/group root/group/amount", -1},
		{"into then out", "amount", []Direction{Into, Out}, "root root/text root/group root/amount", -1},
		{"first cannot go up", "text", []Direction{Up}, "root root/text root/group root/amount", 0},
		{"top cannot go out", "text", []Direction{Out}, "root root/text root/group root/amount", 0},
		{"no container before", "group", []Direction{Into}, "root root/text root/group root/amount", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := build()
			d.Select(FromTree, tt.sel)
			for i, dir := range tt.dirs {
				err := d.Move(FromKeys, dir)
				if (err != nil) != (i == tt.failAt) {
					t.Fatalf("move %d: err %v", i, err)
				}
			}
			if got := order(d); got != tt.want {
				t.Fatalf("got %s\nwant %s", got, tt.want)
			}
			if d.Selected() != tt.sel {
				t.Errorf("selection %q, want %q", d.Selected(), tt.sel)
			}
		})
	}
}

func TestMoveToCountsIndexBeforeTheMove(t *testing.T) {
	d := New(Blank("m"))
	for _, ty := range []string{"text", "amount", "check"} {
		d.Insert(FromKeys, ty, []string{"root"}, len(d.Form().Root.Children))
	}
	// Drop "text" on the marker between amount (1) and check (2).
	if err := d.MoveTo(FromCanvas, "text", []string{"root"}, 2); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range d.Form().Root.Children {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, ","); got != "amount,text,check" {
		t.Fatalf("order %s", got)
	}
}

func TestClipboardMakesIDsUnique(t *testing.T) {
	d := New(load(t, "cash_withdrawal.form.json"))
	d.Select(FromTree, "acct")
	if err := d.Copy(); err != nil {
		t.Fatal(err)
	}
	if err := d.Paste(FromKeys); err != nil {
		t.Fatal(err)
	}
	if err := d.Duplicate(FromKeys); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	d.Form().Walk(func(_ []string, n *dsl.Node) bool {
		if seen[n.ID] {
			t.Errorf("id %q twice", n.ID)
		}
		seen[n.ID] = true
		return true
	})
	for _, id := range []string{"acct_2", "account_2", "acct_3", "account_3"} {
		if !seen[id] {
			t.Errorf("no %s after paste and duplicate", id)
		}
	}
	if d.Selected() != "acct_3" {
		t.Errorf("selected %q after duplicate", d.Selected())
	}
	if err := d.Cut(FromKeys); err != nil {
		t.Fatal(err)
	}
	if d.Form().Find("acct_3") != nil {
		t.Error("cut left the node")
	}
	d.Select(FromTree, "root")
	if err := d.Paste(FromKeys); err != nil {
		t.Fatal(err)
	}
	if d.Form().Find("acct_3") == nil {
		t.Error("paste after cut did not bring acct_3 back under its id")
	}
}

func TestDeleteMovesSelectionAndRootIsKept(t *testing.T) {
	d := New(load(t, "cash_withdrawal.form.json"))
	d.Select(FromTree, "account")
	if err := d.Delete(FromKeys); err != nil {
		t.Fatal(err)
	}
	if d.Selected() != "acct_name" {
		t.Errorf("selection %q after delete, want the next sibling", d.Selected())
	}
	d.Select(FromTree, "root")
	if err := d.Delete(FromKeys); err != ErrRoot {
		t.Errorf("deleting the root: %v", err)
	}
}

func TestDiffTurnsEditsIntoOps(t *testing.T) {
	base := load(t, "open_account.form.json")
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 99))
		b := base.Clone()
		for range 12 {
			c := randomChange(r, b)
			apply(b, c) // failures leave b unchanged
		}
		changes, err := Diff(base, b)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			if c.Root != nil {
				t.Errorf("seed %d: replaced the whole tree instead of diffing", seed)
			}
		}
		work := base.Clone()
		if _, err := applyAll(work, changes); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !bytes.Equal(dsl.Encode(work), dsl.Encode(b)) {
			t.Fatalf("seed %d: diff applied does not give the target", seed)
		}
	}
}

func TestJSONEditThenUndo(t *testing.T) {
	d := New(load(t, "cash_withdrawal.form.json"))
	start := d.Bytes()
	text := strings.Replace(string(start), `"卡号/账号"`, `"银行卡号"`, 1)
	text = strings.Replace(text, `"id": "acct_name"`, `"id": "holder"`, 1)
	nf, err := dsl.Decode([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Replace(FromJSON, nf, "json"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Bytes(), dsl.Encode(nf)) {
		t.Fatal("document is not the edited JSON")
	}
	if d.Form().Find("holder") == nil || d.Form().Find("acct_name") != nil {
		t.Fatal("rename not in the tree")
	}
	if len(d.History()) != 1 {
		t.Fatalf("%d steps for one JSON edit", len(d.History()))
	}
	d.Undo()
	if !bytes.Equal(d.Bytes(), start) {
		t.Fatal("undo of a JSON edit did not restore the bytes")
	}
}

func TestPublishBumpsVersionFromSemanticDiff(t *testing.T) {
	dir := t.TempDir()
	d := New(load(t, "cash_withdrawal.form.json"))
	p, err := d.Publish(dir)
	if err != nil || !p.First || p.Version != "1.0.0" {
		t.Fatalf("first publish: %+v %v", p, err)
	}
	tests := []struct {
		name    string
		edit    func()
		version string
		diff    string
	}{
		{"label only", func() { d.Set(FromInspector, "amount", "props.hint.zh", "提示") }, "1.0.1", "layout changed"},
		{"field added", func() { d.Insert(FromPalette, "text", []string{"root"}, 0) }, "1.1.0", "field added: text"},
		{"rules changed", func() { d.Set(FromInspector, "text", "rules", []any{map[string]any{"required": true}}) }, "1.2.0", "rules changed: text"},
		{"field removed", func() { d.Select(FromTree, "text"); d.Delete(FromKeys) }, "2.0.0", "field removed: text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.edit()
			p, err := d.Publish(dir)
			if err != nil {
				t.Fatal(err)
			}
			if p.Version != tt.version || d.Form().Version != tt.version {
				t.Errorf("version %s (form %s), want %s", p.Version, d.Form().Version, tt.version)
			}
			if !strings.Contains(p.Diff.String(), tt.diff) {
				t.Errorf("diff %q lacks %q", p.Diff.String(), tt.diff)
			}
			raw, _ := os.ReadFile(p.File)
			if !bytes.Equal(raw, d.Bytes()) {
				t.Error("published file is not the canonical form")
			}
		})
	}
	d.Set(FromInspector, "amount", "visibleWhen", "nosuchfield > 1")
	if _, err := d.Publish(dir); err == nil {
		t.Error("published a form with problems")
	}
}

func TestCheckPrintsFileLineCol(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.form.json")
	bad := filepath.Join(dir, "bad.form.json")
	os.WriteFile(good, dsl.Encode(load(t, "transfer.form.json")), 0o644)
	src := strings.Replace(string(dsl.Encode(load(t, "transfer.form.json"))), `"type": "amount"`, `"type": "amont"`, 1)
	os.WriteFile(bad, []byte(src), 0o644)
	if got := Check(good, nil); got != nil {
		t.Errorf("good file: %v", got)
	}
	got := Check(bad, nil)
	if len(got) == 0 || !strings.HasPrefix(got[0], bad+":") {
		t.Fatalf("bad file: %v", got)
	}
	line := strings.Count(src[:strings.Index(src, `"amont"`)], "\n") + 1
	if !strings.HasPrefix(got[0], fmt.Sprintf("%s:%d:", bad, line)) || !strings.Contains(got[0], "amont") {
		t.Errorf("want line %d naming the type: %s", line, got[0])
	}
}

func TestProblemsNameTheirNode(t *testing.T) {
	d := New(load(t, "cash_withdrawal.form.json"))
	d.Set(FromInspector, "amount", "visibleWhen", "nosuch > 1")
	d.Set(FromInspector, "acct_name", "props.style", "loud")
	var nodes []string
	for _, p := range d.Problems() {
		nodes = append(nodes, p.Node)
	}
	sort.Strings(nodes)
	if strings.Join(nodes, ",") != "acct_name,amount" {
		t.Fatalf("problem nodes %v", nodes)
	}
	d.Undo()
	d.Undo()
	if p := d.Problems(); len(p) != 0 {
		t.Fatalf("problems after undoing both edits: %v", p[0].Msg)
	}
	d.Redo()
	if p := d.Problems(); len(p) != 1 {
		t.Fatalf("%d problems after redoing one edit", len(p))
	}
	if msg := ExprProblem(d.Form(), "amount", "visibleWhen", "amount > "); msg == "" {
		t.Error("a broken expression passed the live check")
	}
	if msg := ExprProblem(d.Form(), "amount", "visibleWhen", "amount > 100"); msg != "" {
		t.Errorf("a good expression failed: %s", msg)
	}
}

func TestDirtyFollowsSaveAndUndo(t *testing.T) {
	dir := t.TempDir()
	d := New(Blank("x"))
	d.Insert(FromPalette, "text", []string{"root"}, 0)
	if !d.Dirty() {
		t.Fatal("not dirty after an edit")
	}
	if err := d.Save(filepath.Join(dir, "x.form.json")); err != nil {
		t.Fatal(err)
	}
	if d.Dirty() {
		t.Fatal("dirty after save")
	}
	d.Undo()
	if !d.Dirty() {
		t.Fatal("not dirty after undoing past the save")
	}
	d.Redo()
	if d.Dirty() {
		t.Fatal("dirty after redoing back to the save")
	}
	o, err := Open(d.Path)
	if err != nil || !bytes.Equal(o.Bytes(), d.Bytes()) {
		t.Fatalf("reopened: %v", err)
	}
}

// bigDoc is a form of about n nodes in groups of 25.
func bigDoc(tb testing.TB, n int) *dsl.Form {
	f := Blank("big")
	count := 1
	for g := 0; count < n; g++ {
		grp := &dsl.Node{ID: fmt.Sprintf("g%d", g), Type: "group", Props: map[string]any{"title": map[string]any{"zh": "分组"}}}
		count++
		for i := 0; i < 24 && count < n; i++ {
			k := g*24 + i
			grp.Children = append(grp.Children, &dsl.Node{ID: fmt.Sprintf("f%d", k), Type: "text", Bind: fmt.Sprintf("f%d", k),
				Props: map[string]any{"label": map[string]any{"zh": fmt.Sprintf("字段%d", k)}}})
			count++
		}
		f.Root.Children = append(f.Root.Children, grp)
	}
	return f
}

func BenchmarkSet500(b *testing.B) {
	d := New(bigDoc(b, 500))
	for i := range b.N {
		d.Seal()
		if err := d.Set(FromInspector, "f100", "props.label.zh", fmt.Sprint(i)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReplace500(b *testing.B) {
	d := New(bigDoc(b, 500))
	forms := []*dsl.Form{d.Form().Clone(), d.Form().Clone()}
	forms[1].Find("f100").Props["label"] = map[string]any{"zh": "改"}
	b.ResetTimer()
	for i := range b.N {
		if err := d.Replace(FromJSON, forms[(i+1)%2], ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen1000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.form.json")
	os.WriteFile(path, dsl.Encode(bigDoc(b, 1000)), 0o644)
	b.ResetTimer()
	for range b.N {
		if _, err := Open(path); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCatalogBindings(t *testing.T) {
	cat, err := catalog.LoadCatalog(os.DirFS(filepath.Join("..", "assets", "txns")))
	if err != nil || len(cat) == 0 {
		t.Skipf("no catalog yet: %v", err)
	}
	d := New(load(t, "cash_withdrawal.form.json"))
	d.Catalog = cat
	if p := d.Problems(); len(p) != 0 {
		t.Fatalf("the shipped form has catalog problems: %v", p[0].Msg)
	}
	tests := []struct {
		name string
		edit func()
		want string
		node string
	}{
		{"param unbound", func() { d.Set(FromInspector, "amount", "bind", "amt") }, "required param amount", ""},
		{"wrong type", func() {
			d.Select(FromTree, "memo")
			d.Delete(FromKeys)
			n, _ := NewNode(d.Form(), "amount")
			n.Bind = "memo"
			d.InsertNode(FromPalette, "x", n, []string{"root"}, 0)
		}, "is money, param memo", "amount_2"},
		{"unknown txn", func() { d.SetHeader(FromInspector, "txn", func(h *Header) { h.Submit.Txn = "nosuch" }) }, "not in the catalog", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := d.Bytes()
			tt.edit()
			var hit *Problem
			for _, p := range d.Problems() {
				if strings.Contains(p.Msg, tt.want) {
					hit = &p
				}
			}
			if hit == nil {
				t.Fatalf("no problem %q in %v", tt.want, d.Problems())
			}
			if hit.Node != tt.node {
				t.Errorf("problem at node %q, want %q", hit.Node, tt.node)
			}
			for !bytes.Equal(d.Bytes(), start) && d.Undo() {
			}
		})
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "w.form.json")
	os.WriteFile(bad, []byte(strings.Replace(string(d.Bytes()), `"txn": "cash_withdrawal"`, `"txn": "balance_inquiry"`, 1)), 0o644)
	lines := Check(bad, cat)
	if len(lines) == 0 || !strings.Contains(lines[0], "[catalog]") || !strings.HasPrefix(lines[0], bad+":") {
		t.Fatalf("check with catalog: %v", lines)
	}
	// Each problem stands on its node's "id" line, or the submit's "txn".
	raw, _ := os.ReadFile(bad)
	text := strings.Split(string(raw), "\n")
	f, err := dsl.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	nodes := 0
	for _, l := range lines {
		var line, col int
		rest := strings.TrimPrefix(l, bad+":")
		if _, err := fmt.Sscanf(rest, "%d:%d:", &line, &col); err != nil || line < 1 || line > len(text) || col < 1 {
			t.Fatalf("no line:col in %q", l)
		}
		ptr := strings.Fields(rest)[1]
		want := `"txn"`
		if id := NodeAt(f, strings.TrimSuffix(ptr, ":")); strings.HasSuffix(ptr, "/bind:") {
			want = fmt.Sprintf(`"id": %q`, id)
			nodes++
		}
		if !strings.Contains(text[line-1], want) {
			t.Errorf("%s: line %d is %q, want it to hold %s", l, line, text[line-1], want)
		}
	}
	if nodes == 0 {
		t.Errorf("no node problem among %v", lines)
	}
}

func TestRenameKeepsPlaceAndChildren(t *testing.T) {
	d := New(load(t, "cash_withdrawal.form.json"))
	start := d.Bytes()
	d.Select(FromTree, "acct")
	if err := d.Rename(FromInspector, "acct", "account_box"); err != nil {
		t.Fatal(err)
	}
	if got := ids(d.Form().Root); !strings.HasPrefix(got, "account_box,withdrawal") {
		t.Fatalf("root %s", got)
	}
	if got := ids(d.Form().Find("account_box")); got != "account,acct_name,balance,daily_left" {
		t.Fatalf("children %s", got)
	}
	if d.Selected() != "account_box" {
		t.Errorf("selection %q", d.Selected())
	}
	if err := d.Rename(FromInspector, "account_box", "amount"); err == nil {
		t.Error("renamed onto a used id")
	}
	d.Undo()
	if !bytes.Equal(d.Bytes(), start) {
		t.Fatal("undo of a rename did not restore the bytes")
	}
}

func ids(n *dsl.Node) string {
	var s []string
	for _, c := range n.Children {
		s = append(s, c.ID)
	}
	return strings.Join(s, ",")
}

// TestDiffBetweenUnrelatedForms diffs every pair of shipped forms: the
// changes must give the target's bytes, and undo the source's.
func TestDiffBetweenUnrelatedForms(t *testing.T) {
	names, _ := filepath.Glob(filepath.Join("..", "assets", "forms", "*.form.json"))
	var forms []*dsl.Form
	for _, n := range names {
		forms = append(forms, load(t, filepath.Base(n)))
	}
	for i, a := range forms {
		for j, b := range forms {
			if i == j {
				continue
			}
			d := New(a.Clone())
			start := d.Bytes()
			if err := d.Replace(FromJSON, b, ""); err != nil {
				t.Fatalf("%s → %s: %v", a.ID, b.ID, err)
			}
			if !bytes.Equal(d.Bytes(), dsl.Encode(b)) {
				t.Fatalf("%s → %s: not the target", a.ID, b.ID)
			}
			d.Undo()
			if !bytes.Equal(d.Bytes(), start) {
				t.Fatalf("%s → %s: undo did not restore", a.ID, b.ID)
			}
		}
	}
}

func TestTouchedNamesTheRootChildren(t *testing.T) {
	op := func(o dsl.Op) Change { return OpChange(o) }
	cases := []struct {
		changes []Change
		want    string
		all     bool
	}{
		{[]Change{op(dsl.Op{Op: "update", Path: []string{"root", "g", "f"}})}, "g", false},
		{[]Change{op(dsl.Op{Op: "update", Path: []string{"root"}})}, "", false},
		{[]Change{op(dsl.Op{Op: "move", Path: []string{"root", "a", "x"}, ParentPath: []string{"root", "b"}})}, "a,b", false},
		{[]Change{op(dsl.Op{Op: "insert", ParentPath: []string{"root"}, Node: &dsl.Node{ID: "n"}})}, "n", false},
		{[]Change{op(dsl.Op{Op: "delete", Path: []string{"root", "a"}})}, "a", false},
		{[]Change{{Header: &Header{}}}, "", false},
		{[]Change{{Root: &dsl.Node{ID: "root"}}}, "", true},
	}
	for i, c := range cases {
		ids, all := Touched(c.changes)
		var got []string
		for id := range ids {
			got = append(got, id)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != c.want || all != c.all {
			t.Errorf("case %d: %v %v, want %s %v", i, got, all, c.want, c.all)
		}
	}
	// The document keeps what its last edit, undo and redo applied.
	d := New(load(t, "cash_withdrawal.form.json"))
	if err := d.Set(FromInspector, "memo", "props.label.zh", "附言"); err != nil {
		t.Fatal(err)
	}
	if l := d.LastChanges(); len(l) != 1 || l[0].Op == nil || l[0].Op.Op != "update" {
		t.Fatalf("after a set: %v", l)
	}
	d.Undo()
	if l := d.LastChanges(); len(l) != 1 || l[0].Op == nil || l[0].Op.Set["props.label.zh"] == "附言" {
		t.Fatalf("after undo: %+v", l[0].Op)
	}
}

// opsText spells changes out to compare two diffs.
func opsText(t *testing.T, changes []Change) string {
	var b strings.Builder
	for _, c := range changes {
		switch {
		case c.Op != nil:
			j, err := json.Marshal(*c.Op)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(j)
		case c.Header != nil:
			b.WriteString("header")
		default:
			b.WriteString("root")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestDiffOfSharedSubtrees diffs a form against one built by WithNode
// (one node's subtree edited, the rest shared): the changes must be those
// of the same target fully copied, give its bytes, and leave both forms
// alone.
func TestDiffOfSharedSubtrees(t *testing.T) {
	for _, base := range []*dsl.Form{load(t, "open_account.form.json"), bigDoc(t, 120)} {
		tried := 0
		for seed := range uint64(60) {
			r := rand.New(rand.NewPCG(seed, 5))
			var ids []string
			base.Walk(func(p []string, n *dsl.Node) bool {
				if len(p) > 1 {
					ids = append(ids, n.ID)
				}
				return true
			})
			id := ids[r.IntN(len(ids))]
			sub := &dsl.Form{Root: cloneNode(base.Find(id))}
			for range 1 + r.IntN(4) {
				if !IsContainer(sub.Root.Type) {
					apply(sub, OpChange(dsl.Op{Op: "update", Path: []string{id}, Set: map[string]any{"props.label.zh": fmt.Sprint("改", seed)}}))
				} else if c := randomChange(r, sub); c.Header == nil {
					apply(sub, c)
				}
			}
			b := WithNode(base, id, sub.Root)
			seen, dup := map[string]bool{}, false
			b.Walk(func(_ []string, n *dsl.Node) bool { dup = dup || seen[n.ID]; seen[n.ID] = true; return true })
			if dup {
				continue // the pane refuses a text that reuses an id
			}
			tried++
			before, target := dsl.Encode(base), dsl.Encode(b)
			shared, err := Diff(base, b)
			if err != nil {
				t.Fatal(err)
			}
			copied, err := Diff(base, b.Clone())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := opsText(t, shared), opsText(t, copied); got != want {
				t.Fatalf("seed %d (%s): shared diff\n%s\nfull diff\n%s", seed, id, got, want)
			}
			for _, c := range shared {
				if c.Root != nil {
					t.Fatalf("seed %d: replaced the whole tree", seed)
				}
			}
			work := base.Clone()
			if _, err := applyAll(work, shared); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(dsl.Encode(work), target) {
				t.Fatalf("seed %d: the changes do not give the target", seed)
			}
			if !bytes.Equal(dsl.Encode(base), before) || !bytes.Equal(dsl.Encode(b), target) {
				t.Fatalf("seed %d: Diff changed a form", seed)
			}
		}
		if tried < 30 {
			t.Fatalf("only %d edits tried", tried)
		}
	}
	if WithNode(load(t, "open_account.form.json"), "root", &dsl.Node{ID: "x"}) != nil {
		t.Error("WithNode replaced the root")
	}
}
