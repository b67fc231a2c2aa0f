package main

import (
	"context"
	"fmt"
	"sync"

	"guitai/dsl"
	"guitai/ledger"
)

// liveForms is the forms this terminal opens as the ledger's release
// packages give them, read again whenever what terminals resolve changes
// (teller.Config.FormSource): a package approved and activated for the
// branch or the terminal reaches a running teller within a poll, with no
// restart. Every set read is pinned in the executor, so a form a teller
// opened before a change posts with the package version it came from.
type liveForms struct {
	ctx              context.Context
	rel              *ledger.Releases
	exec             *ledger.Executor
	branch, terminal string

	mu   sync.Mutex
	last *ledger.FormSet
}

// read is the shell's FormSource: one small query while nothing changed,
// the whole set when the generation moved.
func (l *liveForms) read() ([]*dsl.Form, string, []string, error) {
	gen, err := l.rel.Generation(l.ctx)
	if err != nil {
		return nil, "", nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil || l.last.Generation != gen {
		fs, err := l.rel.FormSet(l.ctx, l.branch, l.terminal)
		if err != nil {
			return nil, "", nil, err
		}
		l.exec.Pin(fs)
		l.last = fs
	}
	var aside []string
	for _, sa := range l.last.SetAside {
		aside = append(aside, fmt.Sprintf("%s: %v", sa.Ref, sa.Err))
	}
	return l.last.Forms, l.last.Generation, aside, nil
}
