// Package escpos drives ESC/POS receipt printers: a thin command encoder
// (Chinese text as GB18030), the DLE EOT status decoder, TCP and
// character-device transports, the [Printer] driver and a [Decoder] that
// turns a byte stream back into text lines and commands (used by the fake
// printer in tests).
package escpos
