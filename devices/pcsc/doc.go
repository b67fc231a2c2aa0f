// Package pcsc reads IC cards through pcscd with the pure-Go client in
// guitai/devices/pcsc/pcsclite, a patched copy of
// github.com/gballet/go-libpcsclite that negotiates T=0 or T=1 and honours
// contexts ([Reader]), and connects virtual cards
// to vsmartcard's vpcd driver ([InsertVPCD]) so that the whole stack can be
// tested with no hardware.
package pcsc
