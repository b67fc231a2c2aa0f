package teller

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"

	"guitai/ledger"
	"guitai/widgets"
)

// This file holds a submission: one press of Submit (F10) on the open
// form, and the named steps it goes through:
//
//	check → confirm → authorize → handover → post → posted | answered | refused
//
// Each step is a method of submission; the shell only starts one.

// submission is what one press of Submit posts: the form, its values, the
// figures computed from them, and whether a supervisor is asked for.
type submission struct {
	s        *Shell
	f        *widgets.Form
	values   map[string]any
	computed [][2]string // the form's computed figures, as confirmed
	needAuth bool
	query    bool
}

// submit posts the open form, through its steps.
func (s *Shell) submit() {
	u, ok := s.check()
	if !ok {
		return
	}
	u.confirm(func() {
		u.authorize(func(auth []*Credentials) {
			u.handover(func(cp *Credentials) { u.post(auth, cp) })
		})
	})
}

// check validates the open form and gathers what it posts; it reports
// false, with the problems counted in the status bar, when there is
// nothing to post yet.
func (s *Shell) check() (*submission, bool) {
	f := s.form.current
	if f == nil || s.posting.Load() {
		return nil, false
	}
	if problems := f.Validate(); len(problems) > 0 {
		s.summary.refuse(len(problems))
		s.trace(fmt.Sprintf("invalid %s %s: %s", f.Def.ID, problems[0].Node, problems[0].Message.En))
		return nil, false
	}
	u := &submission{s: s, f: f, values: f.Values(), query: isQuery(f.Def)}
	var err error
	if u.needAuth, err = f.NeedsAuthorization(); err != nil {
		s.showError(err)
		return nil, false
	}
	// One key per submission attempt: a double click, or Submit pressed
	// again after a failure the teller did not change, posts once.
	u.values[ledger.KeyField] = fmt.Sprintf("%s#%d", f.Scope.Name(), s.posts)
	// The computed figures too (the amount in words, a day-end's counted
	// total and difference): what the teller confirms is what the
	// success message repeats.
	u.computed = f.ComputedRows()
	return u, true
}

// confirm shows the summary (and the customer display) when the form asks
// for a confirmation or a supervisor will be asked, then goes on; a
// cancelled confirmation posts nothing.
func (u *submission) confirm(then func()) {
	s, f := u.s, u.f
	if !(f.Def.Submit != nil && f.Def.Submit.Confirm || u.needAuth) {
		then()
		return
	}
	// The customer sees what the teller confirms.
	if s.cfg.Display != nil && !u.query {
		account, amount := DisplayValues(f.Def, u.values)
		s.cfg.Display.Show(f.Def.Title, account, amount, s.lang)
	}
	summary := append(SummaryRows(f.Def, u.values, s.lang), u.computed...)
	s.ask(s.t("请确认", "Please confirm"), summaryGrid(summary), func(ok bool) {
		if ok {
			then()
		} else {
			s.idleDisplay()
		}
	})
}

// authorize asks for as many supervisors as the ledger's policy needs
// (Config.Authorizers; one at least when the form's authorize.when
// says so), one after the other, then posts with their credentials. A
// cancelled dialog posts nothing.
func (u *submission) authorize(post func([]*Credentials)) {
	s := u.s
	if s.cfg.Authorizers == nil || u.query {
		u.askAuthorizers(b2i(u.needAuth), nil, post)
		return
	}
	// Posting from here: Submit is not taken again while the ledger is
	// asked, and a waiter sees the dialog or the posting, never a gap.
	s.posting.Store(true)
	background(func() {
		n, err := s.cfg.Authorizers(u.f.Def, u.values)
		fyne.Do(func() {
			s.posting.Store(false)
			if err != nil {
				u.refused(err)
				return
			}
			u.askAuthorizers(max(n, b2i(u.needAuth)), nil, post)
		})
	})
}

// askAuthorizers asks for the supervisors still missing of n, the
// second one as such, and posts with all of them.
func (u *submission) askAuthorizers(n int, got []*Credentials, post func([]*Credentials)) {
	if len(got) >= n {
		post(got)
		return
	}
	p := u.s.supervisorPrompt()
	if len(got) > 0 {
		p = u.s.secondSupervisorPrompt()
	}
	u.s.askCredentials(p, func(c *Credentials) {
		u.askAuthorizers(n, append(got, c), post)
	})
}

