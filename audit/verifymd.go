package audit

// verifyTemplate is VERIFY.md; {{...}} are replaced by computed vectors.
// A verifier written only from this text must accept and reject exactly
// the bundles VerifyBundle does.
const verifyTemplate = `# How to verify this Guitai audit bundle (guitai-audit-bundle/2)

This archive (tar) proves that the records in entries.jsonl are exactly
records from..to of the audit log named by the checkpoint origin, that
nothing in that range was changed, removed, inserted or reordered, and
that they belong to the log whose newest signed size is tree_size.
Everything below can be checked with SM3, SM2 (and Ed25519 for witness
cosignatures) alone.

Trust: nothing inside the bundle is trusted by itself. The verifier needs
the log's FIRST public key (the anchor) from outside the bundle and
compares it with keys.json "anchor"; keys rotate inside the log, so the
anchor stays valid after rotations. Without an outside anchor a bundle only
shows that it is consistent with itself (auditctl --allow-self-signed).

## 1. Algorithms
- SM3: GB/T 32905-2016. SM3("abc") = {{ABC}}
- SM2 signatures: GB/T 32918.2-2016 on the SM2 recommended curve. The
  distinguishing ID is the default ID "1234567812345678" (16 ASCII bytes,
  ENTL = 0x0080 bits): Z_A = SM3(ENTL(2 bytes, big-endian bit length of ID) ||
  ID || a || b || xG || yG || xA || yA), e = SM3(Z_A || M). The message M
  is the exact bytes named in each section, never pre-hashed by the signer.
  Signatures are ASN.1 DER SEQUENCE { r INTEGER, s INTEGER }.
- SM2 test vector (GB/T 32918.2 example key, message "message digest"):

      private key d = {{SM2D}}
      public x      = {{SM2X}}
      public y      = {{SM2Y}}
      ID            = 31323334353637383132333435363738 ("1234567812345678")
      M             = 6d65737361676520646967657374 ("message digest")
      Z_A           = {{SM2ZA}}
      e             = {{SM2E}}
      r             = {{SM2R}}
      s             = {{SM2S}}
      DER signature = {{SM2DER}}

- Public keys: PEM "PUBLIC KEY" (pubkey.pem) or base64 (keys.json) of the
  PKIX SubjectPublicKeyInfo DER, algorithm id-ecPublicKey
  (1.2.840.10045.2.1) with curve SM2 (1.2.156.10197.1.301), uncompressed
  point 0x04 || X(32) || Y(32).

## 2. Record encoding (the only bytes ever hashed)
    u8   version = 1
    u64  seq (big-endian)
    i64  time, Unix nanoseconds UTC (big-endian, two's complement) = JSON "time_ns"
    7 x (u32 big-endian byte length || UTF-8 bytes):
         teller, authorizer, terminal, branch, action, object, result
    32   payload_digest
    32   prev_hash (all zero for seq 1)

Example: seq 1, time_ns 1795426200000000000 (2026-11-23T09:30:00Z), teller
T001, authorizer S001, terminal T07, branch 0101, action posting, object
J000001, result ok, payload_digest SM3("abc"), prev_hash zero:

    encoding = {{ENC}}
    leaf     = {{LEAF}}

There is no other time field: a record's only time is time_ns, and it is
hashed.

## 3. Hash chain and Merkle tree (RFC 9162 section 2.1 with SM3)
- leaf_hash = SM3(0x00 || encoding); prev_hash of seq n = leaf_hash of seq n-1.
- node = SM3(0x01 || left || right); the tree over leaves 0..n-1 splits at
  the largest power of two smaller than n (RFC 9162 MTH).
- Index convention: the leaf index of record seq is seq - 1. Tree sizes
  are record counts: the checkpoint of size s covers seq 1..s.
- Empty tree root = SM3("") = {{EMPTY}}
- Vectors with the leaf above: node(leaf, leaf) = {{NODE}};
  root of the 3-leaf tree [leaf, leaf, leaf] = {{ROOT3}}
- Inclusion proofs are RFC 9162 2.1.3 PATH(index, D[tree_size]) and
  consistency proofs RFC 9162 2.1.4 PROOF(size, D[tree_size]), as lists of
  hashes from the leaf (or the old tree) upwards, and are checked with the
  RFC 9162 2.1.3.2 and 2.1.4.2 algorithms.
- A compact range of leaves [a, b) is the list of roots of the perfect
  subtrees that cover it, left to right, each the largest aligned power of
  two that fits: for [0, m) their sizes are the one bits of m from the
  highest down.

## 4. Signed notes (checkpoints.json)
A checkpoint (C2SP tlog-checkpoint, signed-note) is the text

    <origin>\n<size in decimal, no leading zeros>\n<base64 std (with =) of the 32-byte root>\n

followed by an empty line and one or more signature lines, each

    U+2014 (em dash, bytes e2 80 94) SPACE <key name> SPACE <base64 std of signature blob> \n

for example "— {{KIDORIGIN}} <base64>".

The log's line has key name = origin and blob = key_id(4) || SM2 DER
signature over the three body lines above (including each line's \n, not
the empty line). key_id = the first 4 bytes of
SM3(key name || 0x0a || 0x53 || 0x04 || X(32) || Y(32)); 0x53 is the note
signature type of SM2 keys. Example: origin {{KIDORIGIN}} with the test
vector key above has key_id {{KID}}.
A line whose key name and key_id do not match the expected key is
ignored; at least one line must be a valid SM2 signature by the key
active at that size. Other lines may be witness cosignatures
(C2SP tlog-cosignature, cosignature/v1): blob = key_id(4) || time(8,
big-endian Unix seconds) || Ed25519 signature(64) over
"cosignature/v1\ntime " <time in decimal> "\n" <the checkpoint body>,
key_id = the first 4 bytes of SHA-256(witness name || 0x0a || 0x04 ||
Ed25519 public key(32)); a witness verifier key is written
name+hex(key_id)+base64(0x04 || public key). When a witness key is given,
every line by that name and key_id must verify and at least one checkpoint
must carry one.

## 5. Key rotation
A rotation is a record with action "audit.key.rotate" whose object is the
new key (base64 std of PKIX DER) and whose result is base64 std of the SM2
DER signature by the key active before it over the bytes

    "guitai audit key rotation\n" <origin> "\n" <seq in decimal> "\n"
    <prev_hash of the rotation record, 64 lower-case hex digits> "\n"
    <object, exactly as in the record> "\n"

The key for a checkpoint of size s is the anchor followed through every
rotation with seq <= s. (A rotation record is covered by checkpoints of
the NEW key.)

## 6. Files and JSON rules
The archive is a POSIX tar (ustar or PAX headers) with exactly these
eight members, each once, each a regular file (type '0'), no others:
VERIFY.md, pubkey.pem, keys.json, checkpoints.json, proofs.json,
entries.jsonl, manifest.json, manifest.sig. pubkey.pem, keys.json,
checkpoints.json and proofs.json must come before entries.jsonl (it is
checked as a stream); the exporter writes them in the order listed.

JSON rules for every .json file and every line of entries.jsonl: UTF-8;
member names in exactly the case shown; every member shown is present,
exactly once, and there are no others; lists are arrays, never null (an
empty list is []); numbers are non-negative decimal integers (time_ns may
be negative); hashes are strings of 64 hex digits; keys and signatures are
base64 std strings with padding.

- manifest.json: {"format": "guitai-audit-bundle/2", "origin": string,
  "from": number, "to": number, "tree_size": number, "files": [{"name":
  string, "size": number, "sm3": hash}, ...]} listing the six other files
  in the order above. It must be byte-identical to its own re-serialisation:
  members in that order, 2-space indentation, one member or array element
  per line, ": " after names, no trailing spaces, a final \n, strings
  escaped only where JSON requires (\" \\ and control characters).
- manifest.sig: the raw SM2 DER signature over the exact bytes of
  manifest.json by the key in pubkey.pem.
- pubkey.pem: the key active at tree_size.
- keys.json: {"anchor": base64 PKIX DER, "rotations": [{"entry": ENTRY,
  "inclusion": [hash, ...]}, ...]}: every rotation record in seq 1..tree_size,
  in increasing seq, each with its inclusion proof for tree_size.
- checkpoints.json: {"origin": string, "notes": [string, ...]}: EVERY
  checkpoint the log signed up to tree_size, strictly increasing in size;
  the last is of size tree_size. Every note must carry the origin given.
- proofs.json: {"tree_size", "from", "to": numbers, "left": [hash],
  "right": [hash], "inclusion": [{"seq": number, "path": [hash]}],
  "consistency": [{"size": number, "path": [hash]}], "prev": {"seq":
  number, "leaf_hash": hash, "path": [hash]}}.
  left = compact range of leaves [0, from-1); right = compact range of
  leaves [to, tree_size); inclusion = proofs for seq from and seq to (one
  element when from = to); consistency = one proof per note except the
  last, in the same order, from that note's size to tree_size; prev = the
  record before the range: seq from-1, its leaf_hash and its inclusion
  proof for tree_size, or seq 0, the all-zero hash and [] when from = 1.
- entries.jsonl: records from..to, one per line, each line ENTRY followed
  by \n. ENTRY = {"seq": number, "time_ns": number, "teller": string,
  "authorizer": string, "terminal": string, "branch": string, "action":
  string, "object": string, "result": string, "payload_digest": hash,
  "prev_hash": hash, "leaf_hash": hash}. A line is at most 1 MiB.

## 7. Procedure (any failure: the bundle is bad)
1. Read the tar under the member rules. Verify manifest.sig over
   manifest.json with pubkey.pem, manifest.json's form and format, then
   every listed file's size and SM3. manifest.json's origin, from, to and
   tree_size must equal checkpoints.json's origin and proofs.json's from,
   to and tree_size.
2. keys.json anchor must equal the trusted anchor. From it, follow the
   rotations: each must verify (section 5) with the previous key and be
   included (its leaf at index seq-1) in the newest checkpoint's root; the
   final key must equal pubkey.pem.
3. checkpoints.json: every note parses, is for the origin, is signed by the
   key active at its size, sizes strictly increase, the last has size
   tree_size; each older note's consistency proof verifies from its root to
   the newest root.
4. proofs.json: 1 <= from <= to <= tree_size; prev as described, its
   inclusion proof verifying against the newest root when seq > 0.
5. entries.jsonl: line k has seq from+k-1; leaf_hash = SM3(0x00 ||
   encoding); prev_hash of the first line = prev.leaf_hash (the zero hash
   when from = 1), of every other line = leaf_hash of the line before; a
   rotation record appears in keys.json with the same leaf; the inclusion
   proofs of seq from and to verify; after each record, a checkpoint of
   that size must have the root of the leaves so far (left range + entries).
6. Start from the left range, add every entry's leaf, merge the right
   range; the result must equal the newest checkpoint's root. This proves
   the range is complete and unmodified, with no tail cut off.
7. Witness notes kept outside the bundle (a witness's newest cosigned
   checkpoint): the bundle must hold a checkpoint of the same origin, size
   and root, or it does not extend what the witness saw.
`
