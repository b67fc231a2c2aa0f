// Command auditctl verifies, inspects and exports Guitai's audit log.
//
// Usage:
//
//	auditctl keygen --out KEY.pem --pub PUB.pem
//	auditctl checkpoint --db DB --origin O --key KEY.pem [--reason R]
//	auditctl verify --db DB --pubkey ANCHOR.pem [--origin O] [--witness NOTE]... [--segment SEG.tar]... [--json]
//	auditctl show --db DB [--from N] [--to N] [--since T] [--until T] [--teller T] [--action A] [--limit N] [--json]
//	auditctl tail --db DB [-n 20] [--teller T] [--action A] [--json]
//	auditctl export --db DB --pubkey ANCHOR.pem --key KEY.pem [--from N] [--to N] --out FILE.tar
//	auditctl verify-bundle FILE.tar [--pubkey ANCHOR.pem] [--json]
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
// A progress bar is shown on stderr for more than 10,000 records.
package main
