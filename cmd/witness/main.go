// Command witness is the branch server's C2SP tlog-witness for Guitai
// terminals' audit logs; see package guitai/witness.
//
//	witness -keygen witness.branch-0101 -key witness.key -vkey witness.vkey
//	witness -listen 127.0.0.1:8099 -origin guitai/ledger -log-key terminal.key.pub -key witness.key -state witness.state
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"guitai/witness"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := witness.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
