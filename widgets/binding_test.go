package widgets

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"guitai/dsl"
	"guitai/state"
)

// typingForm has one input of every type that takes typed text.
const typingForm = `{"dsl": "guitai.form/1", "id": "typing", "version": "1.0.0", "code": "9997",
"title": {"zh": "键入", "en": "Typing"},
"root": {"id": "root", "type": "form", "children": [
  {"id": "text", "type": "text", "bind": "text", "props": {"label": {"zh": "文本", "en": "Text"}}},
  {"id": "textarea", "type": "textarea", "bind": "textarea", "props": {"label": {"zh": "多行", "en": "Lines"}}},
  {"id": "password", "type": "password", "bind": "password", "props": {"label": {"zh": "密码", "en": "Password"}}},
  {"id": "number", "type": "number", "bind": "number", "props": {"label": {"zh": "数字", "en": "Number"}}},
  {"id": "phone", "type": "phone", "bind": "phone", "props": {"label": {"zh": "电话", "en": "Phone"}}},
  {"id": "day", "type": "date", "bind": "day", "props": {"label": {"zh": "日期", "en": "Date"}}},
  {"id": "amount", "type": "amount", "bind": "amount", "props": {"label": {"zh": "金额", "en": "Amount"}, "upper": true}},
  {"id": "account", "type": "account", "bind": "account", "props": {"label": {"zh": "账号", "en": "Account"}}},
  {"id": "idcard", "type": "idcard", "bind": "idcard", "props": {"label": {"zh": "证件号码", "en": "ID number"}}},
  {"id": "echo", "type": "label", "bind": "amount"}
]}}`

// alphabets are the runes typed into each field: what it keeps and what
// it must refuse.
var alphabets = map[string][]rune{
	"text":     []rune("abc court order 张三李四 0123456789-,."),
	"textarea": []rune("ab 用途说明\t12"),
	"password": []rune("guitai-demo123!"),
	"number":   []rune("0123456789a-."),
	"phone":    []rune("0123456789- x"),
	"day":      []rune("0123456789-/"),
	"amount":   []rune("0123456789012345678.,-x１２"),
	"account":  []rune("62010100000002270123456789 a"),
	"idcard":   []rune("11010519491231002xX0123456789"),
}

// fieldText is what an input shows.
func fieldText(fl Field) string {
	switch fl := fl.(type) {
	case *textField:
		return fl.entry.Text
	case *bankField:
		return fl.w.(interface{ Text() string }).Text()
	}
	panic(fmt.Sprintf("no text for %T", fl))
}

