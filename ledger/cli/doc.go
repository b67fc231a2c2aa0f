// Package cli is tellerctl: branch IT's command line over the ledger. The
// main package only calls Run, so every command is tested here.
//
// Usage:
//
//	tellerctl [--db PATH|URL] [--json] [--as ADMIN] COMMAND ...
//
//	init [--demo] [--date YYYY-MM-DD]      migrate; --demo seeds 2 branches, 4 tellers,
//	                                       2 supervisors, 200 customers, 500 accounts
//	user add ID --name N --branch B --role teller|supervisor|admin
//	user passwd ID | user role ID ROLE | user lock ID | user unlock ID
//	user enroll-finger ID --port DEV [--baud 57600] [--module M] [--page N] [--timeout 30s]
//	                                       enroll on the fingerprint module (two presses
//	                                       of the same finger) and record its page
//	user remove-finger ID [--module M] [--page N] [--port DEV]
//	                                       forget the user's pages (all on the module
//	                                       without --page); with --port delete the templates
//	user fingers ID                        list the user's enrolled fingers
//	finger identify --port DEV [--module M] [--timeout 30s]
//	                                       whose finger is on the sensor
//	post TXN key=value... --teller T [--authorizer S [--authorizer2 S2]] [--key K]
//	                                       the teller's password, then the authorizers',
//	                                       then for a cash handover under dual control
//	                                       the other teller's, on standard input
//	                                       (a replayed --key says "replayed" and posts nothing)
//	eod [--branch B]                       end-of-day report; balances re-derived from postings
//	policy list                            the authorization policy (the four-eyes rule)
//	policy set TXN --threshold AMOUNT --role supervisor|admin [--authorizers 1|2]
//	                                       postings of TXN over AMOUNT (yuan) need 1 or 2
//	                                       authorizers of ROLE, whatever the form says;
//	                                       the change is audited with --as
//	catalog check                          forms ↔ transactions, SQL ↔ live schema
//	forms submit FILE|DIR --as USER [--version N] [--key terminal.key]
//	forms approve ID@VERSION --as USER [--digest HEX]
//	forms activate ID@VERSION [--branch B]... [--terminal T]... --as USER
//	forms rollback ID [--branch B | --terminal T] --as USER
//	forms list | forms show ID@VERSION | forms diff ID@A ID@B
//	forms resolve FORM --branch B [--terminal T]
//	                                       release packages of forms and transactions:
//	                                       submitted, approved by another supervisor,
//	                                       activated for all branches, some, or pilot
//	                                       terminals, rolled back; every step audited
//	interest --principal AMOUNT --rate PCT --term MONTHS --opened D --closed D
//	         [--demand-rate PCT] [--withdraw AMOUNT]
//	                                       interest on closing a term deposit (PBOC
//	                                       rules: full term, early, overdue, partial)
//	aml report [--date D] [--branch B]     large cash (大额): customers with cash in or
//	                                       out of 50,000.00 or more on a business day
//
// --db defaults to $GUITAI_DB, else the SQLite file guitai/guitai.db in the
// user's data directory. Passwords are read from standard input, a line
// each (user add, user passwd; post: the teller's, then --authorizer's, then
// the handover's other teller's),
// never from arguments.
//
// Opening the ledger installs its audit log, so every change tellerctl
// makes is recorded in the same database transaction, with the admin who
// made it: --as ADMIN, else os:USER@HOST. Records wait for the next
// checkpoint a terminal signs (tellerctl holds no terminal key).
// $GUITAI_MASTER_KEY (hex) keys the ID-number encryption; without it the
// demo key is used and a warning printed.
//
// A fingerprint module (R30x/ZFM, package devices/finger) is reached on the
// serial device --port at --baud (57600). Its id in the ledger, the
// "module" of every enrolled page, is --module, else the --port path; use
// the same id on the workstation that verifies fingers. --page defaults to
// the lowest page of the module enrolled for nobody (below --capacity,
// 1000). --timeout bounds the wait for a finger on the sensor.
//
// Exit codes:
//
//	0  success
//	1  refused by the ledger (a coded error: bad input, insufficient funds, ...)
//	2  usage error
//	3  database or I/O failure
//	4  check failed (catalog check, eod books unsound or day not ready)
//	5  fingerprint device: no finger placed in time (E_FINGER_NONE), no
//	   match (E_FINGER_NO_MATCH), unusable image (E_FINGER_BAD_IMAGE), the
//	   module did not answer (E_FINGER_TIMEOUT), garbled reply
//	   (E_FINGER_CHECKSUM) or another module failure (E_FINGER_DEVICE)
package cli
