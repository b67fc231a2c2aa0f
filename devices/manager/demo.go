package manager

import (
	"bytes"
	_ "embed"
)

//go:embed demo.json
var demoJSON []byte

// DemoConfig returns the demo configuration: the in-process
// simulators, so the teller runs on a laptop with nothing plugged in.
func DemoConfig() Config {
	c, err := Load(bytes.NewReader(demoJSON))
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return c
}
