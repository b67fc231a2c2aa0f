package screenshot

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestCheckLayout shows CheckLayout a window with each kind of fault it
// looks for, and one without.
func TestCheckLayout(t *testing.T) {
	test.NewTempApp(t)
	placed := func(o fyne.CanvasObject, x, y, w, h float32) fyne.CanvasObject {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
		return o
	}
	for _, tc := range []struct {
		name    string
		content func() fyne.CanvasObject
		want    string // part of the one problem expected; "" for none
	}{
		{"fits", func() fyne.CanvasObject {
			return container.NewVBox(widget.NewLabel("账号 Account"), widget.NewButton("提交 F10", nil), widget.NewEntry())
		}, ""},
		{"squeezed button", func() fyne.CanvasObject {
			return container.NewWithoutLayout(placed(widget.NewButton("全部重打 Retry all", nil), 10, 10, 40, 36))
		}, `widget.Button "全部重打 Retry all" squeezed to 40×36`},
		{"overlapping labels", func() fyne.CanvasObject {
			return container.NewWithoutLayout(
				placed(widget.NewLabel("户名"), 10, 10, 120, 36),
				placed(widget.NewLabel("余额"), 60, 20, 120, 36))
		}, `widget.Label "户名" overlaps widget.Label "余额"`},
		{"stack covers by design", func() fyne.CanvasObject {
			return container.NewStack(widget.NewLabel("列表 list"), container.NewCenter(widget.NewLabel("空 empty")))
		}, ""},
		{"out of the window", func() fyne.CanvasObject {
			return container.NewWithoutLayout(placed(widget.NewLabel("签退"), 560, 10, 120, 36))
		}, `widget.Label "签退" reaches out of the window`},
		{"out of its container", func() fyne.CanvasObject {
			inner := container.NewWithoutLayout(placed(widget.NewLabel("流水号"), 100, 0, 100, 36))
			return container.NewWithoutLayout(placed(inner, 0, 0, 150, 40))
		}, `widget.Label "流水号" reaches out of fyne.Container`},
		{"split pushed", func() fyne.CanvasObject {
			wide := container.NewHBox(widget.NewButton("Deposit certificate", nil), widget.NewButton("Deposit certificate", nil),
				widget.NewButton("Deposit certificate", nil))
			sp := container.NewHSplit(widget.NewLabel("navigator"), wide)
			sp.Offset = 0.3
			return sp
		}, "split of widget.Label \"navigator\" and fyne.Container with widget.Button \"Deposit certificate\" moved from 30%"},
		{"scrolls sideways", func() fyne.CanvasObject {
			row := container.NewHBox()
			for range 6 {
				row.Add(widget.NewButton("Deposit certificate", nil))
			}
			return container.NewScroll(row)
		}, "fyne.Container with widget.Button \"Deposit certificate\" scrolls sideways"},
		{"scrolls down, not across", func() fyne.CanvasObject {
			return container.NewScroll(container.NewVBox(widget.NewLabel("账号 Account"), widget.NewLabel("户名 Holder")))
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := test.NewWindow(tc.content())
			defer w.Close()
			w.SetPadded(false)
			w.Resize(fyne.NewSize(600, 400))
			got := CheckLayout(w.Canvas())
			if tc.want == "" {
				if len(got) > 0 {
					t.Errorf("problems in a window that fits: %q", got)
				}
				return
			}
			found := false
			for _, p := range got {
				found = found || strings.Contains(p, tc.want)
			}
			if !found {
				t.Errorf("problems %q, want one with %q", got, tc.want)
			}
		})
	}
}

// TestCheckLayoutDialog finds a squeezed button in a dialog, above a
// window that fits.
func TestCheckLayoutDialog(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(widget.NewLabel("柜台 Guitai"))
	defer w.Close()
	w.Resize(fyne.NewSize(600, 400))
	b := widget.NewButton("指纹授权 Fingerprint", nil)
	pop := widget.NewModalPopUp(container.NewGridWrap(fyne.NewSize(30, 30), b), w.Canvas())
	pop.Show()
	got := CheckLayout(w.Canvas())
	if len(got) != 1 || !strings.HasPrefix(got[0], "dialog 1: ") || !strings.Contains(got[0], "指纹授权") {
		t.Errorf("problems %q, want the dialog's squeezed button", got)
	}
}
