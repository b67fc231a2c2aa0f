package receipt

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guitai/devices/escpos"
	"guitai/internal/golden"
	"guitai/money"
)

func sample(kind string) Data {
	d := Data{
		Bank: "中国工商银行", Branch: "北京西单支行 Xidan Sub-branch",
		Serial: "20261123-0001-000123", Time: time.Date(2026, 11, 23, 10, 30, 5, 0, time.UTC),
		Teller: "T0012", Terminal: "BJ-XD-03", Authorizer: "S0001",
		Account: "6222021234567890123", Name: "张三",
		ToAccount: "6217000010002000300", ToName: "李四",
		Amount: money.MustParse("12345.67"), Balance: money.MustParse("98765.43"),
		Memo: "工资", Original: "20261123-0001-000099", Reason: "金额错误 wrong amount",
	}
	if kind == "withdrawal" || kind == "transfer" {
		d.Fee = money.MustParse("2.00")
	}
	if kind == "dayend" {
		d.Lines = []DayLine{
			{"现金存款", 12, money.MustParse("150000.00")},
			{"现金取款", 7, money.MustParse("32000.50")},
			{"转账", 3, money.MustParse("8800.00")},
			{"冲正", 1, money.MustParse("-100.00")},
		}
		d.Count, d.Total, d.Cash = 23, money.MustParse("190700.50"), money.MustParse("118000.00")
	}
	return d
}

// Each template is rendered, encoded as ESC/POS, decoded back as a printer
// would print it, and compared with testdata/<kind>.golden.
func TestTemplatesGolden(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			doc, err := Render(kind, sample(kind))
			if err != nil {
				t.Fatal(err)
			}
			b, err := doc.ESCPOS()
			if err != nil {
				t.Fatal(err)
			}
			items, err := escpos.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			var sb strings.Builder
			for _, it := range items {
				sb.WriteString(it.String())
				sb.WriteByte('\n')
			}
			got := sb.String()
			for _, l := range strings.Split(got, "\n") {
				if s, ok := strings.CutPrefix(l, "text["); ok {
					_, txt, _ := strings.Cut(s, "] ")
					w := Width
					if strings.Contains(s, "2x2") {
						w = Width / 2
					}
					if TextWidth(txt) > w {
						t.Errorf("line wider than the paper: %q", txt)
					}
				}
			}
			if kind != "dayend" {
				if strings.Contains(got, "6222021234567890123") || !strings.Contains(got, "6222***********0123") {
					t.Error("account not masked")
				}
				if !strings.Contains(got, "12,345.67") || !strings.Contains(got, "壹万贰仟叁佰肆拾伍元陆角柒分") {
					t.Error("amount missing in figures or 大写")
				}
			}
			if !strings.Contains(got, "cmd cut") {
				t.Error("no cut")
			}
			golden.CheckString(t, filepath.Join("testdata", kind+".golden"), got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, m := range []string{".bogus", ".feed x", ".qr", ".feed 999"} {
		if _, err := Parse(m); err == nil {
			t.Errorf("Parse(%q) succeeded", m)
		}
	}
}

func TestWrapAndWidth(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want []string
	}{
		{"abc", 2, []string{"ab", "c"}},
		{"存款存", 4, []string{"存款", "存"}},
		{"a存", 2, []string{"a", "存"}},
	}
	for _, tt := range tests {
		if got := wrap(tt.s, tt.w); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q,%d) = %q", tt.s, tt.w, got)
		}
	}
	if TextWidth("存款ab") != 6 {
		t.Error("TextWidth")
	}
}

func TestPreviewPNG(t *testing.T) {
	doc, err := Render("deposit", sample("deposit"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := doc.WritePNG(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != PaperDots || img.Bounds().Dy() < 600 {
		t.Errorf("size %v", img.Bounds())
	}
	// Some ink on the first text line, none in the margin above it.
	ink := func(y0, y1 int) int {
		n := 0
		for y := y0; y < y1; y++ {
			for x := 0; x < PaperDots; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					n++
				}
			}
		}
		return n
	}
	if ink(0, 15) != 0 || ink(20, 80) == 0 {
		t.Errorf("ink: margin %d, title %d", ink(0, 15), ink(20, 80))
	}
	if out := os.Getenv("GUITAI_PREVIEW_DIR"); out != "" {
		for _, kind := range Kinds {
			d, _ := Render(kind, sample(kind))
			f, _ := os.Create(filepath.Join(out, kind+".png"))
			d.WritePNG(f)
			f.Close()
		}
	}
}

func BenchmarkEncodeReceipt(b *testing.B) {
	d := sample("deposit")
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Render("deposit", d)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := doc.ESCPOS(); err != nil {
			b.Fatal(err)
		}
	}
}
