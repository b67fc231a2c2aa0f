package ledger

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"guitai/catalog"
	"guitai/interest"
	"guitai/money"
)

// A builtin is the implementation of one of catalog.Funcs: it takes the
// step's arguments by name, already read from the posting's values, and
// returns every result of the function's signature. A refusal is an
// *Error with a code (its field is the step's).
type builtin func(env funcEnv, args map[string]any) (map[string]any, error)

// funcEnv is what a built-in function may know of the ledger it runs in:
// the rounds of a new PIN hash (the ledger's password iterations,
// Options.PasswordIterations; 0 is pinIterations).
type funcEnv struct {
	pinRounds int
}

// builtins implement catalog.Funcs, by name (TestBuiltinsImplementFuncs
// keeps the two in step).
var builtins = map[string]builtin{
	"interest.settle":   interestSettle,
	"interest.partial":  interestPartial,
	"interest.maturity": interestMaturity,
	"pin.hash":          pinHash,
	"pin.verify":        pinVerify,
	"pin.check":         pinCheck,
}

// call runs step st's built-in function on the posting's values p and
// keeps the results its Returning names, in p and in the result's values,
// as a query step keeps its columns.
func (x *Executor) call(st catalog.Step, p map[string]any, res *Result) error {
	f, ok := builtins[st.Call]
	if !ok {
		return fmt.Errorf("ledger: no built-in function %q", st.Call)
	}
	args := make(map[string]any, len(st.Args))
	for a, src := range st.Args {
		args[a] = p[src]
	}
	out, err := f(funcEnv{pinRounds: x.store.iter}, args)
	if err != nil {
		// A function's error names the argument at fault, or none: the
		// field is the param the step gives that argument, else the
		// step's own field.
		var e *Error
		if errors.As(err, &e) {
			if src, ok := st.Args[e.Field]; ok && e.Field != "" {
				e.Field = src
			} else if e.Field == "" {
				e.Field = st.Field
			}
		}
		return err
	}
	for name, typ := range st.Returning {
		v := out[name]
		p[name] = v
		keep(res, name, typ, v)
	}
	return nil
}

// argDate reads a date argument ("YYYY-MM-DD") as UTC midnight.
func argDate(args map[string]any, name string) (time.Time, error) {
	s, _ := args[name].(string)
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, errf("E_DATE_SYNTAX", "", fmt.Errorf("%s %q: %w", name, s, err))
	}
	return d, nil
}

// argRate reads a percent-rate argument; a rate the interest package
// refuses is E_RATE, never repaired.
func argRate(args map[string]any, name string) (interest.Rate, error) {
	s, _ := args[name].(string)
	r, err := interest.ParseRate(s)
	if err != nil {
		return 0, errf("E_RATE", "", fmt.Errorf("%s: %w", name, err))
	}
	return r, nil
}

// deposit reads the term deposit the interest functions take.
func deposit(args map[string]any) (interest.Deposit, error) {
	opened, err := argDate(args, "opened")
	if err != nil {
		return interest.Deposit{}, err
	}
	rate, err := argRate(args, "rate")
	if err != nil {
		return interest.Deposit{}, err
	}
	return interest.Deposit{Principal: money.Fen(asInt(args["principal"])), Rate: rate,
		Term: int(asInt(args["term"])), Opened: opened}, nil
}

// closing reads what closing a deposit (or a part of it) takes: the
// deposit, the closing date and the demand rate posted that day.
func closing(args map[string]any) (interest.Deposit, time.Time, interest.Rate, error) {
	d, err := deposit(args)
	if err != nil {
		return interest.Deposit{}, time.Time{}, 0, err
	}
	closed, err := argDate(args, "closed")
	if err != nil {
		return interest.Deposit{}, time.Time{}, 0, err
	}
	demand, err := argRate(args, "demand_rate")
	if err != nil {
		return interest.Deposit{}, time.Time{}, 0, err
	}
	return d, closed, demand, nil
}

// interestError is the coded refusal of interest's errors.
func interestError(err error) error {
	switch {
	case errors.Is(err, interest.ErrDates):
		return errf("E_INTEREST_DATES", "", err)
	case errors.Is(err, interest.ErrWithdraw), errors.Is(err, interest.ErrNotEarly), errors.Is(err, interest.ErrTwice):
		return errf("E_PARTIAL_WITHDRAWAL", "", err)
	default:
		return errf("E_INTEREST", "", err)
	}
}

// interestSettle is interest.settle: interest.Settle of the deposit on
// closed at the demand rate.
func interestSettle(_ funcEnv, args map[string]any) (map[string]any, error) {
	d, closed, demand, err := closing(args)
	if err != nil {
		return nil, err
	}
	r, err := interest.Settle(d, closed, demand)
	if err != nil {
		return nil, interestError(err)
	}
	return map[string]any{"interest": int64(r.Interest), "kind": string(r.Kind), "maturity": r.Maturity.Format(time.DateOnly),
		"days": int64(r.Days), "overdue_days": int64(r.OverdueDays), "term_interest": int64(r.TermInterest),
		"demand_interest": int64(r.DemandInterest)}, nil
}

// interestPartial is interest.partial: interest.PartialEarly of
// withdrawn from the deposit on closed.
func interestPartial(_ funcEnv, args map[string]any) (map[string]any, error) {
	d, closed, demand, err := closing(args)
	if err != nil {
		return nil, err
	}
	r, rest, err := interest.PartialEarly(d, money.Fen(asInt(args["withdrawn"])), closed, demand)
	if err != nil {
		return nil, interestError(err)
	}
	return map[string]any{"interest": int64(r.Interest), "days": int64(r.Days), "remainder": int64(rest.Principal),
		"maturity": r.Maturity.Format(time.DateOnly)}, nil
}

