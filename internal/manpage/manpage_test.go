package manpage

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// tellerctlHelp is the shape of `tellerctl help`: a usage line, the
// commands indented under it, a paragraph and the exit codes.
const tellerctlHelp = `usage: tellerctl [--db PATH|postgres://URL] [--json] COMMAND
  init [--demo] [--date YYYY-MM-DD]
  eod [--branch B]
every change is written to the ledger's audit log,
as done by --as ADMIN
exit codes: 0 ok, 1 refused, 2 usage
`

func TestParseUsageCommandsExit(t *testing.T) {
	h := Parse("tellerctl", tellerctlHelp)
	want := Help{
		Synopsis:    []string{"tellerctl [--db PATH|postgres://URL] [--json] COMMAND"},
		Commands:    []Block{{Pre: true, Lines: []string{"init [--demo] [--date YYYY-MM-DD]", "eod [--branch B]"}}},
		Description: []Block{{Lines: []string{"every change is written to the ledger's audit log,", "as done by --as ADMIN"}}},
		ExitStatus:  []Block{{Lines: []string{"0 ok, 1 refused, 2 usage"}}},
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("Parse:\n got %#v\nwant %#v", h, want)
	}
}

// TestParseFlags reads Go flag package listings: the command's own (no
// subsection), a subcommand's, a bool flag, a single-letter flag with its
// usage on the same line, a multi-line usage, a designer-style usage with a
// continuation line, and drops log lines.
func TestParseFlags(t *testing.T) {
	help := "2026/01/02 03:04:05 Fyne error:  Error parsing user locale C\n" +
		"usage: designer [-lang zh|en] [FILE]\n" +
		"       designer check FILE…\n" +
		"  -lang string\n    \tlanguage (default \"zh\")\n" +
		"  -trace\n    \tprint what happens\n    \tone line each\n" +
		"Usage of designer check:\n" +
		"  -n\tdry run\n" +
		"  -catalog string\n    \tdirectory of *.txn.json\n"
	h := Parse("designer", help)
	if want := []string{"designer [-lang zh|en] [FILE]", "designer check FILE…"}; !reflect.DeepEqual(h.Synopsis, want) {
		t.Errorf("synopsis %q, want %q", h.Synopsis, want)
	}
	want := []OptionGroup{
		{Flags: []Flag{{Name: "lang", Arg: "string", Desc: `language (default "zh")`}, {Name: "trace", Desc: "print what happens\none line each"}}},
		{Title: "designer check", Flags: []Flag{{Name: "n", Desc: "dry run"}, {Name: "catalog", Arg: "string", Desc: "directory of *.txn.json"}}},
	}
	if !reflect.DeepEqual(h.Options, want) {
		t.Errorf("options:\n got %#v\nwant %#v", h.Options, want)
	}
	if len(h.Description) != 0 || len(h.Commands) != 0 {
		t.Errorf("description %#v, commands %#v: want none (the log line is not help)", h.Description, h.Commands)
	}
}

// TestParseGoDoc reads go doc's shape: a Usage: heading over indented
// command lines (the synopsis), an Exit codes: heading over an indented
// list, and a subcommand's own usage line not repeated.
func TestParseGoDoc(t *testing.T) {
	help := `Command auditctl verifies the audit log.

Usage:

    auditctl keygen --out KEY.pem
    auditctl verify-bundle FILE.tar [--json]

Exit codes:

    0    intact
    1    verification failed

A progress bar is shown on stderr.
usage: auditctl verify-bundle FILE [--json]
`
	h := Parse("auditctl", help)
	want := Help{
		Synopsis:    []string{"auditctl keygen --out KEY.pem", "auditctl verify-bundle FILE.tar [--json]"},
		Description: []Block{{Lines: []string{"Command auditctl verifies the audit log."}}, {Lines: []string{"A progress bar is shown on stderr."}}},
		ExitStatus:  []Block{{Pre: true, Lines: []string{"0    intact", "1    verification failed"}}},
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("Parse:\n got %#v\nwant %#v", h, want)
	}
}

