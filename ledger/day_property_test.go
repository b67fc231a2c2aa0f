package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"guitai/ledger"
	"guitai/money"
)

// TestPropertyWholeDay runs a random whole day of branch 0101 (issue 18):
// tellers 010101 and 010102, each with accounts only they debit, post a
// random mix of every module — cash deposits, withdrawals and transfers,
// freezes (full and partial) and stop payments and withdrawals against
// held accounts, term deposits opened and withdrawn early or in part,
// note exchanges, teller-to-teller cash transfers the receiver confirms,
// voucher issue, sale, void and return, reversals of the day's entries,
// PIN changes and resets on the demo PIN accounts, and inputs that must be
// refused — concurrently for one seed and interleaved in one goroutine
// for another, under both supervisors (010199, 010197).
//
// After every posting: a refusal left no journal row; a debit posted
// only within the account's available balance (balance − active holds,
// none of them a whole-account hold), moved the balance by exactly its
// amount and left it at or above its holds; a debit refused for want of
// funds asked for more than was available. After the run: every entry's
// postings balance and every book equals its postings; every posting and
// hold belongs to a journal entry; each teller's journal holds exactly
// their successful postings; every voucher is in one place with one
// status, the counts by kind are the seeded stock, and each box holds
// what the model says; the large-cash report is the model's. At day-end
// each teller hands in their box in counted denominations, balances with
// zero difference and the voucher count, and the branch closes its day.
//
// The seed is in every failure message; a concurrent run's interleaving
// is the scheduler's, an interleaved run replays exactly.
func TestPropertyWholeDay(t *testing.T) {
	runs := []struct {
		seed       uint64
		concurrent bool
	}{
		{seed: 20261123, concurrent: true},
		{seed: 18, concurrent: false},
	}
	steps := 120 // per teller
	switch {
	case testing.Short():
		steps = 20
	case raceEnabled:
		steps = 40
	}
	for _, run := range runs {
		mode := "interleaved"
		if run.concurrent {
			mode = "concurrent"
		}
		t.Run(fmt.Sprintf("seed=%d/%s", run.seed, mode), func(t *testing.T) {
			eachDB(t, func(t *testing.T, e *env) {
				d := newWholeDay(t, e, run.seed)
				d.run(steps, run.concurrent)
				d.checkEnd()
				d.dayEnd()
				t.Logf("seed %d %s: %s", run.seed, mode, d.outcomes())
			})
		})
	}
}

// wdPolice is the authority of the day's administrative freezes and stop
// payments (the court's is ledger.DemoFreezeAuthority), wdExpiry their
// expiry, wdVaultShare how many vault serials of each voucher kind each
// teller issues from (010101 the lower half, 010102 the upper).
const (
	wdPolice     = "北京市公安局东城分局"
	wdExpiry     = "2027-05-01"
	wdVaultShare = ledger.DemoVaultVouchers / 2 // vault serials per teller
)

// wdPINs are PINs pin_change accepts as new ones (none of them weak).
var wdPINs = []string{ledger.DemoPIN, "246813", "975310", "582047", "314159"}

// wdBadCodes are failures no posting of the day may end in, whatever its
// input: a database error, a lost race, a broken entry.
var wdBadCodes = map[ledger.Code]bool{"": true, "E_DB": true, "E_BUSY": true, "E_CONSTRAINT": true, "E_UNBALANCED": true}

// wholeDay is one day's run on one database and the model it checks
// the ledger against.
type wholeDay struct {
	t       *testing.T
	e       *env
	seed    uint64
	tellers []*wdTeller
	stock0  map[string]int64 // vouchers by kind at the start
	susp0   int64            // the branch's suspense at the start

	mu      sync.Mutex
	outcome map[string]int // "txn code" → count
}

// wdTeller is one teller's share of the day: their accounts, what they
// opened, froze and issued, and the model of their box's vouchers.
type wdTeller struct {
	id, peer string
	rng      *rand.Rand
	step     int
	op       string
	accts    []string          // demand accounts only this teller debits
	cust     map[string]string // account → customer id
	holds    []wdHold          // holds this teller placed and has not lifted
	terms    []*wdTerm         // term deposits this teller opened
	entries  []wdEntry         // reversible entries not reversed yet
	reversed []string          // entries reversed
	ranges   []wdRange         // voucher ranges issued and not returned
	vaultNo  map[string]int64  // next vault serial of this teller's share, by kind
	vaultEnd int64             // last serial of the share
	boxVouch int64             // unused vouchers in the box (model)
	sold     int64             // vouchers sold
	voided   int64             // vouchers voided
	used     int64             // certificates (存单) used by term openings
	pinAcct  string
	pin      string
	pinFails int
	cash     map[string]wdCash // serial → cash moved for a customer
	posted   int               // journaled postings that succeeded
	items    []*wdItem         // over/short items this teller booked (3106)
	boxDiff  int64             // the box's over/short of the day: what 3106 booked
	opened   int               // people this teller opened a class I account for
}

// wdItem is an over/short item (3106) and what of it is outstanding.
type wdItem struct {
	serial, kind string
	amount, open int64
}

type wdHold struct{ id, account, txn, authority string }

type wdTerm struct {
	account, cust string
	principal     int64
	partly        bool
}

// wdEntry is a reversible entry: the account its reversal debits ("" for
// none of the teller's accounts).
type wdEntry struct{ serial, txn, debits string }

type wdRange struct {
	kind     string
	from, to int64
}

type wdCash struct {
	cust    string
	in, out int64
}

// wdState is an account as a debit sees it.
type wdState struct {
	bal, held int64
	whole     int // active whole-account holds
}

func (s wdState) available() int64 { return s.bal - s.held }

