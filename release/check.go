package release

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"

	"guitai/catalog"
	"guitai/devices/receipt"
	"guitai/dsl"
)

// Problems a Check finds, to tell apart with errors.Is.
var (
	// ErrNoTxn: a form names no transaction (a package's forms post).
	ErrNoTxn = errors.New("the form names no transaction")
	// ErrInvalid: anything else Check refuses.
	ErrInvalid = errors.New("the package fails its checks")
)

var codePattern = regexp.MustCompile(`^E_[A-Z0-9_]+$`)

// problem is one finding of Check: its kind (ErrNoTxn, ErrInvalid) and
// what is wrong.
type problem struct {
	kind error
	msg  string
}

func (p problem) Error() string { return p.msg }
func (p problem) Unwrap() error { return p.kind }

// Check is what a package must pass to be submitted. Its id is valid and
// its version 2 or more (1 is the built-in one; 0 is refused, the ledger
// numbers such a package before checking it); it holds at least one form;
// every form names a transaction (ErrNoTxn otherwise) that is in the
// package or in base (the built-in catalog), and the form's bound fields
// match that transaction's params, types included (catalog.CheckForms, as
// tellerctl catalog check and the designer do); every transaction passes
// catalog.Txn.Check with its error codes known to codes (the ledger's
// messages; nil accepts any) or given by the package's Messages; every
// message has a code E_... and both languages; every menu entry names a
// form of the package. It returns all problems joined, each matching
// ErrNoTxn or ErrInvalid with errors.Is.
func Check(p *Package, base catalog.Catalog, codes func(code string) bool) error {
	var errs []error
	bad := func(kind error, format string, args ...any) {
		errs = append(errs, problem{kind, fmt.Sprintf(format, args...)})
	}
	if !ValidID(p.ID) {
		bad(ErrInvalid, "package id %q: lower-case letters, digits, '_', '.', '-'", p.ID)
	}
	if p.ID == BuiltinID {
		bad(ErrInvalid, "package id %q is the built-in package's", p.ID)
	}
	if p.Version <= BuiltinVersion {
		bad(ErrInvalid, "version %d: submitted packages are numbered from %d (version %d is the built-in one)", p.Version, BuiltinVersion+1, BuiltinVersion)
	}
	if len(p.Forms) == 0 {
		bad(ErrInvalid, "the package holds no form")
	}
	if _, err := p.Canonical(); err != nil {
		bad(ErrInvalid, "%v", err)
	}
	for code, m := range p.Messages {
		if !codePattern.MatchString(code) {
			bad(ErrInvalid, "message %q: an error code is E_ and capitals", code)
		}
		if m.Zh == "" || m.En == "" {
			bad(ErrInvalid, "message %s: give both zh and en", code)
		}
	}
	known := func(code string) bool {
		if _, ok := p.Messages[code]; ok {
			return true
		}
		return codes == nil || codes(code)
	}
	for _, t := range p.Txns {
		if err := t.Check(known); err != nil {
			bad(ErrInvalid, "transaction %s: %v", t.ID, err)
		}
	}
	errs = append(errs, FormProblems(p.Forms, p.Catalog(base))...)
	for _, name := range slices.Sorted(maps.Keys(p.Receipts)) {
		if !ValidID(name) {
			bad(ErrInvalid, "receipt %q: lower-case letters, digits, '_', '.', '-'", name)
		}
		if _, err := receipt.ParseTemplate(name, p.Receipts[name]); err != nil {
			bad(ErrInvalid, "%v", err)
		}
	}
	menus := make([]string, 0, len(p.Menu))
	for id := range p.Menu {
		menus = append(menus, id)
	}
	sort.Strings(menus)
	for _, id := range menus {
		if p.Form(id) == nil {
			bad(ErrInvalid, "menu %s: no such form in the package", id)
		}
	}
	return errors.Join(errs...)
}

// FormProblems are what a package of forms would be refused for in its
// forms, against cat (the catalog they would post with): a form that
// names no transaction (ErrNoTxn), and every binding CheckForms finds
// wrong (ErrInvalid). The designer's dry run says them before a publish
// meets them.
func FormProblems(forms []*dsl.Form, cat catalog.Catalog) []error {
	var errs []error
	for _, f := range forms {
		if f.Submit == nil || f.Submit.Txn == "" {
			errs = append(errs, problem{ErrNoTxn, fmt.Sprintf("form %s names no transaction (submit.txn)", f.ID)})
		}
	}
	if err := cat.CheckForms(forms); err != nil {
		for _, e := range unjoin(err) {
			errs = append(errs, problem{ErrInvalid, e.Error()})
		}
	}
	return errs
}

// unjoin splits an errors.Join result into its errors.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
