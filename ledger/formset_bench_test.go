package ledger_test

import (
	"context"
	"fmt"
	"testing"

	"guitai/assets"
	"guitai/audit"
	"guitai/ledger"
	"guitai/release"
)

// BenchmarkFormSet100 is a terminal's read of its forms with 100 release
// packages active for its branch (each a form and its transaction, copies
// of release/testdata/status_freeze under new ids): what a teller waits
// for at sign-on, and again whenever a poll sees a change.
//
//	go test -run XXX -bench FormSet100 ./ledger/
func BenchmarkFormSet100(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, "sqlite")
	forms, err := assets.Forms()
	if err != nil {
		b.Fatal(err)
	}
	r, err := e.store.Releases(release.Builtin(forms, e.exec.Catalog()))
	if err != nil {
		b.Fatal(err)
	}
	k, err := audit.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	for i := range 100 {
		p, err := release.Load("../release/testdata/status_freeze")
		if err != nil {
			b.Fatal(err)
		}
		id := fmt.Sprintf("bench_freeze_%03d", i)
		f, t := p.Forms[0], p.Txns[0]
		f.ID, f.Code, f.Submit.Txn, t.ID, t.Code = id, fmt.Sprintf("9%03d", i), id, id, fmt.Sprintf("9%03d", i)
		p.ID, p.Menu = id, nil
		info, err := r.Submit(ctx, p, T1, k)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Approve(ctx, info.Ref(), info.Digest, SUP); err != nil {
			b.Fatal(err)
		}
		if err := r.Activate(ctx, info.Ref(), SUP, release.Branch("0101")); err != nil {
			b.Fatal(err)
		}
	}
	read := func(b *testing.B, r *ledger.Releases) {
		fs, err := r.FormSet(ctx, "0101", "T-01")
		if err != nil || len(fs.SetAside) != 0 || len(fs.Forms) < 100 {
			b.Fatal(err, fs)
		}
	}
	// cold: a terminal starting (every package verified, decoded and
	// checked); warm: a poll that saw a change (packages cached by digest).
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			fresh, err := e.store.Releases(release.Builtin(forms, e.exec.Catalog()))
			if err != nil {
				b.Fatal(err)
			}
			read(b, fresh)
		}
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			read(b, r)
		}
	})
}
