package dsl

// ValueType is the type of the value a field binds.
type ValueType int

// Value types of bound fields. In expressions and state a Money value is an
// int64 of fen, an Int an int64, a Date a "YYYY-MM-DD" string, Rows a
// []map[string]any for read-only tables.
const (
	ValueNone ValueType = iota
	ValueString
	ValueMoney
	ValueInt
	ValueBool
	ValueDate
	ValueRows
	ValueAny // labels may bind any key to show it
)

var valueTypeNames = [...]string{"none", "string", "money", "int", "bool", "date", "rows", "any"}

// String names the type as the spec does.
func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return "?"
}

// PropKind is what a property holds, and so which editor the designer's
// inspector shows for it.
type PropKind int

// Property kinds.
const (
	PropText    PropKind = iota // a plain string
	PropI18n                    // Text: {"zh":..., "en":...}
	PropNumber                  // a JSON number
	PropBool                    // true or false
	PropEnum                    // one string of Enum
	PropExpr                    // an expression string
	PropMoney                   // a decimal amount string, "10000.00"
	PropOptions                 // [{"value": "...", "label": {...}}]
	PropColumns                 // [{"key": "...", "title": {...}, "kind": "money"}]
)

var propKindNames = [...]string{"text", "i18n", "number", "bool", "enum", "expr", "money", "options", "columns"}

// String names the kind.
func (k PropKind) String() string {
	if int(k) < len(propKindNames) {
		return propKindNames[k]
	}
	return "?"
}

// PropSpec describes one property of a widget type.
type PropSpec struct {
	Name    string
	Kind    PropKind
	Default any      // value when the author sets none (nil: none)
	Enum    []string // allowed values of a PropEnum
	Doc     string   // one line for the inspector
}

// TypeSpec describes one widget type: whether it holds children, what value
// it binds, and its properties. The widgets package adds the constructor;
// the designer's palette and inspector read the same spec.
type TypeSpec struct {
	Name      string
	Title     Text
	Group     string // palette group: "container", "field", "banking", "display"
	Container bool
	Value     ValueType // ValueNone: the node cannot bind
	Props     []PropSpec
	Doc       string
}

// Prop returns the spec of a property, or nil.
func (t *TypeSpec) Prop(name string) *PropSpec {
	for i := range t.Props {
		if t.Props[i].Name == name {
			return &t.Props[i]
		}
	}
	return nil
}

// Rule kinds and what their argument is.
var RuleKinds = map[string]PropKind{
	"required": PropBool,   // the field must have a value
	"luhn":     PropBool,   // bank card check digit
	"idcard":   PropBool,   // GB 11643 resident ID number
	"phone":    PropBool,   // mainland mobile or landline number
	"pattern":  PropText,   // Go regular expression the whole value must match
	"minLen":   PropNumber, // at least this many characters
	"maxLen":   PropNumber, // at most this many characters
	"min":      PropMoney,  // lowest amount (money) or number
	"max":      PropMoney,  // highest amount (money) or number
	"expr":     PropExpr,   // a boolean expression over the form's fields
}

var (
	label       = PropSpec{Name: "label", Kind: PropI18n, Doc: "caption shown beside the field"}
	placeholder = PropSpec{Name: "placeholder", Kind: PropI18n, Doc: "grey text shown while the field is empty"}
	hint        = PropSpec{Name: "hint", Kind: PropI18n, Doc: "help line under the field"}
	readOnly    = PropSpec{Name: "readOnly", Kind: PropBool, Default: false, Doc: "shown but not editable"}
	title       = PropSpec{Name: "title", Kind: PropI18n, Doc: "heading of the container"}
	options     = PropSpec{Name: "options", Kind: PropOptions, Doc: "the choices: value and label"}
)

// Types is the catalogue of widget types, by name.
var Types = map[string]*TypeSpec{}

