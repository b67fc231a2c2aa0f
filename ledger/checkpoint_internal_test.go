package ledger

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"guitai/audit"
	"guitai/catalog"
)

// TestTailSignedWhilePosting: with the terminal's key, a record appended
// more than CheckpointInterval after the last signature takes a checkpoint
// in its own transaction; a refused sign-off is recorded and signed too.
func TestTailSignedWhilePosting(t *testing.T) {
	ctx := context.Background()
	key, err := audit.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, filepath.Join(t.TempDir(), "l.db"), Options{Signer: key, PasswordIterations: 1000, CheckpointEvery: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SeedDemo(ctx, Today()); err != nil {
		t.Fatal(err)
	}
	anchored := func() uint64 {
		t.Helper()
		st, err := s.AuditState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.Anchored
	}
	before := anchored()
	if err := s.Lock(ctx, "010102"); err != nil { // a record within the interval
		t.Fatal(err)
	}
	if got := anchored(); got != before {
		t.Fatalf("signed at %d within the interval (was %d)", got, before)
	}
	s.audit.lastSigned.Store(time.Now().Add(-CheckpointInterval - time.Second).UnixNano())
	if err := s.Unlock(ctx, "010102"); err != nil {
		t.Fatal(err)
	}
	st, _ := s.AuditState(ctx)
	if st.Anchored != st.Records {
		t.Fatalf("a record after the interval left the tail unsigned: %d of %d anchored", st.Anchored, st.Records)
	}
	// A refused sign-off: recorded, and the tail signed with it.
	if _, err := s.SignOn(ctx, "010101", DemoPassword, "T01"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE cash_boxes SET balance = 100, cash_in = 100 WHERE teller = '010101'`); err != nil {
		t.Fatal(err)
	}
	if err := s.SignOff(ctx, "010101", "T01"); CodeOf(err) != "E_PENDING" {
		t.Fatalf("sign-off with cash in an open box: %v", err)
	}
	var result string
	if err := s.db.Get(&result, `SELECT result FROM audit_log WHERE action = 'sign_off_refused' ORDER BY seq DESC LIMIT 1`); err != nil || result != "E_PENDING" {
		t.Fatalf("refused sign-off recorded as %q (%v)", result, err)
	}
	st, _ = s.AuditState(ctx)
	if st.Anchored != st.Records {
		t.Errorf("the refused sign-off left the tail unsigned: %d of %d anchored", st.Anchored, st.Records)
	}
}

// TestNULAndUnreachable: a NUL byte in a text param is E_TYPE before any
// database sees it, and a ledger that cannot be reached has its own code.
func TestNULAndUnreachable(t *testing.T) {
	if _, err := paramText(&catalog.Param{Name: "memo", Type: "string"}, "court\x00order"); CodeOf(err) != "E_TYPE" {
		t.Errorf("NUL in text: %v", err)
	}
	_, err := Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", Options{})
	if CodeOf(err) != "E_DB_UNREACHABLE" {
		t.Errorf("an unreachable ledger: %v", err)
	}
}
