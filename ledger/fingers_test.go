package ledger_test

import (
	"context"
	"strings"
	"testing"

	"guitai/ledger"
)

const mod = "R307-0001"

func byFinger(page int) *ledger.Credentials {
	return &ledger.Credentials{Finger: &ledger.FingerMatch{Module: mod, Page: page}}
}

// TestFingerEnrolment: pages map to users uniquely, removal forgets them,
// and every change goes through the audit hook.
func TestFingerEnrolment(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rec := &recorder{}
		s, err := ledger.Open(ctx, e.dsn, ledger.Options{Observer: rec, PasswordIterations: 1000, Now: pinnedNow})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if p, err := s.NextFingerPage(ctx, mod, 3); err != nil || p != 0 {
			t.Fatalf("first free page %d, %v", p, err)
		}
		if err := s.EnrollFinger(ctx, SUP, mod, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.EnrollFinger(ctx, T1, mod, 0); ledger.CodeOf(err) != "E_FINGER_TAKEN" {
			t.Fatalf("page taken twice: %v", err)
		}
		if err := s.EnrollFinger(ctx, "nobody", mod, 1); ledger.CodeOf(err) != "E_USER_UNKNOWN" {
			t.Fatalf("unknown user: %v", err)
		}
		if err := s.EnrollFinger(ctx, T1, mod, -1); ledger.CodeOf(err) != "E_FINGER_PAGE" {
			t.Fatalf("negative page: %v", err)
		}
		if err := s.EnrollFinger(ctx, T1, "", 1); ledger.CodeOf(err) != "E_FINGER_MODULE" {
			t.Fatalf("no module: %v", err)
		}
		// The same page on another module is another finger.
		if err := s.EnrollFinger(ctx, T1, "other", 0); err != nil {
			t.Fatal(err)
		}
		if err := s.EnrollFinger(ctx, T1, mod, 2); err != nil {
			t.Fatal(err)
		}
		if p, err := s.NextFingerPage(ctx, mod, 3); err != nil || p != 1 {
			t.Fatalf("free page %d, %v", p, err)
		}
		if err := s.EnrollFinger(ctx, T2, mod, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.NextFingerPage(ctx, mod, 3); ledger.CodeOf(err) != "E_FINGER_FULL" {
			t.Fatalf("full module: %v", err)
		}
		if u, err := s.UserByFinger(ctx, mod, 2); err != nil || u.ID != T1 {
			t.Fatalf("page 2 is %+v, %v", u, err)
		}
		if fs, err := s.Fingers(ctx, T1); err != nil || len(fs) != 2 || fs[0].Module != mod || fs[0].Page != 2 || fs[0].EnrolledAt == "" {
			t.Fatalf("T1 fingers %+v, %v", fs, err)
		}
		if err := s.RemoveFinger(ctx, T2, mod, 2); ledger.CodeOf(err) != "E_FINGER_UNKNOWN" {
			t.Fatalf("removing another user's page: %v", err)
		}
		if err := s.RemoveFinger(ctx, T1, mod, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByFinger(ctx, mod, 2); ledger.CodeOf(err) != "E_FINGER_UNKNOWN" {
			t.Fatalf("removed page: %v", err)
		}
		acts := rec.actions()
		for _, want := range []string{"user_finger_add:010199/:ok", "user_finger_add:010102/:ok", "user_finger_remove:010101/:ok"} {
			if !strings.Contains(acts, want) {
				t.Errorf("audit lacks %s: %s", want, acts)
			}
		}
		if n := strings.Count(acts, "user_finger_add"); n != 4 {
			t.Errorf("%d user_finger_add records, want 4 (refusals are not recorded): %s", n, acts)
		}
		rec.mu.Lock()
		last := rec.events[len(rec.events)-1]
		rec.mu.Unlock()
		if string(last.Payload) != `{"module":"R307-0001","page":2}` {
			t.Errorf("remove payload %s", last.Payload)
		}
	})
}

// TestFingerAuthorization: a supervisor's finger authorizes like their
// password, under the same rules.
func TestFingerAuthorization(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for page, user := range []string{SUP, T1, T2} {
			if err := e.store.EnrollFinger(ctx, user, mod, page); err != nil {
				t.Fatal(err)
			}
		}
		dep := map[string]any{"account": A1, "amount": "50000.01"}
		if _, err := e.post("cash_deposit", T1, nil, dep); ledger.CodeOf(err) != "E_AUTH_REQUIRED" {
			t.Fatalf("no authorizer: %v", err)
		}
		before := e.balance(t, A1)
		r := e.must(t, "cash_deposit", T1, byFinger(0), dep)
		if r.Authorizer != SUP {
			t.Fatalf("authorized by %q", r.Authorizer)
		}
		var authorizer string
		db := e.store.DB()
		if err := db.QueryRow(db.Rebind(`SELECT authorizer FROM journal WHERE serial = ?`), r.Serial).Scan(&authorizer); err != nil || authorizer != SUP {
			t.Fatalf("journal authorizer %q, %v", authorizer, err)
		}
		after := e.balance(t, A1)
		if after != before+5000001 {
			t.Fatalf("balance %d -> %d", before, after)
		}
		refusals := []struct {
			name string
			c    *ledger.Credentials
			code string
		}{
			{"unknown page", byFinger(7), "E_FINGER_UNKNOWN"},
			{"another module", &ledger.Credentials{Finger: &ledger.FingerMatch{Module: "other", Page: 0}}, "E_FINGER_UNKNOWN"},
			{"teller's own finger", byFinger(1), "E_AUTH_SELF"},
			{"another teller", byFinger(2), "E_AUTH_ROLE"},
			{"finger of someone else than ID", &ledger.Credentials{ID: T2, Finger: &ledger.FingerMatch{Module: mod, Page: 0}}, "E_FINGER_MISMATCH"},
			{"no module", &ledger.Credentials{Finger: &ledger.FingerMatch{Page: 0}}, "E_FINGER_MODULE"},
		}
		for _, tt := range refusals {
			if _, err := e.post("cash_deposit", T1, tt.c, dep); string(ledger.CodeOf(err)) != tt.code {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
			}
		}
		// A supervisor cannot authorize their own posting by finger either.
		if _, err := e.post("cash_deposit", SUP, byFinger(0), dep); ledger.CodeOf(err) != "E_AUTH_SELF" {
			t.Errorf("supervisor's own posting: %v", err)
		}
		if err := e.store.Lock(ctx, SUP); err != nil {
			t.Fatal(err)
		}
		if _, err := e.post("cash_deposit", T1, byFinger(0), dep); ledger.CodeOf(err) != "E_USER_LOCKED" {
			t.Errorf("locked supervisor: %v", err)
		}
		if e.balance(t, A1) != after {
			t.Fatal("a refused authorization posted")
		}
		// Fingerprint refusals do not count as wrong passwords.
		if u, err := e.store.GetUser(ctx, SUP); err != nil || u.Failed != 0 {
			t.Fatalf("supervisor %+v, %v", u, err)
		}
	})
}

