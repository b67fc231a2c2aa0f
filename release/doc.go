// Package release is the change control of forms (ISSUE 17 §1): a release
// package holds forms (dsl), the catalog transactions they post, and
// optionally zh/en error messages and a menu placement per form. It is
// DB-free and Fyne-free; the ledger stores packages, their approvals and
// activations (ledger/release.go), and tellerctl forms drives them.
//
// A package is identified by ID@Version. Its canonical bytes (Canonical)
// are one JSON object with its forms in dsl's canonical encoding and its
// transactions strictly re-encoded, each list sorted by id; its digest is
// SM3 over those bytes, hex. Version 1 of every package is the built-in
// one (the forms and catalog compiled into the programs, Builtin):
// submitted packages are numbered from 2, and an ID@Version, once
// submitted, never names other content.
//
// The lifecycle is draft (a Package in memory, not yet in the ledger) →
// submitted (stored, signed, immutable) → approved (by a second person,
// the approval bound to the digest) → active for a target (all branches,
// a branch, a terminal) → superseded by another version for that target,
// or rolled back (the previous version re-activated). Nothing is deleted.
//
// Resolution: for a form id, a terminal target beats a branch target,
// which beats all branches; without an active package the built-in
// version 1 is used.
package release