// unbound is def with every bind taken away: its inputs are plain
// widgets, the reference for what typing into a bound one must give.
func unbound(t *testing.T, src string) *dsl.Form {
	t.Helper()
	def, err := dsl.Decode([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	def.Walk(func(_ []string, n *dsl.Node) bool {
		n.Bind = ""
		return true
	})
	return def
}

// slowBus is a bus whose dispatcher holds every callback until the test
// lets some of them run, as fyne.Do does while the window is busy.
type slowBus struct {
	*state.Bus
	queued []func()
}

func newSlowBus() *slowBus {
	b := &slowBus{Bus: state.NewBus()}
	b.SetDispatcher(func(fn func()) { b.queued = append(b.queued, fn) })
	return b
}

// run lets the n oldest callbacks run, in order.
func (b *slowBus) run(n int) {
	for ; n > 0 && len(b.queued) > 0; n-- {
		fn := b.queued[0]
		b.queued = b.queued[1:]
		fn()
	}
}

func (b *slowBus) drain() { b.run(len(b.queued)) }

// TestTypingSurvivesASlowDispatcher types thousands of random strings into
// every input type of a bound form whose StateBus delivers its changes late
// and in bursts (none at all during a keyboard wedge's burst of keys), and
// into the same form unbound. Every field must show what the unbound one
// shows, and the scope must hold its value, whatever the dispatcher did.
func TestTypingSurvivesASlowDispatcher(t *testing.T) {
	test.NewTempApp(t)
	rounds := 120 // 1,080 strings, about 11,000 keys
	if raceEnabled || testing.Short() {
		rounds = 30
	}
	def, err := dsl.Decode([]byte(typingForm))
	if err != nil {
		t.Fatal(err)
	}
	bus := newSlowBus()
	scope := bus.Scope("form:typing")
	bound, err := Render(def, scope, Options{Lang: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Render(unbound(t, typingForm), state.NewBus().Scope("form:plain"), Options{Lang: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	wb, wp := test.NewWindow(bound.Object()), test.NewWindow(plain.Object())
	defer wb.Close()
	defer wp.Close()

	rng := rand.New(rand.NewPCG(13, 1))
	ids := []string{"text", "textarea", "password", "number", "phone", "day", "amount", "account", "idcard"}
	strs := 0
	for round := 0; round < rounds; round++ {
		for _, id := range ids {
			fb, fp := bound.Field(id), plain.Field(id)
			wb.Canvas().Focus(fb.Focusable())
			wp.Canvas().Focus(fp.Focusable())
			alpha := alphabets[id]
			n := 1 + rng.IntN(24)
			var typed strings.Builder
			wedge := rng.IntN(4) == 0 // a reader that types: no delivery until it is done
			for range n {
				if rng.IntN(12) == 0 {
					key := &fyne.KeyEvent{Name: fyne.KeyBackspace}
					fb.Focusable().TypedKey(key)
					fp.Focusable().TypedKey(key)
					typed.WriteString("⌫")
				} else {
					r := alpha[rng.IntN(len(alpha))]
					fb.Focusable().TypedRune(r)
					fp.Focusable().TypedRune(r)
					typed.WriteRune(r)
				}
				if !wedge {
					bus.run(rng.IntN(3))
				}
			}
			strs++
			if got, want := fieldText(fb), fieldText(fp); got != want {
				t.Fatalf("%s: typed %q, the bound field shows %q, the plain one %q (before the dispatcher caught up)", id, typed.String(), got, want)
			}
			bus.drain()
			if got, want := fieldText(fb), fieldText(fp); got != want {
				t.Fatalf("%s: typed %q, the bound field shows %q, the plain one %q", id, typed.String(), got, want)
			}
			if v, _ := scope.Get(id); !sameValue(v, fb.Value()) {
				t.Fatalf("%s: typed %q, the scope holds %#v, the field %#v", id, typed.String(), v, fb.Value())
			}
		}
		if got, want := labelText(bound, "echo"), display(bound.Field("amount").Value()); got != want {
			t.Fatalf("the label bound to amount shows %q, the field holds %q", got, want)
		}
		// Cleared with changes still queued: none of them may come back.
		if rng.IntN(3) == 0 {
			bus.run(rng.IntN(len(bus.queued) + 1))
			bound.Clear()
			plain.Clear()
			bus.drain()
			for _, id := range ids {
				if s := fieldText(bound.Field(id)); s != "" {
					t.Fatalf("%s shows %q after the form was cleared", id, s)
				}
				if v, _ := scope.Get(id); v != nil {
					t.Fatalf("%s holds %#v after the form was cleared", id, v)
				}
			}
		}
	}
	t.Logf("%d strings typed", strs)
}

// TestNewerWriteReplacesTypedText: a change committed after the teller's
// last key (a card read, a lookup's answer) is shown, even when the
// dispatcher delivers it late; the echo of an older key is not.
func TestNewerWriteReplacesTypedText(t *testing.T) {
	test.NewTempApp(t)
	def, err := dsl.Decode([]byte(typingForm))
	if err != nil {
		t.Fatal(err)
	}
	bus := newSlowBus()
	scope := bus.Scope("form:typing")
	f, err := Render(def, scope, Options{Lang: "zh"})
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewWindow(f.Object())
	defer w.Close()
	acct := f.Field("account")
	w.Canvas().Focus(acct.Focusable())
	test.Type(acct.Focusable(), "6201")
	scope.Set("account", "6222021234567890128") // the card reader
	test.Type(f.Field("text").Focusable(), "x")
	bus.drain()
	if got := acct.Value(); got != "6222021234567890128" {
		t.Errorf("the card's number did not replace what was typed: %v", got)
	}
	acct.Focusable().TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	bus.drain()
	if got := acct.Value(); got != "622202123456789012" {
		t.Errorf("typing after the card read gives %v", got)
	}
}
