package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"guitai/catalog"
	"guitai/designer"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/release"
)

// A draft transaction is what branch IT writes for a new module: the
// catalog transaction a form posts (typed params and SQL steps with named
// parameters) as <txn>.txn.json in Ledger.Drafts. The designer edits it
// beside the form (EditDraft, Ctrl+Shift+T), checks it the way a submit
// will — decoded strictly, its steps checked, the form's bindings against
// it, its SQL prepared against the ledger's live schema — saves it, and
// Publish submits it with the form in one package. No Go code, no
// rebuild.

// CheckDraft checks the draft transaction b that form f posts: it must
// decode and check as a catalog transaction of the id f names, f's
// bindings must fit it (release.FormProblems against base and the
// draft), and its SQL must prepare against the ledger's schema.
func (l *Ledger) CheckDraft(ctx context.Context, f *dsl.Form, base catalog.Catalog, b []byte) (*catalog.Txn, error) {
	if f.Submit == nil || f.Submit.Txn == "" {
		return nil, errors.New("the form names no transaction (submit.txn) to draft")
	}
	t, err := ledger.DecodeTxn(f.Submit.Txn+".txn.json", b)
	if err != nil {
		return nil, err
	}
	cat := catalog.Catalog{}
	maps.Copy(cat, base)
	cat[t.ID] = t
	if probs := release.FormProblems([]*dsl.Form{f}, cat); len(probs) > 0 {
		return nil, errors.Join(probs...)
	}
	if err := ledger.NewExecutor(l.Store, catalog.Catalog{t.ID: t}, nil).CheckSchema(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// draftSkeleton is a first draft of the transaction form f posts: its id,
// code and title, one param for each field the form posts, typed as the
// field is, and no steps yet.
func draftSkeleton(f *dsl.Form) []byte {
	type param struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Required bool   `json:"required,omitempty"`
	}
	params := []param{}
	for _, fld := range f.Fields() {
		if catalog.DisplayOnly(f, fld.Key) {
			continue
		}
		typ := paramTypeOf(fld.Type)
		if n := f.Find(fld.Node); n != nil && (n.Type == "account" || n.Type == "idcard") {
			typ = n.Type
		}
		params = append(params, param{Name: fld.Key, Type: typ})
	}
	b, _ := json.MarshalIndent(map[string]any{
		"id": f.Submit.Txn, "code": f.Code, "title": map[string]string{"zh": f.Title.Zh, "en": f.Title.En},
		"journal": true, "params": params, "steps": []any{},
	}, "", "  ")
	return append(b, '\n')
}

// paramTypeOf is the catalog param type of a field value type.
func paramTypeOf(v dsl.ValueType) string {
	for name, vt := range catalog.ParamTypes {
		if vt == v && name != "account" && name != "idcard" && name != "pii" && name != "pin" && name != "secret" {
			return name
		}
	}
	return "string"
}

// draftDialog is the open draft editor, for tests.
type draftDialog struct {
	path   string
	text   *widget.Entry
	result *widget.Label
	check  func() bool
	save   func() bool
	dialog dialog.Dialog
}

// EditDraft opens the draft transaction of the form in an editor with
// 检查 Check and 保存 Save: the file in Ledger.Drafts when there is one,
// else a skeleton from the form's fields. It needs a ledger (-db) and a
// form that names its transaction.
func (ed *Editor) EditDraft() {
	l, f := ed.cfg.Ledger, ed.doc.Form()
	if l == nil || l.Drafts == "" || f.Submit == nil || f.Submit.Txn == "" {
		ed.inform("交易草稿 Draft transaction", "✗ 需要 -db 账务库，且表单指定了交易 (submit.txn)\nNeeds a ledger (-db) and a form that names its transaction (submit.txn)")
		return
	}
	path := filepath.Join(l.Drafts, f.Submit.Txn+".txn.json")
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		text, err = draftSkeleton(f), nil
	}
	if err != nil {
		ed.refused("交易草稿 Draft transaction", err)
		return
	}
	d := &draftDialog{path: path, text: widget.NewMultiLineEntry(), result: widget.NewLabel("")}
	d.text.TextStyle.Monospace = true
	d.text.Wrapping = fyne.TextWrapOff
	d.text.SetText(string(text))
	d.result.Wrapping = fyne.TextWrapWord
	d.check = func() bool {
		_, err := l.CheckDraft(context.Background(), ed.doc.Form(), ed.cfg.Catalog, []byte(d.text.Text))
		if err != nil {
			d.result.SetText("✗ " + err.Error())
			return false
		}
		d.result.SetText("✓ 草稿通过检查，发布时随表单一并提交 The draft checks; Publish submits it with the form")
		return true
	}
	d.save = func() bool {
		t, err := l.CheckDraft(context.Background(), ed.doc.Form(), ed.cfg.Catalog, []byte(d.text.Text))
		if err != nil {
			d.result.SetText("✗ " + err.Error() + "\n未保存 Not saved")
			return false
		}
		if err := designer.WriteFile(path, []byte(d.text.Text)); err != nil {
			d.result.SetText("✗ " + err.Error())
			return false
		}
		cat := catalog.Catalog{}
		maps.Copy(cat, ed.doc.Catalog)
		cat[t.ID] = t
		ed.doc.Catalog = cat // the form's bindings are checked against it now
		d.result.SetText("✓ 已保存 Saved " + path)
		ed.status(fmt.Sprintf("交易草稿已保存 Draft saved: %s", path))
		return true
	}
	buttons := container.NewHBox(widget.NewButton("检查 Check", func() { d.check() }), widget.NewButton("保存 Save", func() { d.save() }))
	body := container.NewBorder(widget.NewLabel(path), container.NewVBox(d.result, buttons), nil, nil, d.text)
	d.dialog = dialog.NewCustom("交易草稿 Draft transaction "+f.Submit.Txn, "关闭 Close", body, ed.win)
	d.dialog.Resize(fyne.NewSize(900, 600))
	ed.draft = d
	d.dialog.Show()
}
