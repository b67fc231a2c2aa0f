package teller

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/devices"
	"guitai/devices/escpos"
	"guitai/money"
	"guitai/widgets"
)

// The screens Shell.Shoot and the sign-on shoot besides the forms, as
// Shot.Screen names them.
const (
	ScreenForm      = "form"      // a business form (Shot.Form says which)
	ScreenSignOn    = "signon"    // the sign-on screen
	ScreenWelcome   = "welcome"   // the window with no form open: the navigator
	ScreenHelp      = "help"      // the F1 key help
	ScreenConfirm   = "confirm"   // the confirm summary of a filled deposit
	ScreenAuthorize = "authorize" // the supervisor authorization dialog
	ScreenJournal   = "journal"   // the electronic journal (F4) with rows
	ScreenReprint   = "reprint"   // the receipt reprint queue (F5)
	ScreenLock      = "lock"      // the lock screen
	ScreenDisplay   = "display"   // the customer display, showing the deposit
)

// ShellScreens are the screens Shell.Shoot takes in each language, in
// order, besides the forms; ScreenDisplay only with a customer display.
var ShellScreens = []string{ScreenWelcome, ScreenHelp, ScreenConfirm, ScreenAuthorize,
	ScreenJournal, ScreenReprint, ScreenLock, ScreenDisplay}

// Shot is one screenshot and what was checked on it.
type Shot struct {
	Screen    string   `json:"screen"`         // one of the Screen constants
	Form      string   `json:"form,omitempty"` // the form shown (ScreenForm, ScreenConfirm)
	Lang      string   `json:"lang"`
	File      string   `json:"file"`
	Width     int      `json:"width"`
	Height    int      `json:"height"`
	MinWidth  float32  `json:"minWidth"`  // the window content's minimum width
	Clipped   bool     `json:"clipped"`   // the content needs more room than the window has
	Truncated []string `json:"truncated"` // form captions cut to fit their column
	// Problems are what the layout check found on the window and its
	// dialogs: an object given less room than it needs, one reaching out
	// of its container or the window, two that overlap, text cut short.
	Problems []string `json:"problems"`
}

// Shooter takes screenshots of real windows on the X display (xvfb-run)
// into a directory and keeps their manifest.
type Shooter struct {
	dir   string
	shots []Shot
	// Display, when set, is hidden while other windows are shot: it
	// floats over the teller's window when there is one monitor.
	Display *CustomerDisplay
	// Settle is how long a screen is given to draw before it is shot.
	Settle time.Duration
}

// NewShooter returns a Shooter writing into dir, which it creates.
func NewShooter(dir string) (*Shooter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Shooter{dir: dir, Settle: 400 * time.Millisecond}, nil
}

// Shots returns the shots taken so far.
func (sh *Shooter) Shots() []Shot { return sh.shots }

// WriteManifest writes manifest.json: every shot, as Shot encodes it.
func (sh *Shooter) WriteManifest() error {
	b, err := json.MarshalIndent(sh.shots, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(sh.dir, "manifest.json"), b, 0o644)
}

