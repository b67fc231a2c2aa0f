// Package widgets holds the Fyne side of Guitai's forms: the banking widgets
// (AmountEntry, AccountEntry, IDCardEntry, SealViewer), the registry that
// pairs each dsl widget type with its constructor, and the renderer that
// turns a dsl.Form into a live Fyne tree bound to a state.Scope.
//
// # Registry
//
// Every widget type of dsl.Types has a constructor registered here (see
// Register, Lookup, Specs). The dsl owns the description — property specs,
// value type, palette group — and this package owns how it is drawn, so the
// designer's palette and inspector and the renderer read one source.
//
// # Renderer
//
// Render builds the tree once. Each input writes its bound key to the scope
// on every edit; each commit to the scope updates the inputs bound to the
// changed keys and re-evaluates only the expressions that read them
// (visibleWhen, enabledWhen, computed values, expression rules). Rules run
// when the teller leaves a field and, for every visible field, on submit.
// Tab follows the tree; Enter moves to the next input; Escape cancels.
//
// Field values in state have one type per dsl value type: string, int64
// (number), money.Fen (amount), bool (check), "YYYY-MM-DD" (date).
package widgets
