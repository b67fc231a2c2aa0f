package teller

import (
	"bytes"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"guitai/dsl"
	"guitai/widgets"
)

// This file holds the forms a running teller picks up live (issue 17):
// the shell reads Config.FormSource on its own goroutine and, when the
// generation changes, switches between transactions. The navigator shows
// the new set at once; a form that is open keeps the version it was
// opened with until it is posted or closed, and the status bar says a
// newer one applies; packages set aside at load are named there too.

// FormSource reads the forms this terminal may open: every one of them
// (built-in forms with their active package versions in their place, and
// new forms), a generation that changes whenever they do (the window
// takes the forms again only then), and the packages set aside because
// they failed their checks, each named with why ("cash_deposit@3: the
// digest does not match"). An error leaves the window with the forms it
// has, and so does a reading with no forms at all. It is called off the
// UI goroutine.
type FormSource func() (forms []*dsl.Form, generation string, setAside []string, err error)

// DefaultFormsEvery is how often a FormSource is read when
// Config.FormsEvery is zero.
const DefaultFormsEvery = 2 * time.Second

// liveUI runs f on the UI goroutine: fyne.Do. Tests serialise it with
// themselves (the test driver's fyne.Do runs f where it is called).
var liveUI = fyne.Do

// liveForms is what the shell keeps of its follow of Config.FormSource,
// on the UI goroutine.
type liveForms struct {
	stop    func()               // stops the reading; nil when there is none
	done    chan struct{}        // closed once the reading goroutine ended
	encoded map[*dsl.Form][]byte // the window's forms encoded, to tell a changed one
	// setAside is the list of set-aside packages last told of.
	setAside string
	// noted is the open form and its newer version (nil: withdrawn) last
	// told of; note is what the status line was told.
	noted newerNote
	note  string
	// failed is what the status line was told of the source's failure,
	// until a reading succeeds.
	failed string
}

// newerNote is an open form and the version that replaced it.
type newerNote struct{ open, next *dsl.Form }

// formRead is one reading of the source.
type formRead struct {
	forms      []*dsl.Form
	generation string
	setAside   []string
	err        error
}

// formPoll reads the source on the reading goroutine and tells when the
// window should hear of it: a new generation, the first failure after a
// success, the first success after a failure.
type formPoll struct {
	src        FormSource
	seen       bool // a reading succeeded
	generation string
	failing    bool
}

// errNoForms is a reading with no forms at all: a failure, not a
// terminal that may open nothing.
var errNoForms = errors.New("no forms")

// read reads the source once; changed reports whether the window is told.
func (p *formPoll) read() (r formRead, changed bool) {
	r.forms, r.generation, r.setAside, r.err = p.src()
	if r.err == nil && len(r.forms) == 0 {
		r.err = errNoForms
	}
	if r.err != nil {
		changed = !p.failing
		p.failing = true
		return r, changed
	}
	changed = !p.seen || p.failing || r.generation != p.generation
	p.seen, p.failing, p.generation = true, false, r.generation
	return r, changed
}

// watchForms starts reading Config.FormSource, at once and then every
// Config.FormsEvery, until stopForms.
func (s *Shell) watchForms() {
	if s.cfg.FormSource == nil || s.live.stop != nil {
		return
	}
	every := s.cfg.FormsEvery
	if every <= 0 {
		every = DefaultFormsEvery
	}
	stop, done := make(chan struct{}), make(chan struct{})
	s.live.stop, s.live.done = func() { close(stop) }, done
	go s.pollForms(&formPoll{src: s.cfg.FormSource}, liveUI, every, s.cfg.FormsChanged, stop, done)
}

// pollForms is the reading goroutine: it reads every tick and whenever
// changed receives (a nil changed never does), and each reading the
// window should hear of goes to applyForms on the UI goroutine, through
// ui.
func (s *Shell) pollForms(p *formPoll, ui func(func()), every time.Duration, changed <-chan struct{}, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if r, changed := p.read(); changed && !stopped(stop) {
			ui(func() { s.applyForms(r) })
		}
		select {
		case <-stop:
			return
		case <-t.C:
		case _, ok := <-changed:
			if !ok {
				changed = nil // its ledger went away: the ticks go on
			}
		}
	}
}

// stopped reports whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// stopForms stops reading Config.FormSource.
func (s *Shell) stopForms() {
	if s.live.stop != nil {
		s.live.stop()
		s.live.stop = nil
	}
}

// applyForms takes a reading of the source in: the forms it lists in
// place of the window's, the packages it set aside, the newer version of
// the open form; a failure keeps the window's forms and says so.
func (s *Shell) applyForms(r formRead) {
	if s.live.stop == nil {
		return // signed off since the reading
	}
	if r.err != nil {
		s.sourceFailed(r.err)
		return
	}
	s.sourceRecovered()
	s.setForms(nonNil(r.forms))
	s.tellSetAside(r.setAside)
	s.tellNewer()
	s.trace("forms " + r.generation) // the window opens this set from now on
}