// Window waits for win to settle, checks its layout (CheckLayout) and
// captures the screen to <form>.<lang>.png for a form and
// screen-<screen>.<lang>.png otherwise; extra, when set, adds to the shot
// on the UI goroutine. Call it off the UI goroutine.
func (sh *Shooter) Window(win fyne.Window, screen, form, lang string, extra func(*Shot)) error {
	if sh.Display != nil && win != sh.Display.win {
		fyne.DoAndWait(sh.Display.win.Hide)
	}
	time.Sleep(sh.Settle)
	shot := Shot{Screen: screen, Form: form, Lang: lang, File: fmt.Sprintf("screen-%s.%s.png", screen, lang)}
	if screen == ScreenForm {
		shot.File = fmt.Sprintf("%s.%s.png", form, lang)
	}
	var crop image.Rectangle
	var pixels fyne.Size // the canvas on the screen
	fyne.DoAndWait(func() {
		c := win.Canvas()
		pixels = fyne.NewSize(c.Size().Width*c.Scale(), c.Size().Height*c.Scale())
		min := win.Content().MinSize()
		shot.MinWidth = min.Width
		shot.Clipped = min.Width > c.Size().Width+0.5 || min.Height > c.Size().Height+0.5
		shot.Problems = CheckLayout(c)
		if extra != nil {
			extra(&shot)
		}
		if sh.Display != nil && win == sh.Display.win {
			crop, _ = screenRect(win)
		}
	})
	path := filepath.Join(sh.dir, shot.File)
	w, h, err := captureScreen(path, crop)
	if err != nil {
		return err
	}
	shot.Width, shot.Height = w, h
	if crop.Empty() && (pixels.Width > float32(w)+0.5 || pixels.Height > float32(h)+0.5) {
		// The window grew to its content's minimum, past the screen.
		shot.Clipped = true
		shot.Problems = append(shot.Problems, fmt.Sprintf("window: %.0f×%.0f px, larger than the %d×%d screen",
			pixels.Width, pixels.Height, w, h))
	}
	sh.shots = append(sh.shots, shot)
	return nil
}

// captureScreen writes the X server's picture of the screen to path,
// cropped to crop unless it is empty, and returns its size. The X server's
// picture is what a person sees; GL read-back under software rendering
// gives a black frame.
func captureScreen(path string, crop image.Rectangle) (w, h int, err error) {
	if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("import -window root %s: %v: %s", path, err, out)
	}
	img, err := readPNG(path)
	if err != nil {
		return 0, 0, err
	}
	if crop = crop.Intersect(img.Bounds()); !crop.Empty() {
		out := image.NewRGBA(image.Rect(0, 0, crop.Dx(), crop.Dy()))
		draw.Draw(out, out.Bounds(), img, crop.Min, draw.Src)
		f, err := os.Create(path)
		if err != nil {
			return 0, 0, err
		}
		if err := png.Encode(f, out); err != nil {
			f.Close()
			return 0, 0, err
		}
		if err := f.Close(); err != nil {
			return 0, 0, err
		}
		img = out
	}
	return img.Bounds().Dx(), img.Bounds().Dy(), nil
}

// ShotDemo is what Shell.Shoot types into the deposit it confirms and
// authorizes (and posts, so that the journal has rows).
type ShotDemo struct {
	Account              string // an active account of the ledger
	Supervisor, Password string // who authorizes it
}

// Screenshots shoots the window (see Shoot) into dir and writes its
// manifest, on its own goroutine, and calls done at the end.
func (s *Shell) Screenshots(dir string, langs []string, demo ShotDemo, done func(error)) {
	go func() {
		sh, err := NewShooter(dir)
		if err == nil {
			sh.Display = s.cfg.Display
			if err = s.Shoot(sh, langs, demo); err == nil {
				err = sh.WriteManifest()
			}
		}
		done(err)
	}()
}

