// Command designer is the Guitai form designer: the window in which an
// analyst draws teller forms, and, as "designer check FILE…", a headless
// checker of form files for CI.
package main
