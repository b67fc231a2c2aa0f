package manpage

import (
	"fmt"
	"regexp"
	"strings"
)

// Page is a manual page made from a command's help output.
type Page struct {
	Name        string   // the command, e.g. "tellerctl"
	Section     string   // manual section; "1" when empty
	Summary     string   // what the command is, one line, for NAME
	Description string   // optional text put before what Help says
	Date        string   // .TH date, e.g. the release commit's (may be empty)
	Source      string   // e.g. "guitai 0.1.0"
	Manual      string   // the manual's title; "Guitai Manual" when empty
	Help        string   // what the command prints as its help
	SeeAlso     []string // e.g. "auditctl(1)"
}

// Flag is one option of a Go flag package listing.
type Flag struct {
	Name string // without the dash
	Arg  string // the value's name ("string", "duration"), empty for a bool
	Desc string
}

// OptionGroup is the flags of one "Usage of …:" listing; Title is the
// subcommand ("auditctl verify"), empty for the command itself.
type OptionGroup struct {
	Title string
	Flags []Flag
}

// Block is a paragraph of running text or, with Pre set, lines kept as
// they are.
type Block struct {
	Pre   bool
	Lines []string
}

// Help is a help output taken apart.
type Help struct {
	Synopsis    []string // each without "usage: "
	Commands    []Block
	Description []Block
	Options     []OptionGroup
	ExitStatus  []Block
}

