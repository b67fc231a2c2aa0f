package receipt

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"guitai/assets"
	"guitai/devices/escpos"
	"guitai/dsl"
	"guitai/money"
)

// Width is the number of columns of a line at normal size (80 mm paper,
// font A); a Chinese character takes two columns.
const Width = 48

// Data is what a receipt shows. Account numbers are given in full; the
// templates mask them.
type Data struct {
	Bank, Branch, Title string
	Serial              string
	Time                time.Time
	Teller, Terminal    string
	Authorizer          string
	Account, Name       string
	ToAccount, ToName   string
	Amount, Fee         money.Fen
	Balance             money.Fen
	Memo                string
	Original, Reason    string // reversal: original serial and reason
	// Values are the posting's params and returned values by name, as
	// text (money in fen: the template's yuan groups it), for the
	// templates of the modules beyond Kinds (a voucher's number, a note
	// exchange's counts).
	Values map[string]string

	// Day-end report.
	Lines []DayLine
	Count int
	Total money.Fen
	Cash  money.Fen
}

// DayLine is one row of the day-end report.
type DayLine struct {
	Name  string
	Count int
	Total money.Fen
}

// Kind names the templates.
var Kinds = []string{"deposit", "withdrawal", "transfer", "reversal", "dayend"}

var titles = map[string]string{
	"deposit":    "存款凭条 DEPOSIT",
	"withdrawal": "取款凭条 WITHDRAWAL",
	"transfer":   "转账凭条 TRANSFER",
	"reversal":   "冲正凭条 REVERSAL",
	"dayend":     "日终轧账 DAY-END REPORT",
}

var templates = template.Must(template.New("").Funcs(template.FuncMap{"mask": dsl.Mask, "yuan": yuanOf}).
	ParseFS(assets.Receipts, "receipts/*.tmpl"))

// Element is one element of a laid-out receipt.
type Element struct {
	Kind   string // "text", "qr", "code128", "feed", "cut", "drawer", "init"
	Text   string // the text of the line (already padded), or the code data
	N      int    // lines to feed
	Align  escpos.Align
	Bold   bool
	Double bool
}

// Doc is a laid-out receipt.
type Doc []Element

// yuanOf formats a count of fen given as text ("123456") as grouped yuan
// ("1,234.56"); other text is returned as it is.
func yuanOf(fen string) string {
	n, err := strconv.ParseInt(fen, 10, 64)
	if err != nil {
		return fen
	}
	return money.Fen(n).Grouped()
}

// Has reports whether assets/receipts holds a template named kind (one
// of Kinds, or a module's own, e.g. "voucher_sale").
func Has(kind string) bool { return kind != "" && templates.Lookup(kind+".tmpl") != nil }

// Render fills the template kind with d and lays it out. An empty Title is
// set from the kind.
func Render(kind string, d Data) (Doc, error) {
	if d.Title == "" {
		d.Title = titles[kind]
	}
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, kind+".tmpl", d); err != nil {
		return nil, fmt.Errorf("receipt: %s: %w", kind, err)
	}
	return Parse(buf.String())
}

// Template is a receipt template that came with its text rather than
// from assets/receipts: a release package's. It may use the built-in
// templates' "header" and "footer" and their functions.
type Template struct {
	name string
	t    *template.Template
}

// ParseTemplate parses text as the receipt template name, beside the
// built-in ones; a template that does not parse is an error that names
// it. A package's template of a built-in name replaces it there only.
func ParseTemplate(name, text string) (*Template, error) {
	t, err := templates.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := t.New(name + ".tmpl").Parse(text); err != nil {
		return nil, fmt.Errorf("receipt: template %s: %w", name, err)
	}
	return &Template{name: name, t: t}, nil
}

// Render fills the template with d and lays it out, as the package-level
// Render does a built-in one.
func (t *Template) Render(d Data) (Doc, error) {
	var buf bytes.Buffer
	if err := t.t.ExecuteTemplate(&buf, t.name+".tmpl", d); err != nil {
		return nil, fmt.Errorf("receipt: %s: %w", t.name, err)
	}
	return Parse(buf.String())
}