func TestRoffEscapes(t *testing.T) {
	p := Page{Name: "tellerctl", Summary: "administer the ledger", Source: "guitai 0.1.0", Date: "2026-01-02",
		Help: tellerctlHelp + "\n.dot at the start\n'quote at the start\na back\\slash\n", SeeAlso: []string{"teller(1)", "auditctl(1)"}}
	r := p.Roff()
	for _, want := range []string{
		`.TH "TELLERCTL" 1 "2026\-01\-02" "guitai 0.1.0" "Guitai Manual"`,
		".SH NAME\ntellerctl \\- administer the ledger\n",
		".SH SYNOPSIS\n.nf\n\\fBtellerctl\\fR [\\-\\-db PATH|postgres://URL] [\\-\\-json] COMMAND\n.fi\n",
		".SH COMMANDS\n.PP\n.RS 4\n.nf\ninit [\\-\\-demo] [\\-\\-date YYYY\\-MM\\-DD]\n",
		"\n\\&.dot at the start\n", "\n\\&'quote at the start\n", "a back\\eslash",
		".SH \"EXIT STATUS\"\n.PP\n0 ok, 1 refused, 2 usage\n",
		".SH \"SEE ALSO\"\n.BR teller (1),\n.BR auditctl (1)\n",
	} {
		if !strings.Contains(r, want) {
			t.Errorf("roff lacks %q:\n%s", want, r)
		}
	}
	// Only the macros start a line with a dot.
	for _, l := range strings.Split(r, "\n") {
		if strings.HasPrefix(l, ".") && !strings.HasPrefix(l, `.\"`) {
			if m := strings.Fields(l)[0]; !strings.Contains(" .TH .SH .SS .PP .RS .RE .nf .fi .TP .BR .br .nh .ad ", " "+m+" ") {
				t.Errorf("unexpected request %q", l)
			}
		}
	}
}

func TestRoffFlagsOnly(t *testing.T) {
	r := Page{Name: "teller", Summary: "the teller window", Description: "Opens the window.",
		Help: "Usage of teller:\n  -db string\n    \tledger (default \"~/.local/share/guitai/guitai.db\")\n  -trace\n    \ttrace\n"}.Roff()
	for _, want := range []string{
		".SH SYNOPSIS\n.nf\n\\fBteller\\fR [option]...\n.fi\n",
		".SH DESCRIPTION\n.PP\nOpens the window.\n",
		".SH OPTIONS\n.TP\n\\fB\\-db\\fR \\fIstring\\fR\nledger (default \"~/.local/share/guitai/guitai.db\")\n.TP\n\\fB\\-trace\\fR\ntrace\n",
	} {
		if !strings.Contains(r, want) {
			t.Errorf("roff lacks %q:\n%s", want, r)
		}
	}
	if strings.Contains(r, ".SS") {
		t.Errorf("the command's own flags got a subsection:\n%s", r)
	}
}

// TestRoffRendersCleanly runs the page through groff's own checks when
// groff is installed: no warnings, and the text comes out.
func TestRoffRendersCleanly(t *testing.T) {
	if _, err := exec.LookPath("groff"); err != nil {
		t.Skip("groff is not installed")
	}
	p := Page{Name: "tellerctl", Summary: "administer the ledger", Help: tellerctlHelp + "\n  designer check FILE… (1280×800)\n"}
	cmd := exec.Command("groff", "-k", "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(p.Roff())
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("groff -ww: %v\n%s", err, out)
	}
	cmd = exec.Command("groff", "-k", "-man", "-Tutf8")
	cmd.Stdin = strings.NewReader(p.Roff())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "init [--demo] [--date YYYY-MM-DD]") {
		t.Errorf("rendered page lacks the init command with plain minus signs:\n%s", out)
	}
}
