package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"guitai/catalog"
	"guitai/dsl"
	"guitai/money"
)

// KeyField is the value key a window may set to its own idempotency key
// (one per opened form); the hook removes it before posting.
const KeyField = "_idempotency_key"

// Session is who posts from this terminal.
type Session struct {
	Teller   string
	Terminal string
}

// AuthorizeFunc asks for a supervisor's credentials for form f (the window
// shows a dialog); it is called when the ledger's policy requires an
// authorization (a second time when it requires two authorizers), when the
// form's authorize.when asks earlier, or when a step of the transaction
// may ask for authorization (authorizeIf), and may then return nil
// credentials. Each call should return new credentials: credentials that
// approved one request are refused for any other (E_AUTH_REUSED).
type AuthorizeFunc func(f *dsl.Form, values map[string]any) (*Credentials, error)

// CounterpartFunc gives the confirmation of the other person of a cash
// handover for form f: id is the user the transaction's dual-control
// param names (the window has asked them for their password or finger
// before it posted). It may return nil credentials: the ledger then
// refuses with E_COUNTERPART_REQUIRED.
type CounterpartFunc func(f *dsl.Form, id string) (*Credentials, error)

// SubmitHook adapts the executor to the teller window's Config.Submit:
//
//	cfg.Submit = exec.SubmitHook(func() ledger.Session { return sess }, askSupervisor, askCounterpart)
//
// A form pinned by Pin is posted with the package version it came from
// (Request.Package), its transaction taken from that package. It asks for
// authorization when the form needs it (authorize may return
// nil credentials: the ledger then refuses with E_AUTH_REQUIRED if they
// were needed), posts the values and returns the result: the journal
// serial and the returned values and rows ([Result.Message] is the text to
// show). A
// submission identical to one made in the last few seconds (a double click)
// reuses its idempotency key, so it returns the first result instead of
// posting twice. The error is an *Error whose Field names the form field.
func (x *Executor) SubmitHook(session func() Session, authorize AuthorizeFunc, counterpart CounterpartFunc) func(f *dsl.Form, values map[string]any) (*Result, error) {
	var mu sync.Mutex
	recent := map[string]recentKey{}
	return func(f *dsl.Form, values map[string]any) (*Result, error) {
		if f.Submit == nil || f.Submit.Txn == "" {
			return nil, errf("E_UNKNOWN_TXN", "", nil)
		}
		sess := session()
		key, _ := values[KeyField].(string)
		vals := Posted(f, values)
		delete(vals, KeyField)
		if key == "" {
			digest := digestOf(sess, f, vals)
			mu.Lock()
			now := time.Now()
			for d, r := range recent {
				if now.Sub(r.at) > 5*time.Second {
					delete(recent, d)
				}
			}
			if r, ok := recent[digest]; ok {
				key = r.key
			} else {
				key = newKey()
				recent[digest] = recentKey{key: key, at: now}
			}
			mu.Unlock()
		}
		req := Request{Txn: f.Submit.Txn, Values: vals, Teller: sess.Teller, Terminal: sess.Terminal, Key: key}
		t, err := x.formTxn(f, &req)
		if err != nil {
			return nil, err
		}
		if t != nil && authorize != nil {
			need, err := x.authorizers(f, t, req.pkg, vals)
			if err != nil {
				return nil, err
			}
			// A step's authorizeIf is known only while posting (the
			// day-end difference), so the window's credentials, when it
			// asked for any, go along; nil ones are refused by the step.
			if need > 0 || authorizesInSteps(t) {
				c, err := authorize(f, values)
				if err != nil {
					return nil, err
				}
				req.Authorizer = c
			}
			if need > 1 && req.Authorizer.given() {
				c, err := authorize(f, values)
				if err != nil {
					return nil, err
				}
				req.Second = c
			}
		}
		if t != nil && counterpart != nil {
			if err := x.askCounterpart(f, t.ID, vals, counterpart, &req); err != nil {
				return nil, err
			}
		}
		return x.Submit(context.Background(), req)
	}
}

