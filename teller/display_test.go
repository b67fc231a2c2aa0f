package teller

import (
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"guitai/dsl"
	"guitai/money"
)

func TestCustomerDisplayLines(t *testing.T) {
	a := test.NewTempApp(t)
	d := NewCustomerDisplay(a, DisplayConfig{Bank: dsl.Text{Zh: "示范银行", En: "Demo Bank"}})
	defer d.Close()
	if !strings.HasPrefix(d.Placement(), "floating") {
		t.Errorf("placement under the test driver: %q", d.Placement())
	}
	bank := "示范银行 Demo Bank"
	deposit := dsl.Text{Zh: "现金存款", En: "Cash deposit"}
	if got, want := d.lines(), []string{bank, "欢迎光临 Welcome"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("new display shows %q, want %q", got, want)
	}
	tests := []struct {
		name    string
		title   dsl.Text
		account string
		amount  money.Fen
		lang    string
		want    []string
	}{
		{"deposit", deposit, "6222021234567890123", money.MustParse("12345.67"), "zh", []string{bank, "现金存款",
			"账号 Account  6222***********0123", "¥12,345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分", "请核对并确认 Please check and confirm"}},
		{"english title", deposit, "6222021234567890123", money.MustParse("100"), "en", []string{bank, "Cash deposit",
			"账号 Account  6222***********0123", "¥100.00", "人民币壹佰元整", "请核对并确认 Please check and confirm"}},
		{"inquiry has no amount", dsl.Text{Zh: "余额查询"}, "6222021234567890123", 0, "zh", []string{bank, "余额查询",
			"账号 Account  6222***********0123", "请核对并确认 Please check and confirm"}},
		{"no account", dsl.Text{Zh: "现金配款"}, "", money.MustParse("50000"), "zh", []string{bank, "现金配款",
			"¥50,000.00", "人民币伍万元整", "请核对并确认 Please check and confirm"}},
	}
	for _, tt := range tests {
		d.Show(tt.title, tt.account, tt.amount, tt.lang)
		if got := d.lines(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: shows\n%q\nwant\n%q", tt.name, got, tt.want)
		}
		// What is shown is what is drawn: the full account number never.
		txt := canvasText(d.win.Canvas().Content())
		if strings.Contains(txt, "6222021234567890123") {
			t.Errorf("%s: full account number on the customer's screen", tt.name)
		}
		for _, line := range tt.want {
			if !strings.Contains(txt, line+"\n") {
				t.Errorf("%s: %q not drawn in\n%s", tt.name, line, txt)
			}
		}
		if strings.Contains(txt, "欢迎光临") {
			t.Errorf("%s: welcome drawn over a transaction", tt.name)
		}
	}
	d.Idle()
	if got, want := d.lines(), []string{bank, "欢迎光临 Welcome"}; !reflect.DeepEqual(got, want) {
		t.Errorf("idle shows %q", got)
	}
}

// canvasText joins the text of every visible canvas text under o.
func canvasText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// A long amount shrinks to fit a narrow window instead of being cut.
func TestCustomerDisplayFitsNarrowWindow(t *testing.T) {
	a := test.NewTempApp(t)
	d := NewCustomerDisplay(a, DisplayConfig{Size: fyne.NewSize(480, 400)})
	defer d.Close()
	d.Show(dsl.Text{Zh: "现金取款"}, "6222021234567890123", money.MustParse("9876543210123.45"), "zh")
	d.win.Resize(fyne.NewSize(480, 400))
	for _, l := range []*bigLine{d.upper, d.figures, d.prompt} {
		r := test.WidgetRenderer(l).(*bigLineRenderer)
		if w := fyne.MeasureText(r.t.Text, r.t.TextSize, r.t.TextStyle).Width; w > l.Size().Width {
			t.Errorf("%q is %v wide in a %v line", r.t.Text, w, l.Size().Width)
		}
		if r.t.TextSize >= r.full() && l == d.upper {
			t.Errorf("long 大写 not shrunk: %v", r.t.TextSize)
		}
	}
	if dir := os.Getenv("DISPLAY_SHOTS"); dir != "" {
		d.win.Resize(fyne.NewSize(960, 600))
		d.Show(dsl.Text{Zh: "现金存款"}, "6222021234567890123", money.MustParse("12345.67"), "zh")
		writeShot(t, filepath.Join(dir, "customer-display.png"), d.win)
		d.Idle()
		writeShot(t, filepath.Join(dir, "customer-display-idle.png"), d.win)
	}
}

