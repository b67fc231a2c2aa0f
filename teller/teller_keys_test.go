package teller

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"guitai/internal/eventually"
	"guitai/ledger"
	"guitai/money"
)

// esc presses Esc where the focus is, as the window does: the dialog on
// top takes it first.
func esc(s *Shell, w fyne.Window) {
	k := &fyne.KeyEvent{Name: fyne.KeyEscape}
	if s.modalKey(k) {
		return
	}
	if foc := w.Canvas().Focused(); foc != nil {
		foc.TypedKey(k)
	}
}

// Esc on a form holding what the teller typed asks before discarding it;
// on a form with nothing typed (empty, or only what lookups filled in) it
// closes at once.
func TestEscAsksBeforeDiscardingTypedData(t *testing.T) {
	s, w, store := shellOnLedger(t)
	const discard = "放弃已输入的内容？"

	// Empty: closed at once.
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	esc(s, w)
	if s.Current() != nil || s.Modal() != "" {
		t.Fatalf("Esc on an empty form: form %v, dialog %q", s.Current(), s.Modal())
	}

	// Only a lookup's answer (the cash box figures): closed at once.
	if err := s.Open("cashbox_settle"); err != nil {
		t.Fatal(err)
	}
	wait(t, s)
	if v, _ := s.Current().Scope.Get("box_balance"); v == nil {
		t.Fatal("the settlement form's lookup filled nothing")
	}
	esc(s, w)
	if s.Current() != nil || s.Modal() != "" {
		t.Fatalf("Esc on a form of lookup answers: form %v, dialog %q", s.Current(), s.Modal())
	}

	// Typed: asked; Esc answers no and the form stays as typed.
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	f := s.Current()
	acct := firstAccount(t, store, 0)
	amount := f.Field("amount").Focusable()
	w.Canvas().Focus(amount)
	test.Type(amount, "100")
	esc(s, w)
	if s.Modal() != discard || s.Current() != f {
		t.Fatalf("Esc on a typed form: dialog %q, form %v", s.Modal(), s.Current())
	}
	esc(s, w)
	if s.Modal() != "" || s.Current() != f {
		t.Fatalf("Esc answering the question: dialog %q, form %v", s.Modal(), s.Current())
	}
	if v, _ := f.Scope.Get("amount"); v != money.MustParse("100") {
		t.Errorf("amount %v after keeping the form", v)
	}
	if w.Canvas().Focused() != amount {
		t.Errorf("focus on %T after keeping the form, want the amount", w.Canvas().Focused())
	}
	// The Close button asks too; Enter discards.
	s.cancel()
	if s.Modal() != discard {
		t.Fatalf("Close on a typed form: dialog %q", s.Modal())
	}
	s.modalKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.Current() != nil || w.Canvas().Focused() != s.layout.code {
		t.Errorf("after discarding: form %v, focus %T", s.Current(), w.Canvas().Focused())
	}

	// A value typed and emptied again is nothing typed.
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	f = s.Current()
	f.Scope.Set("account", acct) // as a card read fills it
	wait(t, s)
	memo := f.Field("memo").Focusable()
	w.Canvas().Focus(memo)
	test.Type(memo, "x")
	memo.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	esc(s, w)
	if s.Current() != nil || s.Modal() != "" {
		t.Errorf("Esc after emptying the only typed field: form %v, dialog %q", s.Current(), s.Modal())
	}
}

// After sign-on the focus is in the code box; a form opened (-open) takes
// it into its first field.
func TestFocusInTheCodeBoxAfterSignOn(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	if w.Canvas().Focused() != s.layout.code {
		t.Fatalf("focus on %T after sign-on, want the code box", w.Canvas().Focused())
	}
	test.Type(s.layout.code, "1401")
	s.layout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f := s.Current(); f == nil || f.Def.ID != "cash_deposit" {
		t.Fatalf("1401 typed at once opened %v", f)
	}
	if w.Canvas().Focused() != s.Current().FirstFocusable() {
		t.Errorf("focus on %T, want the form's first field", w.Canvas().Focused())
	}
}

// "有 N 处需要修改" follows the fixes and goes with the last one; a form
// opened afresh does not show it.
func TestInvalidCountFollowsTheFixes(t *testing.T) {
	s, _, store := shellOnLedger(t)
	base := s.summary.status.Text
	if err := s.Open("cash_deposit"); err != nil {
		t.Fatal(err)
	}
	f := s.Current()
	s.submit()
	if s.summary.status.Text != "有 2 处需要修改" {
		t.Fatalf("status %q after submitting an empty deposit", s.summary.status.Text)
	}
	f.Scope.Set("account", firstAccount(t, store, 0))
	wait(t, s)
	if s.summary.status.Text != "有 1 处需要修改" {
		t.Errorf("status %q after the account was given", s.summary.status.Text)
	}
	f.Scope.Set("amount", money.MustParse("10"))
	if s.summary.status.Text != base {
		t.Errorf("status %q after the last fix, want %q", s.summary.status.Text, base)
	}
	// Refused again, then another form: the count goes with the form.
	f.Scope.Set("amount", nil)
	s.submit()
	if s.summary.status.Text != "有 1 处需要修改" {
		t.Fatalf("status %q", s.summary.status.Text)
	}
	if err := s.Open("transfer"); err != nil {
		t.Fatal(err)
	}
	if s.summary.status.Text != base {
		t.Errorf("status %q on a fresh form, want %q", s.summary.status.Text, base)
	}
}

