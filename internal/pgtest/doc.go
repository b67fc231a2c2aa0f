// Package pgtest starts a throwaway PostgreSQL server for tests: initdb and
// pg_ctl from the Debian packages, run as the postgres user when the test
// runs as root (PostgreSQL refuses root), in a temporary directory, on a
// free port of 127.0.0.1. Nothing depends on a server started by hand.
package pgtest
