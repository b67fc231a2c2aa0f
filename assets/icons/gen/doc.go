// Command gen draws the application icons in assets/icons: the teller's
// (柜 on a bank-red rounded square) and the designer's (设 on blue), each
// at 256 and at 48 pixels, the small one drawn at its own size rather than
// scaled down so the character stays sharp in a launcher or a task bar.
//
//	go run ./assets/icons/gen [-dir assets/icons] [-font FILE]
//
// It needs the Noto CJK font of fonts-noto-cjk (or -font).
package main
