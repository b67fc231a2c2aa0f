// Package audit is Guitai's tamper-evident audit log.
//
// Every audited action becomes a [Record]. Records are appended inside the
// caller's database transaction ([Log.Append]), so an audit record commits
// or rolls back together with the business change it describes.
//
// Two independent structures protect the log:
//
//   - a hash chain: each record carries the leaf hash of its predecessor
//     (PrevHash), which lets a verifier name the first bad record and say
//     what happened to it (modified, deleted, inserted, reordered);
//   - a Merkle tree in the shape of RFC 9162 with SM3 (GB/T 32905):
//     leaf = SM3(0x00 || record), node = SM3(0x01 || left || right).
//
// Signed checkpoints (C2SP signed-note text: origin, size, base64 root)
// are made with SM2 (GB/T 32918) through a [crypto.Signer], so a USB key or
// HSM can replace the encrypted PKCS#8 key file. A checkpoint pins the
// whole prefix of the log, so deleting the tail after it, or replacing the
// tail with a re-hashed forgery made without the key, is detected.
//
// [Log.Verify] walks a log and reports the first bad sequence number and
// a [Kind]. With [VerifyOptions.Interval] it also fails when more records
// in a row than the writer's checkpoint interval are unsigned
// ([KindUnsigned]: checkpoints deleted), and it always checks each
// checkpoint row's stored frontier ([KindBadFrontier]; recovery:
// [Log.RepairFrontiers]). No checkpoint is ever signed for a tree smaller
// than a stored one, or for a size that has one with another root.
//
// [Log.Export] writes a self-verifying bundle, only for a log that
// verifies, and [VerifyBundleWith] checks one offline against an anchor
// key from outside the bundle; the bundle's VERIFY.md states everything
// an independent verifier needs.
//
// Witness: [Log.Witness] sends the newest checkpoint to a C2SP
// tlog-witness (package guitai/witness, its own process) with a
// consistency proof and stores the witness's Ed25519 cosignature/v1 line
// in the note. Call it after the transaction holding a checkpoint commits
// (never inside it: it does network I/O). Verify and VerifyBundleWith take
// witness keys and kept witness notes.
//
// Retention: the application never deletes. [Log.Archive] (auditctl
// archive) moves records older than the retention period (default 180
// days) into a sealed, signed segment file, keeping their leaf hashes, so
// verification and proofs still span the boundary and [Log.VerifySegment]
// ties each segment to the database.
//
// The package never imports the ledger: the ledger declares a small
// interface with the Append method and passes its *sql.Tx.
package audit
