// Package idnum checks the identity numbers a teller types all day: bank card
// and account numbers by the Luhn (mod 10) check digit, and the 18-character
// resident identity number of GB 11643-1999 by its ISO 7064 MOD 11-2 check
// character and its embedded birth date.
package idnum
