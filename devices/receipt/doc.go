// Package receipt lays out teller receipts from the templates embedded in
// guitai/assets (deposit, withdrawal, transfer, reversal, dayend) and
// renders the layout as ESC/POS bytes or as a PNG preview.
//
// A template is a Go text template whose output is line markup: a line
// starting with '.' is a directive, any other line is printed text.
//
//	.init .left .center .right .bold .nobold .double .normal
//	.rule [char]           a full-width line of '=' (or char)
//	.kv label|value        label left, value right-aligned
//	.cols a|b|c            a table row: name, count, amount
//	.feed n  .cut  .drawer
//	.qr data  .code128 data
//
// Templates get the functions mask (first 4 and last 4 characters kept),
// and the money.Fen methods Grouped and Upper (大写).
package receipt
