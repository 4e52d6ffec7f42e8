package lang

// Expr is an expression: *Ident, *Literal, *Call, *Binary, *Unary, *In,
// *Between, *IsNull, *Paren, *Case, *Cast, *Index, *List, *Struct,
// *Subquery or *Exists.
type Expr interface {
	Node
	expr()
}

// Ident is a possibly qualified name: Parts holds each dotted part unquoted.
// value.amount is Parts ["value", "amount"].
type Ident struct {
	Pos   Pos
	Parts []string
}

// LiteralKind says what a Literal holds.
type LiteralKind int

// The kinds of literal.
const (
	LitInt LiteralKind = iota
	LitDecimal
	LitString
	LitBool
	LitNull
	LitTimestamp // TIMESTAMP '...'
	LitDate      // DATE '...'
	LitTime      // TIME '...'
	LitInterval  // INTERVAL '...'
	LitTimestampTZ
	// LitParam is a parameter, ? or $n: Value holds it as written, Param
	// its number. Bind gives it a value.
	LitParam
	// LitBlob is bytes a parameter was bound to (Literal.Bound); Value
	// holds them. No query text parses to it and it does not print.
	LitBlob
)

// Literal is a constant. Value holds the text: digits for numbers (with a
// leading "-" only in option values), the unquoted text for strings and
// typed literals, "TRUE"/"FALSE" for booleans, "NULL" for null. An interval
// written with a unit (INTERVAL 1 DAY) holds "1 DAY".
//
// A parameter is a Literal of kind LitParam: Value is "?" or "$n" as
// written and Param its number, from 1 (the n of $n; ? are numbered in
// the order they appear). Bound is nil in a parsed statement; in a copy
// made by Bind it is the value the parameter stands for, a Literal of
// another kind, which planning reads as it reads a constant while the SQL
// engine gets the value itself (Render prints a parameter, never its
// value).
type Literal struct {
	Pos   Pos
	Kind  LiteralKind
	Value string
	Param int
	Bound *Literal
}

// Call is a function call. Star is set for COUNT(*); Name keeps its case.
// OrderBy orders an aggregate's input (string_agg(x, ',' ORDER BY y)).
// Filter is the FILTER (WHERE ...) condition and Over the window of a
// window function; both are nil when absent.
type Call struct {
	Pos      Pos
	Name     string
	Star     bool
	Distinct bool
	Args     []Expr
	OrderBy  []*OrderItem
	Filter   Expr
	Over     *Window
}

// Window is OVER (PARTITION BY ... ORDER BY ... frame).
type Window struct {
	Pos         Pos
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *Frame // nil when absent
}

// Frame is ROWS|RANGE|GROUPS [BETWEEN Start AND End | Start]. End is nil
// when the frame names only its start.
type Frame struct {
	Pos   Pos
	Unit  string // "ROWS", "RANGE" or "GROUPS"
	Start *FrameBound
	End   *FrameBound
}

// FrameBound is UNBOUNDED PRECEDING|FOLLOWING, CURRENT ROW, or Offset
// PRECEDING|FOLLOWING. Kind is "UNBOUNDED PRECEDING", "UNBOUNDED FOLLOWING",
// "CURRENT ROW", "PRECEDING" or "FOLLOWING"; Offset is set for the last two.
type FrameBound struct {
	Pos    Pos
	Kind   string
	Offset Expr
}

// Binary is a binary operation. Op is upper-case for word operators ("AND",
// "OR", "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE") and the symbol otherwise
// ("=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "||", "->",
// "->>", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"). Printing adds the
// parentheses precedence needs.
type Binary struct {
	Pos   Pos
	Op    string
	Left  Expr
	Right Expr
}

// Unary is NOT x, -x or +x. Op is "NOT", "-" or "+".
type Unary struct {
	Pos Pos
	Op  string
	X   Expr
}

// In is x [NOT] IN (list) or x [NOT] IN (query); exactly one of List and
// Query is set.
type In struct {
	Pos   Pos
	X     Expr
	Not   bool
	List  []Expr
	Query Query
}

// Between is x [NOT] BETWEEN lo AND hi.
type Between struct {
	Pos Pos
	X   Expr
	Not bool
	Lo  Expr
	Hi  Expr
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	Pos Pos
	X   Expr
	Not bool
}

// Paren is a parenthesised expression, kept so that printing preserves the
// grouping the user wrote.
type Paren struct {
	Pos Pos
	X   Expr
}

// Case is CASE [Operand] WHEN ... THEN ... [ELSE Else] END. Operand is nil
// for a searched CASE, Else nil when absent.
type Case struct {
	Pos     Pos
	Operand Expr
	Whens   []*When
	Else    Expr
}

// When is one WHEN Cond THEN Result arm of a CASE.
type When struct {
	Pos    Pos
	Cond   Expr
	Result Expr
}

// Cast is CAST(X AS Type), TRY_CAST(X AS Type) (Try) or X::Type (Short).
type Cast struct {
	Pos   Pos
	X     Expr
	Type  *Type
	Try   bool
	Short bool
}

// Type is a type name in a cast. Name is upper-case ("VARCHAR", "DOUBLE
// PRECISION", "TIMESTAMP WITH TIME ZONE"); Args are its numeric parameters
// (DECIMAL(10,2)); Lists counts trailing [] (INT[] is 1).
type Type struct {
	Pos   Pos
	Name  string
	Args  []int64
	Lists int
}

// Index is X[Index], a list or map subscript.
type Index struct {
	Pos   Pos
	X     Expr
	Index Expr
}

// List is a list literal, [a, b, c], as DuckDB writes it.
type List struct {
	Pos   Pos
	Items []Expr
}

// Struct is a struct literal, {'key': value, ...}, as DuckDB writes it.
type Struct struct {
	Pos    Pos
	Fields []*StructField
}

// StructField is one key: value entry of a Struct; Key is unquoted.
type StructField struct {
	Pos   Pos
	Key   string
	Value Expr
}

// Subquery is a scalar subquery, (SELECT ...), in an expression.
type Subquery struct {
	Pos   Pos
	Query Query
}

// Exists is EXISTS (query); NOT EXISTS is a *Unary over it.
type Exists struct {
	Pos   Pos
	Query Query
}

func (*Ident) expr()    {}
func (*Literal) expr()  {}
func (*Call) expr()     {}
func (*Binary) expr()   {}
func (*Unary) expr()    {}
func (*In) expr()       {}
func (*Between) expr()  {}
func (*IsNull) expr()   {}
func (*Paren) expr()    {}
func (*Case) expr()     {}
func (*Cast) expr()     {}
func (*Index) expr()    {}
func (*List) expr()     {}
func (*Struct) expr()   {}
func (*Subquery) expr() {}
func (*Exists) expr()   {}

// Position implements Node.
func (n *Ident) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Literal) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Call) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Window) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Frame) Position() Pos { return n.Pos }

// Position implements Node.
func (n *FrameBound) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Binary) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Unary) Position() Pos { return n.Pos }

// Position implements Node.
func (n *In) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Between) Position() Pos { return n.Pos }

// Position implements Node.
func (n *IsNull) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Paren) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Case) Position() Pos { return n.Pos }

// Position implements Node.
func (n *When) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Cast) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Type) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Index) Position() Pos { return n.Pos }

// Position implements Node.
func (n *List) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Struct) Position() Pos { return n.Pos }

// Position implements Node.
func (n *StructField) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Subquery) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Exists) Position() Pos { return n.Pos }

// Name returns the last part of the identifier, the column name.
func (n *Ident) Name() string { return n.Parts[len(n.Parts)-1] }