// b2i is 1 for true.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// handover asks the other teller of a cash handover to confirm it with
// their own password or finger, when the ledger puts the transaction
// under dual control (Config.Counterpart names the param holding them),
// then posts with their confirmation; otherwise it posts at once. A
// cancelled confirmation posts nothing.
func (u *submission) handover(post func(*Credentials)) {
	s := u.s
	if s.cfg.Counterpart == nil || u.f.Def.Submit == nil || u.query {
		post(nil)
		return
	}
	txn := u.f.Def.Submit.Txn
	// Posting from here: Submit is not taken again while the ledger is
	// asked, and a waiter sees the dialog or the posting, never a gap.
	s.posting.Store(true)
	background(func() {
		param, err := s.cfg.Counterpart(txn)
		fyne.Do(func() {
			switch id, _ := u.values[param].(string); {
			case err != nil:
				s.showError(err)
				s.posting.Store(false)
			case param == "" || id == "":
				post(nil) // the ledger refuses a missing handover_id at its field
			default:
				s.askCredentials(counterpartPrompt(id), post)
				s.posting.Store(false)
			}
		})
	})
}

// post sends the values to the ledger off the UI goroutine, with the
// supervisor's credentials when one authorized and the other teller's
// confirmation of a handover, and shows the outcome.
func (u *submission) post(auth []*Credentials, counterpart *Credentials) {
	s := u.s
	s.posting.Store(true)
	s.setAuthorizers(auth)
	s.counterpart = counterpart
	if u.query {
		s.summary.say(s.t("正在查询…", "Searching…"))
	} else {
		s.summary.say(s.t("正在记账…", "Posting…"))
	}
	background(func() {
		res, err := s.cfg.Submit(u.f.Def, u.values)
		fyne.Do(func() {
			defer s.posting.Store(false) // last: what follows is done when it reads false
			s.setAuthorizers(nil)
			s.counterpart = nil
			switch {
			case err != nil:
				u.refused(err)
			case u.query:
				u.answered(res)
			default:
				u.posted(res)
			}
		})
	})
}

// refused shows why the ledger refused: at the field it names when the
// form has it, else in a dialog. What was typed is kept.
func (u *submission) refused(err error) {
	s, f := u.s, u.f
	// Traced first: the rest runs in this same call on the UI goroutine,
	// before any key sent after it.
	s.trace("refused " + f.Def.ID)
	s.idleDisplay()
	s.summary.say(s.message(err))
	var le *ledger.Error
	if errors.As(err, &le) && le.Field != "" && s.form.current == f && f.ShowError(le.Field, le.Msg.In(s.lang)) {
		return
	}
	s.showError(err)
}

// answered shows a query's answer in the form, which keeps its criteria;
// the serial (an inquiry is journaled) goes to the status bar.
func (u *submission) answered(res *ledger.Result) {
	s, f := u.s, u.f
	s.posts++
	defer s.trace("posted " + f.Def.ID)
	if s.form.current == f {
		s.form.fill(f, res, nil)
	}
	s.summary.say(queryStatus(res, s.lang))
	s.idleDisplay()
}

// posted tells the teller the posting stands (serial, what was posted,
// the computed figures), prints its receipt and clears the form for the
// next customer (opens its newer version, when one arrived meanwhile).
func (u *submission) posted(res *ledger.Result) {
	s, f := u.s, u.f
	s.posts++
	defer s.trace("posted " + f.Def.ID)
	msg := postedMessage(f.Def, res, s.lang)
	s.summary.say(msg)
	s.summary.refreshAudit()
	// The message first: a receipt preview (no printer) goes over it.
	next := f // the form the next customer gets: f, or its newer version
	s.tell(s.t("交易成功", "Posted"), summaryGrid(append(PostedRows(f.Def, res, s.lang), u.computed...)), func() {
		if s.form.current == next {
			s.form.focusFirst(next)
		}
	})
	s.afterPost(fmt.Sprint(u.values[ledger.KeyField]), u.values, msg)
	s.idleDisplay()
	if s.form.current == f {
		next = s.nextCustomer(f)
	}
}
