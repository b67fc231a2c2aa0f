package ledger

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"guitai/catalog"
	"guitai/dsl"
	"guitai/idnum"
	"guitai/money"
)

// LoadCatalog decodes every *.txn.json of fsys (strictly: unknown keys are
// errors) and checks each transaction on its own, every step's error code
// included (it must be one of Messages).
func LoadCatalog(fsys fs.FS) (catalog.Catalog, error) {
	return catalog.Load(fsys, func(code string) bool {
		_, ok := Messages[Code(code)]
		return ok
	})
}

// DecodeTxn decodes and checks one catalog transaction, the file name
// holding b, as LoadCatalog does each of its files (a draft beside a
// form, say).
func DecodeTxn(name string, b []byte) (*catalog.Txn, error) {
	return catalog.Decode(name, b, func(code string) bool {
		_, ok := Messages[Code(code)]
		return ok
	})
}

// namesIn lists the :name parameters of a statement as sqlx.Named sees them.
func namesIn(q string) []string { return catalog.NamesIn(q) }

// coerce turns submitted values (from a form: money.Fen, int64, bool,
// strings; from a script: strings) into the typed parameters of t. Keys that
// are not params are refused; a missing optional param gets its zero value.
func coerce(t *catalog.Txn, values map[string]any, k keys) (map[string]any, error) {
	out := map[string]any{}
	for key := range values {
		if t.Param(key) == nil {
			return nil, errf("E_UNKNOWN_PARAM", key, nil)
		}
	}
	for i := range t.Params {
		p := &t.Params[i]
		v, err := coerceParam(p, values[p.Name])
		if err != nil {
			return nil, err
		}
		if p.Type == "idcard" {
			s := v.(string)
			out[p.Name+"_cipher"], out[p.Name+"_index"] = "", ""
			if s != "" {
				c, err := k.sealID(s)
				if err != nil {
					return nil, err
				}
				out[p.Name+"_cipher"], out[p.Name+"_index"] = c, k.indexID(s)
			}
		}
		if p.Type == "pii" {
			// Personal data (a phone, an address): sealed like an ID
			// number, with a blind index of its own.
			s := v.(string)
			out[p.Name+"_cipher"], out[p.Name+"_index"] = "", ""
			if s != "" {
				c, err := k.sealPII(s)
				if err != nil {
					return nil, err
				}
				out[p.Name+"_cipher"], out[p.Name+"_index"] = c, k.indexPII(s)
			}
		}
		out[p.Name] = v
	}
	return out, nil
}

// coerceParam turns the submitted value v of p (trimmed when a string)
// into p's typed value, by p's type: a required param must not be empty
// (E_REQUIRED), then the type's coercer (paramCoercers) checks and
// converts it. A type without a coercer of its own is text.
func coerceParam(p *catalog.Param, v any) (any, error) {
	if s, ok := v.(string); ok {
		v = strings.TrimSpace(s)
	}
	empty := v == nil || v == ""
	if empty && p.Required {
		return nil, errf("E_REQUIRED", p.Name, nil)
	}
	coerce, ok := paramCoercers[p.Type]
	if !ok {
		coerce = coerceString
	}
	return coerce(p, v, empty)
}

// A paramCoercer turns the submitted value v of p into p's typed value or
// refuses it with a coded error naming p. v is trimmed when a string, and
// empty reports whether it is nil or "" (a required param never is).
type paramCoercer func(p *catalog.Param, v any, empty bool) (any, error)

// paramCoercers are the coercers by param type.
var paramCoercers = map[string]paramCoercer{
	"money":   coerceMoney,
	"int":     coerceInt,
	"bool":    coerceBool,
	"string":  coerceString,
	"date":    coerceDate,
	"account": coerceAccount,
	"idcard":  coerceIDCard,
	"pii":     coerceString,
	"pin":     coercePIN,
	"secret":  coerceString,
}

// badParam is the refusal of p's value with code.
func badParam(p *catalog.Param, code Code, cause error) (any, error) {
	return nil, errf(code, p.Name, cause)
}

// coerceMoney takes money.Fen, an integer count of fen or a decimal
// string of yuan (never a float) to int64 fen: a string that is not an
// amount is E_AMOUNT_SYNTAX, one with a third decimal E_AMOUNT_PRECISION;
// beyond money.MaxFen or p's max is E_AMOUNT_RANGE, under p's min (when
// given) E_AMOUNT_MIN. Empty is 0.
func coerceMoney(p *catalog.Param, v any, empty bool) (any, error) {
	var f money.Fen
	switch x := v.(type) {
	case nil:
	case money.Fen:
		f = x
	case int64:
		f = money.Fen(x)
	case int:
		f = money.Fen(x)
	case string:
		if x == "" {
			break
		}
		var err error
		if f, err = money.Parse(x); err != nil {
			switch {
			case errors.Is(err, money.ErrPrecision):
				return badParam(p, "E_AMOUNT_PRECISION", err)
			case errors.Is(err, money.ErrRange):
				return badParam(p, "E_AMOUNT_RANGE", err)
			}
			return badParam(p, "E_AMOUNT_SYNTAX", err)
		}
	default:
		return badParam(p, "E_TYPE", fmt.Errorf("%T is not money", v)) // floats included: never
	}
	if f > money.MaxFen || f < -money.MaxFen {
		return badParam(p, "E_AMOUNT_RANGE", nil)
	}
	if p.Min != "" && !empty {
		if f < money.MustParse(p.Min) {
			return badParam(p, "E_AMOUNT_MIN", nil)
		}
	}
	if p.Max != "" && f > money.MustParse(p.Max) {
		return badParam(p, "E_AMOUNT_RANGE", nil)
	}
	return int64(f), nil
}

