// Package designer is the model of the form designer, with no user interface:
// a Document holds one dsl.Form and the log of every change made to it. Every
// edit, from whichever pane it comes, is a list of Changes (dsl operations,
// or a change of the form's header) applied as one Step; undo applies the
// step's exact inverses, so undoing everything gives back the starting bytes.
//
// Around the log the package keeps the selection (a node id, resolved to an
// id path on demand), a clipboard of subtrees with fresh ids on paste,
// structure moves (up, down, into, out of a container), the diff that turns
// an edited JSON source into operations, validation problems located at
// nodes, and publishing with a version bump and a semantic diff. What it
// does not edit itself, the form's lookups above all (Form.Extra), it
// keeps through every change, and checks against the catalog (Lookups).
// New fields and copies bind keys of their own that the language does not
// reserve (FreshBind), and Recovery keeps the drafts autosave writes so a
// crash loses only seconds.
//
// The window lives in designer/ui; the model never imports Fyne.
package designer
