// Package teller is the teller's window: the menu of business forms, the
// fast-path code box, search, and the form host that renders the chosen form,
// validates it and submits it. cmd/teller only wires it up.
package teller