func init() {
	for _, t := range []*TypeSpec{
		{Name: "form", Title: Text{"表单", "Form"}, Group: "container", Container: true,
			Props: []PropSpec{{Name: "labelWidth", Kind: PropNumber, Default: 110, Doc: "width of the label column in pixels"}},
			Doc:   "the root of every form"},
		{Name: "group", Title: Text{"分组", "Group"}, Group: "container", Container: true,
			Props: []PropSpec{title, {Name: "columns", Kind: PropNumber, Default: 1, Doc: "fields laid out in this many columns"}},
			Doc:   "a titled card holding related fields"},
		{Name: "row", Title: Text{"行", "Row"}, Group: "container", Container: true,
			Doc: "children side by side, sharing the width"},
		{Name: "column", Title: Text{"列", "Column"}, Group: "container", Container: true,
			Doc: "children stacked top to bottom"},
		{Name: "grid", Title: Text{"网格", "Grid"}, Group: "container", Container: true,
			Props: []PropSpec{{Name: "columns", Kind: PropNumber, Default: 2, Doc: "number of columns"}},
			Doc:   "children in a grid of n columns"},
		{Name: "tabs", Title: Text{"标签页", "Tabs"}, Group: "container", Container: true,
			Doc: "one tab per child; the tab is titled by the child's title"},
		{Name: "split", Title: Text{"分栏", "Split"}, Group: "container", Container: true,
			Props: []PropSpec{
				{Name: "direction", Kind: PropEnum, Default: "horizontal", Enum: []string{"horizontal", "vertical"}, Doc: "side by side or one above the other"},
				{Name: "offset", Kind: PropNumber, Default: 0.5, Doc: "share of the first child, 0 to 1"},
			},
			Doc: "two children with a movable divider"},
		{Name: "scroll", Title: Text{"滚动区", "Scroll"}, Group: "container", Container: true,
			Props: []PropSpec{{Name: "height", Kind: PropNumber, Default: 240, Doc: "minimum visible height in pixels"}},
			Doc:   "children in a scrollable area"},

		{Name: "text", Title: Text{"文本", "Text"}, Group: "field", Value: ValueString,
			Props: []PropSpec{label, placeholder, hint, readOnly, {Name: "maxLength", Kind: PropNumber, Doc: "most characters accepted"}},
			Doc:   "one line of text"},
		{Name: "textarea", Title: Text{"多行文本", "Text area"}, Group: "field", Value: ValueString,
			Props: []PropSpec{label, placeholder, hint, readOnly, {Name: "rows", Kind: PropNumber, Default: 3, Doc: "visible lines"}},
			Doc:   "several lines of text"},
		{Name: "password", Title: Text{"密码", "Password"}, Group: "field", Value: ValueString,
			Props: []PropSpec{label, placeholder, hint},
			Doc:   "hidden text, never shown or logged"},
		{Name: "number", Title: Text{"整数", "Number"}, Group: "field", Value: ValueInt,
			Props: []PropSpec{label, placeholder, hint, readOnly},
			Doc:   "a whole number"},
		{Name: "phone", Title: Text{"电话", "Phone"}, Group: "field", Value: ValueString,
			Props: []PropSpec{label, placeholder, hint, readOnly},
			Doc:   "a mobile or landline number"},
		{Name: "date", Title: Text{"日期", "Date"}, Group: "field", Value: ValueDate,
			Props: []PropSpec{label, hint, readOnly, {Name: "defaultToday", Kind: PropBool, Default: false, Doc: "start with the business date"}},
			Doc:   "a date, YYYY-MM-DD"},
		{Name: "select", Title: Text{"下拉选择", "Select"}, Group: "field", Value: ValueString,
			Props: []PropSpec{label, hint, options, placeholder},
			Doc:   "one choice from a drop-down list"},
		{Name: "radio", Title: Text{"单选", "Radio"}, Group: "field", Value: ValueString,
			Props: []PropSpec{label, hint, options, {Name: "horizontal", Kind: PropBool, Default: true, Doc: "choices on one line"}},
			Doc:   "one choice from a few shown at once"},
		{Name: "check", Title: Text{"勾选", "Check"}, Group: "field", Value: ValueBool,
			Props: []PropSpec{label, hint},
			Doc:   "yes or no"},

		{Name: "amount", Title: Text{"金额", "Amount"}, Group: "banking", Value: ValueMoney,
			Props: []PropSpec{label, hint, readOnly,
				{Name: "currency", Kind: PropEnum, Default: "CNY", Enum: []string{"CNY"}, Doc: "currency of the amount"},
				{Name: "max", Kind: PropMoney, Doc: "largest amount the field accepts"},
				{Name: "upper", Kind: PropBool, Default: true, Doc: "show the amount in Chinese capitals (大写)"}},
			Doc: "a money amount in yuan, with thousands separators and 大写"},
		{Name: "account", Title: Text{"账号", "Account"}, Group: "banking", Value: ValueString,
			Props: []PropSpec{label, hint, readOnly,
				{Name: "cardReader", Kind: PropBool, Default: false, Doc: "an inserted IC card fills the field"},
				{Name: "masked", Kind: PropBool, Default: false, Doc: "show only the first and last four digits when not editing"},
				{Name: "maxDigits", Kind: PropNumber, Default: 19, Doc: "most digits accepted"}},
			Doc: "an account or card number, grouped by four"},
		{Name: "idcard", Title: Text{"身份证号", "ID number"}, Group: "banking", Value: ValueString,
			Props: []PropSpec{label, hint, readOnly},
			Doc:   "an 18-character resident ID number (GB 11643)"},
		{Name: "seal", Title: Text{"验印", "Seal check"}, Group: "banking",
			Props: []PropSpec{label,
				{Name: "specimen", Kind: PropText, Default: "demo", Doc: "id of the encrypted seal specimen"}},
			Doc: "compares the seal on a cheque with the account's specimen"},

		{Name: "label", Title: Text{"标签", "Label"}, Group: "display", Value: ValueAny,
			Props: []PropSpec{label,
				{Name: "text", Kind: PropI18n, Doc: "static text; the node's value expression replaces it"},
				{Name: "style", Kind: PropEnum, Default: "normal", Enum: []string{"normal", "heading", "strong", "muted", "money"}, Doc: "how the text looks"}},
			Doc: "static or computed text"},
		{Name: "button", Title: Text{"按钮", "Button"}, Group: "display",
			Props: []PropSpec{
				{Name: "text", Kind: PropI18n, Doc: "caption"},
				{Name: "action", Kind: PropEnum, Default: "submit", Enum: []string{"submit", "cancel", "clear", "readCard", "query"}, Doc: "what a press does"},
				{Name: "importance", Kind: PropEnum, Default: "medium", Enum: []string{"low", "medium", "high"}, Doc: "how prominent it is"}},
			Doc: "a button that submits, cancels, clears or reads a card"},
		{Name: "image", Title: Text{"图片", "Image"}, Group: "display",
			Props: []PropSpec{
				{Name: "src", Kind: PropText, Doc: "asset name of the image"},
				{Name: "height", Kind: PropNumber, Default: 120, Doc: "height in pixels"}},
			Doc: "a picture from the assets"},
		{Name: "table", Title: Text{"表格", "Table"}, Group: "display", Value: ValueRows,
			Props: []PropSpec{label,
				{Name: "columns", Kind: PropColumns, Doc: "the columns: key, title and kind"},
				{Name: "height", Kind: PropNumber, Default: 200, Doc: "visible height in pixels"}},
			Doc: "read-only rows, such as query results"},
	} {
		Types[t.Name] = t
	}
}
