// Package manpage turns a command's own help output into a manual page in
// roff (man(7)), so the Debian package's man pages say what the binaries
// say and cannot drift from them. It reads the shapes Guitai's commands
// print: "usage: NAME …" lines (and continuation lines starting with NAME)
// or a "Usage:" heading over indented NAME lines, as go doc prints them,
// become the SYNOPSIS; Go flag package listings ("Usage of NAME SUB:" and
// "  -flag type" / "    \tdescription") become OPTIONS, one subsection per
// subcommand; an indented block right under the usage line is COMMANDS; a
// paragraph starting "exit codes" or an "Exit codes:" heading with its
// indented list is EXIT STATUS; other indented lines are kept as they are
// and the rest is running text. gen (go run ./internal/manpage/gen) is the
// command ./dev package runs.
package manpage