// TestSignOnFinger: a finger signs its user on; unknown and locked are
// refused and audited.
func TestSignOnFinger(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rec := &recorder{}
		s, err := ledger.Open(ctx, e.dsn, ledger.Options{Observer: rec, PasswordIterations: 1000, Now: pinnedNow})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.EnrollFinger(ctx, T1, mod, 5); err != nil {
			t.Fatal(err)
		}
		u, err := s.SignOnFinger(ctx, ledger.FingerMatch{Module: mod, Page: 5}, "T-01")
		if err != nil || u.ID != T1 {
			t.Fatalf("sign on: %+v, %v", u, err)
		}
		if n := e.count(t, "sessions"); n != 1 {
			t.Fatalf("%d sessions", n)
		}
		if _, err := s.SignOnFinger(ctx, ledger.FingerMatch{Module: mod, Page: 6}, "T-01"); ledger.CodeOf(err) != "E_FINGER_UNKNOWN" {
			t.Fatalf("unknown page: %v", err)
		}
		if err := s.Lock(ctx, T1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignOnFinger(ctx, ledger.FingerMatch{Module: mod, Page: 5}, "T-01"); ledger.CodeOf(err) != "E_USER_LOCKED" {
			t.Fatalf("locked: %v", err)
		}
		want := "user_finger_add:010101/:ok sign_on:010101/:ok login_failed:/:unknown finger user_lock:010101/:ok login_failed:010101/:locked"
		if got := rec.actions(); got != want {
			t.Fatalf("audit\n got %s\nwant %s", got, want)
		}
		if n := e.count(t, "sessions"); n != 1 {
			t.Fatalf("%d sessions after refusals", n)
		}
	})
}

// TestFingerDuplicate: a finger whose template the module matches to a page
// of another user is refused, and nothing is enrolled; matches on the
// user's own pages or on pages enrolled for nobody do not count.
func TestFingerDuplicate(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		s := e.store
		if err := s.EnrollFinger(ctx, SUP, mod, 0); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name    string
			user    string
			page    int
			matches []int
			code    string
		}{
			{"another user's finger", T1, 1, []int{0}, "E_FINGER_DUPLICATE"},
			{"another user's among others", T1, 1, []int{7, 0}, "E_FINGER_DUPLICATE"},
			{"own finger again", SUP, 1, []int{0}, ""},
			{"orphan template", T1, 2, []int{9}, ""},
			{"the page itself", T2, 3, []int{3}, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := s.EnrollFinger(ctx, c.user, mod, c.page, c.matches...)
				if got := string(ledger.CodeOf(err)); got != c.code {
					t.Fatalf("got %v, want %q", err, c.code)
				}
				u, lerr := s.UserByFinger(ctx, mod, c.page)
				if c.code != "" && lerr == nil {
					t.Fatalf("refused finger enrolled for %s", u.ID)
				}
				if c.code == "" && (lerr != nil || u.ID != c.user) {
					t.Fatalf("page %d belongs to %q (%v), want %s", c.page, u.ID, lerr, c.user)
				}
			})
		}
	})
}
