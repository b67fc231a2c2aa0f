package devices

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestCodeOf(t *testing.T) {
	tests := []struct {
		err  error
		want Code
	}{
		{nil, OK},
		{&Error{Code: Busy}, Busy},
		{fmt.Errorf("wrapped: %w", &Error{Code: HWError}), HWError},
		{context.DeadlineExceeded, Timeout},
		{os.ErrDeadlineExceeded, Timeout},
		{context.Canceled, Canceled},
		{&os.PathError{Op: "open", Path: "/dev/x", Err: os.ErrNotExist}, NoHardware},
		{errors.New("boom"), Failure},
	}
	for _, tt := range tests {
		if got := CodeOf(tt.err); got != tt.want {
			t.Errorf("CodeOf(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Code: HWError, Device: "printer", Op: "print", Msg: "paper out", Recovery: "load paper"}
	if e.Error() != "printer print: HWError: paper out" || e.Suggestion() != "load paper" {
		t.Errorf("%q %q", e.Error(), e.Suggestion())
	}
	if !errors.Is(e, ErrHWError) || errors.Is(e, ErrOffline) {
		t.Error("errors.Is by code")
	}
	if (&Error{Code: Offline}).Suggestion() == "" {
		t.Error("no default recovery")
	}
	w := Wrap(context.DeadlineExceeded, "finger", "search", Failure)
	if CodeOf(w) != Timeout || !strings.HasPrefix(w.Error(), "finger search: Timeout") {
		t.Errorf("Wrap: %v", w)
	}
	if Wrap(nil, "x", "y", Failure) != nil {
		t.Error("Wrap(nil)")
	}
	if e := Errorf(UserError, "no %s: %w", "finger", os.ErrClosed); !errors.Is(e, os.ErrClosed) || e.Code != UserError {
		t.Errorf("Errorf: %v", e)
	}
}

func TestLifecycleOrder(t *testing.T) {
	var calls []string
	hook := func(name string, err error) func(context.Context) error {
		return func(context.Context) error { calls = append(calls, name); return err }
	}
	l := NewLifecycle("dev", Hooks{Open: hook("open", nil), Claim: hook("claim", nil), Enable: hook("enable", nil),
		Disable: hook("disable", nil), Release: hook("release", nil), Close: hook("close", nil)})
	var events []string
	l.Subscribe(func(ev Event) { events = append(events, ev.Kind.String()+":"+ev.State.String()) })
	ctx := context.Background()

	steps := []struct {
		name string
		do   func(context.Context) error
		want Code
	}{
		{"enable before open", l.Enable, NotClaimed},
		{"claim before open", l.Claim, NotClaimed},
		{"open", l.Open, OK},
		{"open twice", l.Open, Illegal},
		{"enable before claim", l.Enable, NotClaimed},
		{"claim", l.Claim, OK},
		{"enable", l.Enable, OK},
	}
	for _, s := range steps {
		if got := CodeOf(s.do(ctx)); got != s.want {
			t.Fatalf("%s: %v, want %v", s.name, got, s.want)
		}
	}
	done, err := l.Use(ctx, "print")
	if err != nil || l.State() != StateBusy {
		t.Fatalf("use: %v %v", err, l.State())
	}
	if _, err := l.Use(ctx, "print"); CodeOf(err) != Busy {
		t.Errorf("second use: %v", err)
	}
	if err := done(&Error{Code: HWError, Msg: "jam"}); CodeOf(err) != HWError || !strings.Contains(err.Error(), "dev print") {
		t.Errorf("done: %v", err)
	}
	if l.State() != StateError || l.LastError() == nil {
		t.Errorf("state %v", l.State())
	}
	done, _ = l.Use(ctx, "print")
	done(&Error{Code: UserError}) // a user error leaves the device usable
	if l.State() != StateIdle {
		t.Errorf("after user error: %v", l.State())
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(calls, ","); got != "open,claim,enable,disable,release,close" {
		t.Errorf("hooks %s", got)
	}
	if l.State() != StateClosed {
		t.Errorf("closed state %v", l.State())
	}
	want := "state:idle,state:busy,state:error,error:closed,state:busy,state:idle,error:closed,state:closed"
	if got := strings.Join(events, ","); got != want {
		t.Errorf("events\n%s\nwant\n%s", got, want)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Open(canceled); CodeOf(err) != Canceled {
		t.Errorf("canceled open: %v", err)
	}
}

func TestOpenFailureStaysClosed(t *testing.T) {
	l := NewLifecycle("dev", Hooks{Open: func(context.Context) error { return &Error{Code: NoHardware} }})
	if err := l.Open(context.Background()); CodeOf(err) != NoHardware || !strings.HasPrefix(err.Error(), "dev open") {
		t.Errorf("open: %v", err)
	}
	if l.State() != StateClosed {
		t.Errorf("state %v", l.State())
	}
}

func TestSay(t *testing.T) {
	own := &Error{Code: Timeout, Teller: Text{Zh: "卡片无响应", En: "The card does not answer"}}
	tests := []struct {
		err        error
		lang, want string
	}{
		{nil, "zh", ""},
		{fmt.Errorf("read: %w", own), "zh", "卡片无响应"},
		{own, "en", "The card does not answer"},
		{own, "en_US", "The card does not answer"},
		{&Error{Code: Timeout}, "zh", "设备操作超时，请重试"},
		{context.DeadlineExceeded, "en", "The device did not finish in time; try again"},
		{&Error{Code: Busy, Teller: Text{Zh: "只有中文"}}, "en", "只有中文"},
	}
	for _, tt := range tests {
		if got := Say(tt.err, tt.lang); got != tt.want {
			t.Errorf("Say(%v, %s) = %q, want %q", tt.err, tt.lang, got, tt.want)
		}
	}
	for c := Offline; c <= Failure; c++ {
		if tx := c.Teller(); tx.Zh == "" || tx.En == "" {
			t.Errorf("%v has no teller text", c)
		}
	}
	if !errors.Is(own, ErrTimeout) || errors.Is(own, ErrBusy) {
		t.Error("errors.Is with a teller text")
	}
}

// A failure that says the device is fine leaves it Idle, whatever its code.
func TestDeviceOKLeavesIdle(t *testing.T) {
	ctx := context.Background()
	l := NewLifecycle("dev", Hooks{})
	for _, s := range []func(context.Context) error{l.Open, l.Claim, l.Enable} {
		if err := s(ctx); err != nil {
			t.Fatal(err)
		}
	}
	done, _ := l.Use(ctx, "read-card")
	err := done(&Error{Code: Timeout, Msg: "the card did not answer", DeviceOK: true})
	if CodeOf(err) != Timeout || !DeviceOK(err) || l.State() != StateIdle {
		t.Errorf("mute card: %v, state %v", err, l.State())
	}
	done, _ = l.Use(ctx, "read-card")
	done(&Error{Code: Timeout, Msg: "the reader did not answer"})
	if l.State() != StateError {
		t.Errorf("reader timeout: state %v", l.State())
	}
}