// Shoot shoots, in each language, the welcome screen with the navigator,
// the F1 key help, every form, the confirm summary of a filled cash
// deposit over the authorization limit, the supervisor authorization
// dialog, the electronic journal with the deposit posted, the reprint
// queue, the lock screen, and the customer display showing the deposit
// when there is one. It posts the deposit (authorized by demo.Supervisor):
// shoot a throwaway ledger. Call it off the UI goroutine.
func (s *Shell) Shoot(sh *Shooter, langs []string, demo ShotDemo) error {
	ui := fyne.DoAndWait
	clear := func() {
		ui(func() {
			for top := s.win.Canvas().Overlays().Top(); top != nil; top = s.win.Canvas().Overlays().Top() {
				s.win.Canvas().Overlays().Remove(top)
			}
		})
	}
	shoot := func(screen, form, lang string) error {
		return sh.Window(s.win, screen, form, lang, nil)
	}
	for _, lang := range langs {
		ui(func() {
			s.setLang(lang)
			if s.current != nil {
				s.close()
			}
			s.showWelcome()
			s.nav.OpenAllBranches()
		})
		if err := shoot(ScreenWelcome, "", lang); err != nil {
			return err
		}
		ui(s.showKeys)
		if err := shoot(ScreenHelp, "", lang); err != nil {
			return err
		}
		clear()
		for _, f := range s.forms {
			ui(func() { s.open(f) })
			err := sh.Window(s.win, ScreenForm, f.ID, lang, func(shot *Shot) {
				shot.Truncated = s.current.Truncated()
			})
			if err != nil {
				return err
			}
		}
		if s.cfg.Journal == nil || s.cfg.Submit == nil {
			continue // no ledger: nothing to post, no journal
		}
		// The second language's deposit prints on a printer out of
		// paper: the posting stands and its receipt waits in the reprint
		// queue, so the queue's shot has a row to show.
		rec := s.receiptService()
		printer := rec.Printer
		if lang != langs[0] && printer != nil {
			rec.Printer = paperOut{}
		}
		err := s.shootDeposit(sh, lang, demo)
		if err == nil && rec.Printer != printer {
			err = waitFor(func() bool {
				q, qerr := s.cfg.Journal.ReceiptQueue(context.Background(), s.cfg.Teller)
				return qerr == nil && len(q) > 0
			})
		}
		rec.Printer = printer
		if err != nil {
			return err
		}
		clear()
		ui(s.ShowJournal)
		if err := waitFor(func() bool { return s.rx.journal != nil && len(s.rx.journal.entries) > 0 }); err != nil {
			return fmt.Errorf("journal %s: no rows: %w", lang, err)
		}
		ui(func() { s.rx.journal.table.Select(widget.TableCellID{Row: 0, Col: 0}) })
		err = sh.Window(s.win, ScreenJournal, "", lang, func(shot *Shot) {
			shot.Problems = append(shot.Problems, s.journalCuts()...)
		})
		if err != nil {
			return err
		}
		ui(s.ShowReprintQueue)
		if err := shoot(ScreenReprint, "", lang); err != nil {
			return err
		}
		clear()
		if s.cfg.Unlock == nil {
			continue // no locking
		}
		ui(func() {
			s.close()
			s.Lock()
		})
		if err := shoot(ScreenLock, "", lang); err != nil {
			return err
		}
		ui(func() {
			if l := s.lock; l != nil {
				// Put the session back as unlocking does, without the
				// password check's slow hash.
				s.lock = nil
				s.win.SetContent(l.content)
			}
		})
	}
	if sh.Display != nil {
		fyne.DoAndWait(sh.Display.win.Show)
	}
	return nil
}

