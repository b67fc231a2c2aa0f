package teller

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/internal/eventually"
	"guitai/ledger"
)

func TestSignOnScreen(t *testing.T) {
	test.NewTempApp(t)
	ctx := context.Background()
	store, err := ledger.OpenDemo(ctx, filepath.Join(t.TempDir(), "l.db"), ledger.Options{PasswordIterations: 1000}, "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1000, 700))
	defer w.Close()
	signedOn := ""
	done := make(chan struct{}, 1)
	s := ShowSignOn(w, "en", "2026-11-23", "demo", func(id, pw string) error {
		u, err := store.SignOn(ctx, id, pw, "T01")
		if err != nil {
			return fmt.Errorf("%s", ledger.MessageOf(err, "en"))
		}
		signedOn = u.ID
		return nil
	}, func() { done <- struct{}{} })
	waitIdle := func() {
		t.Helper()
		eventually.True(t, 10*time.Second, func() bool { return !s.busy.Load() }, "the sign-on check never finished")
	}
	// A wrong password is refused with the ledger's reason, and the
	// password is cleared for the next try.
	test.Type(s.ID, "010101")
	test.Type(s.Password, "wrong")
	s.Password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitIdle()
	if !s.Message.Visible() || s.Message.Text == "" || s.Password.Text != "" {
		t.Fatalf("refusal not shown: %q visible=%v password=%q", s.Message.Text, s.Message.Visible(), s.Password.Text)
	}
	// Five failures lock the teller.
	for i := 0; i < 4; i++ {
		test.Type(s.Password, "wrong")
		test.Tap(s.Button)
		waitIdle()
	}
	test.Type(s.Password, ledger.DemoPassword)
	test.Tap(s.Button)
	waitIdle()
	if signedOn != "" || !strings.Contains(strings.ToLower(s.Message.Text), "lock") {
		t.Fatalf("locked teller signed on (%q): %q", signedOn, s.Message.Text)
	}
	// Another teller signs on.
	s.ID.SetText("010102")
	test.Type(s.Password, ledger.DemoPassword)
	test.Tap(s.Button)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("sign-on never finished: %q", s.Message.Text)
	}
	if signedOn != "010102" {
		t.Errorf("signed on %q", signedOn)
	}
}
