package cli

import (
	"crypto"
	"crypto/ecdsa"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"guitai/assets"
	"guitai/audit"
	"guitai/ledger"
	"guitai/release"
)

// formsUsage is the usage of tellerctl forms.
const formsUsage = `usage: tellerctl forms COMMAND    release packages of forms (maker-checker)
  forms submit FILE|DIR --as USER [--version N] [--key terminal.key]
  forms approve ID@VERSION --as USER [--digest HEX]
  forms activate ID@VERSION [--branch B]... [--terminal T]... --as USER   (neither: all branches)
  forms rollback ID [--branch B | --terminal T] --as USER                  (neither: all branches)
  forms list | forms show ID@VERSION | forms diff ID@A ID@B
  forms resolve FORM --branch B [--terminal T]
--as USER is a ledger user whose password is the first line of standard input;
approve, activate and rollback need a supervisor or an admin, approve another
than the submitter. Version 1 of every form is the built-in one.`

// forms runs "tellerctl forms ...". raw is the whole command line, for
// the flags given more than once (--branch, --terminal), which may also
// be comma-separated lists.
func (c *cmd) forms(args, raw []string) int {
	usage := func(msg string) int {
		if msg != "" {
			fmt.Fprintln(c.err, "tellerctl: forms:", msg)
		}
		fmt.Fprintln(c.err, formsUsage)
		return ExitUsage
	}
	if len(args) == 0 {
		return usage("")
	}
	want := map[string]int{"submit": 2, "approve": 2, "activate": 2, "rollback": 2, "list": 1, "show": 2, "diff": 3, "resolve": 2}
	n, ok := want[args[0]]
	if !ok {
		return usage(fmt.Sprintf("unknown command %q", args[0]))
	}
	if len(args) != n {
		return usage(fmt.Sprintf("%s takes %d argument(s)", args[0], n-1))
	}
	var refs []release.Ref
	switch args[0] {
	case "approve", "activate", "show":
		r, err := release.ParseRef(args[1])
		if err != nil {
			return usage(err.Error())
		}
		refs = append(refs, r)
	case "diff":
		for _, a := range args[1:] {
			r, err := release.ParseRef(a)
			if err != nil {
				return usage(err.Error())
			}
			refs = append(refs, r)
		}
	case "resolve":
		if c.flags["branch"] == "" {
			return usage("resolve needs --branch B")
		}
	}
	branches, terminals := multi(raw, "branch"), multi(raw, "terminal")
	signed := args[0] == "submit" || args[0] == "approve" || args[0] == "activate" || args[0] == "rollback"
	if signed && c.flags["as"] == "" {
		return usage(args[0] + " needs --as USER (a ledger user; password on standard input)")
	}
	if args[0] == "rollback" && len(branches)+len(terminals) > 1 {
		return usage("rollback takes one target: --branch B, --terminal T or neither (all branches)")
	}
	var pkg *release.Package
	if args[0] == "submit" {
		var err error
		if pkg, err = release.Load(args[1]); err != nil {
			fmt.Fprintln(c.err, "tellerctl: forms submit:", err)
			return ExitCheck
		}
		if v, ok := c.flags["version"]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 2 {
				return usage(fmt.Sprintf("--version %q: a whole number, 2 or more", v))
			}
			pkg.Version = n
		}
	}

	s, code := c.open()
	if s == nil {
		return code
	}
	defer s.Close()
	x, err := c.executor(s)
	if err != nil {
		return c.fail(err)
	}
	builtinForms, err := assets.Forms()
	if err != nil {
		return c.fail(err)
	}
	r, err := s.Releases(release.Builtin(builtinForms, x.Catalog()))
	if err != nil {
		return c.fail(err)
	}
	as := c.flags["as"]
	if signed {
		pw, err := c.readPassword()
		if err != nil {
			fmt.Fprintln(c.err, "tellerctl: forms:", as+"'s password:", err)
			return ExitUsage
		}
		if _, err := s.Authenticate(c.ctx, as, pw, "tellerctl"); err != nil {
			return c.fail(err)
		}
	}

	switch args[0] {
	case "submit":
		key, keyFile, err := c.terminalKey(s)
		if err != nil {
			return c.fail(err)
		}
		info, err := r.Submit(c.ctx, pkg, as, key)
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			c.print(info)
			return ExitOK
		}
		fmt.Fprintf(c.out, "%s@%d %s: %s by %s, signed with the terminal key %s\ndigest %s\n", info.ID, info.Version,
			strings.Join(info.Forms, ","), info.State, info.SubmittedBy, keyFile, info.Digest)
		c.printFormVersions(r, info.Ref(), pkg)
		if info.State == ledger.ReleaseSubmitted {
			fmt.Fprintf(c.out, "waiting for approval by a supervisor or admin other than %s\n", info.SubmittedBy)
		}
	case "approve":
		info, err := r.Approve(c.ctx, refs[0], c.flags["digest"], as)
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			c.print(info)
			return ExitOK
		}
		fmt.Fprintf(c.out, "%s approved by %s, digest %s\n", refs[0], info.ApprovedBy, info.Digest)
	case "activate":
		targets := targetsOf(branches, terminals)
		if err := r.Activate(c.ctx, refs[0], as, targets...); err != nil {
			return c.fail(err)
		}
		info, err := r.Info(c.ctx, refs[0])
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			c.print(info)
			return ExitOK
		}
		fmt.Fprintf(c.out, "%s active for %s\n", refs[0], targetList(info.Active))
	case "rollback":
		t := release.All
		if len(branches) == 1 {
			t = release.Branch(branches[0])
		} else if len(terminals) == 1 {
			t = release.Terminal(terminals[0])
		}
		now, err := r.Rollback(c.ctx, args[1], t, as)
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			c.print(map[string]any{"package": args[1], "target": t, "active": now.String(), "builtin": now.Version == release.BuiltinVersion})
			return ExitOK
		}
		if now.Version == release.BuiltinVersion {
			fmt.Fprintf(c.out, "%s rolled back for %s: no version of it is active there now (built-in v1 or another package)\n", args[1], t)
		} else {
			fmt.Fprintf(c.out, "%s rolled back for %s: %s is active there again\n", args[1], t, now)
		}
	case "list":
		list, err := r.List(c.ctx)
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			c.print(list)
			return ExitOK
		}
		fmt.Fprintf(c.out, "%-24s %-9s %-12s %-10s %-10s %s\n", "package", "state", "digest", "submitter", "approver", "active for")
		for _, i := range list {
			fmt.Fprintf(c.out, "%-24s %-9s %-12s %-10s %-10s %s\n", i.Ref(), i.State, i.Digest[:12], i.SubmittedBy, i.ApprovedBy, targetList(i.Active))
		}
	case "show":
		return c.showRelease(r, refs[0])
	case "diff":
		a, err := r.Package(c.ctx, refs[0])
		if err != nil {
			return c.fail(err)
		}
		b, err := r.Package(c.ctx, refs[1])
		if err != nil {
			return c.fail(err)
		}
		d := release.Diff(a, b)
		if c.json {
			lines := []string{}
			if d != "" {
				lines = strings.Split(strings.TrimSuffix(d, "\n"), "\n")
			}
			c.print(map[string]any{"from": refs[0].String(), "to": refs[1].String(), "changes": lines})
			return ExitOK
		}
		if d == "" {
			d = "no changes\n"
		}
		fmt.Fprintf(c.out, "%s → %s\n%s", refs[0], refs[1], d)
	case "resolve":
		terminal := ""
		if len(terminals) > 0 {
			terminal = terminals[0]
		}
		res, err := r.Resolve(c.ctx, args[1], c.flags["branch"], terminal)
		if err != nil {
			return c.fail(err)
		}
		if c.json {
			c.print(res)
			return ExitOK
		}
		why := "built in"
		if !res.Builtin {
			why = "active for " + res.Target.String()
		}
		at := "branch " + c.flags["branch"]
		if terminal != "" {
			at += " terminal " + terminal
		}
		fmt.Fprintf(c.out, "%s at %s: %s (%s), digest %s\n", args[1], at, res.Ref, why, res.Digest)
	}
	return ExitOK
}