// The status after a posting names what came back by the form's captions,
// never by the ledger's keys.
func TestPostedStatusUsesCaptions(t *testing.T) {
	forms := formsByID(t)
	res := &ledger.Result{Serial: "20260101T01000007", Values: map[string]any{"box_balance": money.MustParse("1234.5")}}
	for lang, caption := range map[string]string{"zh": "尾箱余额: ¥1,234.50", "en": "Box balance: ¥1,234.50"} {
		got := postedMessage(forms["cashbox_settle"], res, lang)
		if !strings.Contains(got, caption) || strings.Contains(got, "box_balance") || !strings.Contains(got, res.Serial) {
			t.Errorf("%s: %q, want the serial and %q", lang, got, caption)
		}
	}
}

// Error codes stay off the main line: dialogs, the status bar; they go to
// the detail line.
func TestErrorCodesOnlyInTheDetail(t *testing.T) {
	le := &ledger.Error{Code: "E_INSUFFICIENT_FUNDS", Field: "amount", Msg: ledger.Messages["E_INSUFFICIENT_FUNDS"]}
	for _, err := range []error{le, fmt.Errorf("posting: %w", le), errors.New(ledger.MessageOf(le, "zh")), errors.New(le.Error())} {
		msg, detail := errorText(err, "zh")
		if strings.Contains(msg, "E_") || msg == "" || !strings.Contains(detail, "E_INSUFFICIENT_FUNDS") {
			t.Errorf("%v: main %q, detail %q", err, msg, detail)
		}
	}
	if msg, detail := errorText(errors.New("打印机缺纸"), "zh"); msg != "打印机缺纸" || detail != "" {
		t.Errorf("a plain error: %q, %q", msg, detail)
	}
	s, w, _ := shellOnLedger(t)
	s.showError(le)
	var main, code bool
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			main = main || l.Text == "可用余额不足"
			code = code || strings.Contains(l.Text, "E_INSUFFICIENT_FUNDS") && l.Importance == widget.LowImportance
			if strings.Contains(l.Text, "E_") && l.Importance != widget.LowImportance {
				t.Errorf("code in a main line: %q", l.Text)
			}
		}
	}
	if !main || !code {
		t.Errorf("error dialog: message shown %v, code in the detail %v", main, code)
	}
}

// The demo-card hint on the status line is in the window's language.
func TestDemoCardHintTranslated(t *testing.T) {
	s, _, _ := shellOnLedger(t)
	s.cfg.Status = "010101 张敏 · " + DemoCardHint()
	s.lang = ""
	s.setLang("en")
	if !strings.Contains(s.summary.status.Text, DemoCardHintIn("en")) || strings.Contains(s.summary.status.Text, "插") {
		t.Errorf("English status %q", s.summary.status.Text)
	}
	s.setLang("zh")
	if !strings.Contains(s.summary.status.Text, DemoCardHintIn("zh")) || strings.Contains(s.summary.status.Text, "demo card") {
		t.Errorf("Chinese status %q", s.summary.status.Text)
	}
}

// A wrong password says how many tries are left, without the ledger's
// code, which goes to the detail line.
func TestSignOnSaysTriesLeft(t *testing.T) {
	test.NewTempApp(t)
	ctx := context.Background()
	store, err := ledger.OpenDemo(ctx, filepath.Join(t.TempDir(), "l.db"), ledger.Options{PasswordIterations: 1000}, "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	w := test.NewWindow(nil)
	defer w.Close()
	for _, lang := range []string{"zh", "en"} {
		// As cmd/teller wires it: the refusal arrives as MessageOf's text.
		s := ShowSignOn(w, lang, "2026-11-23", "demo", func(id, pw string) error {
			if _, err := store.SignOn(ctx, id, pw, "T01"); err != nil {
				return fmt.Errorf("%s", ledger.MessageOf(err, lang))
			}
			return nil
		}, func() {})
		s.TriesLeft = func(id string) (int, bool) {
			u, err := store.GetUser(ctx, id)
			if err != nil {
				return 0, false
			}
			return ledger.MaxFailures - u.Failed, true
		}
		wrong := func() {
			t.Helper()
			s.ID.SetText("010102")
			test.Type(s.Password, "wrong")
			test.Tap(s.Button)
			eventually.True(t, 10*time.Second, func() bool { return !s.busy.Load() }, "the sign-on check never finished")
		}
		wrong()
		want := map[string]string{"zh": "还可尝试 4 次", "en": "4 tries left"}[lang]
		if !strings.Contains(s.Message.Text, want) || strings.Contains(s.Message.Text, "E_") {
			t.Errorf("%s: message %q, want %q and no code", lang, s.Message.Text, want)
		}
		if !s.Detail.Visible() || !strings.Contains(s.Detail.Text, "E_BAD_CREDENTIALS") {
			t.Errorf("%s: detail %q (shown %v)", lang, s.Detail.Text, s.Detail.Visible())
		}
		for range 4 {
			wrong()
		}
		if strings.Contains(s.Message.Text, "E_") {
			t.Errorf("%s: message %q", lang, s.Message.Text)
		}
		if err := store.Unlock(ctx, "010102"); err != nil {
			t.Fatal(err)
		}
	}
}