// shootDeposit fills a cash deposit over the authorization limit, shoots
// its confirm summary (and the customer display showing it), confirms,
// shoots the supervisor's dialog, authorizes and waits for the posting.
func (s *Shell) shootDeposit(sh *Shooter, lang string, demo ShotDemo) error {
	var err error
	fyne.DoAndWait(func() {
		if err = s.Open("cash_deposit"); err != nil {
			return
		}
		for k, v := range map[string]any{"account": demo.Account, "amount": money.MustParse("60000"),
			"memo": s.t("货款", "Sales takings"), "depositor_name": "张三",
			"depositor_id": "11010519491231002X", "fund_source": "business"} {
			if err = s.current.Scope.Set(k, v); err != nil {
				return
			}
		}
	})
	if err != nil {
		return fmt.Errorf("deposit: %w", err)
	}
	time.Sleep(sh.Settle) // the account lookup fills the holder's name
	fyne.DoAndWait(s.submit)
	if err := waitFor(func() bool { return s.win.Canvas().Overlays().Top() != nil }); err != nil {
		return fmt.Errorf("deposit %s: no confirm dialog (status %q): %w", lang, s.status.Text, err)
	}
	if err := sh.Window(s.win, ScreenConfirm, "cash_deposit", lang, nil); err != nil {
		return err
	}
	if d := sh.Display; d != nil {
		fyne.DoAndWait(func() {
			f := s.current
			account, amount := DisplayValues(f.Def, f.Values())
			d.Show(f.Def.Title, account, amount, lang)
			d.win.Show()
		})
		if err := sh.Window(d.win, ScreenDisplay, "cash_deposit", lang, nil); err != nil {
			return err
		}
		fyne.DoAndWait(func() {
			d.Idle()
			d.win.Hide()
		})
	}
	if !tapTop(s.win.Canvas()) {
		return fmt.Errorf("deposit %s: no button to confirm", lang)
	}
	if err := waitFor(func() bool { return findForm(s.win.Canvas().Overlays().Top()) != nil }); err != nil {
		return fmt.Errorf("deposit %s: no supervisor dialog: %w", lang, err)
	}
	if err := sh.Window(s.win, ScreenAuthorize, "cash_deposit", lang, nil); err != nil {
		return err
	}
	fyne.DoAndWait(func() {
		f := findForm(s.win.Canvas().Overlays().Top())
		f.Items[0].Widget.(*dialogEntry).SetText(demo.Supervisor)
		f.Items[1].Widget.(*dialogEntry).SetText(demo.Password)
	})
	var posts int
	fyne.DoAndWait(func() { posts = s.posts })
	if !tapTop(s.win.Canvas()) {
		return fmt.Errorf("deposit %s: no button to authorize", lang)
	}
	var status string
	var posted bool
	err = waitFor(func() bool {
		status, posted = s.status.Text, s.posts > posts
		return !s.posting.Load()
	})
	if err != nil || !posted {
		return fmt.Errorf("deposit %s not posted (status %q): %v", lang, status, err)
	}
	return nil
}

// paperOut is a receipt printer out of paper.
type paperOut struct{}

func (paperOut) Print(context.Context, escpos.Job) error {
	return devices.Errorf(devices.HWError, "paper out")
}

// journalCuts lists the journal's cells and captions cut short by their
// column's width.
func (s *Shell) journalCuts() []string {
	j := s.rx.journal
	if j == nil {
		return nil
	}
	var out []string
	cell := j.table.CreateCell()
	for col, c := range journalColumns {
		fits := func(text string, bold bool) bool {
			th := fyne.CurrentApp().Settings().Theme()
			w := fyne.MeasureText(text, th.Size(theme.SizeNameText), fyne.TextStyle{Bold: bold}).Width
			return w+2*th.Size(theme.SizeNameInnerPadding) <= c.width+0.5
		}
		if h := s.t(c.zh, c.en); !fits(h, true) {
			out = append(out, fmt.Sprintf("journal: caption %q cut to its column (%.0f px)", h, c.width))
		}
		for row := range j.entries {
			j.table.UpdateCell(widget.TableCellID{Row: row, Col: col}, cell)
			if text := cell.(*widget.Label).Text; !fits(text, false) {
				out = append(out, fmt.Sprintf("journal: %s %q cut to its column (%.0f px)", s.t(c.zh, c.en), text, c.width))
			}
		}
	}
	return out
}

// waitFor polls cond on the UI goroutine until it holds, for up to 10 s.
func waitFor(cond func() bool) error {
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		var ok bool
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return nil
		}
	}
	return fmt.Errorf("timed out")
}

// tapTop taps the primary (high-importance) button of the top dialog, as
// the teller would, and reports whether there was one.
func tapTop(c fyne.Canvas) bool {
	var b *widget.Button
	fyne.DoAndWait(func() {
		walkObjects(c.Overlays().Top(), func(o fyne.CanvasObject) {
			if x, ok := o.(*widget.Button); ok && b == nil && x.Visible() && !x.Disabled() && x.Importance == widget.HighImportance {
				b = x
			}
		})
		if b != nil {
			b.OnTapped()
		}
	})
	return b != nil
}

