// Package emv reads PBOC 3.0 / EMV chip cards: a BER-TLV parser, the APDU
// exchange with T=0 GET RESPONSE (61xx) and wrong-length (6Cxx) handling,
// the application selection of EMV Book 1 §12 (PSE before PPSE on a
// contact reader, else the list of UnionPay AIDs; candidates by priority;
// an application whose GPO answers 6985 dropped for the next), the read
// flow (GET PROCESSING OPTIONS with the PDOL, the AFL and READ RECORD),
// and [VirtualCard], an EMV-conformant card with a real file structure for
// tests and demos, in two layouts ([NewVirtualCard], [NewMultiAppCard]).
//
// The PAN is masked (first 4 and last 4 digits kept) in everything this
// package logs or prints; only [Card].PAN holds it in full.
package emv
