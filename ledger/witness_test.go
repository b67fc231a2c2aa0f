package ledger_test

import (
	"context"
	"crypto/ecdsa"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"guitai/audit"
	"guitai/internal/eventually"
	"guitai/ledger"
	"guitai/witness"
)

// TestCheckpointsCosignedByTheWitness: a ledger given the branch's
// witness has each checkpoint it signs cosigned once the transaction that
// signed it commits (a sign-on signs one), without anyone asking.
func TestCheckpointsCosignedByTheWitness(t *testing.T) {
	ctx := context.Background()
	key, err := audit.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer, _, err := audit.GenerateWitnessKey("branch-0101-witness")
	if err != nil {
		t.Fatal(err)
	}
	wkey := signer.WitnessKey
	const origin = "guitai/T-witness"
	srv, err := witness.New(witness.Config{Origin: origin, LogKeys: []*ecdsa.PublicKey{&key.PublicKey}, Signer: signer,
		StateFile: filepath.Join(t.TempDir(), "witness.state")})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	var failures []error
	s, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "l.db"), ledger.Options{Signer: key, Origin: origin,
		PasswordIterations: 1000, Witness: &audit.WitnessClient{URL: hs.URL, Key: wkey},
		WitnessFailed: func(err error) { failures = append(failures, err) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SeedDemo(ctx, ledger.Today()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignOn(ctx, "010101", ledger.DemoPassword, "T01"); err != nil {
		t.Fatal(err)
	}
	eventually.True(t, 20*time.Second, func() bool {
		cps, err := s.AuditLog().Checkpoints(ctx, s.DB())
		return err == nil && len(cps) > 0 && wkey.Cosigned(cps[len(cps)-1].Note)
	}, "the sign-on's checkpoint was not cosigned by the witness (failures %v)", failures)
}
