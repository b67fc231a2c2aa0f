package teller

import (
	"context"
	"encoding/json"
	"fmt"
	"guitai/internal/screenshot"
	"image"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/devices"
	"guitai/devices/escpos"
	"guitai/money"
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
		shot.Problems = screenshot.CheckLayout(c)
		if extra != nil {
			extra(&shot)
		}
		if sh.Display != nil && win == sh.Display.win {
			crop, _ = screenRect(win)
		}
	})
	path := filepath.Join(sh.dir, shot.File)
	w, h, err := screenshot.Capture(path, crop)
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
			if s.form.current != nil {
				s.close()
			}
			s.showWelcome()
			s.layout.nav.OpenAllBranches()
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
				shot.Truncated = s.form.current.Truncated()
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
			if err = s.form.current.Scope.Set(k, v); err != nil {
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
		return fmt.Errorf("deposit %s: no confirm dialog (status %q): %w", lang, s.summary.text(), err)
	}
	if err := sh.Window(s.win, ScreenConfirm, "cash_deposit", lang, nil); err != nil {
		return err
	}
	if d := sh.Display; d != nil {
		fyne.DoAndWait(func() {
			f := s.form.current
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
		status, posted = s.summary.text(), s.posts > posts
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
		screenshot.Walk(c.Overlays().Top(), func(o fyne.CanvasObject) {
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
	screenshot.Walk(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Form); ok && f == nil {
			f = x
		}
	})
	return f
}
