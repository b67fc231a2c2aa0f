// Package money holds amounts of Chinese yuan as int64 fen (分) and the three
// ways a teller sees them: the decimal string of forms and JSON ("1234.50"),
// the grouped figure of a screen or receipt ("1,234.50"), and the uppercase
// Chinese amount written on vouchers (壹仟贰佰叁拾肆元伍角整).
//
// There is no float anywhere in this package: parsing works on the decimal
// digits, and every operation is exact integer arithmetic.
package money
