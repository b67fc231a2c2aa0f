// Package xtest gives a test its own X server, so a test that moves the
// real mouse (xdotool) is not disturbed by the windows of tests running
// at the same time on the shared display of `xvfb-run go test ./...`.
package xtest
