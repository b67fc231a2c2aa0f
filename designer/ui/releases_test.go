package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
	"guitai/internal/eventually"
	"guitai/ledger"
	"guitai/release"
)

// TestReleasesViewApprovesActivatesAndRollsBack: the 发布记录 Releases
// view lists the open form's packages; the submitter cannot approve their
// own package nor a teller any, a second person approves it, activating
// it for a branch changes what that branch opens and no other, rolling
// back returns it to the built-in version, and the history tells it all.
func TestReleasesViewApprovesActivatesAndRollsBack(t *testing.T) {
	ctx := context.Background()
	led, cat := demoLedger(t)
	rel := led.Releases
	doc := openForm(t, "cash_deposit.form.json")
	ed, w := newEditorCfg(t, doc, Config{Catalog: cat, Ledger: led})
	if err := doc.SetHeader(fromInspector, "title", func(h *designer.Header) { h.Title.Zh += "（新）" }); err != nil {
		t.Fatal(err)
	}
	ref := release.Ref{ID: "cash_deposit", Version: 2}

	// tap taps the button labelled label in the top overlay.
	tap := func(label string) {
		t.Helper()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatalf("no dialog to tap %q in", label)
		}
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok && b.Text == label && b.Visible() {
				if b.Disabled() {
					t.Fatalf("%q is disabled", label)
				}
				test.Tap(b)
				return
			}
		}
		t.Fatalf("no button %q in the top dialog", label)
	}
	// who fills the top dialog's user id and password (and the target
	// code, when not "") and confirms it with the button labelled confirm.
	who := func(code, user, password, confirm string) {
		t.Helper()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("nothing asks who")
		}
		var filled int
		for _, o := range test.LaidOutObjects(top) {
			e, ok := o.(*widget.Entry)
			if !ok {
				continue
			}
			switch {
			case e.PlaceHolder == "柜员号 User id":
				test.Type(e, user)
				filled++
			case e.Password:
				test.Type(e, password)
				filled++
			case code != "" && strings.Contains(e.PlaceHolder, "Branch code"):
				e.SetText("")
				test.Type(e, code)
				filled++
			}
		}
		if want := map[bool]int{true: 2, false: 3}[code == ""]; filled != want {
			t.Fatalf("filled %d entries of the dialog, want %d", filled, want)
		}
		tap(confirm)
	}
	// ok closes the message on top with its OK button.
	ok := func() {
		t.Helper()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no message to close")
		}
		click(w, find(t, top, "*ui.keyButton", "OK"))
		if w.Canvas().Overlays().Top() == top {
			t.Fatal("the message stayed open")
		}
	}
	// view is the text of the releases view (the dialog below any other).
	view := func() string {
		t.Helper()
		for _, o := range w.Canvas().Overlays().List() {
			var b strings.Builder
			for _, x := range test.LaidOutObjects(o) {
				switch x := x.(type) {
				case *widget.Label:
					b.WriteString(x.Text + "\n")
				case *canvas.Text:
					b.WriteString(x.Text + "\n")
				}
			}
			if s := b.String(); strings.Contains(s, "发布记录 Releases") {
				return s
			}
		}
		t.Fatal("the releases view is not open")
		return ""
	}
	info := func() ledger.ReleaseInfo {
		t.Helper()
		i, err := rel.Info(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	resolve := func(branch string) release.Resolved {
		t.Helper()
		r, err := rel.Resolve(ctx, "cash_deposit", branch, "T01")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// A supervisor submits the form through the editor.
	ed.Publish()
	who("", "010199", ledger.DemoPassword, "提交 Submit")
	eventually.True(t, 10*time.Second, func() bool { return strings.Contains(ed.lastMsg, "cash_deposit@2") }, "no submission shown: %s", ed.lastMsg)
	closeDialog(t, w)

	// The view opens from the toolbar and lists the submitted version.
	test.Tap(find(t, ed.Content(), "*widget.Button", "发布记录").(*widget.Button))
	if s := view(); !strings.Contains(s, "cash_deposit@2 · 已提交 submitted · 摘要 "+info().Digest[:12]+" · 提交 010199 · 审批 —") {
		t.Fatalf("the view does not list cash_deposit@2 submitted:\n%s", s)
	}
	var list *widget.List
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if l, ok := o.(*widget.List); ok {
			list = l
		}
	}
	if list == nil {
		t.Fatal("the view has no list of versions")
	}
	list.Select(0)

	// The submitter may not approve their own package, nor a teller any.
	for _, c := range []struct{ user, code string }{{"010199", "E_SELF_APPROVAL"}, {"010101", "E_RELEASE_ROLE"}} {
		tap("审批 Approve")
		who("", c.user, ledger.DemoPassword, "审批 Approve")
		eventually.True(t, 10*time.Second, func() bool { return strings.Contains(ed.lastMsg, c.code) }, "no %s shown: %s", c.code, ed.lastMsg)
		if !strings.Contains(ed.lastMsg, ledger.Messages[ledger.Code(c.code)].En) {
			t.Errorf("the refusal is not in English too: %s", ed.lastMsg)
		}
		ok()
		if i := info(); i.State != ledger.ReleaseSubmitted {
			t.Fatalf("%s's refused approval left %+v", c.user, i)
		}
	}

	// A second person approves it.
	tap("审批 Approve")
	who("", "000001", ledger.DemoPassword, "审批 Approve")
	if i := info(); i.State != ledger.ReleaseApproved || i.ApprovedBy != "000001" {
		t.Fatalf("approved as 000001: %+v", i)
	}
	if s := view(); !strings.Contains(s, "cash_deposit@2 · 已审批 approved") || !strings.Contains(s, "审批 000001") {
		t.Fatalf("the view was not refreshed after approval:\n%s", s)
	}

	// Activating it for branch 0101 changes what 0101 opens, not 0102.
	tap("启用 Activate")
	click(w, find(t, w.Canvas().Overlays().Top(), "*widget.Select", "All branches"))
	pickMenu(t, w, "网点 Branch")
	who("0101", "010199", ledger.DemoPassword, "启用 Activate")
	if r := resolve("0101"); r.Builtin || r.Package != ref {
		t.Fatalf("0101 opens %+v after activation, want cash_deposit@2", r)
	}
	if r := resolve("0102"); !r.Builtin {
		t.Fatalf("0102 opens %+v, want the built-in version", r)
	}
	if s := view(); !strings.Contains(s, "启用于 active branch:0101") {
		t.Fatalf("the view does not show the activation:\n%s", s)
	}

	// Rolling back 0101 (the selected version's target, offered) returns
	// it to the built-in version.
	tap("回退 Roll back")
	who("", "010199", ledger.DemoPassword, "回退 Roll back")
	if r := resolve("0101"); !r.Builtin {
		t.Fatalf("0101 opens %+v after the rollback, want the built-in version", r)
	}
	s := view()
	if !strings.Contains(s, "cash_deposit@2 → branch:0101 · 已回退 rolled_back · 启用 010199") || !strings.Contains(s, "结束 010199") {
		t.Fatalf("the history does not list the activation and its rollback:\n%s", s)
	}
	if !strings.Contains(s, "✓ 已回退 Rolled back cash_deposit for branch:0101, now cash_deposit@1") {
		t.Errorf("the view does not tell the rollback:\n%s", s)
	}
	hist, err := rel.History(ctx, "cash_deposit")
	if err != nil || len(hist) != 1 || hist[0].State != "rolled_back" {
		t.Fatalf("history %+v %v", hist, err)
	}
}
