package teller

import (
	"fmt"
	"image"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/state"
	"guitai/widgets"
)

// formHost is the pane that holds the open form: it renders the form
// chosen into its own StateBus scope, watches it (activity, lookups, the ID
// number), fills it from the lookups' answers, the ID number and the card,
// lays out its buttons, clears it and closes it.
//
// It holds nothing of the session's: what it needs from the session
// (the function keys, the form's buttons, the status line) it asks
// through formHooks, and the session shows what it returns.
type formHost struct {
	win    fyne.Window
	hooks  formHooks
	bus    *state.Bus
	seal   func(specimen string) (cheque, seal image.Image, err error)
	lookup func(txn string, values map[string]any) (*ledger.Result, error)
	byCode map[string]*dsl.Form // the forms by code, for the rows' names
	lang   string

	current  *widgets.Form
	opened   int            // forms opened, for their scopes' names
	stopForm func()         // unsubscribes the open form's activity and lookup watches
	onOpen   []*lookupWatch // the open form's lookups run when it opens
	// lookingUp counts the lookups under way (dsl.Lookup).
	lookingUp atomic.Int32
}

// formHooks are how the form host reaches the session around it.
type formHooks struct {
	key      func(k *fyne.KeyEvent) bool    // a key the form passes on: the function keys
	submit   func()                         // Submit (or Search) pressed
	cancel   func()                         // Close pressed
	readCard func()                         // Read card pressed
	pinPad   func() func(widgets.PINTarget) // the PIN pad's reader for the form's PIN fields, or nil
	changed  func()                         // a value of the open form changed
	cleared  func()                         // the open form was emptied
	touch    func()                         // the teller did something
	trace    func(event string)             // Config.Trace
	refused  func(err error)                // a lookup refused, with no field to show it at
}

// newFormHost makes the host of the forms cfg lists, byCode, for win.
func newFormHost(win fyne.Window, cfg Config, lang string, byCode map[string]*dsl.Form, hooks formHooks) *formHost {
	return &formHost{win: win, hooks: hooks, bus: cfg.Bus, seal: cfg.Seal, lookup: cfg.Lookup, byCode: byCode, lang: lang}
}

// t is zh or en, in the host's language.
func (h *formHost) t(zh, en string) string {
	if h.lang == "en" {
		return en
	}
	return zh
}

// currentDef is the open form's definition, or nil.
func (h *formHost) currentDef() *dsl.Form {
	if h.current == nil {
		return nil
	}
	return h.current.Def
}

// open renders def in place of the open form and starts watching it; the
// session shows body of what it returns.
func (h *formHost) open(def *dsl.Form) (*widgets.Form, error) {
	if h.current != nil {
		h.current.Close()
		h.bus.Drop(h.current.Scope.Name())
	}
	h.opened++
	scope := h.bus.Scope(fmt.Sprintf("form:%s#%d", def.ID, h.opened))
	live, err := h.render(def, scope)
	if err != nil {
		return nil, err
	}
	h.current = live
	h.watch(live)
	return live, nil
}

// render builds the live form of def in scope, its buttons' actions going
// to the session (clear excepted: the host clears).
func (h *formHost) render(def *dsl.Form, scope *state.Scope) (*widgets.Form, error) {
	var live *widgets.Form
	live, err := widgets.Render(def, scope, widgets.Options{
		Lang:     h.lang,
		Seal:     h.seal,
		OnKey:    h.hooks.key,
		OnChange: h.hooks.changed,
		PinPad:   h.pinPad(),
		OnAction: func(action string) {
			switch action {
			case "submit", "query":
				h.hooks.submit()
			case "cancel":
				h.hooks.cancel()
			case "clear":
				h.clear(live)
			case "readCard":
				h.hooks.readCard()
			}
		},
	})
	return live, err
}

// pinPad is the PIN pad's reader for a form about to render, or nil.
func (h *formHost) pinPad() func(widgets.PINTarget) {
	if h.hooks.pinPad == nil {
		return nil
	}
	return h.hooks.pinPad()
}

// watch watches the open form f in place of the last one: each change is
// activity (and traced), and its lookups and ID number fill it.
func (h *formHost) watch(f *widgets.Form) {
	if h.stopForm != nil {
		h.stopForm()
	}
	stopTouch := f.Scope.Subscribe(nil, func(c state.Change) {
		h.hooks.touch()
		for _, k := range c.Keys {
			h.hooks.trace("set " + k)
		}
	})
	stopLookups := h.watchLookups(f)
	stopID := h.watchID(f)
	h.stopForm = func() { stopTouch(); stopLookups(); stopID() }
}

// body is what the host shows of f: the form, scrolling both ways, over
// its bar of buttons.
func (h *formHost) body(f *widgets.Form) fyne.CanvasObject {
	submitText := h.t("提交 F10", "Submit F10")
	if isQuery(f.Def) {
		submitText = h.t("查询 F10", "Search F10")
	}
	submit := widget.NewButtonWithIcon(submitText, theme.ConfirmIcon(), h.hooks.submit)
	submit.Importance = widget.HighImportance
	clearBtn := widget.NewButtonWithIcon(h.t("清空 F6", "Clear F6"), theme.ContentClearIcon(), func() { h.clear(f) })
	cancel := widget.NewButtonWithIcon(h.t("关闭 Esc", "Close Esc"), theme.CancelIcon(), h.hooks.cancel)
	bar := container.NewHBox(layout.NewSpacer(), cancel, clearBtn, submit)
	// The form scrolls both ways: one wider than the host (long English
	// options, a larger text scale) must not push the navigator aside.
	scroll := container.NewScroll(container.NewPadded(f.Object()))
	return container.NewBorder(nil, bar, nil, nil, scroll)
}

// focusFirst puts the keyboard focus in the form's first input. It goes
// through the window's canvas, which knows the form as soon as it is in
// the content: Form.FocusFirst finds the canvas only once the form has
// been drawn, and does nothing for a form opened before the window shows
// (-open) or just put in the host.
func (h *formHost) focusFirst(f *widgets.Form) {
	if t := f.FirstFocusable(); t != nil {
		h.win.Canvas().Focus(t)
	}
}

// close stops watching the open form, closes it and drops its scope.
func (h *formHost) close() {
	if h.stopForm != nil {
		h.stopForm()
		h.stopForm = nil
	}
	if h.current != nil {
		h.current.Close()
		h.bus.Drop(h.current.Scope.Name())
		h.current = nil
	}
}

// clear empties the form and runs again the lookups it ran when it
// opened: after a posting the day-end figures and the cash box balance
// are new.
func (h *formHost) clear(f *widgets.Form) {
	f.Clear()
	if f != h.current {
		return
	}
	h.hooks.cleared()
	for _, w := range h.onOpen {
		h.runLookup(f, w, "")
	}
}

// fillCard writes the PAN of a card read into the open form's account
// field.
func (h *formHost) fillCard(pan string) {
	if h.current != nil {
		FillFromCard(h.current, h.win.Canvas(), pan)
	}
}