// nonNil is forms without nil entries. A form read again is taken as
// read even when it encodes like the window's: the ledger may have put it
// in another package version (its transaction changed), and a form posts
// with the version it came from.
func nonNil(forms []*dsl.Form) []*dsl.Form {
	out := make([]*dsl.Form, 0, len(forms))
	for _, f := range forms {
		if f != nil {
			out = append(out, f)
		}
	}
	return out
}

// encodedForm is f encoded, made once.
func (s *Shell) encodedForm(f *dsl.Form) []byte {
	if s.live.encoded == nil {
		s.live.encoded = map[*dsl.Form][]byte{}
	}
	b, ok := s.live.encoded[f]
	if !ok {
		b = dsl.Encode(f)
		s.live.encoded[f] = b
	}
	return b
}

// setForms makes forms the ones the window opens: by code, by id, in the
// navigator. The encodings of the forms gone are forgotten.
func (s *Shell) setForms(forms []*dsl.Form) {
	s.index(forms)
	s.layout.setForms(s.forms)
	kept := make(map[*dsl.Form][]byte, len(s.forms))
	for _, f := range s.forms {
		if b, ok := s.live.encoded[f]; ok {
			kept[f] = b
		}
	}
	s.live.encoded = kept
}

// formByID is the window's form with id, or nil.
func (s *Shell) formByID(id string) *dsl.Form {
	for _, f := range s.forms {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// tellNewer tells the teller, once, that the open form has a newer
// version (or was withdrawn), which applies once it is posted or closed.
func (s *Shell) tellNewer() {
	cur := s.currentDef()
	if cur == nil {
		return
	}
	n := newerNote{open: cur, next: s.formByID(cur.ID)}
	if n.next == cur || n == s.live.noted || n.next != nil && bytes.Equal(s.encodedForm(cur), s.encodedForm(n.next)) {
		return // nothing the teller sees changed
	}
	title := cur.Title.In(s.lang)
	msg := s.t("「"+title+"」有新版本，提交或关闭后生效",
		"A newer version of "+title+" applies after this one is posted or closed")
	if n.next == nil {
		msg = s.t("「"+title+"」已停用，关闭后不再可用",
			title+" has been withdrawn; it cannot be opened again once closed")
	}
	s.live.noted, s.live.note = n, msg
	s.summary.say(msg)
}

// dropNewerNote takes the newer version's note off the status line, when
// it is there: the form it was about is posted or closed.
func (s *Shell) dropNewerNote() {
	if s.live.note != "" {
		s.summary.unsay(s.live.note)
	}
	s.live.noted, s.live.note = newerNote{}, ""
}

// tellSetAside names the packages set aside in the status line, when the
// list changed: the teller works on with the other forms.
func (s *Shell) tellSetAside(setAside []string) {
	list := strings.Join(setAside, s.t("；", "; "))
	if list == s.live.setAside {
		return
	}
	s.live.setAside = list
	if list != "" {
		s.summary.say(SetAsideMessage(setAside, s.lang))
	}
}

// SetAsideMessage is what the status line says, in lang ("zh" or "en"),
// of the packages set aside because they failed their checks.
func SetAsideMessage(setAside []string, lang string) string {
	if lang == "en" {
		return "Set aside, failed their checks: " + strings.Join(setAside, "; ") +
			". The other transactions work as usual."
	}
	return "以下发布包未通过检查，已搁置：" + strings.Join(setAside, "；") + "。其余交易照常办理。"
}

// sourceFailed says, once until a reading succeeds, that the forms could
// not be read again and the window keeps the ones it has.
func (s *Shell) sourceFailed(err error) {
	s.live.failed = s.t("交易目录暂时无法更新，继续使用当前交易：", "The transactions could not be refreshed; the current ones stay in use: ") +
		s.message(err)
	s.summary.say(s.live.failed)
}

// sourceRecovered takes the failure off the status line, when it is
// there, once a reading succeeded.
func (s *Shell) sourceRecovered() {
	if s.live.failed != "" {
		s.summary.unsay(s.live.failed)
		s.live.failed = ""
	}
}

// nextCustomer readies the form f just posted for the next customer and
// returns it: the newer version of f when one applies, else f emptied.
func (s *Shell) nextCustomer(f *widgets.Form) *widgets.Form {
	next := s.formByID(f.Def.ID)
	if next == nil || next == f.Def {
		s.form.clear(f)
		return f
	}
	s.open(next)
	if s.prune(); len(s.modals) > 0 {
		// The posting's message is up: no key may reach the form behind.
		s.win.Canvas().Unfocus()
	}
	return s.form.current
}
