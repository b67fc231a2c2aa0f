package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"guitai/internal/manpage"
)

func main() {
	var p manpage.Page
	flag.StringVar(&p.Name, "name", "", "the command's name (required)")
	flag.StringVar(&p.Section, "section", "1", "manual section")
	flag.StringVar(&p.Summary, "summary", "", "what the command is, one line (required)")
	flag.StringVar(&p.Description, "description", "", "text put before what the help says")
	flag.StringVar(&p.Date, "date", "", "the page's date, e.g. the release commit's")
	flag.StringVar(&p.Source, "source", "", "package and version, e.g. \"guitai 0.1.0\"")
	flag.StringVar(&p.Manual, "manual", "Guitai Manual", "the manual's title")
	seeAlso := flag.String("see-also", "", "comma-separated pages, e.g. \"teller(1),auditctl(1)\"")
	flag.Parse()
	if p.Name == "" || p.Summary == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -name NAME -summary TEXT [-description TEXT] [-date D] [-source S] [-see-also LIST] < HELP > NAME.1")
		os.Exit(2)
	}
	if *seeAlso != "" {
		p.SeeAlso = strings.Split(*seeAlso, ",")
	}
	help, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if len(strings.TrimSpace(string(help))) == 0 {
		fmt.Fprintln(os.Stderr, "gen: no help text on standard input")
		os.Exit(1)
	}
	p.Help = string(help)
	if _, err := io.WriteString(os.Stdout, p.Roff()); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
