package lang

// Node is implemented by every AST node.
type Node interface {
	// Position is where the node starts in the query text.
	Position() Pos
	// String prints the node as SQL that parses back to an equal node.
	String() string
}

// Statement is a whole statement: *Select or *Explain.
type Statement interface {
	Node
	statement()
}

// Expr is an expression: *Ident, *Literal, *Call, *Binary, *Unary, *In,
// *Between, *IsNull or *Paren.
type Expr interface {
	Node
	expr()
}

// Select is a SELECT statement.
type Select struct {
	Pos      Pos
	Distinct bool
	Items    []*SelectItem
	From     *KafkaSource
	Where    Expr   // nil when absent
	Limit    *int64 // nil when absent
}

// Explain is EXPLAIN <statement>.
type Explain struct {
	Pos  Pos
	Stmt Statement
}

// SelectItem is one entry of the select list: * or an expression with an
// optional alias.
type SelectItem struct {
	Pos   Pos
	Star  bool
	Expr  Expr   // nil when Star
	Alias string // "" when absent
}

// KafkaSource is kafka('topic', ...) WITH (option = value, ...) [AS alias].
// Topics lists the names as written; kafka('a,b') is one string here and is
// split by package plan.
type KafkaSource struct {
	Pos     Pos
	Topics  []string
	Options []*Option
	Alias   string
}

// Option is one key = value entry of a WITH clause. Key keeps the case it
// was written in; option keys are matched case-insensitively by plan.
type Option struct {
	Pos   Pos
	Key   string
	Value *Literal
}

// Ident is a possibly qualified name: Parts holds each dotted part unquoted.
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
)

// Literal is a constant. Value holds the text: digits for numbers, the
// unquoted text for strings, "TRUE"/"FALSE" for booleans, "NULL" for null.
type Literal struct {
	Pos   Pos
	Kind  LiteralKind
	Value string
}

// Call is a function call. Star is set for COUNT(*); Name keeps its case.
type Call struct {
	Pos      Pos
	Name     string
	Star     bool
	Distinct bool
	Args     []Expr
}

// Binary is a binary operation. Op is upper-case for word operators ("AND",
// "OR", "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE") and the symbol otherwise
// ("=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "||").
type Binary struct {
	Pos   Pos
	Op    string
	Left  Expr
	Right Expr
}

// Unary is NOT x or -x. Op is "NOT" or "-".
type Unary struct {
	Pos Pos
	Op  string
	X   Expr
}

// In is x [NOT] IN (list).
type In struct {
	Pos  Pos
	X    Expr
	Not  bool
	List []Expr
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

func (*Select) statement()  {}
func (*Explain) statement() {}

func (*Ident) expr()   {}
func (*Literal) expr() {}
func (*Call) expr()    {}
func (*Binary) expr()  {}
func (*Unary) expr()   {}
func (*In) expr()      {}
func (*Between) expr() {}
func (*IsNull) expr()  {}
func (*Paren) expr()   {}

// Position implements Node.
func (n *Select) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Explain) Position() Pos { return n.Pos }

// Position implements Node.
func (n *SelectItem) Position() Pos { return n.Pos }

// Position implements Node.
func (n *KafkaSource) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Option) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Ident) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Literal) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Call) Position() Pos { return n.Pos }

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

// Name returns the last part of the identifier, the column name.
func (n *Ident) Name() string { return n.Parts[len(n.Parts)-1] }
