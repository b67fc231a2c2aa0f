package ui

import (
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"guitai/designer"
	"guitai/dsl"
)

// DefaultAutosaveDelay is how long after a change the draft is written
// when Config.AutosaveDelay is zero: what a crash or a kill can lose.
const DefaultAutosaveDelay = 3 * time.Second

// autosaveDelay is the delay of Config, or the default.
func (ed *Editor) autosaveDelay() time.Duration {
	if ed.cfg.AutosaveDelay > 0 {
		return ed.cfg.AutosaveDelay
	}
	return DefaultAutosaveDelay
}

// later runs fn on the UI goroutine after d: Config.After when set (the
// tests), else a timer.
func (ed *Editor) later(d time.Duration, fn func()) {
	if ed.cfg.After != nil {
		ed.cfg.After(d, fn)
		return
	}
	time.AfterFunc(d, func() { fyne.Do(fn) })
}

// scheduleAutosave writes the draft a few seconds from now, unless a write
// is due already: a burst of typing is saved while it goes on, never more
// than the delay behind.
func (ed *Editor) scheduleAutosave() {
	if ed.cfg.Recovery == nil || ed.autosaveDue {
		return
	}
	ed.autosaveDue = true
	ed.later(ed.autosaveDelay(), ed.Autosave)
}

// draftPath is the file the draft belongs to: the one being repaired, the
// document's, or "" for an untitled form.
func (ed *Editor) draftPath() string {
	if ed.repair != "" {
		return ed.repair
	}
	return ed.doc.Path
}

// draftText is what to keep: the whole-form text the JSON source holds
// while it does not read (it is not in the document), else the form.
func (ed *Editor) draftText() []byte {
	s := ed.source
	if s.scope == "" && s.entry.Visible() && len(s.err) > 0 {
		return []byte(s.entry.Text)
	}
	return ed.doc.Bytes()
}

// Autosave writes the draft of the form now when it has changes not saved
// (or text being repaired), and drops the draft when it has none. The
// timer scheduleAutosave starts calls it.
func (ed *Editor) Autosave() {
	ed.autosaveDue = false
	r := ed.cfg.Recovery
	if r == nil {
		return
	}
	path := ed.draftPath()
	if !ed.doc.Dirty() && ed.repair == "" && len(ed.source.err) == 0 {
		r.Remove(path)
		return
	}
	if err := r.Write(path, ed.draftText(), time.Now()); err != nil {
		ed.status("✗ 自动保存失败 autosave failed: " + err.Error())
	}
}

// AutosaveDue reports whether a draft write is scheduled, for tests.
func (ed *Editor) AutosaveDue() bool { return ed.autosaveDue }

// dropDraft removes the draft of the form shown: it was saved, or its
// changes discarded.
func (ed *Editor) dropDraft() {
	if r := ed.cfg.Recovery; r != nil {
		r.Remove(ed.draftPath())
	}
}

// OfferRecovery asks, when the form shown has a draft newer than its file
// (an untitled form: any draft), whether to restore it: Enter restores it
// (the file stays as it is until saved), Escape discards it.
func (ed *Editor) OfferRecovery() {
	r := ed.cfg.Recovery
	if r == nil {
		return
	}
	path := ed.draftPath()
	d, err := r.Pending(path)
	if err != nil || d == nil {
		return
	}
	name := "未命名 untitled"
	if path != "" {
		name = filepath.Base(path)
	}
	at := d.At.Local().Format("2006-01-02 15:04:05")
	ed.recovery = ed.ask("恢复草稿 Recover draft",
		fmt.Sprintf("%s 有一份 %s 自动保存的草稿，比文件新（上次可能未正常退出）。恢复它？\nA draft of %s autosaved at %s is newer than the file (the designer may have stopped without saving). Restore it?", name, at, name, at),
		"恢复 Restore", "丢弃 Discard",
		func() { ed.restore(path, d) },
		func() { r.Remove(path) })
}

// restore makes the draft the form being edited, as one undoable step
// (the file is written only by Save); a draft that does not read as a form
// opens as text for repair.
func (ed *Editor) restore(path string, d *designer.Draft) {
	f, _ := dsl.DecodeLenient([]byte(d.Text))
	if f == nil {
		ed.OpenText(path, []byte(d.Text))
		return
	}
	if err := ed.doc.Replace(fromRecovery, f, ""); err != nil {
		ed.report(err)
		return
	}
	ed.status("已恢复草稿 Draft restored (" + d.At.Local().Format("15:04:05") + ")，保存后写入文件 Save writes it to the file")
}

// question is a dialog asking yes or no.
type question struct {
	d       *dialog.CustomDialog
	yes, no *answerButton
}

// ask shows a question whose yes button has the keyboard: Enter or Space
// answers yes, Escape no.
func (ed *Editor) ask(title, msg, yes, no string, onYes, onNo func()) *question {
	ed.lastMsg = msg
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(title, text, ed.win)
	noBtn := &answerButton{}
	yesBtn := &answerButton{escape: noBtn}
	noBtn.escape = noBtn
	yesBtn.Text, yesBtn.Importance = yes, widget.HighImportance
	yesBtn.OnTapped = func() { d.Hide(); onYes() }
	noBtn.Text = no
	noBtn.OnTapped = func() { d.Hide(); onNo() }
	yesBtn.ExtendBaseWidget(yesBtn)
	noBtn.ExtendBaseWidget(noBtn)
	d.SetButtons([]fyne.CanvasObject{noBtn, yesBtn})
	d.Resize(fyne.NewSize(560, 200))
	d.Show()
	ed.win.Canvas().Focus(yesBtn)
	return &question{d: d, yes: yesBtn, no: noBtn}
}

// answerButton is a dialog's button that Enter and Space press, and
// Escape answers with the button escape.
type answerButton struct {
	widget.Button
	escape *answerButton
}

// TypedKey presses the button on Enter, Return or Space, and the escape
// button on Escape.
func (b *answerButton) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		b.Tapped(nil)
	case fyne.KeyEscape:
		b.escape.Tapped(nil)
	}
}
