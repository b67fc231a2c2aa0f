// Package pcsctest starts Debian's pcscd with vsmartcard's vpcd driver for
// tests, on a free TCP port, and stops it afterwards.
package pcsctest