// showRelease prints a package: its record, forms, transactions, menu and
// activation history (--json: the record and the package's canonical
// JSON).
func (c *cmd) showRelease(r *ledger.Releases, ref release.Ref) int {
	p, err := r.Package(c.ctx, ref)
	if err != nil {
		return c.fail(err)
	}
	var info ledger.ReleaseInfo
	if ref.Version == release.BuiltinVersion {
		_, d := r.Builtin()
		info = ledger.ReleaseInfo{ID: ref.ID, Version: ref.Version, Digest: d, State: "built-in", Forms: p.FormIDs()}
	} else if info, err = r.Info(c.ctx, ref); err != nil {
		return c.fail(err)
	}
	hist, err := r.History(c.ctx, ref.ID)
	if err != nil {
		return c.fail(err)
	}
	var mine []ledger.Activation
	for _, a := range hist {
		if a.Package == ref {
			mine = append(mine, a)
		}
	}
	if c.json {
		body, err := p.Canonical()
		if err != nil {
			return c.fail(err)
		}
		c.print(map[string]any{"info": info, "activations": mine, "package": jsonRaw(body)})
		return ExitOK
	}
	fmt.Fprintf(c.out, "%s %s\ndigest %s\n", ref, info.State, info.Digest)
	if info.SubmittedBy != "" {
		fmt.Fprintf(c.out, "submitted by %s at %s\n", info.SubmittedBy, info.SubmittedAt)
	}
	if info.ApprovedBy != "" {
		fmt.Fprintf(c.out, "approved by %s at %s\n", info.ApprovedBy, info.ApprovedAt)
	}
	for _, f := range p.Forms {
		txn := ""
		if f.Submit != nil {
			txn = f.Submit.Txn
		}
		fmt.Fprintf(c.out, "form %s %s (%s) %s → %s\n", f.ID, f.Version, f.Code, f.Title.In("en"), txn)
	}
	for _, t := range p.Txns {
		fmt.Fprintf(c.out, "transaction %s (%s) %d params %d steps\n", t.ID, t.Code, len(t.Params), len(t.Steps))
	}
	for _, id := range p.FormIDs() {
		if m, ok := p.Menu[id]; ok {
			fmt.Fprintf(c.out, "menu %s: %s %s\n", id, m.Category, m.Code)
		}
	}
	for _, a := range mine {
		fmt.Fprintf(c.out, "activation %d for %s: %s (by %s at %s", a.Seq, a.Target, a.State, a.ActivatedBy, a.ActivatedAt)
		if a.EndedBy != "" {
			fmt.Fprintf(c.out, "; ended by %s at %s", a.EndedBy, a.EndedAt)
		}
		fmt.Fprintln(c.out, ")")
	}
	return ExitOK
}

