// Package dsl implements guitai.form/1, the JSON schema of the teller
// workstation's business forms (表单): a tree of widget nodes with bound
// fields, validation rules and expressions, and the catalog transaction the
// form posts on submit. The full specification, for analysts and for authors
// of other readers, is in SPEC.md next to this file.
//
// The widget catalogue (Types) says for each node type whether it holds
// children, what value it binds and which props it takes; RuleKinds lists the
// validation rules. Package widgets adds the constructors, and the designer's
// palette and inspector read the same catalogue.
//
// # Decoding
//
// Decode parses strictly (valid UTF-8, no duplicate keys), migrates documents
// of older schema versions (RegisterMigration), checks shape and meaning, and
// compiles the expressions. It reports every problem in one pass as an
// ErrorList whose entries print as "line:col: pointer: message [code]", with
// an RFC 6901 JSON pointer and a stable Code. Validate checks a form built in
// memory the same way.
//
// # Canonical form
//
// Encode writes one canonical byte form: known keys in schema order, unknown
// keys after them in byte order, two-space indent, short flat objects and
// arrays on one line, empty props, rules and children left out, no HTML
// escaping, a final newline. Keys this version does not know are kept and
// written back; decoding canonical bytes and encoding again gives the same
// bytes.
//
// # Operations
//
// The designer changes a form only through an Op: insert, update, delete or
// move, addressed by paths of node ids. Apply performs one and returns its
// exact inverse, the unit of the undo log; a failed op leaves the form as it
// was. Apply checks structure only; Validate judges the result.
//
// # Expressions
//
// Conditions, computed values and authorization rules are expr-lang
// expressions over the form's bound keys (Form.Program). Money is int64 fen
// in the environment, while a number literal compared with or added to money
// is read as yuan and scaled to exact fen: "amount > 50000" means more than
// ¥50,000.00. Helpers such as cnUpper, yuan, luhn and age are available, and
// Program.Dependents tells which expressions to evaluate again when a key
// changes; Program.Check runs a field's rules.
package dsl
