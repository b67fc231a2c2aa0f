package ledger

import (
	"context"
	"time"

	"guitai/audit"
)

// This file has the ledger's checkpoints cosigned by the branch's witness
// (Options.Witness: a C2SP tlog-witness run as its own process, package
// witness). The terminal's key sits beside the database, so its holder
// could cut the log and sign a shorter history; the witness refuses to
// cosign any history that does not extend what it cosigned before, and
// verify --witness fails on one it has not cosigned.
//
// Cosigning happens after the transaction that signed a checkpoint has
// committed, off the posting path: the hook kicks a loop that submits the
// newest checkpoint, and a ticker catches up after a failure.

// witnessEvery is how often the loop catches up without a kick.
const witnessEvery = 30 * time.Second

// startWitness starts the cosigning loop; Close stops it.
func (s *Store) startWitness(w *audit.WitnessClient, failed func(error)) {
	s.witnessKick = make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	s.witnessStop = cancel
	s.witnessDone = make(chan struct{})
	go func() {
		defer close(s.witnessDone)
		t := time.NewTicker(witnessEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.witnessKick:
			case <-t.C:
			}
			cctx, stop := context.WithTimeout(ctx, 15*time.Second)
			_, err := s.audit.log.Witness(cctx, s.db.DB, w)
			stop()
			if err != nil && ctx.Err() == nil && failed != nil {
				failed(err)
			}
		}
	}()
}

// kickWitness asks the loop to submit the newest checkpoint; it never
// blocks.
func (s *Store) kickWitness() {
	if s.witnessKick == nil {
		return
	}
	select {
	case s.witnessKick <- struct{}{}:
	default:
	}
}

// stopWitness stops the loop and waits for it.
func (s *Store) stopWitness() {
	if s.witnessStop != nil {
		s.witnessStop()
		<-s.witnessDone
		s.witnessStop = nil
	}
}