// findForm is the first widget.Form under o, or nil.
func findForm(o fyne.CanvasObject) *widget.Form {
	var f *widget.Form
	walkObjects(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Form); ok && f == nil {
			f = x
		}
	})
	return f
}

// walkObjects calls fn for o and every object under it that Fyne lets an
// application reach: containers' objects, scrolls', splits', pop-ups',
// cards', group boxes' and forms' contents.
func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	for _, c := range children(o) {
		walkObjects(c.obj, fn)
	}
}

// child is an object under another, at pos from the parent's origin.
type child struct {
	obj fyne.CanvasObject
	pos fyne.Position
}

// children lists the objects directly under o that an application can
// reach, with their positions relative to o. A form's items are placed
// where its renderer put them, which is relative to o plus the form's own
// padding: close enough to check that they fit and do not overlap.
func children(o fyne.CanvasObject) []child {
	var out []child
	add := func(objs ...fyne.CanvasObject) {
		for _, x := range objs {
			if x != nil {
				out = append(out, child{x, x.Position()})
			}
		}
	}
	switch x := o.(type) {
	case *fyne.Container:
		add(x.Objects...)
	case *container.Scroll:
		if x.Content != nil {
			out = append(out, child{x.Content, x.Content.Position().Subtract(x.Offset)})
		}
	case *container.Split:
		add(x.Leading, x.Trailing)
	case *widget.PopUp:
		add(x.Content)
	case *widget.Card:
		add(x.Content)
	case *widgets.GroupBox:
		add(x.Content)
	case *widget.Form:
		for _, it := range x.Items {
			add(it.Widget)
		}
	}
	return out
}

// CheckLayout looks at everything on c an application can reach (the
// window's content and each dialog) and says what does not fit: an object
// given less room than its minimum ("squeezed"), one reaching out of its
// container or out of the window, two controls whose rectangles overlap
// (other than in a stack, where covering is the point), a truncating
// label whose text is cut, and a scroll whose content is wider than it
// (a form that scrolls sideways). Call it on the UI goroutine.
func CheckLayout(c fyne.Canvas) []string {
	k := &layoutCheck{window: rect{0, 0, c.Size().Width, c.Size().Height}}
	k.layer(c.Content(), "window")
	for i, o := range c.Overlays().List() {
		k.layer(o, fmt.Sprintf("dialog %d", i+1))
	}
	return k.problems
}

type rect struct{ x, y, w, h float32 }

func (r rect) intersect(o rect) rect {
	x0, y0 := max(r.x, o.x), max(r.y, o.y)
	x1, y1 := min(r.x+r.w, o.x+o.w), min(r.y+r.h, o.y+o.h)
	return rect{x0, y0, max(x1-x0, 0), max(y1-y0, 0)}
}

// within reports whether r lies in o, give or take a pixel.
func (r rect) within(o rect) bool {
	return r.x >= o.x-1 && r.y >= o.y-1 && r.x+r.w <= o.x+o.w+1 && r.y+r.h <= o.y+o.h+1
}

// leaf is a control placed in a layer: where it is, and the containers
// and child indexes leading to it (to find the stack that may hold two
// overlapping ones).
type leaf struct {
	r    rect
	what string
	path []step
}

type step struct {
	parent fyne.CanvasObject
	index  int
}

type layoutCheck struct {
	window   rect
	problems []string
	leaves   []leaf
	seen     map[string]bool
}

func (k *layoutCheck) add(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	if k.seen == nil {
		k.seen = map[string]bool{}
	}
	if !k.seen[p] {
		k.seen[p] = true
		k.problems = append(k.problems, p)
	}
}

