// Package pinpad drives an external PIN pad (密码键盘) over a serial line
// with go.bug.st/serial, and simulates one on a real pty ([Sim]).
//
// The teller never sees the PIN: the customer types it on the pad, the
// pad reports only how many digits are in (so the window can show ●●●●),
// and when the customer presses Enter it sends the PIN as an ISO 9564
// format-0 PIN block encrypted with SM4 under the working key the driver
// loaded at Claim. [Pad.ReadPIN] returns that ciphertext as a [*PIN];
// [Pad.Reveal] decrypts it into a buffer it zeroes afterwards, for the one
// place that needs the digits.
//
// # Frames
//
// Every frame is
//
//	STX (02) | type (1) | length (2) | payload | ETX (03) | BCC (1)
//
// where length is the big-endian count of payload bytes and BCC is the XOR
// of every byte from type to ETX. The host sends commands (types 0x30 to
// 0x3F); the pad answers each with an acknowledgement (type 0x06, whose
// first payload byte is a [Status]) and, while a PIN is being entered,
// sends events: keys (0x41, the count of digits entered, 0 after Clear),
// enter (0x42, the count of digits and the encrypted PIN block), cancel (0x43, the customer
// pressed Cancel) and timeout (0x44, the pad's own entry timer ran out).
//
// # Keys
//
// The working key is an SM4 key the driver makes at Claim; it travels to
// the pad encrypted under the terminal master key (ECB, one block) with a
// 4-byte check value (the first bytes of SM4 of a zero block under it),
// which the pad verifies before it takes the key.
//
// # PIN block
//
// The block is ISO 9564 format 0 widened to SM4's 16 bytes, as SM4 pads
// do: the PIN field is 0, the length, the digits and F nibbles to 32
// nibbles; the account field is the 12 rightmost PAN digits before the
// check digit, right-aligned in zero nibbles; the block is their XOR (see
// [ClearBlock]).
//
// # Secrets
//
// A [*PIN] prints as "PIN(****)" whatever the verb, refuses to marshal to
// JSON and logs redacted with log/slog. No error, event or log line of
// this package carries a digit, and the buffers that held digits (the
// simulator's, Reveal's) are zeroed. The teller window still turns the
// digits into the text of the form's PIN field, which Go cannot wipe,
// because the ledger takes a PIN param as a string; once it takes the
// block ([PIN.Block], [NewPIN]) and opens it with [Key.Open] where it
// hashes the PIN, the window need not reveal it at all.
package pinpad
