// Package interest computes the interest paid when a fixed-term savings
// deposit (整存整取定期储蓄存款) is closed, following the People's Bank of
// China rules for savings deposits:
//
//   - 国务院《储蓄管理条例》(1992), chapter 5 on savings interest: a deposit
//     closed at maturity earns the fixed-term rate posted on the day it was
//     opened, and a change of rates during the term does not split the
//     term; a deposit closed before maturity, wholly or in part, earns the
//     demand (活期) rate posted on the withdrawal day on the part withdrawn,
//     the rest keeping its term and rate; the part of an overdue deposit
//     past its maturity earns the demand rate posted on the withdrawal day.
//   - 中国人民银行 1993 年储蓄存款计息规定 (the savings-interest rules that
//     implement the regulation): interest is computed to the fen, below
//     it rounded half-up (分以下四舍五入).
//   - 《中国人民银行关于人民币存贷款计结息问题的通知》(银发〔2005〕129号):
//     the day count is the actual number of calendar days, and a day's rate
//     is the annual rate ÷ 360; a term of whole months earns the annual
//     rate × months ÷ 12 (逐笔计息法, 对年对月对日).
//   - The interest tax on savings (储蓄存款利息所得税) has been zero since
//     2008-10-09, so nothing is withheld.
//
// So, for a principal P, a contract rate r (annual), a term of m months
// and the demand rate d posted on the closing day:
//
//	closed at maturity (Full):     P × r × m ÷ 12
//	closed before it (Early):      P × d × days held ÷ 360
//	closed after it (Overdue):     P × r × m ÷ 12  +  P × d × days past maturity ÷ 360
//	partial early withdrawal of W: W × d × days held ÷ 360, and P − W keeps
//	                               its term, rate and opening date (once)
//
// Each part is rounded half-up to the fen on its own and the parts are
// added; the interest tax is zero. All arithmetic is exact (math/big
// integers): there is no float anywhere in this package.
//
// The maturity of a deposit opened on day D of a month is day D of the
// month term months later, or that month's last day when it has no day D:
// opened 2024-01-31 for 1 month matures on 2024-02-29, opened 2023-01-31 on
// 2023-02-28. Days are calendar days between two dates: the opening day
// counts, the closing day does not.
//
// Rates are percent strings such as "1.75" or "0.25" with at most four
// decimal places, read exactly by [ParseRate]; bad input is refused with
// an error saying why, never rounded or repaired into another rate.
package interest
