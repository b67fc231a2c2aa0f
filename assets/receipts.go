package assets

import "embed"

// Receipts holds the receipt templates, receipts/<name>.tmpl: Go text
// templates that produce the line markup of guitai/devices/receipt
// (deposit, withdrawal, transfer, reversal, dayend).
//
//go:embed receipts/*.tmpl
var Receipts embed.FS