// Parse lays out receipt markup.
func Parse(markup string) (Doc, error) {
	var doc Doc
	align, bold, double := escpos.Left, false, false
	width := func() int {
		if double {
			return Width / 2
		}
		return Width
	}
	text := func(s string) {
		for _, l := range wrap(s, width()) {
			doc = append(doc, Element{Kind: "text", Text: l, Align: align, Bold: bold, Double: double})
		}
	}
	for n, line := range strings.Split(markup, "\n") {
		if !strings.HasPrefix(line, ".") {
			if strings.TrimSpace(line) != "" {
				text(line)
			}
			continue
		}
		dir, arg, _ := strings.Cut(line[1:], " ")
		switch dir {
		case "init":
			align, bold, double = escpos.Left, false, false
			doc = append(doc, Element{Kind: "init"})
		case "left":
			align = escpos.Left
		case "center":
			align = escpos.Center
		case "right":
			align = escpos.Right
		case "bold":
			bold = true
		case "nobold":
			bold = false
		case "double":
			double = true
		case "normal":
			double = false
		case "rule":
			c := "="
			if arg != "" {
				c = arg[:1]
			}
			a := align
			align = escpos.Left
			text(strings.Repeat(c, width()))
			align = a
		case "kv":
			k, v, _ := strings.Cut(arg, "|")
			a := align
			align = escpos.Left
			text(pad(k, v, width()))
			align = a
		case "cols":
			c := strings.SplitN(arg, "|", 3)
			for len(c) < 3 {
				c = append(c, "")
			}
			w := width()
			a := align
			align = escpos.Left
			text(pad(c[0], padLeft(c[1], 8)+padLeft(c[2], 18), w))
			align = a
		case "feed":
			k, err := strconv.Atoi(strings.TrimSpace(arg))
			if err != nil || k < 0 || k > 255 {
				return nil, fmt.Errorf("receipt: line %d: bad feed %q", n+1, arg)
			}
			doc = append(doc, Element{Kind: "feed", N: k})
		case "qr", "code128":
			if arg == "" {
				return nil, fmt.Errorf("receipt: line %d: %s without data", n+1, dir)
			}
			doc = append(doc, Element{Kind: dir, Text: arg, Align: align})
		case "cut", "drawer":
			doc = append(doc, Element{Kind: dir})
		default:
			return nil, fmt.Errorf("receipt: line %d: unknown directive %q", n+1, dir)
		}
	}
	return doc, nil
}

// TextWidth returns the printed width of s in columns: two for a wide
// (Chinese) character, one otherwise.
func TextWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) int {
	if r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
		(r >= 0xFFE0 && r <= 0xFFE6) || r >= 0x20000) {
		return 2
	}
	return 1
}

// pad puts k left and v right in a line of width w (on two lines if they
// do not fit).
func pad(k, v string, w int) string {
	gap := w - TextWidth(k) - TextWidth(v)
	if gap < 1 {
		return k + "\n" + padLeft(v, w)
	}
	return k + strings.Repeat(" ", gap) + v
}

func padLeft(s string, w int) string {
	if d := w - TextWidth(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return s
}

// wrap splits s at newlines and breaks lines wider than w.
func wrap(s string, w int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for TextWidth(l) > w {
			cut, cw := 0, 0
			for i, r := range l {
				if cw+runeWidth(r) > w {
					cut = i
					break
				}
				cw += runeWidth(r)
			}
			if cut == 0 {
				_, cut = utf8.DecodeRuneInString(l)
			}
			out = append(out, l[:cut])
			l = l[cut:]
		}
		out = append(out, l)
	}
	return out
}

// ESCPOS encodes the receipt for a printer.
func (d Doc) ESCPOS() ([]byte, error) {
	var e escpos.Encoder
	return d.AppendESCPOS(&e)
}

// AppendESCPOS encodes the receipt into e and returns e's bytes.
func (d Doc) AppendESCPOS(e *escpos.Encoder) ([]byte, error) {
	align, bold, double := escpos.Align(255), false, false
	for _, el := range d {
		if el.Kind == "text" || el.Kind == "qr" || el.Kind == "code128" {
			if el.Align != align {
				e.Align(el.Align)
				align = el.Align
			}
		}
		if el.Kind == "text" {
			if el.Bold != bold {
				e.Bold(el.Bold)
				bold = el.Bold
			}
			if el.Double != double {
				e.Double(el.Double)
				double = el.Double
			}
		}
		switch el.Kind {
		case "init":
			e.Init()
			align, bold, double = escpos.Left, false, false
		case "text":
			e.Line(el.Text)
		case "feed":
			e.Feed(el.N)
		case "qr":
			e.QR(el.Text, 6, 'M')
		case "code128":
			e.Code128(el.Text)
		case "cut":
			e.Cut(true)
		case "drawer":
			e.KickDrawer(0)
		}
	}
	return e.Bytes()
}

// TemplateNames lists the embedded receipt templates.
func TemplateNames() []string {
	names, _ := fs.Glob(assets.Receipts, "receipts/*.tmpl")
	return names
}
