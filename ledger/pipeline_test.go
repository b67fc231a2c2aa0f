package ledger_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"net"
	"sync"
	"testing"

	"guitai/audit"
	"guitai/ledger"
)

// tripCounter counts the round trips between a client and PostgreSQL:
// a read that follows a write on the same connection is one trip, however
// many statements the write carried.
type tripCounter struct {
	mu    sync.Mutex
	trips int
}

func (c *tripCounter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countedConn{Conn: conn, c: c}, nil
}

func (c *tripCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trips
}

// countedConn is one connection of a tripCounter.
type countedConn struct {
	net.Conn
	c     *tripCounter
	mu    sync.Mutex
	wrote bool // written since the last read
}

func (k *countedConn) Write(b []byte) (int, error) {
	k.mu.Lock()
	k.wrote = true
	k.mu.Unlock()
	return k.Conn.Write(b)
}

func (k *countedConn) Read(b []byte) (int, error) {
	n, err := k.Conn.Read(b)
	k.mu.Lock()
	if n > 0 && k.wrote {
		k.wrote = false
		k.c.mu.Lock()
		k.c.trips++
		k.c.mu.Unlock()
	}
	k.mu.Unlock()
	return n, err
}

// pipelineCase is a posting whose round trips TestPipelineRoundTrips
// counts, with the most it may take pipelined.
type pipelineCase struct {
	name   string
	txn    string
	auth   bool // with a supervisor's authorization
	vals   func() map[string]any
	most   int
	before int // measured on the statement-at-a-time path, for the log
}

// TestPipelineRoundTrips counts the round trips of postings on
// PostgreSQL, pipelined and one statement at a time: a deposit takes at
// most 4 pipelined (issue 18 §3), and fewer than the sequential path.
// The result of both paths is the same posting.
func TestPipelineRoundTrips(t *testing.T) {
	cases := []pipelineCase{
		{name: "deposit", txn: "cash_deposit", vals: func() map[string]any { return map[string]any{"account": A1, "amount": "100.00", "memo": "rt"} }, most: 4},
		{name: "withdrawal", txn: "cash_withdrawal", vals: func() map[string]any { return map[string]any{"account": A1, "amount": "20.00"} }, most: 4},
		{name: "transfer", txn: "transfer", vals: func() map[string]any {
			return map[string]any{"from_account": A1, "to_account": A2, "payee_name": "李四", "purpose": "货款", "amount": "10.00"}
		}, most: 4},
		{name: "authorized deposit", txn: "cash_deposit", auth: true, vals: func() map[string]any { return map[string]any{"account": A1, "amount": "60000.00"} }, most: 4},
		// Steps that need what earlier ones returned, and a built-in
		// function between them: more batches, still far fewer trips.
		{name: "term opening", txn: "term_open", vals: func() map[string]any {
			return map[string]any{"account": A1, "product": "Y1", "amount": "100.00", "source": "transfer"}
		}, most: 8},
	}
	trips := map[bool]map[string]int{}
	for _, pipelined := range []bool{false, true} {
		trips[pipelined] = map[string]int{}
		var c tripCounter
		dsn := dsnFor(t, "postgres")
		e := openEnvWith(t, "postgres", dsn, true, ledger.Options{Dial: c.dial, NoPipeline: !pipelined, MaxGroup: 1})
		for _, tc := range cases {
			var auth *ledger.Credentials
			post := func() *ledger.Result {
				t.Helper()
				if tc.auth {
					auth = sup()
				}
				return e.must(t, tc.txn, T1, auth, tc.vals())
			}
			post() // the first two prepare the statements
			post()
			before, posted := c.count(), pipelinedCount(e)
			r := post()
			n := c.count() - before // with the supervisor's password, checked before the posting
			if pipelined && pipelinedCount(e) != posted+1 {
				t.Errorf("%s: not posted pipelined", tc.name)
			}
			trips[pipelined][tc.name] = n
			if r.Serial == "" || r.Replayed {
				t.Fatalf("%s: %+v", tc.name, r)
			}
			if pipelined && n > tc.most {
				t.Errorf("%s pipelined: %d round trips, want at most %d", tc.name, n, tc.most)
			}
		}
	}
	for _, tc := range cases {
		seq, pip := trips[false][tc.name], trips[true][tc.name]
		t.Logf("%s: %d round trips one statement at a time, %d pipelined", tc.name, seq, pip)
		if pip >= seq {
			t.Errorf("%s: pipelined %d round trips, not fewer than %d", tc.name, pip, seq)
		}
	}
}

func pipelinedCount(e *env) int64 {
	n, _ := e.store.PipelineStats()
	return n
}

// TestPipelineKeepsCheckpoints posts 45 deposits pipelined on a ledger
// that signs every 10 records: the audit log verifies under that interval
// (each checkpoint signed at its multiple, in the posting's transaction),
// every posting's record matches its tables, and all but the postings
// that had to read something first went pipelined.
func TestPipelineKeepsCheckpoints(t *testing.T) {
	ctx := context.Background()
	k, err := audit.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	e := openEnvWith(t, "postgres", dsnFor(t, "postgres"), true, ledger.Options{Signer: k, CheckpointEvery: 10, MaxGroup: 1})
	for i := range 45 {
		e.must(t, "cash_deposit", T1, nil, map[string]any{"account": A1, "amount": fmt.Sprintf("%d.01", i+1)})
	}
	posted, fallbacks := e.store.PipelineStats()
	t.Logf("%d postings pipelined, %d fell back, to post one statement at a time", posted, fallbacks)
	// The first posting opens the teller's box; the first checkpoint
	// reads the frontier.
	if posted < 40 || fallbacks > 3 {
		t.Errorf("%d postings pipelined, %d fell back", posted, fallbacks)
	}
	rep, err := e.store.AuditLog().Verify(ctx, e.store.DB(), audit.VerifyOptions{Anchor: k.Public().(*ecdsa.PublicKey), Interval: 10})
	if err != nil || !rep.OK() {
		t.Fatalf("audit log: %v %+v", err, rep)
	}
	if pr, err := e.store.VerifyPostings(ctx); err != nil || !pr.OK() {
		t.Fatalf("postings against the log: %v %+v", err, pr)
	}
	cps, err := e.store.AuditLog().Checkpoints(ctx, e.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cps {
		if c.Size%10 != 0 {
			t.Errorf("checkpoint of %d records (%s), not at a multiple of 10", c.Size, c.Reason)
		}
	}
	if len(cps) < 4 {
		t.Errorf("%d checkpoints for %d+ records", len(cps), 45)
	}
}
