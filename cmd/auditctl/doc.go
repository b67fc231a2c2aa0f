// Command auditctl verifies, inspects and exports Guitai's audit log.
//
// Usage:
//
//	auditctl keygen --out KEY.pem --pub PUB.pem
//	auditctl checkpoint --db DB --origin O --key KEY.pem [--reason R]
//	auditctl verify --db DB --pubkey ANCHOR.pem [--origin O] [--interval 50] [--witness KEY|NOTE]... [--witness-url URL] [--segment SEG.tar]... [--json]
//	auditctl show --db DB [--from N] [--to N] [--since T] [--until T] [--teller T] [--action A] [--limit N] [--json]
//	auditctl tail --db DB [-n 20] [--teller T] [--action A] [--json]
//	auditctl export --db DB --pubkey ANCHOR.pem --key KEY.pem [--from N] [--to N] [--interval 50] --out FILE.tar
//	auditctl verify-bundle FILE.tar --pubkey ANCHOR.pem | --allow-self-signed [--witness KEY|NOTE]... [--json]
//	auditctl repair-frontier --db DB --pubkey ANCHOR.pem
//	auditctl cosign --db DB --witness-url URL --witness WITNESS.vkey
//	auditctl archive --db DB --pubkey ANCHOR.pem --key KEY.pem --through N --out SEG.tar [--retention 4320h]
//
// DB is a SQLite file path or a postgres:// URL. The key password is read
// from --password-file or the GUITAI_AUDIT_PASSWORD environment variable.
// Times for --since/--until are RFC 3339 or YYYY-MM-DD (UTC).
//
// Exit codes:
//
//	0    success; the log or bundle is intact
//	1    verification failed: the first bad seq (or file) and the kind are printed
//	2    usage error
//	3    could not run: database, file, key or password problem
//	130  interrupted by Ctrl-C; no partial output file is left
//
// verify fails (exit 1) when more than --interval records in a row are
// not covered by a signed checkpoint (checkpoints deleted), when a
// checkpoint row's stored frontier disagrees with the records
// ("bad-frontier"; repair-frontier rewrites it after verifying the log),
// and, with --witness, when the log does not extend the newest checkpoint
// the witness cosigned. export never signs a log that fails verify, nor a
// tree smaller than a stored checkpoint. verify-bundle trusts nothing in
// the bundle: the anchor comes from --pubkey.
//
// A progress bar is shown on stderr for more than 10,000 records.
package main
