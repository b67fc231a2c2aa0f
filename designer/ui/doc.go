// Package ui is the form designer's window: palette, design canvas,
// outline, property inspector, JSON source, problems and preview, all
// views of one designer.Document and all editing it through its op log.
// cmd/designer only wires it up.
package ui
