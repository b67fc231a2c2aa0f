// Command gen writes a manual page made from a command's help output,
// read on standard input, to standard output (see package
// guitai/internal/manpage). ./dev package runs it for each binary:
//
//	bin/tellerctl help 2>&1 | go run ./internal/manpage/gen -name tellerctl -summary "…" -source "guitai 0.1.0" > tellerctl.1
package main
