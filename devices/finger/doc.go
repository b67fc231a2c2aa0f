// Package finger drives R30x/ZFM optical fingerprint modules (R305, R307,
// ZFM-20, AS608 and clones) over a serial line with go.bug.st/serial, and
// simulates one on a real pty ([Sim]).
//
// # Frames
//
// Every packet is
//
//	EF 01 | address (4) | PID (1) | length (2) | payload | checksum (2)
//
// big-endian, where length counts the payload and the checksum, and the
// checksum is the low 16 bits of the sum of the PID, the two length bytes
// and the payload bytes. PID 01 is a command, 02 a data packet, 07 an
// acknowledgement (its first payload byte is the confirmation code) and 08
// the last data packet.
package finger
