package teller

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"guitai/devices"
	"guitai/devices/finger"
	"guitai/devices/manager"
	"guitai/ledger"
)

// FingerScan waits for a finger on the fingerprint module and returns its
// match. demo names whose finger a simulated module should see (one of
// Config.DemoFingers); a real module ignores it.
type FingerScan func(demo string) (*ledger.FingerMatch, error)

// DemoFinger is a finger enrolled on a simulated module, offered in the
// dialogs so a demo can put "someone's" finger on the sensor.
type DemoFinger struct {
	User, Name string
	Role       string // ledger role: the sign-on screen offers a teller's finger first, authorization a supervisor's
}

// firstOf is the first demo finger of role, or "".
func firstOf(fingers []DemoFinger, role string) string {
	for _, f := range fingers {
		if f.Role == role {
			return f.User
		}
	}
	return ""
}

// demoPicker is the select of DemoFingers, or nil with a real module.
func (s *Shell) demoPicker(prefer string) *widget.Select {
	return demoSelect(s.cfg.DemoFingers, prefer, s.lang)
}

func demoSelect(fingers []DemoFinger, prefer, lang string) *widget.Select {
	if len(fingers) == 0 {
		return nil
	}
	var opts []string
	pick := ""
	for _, f := range fingers {
		o := f.User + " " + f.Name
		opts = append(opts, o)
		if f.User == prefer && prefer != "" || pick == "" {
			pick = o
		}
	}
	sel := widget.NewSelect(opts, nil)
	sel.SetSelected(pick)
	if lang == "en" {
		sel.PlaceHolder = "Simulated finger"
	} else {
		sel.PlaceHolder = "模拟手指"
	}
	return sel
}

// demoUser is the user id of the picked demo finger.
func demoUser(sel *widget.Select) string {
	if sel == nil {
		return ""
	}
	id, _, _ := strings.Cut(sel.Selected, " ")
	return id
}

// fingerModule is what a fingerprint scan needs of the device.
type fingerModule interface {
	Identify(ctx context.Context) (page, score int, err error)
}

// ModuleFinger makes the FingerScan of the fingerprint device dev (an R30x
// module, or the manager's simulated one), whose templates the ledger
// knows as module moduleID. For a simulated module it enrolls a finger for
// each of demo on the module and in the ledger (once: a page the ledger
// already holds is left as it is), and returns them to offer in the
// dialogs; a scan then presents the picked finger to the simulator.
func ModuleFinger(ctx context.Context, dev any, moduleID string, store *ledger.Store, demo []ledger.User) (FingerScan, []DemoFinger, error) {
	var sim *finger.Sim
	var mod fingerModule
	switch d := dev.(type) {
	case *manager.SimFinger:
		sim, mod = d.Sim, d.Module
	case fingerModule:
		mod = d
	default:
		return nil, nil, fmt.Errorf("device %T is not a fingerprint module", dev)
	}
	var fingers []DemoFinger
	if sim != nil {
		for page, u := range demo {
			sim.Enroll(page, "demo:"+u.ID)
			if err := store.EnrollFinger(ctx, u.ID, moduleID, page); err != nil && ledger.CodeOf(err) != "E_FINGER_TAKEN" {
				return nil, nil, err
			}
			fingers = append(fingers, DemoFinger{User: u.ID, Name: u.Name, Role: u.Role})
		}
	}
	scan := func(who string) (*ledger.FingerMatch, error) {
		if sim != nil && who != "" {
			sim.Present("demo:" + who)
		}
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		// A health check may hold the module for a moment: wait for it.
		page, _, err := mod.Identify(ctx)
		for devices.CodeOf(err) == devices.Busy && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
			page, _, err = mod.Identify(ctx)
		}
		if err != nil {
			return nil, ledger.NewError(ledger.Code(finger.Code(err)), "finger", err)
		}
		return &ledger.FingerMatch{Module: moduleID, Page: page}, nil
	}
	return scan, fingers, nil
}
