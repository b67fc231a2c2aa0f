package audit

// verifyTemplate is VERIFY.md; {{...}} are replaced by computed vectors.
const verifyTemplate = `# How to verify this Guitai audit bundle

This archive (tar) proves that the records in entries.jsonl are exactly
records from..to of the audit log named by the checkpoint origin, that
nothing in that range was changed, removed, inserted or reordered, and
that they belong to the log whose newest signed size is tree_size.
Everything below can be checked with SM3 and SM2 alone.

## Algorithms
- SM3: GB/T 32905-2016. SM3("abc") = {{ABC}}
- SM2 signatures: GB/T 32918.2-2016 on the SM2 recommended curve, user ID
  "1234567812345678", signature ASN.1 DER SEQUENCE { r INTEGER, s INTEGER }.
  The message is signed directly (e = SM3(Z_A || M)).
- Public keys: PEM "PUBLIC KEY", PKIX SubjectPublicKeyInfo with the SM2 OID.

## Record encoding (the only bytes ever hashed)
    u8   version = 1
    u64  seq (big-endian)
    i64  time, Unix nanoseconds UTC (big-endian)          -> JSON "time_ns"
    7 x (u32 big-endian length || UTF-8 bytes):
         teller, authorizer, terminal, branch, action, object, result
    32   payload_digest (JSON: hex)
    32   prev_hash      (JSON: hex; all zero for seq 1)

Example: seq 1, 2026-11-23T09:30:00Z, teller T001, authorizer S001,
terminal T07, branch 0101, action posting, object J000001, result ok,
payload_digest SM3("abc"), prev_hash zero:

    encoding = {{ENC}}
    leaf     = {{LEAF}}

## Hash chain and Merkle tree (RFC 9162 section 2.1 with SM3)
- leaf_hash = SM3(0x00 || encoding); prev_hash of seq n = leaf_hash of seq n-1.
- node = SM3(0x01 || left || right); the tree over leaves 0..n-1 (leaf
  index = seq - 1) splits at the largest power of two smaller than n.
- Empty tree root = SM3("") = {{EMPTY}}
- Vectors with the leaf above: node(leaf, leaf) = {{NODE}};
  root of the 3-leaf tree [leaf, leaf, leaf] = {{ROOT3}}

## Files
- manifest.json: {format, origin, from, to, tree_size, files[{name,size,sm3}]},
  written as 2-space indented JSON with a final newline.
  manifest.sig: SM2 DER signature over the exact bytes of manifest.json by
  pubkey.pem. Check it first, then the SM3 of every other file.
- pubkey.pem: the key active at tree_size.
- keys.json: anchor (base64 PKIX DER of the log's first key; compare it with
  the key you trust) and rotations: each a record with action
  "audit.key.rotate" whose object is the new key (base64 PKIX DER) and whose
  result is base64 of the previous key's SM2 signature over
  "guitai audit key rotation\n" origin "\n" seq "\n" prev_hash-hex "\n" object "\n",
  with an RFC 9162 inclusion proof (hex hashes) for tree_size.
  The key for a checkpoint of size s is the key after every rotation with seq <= s.
- checkpoints.json: origin and signed notes, smallest size first; the last
  is the newest, of size tree_size. Note text (C2SP signed-note):
      origin "\n" size "\n" base64(root) "\n" "\n"
      "— " origin " " base64(key_id(4) || DER signature) "\n"
  The signature covers the first three lines including their newlines.
  key_id = first 4 bytes of SM3(origin "\n" 0x53 0x04 X(32) Y(32)).
- proofs.json: tree_size, from, to; left = hashes of the perfect subtrees
  covering leaves [0, from-1), right = those covering [to, tree_size),
  each list left to right (greedy largest aligned power of two); inclusion
  proofs (RFC 9162 PATH) for seq from and seq to; a consistency proof
  (RFC 9162 PROOF) from every older checkpoint to tree_size.
- entries.jsonl: one JSON object per record, seq from..to, with leaf_hash.

## Procedure
1. Verify manifest.sig with pubkey.pem, then every file's size and SM3.
2. From the anchor, follow keys.json rotations; the final key must be pubkey.pem.
3. Open every checkpoint with the key active at its size; check each older
   checkpoint's consistency proof against the newest root.
4. For each entry: seq increments by one, leaf_hash = SM3(0x00 || encoding),
   prev_hash = previous leaf_hash; checkpoints inside the range must equal
   the root of the leaves so far.
5. Start from the left subtrees, add every entry's leaf, merge the right
   subtrees; the result must equal the newest checkpoint's root. This proves
   the range is complete and unmodified, with no tail cut off.
`