func newWholeDay(t *testing.T, e *env, seed uint64) *wholeDay {
	d := &wholeDay{t: t, e: e, seed: seed, outcome: map[string]int{}}
	base := ledger.DemoVoucherBase("0101")
	vaultFirst := base + 2*ledger.DemoBoxVouchers + 1
	pools := [][]int64{{1, 2, 3, 4, 5, 6, 10}, {11, 12, 13, 15, 16, 17, 20}}
	for i, id := range []string{T1, T2} {
		tl := &wdTeller{id: id, peer: []string{T2, T1}[i], rng: rand.New(rand.NewPCG(seed, uint64(i+1))),
			cust: map[string]string{}, vaultNo: map[string]int64{}, cash: map[string]wdCash{},
			boxVouch: int64(len(ledger.VoucherKinds) * ledger.DemoBoxVouchers),
			pinAcct:  []string{ledger.DemoPINAccount, ledger.DemoLostAccount}[i], pin: ledger.DemoPIN}
		for _, n := range pools[i] {
			a := ledger.AccountNumber("0101", n)
			tl.accts = append(tl.accts, a)
			tl.cust[a] = fmt.Sprintf("C0101%08d", (n-1)%200+1)
		}
		// The seeded partial hold for 010101, the seeded court freeze for 010102.
		held := []string{ledger.DemoHeldAccount, ledger.DemoFrozenAccount}[i]
		tl.accts = append(tl.accts, held)
		tl.cust[held] = d.customerOf(held)
		share := vaultFirst + int64(i)*wdVaultShare
		for _, k := range ledger.VoucherKinds {
			tl.vaultNo[k] = share
		}
		tl.vaultEnd = share + wdVaultShare - 1
		d.tellers = append(d.tellers, tl)
	}
	for _, tl := range d.tellers {
		r := d.post(tl, "cashbox_allocate", nil, withNotes(map[string]any{"handover_id": tl.peer}, 10_000_000))
		if r == nil {
			t.FailNow()
		}
	}
	d.stock0 = d.voucherTotals()
	d.susp0 = e.glBalance(t, "SUSP-0101")
	return d
}

// run posts steps operations per teller, from one goroutine per teller
// (concurrent) or from one goroutine choosing the teller at random.
func (d *wholeDay) run(steps int, concurrent bool) {
	if concurrent {
		var wg sync.WaitGroup
		for _, tl := range d.tellers {
			wg.Go(func() {
				for range steps {
					d.step(tl)
				}
			})
		}
		wg.Wait()
		return
	}
	pick := rand.New(rand.NewPCG(d.seed, 99))
	for i := range steps * len(d.tellers) {
		d.step(d.tellers[pick.IntN(len(d.tellers))])
		if i%25 == 24 {
			d.e.books(d.t) // no other posting runs: the books must balance now
		}
	}
}

// wdOp is one kind of operation of the day and how often it comes.
type wdOp struct {
	name   string
	weight int
	run    func(d *wholeDay, tl *wdTeller)
}

var wdOps = []wdOp{
	{"deposit", 10, (*wholeDay).deposit},
	{"withdrawal", 10, (*wholeDay).withdrawal},
	{"transfer", 8, (*wholeDay).transfer},
	{"freeze", 4, (*wholeDay).freeze},
	{"stop payment", 2, (*wholeDay).stopPayment},
	{"lift hold", 4, (*wholeDay).liftHold},
	{"held withdrawal", 4, (*wholeDay).heldWithdrawal},
	{"term open", 4, (*wholeDay).termOpen},
	{"term withdraw", 4, (*wholeDay).termWithdraw},
	{"note exchange", 3, (*wholeDay).noteExchange},
	{"cash transfer", 4, (*wholeDay).cashTransfer},
	{"voucher issue", 3, (*wholeDay).voucherIssue},
	{"voucher sale", 3, (*wholeDay).voucherSale},
	{"voucher void", 2, (*wholeDay).voucherVoid},
	{"voucher return", 2, (*wholeDay).voucherReturn},
	{"reversal", 6, (*wholeDay).reversal},
	{"pin", 4, (*wholeDay).pinChange},
	{"over/short", 3, (*wholeDay).overShort},
	{"open account", 2, (*wholeDay).openAccount},
	{"invalid", 8, (*wholeDay).invalid},
}

// step runs one random operation of tl.
func (d *wholeDay) step(tl *wdTeller) {
	total := 0
	for _, op := range wdOps {
		total += op.weight
	}
	n := tl.rng.IntN(total)
	for _, op := range wdOps {
		if n -= op.weight; n < 0 {
			tl.step++
			tl.op = op.name
			op.run(d, tl)
			return
		}
	}
}

// errorf reports a failure with the seed, the teller, the step and the
// operation.
func (d *wholeDay) errorf(tl *wdTeller, format string, args ...any) {
	d.t.Helper()
	where := fmt.Sprintf("seed %d", d.seed)
	if tl != nil {
		where += fmt.Sprintf(", teller %s step %d (%s)", tl.id, tl.step, tl.op)
	}
	d.t.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
}

// supervisor is one of the branch's two supervisors, new credentials for
// each request.
func (d *wholeDay) supervisor(tl *wdTeller) *ledger.Credentials {
	id := SUP
	if tl.rng.IntN(3) == 0 {
		id = "010197"
	}
	return &ledger.Credentials{ID: id, Password: ledger.DemoPassword}
}

// postCode submits txn as tl (the handover_id's user confirming, as
// e.post does) and checks what every posting must: no failure outside the
// business's refusals, and a refusal leaves the teller's journal as it
// was. It returns nil on a refusal; *code is "ok" or the refusal's code.
func (d *wholeDay) postCode(tl *wdTeller, txn string, auth *ledger.Credentials, vals map[string]any, code *ledger.Code) *ledger.Result {
	d.t.Helper()
	req := ledger.Request{Txn: txn, Values: vals, Teller: tl.id, Terminal: "T-" + tl.id, Authorizer: auth,
		Key: fmt.Sprintf("wd-%d-%s-%d-%s-%d", d.seed, tl.id, tl.step, txn, tl.rng.Uint32())}
	if id, ok := vals["handover_id"].(string); ok {
		req.Counterpart = &ledger.Credentials{ID: id, Password: ledger.DemoPassword}
	}
	before := d.journalRows(tl.id)
	r, err := d.e.exec.Submit(context.Background(), req)
	c := ledger.CodeOf(err)
	if err == nil {
		c = "ok"
		tl.posted++
	}
	d.mu.Lock()
	d.outcome[tl.op+" → "+txn+" "+string(c)]++
	d.mu.Unlock()
	if code != nil {
		*code = c
	}
	if err == nil {
		return r
	}
	if wdBadCodes[ledger.CodeOf(err)] {
		d.errorf(tl, "%s %v: unexpected failure %v", txn, vals, err)
	}
	if after := d.journalRows(tl.id); after != before {
		d.errorf(tl, "%s refused (%v) yet the teller's journal went from %d to %d rows", txn, err, before, after)
	}
	return nil
}

// post is postCode, failing the test on a refusal.
func (d *wholeDay) post(tl *wdTeller, txn string, auth *ledger.Credentials, vals map[string]any) *ledger.Result {
	d.t.Helper()
	var code ledger.Code
	r := d.postCode(tl, txn, auth, vals, &code)
	if r == nil {
		d.errorf(tl, "%s %v refused: %s", txn, vals, code)
	}
	return r
}

