package assets

import _ "embed" // the icons

// The application icons, PNG, drawn by icons/gen (go run ./assets/icons/gen):
// the teller's 柜 on bank red and the designer's 设 on blue, 256×256 for
// the window and the package, 48×48 for a launcher or a task bar. The
// Debian package (./dev package) installs them into the hicolor theme.
var (
	//go:embed icons/teller.png
	TellerIcon []byte
	//go:embed icons/teller-48.png
	TellerIcon48 []byte
	//go:embed icons/designer.png
	DesignerIcon []byte
	//go:embed icons/designer-48.png
	DesignerIcon48 []byte
)