// interestMaturity is interest.maturity.
func interestMaturity(_ funcEnv, args map[string]any) (map[string]any, error) {
	opened, err := argDate(args, "opened")
	if err != nil {
		return nil, err
	}
	term := int(asInt(args["term"]))
	if term < 1 || term > interest.MaxTerm {
		return nil, interestError(interest.ErrTerm)
	}
	return map[string]any{"maturity": interest.Maturity(opened, term).Format(time.DateOnly)}, nil
}

// PIN hashing: PBKDF2 (RFC 8018) with HMAC-SM3, a 16-byte random salt
// and the ledger's password iterations (funcEnv; pinIterations when it
// gives none), stored as
// "pbkdf2-sm3$<rounds>$<salt>$<key>" (base64url). The rounds are in the
// stored value, so raising them later leaves old hashes verifiable.
const (
	pinScheme     = "pbkdf2-sm3"
	pinIterations = DefaultIterations // about 60 ms on the reference machine
	pinKeyLen     = 32
)

// checkPIN refuses what is not a 6-digit PIN (E_PIN_SYNTAX); the PIN is
// never part of the error.
func checkPIN(pin string) error {
	if len(pin) != 6 || strings.Trim(pin, "0123456789") != "" {
		return errf("E_PIN_SYNTAX", "", nil)
	}
	return nil
}

// pinHash is pin.hash.
func pinHash(env funcEnv, args map[string]any) (map[string]any, error) {
	pin, _ := args["pin"].(string)
	if err := checkPIN(pin); err != nil {
		return nil, err
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	rounds := env.pinRounds
	if rounds <= 0 {
		rounds = pinIterations
	}
	key, err := pbkdf2.Key(sm3.New, pin, salt, rounds, pinKeyLen)
	if err != nil {
		return nil, err
	}
	enc := base64.RawURLEncoding
	return map[string]any{"hash": fmt.Sprintf("%s$%d$%s$%s", pinScheme, rounds, enc.EncodeToString(salt), enc.EncodeToString(key))}, nil
}

// pinVerify is pin.verify: ok is 1 when pin hashes to the stored hash.
// A stored value that is not a hash of this scheme is an error, not a
// mismatch.
func pinVerify(_ funcEnv, args map[string]any) (map[string]any, error) {
	if asInt(args["unless"]) != 0 {
		return map[string]any{"ok": int64(1)}, nil
	}
	pin, _ := args["pin"].(string)
	if err := checkPIN(pin); err != nil {
		return nil, err
	}
	stored, _ := args["hash"].(string)
	rounds, salt, key, err := parsePINHash(stored)
	if err != nil {
		return nil, errf("E_PIN_NOT_SET", "", err)
	}
	got, err := pbkdf2.Key(sm3.New, pin, salt, rounds, len(key))
	if err != nil {
		return nil, err
	}
	ok := int64(0)
	if hmac.Equal(got, key) {
		ok = 1
	}
	return map[string]any{"ok": ok}, nil
}

// pinCheck is pin.check: the rules of a new PIN (pin, and confirm, its
// second entry) and, with action "change", of the old one. Its errors
// name the argument at fault and never carry a PIN.
func pinCheck(_ funcEnv, args map[string]any) (map[string]any, error) {
	pin, _ := args["pin"].(string)
	confirm, _ := args["confirm"].(string)
	old, _ := args["old"].(string)
	if action, _ := args["action"].(string); action == "change" {
		if old == "" {
			return nil, errf("E_REQUIRED", "old", nil)
		}
		if err := checkPIN(old); err != nil {
			return nil, at(err, "old")
		}
	}
	switch {
	case checkPIN(pin) != nil:
		return nil, at(checkPIN(pin), "pin")
	case subtle.ConstantTimeCompare([]byte(pin), []byte(confirm)) != 1:
		return nil, errf("E_PIN_CONFIRM", "confirm", nil)
	case weakPIN(pin):
		return nil, errf("E_PIN_WEAK", "pin", nil)
	case old != "" && subtle.ConstantTimeCompare([]byte(pin), []byte(old)) == 1:
		return nil, errf("E_PIN_SAME", "pin", nil)
	}
	return map[string]any{}, nil
}

// at is the coded error err at field.
func at(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		e.Field = field
	}
	return err
}

// weakPIN reports whether a 6-digit PIN is one digit six times (111111)
// or a run up or down (123456, 654321): the first guesses.
func weakPIN(pin string) bool {
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		same, up, down = same && d == 0, up && d == 1, down && d == -1
	}
	return same || up || down
}

// parsePINHash splits a stored PIN hash into its rounds, salt and key.
func parsePINHash(s string) (rounds int, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 4 || parts[0] != pinScheme {
		return 0, nil, nil, errors.New("not a " + pinScheme + " hash")
	}
	if rounds, err = strconv.Atoi(parts[1]); err != nil || rounds < 1 || rounds > 10_000_000 {
		return 0, nil, nil, fmt.Errorf("rounds %q", parts[1])
	}
	enc := base64.RawURLEncoding
	if salt, err = enc.DecodeString(parts[2]); err != nil || len(salt) < 8 {
		return 0, nil, nil, fmt.Errorf("salt: %v", err)
	}
	if key, err = enc.DecodeString(parts[3]); err != nil || len(key) < 16 {
		return 0, nil, nil, fmt.Errorf("key: %v", err)
	}
	return rounds, salt, key, nil
}
