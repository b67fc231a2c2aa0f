package teller

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
	"guitai/widgets"
)

// The electronic journal reopens an entry as the form it was posted with:
// the exact version (Config.FormOf: the built-in form, or the release
// package's by its digest), read-only, filled in with what was posted
// and what the posting returned. An entry whose form version neither the
// ledger nor this program holds any more says so instead of showing
// another version.

// postedForm returns the form entry e was posted with, read-only: from
// Config.FormOf, else the window's own form when it is that version.
func (s *Shell) postedForm(e ledger.JournalEntry) (*dsl.Form, error) {
	var def *dsl.Form
	var err error
	if s.cfg.FormOf != nil {
		def, err = s.cfg.FormOf(e.FormID, e.FormVersion, e.PackageDigest)
	}
	if def == nil && e.PackageDigest == "" {
		if f := s.formByID(e.FormID); f != nil && f.Version == e.FormVersion {
			def, err = f, nil
		}
	}
	if def == nil {
		if err == nil {
			err = fmt.Errorf("form %s %s", e.FormID, e.FormVersion)
		}
		return nil, fmt.Errorf("%s: %w", s.t("该流水所用的表单版本已不可用", "the form version this entry was posted with is not available"), err)
	}
	return readOnlyForm(def), nil
}

// readOnlyForm is a copy of def that takes no input: every field read-only
// (or disabled where its type has no read-only look), no buttons, no
// lookups.
func readOnlyForm(def *dsl.Form) *dsl.Form {
	f := def.Clone()
	delete(f.Extra, dsl.LookupsKey)
	var strip func(n *dsl.Node)
	strip = func(n *dsl.Node) {
		kids := n.Children[:0]
		for _, c := range n.Children {
			if c.Type == "button" {
				continue
			}
			strip(c)
			kids = append(kids, c)
		}
		n.Children = kids
		if n.Bind == "" {
			return
		}
		if spec, ok := dsl.Types[n.Type]; ok && spec.Prop("readOnly") != nil {
			if n.Props == nil {
				n.Props = map[string]any{}
			}
			n.Props["readOnly"] = true
		} else {
			n.EnabledWhen = "false"
		}
	}
	strip(f.Root)
	return f
}

// postedValues are the values to show in def for entry e: what was
// posted (its params) and what the posting returned, each as the type
// the field binds.
func postedValues(def *dsl.Form, e ledger.JournalEntry) map[string]any {
	out := map[string]any{}
	if e.Result == nil {
		return out
	}
	for _, fld := range def.Fields() {
		v, ok := e.Result.Params[fld.Key]
		if !ok {
			v, ok = e.Result.Values[fld.Key]
		}
		if !ok || v == nil {
			continue
		}
		switch n := v.(type) {
		case int64:
			if fld.Type == dsl.ValueMoney {
				v = money.Fen(n)
			}
		case money.Fen:
		case float64:
			continue // never a value the ledger stores: not shown rather than rounded
		}
		out[fld.Key] = v
	}
	return out
}

// showPostedForm opens the selected entry's form, filled in, in a dialog.
func (s *Shell) showPostedForm() {
	j := s.rx.journal
	if j == nil || j.entry == nil {
		return
	}
	e := *j.entry
	def, err := s.postedForm(e)
	if err != nil {
		s.showError(err)
		return
	}
	scope := s.cfg.Bus.Scope("posted:" + e.Serial)
	tx := scope.Begin()
	for k, v := range postedValues(def, e) {
		tx.Set(k, v)
	}
	if err := tx.Commit(); err != nil {
		s.cfg.Bus.Drop(scope.Name())
		s.showError(err)
		return
	}
	live, err := widgets.Render(def, scope, widgets.Options{Lang: s.lang})
	if err != nil {
		s.cfg.Bus.Drop(scope.Name())
		s.showError(err)
		return
	}
	j.posted = live
	head := widget.NewLabel(fmt.Sprintf("%s %s    %s %s %s", s.t("流水号", "Serial"), e.Serial, s.t("表单", "Form"), e.FormID, e.FormVersion))
	if e.PackageRef != "" {
		head.SetText(head.Text + "    " + s.t("发布包", "Package") + " " + e.PackageRef)
	}
	head.TextStyle.Bold = true
	body := container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(live.Object()))
	title := s.t("原表单（只读）", "Form as posted (read-only)")
	d := dialog.NewCustom(title, s.t("关闭 Esc", "Close Esc"), body, s.win)
	d.Resize(fyne.NewSize(860, 560))
	m := s.push(title, d, func(bool) {
		live.Close()
		s.cfg.Bus.Drop(scope.Name())
		j.posted = nil
	})
	m.escapeIsYes, m.enterIgnored = true, true
}