var (
	logLine   = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `)
	usageLine = regexp.MustCompile(`(?i)^usage: *(.*)$`)
	usageOf   = regexp.MustCompile(`^Usage of (.+):$`)
	flagLine  = regexp.MustCompile(`^  -([^\s]+)(?: ([^\t]+))?$`)
	flagShort = regexp.MustCompile(`^  -([^\s]+)\t(.*)$`)
	flagDesc  = regexp.MustCompile(`^    \t(.*)$`)
	exitHead  = regexp.MustCompile(`(?i)^exit (codes?|status)\s*:\s*(.*)$`)
)

// Parse takes apart the help output of the command name. Lines of Go's
// log package (a date and a time first) are not help and are dropped.
func Parse(name, help string) Help {
	var h Help
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(help, "\r\n", "\n"), "\n") {
		if !logLine.MatchString(l) {
			lines = append(lines, strings.TrimRight(l, " \t"))
		}
	}
	indented := func(l string) bool { return l != "" && (l[0] == ' ' || l[0] == '\t') }
	const (
		inDesc = iota
		inExit
	)
	where := inDesc
	add := func(b Block) {
		if where == inExit {
			h.ExitStatus = append(h.ExitStatus, b)
		} else {
			h.Description = append(h.Description, b)
		}
	}
	var group *OptionGroup
	afterUsage := false // the line before was a usage line
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1]
		}
		switch {
		case l == "":
			afterUsage = false
			continue
		case usageOf.MatchString(l):
			title := usageOf.FindStringSubmatch(l)[1]
			if title == name {
				title = ""
			}
			h.Options = append(h.Options, OptionGroup{Title: title})
			group = &h.Options[len(h.Options)-1]
			afterUsage = false
			continue
		case flagShort.MatchString(l), flagLine.MatchString(l) && flagDesc.MatchString(next):
			var f Flag
			if m := flagShort.FindStringSubmatch(l); m != nil {
				f = Flag{Name: m[1], Desc: m[2]}
			} else {
				m := flagLine.FindStringSubmatch(l)
				f = Flag{Name: m[1], Arg: m[2]}
				var desc []string
				for i+1 < len(lines) && flagDesc.MatchString(lines[i+1]) {
					i++
					desc = append(desc, flagDesc.FindStringSubmatch(lines[i])[1])
				}
				f.Desc = strings.Join(desc, "\n")
			}
			if group == nil {
				h.Options = append(h.Options, OptionGroup{})
				group = &h.Options[len(h.Options)-1]
			}
			group.Flags = append(group.Flags, f)
			afterUsage = false
			continue
		}
		group = nil
		switch {
		case usageLine.MatchString(l) && strings.TrimSpace(usageLine.FindStringSubmatch(l)[1]) != "":
			h.addSynopsis(strings.TrimSpace(usageLine.FindStringSubmatch(l)[1]))
			// continuation lines: NAME again, indented
			for i+1 < len(lines) && indented(lines[i+1]) && startsWith(lines[i+1], name) {
				i++
				h.Synopsis = append(h.Synopsis, strings.TrimSpace(lines[i]))
			}
			afterUsage = true
			where = inDesc
		case strings.EqualFold(l, "usage:") && synopsisBlock(lines[i+1:], name):
			// go doc: a heading, a blank line, NAME lines indented
			for i+1 < len(lines) && (lines[i+1] == "" || indented(lines[i+1])) {
				i++
				if lines[i] != "" {
					h.Synopsis = append(h.Synopsis, strings.TrimSpace(lines[i]))
				}
			}
			where = inDesc
		case exitHead.MatchString(l):
			where = inExit
			if rest := exitHead.FindStringSubmatch(l)[2]; rest != "" {
				i = paragraph(lines, i, func(b Block) { b.Lines[0] = rest; add(b) })
			}
		case indented(l):
			var pre []string
			for ; i < len(lines) && indented(lines[i]); i++ {
				pre = append(pre, lines[i])
			}
			i--
			b := Block{Pre: true, Lines: dedent(pre)}
			if afterUsage {
				h.Commands = append(h.Commands, b)
			} else {
				add(b)
			}
			afterUsage = false
		default:
			where = inDesc
			i = paragraph(lines, i, add)
		}
	}
	return h
}

// addSynopsis adds a usage line to the synopsis unless the synopsis has
// one for the same subcommand already (a subcommand's own usage line
// after go doc's list of them).
func (h *Help) addSynopsis(s string) {
	f := strings.Fields(s)
	if len(f) >= 2 && !strings.HasPrefix(f[1], "-") && !strings.HasPrefix(f[1], "[") {
		for _, have := range h.Synopsis {
			if g := strings.Fields(have); len(g) >= 2 && g[0] == f[0] && g[1] == f[1] {
				return
			}
		}
	}
	h.Synopsis = append(h.Synopsis, s)
}

// paragraph collects the running text starting at lines[i], hands it to
// add and returns the index of its last line.
func paragraph(lines []string, i int, add func(Block)) int {
	var para []string
	for ; i < len(lines) && lines[i] != "" && lines[i][0] != ' ' && lines[i][0] != '\t' &&
		!usageLine.MatchString(lines[i]) && !usageOf.MatchString(lines[i]); i++ {
		if len(para) > 0 && exitHead.MatchString(lines[i]) {
			break
		}
		para = append(para, lines[i])
	}
	add(Block{Lines: para})
	return i - 1
}

// synopsisBlock reports whether lines (after a "Usage:" heading) are an
// indented block of NAME lines, blank lines first allowed.
func synopsisBlock(lines []string, name string) bool {
	seen := false
	for _, l := range lines {
		if l == "" {
			if seen {
				break
			}
			continue
		}
		if l[0] != ' ' && l[0] != '\t' {
			break
		}
		if !startsWith(l, name) {
			return false
		}
		seen = true
	}
	return seen
}

func startsWith(l, name string) bool {
	f := strings.Fields(l)
	return len(f) > 0 && f[0] == name
}

// dedent removes the indentation the lines have in common (a tab counts
// as one column, so mixed indentation is left alone beyond what is
// shared).
func dedent(lines []string) []string {
	common := -1
	for _, l := range lines {
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l[common:]
	}
	return out
}

// Roff is the page in man(7) roff.
func (p Page) Roff() string {
	h := Parse(p.Name, p.Help)
	sec := p.Section
	if sec == "" {
		sec = "1"
	}
	manual := p.Manual
	if manual == "" {
		manual = "Guitai Manual"
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(".\\\" Made by guitai/internal/manpage from the help output of %s; do not edit.\n", p.Name)
	w(".TH %s %s %s %s %s\n", quote(strings.ToUpper(p.Name)), sec, quote(p.Date), quote(p.Source), quote(manual))
	// no hyphenation (it would split option names), ragged right
	w(".nh\n.ad l\n")
	w(".SH NAME\n%s \\- %s\n", escape(p.Name), escape(p.Summary))
	if len(h.Synopsis) == 0 && len(h.Options) > 0 {
		// Go's default usage names no arguments: the flags are all there is.
		h.Synopsis = []string{p.Name + " [option]..."}
	}
	if len(h.Synopsis) > 0 {
		w(".SH SYNOPSIS\n.nf\n")
		for _, s := range h.Synopsis {
			if rest, ok := strings.CutPrefix(s, p.Name); ok {
				w("\\fB%s\\fR%s\n", escape(p.Name), escape(rest))
			} else {
				w("%s\n", line(s))
			}
		}
		w(".fi\n")
	}
	if p.Description != "" || len(h.Description) > 0 {
		w(".SH DESCRIPTION\n")
		if p.Description != "" {
			w(".PP\n%s\n", line(p.Description))
		}
		blocks(&b, h.Description)
	}
	if len(h.Commands) > 0 {
		w(".SH COMMANDS\n")
		blocks(&b, h.Commands)
	}
	if len(h.Options) > 0 {
		w(".SH OPTIONS\n")
		for _, g := range h.Options {
			if g.Title != "" {
				w(".SS %s\n", quote(g.Title))
			}
			for _, f := range g.Flags {
				w(".TP\n\\fB\\-%s\\fR", escape(f.Name))
				if f.Arg != "" {
					w(" \\fI%s\\fR", escape(f.Arg))
				}
				w("\n")
				for i, d := range strings.Split(f.Desc, "\n") {
					if i > 0 {
						w(".br\n")
					}
					w("%s\n", line(d))
				}
			}
		}
	}
	if len(h.ExitStatus) > 0 {
		w(".SH \"EXIT STATUS\"\n")
		blocks(&b, h.ExitStatus)
	}
	if len(p.SeeAlso) > 0 {
		w(".SH \"SEE ALSO\"\n")
		for i, s := range p.SeeAlso {
			sep := ","
			if i == len(p.SeeAlso)-1 {
				sep = ""
			}
			if name, sect, ok := strings.Cut(strings.TrimSuffix(s, ")"), "("); ok {
				w(".BR %s (%s)%s\n", escape(name), escape(sect), sep)
			} else {
				w("%s%s\n", line(s), sep)
			}
		}
	}
	return b.String()
}

func blocks(b *strings.Builder, bs []Block) {
	for _, bl := range bs {
		if bl.Pre {
			b.WriteString(".PP\n.RS 4\n.nf\n")
			for _, l := range bl.Lines {
				b.WriteString(line(l) + "\n")
			}
			b.WriteString(".fi\n.RE\n")
			continue
		}
		b.WriteString(".PP\n")
		for _, l := range bl.Lines {
			b.WriteString(line(l) + "\n")
		}
	}
}

// escape makes s safe inside a roff text line: backslashes are printed as
// such and minus signs are minus signs (so options copy and paste).
func escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	return s
}

// line is escape for a whole output line: one that would start with a
// control character (. or ') is guarded by \&.
func line(s string) string {
	s = escape(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// quote makes s one argument of a macro.
func quote(s string) string {
	return `"` + strings.ReplaceAll(escape(s), `"`, `\(dq`) + `"`
}
