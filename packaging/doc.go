// Package packaging holds what the Debian package (./dev package) takes
// from outside the Go code — the desktop entries — and the test that
// builds the package, inspects it, installs it into a temporary root and
// starts the installed teller under X.
//
// The teller's entry names its window's X class (StartupWMClass, the
// window's title, which GLFW uses as the class); the designer's has none,
// because its first title names the open document.
package packaging
