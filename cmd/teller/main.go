// Command teller is the Guitai teller workstation window.
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"guitai/assets"
	"guitai/dsl"
	"guitai/state"
	"guitai/teller"
	"guitai/widgets"
)

func main() {
	lang := flag.String("lang", "zh", "language of the window: zh or en")
	open := flag.String("open", "", "form id to open at start")
	shots := flag.String("screenshots", "", "write a PNG of every form in zh and en to this directory, then quit")
	flag.Parse()

	forms, err := assets.Forms()
	if err != nil {
		fmt.Fprintln(os.Stderr, "teller:", err)
		os.Exit(1)
	}
	a := app.NewWithID("cn.guitai.teller")
	a.Settings().SetTheme(widgets.Theme{})
	bus := state.NewBus()
	bus.SetDispatcher(fyne.Do)
	w := a.NewWindow("柜台 Guitai")
	w.Resize(fyne.NewSize(1280, 800))
	shell := teller.New(w, teller.Config{
		Forms: forms,
		Bus:   bus,
		Lang:  *lang,
		Seal:  teller.DemoSeal,
		Submit: func(f *dsl.Form, values map[string]any) (string, error) {
			return teller.Summary(f, values, *lang), nil
		},
	})
	if *open != "" {
		if err := shell.Open(*open); err != nil {
			fmt.Fprintln(os.Stderr, "teller:", err)
		}
	}
	if *shots != "" {
		shell.Screenshots(*shots, []string{"zh", "en"}, func(err error) {
			if err != nil {
				fmt.Fprintln(os.Stderr, "teller: screenshots:", err)
				os.Exit(1)
			}
			fyne.Do(a.Quit)
		})
	}
	w.ShowAndRun()
}
