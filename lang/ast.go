package lang

// Node is implemented by every AST node.
type Node interface {
	// Position is where the node starts in the query text.
	Position() Pos
	// String prints the node as SQL that parses back to an equal node.
	String() string
}

// Statement is a whole statement: a Query (*Select or *SetOp), *Explain,
// *Copy, *CreateTable, *Insert, *Show or *Describe.
type Statement interface {
	Node
	statement()
}

// Query is a statement that returns rows: *Select, *SetOp or *Values. Queries also
// stand inside other statements (COPY, CREATE TABLE AS, INSERT), in CTEs,
// in FROM (*SubquerySource) and in expressions (*Subquery, *Exists, *In).
type Query interface {
	Statement
	query()
}

// Select is a SELECT query. From is empty for SELECT without FROM; the
// FROM items are joined by commas (a cross join), each of them possibly a
// *Join tree. OrderBy, Limit and Offset apply to this SELECT's result.
type Select struct {
	Pos      Pos
	With     *With // nil when absent
	Distinct bool
	Items    []*SelectItem
	From     []TableExpr
	Where    Expr   // nil when absent
	GroupBy  []Expr // empty when absent
	// GroupByAll is GROUP BY ALL: group by every select item that is not
	// an aggregate (GroupBy is then empty).
	GroupByAll bool
	Having     Expr // nil when absent
	// Qualify is the QUALIFY clause: a filter on the rows after window
	// functions are computed (DuckDB's); nil when absent.
	Qualify Expr
	OrderBy []*OrderItem
	Limit   *int64 // nil when absent
	Offset  *int64 // nil when absent
}

// SetOp is Left UNION|EXCEPT|INTERSECT [ALL] Right. INTERSECT binds more
// tightly than UNION and EXCEPT; operators of one level associate to the
// left. OrderBy, Limit and Offset apply to the combined result.
type SetOp struct {
	Pos     Pos
	With    *With  // nil when absent
	Op      string // "UNION", "EXCEPT" or "INTERSECT"
	All     bool
	Left    Query
	Right   Query
	OrderBy []*OrderItem
	Limit   *int64 // nil when absent
	Offset  *int64 // nil when absent
}

// Values is VALUES (a, b), (c, d): rows of expressions, every row as
// long as the first. OrderBy, Limit and Offset apply to its rows.
type Values struct {
	Pos     Pos
	With    *With // nil when absent
	Rows    [][]Expr
	OrderBy []*OrderItem
	Limit   *int64 // nil when absent
	Offset  *int64 // nil when absent
}

// With is the WITH clause of common table expressions.
type With struct {
	Pos       Pos
	Recursive bool
	CTEs      []*CTE
}

// CTE is one common table expression: Name [(Columns)] AS (Query).
type CTE struct {
	Pos     Pos
	Name    string
	Columns []string // empty when absent
	Query   Query
}

// SelectItem is one entry of the select list: *, table.*, or an
// expression with an optional alias. A star may leave columns out
// (* EXCLUDE (a, b)) and replace others (* REPLACE (x + 1 AS x)).
type SelectItem struct {
	Pos     Pos
	Star    bool
	Table   string         // the qualifier of table.*; "" for a bare * or an expression
	Exclude []string       // the columns * EXCLUDE leaves out; empty when absent
	Replace []*ReplaceItem // the columns * REPLACE replaces; empty when absent
	Expr    Expr           // nil when Star
	Alias   string         // "" when absent
}

// ReplaceItem is one entry of * REPLACE (...): the column Name takes the
// value of Expr.
type ReplaceItem struct {
	Pos  Pos
	Expr Expr
	Name string
}

// OrderItem is one ORDER BY entry. Nulls is "", "FIRST" or "LAST".
type OrderItem struct {
	Pos   Pos
	Expr  Expr
	Desc  bool
	Nulls string
}

// Explain is EXPLAIN <statement>.
type Explain struct {
	Pos  Pos
	Stmt Statement
}

// Copy is COPY (Query) TO 'Path' (Options). An option's Value is nil for a
// bare flag (HEADER); bare words (FORMAT parquet) are string literals.
type Copy struct {
	Pos     Pos
	Query   Query
	Path    string
	Options []*Option
}

// CreateTable is CREATE [OR REPLACE] TABLE [IF NOT EXISTS] Name AS Query.
// Name holds the dotted parts of the table name, unquoted.
type CreateTable struct {
	Pos         Pos
	OrReplace   bool
	IfNotExists bool
	Name        []string
	Query       Query
}

// Insert is INSERT INTO Table [(Columns)] Query. Table holds the dotted
// parts of the table name, unquoted.
type Insert struct {
	Pos     Pos
	Table   []string
	Columns []string // empty when absent
	Query   Query
}

// Show is SHOW TOPICS or SHOW TABLES; What is "TOPICS" or "TABLES".
type Show struct {
	Pos  Pos
	What string
}

// Describe is DESCRIBE <source> (DESCRIBE kafka('orders'),
// DESCRIBE read_parquet('f.parquet')) or DESCRIBE <query>: the columns of
// the source or of the query's result. Exactly one of Source and Query is
// set.
type Describe struct {
	Pos    Pos
	Source TableExpr // nil for DESCRIBE <query>
	Query  Query     // nil for DESCRIBE <source>
}

// Option is one entry of a kafka() WITH clause (key = value) or of a COPY
// option list (KEY value). Key keeps the case it was written in and may be
// dotted (kafka.bootstrap.servers); option keys are matched
// case-insensitively by the packages that give them meaning. Value is nil
// only for a bare COPY flag and for a list of Names.
type Option struct {
	Pos   Pos
	Key   string
	Value *Literal
	// Names is a COPY option's parenthesized list of names
	// (PARTITION_BY (dt, country)); Value is nil then.
	Names []string
}

func (*Select) statement()      {}
func (*SetOp) statement()       {}
func (*Values) statement()      {}
func (*Explain) statement()     {}
func (*Copy) statement()        {}
func (*CreateTable) statement() {}
func (*Insert) statement()      {}
func (*Show) statement()        {}
func (*Describe) statement()    {}

func (*Select) query() {}
func (*SetOp) query()  {}
func (*Values) query() {}

// Position implements Node.
func (n *Select) Position() Pos { return n.Pos }

// Position implements Node.
func (n *SetOp) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Values) Position() Pos { return n.Pos }

// Position implements Node.
func (n *ReplaceItem) Position() Pos { return n.Pos }

// Position implements Node.
func (n *With) Position() Pos { return n.Pos }

// Position implements Node.
func (n *CTE) Position() Pos { return n.Pos }

// Position implements Node.
func (n *SelectItem) Position() Pos { return n.Pos }

// Position implements Node.
func (n *OrderItem) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Explain) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Copy) Position() Pos { return n.Pos }

// Position implements Node.
func (n *CreateTable) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Insert) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Show) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Describe) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Option) Position() Pos { return n.Pos }
