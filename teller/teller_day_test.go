package teller

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The day-end form shows at least eight rows of the day's summary in a
// 1280×800 window, without scrolling the form.
func TestDayEndSummaryShowsEightRows(t *testing.T) {
	s, w, _ := shellOnLedger(t)
	w.Resize(fyne.NewSize(1280, 800))
	if err := s.Open("day_end_balance"); err != nil {
		t.Fatal(err)
	}
	wait(t, s)
	f := s.Current()
	rows := make([]map[string]any, 12)
	for i := range rows {
		rows[i] = map[string]any{"code": fmt.Sprint(1401 + i), "name": "现金存款", "count": "1", "amount": int64(100 * (i + 1))}
	}
	if err := f.Scope.Set("summary_rows", rows); err != nil {
		t.Fatal(err)
	}
	w.Content().Refresh() // lay out again, as a frame does
	var table *widget.Table
	for _, o := range test.LaidOutObjects(f.NodeObject("summary_table")) {
		if tb, ok := o.(*widget.Table); ok {
			table = tb
		}
	}
	if table == nil {
		t.Fatal("no table in summary_table")
	}
	var scroll *container.Scroll
	for _, o := range test.LaidOutObjects(s.layout.host) {
		if sc, ok := o.(*container.Scroll); ok && sc.Direction == container.ScrollBoth {
			scroll = sc
			break
		}
	}
	if scroll == nil {
		t.Fatal("no form scroll")
	}
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(table).Y
	bottom := min(top+table.Size().Height, d.AbsolutePositionForObject(scroll).Y+scroll.Size().Height)
	// A row's pitch is its label and the padding the table puts between
	// rows.
	row := widget.NewLabel("现金存款").MinSize().Height + theme.Padding()
	header := widget.NewLabelWithStyle("交易码", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}).MinSize().Height + theme.Padding()
	shown := int((bottom - top - header) / row)
	t.Logf("table at %.0f..%.0f (own height %.0f), row %.0f: %d rows", top, bottom, table.Size().Height, row, shown)
	if shown < 8 {
		t.Errorf("the day's summary shows %d rows at 1280×800, want 8", shown)
	}
}
