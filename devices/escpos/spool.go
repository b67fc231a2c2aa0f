package escpos

import (
	"context"
	"sync"
)

// jobPrinter is what a Spool prints on; *Printer satisfies it.
type jobPrinter interface {
	Print(ctx context.Context, job Job) error
}

// Spool is the reprint queue: receipts of committed transactions that
// could not be printed wait here, in order, until the teller has fixed the
// printer. Because a Printer never prints a job ID twice, retrying is safe.
// A Spool is safe for concurrent use; the zero Spool is empty.
type Spool struct {
	mu   sync.Mutex
	jobs []Job
}

// Print prints job, or queues it if printing fails (and returns the error,
// so the teller is told). Jobs already waiting go first, so receipts come
// out in order.
func (s *Spool) Print(ctx context.Context, p jobPrinter, job Job) error {
	s.mu.Lock()
	s.jobs = append(s.jobs, job)
	s.mu.Unlock()
	_, err := s.Retry(ctx, p)
	return err
}

// Retry prints the waiting jobs in order and stops at the first failure.
// It returns how many were printed.
func (s *Spool) Retry(ctx context.Context, p jobPrinter) (int, error) {
	n := 0
	for {
		s.mu.Lock()
		if len(s.jobs) == 0 {
			s.mu.Unlock()
			return n, nil
		}
		job := s.jobs[0]
		s.mu.Unlock()
		if err := p.Print(ctx, job); err != nil {
			return n, err
		}
		s.mu.Lock()
		if len(s.jobs) > 0 && s.jobs[0].ID == job.ID {
			s.jobs = s.jobs[1:]
		}
		s.mu.Unlock()
		n++
	}
}

// Pending returns the IDs of the waiting jobs, oldest first.
func (s *Spool) Pending() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(s.jobs))
	for i, j := range s.jobs {
		ids[i] = j.ID
	}
	return ids
}
