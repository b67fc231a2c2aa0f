package ui

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"guitai/assets"
	"guitai/catalog"
	"guitai/designer"
	"guitai/dsl"
	"guitai/ledger"
	"guitai/release"
)

// Ledger is where Publish submits a form under change control: the
// ledger's release packages (maker-checker). The form is stored as
// submitted, immutable and signed; a second person approves it and
// activates it for a target (tellerctl forms), and the running tellers
// pick it up. Nothing a designer does makes a form live on its own.
type Ledger struct {
	Store    *ledger.Store
	Releases *ledger.Releases
	Signer   crypto.Signer // the terminal key (ledger.Store.TerminalSigner)
	Terminal string        // who submits from where, for the audit log
	// Drafts is the directory of draft catalog transactions branch IT
	// writes beside the form (<txn>.txn.json: typed params and SQL steps
	// with named parameters); "" for none. A form whose transaction is
	// drafted there is submitted with it, in one package, and the ledger
	// prepares its SQL against the live schema before it stores it: a
	// new module needs no Go code and no rebuild.
	Drafts string
}

// NewLedger is the designer's ledger on store: its release packages over
// the built-in forms and catalog, and the terminal key at keyPath
// (created on first use, ledger.Store.TerminalSigner) that signs what is
// submitted from terminal.
func NewLedger(ctx context.Context, store *ledger.Store, keyPath, terminal string) (*Ledger, error) {
	cat, err := ledger.LoadCatalog(assets.Txns())
	if err != nil {
		return nil, err
	}
	forms, err := assets.Forms()
	if err != nil {
		return nil, err
	}
	rel, err := store.Releases(release.Builtin(forms, cat))
	if err != nil {
		return nil, err
	}
	signer, err := store.TerminalSigner(ctx, keyPath)
	if err != nil {
		return nil, err
	}
	return &Ledger{Store: store, Releases: rel, Signer: signer, Terminal: terminal}, nil
}

// Submitted is what a submission to the ledger gives the analyst: the
// stored package and what changed against the version all branches open
// now.
type Submitted struct {
	Info ledger.ReleaseInfo
	Was  release.Resolved // the version compared against
	Diff designer.SemanticDiff
	// Txn names the draft transaction submitted with the form, or "".
	Txn string
}

// Submit authenticates user with password and submits f as a package of
// its own (id the form's, version the ledger's next free one).
func (l *Ledger) Submit(ctx context.Context, f *dsl.Form, user, password string) (Submitted, error) {
	if _, err := l.Store.Authenticate(ctx, user, password, l.Terminal); err != nil {
		return Submitted{}, err
	}
	var out Submitted
	if old, _, was, err := l.Releases.Open(ctx, f.ID, "", ""); err == nil {
		out.Was, out.Diff = was, designer.Compare(old, f)
	} else if ledger.CodeOf(err) != "E_RELEASE_UNKNOWN" {
		return Submitted{}, err
	}
	p := &release.Package{ID: f.ID, Forms: []*dsl.Form{f}}
	draft, err := l.draft(f)
	if err != nil {
		return Submitted{}, err
	}
	if draft != nil {
		p.Txns, out.Txn = []*catalog.Txn{draft}, draft.ID
	}
	info, err := l.Releases.Submit(ctx, p, user, l.Signer)
	if err != nil {
		return Submitted{}, err
	}
	out.Info = info
	return out, nil
}

// draft reads the draft of the transaction f submits from l.Drafts, or
// nil when there is none. A draft that does not decode or check is an
// error that names its file.
func (l *Ledger) draft(f *dsl.Form) (*catalog.Txn, error) {
	if l.Drafts == "" || f.Submit == nil || f.Submit.Txn == "" {
		return nil, nil
	}
	name := f.Submit.Txn + ".txn.json"
	b, err := os.ReadFile(filepath.Join(l.Drafts, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t, err := ledger.DecodeTxn(name, b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.Drafts, err)
	}
	return t, nil
}

// String is the submission as the designer tells it, in both languages.
func (s Submitted) String() string {
	msg := fmt.Sprintf("已提交 Submitted %s@%d\n摘要 digest %s\n待另一位主管审批 Awaiting approval by another supervisor:\n  tellerctl forms approve %s@%d --as SUPERVISOR",
		s.Info.ID, s.Info.Version, s.Info.Digest, s.Info.ID, s.Info.Version)
	if s.Txn != "" {
		msg += fmt.Sprintf("\n含交易草稿 With the draft transaction %s (SQL prepared against the ledger)", s.Txn)
	}
	if s.Was.Ref != "" {
		msg += fmt.Sprintf("\n\n对比 against %s:\n%s", s.Was.Ref, s.Diff.String())
	} else {
		msg += "\n\n新表单 A new form"
	}
	return msg
}

// submitToLedger asks who submits (their id and password) and submits
// the form to the ledger off the UI goroutine; the answer, or why the
// ledger refused, is shown.
func (ed *Editor) submitToLedger() {
	f := ed.doc.Form()
	ed.askWho("提交到账务库 Submit to the ledger", "提交 Submit", "提交人 Submitter", nil, func(id, password string) {
		ed.status("正在提交 Submitting " + f.ID + "…")
		background(func() {
			res, err := ed.cfg.Ledger.Submit(context.Background(), f, id, password)
			fyne.Do(func() {
				if err != nil {
					ed.refused("未提交 Not submitted", err)
					return
				}
				ed.status(fmt.Sprintf("已提交 Submitted %s@%d", res.Info.ID, res.Info.Version))
				ed.inform("已提交 Submitted", res.String())
			})
		})
	})
}

// askWho asks who does a ledger action: their user id (labelled role)
// and password, after the extra items (a target) when there are any. On
// confirm it runs then with the trimmed id and the password; the caller
// authenticates them with the ledger.
func (ed *Editor) askWho(title, confirm, role string, extra []*widget.FormItem, then func(id, password string)) {
	user := widget.NewEntry()
	user.SetPlaceHolder("柜员号 User id")
	pw := widget.NewPasswordEntry()
	items := append(append([]*widget.FormItem{}, extra...),
		widget.NewFormItem(role, user),
		widget.NewFormItem("密码 Password", pw),
	)
	d := dialog.NewForm(title, confirm, "取消 Cancel", items, func(ok bool) {
		if ok {
			then(strings.TrimSpace(user.Text), pw.Text)
		}
	}, ed.win)
	user.OnSubmitted = func(string) { ed.win.Canvas().Focus(pw) }
	pw.OnSubmitted = func(string) { d.Submit() } // Enter submits, as in the teller's dialogs
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
	ed.win.Canvas().Focus(user)
}

// refused reports why the ledger refused an action, in both languages.
func (ed *Editor) refused(title string, err error) {
	ed.report(err)
	ed.inform(title, "✗ "+ledger.MessageOf(err, "zh")+"\n"+ledger.MessageOf(err, "en"))
}

// background runs f off the UI goroutine; tests run it in place, since
// the test driver's fyne.Do runs on the calling goroutine.
var background = func(f func()) { go f() }
