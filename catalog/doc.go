// Package catalog reads the transaction catalog (assets/txns/<id>.txn.json)
// and checks forms against it, without a database: the ledger executes the
// transactions it describes, and the form designer shows and checks a
// form's bindings with it, without linking the ledger's SQL drivers.
//
// # Steps
//
// A transaction's steps run in order in one database transaction. A step
// is either SQL, written once for SQLite and PostgreSQL with :name
// parameters (a param, a context value of ContextNames, or a value an
// earlier step returned), or a call of a built-in function:
//
//	{"call": "interest.settle",
//	 "args": {"principal": "principal", "rate": "rate", "term": "term_months",
//	          "opened": "opened", "closed": "business_date", "demand_rate": "demand_rate"},
//	 "returning": {"interest": "money", "maturity": "date"},
//	 "field": "principal"}
//
// Built-in functions (Funcs) do what SQL cannot do alike on both databases
// or must not do in SQL at all: interest by the PBOC rules for savings
// (package guitai/interest, where the rules are cited) and a PIN's salted
// slow hash. Args map each argument to the name it is read from; every
// argument is required. Returning keeps the results that later steps and
// the receipt name, under the result's own name, with the signature's
// type. A function that refuses its arguments (a closing date before the
// opening date, a second partial withdrawal, a PIN that is not 6 digits)
// fails the step with its own code at the step's field; nothing is posted.
//
// # PINs and secrets
//
// A param of type "pin" is a 6-digit PIN: the ledger refuses any other
// text (E_PIN_SYNTAX at the param), and the value reaches the built-in
// functions only (pin.check, pin.hash, pin.verify): no SQL step may name
// it (Check refuses one that does), so a PIN is never sent to the
// database, not even to compare it, and never reaches the journal's
// result, the receipt or the request digest of the audit log. A returned value of type "secret" (pin.hash's hash, a stored
// hash a step reads for pin.verify, pin.verify's ok) is kept for the later
// steps only. A wrong PIN is refused with E_PIN_MISMATCH, and the ledger
// counts it against the transaction's account (accounts.pin_failures) in
// the refusal's own database transaction, since the posting is rolled
// back (see pin_change.txn.json).
package catalog
