// Package ui is the form designer's window: palette, design canvas,
// outline, property inspector, JSON source, problems and preview, all
// views of one designer.Document and all editing it through its op log.
// With a designer.Recovery configured it autosaves a draft a few seconds
// after each change and offers it back on opening. cmd/designer only
// wires it up.
package ui
