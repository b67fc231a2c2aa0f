// Command teller is the Guitai teller workstation window.
package main
