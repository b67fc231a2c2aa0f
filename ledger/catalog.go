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
		_, ok := Messages[code]
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
	for _, p := range t.Params {
		v, err := coerceParam(&p, values[p.Name])
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
		out[p.Name] = v
	}
	return out, nil
}

func coerceParam(p *catalog.Param, v any) (any, error) {
	if s, ok := v.(string); ok {
		v = strings.TrimSpace(s)
	}
	empty := v == nil || v == ""
	if empty && p.Required {
		return nil, errf("E_REQUIRED", p.Name, nil)
	}
	bad := func(code string, cause error) (any, error) { return nil, errf(code, p.Name, cause) }
	switch p.Type {
	case "money":
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
					return bad("E_AMOUNT_PRECISION", err)
				case errors.Is(err, money.ErrRange):
					return bad("E_AMOUNT_RANGE", err)
				}
				return bad("E_AMOUNT_SYNTAX", err)
			}
		default:
			return bad("E_TYPE", fmt.Errorf("%T is not money", v)) // floats included: never
		}
		if f > money.MaxFen || f < -money.MaxFen {
			return bad("E_AMOUNT_RANGE", nil)
		}
		if p.Min != "" && !empty {
			if f < money.MustParse(p.Min) {
				return bad("E_AMOUNT_MIN", nil)
			}
		}
		if p.Max != "" && f > money.MustParse(p.Max) {
			return bad("E_AMOUNT_RANGE", nil)
		}
		return int64(f), nil
	case "int":
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
					return bad("E_INT_RANGE", err)
				}
				return bad("E_INT_SYNTAX", err)
			}
		default:
			return bad("E_TYPE", fmt.Errorf("%T is not an integer", v))
		}
		if p.Min != "" {
			if m, _ := strconv.ParseInt(p.Min, 10, 64); n < m {
				return bad("E_INT_RANGE", nil)
			}
		}
		if p.Max != "" {
			if m, _ := strconv.ParseInt(p.Max, 10, 64); n > m {
				return bad("E_INT_RANGE", nil)
			}
		}
		return n, nil
	case "bool":
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
				return bad("E_TYPE", err)
			}
			return b, nil
		}
		return bad("E_TYPE", fmt.Errorf("%T is not a bool", v))
	}
	// string, date, account, idcard
	var s string
	switch x := v.(type) {
	case nil:
	case string:
		s = x
	default:
		return bad("E_TYPE", fmt.Errorf("%T is not text", v))
	}
	if !utf8.ValidString(s) {
		return bad("E_TYPE", nil)
	}
	if p.MaxLen > 0 && utf8.RuneCountInString(s) > p.MaxLen {
		return bad("E_TOO_LONG", nil)
	}
	if s == "" {
		return s, nil
	}
	switch p.Type {
	case "date":
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return bad("E_DATE_SYNTAX", err)
		}
	case "account":
		if len(s) < 10 || len(s) > 19 || strings.Trim(s, "0123456789") != "" {
			return bad("E_ACCOUNT_SYNTAX", nil)
		}
	case "idcard":
		s = strings.ToUpper(s)
		if !idnum.IDCard(s) {
			return bad("E_IDCARD_SYNTAX", nil)
		}
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
