package release

import (
	"fmt"
	"strings"
)

// Target kinds of an activation, from the least to the most specific.
const (
	TargetAll      = "all"      // every branch
	TargetBranch   = "branch"   // one branch (Target.Value: its code)
	TargetTerminal = "terminal" // one terminal, a pilot (Target.Value: its id)
)

// Target is what an activation applies to.
type Target struct {
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

// All is the target of every branch.
var All = Target{Kind: TargetAll}

// Branch and Terminal are the targets of one branch and one terminal.
func Branch(code string) Target { return Target{Kind: TargetBranch, Value: code} }
func Terminal(id string) Target { return Target{Kind: TargetTerminal, Value: id} }
func (t Target) String() string {
	if t.Kind == TargetAll || t.Kind == "" {
		return t.Kind
	}
	return t.Kind + ":" + t.Value
}

// Valid reports whether t is one of the three kinds, with a value for a
// branch or a terminal and none for all.
func (t Target) Valid() error {
	switch t.Kind {
	case TargetAll:
		if t.Value == "" {
			return nil
		}
	case TargetBranch, TargetTerminal:
		if strings.TrimSpace(t.Value) != "" && t.Value == strings.TrimSpace(t.Value) {
			return nil
		}
	}
	return fmt.Errorf("target %q: all, branch:CODE or terminal:ID", t.String())
}

// Rank orders targets for resolution: a terminal beats a branch, which
// beats all branches.
func (t Target) Rank() int {
	switch t.Kind {
	case TargetTerminal:
		return 3
	case TargetBranch:
		return 2
	case TargetAll:
		return 1
	}
	return 0
}

// Resolved is the version of a form a terminal opens.
type Resolved struct {
	Form    string `json:"form"`
	Package Ref    `json:"-"`
	Ref     string `json:"package"` // Package as "ID@VERSION"
	Digest  string `json:"digest"`
	// Target is the activation that decided it; zero for the built-in.
	Target  Target `json:"target"`
	Builtin bool   `json:"builtin"`
}
