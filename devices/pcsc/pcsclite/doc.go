// Package pcsclite is a pure-Go client of pcscd's socket protocol, derived
// from github.com/gballet/go-libpcsclite (v0.0.0-20191108122812-4678299bea08,
// BSD 3-Clause, LICENSE kept beside this file).
//
// What changed from upstream, each a small patch that could go back to it:
//
//   - Protocol negotiation: Connect takes the protocols the caller accepts
//     (ProtocolT0|ProtocolT1 for EMV) and keeps the active protocol that
//     pcscd returns, read at its right offset in the reply (upstream read
//     the preferred-protocols field back).
//   - Transmit sends the active protocol's PCI (upstream hard-coded T=1, so
//     a T=0-only card failed with SCARD_E_PROTO_MISMATCH).
//   - Every call takes a context.Context. Its deadline and cancellation
//     are applied to the socket, so a card that never answers cannot hold
//     the caller. pcscd serves one request at a time per socket and still
//     answers the abandoned one later, so a client whose call was cut short
//     is closed and says so with ErrBroken; the caller opens a new one.
//   - Errors are values: a PC/SC return code is an ErrorCode (errors.As),
//     not a formatted string.
//   - ReaderStates decodes pcscd's reader-state records at the C layout's
//     offsets (state bits, ATR, protocol) instead of a Go struct's.
//
// Only what the teller needs is kept: contexts, reader list and states,
// connect, transmit, disconnect.
package pcsclite
