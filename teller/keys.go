package teller

import (
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"guitai/widgets"
)

// Command is one of the window's function-key commands.
type Command struct {
	Key    fyne.KeyName
	Zh, En string
	run    func(s *Shell)
	// when reports whether the command applies now; nil means always.
	when func(s *Shell) bool
}

// baseCommands are the function keys of the teller window, the same wherever
// the focus is: in a form field, the code box, the navigator or nowhere.
func baseCommands() []Command {
	return []Command{
		{Key: fyne.KeyF1, Zh: "按键帮助", En: "Keys", run: (*Shell).showKeys},
		{Key: fyne.KeyF2, Zh: "交易码", En: "Transaction code", run: func(s *Shell) { s.layout.focusCode() }},
		{Key: fyne.KeyF3, Zh: "搜索交易", En: "Search", run: func(s *Shell) { s.layout.focusSearch() }},
		{Key: fyne.KeyF4, Zh: "电子流水", En: "Electronic journal", run: (*Shell).ShowJournal,
			when: func(s *Shell) bool { return s.cfg.Journal != nil }},
		{Key: fyne.KeyF5, Zh: "凭条补打", En: "Reprint queue", run: (*Shell).ShowReprintQueue,
			when: func(s *Shell) bool { return s.cfg.Journal != nil }},
		{Key: fyne.KeyF6, Zh: "清空表单", En: "Clear the form", run: func(s *Shell) { s.form.clear(s.form.current); s.form.focusFirst(s.form.current) },
			when: func(s *Shell) bool { return s.form.current != nil }},
		{Key: fyne.KeyF9, Zh: "锁屏", En: "Lock the screen", run: (*Shell).Lock,
			when: func(s *Shell) bool { return s.cfg.Unlock != nil }},
		{Key: fyne.KeyF10, Zh: "提交", En: "Submit", run: (*Shell).submit, when: func(s *Shell) bool { return s.form.current != nil }},
		{Key: fyne.KeyF12, Zh: "签退", En: "Sign off", run: (*Shell).signOff, when: func(s *Shell) bool { return s.cfg.SignOff != nil }},
	}
}

// Commands lists the function keys the window binds, in key order.
func (s *Shell) Commands() []Command { return s.commandsNow() }

// functionKey runs the command bound to k, and reports whether one was.
func (s *Shell) functionKey(k *fyne.KeyEvent) bool {
	if !widgets.IsFunctionKey(k.Name) {
		return false
	}
	s.touch()
	for _, c := range s.commandsNow() {
		if c.Key == k.Name {
			if c.when == nil || c.when(s) {
				c.run(s)
			}
			return true
		}
	}
	return false
}

// commandsNow is commands plus those configured ones whose hooks are set.
func (s *Shell) commandsNow() []Command {
	out := append(baseCommands(), s.extra...)
	sort.SliceStable(out, func(i, j int) bool { return keyOrder(out[i].Key) < keyOrder(out[j].Key) })
	return out
}

// showKeys lists the keys: the function keys, Enter, Esc and Tab, and the
// demo card's keys with a simulated card reader, as a grid of key and
// action (Chinese does not line up in a monospaced text).
func (s *Shell) showKeys() {
	title := s.t("功能键", "Function keys")
	s.closable(title, dialog.NewCustom(title, s.t("关闭 Esc", "Close Esc"), s.keysGrid(), s.win), true)
}

// keyRows are the rows of the key help: key and action.
func (s *Shell) keyRows() [][2]string {
	var rows [][2]string
	for _, c := range s.commandsNow() {
		rows = append(rows, [2]string{string(c.Key), s.t(c.Zh, c.En)})
	}
	rows = append(rows,
		[2]string{"Enter", s.t("下一项 / 打开 / 确认", "next field / open / confirm")},
		[2]string{"Esc", s.t("取消 / 关闭表单（有已输入内容时先询问）", "cancel / close the form (asks when something was typed)")},
		[2]string{"Tab", s.t("下一项", "next field")},
		[2]string{"Ctrl+Enter", s.t("多行文本框内换行", "new line in a multi-line box")})
	if IsDemoCardReader(s.cfg.CardReader) {
		rows = append(rows,
			[2]string{"Ctrl+Shift+I", s.t("插入演示卡", "insert the demo card")},
			[2]string{"Ctrl+Shift+R", s.t("拔出演示卡", "remove the demo card")})
	}
	return rows
}

// keysGrid lays the key rows out in two columns, the keys in bold.
func (s *Shell) keysGrid() fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for _, r := range s.keyRows() {
		objs = append(objs, widget.NewLabelWithStyle(r[0], fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabel(r[1]))
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// shellEntry is an Entry of the window's own (the code box, the search
// box) that gives function keys to the window.
type shellEntry struct {
	widget.Entry
	s keySink
}

// newShellEntry is an entry that gives function keys and activity to s.
func newShellEntry(s keySink) *shellEntry {
	e := &shellEntry{s: s}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives function keys to the window and the rest to the Entry.
func (e *shellEntry) TypedKey(k *fyne.KeyEvent) {
	if !e.s.functionKey(k) {
		e.s.touch()
		e.Entry.TypedKey(k)
	}
}

// TypedRune counts as activity for the idle lock.
func (e *shellEntry) TypedRune(r rune) {
	e.s.touch()
	e.Entry.TypedRune(r)
}

// keyOrder sorts F1 before F10.
func keyOrder(k fyne.KeyName) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(string(k), "F"))
	return n
}

// TakesFunctionKeys reports that the entry gives F1-F12 to the window.
func (e *shellEntry) TakesFunctionKeys() bool { return true }

// TakesFunctionKeys reports that the menu gives F1-F12 to the window.
func (t *navTree) TakesFunctionKeys() bool { return true }

// keyDown is the window's key-down hook: a function key pressed while a
// widget that would drop it has the focus (a radio option, a button, a
// list) still reaches the window's commands, or the dialog on top. Keys
// typed in the window's own inputs go their usual way (FunctionKeyed).
func (s *Shell) keyDown(k *fyne.KeyEvent) {
	if !widgets.IsFunctionKey(k.Name) {
		return
	}
	f := s.win.Canvas().Focused()
	if f == nil {
		return // the canvas's typed-key hook has it
	}
	if fk, ok := f.(widgets.FunctionKeyed); ok && fk.TakesFunctionKeys() {
		return
	}
	if s.modalKey(k) {
		return
	}
	s.functionKey(k)
}

// ShownText names the entry by its placeholder in the layout check's
// reports.
func (e *shellEntry) ShownText() string { return e.PlaceHolder }
