//go:build race

package widgets

// raceEnabled: the race detector slows Fyne's text shaping about tenfold,
// so the randomized typing test types fewer strings under it.
const raceEnabled = true