// jsonRaw prints as the JSON it holds.
type jsonRaw []byte

func (j jsonRaw) MarshalJSON() ([]byte, error) { return j, nil }

// multi returns every value of --name in the command line raw (given
// more than once, as --name V or --name=V, each possibly a comma-separated
// list), in order.
func multi(raw []string, name string) []string {
	var out []string
	add := func(v string) {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	for i := 0; i < len(raw); i++ {
		a := raw[i]
		if !strings.HasPrefix(a, "-") {
			continue
		}
		k, v, eq := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case boolFlags[k] && !eq:
		case k == name && eq:
			add(v)
		case k == name && i+1 < len(raw):
			add(raw[i+1])
			i++
		case !eq:
			i++ // another flag's value
		}
	}
	return out
}

// targetsOf is the targets of --branch and --terminal; all branches when
// neither is given.
func targetsOf(branches, terminals []string) []release.Target {
	var out []release.Target
	for _, b := range branches {
		out = append(out, release.Branch(b))
	}
	for _, t := range terminals {
		out = append(out, release.Terminal(t))
	}
	if len(out) == 0 {
		out = append(out, release.All)
	}
	return out
}

func targetList(ts []release.Target) string {
	if len(ts) == 0 {
		return "-"
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ",")
}

// terminalKey is the SM2 key a package is signed with: users hold no keys
// of their own, so it is the terminal key that signs the audit log's
// checkpoints — --key, else terminal.key beside a SQLite ledger (as the
// teller window keeps it), else in the data directory — opened with
// GUITAI_KEY_PASSPHRASE (the demo passphrase on a demo ledger). It is
// created, as the window does on its first run, when there is none.
func (c *cmd) terminalKey(s *ledger.Store) (crypto.Signer, string, error) {
	path := c.flags["key"]
	if path == "" {
		path = ledger.TerminalKeyPath(c.flags["db"])
	}
	key, err := s.TerminalSigner(c.ctx, path)
	if err != nil {
		return nil, "", err
	}
	return key, keyName(path, key.Public()), nil
}

// keyName is the key's file and its key id, as the audit log names keys.
func keyName(path string, pub crypto.PublicKey) string {
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		id := audit.KeyID(release.Format, k)
		return path + " (" + hex.EncodeToString(id[:]) + ")"
	}
	return path
}

// printFormVersions says the version each form of the stored package ref
// carries, which the ledger derived from its semantic diff against the
// versions it holds, and the version the submitted file said when that
// differs.
func (c *cmd) printFormVersions(r *ledger.Releases, ref release.Ref, submitted *release.Package) {
	stored, err := r.Package(c.ctx, ref)
	if err != nil {
		return
	}
	for _, f := range stored.Forms {
		fmt.Fprintf(c.out, "form %s version %s", f.ID, f.Version)
		if s := submitted.Form(f.ID); s != nil && s.Version != f.Version {
			fmt.Fprintf(c.out, " (the file said %s; versions follow the semantic diff)", s.Version)
		}
		fmt.Fprintln(c.out)
	}
}
