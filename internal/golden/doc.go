// Package golden compares what a test produced with a file kept in the
// package's testdata, and rewrites that file when the tests run with
// -update:
//
//	golden.Check(t, "testdata/record1.txt", got)
//
//	go test ./audit -run TestRecordEncoding -update   # accept the new output
//
// The -update flag is registered here, once, for every test binary that
// imports the package; a package's tests must not define their own.
package golden
