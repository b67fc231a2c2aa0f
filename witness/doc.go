// Package witness is a C2SP tlog-witness for Guitai's audit log, run as
// its own process (the branch server) so that a terminal's key holder
// cannot cut the log and re-sign it alone.
//
// Protocol (https://c2sp.org/tlog-witness): POST /add-checkpoint with the
// body
//
//	old <size the client believes the witness has>\n
//	<base64 consistency proof hash>\n   (zero or more; RFC 9162 PROOF, SM3)
//	\n
//	<signed checkpoint note>
//
// The witness checks the log's SM2 note signature (key type 0x53, see
// guitai/audit) against the keys it was started with, that old equals the
// size it last cosigned (else 409 Conflict with body "<size>\n", content
// type text/x.tlog.size), and the consistency proof from its last
// checkpoint to the new one (else 422); it then stores the new state in
// its state file (written to a temporary file, synced and renamed) and
// answers 200 with a cosignature/v1 line (Ed25519, see
// [audit.WitnessSigner.Cosign]). An unknown origin is 404, a bad log
// signature 403, a malformed request 400.
//
// Extension, not in C2SP: GET /checkpoint?origin=O returns the newest
// checkpoint the witness cosigned for O, with its cosignature, so that a
// verifier can check a log against it (auditctl verify --witness-url).
//
// Existing Go witnesses (filippo.io/torchwood, transparency-dev/witness)
// verify SHA-256 RFC 6962 trees and Ed25519 log keys; this log hashes
// with SM3 and signs with SM2, so the protocol is implemented here, on
// transparency-dev/merkle's proof verification with audit.Hasher.
package witness
