// Command tellerctl is branch IT's tool for the Guitai ledger: initialise a
// database, manage users, post transactions from scripts, print the
// end-of-day report and check the transaction catalog. See package
// guitai/state/ledger/cli for the commands and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"

	"guitai/state/ledger/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