// AuthorizersHook adapts Authorizers to the teller window's
// Config.Authorizers: how many supervisors the window asks for, one after
// the other, before it posts form f with values (form keys, as the
// window has them).
func (x *Executor) AuthorizersHook() func(f *dsl.Form, values map[string]any) (int, error) {
	return func(f *dsl.Form, values map[string]any) (int, error) {
		if f.Submit == nil || f.Submit.Txn == "" {
			return 0, nil
		}
		vals := Posted(f, values)
		delete(vals, KeyField)
		req := Request{Txn: f.Submit.Txn}
		t, err := x.formTxn(f, &req)
		if err != nil {
			return 0, err
		}
		if t == nil {
			return 0, errf("E_UNKNOWN_TXN", "", fmt.Errorf("%q", f.Submit.Txn))
		}
		return x.authorizers(f, t, req.pkg, vals)
	}
}

// formTxn sets req's package from form f and returns the transaction f
// posts: a form pinned from a FormSet posts with the package version it
// came from, even when a newer one was activated since it opened; any
// other, the catalog's (nil when the catalog lacks it).
func (x *Executor) formTxn(f *dsl.Form, req *Request) (*catalog.Txn, error) {
	req.Package = x.pinOf(f)
	if req.Package == "" {
		return x.cat[f.Submit.Txn], nil
	}
	req.pkg = &pkgPosting{form: f}
	return x.txnOf(context.Background(), req)
}

// authorizers is how many authorizers a posting of t from form f with
// vals needs: the ledger's policy says (for a form from a release
// package, the policy of the transaction it posts); the form's
// authorize.when may only make it ask for one earlier, never fewer.
func (x *Executor) authorizers(f *dsl.Form, t *catalog.Txn, pkg *pkgPosting, vals map[string]any) (int, error) {
	if t.Authorize == "never" {
		return 0, nil
	}
	params, err := coerce(t, vals, x.store.keys)
	if err != nil {
		return 0, err
	}
	pol, had, err := x.store.Policy(context.Background(), t.ID)
	if err != nil {
		return 0, err
	}
	if need := requires(x.policyTxn(t, pkg), pol, had, params).n; need > 0 {
		return need, nil
	}
	asks, err := formAsks(f, params)
	if err != nil || !asks {
		return 0, err
	}
	return 1, nil
}

// askCounterpart sets req.Counterpart from ask when txn is under dual
// control and its param names someone.
func (x *Executor) askCounterpart(f *dsl.Form, txn string, vals map[string]any, ask CounterpartFunc, req *Request) error {
	param, err := x.Counterpart(context.Background(), txn)
	if err != nil || param == "" {
		return err
	}
	id, _ := vals[param].(string)
	if id == "" {
		return nil
	}
	c, err := ask(f, id)
	req.Counterpart = c
	return err
}

// formAsks evaluates the form's authorize.when on the coerced values: the
// window's early prompt, never what the ledger requires.
func formAsks(f *dsl.Form, params map[string]any) (bool, error) {
	p, err := f.Program()
	if err != nil {
		return false, err
	}
	e := p.Authorize()
	if e == nil {
		return false, nil
	}
	return e.EvalBool(p.Env(params))
}

// authorizesInSteps reports whether a step of t asks for authorization
// (authorizeIf) on a value computed while posting.
func authorizesInSteps(t *catalog.Txn) bool {
	for _, st := range t.Steps {
		if st.AuthorizeIf != "" {
			return true
		}
	}
	return false
}

type recentKey struct {
	key string
	at  time.Time
}

func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func digestOf(sess Session, f *dsl.Form, vals map[string]any) string {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", sess.Teller, sess.Terminal, f.ID, f.Version)
	for _, k := range keys {
		fmt.Fprintf(h, "%s=%T:%v\x00", k, vals[k], vals[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Message is the success text for the teller: the journal serial and the
// returned values, money grouped.
func (r *Result) Message(lang string) string {
	var b strings.Builder
	if r.Serial != "" {
		if lang == "en" {
			fmt.Fprintf(&b, "Journal no. %s", r.Serial)
		} else {
			fmt.Fprintf(&b, "交易成功，流水号 %s", r.Serial)
		}
	}
	names := make([]string, 0, len(r.Values))
	for k := range r.Values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := r.Values[k]
		if f, ok := v.(money.Fen); ok {
			v = f.Grouped()
		}
		fmt.Fprintf(&b, "\n%s: %v", k, v)
	}
	return b.String()
}

// MessageOf returns an error's text in lang: an *Error's message with its
// code and field, or the error's own text.
func MessageOf(err error, lang string) string {
	var e *Error
	if errors.As(err, &e) {
		s := e.Msg.In(lang) + " (" + string(e.Code)
		if e.Field != "" {
			s += " · " + e.Field
		}
		return s + ")"
	}
	return err.Error()
}