func writeShot(t *testing.T, path string, w fyne.Window) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

func TestChooseMonitor(t *testing.T) {
	left := monitor{Name: "left", W: 1280, H: 800, Primary: true}
	right := monitor{Name: "right", X: 1280, W: 1024, H: 768}
	third := monitor{Name: "third", X: 2304, W: 800, H: 480}
	tests := []struct {
		name string
		mons []monitor
		want int
		got  string // "" for floating
	}{
		{"none", nil, 0, ""},
		{"one", []monitor{left}, 0, ""},
		{"one, asked for 2", []monitor{left}, 2, ""},
		{"two", []monitor{left, right}, 0, "right"},
		{"primary second in the list", []monitor{right, {Name: "left", W: 1280, H: 800, Primary: true}}, 0, "right"},
		{"asked for the third", []monitor{left, right, third}, 3, "third"},
		{"asked for one that is not there", []monitor{left, right}, 5, "right"},
		{"asked for the primary", []monitor{left, right}, 1, "left"},
	}
	for _, tt := range tests {
		m, ok := chooseMonitor(tt.mons, tt.want)
		if ok != (tt.got != "") || ok && m.Name != tt.got {
			t.Errorf("%s: %v %v, want %q", tt.name, m, ok, tt.got)
		}
	}
}

func TestWindowRect(t *testing.T) {
	m := monitor{X: 1280, Y: 0, W: 1024, H: 768}
	tests := []struct {
		w, h       int
		cover      bool
		x, y, W, H int
	}{
		{960, 600, true, 1280, 0, 1024, 768},
		{960, 600, false, 1280 + 32, 84, 960, 600},
		{2000, 1000, false, 1280, 0, 1024, 768}, // larger than the monitor: fitted to it
	}
	for _, tt := range tests {
		x, y, w, h := windowRect(m, tt.w, tt.h, tt.cover)
		if x != tt.x || y != tt.y || w != tt.W || h != tt.H {
			t.Errorf("windowRect(%d×%d, cover %v) = %d,%d %d×%d", tt.w, tt.h, tt.cover, x, y, w, h)
		}
	}
}

func TestDisplayValues(t *testing.T) {
	def, err := dsl.Decode([]byte(cardForm))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		values  map[string]any
		account string
		amount  money.Fen
	}{
		{map[string]any{"payer": "6222021234567890123", "payee": "6217000000000000001"}, "6222021234567890123", 0},
		{map[string]any{"payee": "6217000000000000001", "name": "张三"}, "6217000000000000001", 0},
		{map[string]any{}, "", 0},
	}
	for _, tt := range tests {
		acct, amt := DisplayValues(def, tt.values)
		if acct != tt.account || amt != tt.amount {
			t.Errorf("DisplayValues(%v) = %q, %v", tt.values, acct, amt)
		}
	}
	// The deposit form: its account and amount.
	dep, err := dsl.Decode([]byte(depositFormForDisplay))
	if err != nil {
		t.Fatal(err)
	}
	acct, amt := DisplayValues(dep, map[string]any{"account": "6222021234567890123", "amount": money.MustParse("88.80"), "memo": "x"})
	if acct != "6222021234567890123" || amt != money.MustParse("88.80") {
		t.Errorf("deposit: %q %v", acct, amt)
	}
}

const depositFormForDisplay = `{"dsl": "guitai.form/1", "id": "dep", "version": "1.0.0", "code": "1401",
"title": {"zh": "现金存款", "en": "Cash deposit"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "account", "type": "account", "bind": "account"},
  {"id": "amount", "type": "amount", "bind": "amount"},
  {"id": "memo", "type": "text", "bind": "memo"}
]}}`
