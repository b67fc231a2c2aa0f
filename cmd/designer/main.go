package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"guitai/assets"
	"guitai/catalog"
	"guitai/designer"
	"guitai/designer/ui"
	"guitai/ledger"
	"guitai/widgets"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "check" {
		os.Exit(check(os.Args[2:]))
	}
	cat, err := catalog.LoadCatalog(assets.Txns())
	if err != nil {
		fmt.Fprintln(os.Stderr, "designer: catalog:", err)
	}
	lang := flag.String("lang", "zh", "language of the rendered form: zh or en")
	publish := flag.String("publish", "", "directory Publish writes to (default: ask)")
	db := flag.String("db", "", "ledger (SQLite path or postgres:// URL) Publish submits to under change control, instead of a directory")
	shots := flag.String("screenshots", "", "run a scripted edit and write screenshots to this directory, then quit")
	size := flag.String("size", "1280x800", "window size WIDTHxHEIGHT; the default fits a 1280×800 screen")
	recoveryDir := flag.String("recovery", "", "directory of the autosaved drafts (default: the user's cache directory); \"off\" turns autosave off")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: designer [-lang zh|en] [-publish DIR | -db LEDGER] [-size WxH] [-recovery DIR|off] [-screenshots DIR] [FILE.form.json]\n       designer check [-catalog DIR] FILE…")
		flag.PrintDefaults()
	}
	flag.Parse()
	var width, height float32
	if _, err := fmt.Sscanf(*size, "%gx%g", &width, &height); err != nil || width < 800 || height < 600 {
		fmt.Fprintf(os.Stderr, "designer: -size %q: want WIDTHxHEIGHT, at least 800x600\n", *size)
		os.Exit(2)
	}

	doc := designer.New(designer.Blank("new_form"))
	var broken []byte // a file that reads but is no form yet: opened as text for repair
	if flag.NArg() > 0 {
		d, err := designer.Open(flag.Arg(0))
		if err != nil {
			raw, rerr := os.ReadFile(flag.Arg(0))
			if rerr != nil {
				fmt.Fprintf(os.Stderr, "designer: %v\n", rerr)
				os.Exit(1)
			}
			fmt.Fprintf(os.Stderr, "designer: %s does not read as a form; it opens as text to repair:\n%v\n", flag.Arg(0), err)
			broken = raw
		} else {
			doc = d
		}
	}
	var led *ui.Ledger
	if *db != "" {
		l, err := openLedger(*db)
		if err != nil {
			fmt.Fprintf(os.Stderr, "designer: -db %s: %v\n", *db, err)
			os.Exit(1)
		}
		led = l
	}
	if flag.NArg() > 0 {
		// Draft transactions beside the form: checked with it, and
		// submitted with it to the ledger.
		dir := filepath.Dir(flag.Arg(0))
		cat = withDrafts(cat, dir)
		if led != nil {
			led.Drafts = dir
		}
	}
	a := app.NewWithID("cn.guitai.designer")
	a.SetIcon(fyne.NewStaticResource("cn.guitai.designer.png", assets.DesignerIcon))
	a.Settings().SetTheme(widgets.Theme{})
	w := a.NewWindow("表单设计器 Form designer")
	w.Resize(fyne.NewSize(width, height))
	cfg := ui.Config{Lang: *lang, PublishDir: *publish, Catalog: cat, Ledger: led}
	switch *recoveryDir {
	case "off":
	case "":
		if r, err := designer.DefaultRecovery(); err == nil {
			cfg.Recovery = &r
		} else {
			fmt.Fprintln(os.Stderr, "designer: no autosave:", err)
		}
	default:
		cfg.Recovery = &designer.Recovery{Dir: *recoveryDir}
	}
	if *shots != "" {
		cfg.Recovery = nil // the scripted edit is no work to keep
	}
	ed := ui.New(w, doc, cfg)
	w.SetContent(ed.Content())
	w.SetMainMenu(ed.MainMenu())
	w.SetCloseIntercept(ed.CloseIntercept)
	if broken != nil {
		ed.OpenText(flag.Arg(0), broken)
	}
	ed.OfferRecovery()
	if *shots != "" {
		ed.Screenshots(*shots, func(err error) {
			if err != nil {
				fmt.Fprintln(os.Stderr, "designer: screenshots:", err)
				os.Exit(1)
			}
			fyne.Do(a.Quit)
		})
	}
	w.ShowAndRun()
}

// withDrafts is cat with the draft transactions of dir (*.txn.json)
// added, so a form's bindings are checked against the transaction branch
// IT drafted for it; drafts that do not load are reported and left out.
func withDrafts(cat catalog.Catalog, dir string) catalog.Catalog {
	drafts, err := catalog.LoadCatalog(os.DirFS(dir))
	if err != nil {
		fmt.Fprintf(os.Stderr, "designer: draft transactions in %s: %v\n", dir, err)
		return cat
	}
	if len(drafts) == 0 {
		return cat
	}
	out := catalog.Catalog{}
	maps.Copy(out, cat)
	maps.Copy(out, drafts)
	return out
}

// openLedger opens the ledger dsn for Publish: its release packages over
// the built-in forms and catalog, and the terminal key beside it that
// signs a submission.
func openLedger(dsn string) (*ui.Ledger, error) {
	ctx := context.Background()
	store, err := ledger.Open(ctx, dsn, ledger.Options{})
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	l, err := ui.NewLedger(ctx, store, ledger.TerminalKeyPath(dsn), "designer@"+host)
	if err != nil {
		store.Close()
	}
	return l, err
}

// check prints every problem of the files, including their bindings to
// the transaction catalog, as file:line:col: message, and returns 1 when
// there is one (2 for a usage error).
func check(args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	dir := fs.String("catalog", "", "directory of *.txn.json (default: the catalog built in)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: designer check [-catalog DIR] FILE…")
		return 2
	}
	var cat catalog.Catalog
	var err error
	if *dir != "" {
		cat, err = catalog.LoadCatalog(os.DirFS(*dir))
	} else {
		cat, err = catalog.LoadCatalog(assets.Txns())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "designer: catalog:", err)
		return 2
	}
	code := 0
	for _, f := range files {
		for _, line := range designer.Check(f, cat) {
			fmt.Println(line)
			code = 1
		}
	}
	return code
}
