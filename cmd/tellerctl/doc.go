// Command tellerctl is branch IT's tool for the Guitai ledger: initialise a
// database, manage users, post transactions from scripts, print the
// end-of-day report and check the transaction catalog. See package
// guitai/ledger/cli for the commands and exit codes.
package main
