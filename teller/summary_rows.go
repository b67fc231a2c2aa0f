package teller

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"guitai/dsl"
	"guitai/ledger"
	"guitai/money"
)

// This file holds the rows a submission is summed up in: what the
// confirmation, the success message and the status line show of the
// values posted and the values the ledger returned.

// Summary lists the submitted values with their captions, money in figures,
// one "caption: value" a line.
func Summary(def *dsl.Form, values map[string]any, lang string) string {
	var b strings.Builder
	for _, r := range SummaryRows(def, values, lang) {
		fmt.Fprintf(&b, "%s: %s\n", r[0], r[1])
	}
	return strings.TrimRight(b.String(), "\n")
}

// PostedRows is what the success message shows: the journal serial, then
// each value the posting returned that the form binds, under the form's
// caption for it (the holder's name, say), as SummaryRows shows values.
func PostedRows(def *dsl.Form, res *ledger.Result, lang string) [][2]string {
	caption := "流水号"
	if lang == "en" {
		caption = "Journal no."
	}
	rows := [][2]string{}
	if res.Serial != "" {
		rows = append(rows, [2]string{caption, res.Serial})
	}
	return append(rows, SummaryRows(def, res.Values, lang)...)
}

// postedMessage is the status line after a posting: the journal serial,
// then the values it returned that the form shows, each under the form's
// caption for it ("尾箱余额: 1,000.00"), never under the ledger's key.
func postedMessage(def *dsl.Form, res *ledger.Result, lang string) string {
	parts := []string{"交易成功"}
	if lang == "en" {
		parts[0] = "Posted"
	}
	if res.Serial != "" {
		parts[0] = firstLine(res.Message(lang)) // the serial line alone
	}
	for _, r := range SummaryRows(def, res.Values, lang) {
		parts = append(parts, r[0]+": "+r[1])
	}
	return strings.Join(parts, " · ")
}

// SummaryRows lists the submitted values as caption and value, in the
// form's order: money in figures, a choice by its option's label in lang,
// passwords hidden and masked accounts masked.
func SummaryRows(def *dsl.Form, values map[string]any, lang string) [][2]string {
	var rows [][2]string
	def.Walk(func(_ []string, n *dsl.Node) bool {
		v, ok := values[n.Bind]
		if n.Bind == "" || !ok {
			return true
		}
		label := n.PropText("label").In(lang)
		if label == "" {
			return true // no caption: a raw key is no caption
		}
		rows = append(rows, [2]string{label, shownValue(n, v, lang)})
		return true
	})
	return rows
}

// shownValue is how SummaryRows shows v, the value of n: money in
// figures, a choice by its option's label in lang, passwords hidden and
// masked accounts masked.
func shownValue(n *dsl.Node, v any, lang string) string {
	switch x := v.(type) {
	case money.Fen:
		return "¥" + x.Grouped()
	case bool:
		return map[bool]string{true: "✓", false: "✗"}[x]
	}
	shown := fmt.Sprint(v)
	if n.Type == "password" {
		shown = "******"
	}
	if n.Type == "account" && n.PropBool("masked") {
		shown = dsl.Mask(shown)
	}
	for _, o := range n.PropOptions("options") {
		if o.Value == shown {
			if l := o.Label.In(lang); l != "" {
				shown = l
			}
			break
		}
	}
	return shown
}

// summaryGrid shows summary rows as two columns: the captions, and the
// values in bold. A value too long for half the confirmation's width wraps
// rather than widen it (only then: a wrapping label asks for its height
// before it has its width, and a dialog laid out with that keeps it).
func summaryGrid(rows [][2]string) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 2*len(rows))
	bold := fyne.TextStyle{Bold: true}
	for _, r := range rows {
		caption := widget.NewLabel(r[0])
		caption.Alignment = fyne.TextAlignTrailing
		value := widget.NewLabelWithStyle(r[1], fyne.TextAlignLeading, bold)
		if fyne.MeasureText(r[1], theme.TextSize(), bold).Width > confirmWidth*textScale()/2 {
			value.Wrapping = fyne.TextWrapWord
		}
		objs = append(objs, caption, value)
	}
	return container.New(layout.NewFormLayout(), objs...)
}

// confirmWidth is the least width of a confirmation at text scale 1: an
// 18-character ID number and its caption on one line.
const confirmWidth = 520
