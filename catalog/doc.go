// Package catalog reads the transaction catalog (assets/txns/<id>.txn.json)
// and checks forms against it, without a database: the ledger executes the
// transactions it describes, and the form designer shows and checks a
// form's bindings with it, without linking the ledger's SQL drivers.
package catalog