// coerceInt takes an integer or a decimal string to int64: a string that
// is not an integer is E_INT_SYNTAX, one out of int64's range or a value
// out of p's min and max E_INT_RANGE. Empty is 0 (and still checked
// against p's min and max).
func coerceInt(p *catalog.Param, v any, _ bool) (any, error) {
	var n int64
	switch x := v.(type) {
	case nil:
	case int64:
		n = x
	case int:
		n = int64(x)
	case string:
		if x == "" {
			break
		}
		var err error
		if n, err = strconv.ParseInt(x, 10, 64); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return badParam(p, "E_INT_RANGE", err)
			}
			return badParam(p, "E_INT_SYNTAX", err)
		}
	default:
		return badParam(p, "E_TYPE", fmt.Errorf("%T is not an integer", v))
	}
	if p.Min != "" {
		if m, _ := strconv.ParseInt(p.Min, 10, 64); n < m {
			return badParam(p, "E_INT_RANGE", nil)
		}
	}
	if p.Max != "" {
		if m, _ := strconv.ParseInt(p.Max, 10, 64); n > m {
			return badParam(p, "E_INT_RANGE", nil)
		}
	}
	return n, nil
}

// coerceBool takes a bool or a string strconv.ParseBool reads; anything
// else is E_TYPE. Empty is false.
func coerceBool(p *catalog.Param, v any, _ bool) (any, error) {
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool:
		return x, nil
	case string:
		if x == "" {
			return false, nil
		}
		b, err := strconv.ParseBool(x)
		if err != nil {
			return badParam(p, "E_TYPE", err)
		}
		return b, nil
	}
	return badParam(p, "E_TYPE", fmt.Errorf("%T is not a bool", v))
}

// coerceString takes text: a string of valid UTF-8 (else E_TYPE) of at
// most p's max_len characters (else E_TOO_LONG). Empty is "".
func coerceString(p *catalog.Param, v any, _ bool) (any, error) {
	s, err := paramText(p, v)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// coerceDate takes text that is a date, YYYY-MM-DD (else E_DATE_SYNTAX),
// or empty.
func coerceDate(p *catalog.Param, v any, _ bool) (any, error) {
	s, err := paramText(p, v)
	if err != nil {
		return nil, err
	}
	if s != "" {
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return badParam(p, "E_DATE_SYNTAX", err)
		}
	}
	return s, nil
}

// coerceAccount takes text that is an account number, 10 to 19 digits
// (else E_ACCOUNT_SYNTAX), or empty.
func coerceAccount(p *catalog.Param, v any, _ bool) (any, error) {
	s, err := paramText(p, v)
	if err != nil {
		return nil, err
	}
	if s != "" && (len(s) < 10 || len(s) > 19 || strings.Trim(s, "0123456789") != "") {
		return badParam(p, "E_ACCOUNT_SYNTAX", nil)
	}
	return s, nil
}

// coerceIDCard takes text that is a resident ID number (GB 11643, its
// check character upper-cased; else E_IDCARD_SYNTAX), or empty.
func coerceIDCard(p *catalog.Param, v any, _ bool) (any, error) {
	s, err := paramText(p, v)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return s, nil
	}
	s = strings.ToUpper(s)
	if !idnum.IDCard(s) {
		return badParam(p, "E_IDCARD_SYNTAX", nil)
	}
	return s, nil
}

// paramText is the string v of a text param p (nil is ""): E_TYPE when v is
// not a string or not valid UTF-8, E_TOO_LONG when it has more than p's
// max_len characters.
func paramText(p *catalog.Param, v any) (string, error) {
	var s string
	switch x := v.(type) {
	case nil:
	case string:
		s = x
	default:
		return "", errf("E_TYPE", p.Name, fmt.Errorf("%T is not text", v))
	}
	if !utf8.ValidString(s) {
		return "", errf("E_TYPE", p.Name, nil)
	}
	// A NUL is no text a teller types: SQLite would store it and
	// PostgreSQL refuse it (SQLSTATE 22021), so both refuse it here.
	if strings.IndexByte(s, 0) >= 0 {
		return "", errf("E_TYPE", p.Name, fmt.Errorf("a NUL byte at %d", strings.IndexByte(s, 0)))
	}
	if p.MaxLen > 0 && utf8.RuneCountInString(s) > p.MaxLen {
		return "", errf("E_TOO_LONG", p.Name, nil)
	}
	return s, nil
}

// Posted returns the values of f a submission posts: display-only keys
// (labels, tables, readOnly fields such as a looked-up balance) are dropped,
// since the ledger computes them itself.
func Posted(f *dsl.Form, values map[string]any) map[string]any {
	out := make(map[string]any, len(values))
	for k, v := range values {
		if !catalog.DisplayOnly(f, k) {
			out[k] = v
		}
	}
	return out
}