// refused posts txn and fails unless it is refused with one of codes
// (any business refusal when codes is empty).
func (d *wholeDay) refused(tl *wdTeller, txn string, auth *ledger.Credentials, vals map[string]any, codes ...ledger.Code) {
	d.t.Helper()
	var code ledger.Code
	if r := d.postCode(tl, txn, auth, vals, &code); r != nil {
		d.errorf(tl, "%s %v posted as %s, want a refusal %v", txn, vals, r.Serial, codes)
		return
	}
	if len(codes) > 0 && !containsCode(codes, code) {
		d.errorf(tl, "%s %v refused with %s, want %v", txn, vals, code, codes)
	}
}

func containsCode(codes []ledger.Code, c ledger.Code) bool {
	for _, x := range codes {
		if x == c {
			return true
		}
	}
	return false
}

// journalRows counts the journal entries teller made.
func (d *wholeDay) journalRows(teller string) int {
	var n int
	db := d.e.store.DB()
	if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM journal WHERE teller = ?`), teller); err != nil {
		d.t.Error(err)
	}
	return n
}

// state reads acct's balance and active holds.
func (d *wholeDay) state(acct string) wdState {
	var s wdState
	db := d.e.store.DB()
	err := db.QueryRow(db.Rebind(`SELECT a.balance,
		COALESCE((SELECT SUM(h.amount) FROM holds h WHERE h.account = a.number AND h.status = 'active'), 0),
		(SELECT COUNT(*) FROM holds h WHERE h.account = a.number AND h.status = 'active' AND h.amount = 0)
		FROM accounts a WHERE a.number = ?`), acct).Scan(&s.bal, &s.held, &s.whole)
	if err != nil {
		d.t.Errorf("account %s: %v", acct, err)
	}
	return s
}

// customerOf is the customer holding acct.
func (d *wholeDay) customerOf(acct string) string {
	var c string
	db := d.e.store.DB()
	if err := db.Get(&c, db.Rebind(`SELECT customer_id FROM accounts WHERE number = ?`), acct); err != nil {
		d.t.Errorf("account %s: %v", acct, err)
	}
	return c
}

// debit posts txn, which debits amount from acct (one of tl's), and
// checks it against the available balance before and after: a debit
// posts only within it and leaves the balance at or above the holds; a
// refusal for want of funds or for a hold is justified by the state
// before. Other refusals must be among also. It returns the result, nil
// on a refusal.
func (d *wholeDay) debit(tl *wdTeller, txn, acct string, amount int64, auth *ledger.Credentials, vals map[string]any, also ...ledger.Code) *ledger.Result {
	d.t.Helper()
	pre := d.state(acct)
	var code ledger.Code
	r := d.postCode(tl, txn, auth, vals, &code)
	switch code {
	case "ok":
		post := d.state(acct)
		switch {
		case pre.whole > 0:
			d.errorf(tl, "%s of %s from %s posted under a whole-account hold", txn, money.Fen(amount), acct)
		case amount > pre.available():
			d.errorf(tl, "%s of %s from %s posted beyond its available %s (balance %s, held %s)", txn,
				money.Fen(amount), acct, money.Fen(pre.available()), money.Fen(pre.bal), money.Fen(pre.held))
		case post.bal != pre.bal-amount:
			d.errorf(tl, "%s of %s from %s moved its balance %s → %s", txn, money.Fen(amount), acct, money.Fen(pre.bal), money.Fen(post.bal))
		case post.bal < post.held || post.whole > 0:
			d.errorf(tl, "%s left %s at %s below its holds %s (%d whole)", txn, acct, money.Fen(post.bal), money.Fen(post.held), post.whole)
		}
	case "E_ACCOUNT_HELD":
		if pre.whole == 0 {
			d.errorf(tl, "%s from %s refused as held, yet no whole-account hold was active", txn, acct)
		}
	case "E_AVAILABLE_INSUFFICIENT":
		if amount <= pre.available() {
			d.errorf(tl, "%s of %s from %s refused, available %s", txn, money.Fen(amount), acct, money.Fen(pre.available()))
		}
	case "E_INSUFFICIENT_FUNDS":
		if amount <= pre.bal {
			d.errorf(tl, "%s of %s from %s refused as insufficient, balance %s", txn, money.Fen(amount), acct, money.Fen(pre.bal))
		}
	default:
		if !containsCode(also, code) {
			d.errorf(tl, "%s of %s from %s %v: refused with %s", txn, money.Fen(amount), acct, vals, code)
		}
	}
	return r
}

// amount is a random amount of up to max yuan, in fen.
func (tl *wdTeller) amount(max int) int64 {
	return int64(tl.rng.IntN(max*100) + 1)
}

func (tl *wdTeller) acct() string { return tl.accts[tl.rng.IntN(len(tl.accts))] }

// withNotes adds amount (fen) to vals, counted out in 100-yuan notes down
// to fen coins.
func withNotes(vals map[string]any, amount int64) map[string]any {
	vals["amount"] = money.Fen(amount).String()
	for _, n := range []struct {
		key  string
		unit int64
	}{{"n100", 10000}, {"n10", 1000}, {"n1", 100}, {"j1", 10}, {"f1", 1}} {
		if c := amount / n.unit; c > 0 {
			vals[n.key] = fmt.Sprint(c)
		}
		amount %= n.unit
	}
	return vals
}

func (tl *wdTeller) remember(serial, txn, debits string) {
	tl.entries = append(tl.entries, wdEntry{serial, txn, debits})
}

func (d *wholeDay) deposit(tl *wdTeller) {
	a, amt := tl.acct(), tl.amount(20000)
	if r := d.post(tl, "cash_deposit", nil, map[string]any{"account": a, "amount": money.Fen(amt).String()}); r != nil {
		tl.remember(r.Serial, "cash_deposit", a)
		tl.cash[r.Serial] = wdCash{cust: tl.cust[a], in: amt}
	}
}

func (d *wholeDay) withdrawal(tl *wdTeller) {
	d.withdrawFrom(tl, tl.acct())
}

// heldWithdrawal withdraws from one of tl's accounts with a hold, when
// there is one.
func (d *wholeDay) heldWithdrawal(tl *wdTeller) {
	held := []string{ledger.DemoHeldAccount, ledger.DemoFrozenAccount}
	for _, h := range tl.holds {
		held = append(held, h.account)
	}
	for _, a := range held {
		if _, ok := tl.cust[a]; ok && tl.rng.IntN(2) == 0 {
			d.withdrawFrom(tl, a)
			return
		}
	}
	d.withdrawFrom(tl, tl.acct())
}

func (d *wholeDay) withdrawFrom(tl *wdTeller, a string) {
	amt := tl.amount(20000)
	if tl.rng.IntN(4) == 0 { // the whole available balance, or one fen more
		amt = max(d.state(a).available()+int64(tl.rng.IntN(2)), 1)
		if amt > 4_000_000 {
			amt = tl.amount(20000)
		}
	}
	r := d.debit(tl, "cash_withdrawal", a, amt, nil, map[string]any{"account": a, "amount": money.Fen(amt).String()},
		"E_BOX_INSUFFICIENT", "E_DAILY_LIMIT")
	if r != nil {
		tl.remember(r.Serial, "cash_withdrawal", "")
		tl.cash[r.Serial] = wdCash{cust: tl.cust[a], out: amt}
	}
}

func (d *wholeDay) transfer(tl *wdTeller) {
	from, to := tl.acct(), tl.acct()
	for to == from {
		to = tl.acct()
	}
	amt := tl.amount(10000)
	toBefore := d.state(to).bal
	r := d.debit(tl, "transfer", from, amt, nil, map[string]any{"from_account": from, "to_account": to,
		"amount": money.Fen(amt).String(), "payee_name": "收款人", "purpose": "rent"})
	if r != nil {
		if got := d.state(to).bal; got != toBefore+amt {
			d.errorf(tl, "transfer of %s credited %s from %s to %s", money.Fen(amt), to, money.Fen(toBefore), money.Fen(got))
		}
		tl.remember(r.Serial, "transfer", to)
	}
}

// freezeVals are a freeze order's fields, with vals over them.
func freezeVals(vals map[string]any) map[string]any {
	out := map[string]any{"authority": ledger.DemoFreezeAuthority, "document_no": "（2026）京0101执保18号",
		"officer1": "王立新", "officer1_id": "京法0101023", "officer2": "赵敏", "officer2_id": "京法0101077"}
	for k, v := range vals {
		out[k] = v
	}
	return out
}

// freeze places a full or partial freeze on one of tl's demand accounts.
func (d *wholeDay) freeze(tl *wdTeller) {
	a := tl.accts[tl.rng.IntN(len(tl.accts)-1)] // not the seeded held account
	vals := map[string]any{"action": "freeze", "account": a, "kind": "judicial_freeze", "scope": "full", "expiry_date": wdExpiry}
	authority := ledger.DemoFreezeAuthority
	if tl.rng.IntN(2) == 0 {
		authority = wdPolice
		vals["kind"], vals["authority"], vals["document_no"] = "admin_freeze", authority, "京公东冻字〔2026〕18号"
	}
	if tl.rng.IntN(2) == 0 {
		vals["scope"] = "partial"
		bal := d.state(a).bal
		vals["freeze_amount"] = money.Fen(max(bal/2+int64(tl.rng.IntN(int(bal/2+2))), 1)).String()
	}
	if r := d.post(tl, "freeze", d.supervisor(tl), freezeVals(vals)); r != nil {
		tl.holds = append(tl.holds, wdHold{id: r.Serial, account: a, txn: "freeze", authority: authority})
	}
}

func (d *wholeDay) stopPayment(tl *wdTeller) {
	a := tl.accts[tl.rng.IntN(len(tl.accts)-1)]
	r := d.post(tl, "stop_payment", d.supervisor(tl), map[string]any{"action": "stop", "account": a, "requester": wdPolice,
		"reason": "police_request", "document_no": "京公东紧急止付〔2026〕18号"})
	if r != nil {
		tl.holds = append(tl.holds, wdHold{id: r.Serial, account: a, txn: "stop_payment", authority: wdPolice})
	}
}

// liftHold lifts one of the holds tl placed, by the authority that
// placed it.
func (d *wholeDay) liftHold(tl *wdTeller) {
	if len(tl.holds) == 0 {
		d.freeze(tl)
		return
	}
	i := tl.rng.IntN(len(tl.holds))
	h := tl.holds[i]
	var r *ledger.Result
	if h.txn == "freeze" {
		r = d.post(tl, "freeze", d.supervisor(tl), freezeVals(map[string]any{"action": "unfreeze", "account": h.account,
			"hold_id": h.id, "authority": h.authority}))
	} else {
		r = d.post(tl, "stop_payment", d.supervisor(tl), map[string]any{"action": "release", "account": h.account,
			"hold_id": h.id, "requester": h.authority})
	}
	if r != nil {
		tl.holds = append(tl.holds[:i], tl.holds[i+1:]...)
	}
}

var wdProducts = []string{"M3", "M6", "Y1", "Y3"}

func (d *wholeDay) termOpen(tl *wdTeller) {
	a := tl.accts[tl.rng.IntN(len(tl.accts)-1)]
	amt := tl.amount(20000) + 5000 // at least 50.00
	vals := map[string]any{"account": a, "product": wdProducts[tl.rng.IntN(len(wdProducts))], "amount": money.Fen(amt).String(), "source": "cash"}
	transfer := tl.rng.IntN(2) == 0
	if transfer {
		vals["source"] = "transfer"
	}
	// Printed on the next certificate (存单) in the box: none left, it is
	// refused, and the teller takes some from the vault.
	cert := d.nextVoucher(tl, "certificate")
	if cert == 0 {
		d.refused(tl, "term_open", nil, vals, "E_VOUCHER_NONE", "E_ACCOUNT_HELD", "E_AVAILABLE_INSUFFICIENT", "E_INSUFFICIENT_FUNDS")
		d.issueVouchers(tl, "certificate")
		return
	}
	var r *ledger.Result
	if transfer {
		r = d.debit(tl, "term_open", a, amt, nil, vals)
	} else if r = d.post(tl, "term_open", nil, vals); r != nil {
		tl.cash[r.Serial] = wdCash{cust: tl.cust[a], in: amt}
	}
	if r == nil {
		return
	}
	tl.used++
	tl.boxVouch--
	no, _ := r.Values["account_no"].(string)
	if no == "" || d.state(no).bal != amt || r.Values["voucher_no"] != cert {
		d.errorf(tl, "term_open %v returned %v; the box's next certificate was %d", vals, r.Values, cert)
		return
	}
	tl.terms = append(tl.terms, &wdTerm{account: no, cust: tl.cust[a], principal: amt})
}

// termWithdraw withdraws one of tl's term deposits early, or part of it
// (once); opened today, they earn no interest.
func (d *wholeDay) termWithdraw(tl *wdTeller) {
	if len(tl.terms) == 0 {
		d.termOpen(tl)
		return
	}
	i := tl.rng.IntN(len(tl.terms))
	tm := tl.terms[i]
	vals := map[string]any{"account": tm.account, "mode": "early"}
	paid := tm.principal
	partial := tm.principal > 20000 && tl.rng.IntN(2) == 0
	if partial {
		paid = 1 + tl.rng.Int64N(tm.principal-10000)
		vals["mode"], vals["withdraw_amount"] = "partial", money.Fen(paid).String()
	}
	var code ledger.Code
	r := d.postCode(tl, "term_withdraw", d.supervisor(tl), vals, &code)
	switch {
	case partial && tm.partly:
		if code != "E_TERM_PARTIAL_TWICE" {
			d.errorf(tl, "a second partial withdrawal of %s: %s", tm.account, code)
		}
	case code == "E_BOX_INSUFFICIENT":
	case r == nil:
		d.errorf(tl, "term_withdraw %v refused: %s", vals, code)
	case r.Values["paid_total"] != money.Fen(paid) || r.Values["interest"] != money.Fen(0):
		d.errorf(tl, "term_withdraw %v of a deposit of %s opened today: %v", vals, money.Fen(tm.principal), r.Values)
	default:
		tl.cash[r.Serial] = wdCash{cust: tm.cust, out: paid}
		if partial {
			tm.principal -= paid
			tm.partly = true
		} else {
			tl.terms = append(tl.terms[:i], tl.terms[i+1:]...)
		}
		left := tm.principal
		if !partial {
			left = 0
		}
		if got := d.state(tm.account).bal; got != left {
			d.errorf(tl, "term deposit %s holds %s after %v", tm.account, money.Fen(got), vals)
		}
	}
}

// noteExchange changes k notes of 100 for 50s and 10s: the box's total
// stays.
func (d *wholeDay) noteExchange(tl *wdTeller) {
	k := 1 + tl.rng.IntN(5)
	n50 := tl.rng.IntN(2*k + 1)
	d.post(tl, "note_exchange", nil, map[string]any{"amount": money.Fen(int64(k) * 10000).String(), "in_n100": fmt.Sprint(k),
		"out_n50": fmt.Sprint(n50), "out_n10": fmt.Sprint((k*100 - n50*50) / 10), "memo": "兑换"})
}

// cashTransfer hands notes of 100 to the other teller, who confirms.
func (d *wholeDay) cashTransfer(tl *wdTeller) {
	amt := int64(1+tl.rng.IntN(30)) * 10000
	var code ledger.Code
	r := d.postCode(tl, "cash_transfer", nil, withNotes(map[string]any{"handover_id": tl.peer, "memo": "调剂"}, amt), &code)
	if r == nil && code != "E_BOX_INSUFFICIENT" {
		d.errorf(tl, "cash_transfer of %s to %s: %s", money.Fen(amt), tl.peer, code)
	}
	if r != nil {
		tl.remember(r.Serial, "cash_transfer", "")
	}
}

// voucherIssue takes the next few vouchers of a kind of tl's share of the
// vault into tl's box.
func (d *wholeDay) voucherIssue(tl *wdTeller) {
	d.issueVouchers(tl, ledger.VoucherKinds[tl.rng.IntN(len(ledger.VoucherKinds))])
}

// issueVouchers takes the next few vouchers of kind of tl's share of the
// vault into tl's box.
func (d *wholeDay) issueVouchers(tl *wdTeller, kind string) {
	from := tl.vaultNo[kind]
	to := min(from+int64(tl.rng.IntN(4)), tl.vaultEnd)
	if from > tl.vaultEnd {
		d.voucherSale(tl)
		return
	}
	r := d.post(tl, "voucher_issue", nil, map[string]any{"kind": kind, "from_no": fmt.Sprint(from), "to_no": fmt.Sprint(to), "handover_id": tl.peer})
	if r == nil {
		return
	}
	if r.Values["voucher_count"] != to-from+1 {
		d.errorf(tl, "voucher_issue %s %d–%d returned %v", kind, from, to, r.Values)
	}
	tl.vaultNo[kind] = to + 1
	tl.boxVouch += to - from + 1
	tl.ranges = append(tl.ranges, wdRange{kind, from, to})
}

// nextVoucher is the lowest unused voucher of kind in tl's box, 0 for none.
func (d *wholeDay) nextVoucher(tl *wdTeller, kind string) int64 {
	var no int64
	db := d.e.store.DB()
	if err := db.Get(&no, db.Rebind(`SELECT COALESCE(MIN(serial_no), 0) FROM vouchers WHERE kind = ? AND location = ? AND status = 'unused'`),
		kind, "BOX-"+tl.id); err != nil {
		d.t.Error(err)
	}
	return no
}

// voucherSale sells the next cheque book in tl's box, with or without a
// fee debited from the buyer's account.
func (d *wholeDay) voucherSale(tl *wdTeller) {
	a := tl.acct()
	next := d.nextVoucher(tl, "cheque_book")
	vals := map[string]any{"account": a}
	fee := int64(0)
	if tl.rng.IntN(3) > 0 {
		fee = int64(tl.rng.IntN(5000))
		vals["fee"] = money.Fen(fee).String()
	}
	var r *ledger.Result
	switch {
	case next == 0:
		d.refused(tl, "voucher_sale", nil, vals, "E_VOUCHER_NONE", "E_ACCOUNT_HELD", "E_AVAILABLE_INSUFFICIENT", "E_INSUFFICIENT_FUNDS")
		return
	case fee == 0: // no debit: whether a held account may buy one is the module's call
		var code ledger.Code
		if r = d.postCode(tl, "voucher_sale", nil, vals, &code); r == nil && code != "E_ACCOUNT_HELD" {
			d.errorf(tl, "voucher_sale %v without a fee: %s", vals, code)
		}
	default:
		r = d.debit(tl, "voucher_sale", a, fee, nil, vals)
	}
	if r == nil {
		return
	}
	if r.Values["voucher_no"] != next {
		d.errorf(tl, "voucher_sale sold %v, the box's next cheque book is %d", r.Values["voucher_no"], next)
	}
	tl.sold++
	tl.boxVouch--
}

// voucherVoid voids the next voucher of a kind in tl's box.
func (d *wholeDay) voucherVoid(tl *wdTeller) {
	kind := ledger.VoucherKinds[tl.rng.IntN(len(ledger.VoucherKinds))]
	next := d.nextVoucher(tl, kind)
	if next == 0 {
		d.refused(tl, "voucher_void", d.supervisor(tl), map[string]any{"action": "void", "kind": kind, "from_no": "1", "reason": "打印错位"}, "E_VOUCHER_NOT_IN_BOX")
		return
	}
	if r := d.post(tl, "voucher_void", d.supervisor(tl), map[string]any{"action": "void", "kind": kind, "from_no": fmt.Sprint(next), "reason": "打印错位"}); r != nil {
		tl.voided++
		tl.boxVouch--
	}
}

// voucherReturn returns a range tl issued to the vault: refused when one
// of them left the box since.
func (d *wholeDay) voucherReturn(tl *wdTeller) {
	if len(tl.ranges) == 0 {
		d.voucherIssue(tl)
		return
	}
	i := tl.rng.IntN(len(tl.ranges))
	g := tl.ranges[i]
	var inBox int64
	db := d.e.store.DB()
	if err := db.Get(&inBox, db.Rebind(`SELECT COUNT(*) FROM vouchers WHERE kind = ? AND serial_no BETWEEN ? AND ? AND location = ? AND status = 'unused'`),
		g.kind, g.from, g.to, "BOX-"+tl.id); err != nil {
		d.t.Error(err)
	}
	vals := map[string]any{"action": "return", "kind": g.kind, "from_no": fmt.Sprint(g.from), "to_no": fmt.Sprint(g.to)}
	if inBox != g.to-g.from+1 {
		d.refused(tl, "voucher_void", nil, vals, "E_VOUCHER_NOT_IN_BOX")
		return
	}
	if r := d.post(tl, "voucher_void", nil, vals); r != nil {
		tl.boxVouch -= inBox
		tl.ranges = append(tl.ranges[:i], tl.ranges[i+1:]...)
	}
}

// reversal reverses one of tl's reversible entries of the day.
func (d *wholeDay) reversal(tl *wdTeller) {
	if len(tl.entries) == 0 {
		d.deposit(tl)
		return
	}
	i := tl.rng.IntN(len(tl.entries))
	en := tl.entries[i]
	var code ledger.Code
	r := d.postCode(tl, "reversal", d.supervisor(tl), map[string]any{"orig_serial": en.serial, "orig_date": bizDate, "reason": "柜员录入错误"}, &code)
	if r == nil {
		if code != "E_BOX_INSUFFICIENT" && code != "E_REVERSAL_INSUFFICIENT" && code != "E_ACCOUNT_HELD" && code != "E_AVAILABLE_INSUFFICIENT" {
			d.errorf(tl, "reversal of %s %s: %s", en.txn, en.serial, code)
		}
		return
	}
	tl.entries = append(tl.entries[:i], tl.entries[i+1:]...)
	tl.reversed = append(tl.reversed, en.serial)
	delete(tl.cash, en.serial)
	if en.debits == "" {
		return
	}
	// A reversal that takes money out of an account is a debit like any
	// other: it never takes the account below its holds.
	if s := d.state(en.debits); s.bal < s.held || s.whole > 0 {
		d.errorf(tl, "reversed %s %s: %s at %s, held %s (%d whole)", en.txn, en.serial, en.debits, money.Fen(s.bal), money.Fen(s.held), s.whole)
	}
}

// pinChange changes the PIN of tl's demo PIN account with the right or a
// wrong old PIN, or resets it with a supervisor; three wrong PINs lock
// it until a reset.
func (d *wholeDay) pinChange(tl *wdTeller) {
	locked := tl.pinFails >= ledger.PINTries
	next := wdPINs[tl.rng.IntN(len(wdPINs))]
	for next == tl.pin {
		next = wdPINs[tl.rng.IntN(len(wdPINs))]
	}
	switch k := tl.rng.IntN(6); {
	case k == 0 || locked && k < 3:
		if d.post(tl, "pin_change", d.supervisor(tl), map[string]any{"action": "reset", "account": tl.pinAcct, "cust_name": ledger.DemoHolderName,
			"idcard": ledger.DemoHolderID, "new_pin": next, "confirm_pin": next}) != nil {
			tl.pin, tl.pinFails = next, 0
		}
	case k < 3: // one wrong PIN or a few in a row
		for range 1 + tl.rng.IntN(ledger.PINTries+1) {
			want := ledger.Code("E_PIN_MISMATCH")
			if tl.pinFails >= ledger.PINTries {
				want = "E_PIN_LOCKED"
			}
			d.refused(tl, "pin_change", nil, map[string]any{"action": "change", "account": tl.pinAcct, "old_pin": "808182", "new_pin": next, "confirm_pin": next}, want)
			tl.pinFails++
		}
	default:
		vals := map[string]any{"action": "change", "account": tl.pinAcct, "old_pin": tl.pin, "new_pin": next, "confirm_pin": next}
		if locked {
			d.refused(tl, "pin_change", nil, vals, "E_PIN_LOCKED")
		} else if d.post(tl, "pin_change", nil, vals) != nil {
			tl.pin, tl.pinFails = next, 0 // the right PIN clears the count
		}
	}
}

// wdInvalid are inputs the ledger must refuse, with the codes it may
// refuse them with (any business refusal when none).
var wdInvalid = []struct {
	name  string
	txn   string
	auth  bool
	vals  func(d *wholeDay, tl *wdTeller) map[string]any
	codes []ledger.Code
}{
	{"malformed amount", "cash_deposit", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"account": tl.acct(), "amount": []string{"0", "-5", "1.005", "", "abc", "1e3"}[tl.rng.IntN(6)]}
	}, nil},
	{"unknown account", "cash_withdrawal", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"account": ledger.AccountNumber("0101", 99999), "amount": "1.00"}
	}, []ledger.Code{"E_ACCOUNT_UNKNOWN"}},
	{"transfer to itself", "transfer", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		a := tl.acct()
		return map[string]any{"from_account": a, "to_account": a, "amount": "1.00", "payee_name": "x", "purpose": "rent"}
	}, []ledger.Code{"E_SAME_ACCOUNT"}},
	{"freeze without a supervisor", "freeze", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return freezeVals(map[string]any{"action": "freeze", "account": tl.acct(), "kind": "judicial_freeze", "scope": "full", "expiry_date": wdExpiry})
	}, []ledger.Code{"E_AUTH_REQUIRED"}},
	{"partial freeze without an amount", "freeze", true, func(d *wholeDay, tl *wdTeller) map[string]any {
		return freezeVals(map[string]any{"action": "freeze", "account": tl.acct(), "kind": "judicial_freeze", "scope": "partial", "expiry_date": wdExpiry})
	}, []ledger.Code{"E_HOLD_AMOUNT"}},
	{"stop payment without a supervisor", "stop_payment", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"action": "stop", "account": tl.acct(), "requester": wdPolice, "reason": "police_request"}
	}, []ledger.Code{"E_AUTH_REQUIRED"}},
	{"unequal note exchange", "note_exchange", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"amount": "100.00", "in_n100": "1", "out_n50": "1", "out_n10": "4"}
	}, []ledger.Code{"E_EXCHANGE_UNEQUAL"}},
	{"cash transfer to oneself", "cash_transfer", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"amount": "100.00", "handover_id": tl.id, "n100": "1"}
	}, []ledger.Code{"E_TRANSFER_RECEIVER"}},
	{"cash transfer miscounted", "cash_transfer", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"amount": "200.00", "handover_id": tl.peer, "n100": "1"}
	}, []ledger.Code{"E_DENOMINATIONS"}},
	{"voucher range backwards", "voucher_issue", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"kind": "card", "from_no": "20", "to_no": "10", "handover_id": tl.peer}
	}, []ledger.Code{"E_VOUCHER_RANGE"}},
	{"voucher void without a reason", "voucher_void", true, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"action": "void", "kind": "card", "from_no": fmt.Sprint(max(d.nextVoucher(tl, "card"), 1))}
	}, []ledger.Code{"E_VOUCHER_REASON", "E_VOUCHER_NOT_IN_BOX"}},
	{"term deposit of a notice product", "term_open", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"account": tl.acct(), "product": "N7", "amount": "100.00", "source": "cash"}
	}, []ledger.Code{"E_TERM_PRODUCT"}},
	{"weak PIN", "pin_change", false, func(d *wholeDay, tl *wdTeller) map[string]any {
		return map[string]any{"action": "change", "account": tl.pinAcct, "old_pin": tl.pin, "new_pin": "123456", "confirm_pin": "123456"}
	}, []ledger.Code{"E_PIN_WEAK", "E_PIN_LOCKED"}},
	{"reversal twice", "reversal", true, func(d *wholeDay, tl *wdTeller) map[string]any {
		if len(tl.reversed) == 0 {
			return map[string]any{"orig_serial": "0101-20261123-99999999", "orig_date": bizDate, "reason": "不存在的流水"}
		}
		return map[string]any{"orig_serial": tl.reversed[tl.rng.IntN(len(tl.reversed))], "orig_date": bizDate, "reason": "再次冲正"}
	}, []ledger.Code{"E_ALREADY_REVERSED", "E_ORIG_NOT_FOUND", "E_NOT_REVERSIBLE"}},
}

func (d *wholeDay) invalid(tl *wdTeller) {
	c := wdInvalid[tl.rng.IntN(len(wdInvalid))]
	tl.op = "invalid: " + c.name
	var auth *ledger.Credentials
	if c.auth {
		auth = d.supervisor(tl)
	}
	d.refused(tl, c.txn, auth, c.vals(d, tl), c.codes...)
}

// voucherTotals counts branch 0101's vouchers by kind.
func (d *wholeDay) voucherTotals() map[string]int64 {
	rows, err := d.e.store.VoucherStock(context.Background(), "0101")
	if err != nil {
		d.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Kind] += r.Count
	}
	return out
}

// checkEnd checks the ledger after the run against the invariants and
// the model.
func (d *wholeDay) checkEnd() {
	t, db := d.t, d.e.store.DB()
	d.e.books(t)
	count := func(what, q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.Get(&n, db.Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return n
	}
	if n := count("orphan postings", `SELECT COUNT(*) FROM postings WHERE serial NOT IN (SELECT serial FROM journal)`); n != 0 {
		d.errorf(nil, "%d postings without a journal entry", n)
	}
	if n := count("orphan holds", `SELECT COUNT(*) FROM holds WHERE id NOT LIKE 'seed-%' AND id NOT IN (SELECT serial FROM journal)`); n != 0 {
		d.errorf(nil, "%d holds without a journal entry", n)
	}
	for _, tl := range d.tellers {
		if n := d.journalRows(tl.id); n != tl.posted {
			d.errorf(tl, "teller %s has %d journal entries, %d postings succeeded", tl.id, n, tl.posted)
		}
	}
	// Vouchers: the seeded stock, each in one place with one status.
	if got := d.voucherTotals(); fmt.Sprint(got) != fmt.Sprint(d.stock0) {
		d.errorf(nil, "vouchers by kind %v, seeded %v", got, d.stock0)
	}
	if n := count("misplaced vouchers", `SELECT COUNT(*) FROM vouchers WHERE branch = '0101' AND NOT (
		(status = 'unused' AND location = 'VAULT-0101' AND teller = '') OR
		(status = 'unused' AND location = 'BOX-' || teller) OR
		(status IN ('sold', 'void', 'used') AND used_serial IN (SELECT serial FROM journal)))`); n != 0 {
		d.errorf(nil, "%d vouchers out of place or used by no entry", n)
	}
	for _, tl := range d.tellers {
		in := count("box vouchers", `SELECT COUNT(*) FROM vouchers WHERE location = ? AND status = 'unused'`, "BOX-"+tl.id)
		sold := count("sold", `SELECT COUNT(*) FROM vouchers v JOIN journal j ON j.serial = v.used_serial WHERE v.status = 'sold' AND j.teller = ?`, tl.id)
		void := count("void", `SELECT COUNT(*) FROM vouchers v JOIN journal j ON j.serial = v.used_serial WHERE v.status = 'void' AND j.teller = ?`, tl.id)
		used := count("used", `SELECT COUNT(*) FROM vouchers v JOIN journal j ON j.serial = v.used_serial WHERE v.status = 'used' AND j.teller = ?`, tl.id)
		if in != tl.boxVouch || sold != tl.sold || void != tl.voided || used != tl.used {
			d.errorf(tl, "box %s: %d unused, %d sold, %d void, %d used; the model says %d, %d, %d, %d", tl.id, in, sold, void, used, tl.boxVouch, tl.sold, tl.voided, tl.used)
		}
	}
	// Every used voucher is the certificate of the term deposit its entry opened, from the opener's box.
	if n := count("used certificates", `SELECT COUNT(*) FROM vouchers v WHERE v.status = 'used' AND NOT (v.kind = 'certificate' AND EXISTS (
		SELECT 1 FROM term_deposits d JOIN journal j ON j.serial = d.open_serial WHERE d.voucher_no = v.serial_no AND d.open_serial = v.used_serial
		AND d.account = v.account AND v.location = 'BOX-' || j.teller))`); n != 0 {
		d.errorf(nil, "%d used vouchers are no opened term deposit's certificate", n)
	}
	d.checkLargeCash()
	d.checkOverShort()
}

// checkLargeCash compares the large-cash report with the cash the model
// moved per customer.
func (d *wholeDay) checkLargeCash() {
	want := map[string][2]int64{}
	for _, tl := range d.tellers {
		for _, c := range tl.cash {
			w := want[c.cust]
			w[0], w[1] = w[0]+c.in, w[1]+c.out
			want[c.cust] = w
		}
	}
	for c, w := range want {
		if w[0] < int64(ledger.LargeCashThreshold) && w[1] < int64(ledger.LargeCashThreshold) {
			delete(want, c)
		}
	}
	rows, err := d.e.store.LargeCash(context.Background(), bizDate, ledger.LargeCashThreshold)
	if err != nil {
		d.t.Fatalf("seed %d: large-cash report: %v", d.seed, err)
	}
	got := map[string][2]int64{}
	for _, r := range rows {
		g := got[r.CustomerID]
		g[0], g[1] = g[0]+int64(r.CashIn), g[1]+int64(r.CashOut)
		got[r.CustomerID] = g
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		d.errorf(nil, "large-cash report %v, the model %v", got, want)
	}
}

// dayEnd: each teller hands in their box but for a remainder under
// 1,000.00 in counted denominations, balances it with zero difference
// and the voucher count, and the branch closes its day.
func (d *wholeDay) dayEnd() {
	t := d.t
	for _, tl := range d.tellers {
		tl.step, tl.op = tl.step+1, "day-end"
		bal := d.e.box(t, tl.id).Balance
		keep := bal % 100_000
		d.refused(tl, "cashbox_settle", nil, map[string]any{"amount": money.Fen(bal - keep + 1).String(), "handover_id": tl.peer, "n100": fmt.Sprint((bal - keep) / 10000)}, "E_DENOMINATIONS", "E_BOX_INSUFFICIENT")
		if bal > keep && d.post(tl, "cashbox_settle", nil, withNotes(map[string]any{"handover_id": tl.peer}, bal-keep)) == nil {
			t.FailNow()
		}
		counted := withNotes(map[string]any{"voucher_counted": fmt.Sprint(tl.boxVouch + 1)}, keep)
		delete(counted, "amount")
		d.refused(tl, "day_end_balance", nil, counted, "E_VOUCHER_COUNT")
		counted["voucher_counted"] = fmt.Sprint(tl.boxVouch)
		r := d.post(tl, "day_end_balance", nil, counted)
		if r == nil {
			t.FailNow()
		}
		if r.Values["over_short"] != money.Fen(0) || r.Values["counted"] != money.Fen(keep) || r.Values["box_vouchers"] != tl.boxVouch {
			d.errorf(tl, "day_end_balance of %s counted %s: %v", tl.id, money.Fen(keep), r.Values)
		}
		if b := d.e.box(t, tl.id); b.Balance != keep || b.OverShort != tl.boxDiff {
			d.errorf(tl, "box of %s after day-end %+v", tl.id, b)
		}
	}
	d.e.books(t)
	next, err := d.e.store.CloseDay(context.Background(), "0101", "test")
	if err != nil || next != "2026-11-24" {
		t.Fatalf("seed %d: day-end: %q %v", d.seed, next, err)
	}
	if _, err := d.e.store.LargeCash(context.Background(), bizDate, ledger.LargeCashThreshold); err != nil {
		t.Fatalf("seed %d: large-cash report after day-end: %v", d.seed, err)
	}
}

// overShort books a cash over or short (3106) to suspense, or clears
// part or all of one this teller booked (3108): an overage to income or
// back to the customer, a shortage recovered from the teller or written
// off; or tries to clear more than is outstanding, which is refused.
func (d *wholeDay) overShort(tl *wdTeller) {
	var open []*wdItem
	for _, it := range tl.items {
		if it.open > 0 {
			open = append(open, it)
		}
	}
	if len(open) == 0 || tl.rng.IntN(3) == 0 {
		kind := []string{"over", "short"}[tl.rng.IntN(2)]
		amt := int64(1+tl.rng.IntN(200)) * 10
		r := d.post(tl, "cash_over_short", d.supervisor(tl), map[string]any{"action": kind, "amount": money.Fen(amt).String(), "reason": "点钞差错核实"})
		if r == nil {
			return
		}
		tl.items = append(tl.items, &wdItem{serial: r.Serial, kind: kind, amount: amt, open: amt})
		if kind == "over" {
			tl.boxDiff += amt
		} else {
			tl.boxDiff -= amt
		}
		return
	}
	it := open[tl.rng.IntN(len(open))]
	action := map[string][]string{"over": {"income", "refund"}, "short": {"recover", "writeoff"}}[it.kind][tl.rng.IntN(2)]
	vals := func(amt int64) map[string]any {
		return map[string]any{"item": it.serial, "action": action, "amount": money.Fen(amt).String(), "reason": "长短款核实处理"}
	}
	if tl.rng.IntN(4) == 0 {
		d.refused(tl, "over_short_clear", d.supervisor(tl), vals(it.open+10), "E_OVER_SHORT_EXCEEDS")
		return
	}
	amt := it.open
	if tl.rng.IntN(2) == 0 && amt > 10 {
		amt = int64(1+tl.rng.IntN(int(amt/10-1))) * 10 // part of it
	}
	r := d.post(tl, "over_short_clear", d.supervisor(tl), vals(amt))
	if r == nil {
		return
	}
	it.open -= amt
	if r.Values["outstanding_amount"] != money.Fen(it.open) {
		d.errorf(tl, "3108 of %s left %v outstanding, the model %s", it.serial, r.Values["outstanding_amount"], money.Fen(it.open))
	}
}

// openAccount opens a class I account for a new person, and refuses
// them a second one (one class I account per person).
func (d *wholeDay) openAccount(tl *wdTeller) {
	tl.opened++
	id := fmt.Sprintf("11010119770707%03d", (slices.Index(d.tellers, tl)*500+2*tl.opened)%1000) // even: 女
	id += string(checkChar(id))
	if d.post(tl, "open_account", nil, openVals("周晓雯", id)) == nil {
		return
	}
	d.refused(tl, "open_account", nil, openVals("周晓雯", id), "E_CLASS_I_EXISTS")
}

// checkOverShort: every item is outstanding as the model says, and the
// branch's suspense moved by exactly what is outstanding (an overage is
// owed, a shortage is due).
func (d *wholeDay) checkOverShort() {
	db := d.e.store.DB()
	want := d.susp0
	for _, tl := range d.tellers {
		for _, it := range tl.items {
			var open int64
			if err := db.Get(&open, db.Rebind(`SELECT outstanding FROM over_short_items WHERE serial = ?`), it.serial); err != nil || open != it.open {
				d.errorf(tl, "item %s: %d outstanding (%v), the model %d", it.serial, open, err, it.open)
			}
			if it.kind == "over" {
				want -= it.open
			} else {
				want += it.open
			}
		}
		if b := d.e.box(d.t, tl.id); b.OverShort != tl.boxDiff {
			d.errorf(tl, "box %s over/short %d, the model %d", tl.id, b.OverShort, tl.boxDiff)
		}
	}
	if got := d.e.glBalance(d.t, "SUSP-0101"); got != want {
		d.errorf(nil, "suspense %d, the model %d", got, want)
	}
}

// outcomes summarizes the day's postings by transaction and code.
func (d *wholeDay) outcomes() string {
	var keys []string
	for k := range d.outcome {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&s, "\n  %s: %d", k, d.outcome[k])
	}
	return s.String()
}