// layer checks one layer: the window's content or a dialog.
func (k *layoutCheck) layer(o fyne.CanvasObject, name string) {
	if o == nil {
		return
	}
	k.leaves = k.leaves[:0]
	k.walk(o, o.Position(), nil, nil, name)
	for i, a := range k.leaves {
		for _, b := range k.leaves[i+1:] {
			if in := a.r.intersect(b.r); in.w > 1 && in.h > 1 && !stacked(a.path, b.path) {
				k.add("%s: %s overlaps %s", name, a.what, b.what)
			}
		}
	}
}

// stacked reports whether two leaves part in a stack (or a layout that
// puts its objects over each other), where one covers the other by design.
func stacked(a, b []step) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i].parent != b[i].parent {
				return false
			}
			c, ok := a[i].parent.(*fyne.Container)
			return ok && (reflect.TypeOf(c.Layout) == stackLayout ||
				reflect.TypeOf(c.Layout) == centerLayout || reflect.TypeOf(c.Layout) == paddedLayout)
		}
	}
	return true // one holds the other
}

var (
	stackLayout  = reflect.TypeOf(layout.NewStackLayout())
	centerLayout = reflect.TypeOf(layout.NewCenterLayout())
	paddedLayout = reflect.TypeOf(layout.NewPaddedLayout())
)

// walk checks o at abs (its position on the canvas); clip is the visible
// part of the scroll holding it, nil when none.
func (k *layoutCheck) walk(o fyne.CanvasObject, abs fyne.Position, clip *rect, path []step, name string) {
	if o == nil || !o.Visible() {
		return
	}
	size := o.Size()
	if size.Width <= 0 || size.Height <= 0 {
		return
	}
	r := rect{abs.X, abs.Y, size.Width, size.Height}
	what := describe(o)
	_, isWidget := o.(fyne.Widget)
	_, isContainer := o.(*fyne.Container)
	if isWidget || isContainer {
		min := o.MinSize()
		if squeezable(o) {
			// A truncating label may be narrower than its text: it is cut.
			if l, ok := o.(*widget.Label); ok && l.Truncation != fyne.TextTruncateOff && labelWidth(l) > size.Width+0.5 {
				k.add("%s: %s cut to %.0f px", name, what, size.Width)
			}
		} else if slack := theme.InnerPadding(); size.Width+slack < min.Width || size.Height+slack < min.Height {
			// Less than the inner padding short: the padding around the
			// text gives, and nothing drawn is lost.
			k.add("%s: %s squeezed to %.0f×%.0f, needs %.0f×%.0f", name, what, size.Width, size.Height, min.Width, min.Height)
		}
		if clip == nil && !r.within(k.window) {
			k.add("%s: %s reaches out of the window (%.0f,%.0f %.0f×%.0f)", name, what, r.x, r.y, r.w, r.h)
		}
	}
	if isLeaf(o) {
		if clip != nil {
			r = r.intersect(*clip) // what the scroll shows of it
		}
		if r.w > 1 && r.h > 1 {
			k.leaves = append(k.leaves, leaf{r: r, what: what, path: append([]step(nil), path...)})
		}
		return
	}
	if sp, ok := o.(*container.Split); ok && sp.Leading != nil && sp.Leading.Visible() && sp.Trailing != nil && sp.Trailing.Visible() {
		// The divider stays where it was put unless one side needs more
		// room than that leaves it: then the other side is squeezed
		// (a navigator cut to "…").
		length, got := size.Width, sp.Leading.Size().Width
		if !sp.Horizontal {
			length, got = size.Height, sp.Leading.Size().Height
		}
		if want := float32(sp.Offset) * length; got < want-0.05*length || got > want+0.05*length {
			k.add("%s: split of %s and %s moved from %.0f%% to %.0f%%: a side needs more room",
				name, describe(sp.Leading), describe(sp.Trailing), 100*sp.Offset, 100*got/length)
		}
	}
	if sc, ok := o.(*container.Scroll); ok && sc.Content != nil && sc.Content.Visible() &&
		(sc.Direction == container.ScrollBoth || sc.Direction == container.ScrollHorizontalOnly) {
		// A teller never scrolls sideways to fill a form: what scrolls
		// across is wider than the room it is given.
		if cw := max(sc.Content.Size().Width, sc.Content.MinSize().Width); cw > size.Width+1 {
			k.add("%s: %s scrolls sideways: %.0f px wide in %.0f", name, describe(sc.Content), cw, size.Width)
		}
	}
	inner := clip
	if _, ok := o.(*container.Scroll); ok {
		v := r
		if clip != nil {
			v = v.intersect(*clip)
		}
		inner = &v
	}
	for i, c := range children(o) {
		at := abs.Add(c.pos)
		cr := rect{at.X, at.Y, c.obj.Size().Width, c.obj.Size().Height}
		if _, scroll := o.(*container.Scroll); !scroll && c.obj.Visible() && cr.w > 0 && cr.h > 0 && !cr.within(r) {
			switch c.obj.(type) {
			case fyne.Widget, *fyne.Container:
				k.add("%s: %s reaches out of %s", name, describe(c.obj), what)
			}
		}
		k.walk(c.obj, at, inner, append(path, step{o, i}), name)
	}
}

