package finger

import "io"

var errUnexpectedEOF = io.ErrUnexpectedEOF
