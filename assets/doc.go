// Package assets holds what ships inside the binaries: the business forms,
// the transaction catalog, receipt templates, the demo seal specimen and the
// demo seed data. Everything is embedded, so a teller workstation needs no
// files beside its executable.
package assets