// squeezable objects may be given less room than their minimum: labels
// that truncate, scrolls, and what draws itself to the room it gets.
func squeezable(o fyne.CanvasObject) bool {
	switch x := o.(type) {
	case *widget.Label:
		return x.Truncation != fyne.TextTruncateOff
	case *container.Scroll, *widget.Table, *widget.List, *widget.Tree, *bigLine:
		return true
	}
	return false
}

// labelWidth is the width a label's text needs on one line.
func labelWidth(l *widget.Label) float32 {
	th := fyne.CurrentApp().Settings().Theme()
	name := l.SizeName
	if name == "" {
		name = theme.SizeNameText
	}
	return fyne.MeasureText(l.Text, th.Size(name), l.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding)
}

// isLeaf reports whether o is a control the overlap check compares: a
// widget the walk does not go into, other than the purely decorative.
func isLeaf(o fyne.CanvasObject) bool {
	if len(children(o)) > 0 {
		return false
	}
	if _, ok := o.(fyne.Widget); !ok {
		return false // canvas primitives: backgrounds, borders, icons
	}
	switch x := o.(type) {
	case *widget.Separator, *widget.Icon, *widget.ProgressBarInfinite:
		return false
	case *widget.Label:
		return x.Text != ""
	}
	// Fyne's dialogs draw their background with a widget of their own.
	return !strings.HasSuffix(reflect.TypeOf(o).String(), "themedBackground")
}

// describe names an object for a problem report: its type and text.
func describe(o fyne.CanvasObject) string {
	t := strings.TrimPrefix(reflect.TypeOf(o).String(), "*")
	text := ""
	switch x := o.(type) {
	case *widget.Label:
		text = x.Text
	case *widget.Button:
		text = x.Text
	case *widget.Entry:
		text = x.Text
		if text == "" {
			text = x.PlaceHolder
		}
	case *widget.Select:
		text = x.Selected
		if text == "" {
			text = x.PlaceHolder
		}
	case *widget.Check:
		text = x.Text
	case *shellEntry:
		text = x.PlaceHolder
	case *widgets.GroupBox:
		text = x.Title
	case *bigLine:
		text = x.text
	}
	if _, ok := o.(*fyne.Container); ok {
		// A container by the first thing in it that says something.
		var inner string
		walkObjects(o, func(x fyne.CanvasObject) {
			if _, c := x.(*fyne.Container); !c && inner == "" && x.Visible() {
				if d := describe(x); strings.Contains(d, "\"") {
					inner = d
				}
			}
		})
		if inner != "" {
			return t + " with " + inner
		}
	}
	if text == "" {
		return t
	}
	if r := []rune(text); len(r) > 40 {
		text = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%s %q", t, strings.ReplaceAll(text, "\n", " "))
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}
